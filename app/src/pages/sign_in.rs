use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::session::{setup_needed, SignIn};

#[component]
pub fn SignInPage() -> impl IntoView {
    let needed = Resource::new(|| (), |_| setup_needed());
    let action = ServerAction::<SignIn>::new();
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
                    <div class="field">
                        <label for="email">"E-mail"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required=true/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password"
                            required=true/>
                    </div>
                    <p class="form-error" role="alert">{error}</p>
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign In" }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
