use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::ConsoleError;

/// What a page shows when its data could not be loaded. A refusal gets a page of its own that
/// says who can grant access; anything else a banner with the server's message.
#[component]
pub fn PageError(error: ConsoleError) -> impl IntoView {
    match error {
        ConsoleError::NoPermission(why) => view! {
            <Title text="No Permission"/>
            <section class="no-permission" role="alert">
                <h2>"No permission"</h2>
                <p>{why}</p>
                <p>"Ask the account owner or a RAM administrator for access."</p>
                <a class="button" href="/">"Back to the overview"</a>
            </section>
        }
        .into_any(),
        other => view! { <p class="banner error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}
