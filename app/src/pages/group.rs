use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::groups::{get_group, set_group_member, set_group_policy_attached};
use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::GroupDetail;

/// One group: its members (add, remove) and its policies (attach, detach).
pub struct GroupPage;

#[lazy_route]
impl LazyRoute for GroupPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
        let group = Resource::new(move || name.get(), get_group);
        view! { <Group group/> }.into_any()
    }
}

#[component]
fn Group(group: Resource<Result<GroupDetail, ConsoleError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="page-loading">"Loading the group…"</p> }>
            {move || Suspend::new(async move {
                match group.await {
                    Ok(detail) => view! { <GroupView detail on_changed=move |_| group.refetch()/> }.into_any(),
                    Err(error) => view! {
                        <Title text="Group · RAM"/>
                        <h1>"Group"</h1>
                        <PageError error page_has_heading=true/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupView(detail: GroupDetail, #[prop(into)] on_changed: Callback<()>) -> impl IntoView {
    let group = StoredValue::new(detail.row.name.clone());
    let member = Action::new(move |(user, add): &(String, bool)| {
        set_group_member(group.get_value(), user.clone(), *add)
    });
    let policy = Action::new(move |(name, attach): &(String, bool)| {
        set_group_policy_attached(group.get_value(), name.clone(), *attach)
    });
    let new_member = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = member.value().get() {
            new_member.set(String::new());
            on_changed.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = policy.value().get() {
            on_changed.run(());
        }
    });
    let can_manage = detail.can_manage;
    let name = detail.row.name.clone();
    let members = if detail.members.is_empty() {
        view! { <p class="detail">"No members yet."</p> }.into_any()
    } else {
        let rows = detail.members.into_iter().map(|m| {
            let user = m.name.clone();
            view! {
                <tr data-member=m.name.clone()>
                    <td><a href=format!("/ram/users/{}", m.name)>{m.name.clone()}</a><div class="detail">{m.display_name}</div></td>
                    <td>{m.joined}</td>
                    <td class="row-actions">{can_manage.then(|| view! {
                        <button type="button" class="link-button danger" aria-label=format!("Remove {user}")
                            on:click=move |_| { member.dispatch((user.clone(), false)); }>
                            "Remove"
                        </button>
                    })}</td>
                </tr>
            }
        }).collect_view();
        view! { <DataTable label="Members" columns=&["User", "Joined", "Actions"]>{rows}</DataTable> }.into_any()
    };
    let policies = detail.policies.into_iter().map(|p| {
        let label = if p.attached { "Detach" } else { "Attach" };
        let attached = p.attached;
        let policy_name = p.name.clone();
        view! {
            <tr>
                <td><a href=format!("/ram/policies/{}/{}", p.policy_type, p.name)>{p.name.clone()}</a></td>
                <td>{p.policy_type}</td>
                <td>{p.description}</td>
                <td>{if attached { "Attached" } else { "Not attached" }}</td>
                <td>{can_manage.then(|| view! {
                    <button type="button" class="link-button" aria-label=format!("{label} {policy_name}")
                        disabled=move || policy.pending().get()
                        on:click=move |_| { policy.dispatch((policy_name.clone(), !attached)); }>
                        {label}
                    </button>
                })}</td>
            </tr>
        }
    }).collect_view();
    let member_error = move || member.value().get().and_then(Result::err);
    view! {
        <Title text=format!("{name} · Groups · RAM")/>
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/ram/groups">"Groups"</a>" / "{name.clone()}</nav>
        <h1>{name.clone()}</h1>
        {(!detail.row.comments.is_empty()).then(|| view! { <p class="page-intro">{detail.row.comments.clone()}</p> })}
        <h2>"Members"</h2>
        {can_manage.then(|| view! {
            <form class="toolbar" on:submit=move |ev| {
                ev.prevent_default();
                member.dispatch((new_member.get_untracked(), true));
            }>
                <label for="add-member">"Add a user"</label>
                <input id="add-member" type="text" autocomplete="off" placeholder="Logon name, such as ci-bot"
                    prop:value=move || new_member.get() on:input=move |ev| new_member.set(event_target_value(&ev))
                    aria-describedby="add-member-error"/>
                <button type="submit" class="button primary" disabled=move || member.pending().get()>"Add to Group"</button>
            </form>
        })}
        <p class="field-error" id="add-member-error" role="alert">{move || member_error().map(|e| e.to_string())}</p>
        {members}
        <h2>"Permissions"</h2>
        <p class="page-intro">"Every member gets the policies attached here."</p>
        <p class="form-error" role="alert">{move || policy.value().get().and_then(Result::err).map(|e| e.to_string())}</p>
        <DataTable label="Group policies" columns=&["Policy", "Type", "Description", "Status", "Actions"]>{policies}</DataTable>
    }
}
