use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::focus;

/// A modal dialog: the browser's `<dialog>` opened with `showModal()`, so focus stays inside and
/// Escape closes it. It opens on its first field (or first action, never on ×), and gives focus
/// back to what opened it when it closes.
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
                let opener = SendWrapper::new(focus::active_element());
                let opened_at = focus::now();
                let _ = dialog.show_modal();
                focus::into_dialog(&dialog);
                let dialog = SendWrapper::new(dialog);
                // Closed first: while a modal dialog is open the page behind it is inert and
                // cannot take focus back.
                on_cleanup(move || {
                    dialog.take().close();
                    focus::restore(opener.take(), opened_at);
                });
            }
        }
    });
    let title_id = format!("dialog-{}", title.to_ascii_lowercase().replace(" ", "-"));
    let labelled_by = title_id.clone();
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            class:wide=wide
            aria-labelledby=labelled_by
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                on_close.run(());
            }
        >
            <header class="dialog-header">
                <h2 id=title_id>{title}</h2>
                <button type="button" class="icon-button" aria-label="Close dialog" on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <div class="dialog-body">{children()}</div>
        </dialog>
    }
}
