use leptos::prelude::*;

use crate::components::data_table::DataTable;

use crate::model::{AccessKeyRow, AccessKeyStatus};

/// The AccessKey table: ID, Status, Created, Last Used and the row actions.
#[component]
pub fn AccessKeyTable(
    keys: Vec<AccessKeyRow>,
    /// Set a key's status (Disable / Enable).
    #[prop(into)]
    on_set_status: Callback<(String, AccessKeyStatus)>,
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
    if keys.is_empty() {
        return view! {
            <div class="empty-state">
                <p><strong>"No AccessKey pairs yet."</strong></p>
                <p>"Click Create AccessKey to create one. Its secret is shown only once, when it is created."</p>
            </div>
        }
        .into_any();
    }
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
            let leaked = key.leaked;
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
                                disabled=move || busy.get()
                                on:click=move |_| on_set_status.run((id.clone(), toggle_to))
                            >
                                {toggle_label}
                            </button>
                            {(!leaked).then(|| view! {
                                <button
                                    type="button"
                                    class="link-button danger"
                                    disabled=move || busy.get()
                                    on:click=move |_| on_report_leak.run(leak_row.clone())
                                >
                                    "Report Leak"
                                </button>
                            })}
                            <button
                                type="button"
                                class="link-button danger"
                                disabled=move || busy.get()
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
        <DataTable columns=&["AccessKey ID", "Status", "Created", "Last Used", "Actions"]>{rows}</DataTable>
    }
    .into_any()
}
