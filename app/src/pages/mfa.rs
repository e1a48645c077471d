use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::mfa::{confirm_mfa_binding, get_mfa_status, unbind_mfa, StartMfaBinding};
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::{MfaEnrollment, MfaStatus};

/// Avatar menu > MFA Device: bind a virtual MFA device (TOTP) to the signed-in identity, or
/// unbind it. Bound, its codes replace the phone's for creating AccessKeys and are asked for at
/// sign-in.
pub struct MfaDevicePage;

#[lazy_route]
impl LazyRoute for MfaDevicePage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <MfaDevice/> }.into_any()
    }
}

const BOUND: &str =
    "A virtual MFA device is bound. Creating an AccessKey pair and signing in ask for its code.";

#[component]
fn MfaDevice() -> impl IntoView {
    let status: Resource<Result<MfaStatus, ConsoleError>> =
        Resource::new(|| (), |_| get_mfa_status());
    view! {
        <Title text="MFA Device"/>
        <h1>"MFA Device"</h1>
        <Transition fallback=|| view! { <p class="page-loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(MfaStatus { bound, why_not_manageable: Some(why) }) => view! {
                        <p class="banner info" role="status">
                            {if bound {
                                BOUND
                            } else {
                                "No virtual MFA device is bound."
                            }}
                        </p>
                        <p>{why}</p>
                    }
                    .into_any(),
                    Ok(MfaStatus { bound: true, .. }) => view! { <Unbind status/> }.into_any(),
                    Ok(MfaStatus { bound: false, .. }) => view! { <Bind status/> }.into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// After binding or unbinding, the whole console reloads: the signed-in identity it holds says
/// which verification creating a key asks for.
fn reload(status: Resource<Result<MfaStatus, ConsoleError>>) {
    if window().location().reload().is_err() {
        status.refetch();
    }
}

fn code_input(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                inputmode="numeric"
                autocomplete="one-time-code"
                maxlength="6"
                placeholder="6-digit code"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

#[component]
fn Bind(status: Resource<Result<MfaStatus, ConsoleError>>) -> impl IntoView {
    // A form, not `Action::new(|_: &()| …)`: that shape pulled ~30 KB (gzip) into the main wasm
    // module, outside this page's lazy chunk (measured with scripts/measure.sh).
    let start = ServerAction::<StartMfaBinding>::new();
    let confirm = Action::new(|(first, second): &(String, String)| {
        confirm_mfa_binding(first.clone(), second.clone())
    });
    let (first, second) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            reload(status);
        }
    });
    let enrollment = move || start.value().get().and_then(Result::ok);
    let error = move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| start.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    view! {
        <p class="banner info">
            "No virtual MFA device is bound. With one, creating an AccessKey pair and signing in ask for the \
             code your authenticator app shows instead of a code sent to your phone."
        </p>
        {move || match enrollment() {
            None => view! {
                <ActionForm action=start>
                    <div class="field single">
                        <label for="mfa-password">"Password"</label>
                        <input
                            id="mfa-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            aria-describedby="mfa-password-hint"
                        />
                        <p class="field-hint" id="mfa-password-hint">
                            "A device changes how you sign in: enter your password to continue. \
                             Your other signed-in sessions end when the device is bound."
                        </p>
                    </div>
                    <button type="submit" class="button primary" disabled=move || start.pending().get()>
                        "Bind Virtual MFA Device"
                    </button>
                </ActionForm>
            }
            .into_any(),
            Some(MfaEnrollment { secret_base32, qr_svg, .. }) => view! {
                <section class="mfa-enrollment">
                    <h2>"1. Add the device to your authenticator app"</h2>
                    <div class="qr-code" role="img" aria-label="QR code of the MFA key" inner_html=qr_svg></div>
                    <p>"Can't scan it? Enter this key by hand (time-based, 6 digits, 30 seconds):"</p>
                    <p><code data-testid="mfa-secret">{secret_base32}</code></p>
                    <h2>"2. Enter two consecutive codes"</h2>
                    <form on:submit=move |ev| {
                        ev.prevent_default();
                        confirm.dispatch((first.get_untracked(), second.get_untracked()));
                    }>
                        {code_input("mfa-first-code", "First code", first)}
                        {code_input("mfa-second-code", "Second code", second)}
                        <button type="submit" class="button primary" disabled=move || confirm.pending().get()>
                            "Bind"
                        </button>
                    </form>
                </section>
            }
            .into_any(),
        }}
        <p class="form-error" role="alert">{error}</p>
    }
}

#[component]
fn Unbind(status: Resource<Result<MfaStatus, ConsoleError>>) -> impl IntoView {
    let unbind = Action::new(|code: &String| unbind_mfa(code.clone()));
    let code = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = unbind.value().get() {
            reload(status);
        }
    });
    view! {
        <p class="banner success" role="status">
            {BOUND}
        </p>
        <form on:submit=move |ev| {
            ev.prevent_default();
            unbind.dispatch(code.get_untracked());
        }>
            {code_input("mfa-unbind-code", "Current MFA code", code)}
            <button type="submit" class="button danger" disabled=move || unbind.pending().get()>
                "Unbind"
            </button>
        </form>
        <p class="form-error" role="alert">
            {move || unbind.value().get().and_then(Result::err).map(|e| e.to_string())}
        </p>
    }
}
