use leptos::html;
use leptos::prelude::*;

/// A modal dialog: the browser's `<dialog>` opened with `showModal()`, so focus moves into it,
/// stays inside, and Escape closes it.
#[component]
pub fn Dialog(
    title: &'static str,
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional)] wide: bool,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            class:wide=wide
            aria-label=title
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <header class="dialog-header">
                <h2>{title}</h2>
                <button type="button" class="icon-button" aria-label="Close dialog" on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <div class="dialog-body">{children()}</div>
        </dialog>
    }
}
