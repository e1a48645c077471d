use std::time::Duration;

use leptos::prelude::*;

use crate::api::access_keys::{create_access_key, send_verification_code};
use crate::browser::{copy_to_clipboard, download_text_file};
use crate::components::dialog::Dialog;
use crate::csv_file::{access_key_clipboard_text, access_key_csv, FILE_NAME};
use crate::error::ConsoleError;
use crate::model::NewAccessKey;

/// **Phone Verification**: send a code to the account's phone, enter it, and the key is created.
#[component]
pub fn PhoneVerificationDialog(
    /// Whose key: None for the account's own, Some(name) for a RAM user's.
    user: Option<String>,
    #[prop(into)] on_created: Callback<NewAccessKey>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let user = StoredValue::new(user);
    // With a virtual MFA device bound, its code replaces the phone's.
    let mfa = use_context::<crate::model::Identity>().is_some_and(|identity| identity.mfa_bound);
    let send = Action::new(move |_: &()| send_verification_code(user.get_value()));
    let create =
        Action::new(move |code: &String| create_access_key(user.get_value(), code.clone()));
    let code = RwSignal::new(String::new());
    let resend_wait = RwSignal::new(0u32);

    Effect::new(move |_| {
        if let Some(Ok(sent)) = send.value().get() {
            resend_wait.set(sent.resend_after_secs);
        }
    });
    let code_input = NodeRef::<leptos::html::Input>::new();
    // A refused code: back to the field (the OK button, disabled while checking, had focus), with
    // the code selected for retyping.
    let refocus_code = move || {
        crate::focus::after_render(move || {
            if let Some(input) = code_input.get_untracked() {
                let _ = input.focus();
                input.select();
            }
        })
    };
    Effect::new(move |_| match create.value().get() {
        Some(Ok(key)) => on_created.run(key),
        Some(Err(ConsoleError::Verification { resend: true, .. })) => {
            resend_wait.set(0);
            refocus_code();
        }
        Some(Err(_)) => refocus_code(),
        _ => {}
    });
    Effect::new(move |_| {
        if let Ok(timer) = set_interval_with_handle(
            move || resend_wait.update(|wait| *wait = wait.saturating_sub(1)),
            Duration::from_secs(1),
        ) {
            on_cleanup(move || timer.clear());
        }
    });

    let sent_message = move || match send.value().get() {
        Some(Ok(sent)) => Some(format!(
            "A verification code has been sent to {}. It is valid for {} minutes.",
            sent.masked_phone,
            sent.expires_in_secs.div_ceil(60)
        )),
        _ => None,
    };
    let error = move || {
        let failed = |result: Option<Result<_, ConsoleError>>| result.and_then(Result::err);
        failed(create.value().get().map(|r| r.map(|_| ())))
            .or_else(|| failed(send.value().get().map(|r| r.map(|_| ()))))
            .map(|e| e.to_string())
    };
    let send_label = move || {
        let wait = resend_wait.get();
        match (send.value().get().is_some(), wait) {
            (_, _) if send.pending().get() => "Sending…".to_owned(),
            (false, _) => "Send Code".to_owned(),
            (true, 0) => "Resend Code".to_owned(),
            (true, wait) => format!("Resend Code ({wait}s)"),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.value().set(None);
        create.dispatch(code.get_untracked().trim().to_owned());
    };

    view! {
        <Dialog title=if mfa { "MFA Verification" } else { "Phone Verification" } on_close=on_cancel>
            <form class="verification-form" on:submit=submit>
                <p>
                    {if mfa {
                        "To create an AccessKey pair, enter the 6-digit code your virtual MFA device shows now."
                    } else {
                        "To create an AccessKey pair, verify your identity with a code sent to the mobile \
                         phone bound to your account."
                    }}
                </p>
                <p class="banner info" role="status">{sent_message}</p>
                <div class="field inline">
                    <label for="verification-code">{if mfa { "MFA Code" } else { "Verification Code" }}</label>
                    <div class="input-with-button">
                        <input
                            node_ref=code_input
                            id="verification-code"
                            name="verification_code"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="6"
                            placeholder="6-digit code"
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                        {(!mfa).then(|| view! {
                            <button
                                type="button"
                                class="button"
                                disabled=move || { send.pending().get() || resend_wait.get() > 0 }
                                on:click=move |_| {
                                    create.value().set(None);
                                    send.dispatch(());
                                }
                            >
                                {send_label}
                            </button>
                        })}
                    </div>
                </div>
                <p class="form-error" role="alert">{error}</p>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || create.pending().get() || code.get().trim().len() != 6
                    >
                        {move || if create.pending().get() { "Verifying…" } else { "OK" }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// **Create AccessKey**: the new ID and secret, shown this once, with Copy and Download CSV File.
#[component]
pub fn CreateAccessKeyDialog(
    key: NewAccessKey,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let feedback = RwSignal::new(None::<String>);
    // The secret has been copied or downloaded: closing loses nothing.
    let kept = RwSignal::new(false);
    // Closing before that asks once more.
    let asking = RwSignal::new(false);
    let go_back = NodeRef::<leptos::html::Button>::new();
    let close = Callback::new(move |_: ()| {
        if kept.get_untracked() || asking.get_untracked() {
            on_close.run(());
        } else {
            asking.set(true);
            crate::focus::after_render(move || {
                if let Some(button) = go_back.get_untracked() {
                    let _ = button.focus();
                }
            });
        }
    });
    // Copies `text` and says what was copied (named by the second argument); `secret`: it holds
    // the secret, so the pair is kept.
    let copy = Callback::new(move |(text, what, secret): (String, String, bool)| {
        leptos::task::spawn_local(async move {
            feedback.set(Some(match copy_to_clipboard(&text).await {
                Ok(()) => {
                    if secret {
                        kept.set(true);
                        asking.set(false);
                    }
                    format!("Copied {what} to the clipboard.")
                }
                Err(error) => format!("The browser did not allow copying: {error}"),
            }));
        });
    });
    let NewAccessKey {
        access_key_id: id,
        access_key_secret: secret,
        ..
    } = key;
    let (pair_id, pair_secret) = (id.clone(), secret.clone());
    let (csv_id, csv_secret) = (id.clone(), secret.clone());
    view! {
        <Dialog title="Create AccessKey" on_close=close wide=true>
            <p class="banner success">"The AccessKey pair has been created."</p>
            <p class="banner warning">
                "The AccessKey secret is displayed only now and cannot be retrieved later. Download \
                 the CSV file or copy the AccessKey pair and keep it in a safe place before you close \
                 this dialog."
            </p>
            <dl class="key-fields">
                <KeyField label="AccessKey ID" value=id test_id="new-access-key-id" copy=copy secret=false/>
                <KeyField label="AccessKey Secret" value=secret test_id="new-access-key-secret" copy=copy secret=true/>
            </dl>
            <p class="copy-feedback" role="status">{move || feedback.get()}</p>
            <Show when=move || asking.get()>
                <div class="banner warning close-check" role="alert">
                    <p>
                        <strong>"You have not copied or downloaded the AccessKey secret."</strong>
                        " Once this dialog closes, the secret cannot be shown again: you would have to \
                         create a new AccessKey pair."
                    </p>
                    <div class="dialog-actions">
                        <button type="button" class="button" node_ref=go_back on:click=move |_| asking.set(false)>
                            "Go Back"
                        </button>
                        <button type="button" class="button danger" on:click=move |_| on_close.run(())>
                            "Close Anyway"
                        </button>
                    </div>
                </div>
            </Show>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        let csv = access_key_csv(&csv_id, &csv_secret);
                        feedback.set(Some(match download_text_file(FILE_NAME, &csv, "text/csv") {
                            Ok(()) => {
                                kept.set(true);
                                asking.set(false);
                                format!("Saved {FILE_NAME}.")
                            }
                            Err(error) => format!("The browser did not save the file: {error}"),
                        }));
                    }
                >
                    "Download CSV File"
                </button>
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        copy.run((
                            access_key_clipboard_text(&pair_id, &pair_secret),
                            "the AccessKey ID and AccessKey secret".to_owned(),
                            true,
                        ))
                    }
                >
                    "Copy"
                </button>
                <button type="button" class="button primary" on:click=move |_| close.run(())>
                    "Close"
                </button>
            </div>
        </Dialog>
    }
}

/// One labelled value of the new pair, with its own copy control.
#[component]
fn KeyField(
    label: &'static str,
    value: String,
    test_id: &'static str,
    copy: Callback<(String, String, bool)>,
    /// This value is the secret.
    secret: bool,
) -> impl IntoView {
    let copy_label = format!("Copy {label}");
    let copied = value.clone();
    view! {
        <dt>{label}</dt>
        <dd>
            <code data-testid=test_id>{value}</code>
            <button
                type="button"
                class="icon-button"
                aria-label=copy_label.clone()
                title=copy_label
                on:click=move |_| copy.run((copied.clone(), format!("the {label}"), secret))
            >
                <CopyIcon/>
            </button>
        </dd>
    }
}

#[component]
fn CopyIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">
            <rect x="9" y="9" width="11" height="11" rx="2"/>
            <path d="M5 15V6a2 2 0 0 1 2-2h9"/>
        </svg>
    }
}
