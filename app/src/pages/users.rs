use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::users::list_users;
use crate::components::create_user::CreateUserDialog;
use crate::error::ConsoleError;
use crate::model::UserList;

/// Identities > Users: the account's RAM users, searchable by name or by AccessKey ID. Its data
/// loads inside the lazy view, so the list's decoder stays out of the main wasm module.
pub struct UsersPage;

#[lazy_route]
impl LazyRoute for UsersPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_query_map();
        let query = Memo::new(move |_| params.read().get("q").unwrap_or_default());
        let marker = Memo::new(move |_| {
            params
                .read()
                .get("marker")
                .and_then(|m| m.parse::<i64>().ok())
        });
        let users = Resource::new(
            move || (query.get(), marker.get()),
            |(query, marker)| list_users(query, marker),
        );
        view! { <Users users query/> }.into_any()
    }
}

#[component]
fn Users(users: Resource<Result<UserList, ConsoleError>>, query: Memo<String>) -> impl IntoView {
    let creating = RwSignal::new(false);
    view! {
        <Title text="Users · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Identities / Users"</nav>
        <h1>"Users"</h1>
        <Transition fallback=|| view! { <p class="page-loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! {
                        <div class="toolbar">
                            {list.can_manage.then(|| view! {
                                <button type="button" class="button primary" on:click=move |_| creating.set(true)>
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
                        <UserTable list query=query.get_untracked()/>
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            <CreateUserDialog
                on_created=move |_| {
                    creating.set(false);
                    users.refetch();
                }
                on_cancel=move |_| creating.set(false)
            />
        </Show>
    }
}

#[component]
fn UserTable(list: UserList, query: String) -> impl IntoView {
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
    let next = list
        .next_marker
        .map(|marker| format!("/ram/users?marker={marker}"));
    let rows = list
        .users
        .into_iter()
        .map(|user| {
            view! {
                <tr data-user=user.name.clone()>
                    <td>
                        <a href=format!("/ram/users/{}", user.name)>{user.logon_name}</a>
                        <div class="detail">{user.display_name}</div>
                    </td>
                    <td>{user.created}</td>
                    <td>{user.last_login.unwrap_or_else(|| "Never".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable columns=&["User Logon Name/Display Name", "Created", "Last Sign-in"]>{rows}</DataTable>
        {next.map(|href| view! { <p class="pager"><a class="button" href=href>"Next page"</a></p> })}
    }
    .into_any()
}
