use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::groups::{delete_group, list_groups, CreateGroup};
use crate::components::confirm::ConfirmDialog;
use crate::components::data_table::DataTable;
use crate::components::dialog::Dialog;
use crate::components::form_field::FormField;
use crate::components::page_error::PageError;
use crate::error::{ConsoleError, FormErrors};
use crate::model::GroupList;

/// Identities > Groups: user groups, whose members get the group's policies.
pub struct GroupsPage;

#[lazy_route]
impl LazyRoute for GroupsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <Groups/> }.into_any()
    }
}

#[component]
fn Groups() -> impl IntoView {
    let groups: Resource<Result<GroupList, ConsoleError>> = Resource::new(|| (), |_| list_groups());
    let creating = RwSignal::new(false);
    let deleting = RwSignal::new(None::<String>);
    let delete = Action::new(|name: &String| delete_group(name.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            deleting.set(None);
            groups.refetch();
        }
    });
    view! {
        <Title text="Groups · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Identities / Groups"</nav>
        <h1>"Groups"</h1>
        <p class="page-intro">
            "A group's members get the group's policies beside their own: grant a team's \
             permissions once, to its group."
        </p>
        <Transition fallback=|| view! { <p class="page-loading">"Loading groups…"</p> }>
            {move || Suspend::new(async move {
                match groups.await {
                    Ok(list) => {
                        let can_manage = list.can_manage;
                        let table = if list.groups.is_empty() {
                            view! { <div class="empty-state"><p>"No groups yet. Create one for each team or role."</p></div> }.into_any()
                        } else {
                            let rows = list.groups.into_iter().map(|g| {
                                let name = g.name.clone();
                                view! {
                                    <tr data-group=g.name.clone()>
                                        <td><a href=format!("/ram/groups/{}", g.name)>{g.name.clone()}</a></td>
                                        <td>{g.comments}</td>
                                        <td>{g.created}</td>
                                        <td class="row-actions">
                                            {can_manage.then(|| view! {
                                                <button type="button" class="link-button danger" aria-label=format!("Delete {name}")
                                                    on:click=move |_| { delete.value().set(None); deleting.set(Some(name.clone())); }>
                                                    "Delete"
                                                </button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            view! { <DataTable label="Groups" columns=&["Group Name", "Comments", "Created", "Actions"]>{rows}</DataTable> }.into_any()
                        };
                        view! {
                            <div class="toolbar">
                                {can_manage.then(|| view! {
                                    <button type="button" class="button primary" id="create-group" on:click=move |_| creating.set(true)>
                                        "Create Group"
                                    </button>
                                })}
                            </div>
                            {table}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            <CreateGroupDialog
                on_created=move |_| { creating.set(false); groups.refetch(); }
                on_cancel=move |_| creating.set(false)
            />
        </Show>
        {move || deleting.get().map(|name| view! {
            <ConfirmDialog
                title="Delete Group"
                message=format!("Delete the group {name}? Its members keep their own policies; a group with members or policies cannot be deleted.")
                confirm_label="Delete"
                on_confirm=move |_| { delete.dispatch(name.clone()); }
                on_cancel=move |_| deleting.set(None)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        })}
    }
}

#[component]
fn CreateGroupDialog(
    #[prop(into)] on_created: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<CreateGroup>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_created.run(());
        }
    });
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title="Create Group" on_close=on_cancel>
            <ActionForm action attr:novalidate=true>
                <FormField label="Group name" id="group-name" name="name" autocomplete="off"
                    hint="1–64 letters, digits, periods, underscores and hyphens." error=errors.field("name")/>
                <FormField label="Comments" id="group-comments" name="comments" autocomplete="off"
                    optional=true error=errors.field("comments")/>
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
