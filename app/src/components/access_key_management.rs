use leptos::prelude::*;

use crate::api::access_keys::{delete_access_key, report_access_key_leak, set_access_key_status};
use crate::components::access_key_table::AccessKeyTable;
use crate::components::confirm::ConfirmDialog;
use crate::components::create_access_key::{CreateAccessKeyDialog, PhoneVerificationDialog};
use crate::components::delete_access_key::DeleteAccessKeyDialog;
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::{AccessKeyList, AccessKeyRow, AccessKeyStatus, NewAccessKey};

/// Where the Create AccessKey flow is. The new secret lives only in `Created`, and only until the
/// dialog closes.
#[derive(Clone, Debug, PartialEq)]
enum CreateFlow {
    Closed,
    Verifying,
    Created(NewAccessKey),
}

/// An owner's AccessKeys: Create AccessKey (with verification), the table, and the dialogs.
/// `user` None is the account's own keys; Some(name) a RAM user's.
#[component]
pub fn AccessKeyManagement(
    keys: Resource<Result<AccessKeyList, ConsoleError>>,
    user: Option<String>,
) -> impl IntoView {
    let user = StoredValue::new(user);
    let flow = RwSignal::new(CreateFlow::Closed);
    let deleting = RwSignal::new(None::<AccessKeyRow>);
    let set_status = Action::new(move |(id, status): &(String, AccessKeyStatus)| {
        set_access_key_status(user.get_value(), id.clone(), *status)
    });
    let delete = Action::new(move |id: &String| delete_access_key(user.get_value(), id.clone()));
    let reporting = RwSignal::new(None::<AccessKeyRow>);
    let report_leak =
        Action::new(move |id: &String| report_access_key_leak(user.get_value(), id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = report_leak.value().get() {
            let reported = reporting.get_untracked();
            reporting.set(None);
            // Its Report Leak button is gone with the reload; the row's next action takes focus.
            if let Some(key) = reported {
                crate::focus::when_rendered(format!("#status-{}", key.access_key_id));
            }
            keys.refetch();
        }
    });
    let recycles = RwSignal::new(false);
    // Disable asks first (calls with the key fail at once); Enable does not.
    let disabling = RwSignal::new(None::<AccessKeyRow>);
    let change_status = move |(key, to): (AccessKeyRow, AccessKeyStatus)| match to {
        AccessKeyStatus::Inactive => {
            set_status.value().set(None);
            disabling.set(Some(key));
        }
        AccessKeyStatus::Active => {
            // The reload replaces the button; focus comes back to it (now Disable).
            crate::focus::when_rendered(format!("#status-{}", key.access_key_id));
            set_status.dispatch((key.access_key_id, to));
        }
    };

    Effect::new(move |_| {
        if let Some(result) = set_status.value().get() {
            if result.is_ok() {
                disabling.set(None);
            }
            keys.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            deleting.set(None);
            // The row is gone; Create AccessKey is what a person is likely to want next.
            crate::focus::when_rendered("#create-access-key");
            keys.refetch();
        }
    });
    // Enable's refusal shows above the table; Disable's in its dialog.
    let status_error = move || {
        if disabling.get().is_some() {
            return None;
        }
        set_status
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let busy = Signal::derive(move || set_status.pending().get() || delete.pending().get());

    view! {
        <p class="form-error" role="alert">{status_error}</p>
        <Transition fallback=|| view! { <p class="page-loading">"Loading AccessKey pairs…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) => {
                        let at_limit = list.at_limit();
                        let leaked: Vec<String> = list
                            .keys
                            .iter()
                            .filter(|k| k.leaked)
                            .map(|k| k.access_key_id.clone())
                            .collect();
                        let recovery = leak_recovery(at_limit, list.can_manage);
                        recycles.set(list.delete_recycles);
                        let limit_note = if list.delete_recycles {
                            "A RAM user can have at most two AccessKey pairs. Delete one it no longer uses to create another.".to_owned()
                        } else {
                            format!("An account can have at most {} AccessKey pairs. Delete one you no longer use to create another.", list.limit)
                        };
                        view! {
                            {(!leaked.is_empty()).then(|| view! {
                                <div class="banner error" role="alert">
                                    <strong>"There is a risk of leakage of AccessKey " {leaked.join(", ")} "."</strong>
                                    " Every API call with it now fails with \"Forbidden : There is a risk of leakage of this AccessKey.\" "
                                    {recovery}
                                </div>
                            })}
                            {list.can_manage.then(|| view! {
                                <div class="toolbar">
                                    <button
                                        type="button"
                                        class="button primary"
                                        id="create-access-key"
                                        disabled=at_limit
                                        on:click=move |_| flow.set(CreateFlow::Verifying)
                                    >
                                        "Create AccessKey"
                                    </button>
                                    {at_limit.then(|| view! { <span class="toolbar-note">{limit_note}</span> })}
                                </div>
                            })}
                            <AccessKeyTable
                                keys=list.keys
                                can_manage=list.can_manage
                                user=user.get_value()
                                on_set_status=change_status
                                on_delete=move |key: AccessKeyRow| {
                                    delete.value().set(None);
                                    deleting.set(Some(key));
                                }
                                on_report_leak=move |key: AccessKeyRow| {
                                    report_leak.value().set(None);
                                    reporting.set(Some(key));
                                }
                                busy
                            />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
        {move || match flow.get() {
            CreateFlow::Closed => ().into_any(),
            CreateFlow::Verifying => view! {
                <PhoneVerificationDialog
                    user=user.get_value()
                    on_created=move |key| {
                        flow.set(CreateFlow::Created(key));
                        keys.refetch();
                    }
                    on_cancel=move |_| flow.set(CreateFlow::Closed)
                />
            }
            .into_any(),
            CreateFlow::Created(key) => view! {
                <CreateAccessKeyDialog key on_close=move |_| flow.set(CreateFlow::Closed)/>
            }
            .into_any(),
        }}
        {move || disabling.get().map(|key| view! {
            <ConfirmDialog
                title="Disable AccessKey"
                message=format!(
                    "Disable the AccessKey pair {}? Every API call signed with it fails from now on \
                     (InvalidAccessKeyId.Inactive) until you enable it again. Last used: {}.",
                    key.access_key_id,
                    key.last_used.clone().unwrap_or_else(|| "never".to_owned())
                )
                confirm_label="Disable"
                on_confirm=move |_| { set_status.dispatch((key.access_key_id.clone(), AccessKeyStatus::Inactive)); }
                on_cancel=move |_| disabling.set(None)
                pending=set_status.pending()
                error=Signal::derive(move || set_status.value().get().and_then(Result::err))
            />
        })}
        {move || reporting.get().map(|key| view! {
            <ConfirmDialog
                title="Report Leak"
                message=format!(
                    "Report AccessKey {} as leaked? Every API call with it will fail from now on, and this cannot be undone: \
                     the flag goes away only with the key.",
                    key.access_key_id
                )
                confirm_label="Report Leak"
                on_confirm=move |_| { report_leak.dispatch(key.access_key_id.clone()); }
                on_cancel=move |_| reporting.set(None)
                pending=report_leak.pending()
                error=Signal::derive(move || report_leak.value().get().and_then(Result::err))
            />
        })}
        {move || deleting.get().map(|key| view! {
            <DeleteAccessKeyDialog
                key
                recycles=recycles.get_untracked()
                on_confirm=move |id| { delete.dispatch(id); }
                on_cancel=move |_| deleting.set(None)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        })}
    }
}

/// What to do about a leaked key, in steps that work within the key limit: at the limit a new key
/// cannot be created before one is deleted, and the leaked one already fails every call, so
/// nothing is lost by deleting it first.
fn leak_recovery(at_limit: bool, can_manage: bool) -> &'static str {
    match (can_manage, at_limit) {
        (false, _) => "Ask the account owner or a RAM administrator to replace it.",
        (true, true) => {
            "To recover: disable the leaked AccessKey pair and delete it (no call can use it any \
             more, and the limit leaves no room for another), then create a new AccessKey pair and \
             move your applications to it."
        }
        (true, false) => {
            "To recover: create a new AccessKey pair, move your applications to it, then disable \
             and delete the leaked one."
        }
    }
}
