use leptos::prelude::*;

use crate::components::data_table::DataTable;

use crate::model::{AccessKeyRow, AccessKeyStatus};

/// The AccessKey table: ID, Status, Created, Last Used and the row actions.
#[component]
pub fn AccessKeyTable(
    keys: Vec<AccessKeyRow>,
    /// Set a key's status (Disable asks first; Enable does not).
    #[prop(into)]
    on_set_status: Callback<(AccessKeyRow, AccessKeyStatus)>,
    #[prop(into)] on_delete: Callback<AccessKeyRow>,
    /// Report Leak (asks first).
    #[prop(into)]
    on_report_leak: Callback<AccessKeyRow>,
    #[prop(into)] busy: Signal<bool>,
    /// Off for viewers who may only look (read-only administrators): no row actions.
    can_manage: bool,
    /// The keys' RAM user (`None`: the caller's own keys), for links to a key's pages.
    user: Option<String>,
) -> impl IntoView {
    // A reload replaces the rows: focus goes back to the control a person just used.
    Effect::new(move |_| crate::focus::apply_pending());
    if keys.is_empty() {
        let next_step = if can_manage {
            "Click Create AccessKey to create one. Its secret is shown only once, when it is created."
        } else {
            "The account owner or a RAM administrator can create one."
        };
        return view! {
            <div class="empty-state">
                <p><strong>"No AccessKey pairs yet."</strong></p>
                <p>{next_step}</p>
            </div>
        }
        .into_any();
    }
    let any_active = keys.iter().any(|key| key.status == AccessKeyStatus::Active);
    let rows = keys
        .into_iter()
        .map(|key| {
            let toggle_to = match key.status {
                AccessKeyStatus::Active => AccessKeyStatus::Inactive,
                AccessKeyStatus::Inactive => AccessKeyStatus::Active,
            };
            let toggle_label = match toggle_to {
                AccessKeyStatus::Inactive => "Disable",
                AccessKeyStatus::Active => "Enable",
            };
            let id = key.access_key_id.clone();
            let row = key.clone();
            let leak_row = key.clone();
            let status_row = key.clone();
            let leaked = key.leaked;
            let inactive = key.status == AccessKeyStatus::Inactive;
            let policy_href = match &user {
                Some(user) => format!("/access-keys/network-policy?key={id}&user={user}"),
                None => format!("/access-keys/network-policy?key={id}"),
            };
            view! {
                <tr data-access-key-id=key.access_key_id.clone()>
                    <td><code>{key.access_key_id.clone()}</code></td>
                    <td>
                        {if leaked {
                            view! { <span class="status leaked">"Leaked"</span> }.into_any()
                        } else {
                            view! {
                                <span class="status" class:inactive=key.status == AccessKeyStatus::Inactive>
                                    {key.status.as_str()}
                                </span>
                            }
                            .into_any()
                        }}
                    </td>
                    <td>{key.created.clone()}</td>
                    <td>{key.last_used.clone().unwrap_or_else(|| "Never".to_owned())}</td>
                    <td class="row-actions">
                        <a class="link-button" href=policy_href>"Network Policy"</a>
                        <a class="link-button" href=format!("/audit-trail?access_key_id={id}")>"View Events"</a>
                        {can_manage.then(|| view! {
                            <button
                                type="button"
                                class="link-button"
                                id=format!("status-{id}")
                                disabled=move || busy.get()
                                on:click=move |_| on_set_status.run((status_row.clone(), toggle_to))
                            >
                                {toggle_label}
                            </button>
                            {(!leaked).then(|| view! {
                                <button
                                    type="button"
                                    class="link-button danger"
                                    id=format!("leak-{id}")
                                    disabled=move || busy.get()
                                    on:click=move |_| on_report_leak.run(leak_row.clone())
                                >
                                    "Report Leak"
                                </button>
                            })}
                            // As Alibaba's console: only a disabled key can be deleted.
                            {inactive.then(|| view! {
                                <button
                                    type="button"
                                    class="link-button danger"
                                    id=format!("delete-{id}")
                                    disabled=move || busy.get()
                                    on:click=move |_| on_delete.run(row.clone())
                                >
                                    "Delete"
                                </button>
                            })}
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="AccessKey pairs" columns=&["AccessKey ID", "Status", "Created", "Last Used", "Actions"]>{rows}</DataTable>
        {(can_manage && any_active).then(|| view! {
            <p class="field-hint table-note">"To delete an AccessKey pair, disable it first."</p>
        })}
    }
    .into_any()
}
