use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::{delete_access_key, list_access_keys, set_access_key_status};
use crate::components::access_key_table::AccessKeyTable;
use crate::components::create_access_key::{CreateAccessKeyDialog, PhoneVerificationDialog};
use crate::components::delete_access_key::DeleteAccessKeyDialog;
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

/// The account's own AccessKey pairs ("Use Current AccessKey Pair"). A lazy route: the page and
/// its dialogs are a wasm chunk of their own, loaded alongside the key list.
pub struct AccessKeysPage {
    keys: Resource<Result<AccessKeyList, ConsoleError>>,
}

#[lazy_route]
impl LazyRoute for AccessKeysPage {
    fn data() -> Self {
        Self {
            keys: Resource::new(|| (), |_| list_access_keys()),
        }
    }

    fn view(this: Self) -> AnyView {
        view! { <AccessKeyManagement keys=this.keys/> }.into_any()
    }
}

#[component]
fn AccessKeyManagement(keys: Resource<Result<AccessKeyList, ConsoleError>>) -> impl IntoView {
    let flow = RwSignal::new(CreateFlow::Closed);
    let deleting = RwSignal::new(None::<AccessKeyRow>);
    let set_status = Action::new(|(id, status): &(String, AccessKeyStatus)| {
        set_access_key_status(id.clone(), *status)
    });
    let delete = Action::new(|id: &String| delete_access_key(id.clone()));

    Effect::new(move |_| {
        if set_status.value().get().is_some() {
            keys.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            deleting.set(None);
            keys.refetch();
        }
    });
    let status_error = move || {
        set_status
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };
    let busy = Signal::derive(move || set_status.pending().get() || delete.pending().get());

    view! {
        <Title text="AccessKey Management"/>
        <h1>"AccessKey Management"</h1>
        <div class="banner warning">
            "The AccessKey pair of your account has full permissions on all resources of the account. \
             We recommend that you use the AccessKey pair of a RAM user to call API operations. "
            <a href="/ram/users">"Use AccessKey Pair of RAM User"</a>
        </div>
        <p class="form-error" role="alert">{status_error}</p>
        <Transition fallback=|| view! { <p class="page-loading">"Loading AccessKey pairs…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) => {
                        let at_limit = list.at_limit();
                        let limit = list.limit;
                        view! {
                            <div class="toolbar">
                                <button
                                    type="button"
                                    class="button primary"
                                    disabled=at_limit
                                    on:click=move |_| flow.set(CreateFlow::Verifying)
                                >
                                    "Create AccessKey"
                                </button>
                                {at_limit.then(|| view! {
                                    <span class="toolbar-note">
                                        {format!("An account can have at most {limit} AccessKey pairs. Delete one you no longer use to create another.")}
                                    </span>
                                })}
                            </div>
                            <AccessKeyTable
                                keys=list.keys
                                on_set_status=move |change: (String, AccessKeyStatus)| { set_status.dispatch(change); }
                                on_delete=move |key: AccessKeyRow| {
                                    delete.value().set(None);
                                    deleting.set(Some(key));
                                }
                                busy
                            />
                        }
                        .into_any()
                    }
                    Err(error) => view! { <p class="banner error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || match flow.get() {
            CreateFlow::Closed => ().into_any(),
            CreateFlow::Verifying => view! {
                <PhoneVerificationDialog
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
        {move || deleting.get().map(|key| view! {
            <DeleteAccessKeyDialog
                key
                on_confirm=move |id| { delete.dispatch(id); }
                on_cancel=move |_| deleting.set(None)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        })}
    }
}
