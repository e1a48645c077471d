use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::policies::{check_policy_document, list_policies, CreatePolicy};
use crate::components::data_table::DataTable;
use crate::components::form_field::FormField;
use crate::components::page_error::PageError;
use crate::error::{ConsoleError, FormErrors};
use crate::model::PolicyList;

/// Permissions > Policies: the system policies and the account's own, searchable, and a
/// policy editor that checks the document as it is written. Its data loads inside the lazy view.
pub struct PoliciesPage;

#[lazy_route]
impl LazyRoute for PoliciesPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_query_map();
        let query = Memo::new(move |_| params.read().get("q").unwrap_or_default());
        let policies = Resource::new(move || query.get(), list_policies);
        view! { <Policies policies query/> }.into_any()
    }
}

/// What a new policy starts as: a statement to fill in.
const TEMPLATE: &str = r#"{
  "Version": "1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ram:ListUsers", "ram:GetUser"],
      "Resource": "*"
    }
  ]
}"#;

#[component]
fn Policies(
    policies: Resource<Result<PolicyList, ConsoleError>>,
    query: Memo<String>,
) -> impl IntoView {
    let creating = RwSignal::new(false);
    let created = RwSignal::new(None::<String>);
    view! {
        <Title text="Policies · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Permissions / Policies"</nav>
        <h1>"Policies"</h1>
        <p class="page-intro">
            "A policy says which actions are allowed or denied on which resources. System policies \
             are built in; custom policies are yours. Attach them to users or groups."
        </p>
        {move || created.get().map(|name| view! {
            <p class="banner success" role="status">
                "Created the policy " <a href=format!("/ram/policies/Custom/{name}")><strong>{name.clone()}</strong></a>
                ". Attach it to a user or a group to grant what it allows."
            </p>
        })}
        <Transition fallback=|| view! { <p class="page-loading">"Loading policies…"</p> }>
            {move || Suspend::new(async move {
                match policies.await {
                    Ok(list) => view! {
                        <div class="toolbar">
                            {list.can_create.then(|| view! {
                                <button type="button" class="button primary" id="create-policy"
                                    on:click=move |_| { created.set(None); creating.set(true); }>
                                    "Create Policy"
                                </button>
                            })}
                            <form method="get" action="/ram/policies" class="search" role="search">
                                <input type="search" name="q" aria-label="Search policies"
                                    placeholder="Policy name or description" value=query.get_untracked()/>
                                <button type="submit" class="button">"Search"</button>
                            </form>
                        </div>
                        <PolicyTable list query=query.get_untracked()/>
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || creating.get()>
            <PolicyEditor
                on_created=move |name| {
                    creating.set(false);
                    created.set(Some(name));
                    policies.refetch();
                }
                on_cancel=move |_| creating.set(false)
            />
        </Show>
    }
}

#[component]
fn PolicyTable(list: PolicyList, query: String) -> impl IntoView {
    if list.policies.is_empty() {
        return view! { <div class="empty-state"><p>{format!("No policy matches “{query}”.")}</p></div> }
            .into_any();
    }
    let rows = list
        .policies
        .into_iter()
        .map(|p| {
            let href = format!("/ram/policies/{}/{}", p.policy_type, p.name);
            view! {
                <tr data-policy=p.name.clone()>
                    <td><a href=href>{p.name.clone()}</a></td>
                    <td>{p.policy_type}</td>
                    <td>{p.description}</td>
                    <td>{p.default_version}</td>
                    <td>{p.attachments}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Policies" columns=&["Policy Name", "Type", "Description", "Default Version", "Attached to"]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// **Create Policy**: a name, a description, and the document, checked by the server's parser
/// as it is typed so a mistake shows at its statement before anything is submitted.
#[component]
fn PolicyEditor(
    #[prop(into)] on_created: Callback<String>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<CreatePolicy>::new();
    let name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_created.run(name.get_untracked());
        }
    });
    let check = Action::new(|text: &String| check_policy_document(text.clone()));
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    let problem = move || match check.value().get() {
        Some(Ok(answer)) => answer.problem,
        Some(Err(error)) => Some(error.to_string()),
        None => None,
    };
    let document_error = move || errors.field("document").get().or_else(problem);
    view! {
        <section class="editor-panel" aria-labelledby="policy-editor-title">
            <h2 id="policy-editor-title">"Create Policy"</h2>
            <ActionForm action attr:novalidate=true>
                <div on:input=move |ev| name.set(event_target_value(&ev))>
                    <FormField label="Policy name" id="policy-name" name="form[name]" autocomplete="off"
                        hint="1–128 letters, digits and hyphens." error=errors.field("name")/>
                </div>
                <FormField label="Description" id="policy-description" name="form[description]"
                    autocomplete="off" optional=true error=errors.field("description")/>
                <div class="field" class:has-error=move || document_error().is_some()>
                    <label for="policy-document">"Policy document"</label>
                    <textarea
                        id="policy-document"
                        name="form[document]"
                        class="code-editor"
                        rows="16"
                        spellcheck="false"
                        aria-describedby="policy-document-status"
                        aria-invalid=move || document_error().is_some().to_string()
                        on:input=move |ev| { check.dispatch(event_target_value(&ev)); }
                    >
                        {TEMPLATE}
                    </textarea>
                    <p class="field-error" id="policy-document-status" role="alert" data-testid="document-problem">
                        {document_error}
                    </p>
                    <p class="field-hint">
                        {move || match check.value().get() {
                            Some(Ok(answer)) if answer.problem.is_none() => "The document is valid.",
                            _ => "Checked as you type, by the same rules the server stores it by.",
                        }}
                    </p>
                </div>
                <p class="form-error" role="alert">{errors.form()}</p>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="button primary" id="create-policy-ok"
                        disabled=move || action.pending().get() || problem().is_some()>
                        {move || if action.pending().get() { "Creating…" } else { "Create Policy" }}
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}
