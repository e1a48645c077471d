use leptos::prelude::*;

use crate::components::dialog::Dialog;
use crate::error::ConsoleError;
use crate::model::AccessKeyRow;

/// Confirms a delete: names the key, shows when it was last used, and warns when applications are
/// likely still using it.
#[component]
pub fn DeleteAccessKeyDialog(
    key: AccessKeyRow,
    /// A RAM user's key goes to the recycle bin; the account's own is deleted for good.
    recycles: bool,
    #[prop(into)] on_confirm: Callback<String>,
    #[prop(into)] on_cancel: Callback<()>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] error: Signal<Option<ConsoleError>>,
) -> impl IntoView {
    let last_used = key.last_used.clone().unwrap_or_else(|| "Never".to_owned());
    let id = key.access_key_id.clone();
    // As Alibaba's console: the ID is typed to confirm, so a slip cannot delete a key.
    let typed = RwSignal::new(String::new());
    let expected = id.clone();
    let confirmed = Memo::new(move |_| typed.with(|typed| typed.trim() == expected));
    view! {
        <Dialog title="Delete AccessKey" on_close=on_cancel>
            <p>
                "Delete the AccessKey pair " <code>{key.access_key_id.clone()}</code> "? "
                {if recycles {
                    "It moves to the recycle bin and stops working at once; it can be restored there for 30 days."
                } else {
                    "It is deleted permanently and cannot be restored."
                }}
            </p>
            <p class="detail">"Last used: " <span data-testid="delete-last-used">{last_used}</span></p>
            {key.used_recently.then(|| view! {
                <p class="banner warning" role="alert">
                    "This AccessKey pair was used recently. Applications that still use it will fail \
                     as soon as it is deleted."
                </p>
            })}
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if confirmed.get_untracked() {
                    on_confirm.run(id.clone());
                }
            }>
                <div class="field">
                    <label for="confirm-access-key-id">"Enter the AccessKey ID to confirm"</label>
                    <input
                        id="confirm-access-key-id"
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby="confirm-access-key-id-hint"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <p class="field-hint" id="confirm-access-key-id-hint">
                        "Type " <code>{key.access_key_id.clone()}</code> " exactly."
                    </p>
                </div>
                <p class="form-error" role="alert">{move || error.get().map(|e| e.to_string())}</p>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="button danger" disabled=move || pending.get() || !confirmed.get()>
                        {move || if pending.get() { "Deleting…" } else { "Delete" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
