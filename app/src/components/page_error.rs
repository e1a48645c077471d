use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::ConsoleError;

/// What a page shows when its data could not be loaded: what happened, in a heading, what to do,
/// and a way back. `page_has_heading`: the page's own `<h1>` stands above this already, so this
/// heading is a level below it.
#[component]
pub fn PageError(
    error: ConsoleError,
    #[prop(optional)] page_has_heading: bool,
    /// Where "back" leads (the list the missing item was in); the overview by default.
    #[prop(default = "/")]
    back_href: &'static str,
    #[prop(default = "Back to the overview")] back_label: &'static str,
) -> impl IntoView {
    let (title, advice) = match &error {
        ConsoleError::NoPermission(_) => (
            "No permission",
            Some("Ask the account owner or a RAM administrator for access."),
        ),
        ConsoleError::NotFound(_) => ("Not found", None),
        ConsoleError::NotSignedIn => ("Signed out", None),
        ConsoleError::Invalid { .. } | ConsoleError::Unreadable(_) => {
            ("Cannot show this page", None)
        }
        _ => (
            "This page could not be loaded",
            Some("Reload the page to try again."),
        ),
    };
    // A page without a heading of its own is named by what went wrong, in its title too.
    let heading = if page_has_heading {
        view! { <h2>{title}</h2> }.into_any()
    } else {
        view! { <Title text=title/><h1>{title}</h1> }.into_any()
    };
    let back_href = if matches!(error, ConsoleError::NotSignedIn) {
        "/signin"
    } else {
        back_href
    };
    let back_label = if matches!(error, ConsoleError::NotSignedIn) {
        "Sign in"
    } else {
        back_label
    };
    view! {
        <section class="page-error" role="alert">
            {heading}
            <p>{error.to_string()}</p>
            {advice.map(|advice| view! { <p>{advice}</p> })}
            <a class="button" href=back_href>{back_label}</a>
        </section>
    }
}
