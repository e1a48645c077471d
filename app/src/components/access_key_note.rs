use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::dialog::Dialog;

/// The **Note** shown before AccessKey Management: account keys expose everything, so a RAM
/// user's key is the recommended choice.
#[component]
pub fn AccessKeyNoteDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let go = move |path: &'static str| {
        let navigate = use_navigate();
        move |_| {
            on_close.run(());
            navigate(path, Default::default());
        }
    };
    view! {
        <Dialog title="Note" on_close>
            <p class="banner warning">
                "If the AccessKey pair of your account is disclosed, all resources of the account are \
                 exposed to potential risks. We recommend that you use the AccessKey pair of a RAM user \
                 to call API operations: this minimizes the possibility of disclosing the AccessKey pair \
                 of your account."
            </p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=go("/access-keys")>
                    "Use Current AccessKey Pair"
                </button>
                <button type="button" class="button primary" on:click=go("/ram/users")>
                    "Use AccessKey Pair of RAM User"
                </button>
            </div>
        </Dialog>
    }
}
