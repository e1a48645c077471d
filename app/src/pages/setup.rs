use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::session::{setup_needed, SetUpAccount};
use crate::components::form_field::FormField;
use crate::error::{ConsoleError, FormErrors};

/// First run: the account owner chooses alias, e-mail, phone and password. Gone once an account exists.
/// A lazy route: its view is a wasm chunk of its own, loaded alongside its data.
pub struct SetupPage {
    needed: Resource<Result<bool, ConsoleError>>,
}

#[lazy_route]
impl LazyRoute for SetupPage {
    fn data() -> Self {
        Self {
            needed: Resource::new(|| (), |_| setup_needed()),
        }
    }

    fn view(this: Self) -> AnyView {
        let needed = this.needed;
        view! {
        <Title text="Set Up Your Account"/>
        <Suspense fallback=|| view! { <p class="page-loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match needed.await {
                    Ok(true) => view! { <SetupForm/> }.into_any(),
                    Ok(false) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(error) => view! { <p class="banner error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        }
        .into_any()
    }
}

#[component]
fn SetupForm() -> impl IntoView {
    let action = ServerAction::<SetUpAccount>::new();
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    view! {
        <main class="auth-page">
            <section class="auth-card">
                <h1>"Set up your account"</h1>
                <p class="lead">
                    "Create the account owner. You sign in with this e-mail address; verification codes \
                     for sensitive operations, such as creating an AccessKey pair, go to this mobile phone."
                </p>
                // The server checks the whole form and names every mistake beside its field; the
                // browser's own checks would stop at the first.
                <ActionForm action attr:novalidate=true>
                    <FormField label="Account alias" id="alias" name="form[alias]" autocomplete="organization"
                        hint="3–32 lowercase letters, digits and hyphens; RAM users sign in as name@alias.onaliyun.com."
                        error=errors.field("alias")/>
                    <FormField label="E-mail" id="email" name="form[email]" input_type="email" autocomplete="email"
                        error=errors.field("email")/>
                    <FormField label="Mobile phone" id="mobile_phone" name="form[mobile_phone]" input_type="tel"
                        autocomplete="tel" hint="Country code, a hyphen and the number, for example 86-13800000000."
                        error=errors.field("mobile_phone")/>
                    <FormField label="Password" id="password" name="form[password]" input_type="password"
                        autocomplete="new-password" hint="At least 8 characters."
                        error=errors.field("password")/>
                    <FormField label="Confirm password" id="confirm_password" name="form[confirm_password]"
                        input_type="password" autocomplete="new-password"
                        error=errors.field("confirm_password")/>
                    <p class="form-error" role="alert">{errors.form()}</p>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create Account" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
