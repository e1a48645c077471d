use leptos::prelude::*;

use crate::components::confirm::ConfirmDialog;
use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::users::{delete_user, list_users};
use crate::components::create_user::CreateUserDialog;
use crate::error::ConsoleError;
use crate::model::{UserList, UserRow};

/// Identities > Users: the account's RAM users, searchable by name or by AccessKey ID, paged
/// both ways. Its data loads inside the lazy view, so the list's decoder stays out of the main
/// wasm module.
pub struct UsersPage;

#[lazy_route]
impl LazyRoute for UsersPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_query_map();
        let query = Memo::new(move |_| params.read().get("q").unwrap_or_default());
        let marker = move |name: &str| params.read().get(name).and_then(|m| m.parse::<i64>().ok());
        let page = Memo::new(move |_| (marker("marker"), marker("before")));
        let users = Resource::new(
            move || (query.get(), page.get()),
            |(query, (after, before))| list_users(query, after, before),
        );
        view! { <Users users query/> }.into_any()
    }
}

#[component]
fn Users(users: Resource<Result<UserList, ConsoleError>>, query: Memo<String>) -> impl IntoView {
    let creating = RwSignal::new(false);
    // The user just created, said above the list and linked (it may be on another page).
    let created = RwSignal::new(None::<UserRow>);
    let deleting = RwSignal::new(None::<UserRow>);
    let delete = Action::new(|name: &String| delete_user(name.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            deleting.set(None);
            crate::focus::when_rendered("main h1");
            users.refetch();
        }
    });
    view! {
        <Title text="Users · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Identities / Users"</nav>
        <h1>"Users"</h1>
        {move || created.get().map(|user| view! {
            <p class="banner success" role="status">
                "Created the user " <strong>{user.logon_name.clone()}</strong> ". "
                <a href=format!("/ram/users/{}", user.name)>"Open " {user.name.clone()}</a>
                " to give it permissions and AccessKey pairs."
            </p>
        })}
        <Transition fallback=|| view! { <p class="page-loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        <div class="toolbar">
                            {list.can_manage.then(|| view! {
                                <button type="button" class="button primary" id="create-user" on:click=move |_| creating.set(true)>
                                    "Create User"
                                </button>
                            })}
                            <form method="get" action="/ram/users" class="search" role="search">
                                <input
                                    type="search"
                                    name="q"
                                    aria-label="Search users"
                                    placeholder="Logon name, display name or AccessKey ID"
                                    value=query.get_untracked()
                                />
                                <button type="submit" class="button">"Search"</button>
                            </form>
                        </div>
                        <UserTable list query=query.get_untracked() on_delete=move |user| {
                            delete.value().set(None);
                            deleting.set(Some(user));
                        }/>
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            <CreateUserDialog
                on_created=move |user| {
                    creating.set(false);
                    created.set(Some(user));
                    users.refetch();
                }
                on_cancel=move |_| creating.set(false)
            />
        </Show>
        {move || deleting.get().map(|user| view! {
            <ConfirmDialog
                title="Delete User"
                message=format!(
                    "Delete the user {}? It moves to the recycle bin with its AccessKeys, which stop working \
                     at once. You can restore it there for 30 days.",
                    user.name
                )
                confirm_label="Delete"
                on_confirm=move |_| { delete.dispatch(user.name.clone()); }
                on_cancel=move |_| deleting.set(None)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        })}
    }
}

#[component]
fn UserTable(
    list: UserList,
    query: String,
    #[prop(into)] on_delete: Callback<UserRow>,
) -> impl IntoView {
    Effect::new(move |_| crate::focus::apply_pending());
    if list.users.is_empty() {
        let message = if query.is_empty() {
            "No RAM users yet. Create one for each application, with only the permissions it needs."
                .to_owned()
        } else if list.account_key {
            format!(
                "“{query}” is an AccessKey pair of the account itself (root), not of a RAM user."
            )
        } else {
            format!("No user matches “{query}”.")
        };
        return view! { <div class="empty-state"><p>{message}</p></div> }.into_any();
    }
    let can_manage = list.can_manage;
    let shown = list.users.len() as u64;
    let summary = if query.is_empty() {
        format!(
            "Users {}–{} of {} ({} a page)",
            list.offset + 1,
            list.offset + shown,
            list.total,
            list.page_size
        )
    } else if shown >= u64::from(list.page_size) {
        format!("The first {shown} users that match “{query}”: narrow the search to see others.")
    } else {
        format!("{shown} of the account's users match “{query}”.")
    };
    let previous = list
        .previous_marker
        .map(|before| format!("/ram/users?before={before}"));
    let next = list
        .next_marker
        .map(|marker| format!("/ram/users?marker={marker}"));
    let rows = list
        .users
        .into_iter()
        .map(|user| {
            let href = format!("/ram/users/{}", user.name);
            let row = user.clone();
            view! {
                <tr data-user=user.name.clone()>
                    <td>
                        <a href=href.clone()>{user.logon_name}</a>
                        <div class="detail">{user.display_name}</div>
                    </td>
                    <td>{user.created}</td>
                    <td>{user.last_login.unwrap_or_else(|| "Never".to_owned())}</td>
                    <td class="row-actions">
                        <a class="link-button" href=href.clone() aria-label=format!("Manage {}", user.name)>"Manage"</a>
                        <a class="link-button" href=format!("{href}?tab=authentication") aria-label=format!("AccessKeys of {}", user.name)>
                            "AccessKeys"
                        </a>
                        {can_manage.then(|| view! {
                            <button
                                type="button"
                                class="link-button danger"
                                id=format!("delete-user-{}", user.name)
                                aria-label=format!("Delete {}", user.name)
                                on:click=move |_| on_delete.run(row.clone())
                            >
                                "Delete"
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Users" columns=&["User Logon Name/Display Name", "Created", "Last Sign-in", "Actions"]>{rows}</DataTable>
        <nav class="pager" aria-label="Pages of users">
            <span data-testid="users-summary">{summary}</span>
            {previous.map(|href| view! { <a class="button" href=href>"Previous page"</a> })}
            {next.map(|href| view! { <a class="button" href=href>"Next page"</a> })}
        </nav>
    }
    .into_any()
}
