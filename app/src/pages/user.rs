use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::api::users::get_user;
use crate::components::access_key_management::AccessKeyManagement;
use crate::error::ConsoleError;
use crate::model::{AccessKeyList, UserDetail};

/// One RAM user: Basic Information, and Authentication with the User AccessKeys.
/// Its data loads inside the lazy view, so none of this page's code sits in the main module.
pub struct UserPage;

#[lazy_route]
impl LazyRoute for UserPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
        let user = Resource::new(move || name.get(), get_user);
        let keys = Resource::new(move || name.get(), |name| list_access_keys(Some(name)));
        view! { <User name user keys/> }.into_any()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    BasicInformation,
    Authentication,
}

#[component]
fn User(
    name: Memo<String>,
    user: Resource<Result<UserDetail, ConsoleError>>,
    keys: Resource<Result<AccessKeyList, ConsoleError>>,
) -> impl IntoView {
    let tab = RwSignal::new(Tab::BasicInformation);
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <Title text=move || format!("{} · Users", name.get())/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            "RAM / Identities / " <a href="/ram/users">"Users"</a> " / " {move || name.get()}
        </nav>
        <Suspense fallback=|| view! { <p class="page-loading">"Loading the user…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => view! {
                        <h1>{user.row.logon_name.clone()}</h1>
                        <div class="tabs" role="tablist">
                            {tab_button(Tab::BasicInformation, "Basic Information")}
                            {tab_button(Tab::Authentication, "Authentication")}
                        </div>
                        <Show when=move || tab.get() == Tab::BasicInformation>
                            <BasicInformation user=user.clone()/>
                        </Show>
                        <Show when=move || tab.get() == Tab::Authentication>
                            <section role="tabpanel" aria-label="Authentication">
                                <h2>"User AccessKeys"</h2>
                                <AccessKeyManagement keys user=Some(name.get_untracked())/>
                            </section>
                        </Show>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="banner error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BasicInformation(user: UserDetail) -> impl IntoView {
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
    view! {
        <section role="tabpanel" aria-label="Basic Information">
            <dl class="details">
                <dt>"Logon name"</dt><dd>{user.row.logon_name}</dd>
                <dt>"Display name"</dt><dd>{user.row.display_name}</dd>
                <dt>"E-mail"</dt><dd>{or_dash(user.email)}</dd>
                <dt>"Mobile phone"</dt><dd>{or_dash(user.mobile_phone)}</dd>
                <dt>"Comments"</dt><dd>{or_dash(user.comments)}</dd>
                <dt>"Created"</dt><dd>{user.row.created}</dd>
                <dt>"Last sign-in"</dt><dd>{user.row.last_login.unwrap_or_else(|| "Never".to_owned())}</dd>
                <dt>"Console access"</dt>
                <dd>{if user.has_console_password { "Enabled" } else { "Disabled" }}</dd>
            </dl>
        </section>
    }
}
