use leptos::prelude::*;

use crate::components::dialog::Dialog;
use crate::error::ConsoleError;

/// Asks before a destructive action; shows the server's answer if it refuses.
#[component]
pub fn ConfirmDialog(
    title: &'static str,
    message: String,
    confirm_label: &'static str,
    #[prop(into)] on_confirm: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<ConsoleError>>,
) -> impl IntoView {
    view! {
        <Dialog title on_close=on_cancel>
            <p>{message}</p>
            <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button
                    type="button"
                    class="button danger"
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())
                >
                    {confirm_label}
                </button>
            </div>
        </Dialog>
    }
}
