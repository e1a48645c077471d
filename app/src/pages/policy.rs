use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::policies::{delete_policy_version, get_policy, set_default_policy_version};
use crate::components::confirm::ConfirmDialog;
use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::PolicyDetail;

/// One policy: the document in force, its versions (set the default, delete the others) and
/// where it is attached.
pub struct PolicyPage;

#[lazy_route]
impl LazyRoute for PolicyPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let key = Memo::new(move |_| {
            let p = params.read();
            (
                p.get("type").unwrap_or_default(),
                p.get("name").unwrap_or_default(),
            )
        });
        let policy = Resource::new(move || key.get(), |(kind, name)| get_policy(kind, name));
        view! { <Policy policy/> }.into_any()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum VersionChange {
    MakeDefault(String, String),
    Delete(String, String),
}

#[component]
fn Policy(policy: Resource<Result<PolicyDetail, ConsoleError>>) -> impl IntoView {
    let change = Action::new(|change: &VersionChange| {
        let change = change.clone();
        async move {
            match change {
                VersionChange::MakeDefault(name, v) => set_default_policy_version(name, v).await,
                VersionChange::Delete(name, v) => delete_policy_version(name, v).await,
            }
        }
    });
    let deleting = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            deleting.set(None);
            policy.refetch();
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="page-loading">"Loading the policy…"</p> }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok(detail) => view! { <PolicyView detail change deleting/> }.into_any(),
                    Err(error) => view! {
                        <Title text="Policy · RAM"/>
                        <h1>"Policy"</h1>
                        <PageError error page_has_heading=true/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
        {move || deleting.get().map(|(name, version)| view! {
            <ConfirmDialog
                title="Delete Version"
                message=format!("Delete version {version} of {name}? It cannot be restored.")
                confirm_label="Delete"
                on_confirm=move |_| { change.dispatch(VersionChange::Delete(name.clone(), version.clone())); }
                on_cancel=move |_| deleting.set(None)
                pending=change.pending()
                error=Signal::derive(move || change.value().get().and_then(Result::err))
            />
        })}
    }
}

#[component]
fn PolicyView(
    detail: PolicyDetail,
    change: Action<VersionChange, Result<(), ConsoleError>>,
    deleting: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let name = detail.summary.name.clone();
    let can_manage = detail.can_manage;
    let versions = detail
        .versions
        .into_iter()
        .map(|v| {
            let (for_default, for_delete) = ((name.clone(), v.version_id.clone()), (name.clone(), v.version_id.clone()));
            let actions = (can_manage && !v.is_default).then(|| view! {
                <button type="button" class="link-button" aria-label=format!("Set {} as default", v.version_id)
                    on:click=move |_| { change.dispatch(VersionChange::MakeDefault(for_default.0.clone(), for_default.1.clone())); }>
                    "Set as Default"
                </button>
                <button type="button" class="link-button danger" aria-label=format!("Delete {}", v.version_id)
                    on:click=move |_| deleting.set(Some(for_delete.clone()))>
                    "Delete"
                </button>
            });
            view! {
                <tr data-version=v.version_id.clone()>
                    <td>{v.version_id.clone()} {v.is_default.then(|| view! { <span class="badge">"Default"</span> })}</td>
                    <td>{if v.created.is_empty() { "Built in".to_owned() } else { v.created }}</td>
                    <td class="row-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    let attached = if detail.attached_to.is_empty() {
        view! { <p class="detail">"Not attached to any user or group."</p> }.into_any()
    } else {
        view! {
            <ul class="plain-list">
                {detail.attached_to.into_iter().map(|who| view! { <li>{who}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <Title text=format!("{name} · Policies · RAM")/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <a href="/ram/policies">"Policies"</a>" / "{name.clone()}
        </nav>
        <h1>{name.clone()}</h1>
        <p class="banner error" role="alert">{move || change.value().get().and_then(Result::err).map(|e| e.to_string())}</p>
        <dl class="details">
            <dt>"Type"</dt><dd>{detail.summary.policy_type}</dd>
            <dt>"Description"</dt><dd>{detail.summary.description}</dd>
            <dt>"Default version"</dt><dd>{detail.summary.default_version}</dd>
        </dl>
        <h2>"Policy document"</h2>
        <pre class="code-block" data-testid="policy-document">{detail.document}</pre>
        <h2>"Versions"</h2>
        <DataTable label="Versions" columns=&["Version", "Created", "Actions"]>{versions}</DataTable>
        <h2>"Attached to"</h2>
        {attached}
    }
}
