use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::security_settings::{get_security_settings, SaveSecuritySettings};
use crate::components::form_field::FormField;
use crate::components::page_error::PageError;
use crate::error::{ConsoleError, FormErrors};
use crate::model::SecuritySettings;

/// RAM > Security Settings: what RAM users may do for themselves, and how they sign in.
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
    let save = ServerAction::<SaveSecuritySettings>::new();
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
                    Ok(settings) => view! { <SettingsForm settings save/> }.into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForm(
    settings: SecuritySettings,
    save: ServerAction<SaveSecuritySettings>,
) -> impl IntoView {
    let can_manage = settings.can_manage;
    let errors = FormErrors::new(move || save.value().get().and_then(Result::err));
    // One way to save the whole card: switches and fields alike wait for Save.
    let keys = RwSignal::new(settings.allow_user_to_manage_access_keys);
    let mfa = RwSignal::new(settings.allow_user_to_manage_mfa_devices);
    view! {
        <section class="settings">
            <ActionForm action=save attr:class="settings-form" attr:novalidate=true>
                <h2>"RAM User Security Settings"</h2>
                <SettingSwitch
                    id="allow-user-to-manage-access-keys"
                    name="changes[allow_user_to_manage_access_keys]"
                    label="Allow RAM users to manage their own AccessKey pairs"
                    on=keys
                    on_hint="On: every RAM user can create, disable, enable and delete its own AccessKey pairs."
                    off_hint="Off: only the account owner and RAM administrators manage RAM users' AccessKey pairs."
                    can_manage
                />
                <SettingSwitch
                    id="allow-user-to-manage-mfa-devices"
                    name="changes[allow_user_to_manage_mfa_devices]"
                    label="Allow RAM users to manage their own MFA devices"
                    on=mfa
                    on_hint="On: every RAM user can bind and unbind its own virtual MFA device."
                    off_hint="Off: RAM users cannot bind or unbind their MFA devices; a bound device keeps working."
                    can_manage
                />
                <h2>"Console Sign-in of RAM Users"</h2>
                <FormField
                    label="Sign-in networks"
                    id="login-network-masks"
                    name="changes[login_network_masks]"
                    hint="Addresses and CIDR blocks separated by semicolons, such as 10.0.0.0/8;203.0.113.7. Empty: RAM users sign in from any network. The account owner and signed API calls are not restricted here."
                    optional=true
                    disabled=!can_manage
                    value=settings.login_network_masks
                    error=errors.field("login_network_masks")
                />
                <FormField
                    label="Session length (hours)"
                    id="login-session-hours"
                    name="changes[login_session_hours]"
                    input_type="number"
                    hint="How long a RAM user stays signed in, from 1 to 24 hours; new sign-ins get the new length."
                    disabled=!can_manage
                    value=settings.login_session_hours.to_string()
                    error=errors.field("login_session_hours")
                />
                <p class="form-error" role="alert">{errors.form()}</p>
                {can_manage.then(|| view! {
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save" }}
                        </button>
                        <p class="form-status" role="status">
                            {move || matches!(save.value().get(), Some(Ok(()))).then_some("Saved. The settings apply from now on.")}
                        </p>
                    </div>
                })}
            </ActionForm>
            {(!can_manage).then(|| view! {
                <p class="field-hint">"Only the account owner and RAM administrators with full access change these settings."</p>
            })}
        </section>
    }
}

/// One on/off setting of the form: a switch, and the value the form sends for it.
#[component]
fn SettingSwitch(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    on: RwSignal<bool>,
    on_hint: &'static str,
    off_hint: &'static str,
    can_manage: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="switch-row">
            <input type="hidden" name=name value=move || on.get().to_string()/>
            <input
                type="checkbox"
                role="switch"
                id=id
                prop:checked=move || on.get()
                disabled=!can_manage
                aria-describedby=hint_id.clone()
                on:change=move |ev| on.set(event_target_checked(&ev))
            />
            <div>
                <label for=id>{label}</label>
                <p class="field-hint" id=hint_id>{move || if on.get() { on_hint } else { off_hint }}</p>
            </div>
        </div>
    }
}
