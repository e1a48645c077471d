use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::api::users::{delete_user, get_user};
use crate::components::access_key_management::AccessKeyManagement;
use crate::components::confirm::ConfirmDialog;
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
    let confirming_delete = RwSignal::new(false);
    let delete = Action::new(|name: &String| delete_user(name.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/ram/users", Default::default());
        }
    });
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
                        <div class="page-header">
                            <h1>{user.row.logon_name.clone()}</h1>
                            {user.can_manage.then(|| view! {
                                <button type="button" class="button" on:click=move |_| confirming_delete.set(true)>
                                    "Delete User"
                                </button>
                            })}
                        </div>
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
        <Show when=move || confirming_delete.get()>
            <ConfirmDialog
                title="Delete User"
                message=format!(
                    "Delete the user {}? It moves to the recycle bin with its AccessKeys, which stop working \
                     at once. You can restore it there for 30 days.",
                    name.get_untracked()
                )
                confirm_label="Delete"
                on_confirm=move |_| { delete.dispatch(name.get_untracked()); }
                on_cancel=move |_| confirming_delete.set(false)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        </Show>
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
