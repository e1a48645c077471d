use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::recycle_bin::{
    list_recycle_bin, purge_access_key, purge_user, restore_access_key, restore_user,
};
use crate::components::confirm::ConfirmDialog;
use crate::error::ConsoleError;
use crate::model::{RecycleBin, RecycledKeyRow, RecycledUserRow};

/// Deleted RAM users' AccessKeys and deleted users wait here 30 days: Restore or Delete Permanently.
pub struct RecycleBinPage;

#[lazy_route]
impl LazyRoute for RecycleBinPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <RecycleBinView/> }.into_any()
    }
}

/// What is being restored or purged.
#[derive(Clone, Debug, PartialEq)]
enum Item {
    Key(String),
    User { id: i64, name: String },
}

#[component]
fn RecycleBinView() -> impl IntoView {
    let bin: Resource<Result<RecycleBin, ConsoleError>> =
        Resource::new(|| (), |_| list_recycle_bin());
    let restore = Action::new(|item: &Item| {
        let item = item.clone();
        async move {
            match item {
                Item::Key(id) => restore_access_key(id).await,
                Item::User { id, .. } => restore_user(id).await,
            }
        }
    });
    let purge = Action::new(|item: &Item| {
        let item = item.clone();
        async move {
            match item {
                Item::Key(id) => purge_access_key(id).await,
                Item::User { id, .. } => purge_user(id).await,
            }
        }
    });
    let confirming = RwSignal::new(None::<Item>);
    Effect::new(move |_| {
        if restore.value().get().is_some() {
            bin.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = purge.value().get() {
            confirming.set(None);
            bin.refetch();
        }
    });
    let restore_error = move || {
        restore
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <Title text="Recycle Bin · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Recycle Bin"</nav>
        <h1>"Recycle Bin"</h1>
        <p class="detail">
            "Deleted RAM users and AccessKeys stop working at once and stay here for 30 days, then they \
             are purged for good. Until then you can restore them unchanged. The bin keeps at most \
             three AccessKeys of one user: deleting another purges that user's earliest-deleted key."
        </p>
        <p class="banner error" role="alert">{restore_error}</p>
        <Transition fallback=|| view! { <p class="page-loading">"Loading the recycle bin…"</p> }>
            {move || Suspend::new(async move {
                match bin.await {
                    Ok(bin) => view! {
                        <h2>"AccessKeys"</h2>
                        <RecycledKeys keys=bin.keys can_manage=bin.can_manage restore confirming/>
                        <h2>"Users"</h2>
                        <RecycledUsers users=bin.users can_manage=bin.can_manage restore confirming/>
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
        {move || confirming.get().map(|item| {
            let message = match &item {
                Item::Key(id) => format!("Delete the AccessKey {id} permanently? It cannot be restored afterwards."),
                Item::User { name, .. } => format!(
                    "Delete the user {name} and its AccessKeys permanently? They cannot be restored afterwards."
                ),
            };
            view! {
                <ConfirmDialog
                    title="Delete Permanently"
                    message
                    confirm_label="Delete Permanently"
                    on_confirm=move |_| { purge.dispatch(item.clone()); }
                    on_cancel=move |_| confirming.set(None)
                    pending=purge.pending()
                    error=Signal::derive(move || purge.value().get().and_then(Result::err))
                />
            }
        })}
    }
}

#[component]
fn RecycledKeys(
    keys: Vec<RecycledKeyRow>,
    can_manage: bool,
    restore: Action<Item, Result<(), ConsoleError>>,
    confirming: RwSignal<Option<Item>>,
) -> impl IntoView {
    if keys.is_empty() {
        return view! { <div class="empty-state"><p>"No AccessKeys in the recycle bin."</p></div> }
            .into_any();
    }
    let rows = keys
        .into_iter()
        .map(|key| {
            let row_id = key.access_key_id.clone();
            let item = Item::Key(key.access_key_id.clone());
            view! {
                <tr data-access-key-id=row_id>
                    <td><code>{key.access_key_id}</code></td>
                    <td>{key.user_name}</td>
                    <td>{key.deleted}</td>
                    <td>{key.purged}</td>
                    <RecycleActions item can_manage restore confirming/>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Deleted AccessKey pairs" columns=&["AccessKey ID", "User", "Deleted", "Purged On", "Actions"]>{rows}</DataTable>
    }
    .into_any()
}

#[component]
fn RecycledUsers(
    users: Vec<RecycledUserRow>,
    can_manage: bool,
    restore: Action<Item, Result<(), ConsoleError>>,
    confirming: RwSignal<Option<Item>>,
) -> impl IntoView {
    if users.is_empty() {
        return view! { <div class="empty-state"><p>"No users in the recycle bin."</p></div> }
            .into_any();
    }
    let rows = users
        .into_iter()
        .map(|user| {
            let item = Item::User {
                id: user.user_id,
                name: user.name.clone(),
            };
            let keys = if user.access_key_ids.is_empty() {
                "None".to_owned()
            } else {
                user.access_key_ids.join(", ")
            };
            let row_name = user.name.clone();
            view! {
                <tr data-user=row_name>
                    <td>{user.name}</td>
                    <td>{keys}</td>
                    <td>{user.deleted}</td>
                    <td>{user.purged}</td>
                    <RecycleActions item can_manage restore confirming/>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Deleted users" columns=&["User", "AccessKeys", "Deleted", "Purged On", "Actions"]>{rows}</DataTable>
    }
    .into_any()
}

/// Restore and Delete Permanently (after a confirmation) for one item, when the viewer may manage.
#[component]
fn RecycleActions(
    item: Item,
    can_manage: bool,
    restore: Action<Item, Result<(), ConsoleError>>,
    confirming: RwSignal<Option<Item>>,
) -> impl IntoView {
    let purge_item = item.clone();
    view! {
        <td class="row-actions">
            {can_manage.then(|| view! {
                <button type="button" class="link-button" on:click=move |_| { restore.dispatch(item.clone()); }>
                    "Restore"
                </button>
                <button type="button" class="link-button danger"
                    on:click=move |_| confirming.set(Some(purge_item.clone()))>
                    "Delete Permanently"
                </button>
            })}
        </td>
    }
}
