use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http_status_not_found());
    }
    view! {
        <Title text="Page Not Found"/>
        <main class="auth-page">
            <section class="auth-card">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <a class="button primary" href="/">"Go to the console"</a>
            </section>
        </main>
    }
}

#[cfg(feature = "ssr")]
fn http_status_not_found() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}
