use leptos::prelude::*;

use crate::api::users::CreateUser;
use crate::components::dialog::Dialog;
use crate::components::form_field::FormField;
use crate::error::FormErrors;
use crate::model::UserRow;

/// **Create User**: logon name and display name, optional contact details and console password.
#[component]
pub fn CreateUserDialog(
    #[prop(into)] on_created: Callback<UserRow>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<CreateUser>::new();
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            on_created.run(user);
        }
    });
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title="Create User" on_close=on_cancel>
            <ActionForm action attr:novalidate=true>
                <FormField label="Logon name" id="user-name" name="form[name]" autocomplete="off"
                    hint="1–64 letters, digits, periods, underscores and hyphens."
                    error=errors.field("name")/>
                <FormField label="Display name" id="user-display-name" name="form[display_name]"
                    autocomplete="off" optional=true hint="Defaults to the logon name."
                    error=errors.field("display_name")/>
                <FormField label="E-mail" id="user-email" name="form[email]" input_type="email"
                    autocomplete="off" optional=true error=errors.field("email")/>
                <FormField label="Mobile phone" id="user-mobile-phone" name="form[mobile_phone]"
                    input_type="tel" autocomplete="off" optional=true hint="For example 86-13800000000."
                    error=errors.field("mobile_phone")/>
                <FormField label="Comments" id="user-comments" name="form[comments]" autocomplete="off"
                    optional=true error=errors.field("comments")/>
                <FormField label="Console password" id="user-console-password" name="form[console_password]"
                    input_type="password" autocomplete="new-password" optional=true
                    hint="Leave empty if this user should not sign in to the console."
                    error=errors.field("password")/>
                <p class="form-error" role="alert">{errors.form()}</p>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "OK" }}
                    </button>
                </div>
            </ActionForm>
        </Dialog>
    }
}
