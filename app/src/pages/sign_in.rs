use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::session::{setup_needed, SignIn};
use crate::error::ConsoleError;

/// A lazy route: its view is a wasm chunk of its own, loaded alongside its data.
pub struct SignInPage {
    needed: Resource<Result<bool, ConsoleError>>,
}

#[lazy_route]
impl LazyRoute for SignInPage {
    fn data() -> Self {
        Self {
            needed: Resource::new(|| (), |_| setup_needed()),
        }
    }

    fn view(this: Self) -> AnyView {
        view! { <SignInForm needed=this.needed/> }.into_any()
    }
}

#[component]
fn SignInForm(needed: Resource<Result<bool, ConsoleError>>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // Once the server asks for an MFA code, the field stays for the next tries.
    let needs_mfa = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Err(error)) = action.value().get() {
            if error.for_field("mfa_code").is_some() {
                needs_mfa.set(true);
            }
        }
    });
    let error = move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    view! {
        <Title text="Sign In"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                matches!(needed.await, Ok(true)).then(|| view! { <Redirect path="/setup"/> })
            })}
        </Suspense>
        <main class="auth-page">
            <section class="auth-card">
                <h1>"Sign in to the AccessKey Console"</h1>
                <ActionForm action>
                    <input type="hidden" name="next" value=next/>
                    <div class="field">
                        <label for="email">"E-mail or RAM user logon name"</label>
                        <input id="email" name="email" type="text" autocomplete="username" required=true
                            placeholder="owner@example.com or name@alias.onaliyun.com"/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password"
                            required=true/>
                    </div>
                    {move || needs_mfa.get().then(|| view! {
                        <div class="field">
                            <label for="mfa-code">"MFA Code"</label>
                            <input id="mfa-code" name="mfa_code" inputmode="numeric" autocomplete="one-time-code"
                                maxlength="6" required=true placeholder="6-digit code"/>
                        </div>
                    })}
                    <p class="form-error" role="alert">{error}</p>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign In" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
