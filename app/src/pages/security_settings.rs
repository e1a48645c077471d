use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::security_settings::{get_security_settings, set_allow_user_to_manage_access_keys};
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::SecuritySettings;

/// RAM > Security Settings: what RAM users may do for themselves.
pub struct SecuritySettingsPage;

#[lazy_route]
impl LazyRoute for SecuritySettingsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <SecuritySettingsView/> }.into_any()
    }
}

#[component]
fn SecuritySettingsView() -> impl IntoView {
    let settings: Resource<Result<SecuritySettings, ConsoleError>> =
        Resource::new(|| (), |_| get_security_settings());
    let save = Action::new(|allow: &bool| set_allow_user_to_manage_access_keys(*allow));
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            settings.refetch();
        }
    });
    view! {
        <Title text="Security Settings · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Security Settings"</nav>
        <h1>"Security Settings"</h1>
        <Transition fallback=|| view! { <p class="page-loading">"Loading the security settings…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => {
                        let allowed = settings.allow_user_to_manage_access_keys;
                        view! {
                            <section class="settings">
                                <h2>"RAM User Security Settings"</h2>
                                <div class="switch-row">
                                    <input
                                        type="checkbox"
                                        role="switch"
                                        id="allow-user-to-manage-access-keys"
                                        prop:checked=allowed
                                        disabled=move || !settings.can_manage || save.pending().get()
                                        on:change=move |_| { save.dispatch(!allowed); }
                                    />
                                    <div>
                                        <label for="allow-user-to-manage-access-keys">
                                            "Allow RAM users to manage their own AccessKey pairs"
                                        </label>
                                        <p class="field-hint">
                                            {if allowed {
                                                "On: every RAM user can create, disable, enable and delete its own AccessKey pairs."
                                            } else {
                                                "Off: only the account owner and RAM administrators manage RAM users' AccessKey pairs."
                                            }}
                                        </p>
                                    </div>
                                </div>
                                {(!settings.can_manage).then(|| view! {
                                    <p class="field-hint">"Only the account owner and RAM administrators with full access change this."</p>
                                })}
                                <p class="form-error" role="alert">
                                    {move || save.value().get().and_then(Result::err).map(|e| e.to_string())}
                                </p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
