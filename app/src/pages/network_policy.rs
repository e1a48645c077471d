use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::network_policies::{get_network_policy, save_network_policy};
use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use crate::error::ConsoleError;
use crate::model::{NetworkPolicyView, SourceAddress};

/// AccessKey Management > Network Access Control: the account-level allow list, or with
/// `?key=<AccessKey ID>` (and `&user=<name>` for a RAM user's key) one key's policy. One route for
/// both keeps the main wasm module smaller than two would.
pub struct NetworkPolicyPage;

#[lazy_route]
impl LazyRoute for NetworkPolicyPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let key = Memo::new(move |_| {
            let query = query.read();
            let param = |name: &str| query.get(name).filter(|v| !v.is_empty());
            (param("key"), param("user"))
        });
        let policy = Resource::new(move || key.get(), |(id, user)| get_network_policy(id, user));
        view! { <NetworkPolicyEditor policy/> }.into_any()
    }
}

#[component]
fn NetworkPolicyEditor(policy: Resource<Result<NetworkPolicyView, ConsoleError>>) -> impl IntoView {
    // Outside the form, which is rebuilt from the saved policy after each save.
    let saved = RwSignal::new(false);
    view! {
        <Transition fallback=|| view! { <p class="page-loading">"Loading the network policy…"</p> }>
            {move || Suspend::new(async move {
                match policy.await {
                    Ok(view) => view! { <PolicyForm view policy saved/> }.into_any(),
                    Err(error) => view! {
                        <PageError error back_href="/access-keys" back_label="Back to AccessKey Management"/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// One address row of the editor; `id` keeps rows stable while others are added or removed.
#[derive(Clone)]
struct Entry {
    id: usize,
    text: RwSignal<String>,
}

#[component]
fn PolicyForm(
    view: NetworkPolicyView,
    policy: Resource<Result<NetworkPolicyView, ConsoleError>>,
    /// "Saved." shows until the next edit.
    saved: RwSignal<bool>,
) -> impl IntoView {
    let NetworkPolicyView {
        access_key_id,
        user,
        active,
        entries,
        applies,
        can_manage,
        recent_sources,
    } = view;
    let next_id = StoredValue::new(0usize);
    let new_entry = move |text: String| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        Entry {
            id,
            text: RwSignal::new(text),
        }
    };
    let mut initial: Vec<Entry> = entries.into_iter().map(new_entry).collect();
    if initial.is_empty() {
        initial.push(new_entry(String::new()));
    }
    let rows = RwSignal::new(initial);
    let active = RwSignal::new(active);
    let scope = StoredValue::new((access_key_id.clone(), user.clone()));
    let save = Action::new(move |(active, entries): &(bool, Vec<String>)| {
        let (id, user) = scope.get_value();
        save_network_policy(id, user, *active, entries.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            saved.set(true);
            policy.refetch();
        }
    });
    let entry_texts = move || {
        rows.get()
            .iter()
            .map(|e| e.text.get())
            .collect::<Vec<String>>()
    };
    let error_at = move |index: usize| {
        save.value().get().and_then(|r| match r {
            Err(ConsoleError::InvalidEntries(errors)) => errors
                .into_iter()
                .find(|(at, _)| *at as usize == index)
                .map(|(_, message)| message),
            _ => None,
        })
    };
    // Entry errors stand beside their entries; anything else (about the whole list) here.
    let form_error = move || match save.value().get() {
        Some(Err(ConsoleError::InvalidEntries(_))) => None,
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let add_address = move |ip: String| {
        saved.set(false);
        rows.update(|rows| {
            // Fill an empty row rather than leave blanks behind.
            match rows
                .iter()
                .find(|e| e.text.get_untracked().trim().is_empty())
            {
                Some(empty) => empty.text.set(ip),
                None => rows.push(new_entry(ip)),
            }
        });
    };

    let (title, heading) = match &access_key_id {
        None => (
            "Network Access Control".to_owned(),
            "Network Access Control".to_owned(),
        ),
        Some(id) => (
            format!("Network Policy · {id}"),
            "Network Policy".to_owned(),
        ),
    };
    // Back to where the key is listed: the user's page for a RAM user's key, else the account's.
    let breadcrumb = match &user {
        Some(user) => view! {
            "RAM / Identities / " <a href="/ram/users">"Users"</a> " / "
            <a href=format!("/ram/users/{user}")>{user.clone()}</a>
        }
        .into_any(),
        None => view! { <a href="/access-keys">"AccessKey Management"</a> }.into_any(),
    };
    let owner = user.clone().map(|user| format!(" of RAM user {user}"));
    view! {
        <Title text=title/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            {breadcrumb}" / "{heading.clone()}
        </nav>
        <h1>{heading}</h1>
        {access_key_id.clone().map(|id| view! { <p class="page-intro">"AccessKey pair " <code>{id}</code>{owner}</p> })}
        <p class="banner info" data-testid="policy-applies">{applies}</p>
        <form
            class="settings network-policy"
            on:submit=move |ev| {
                ev.prevent_default();
                saved.set(false);
                save.dispatch((active.get_untracked(), entry_texts()));
            }
        >
            <div class="switch-row">
                <input
                    type="checkbox"
                    role="switch"
                    id="policy-active"
                    prop:checked=move || active.get()
                    disabled=!can_manage
                    on:change=move |ev| {
                        saved.set(false);
                        active.set(event_target_checked(&ev));
                    }
                />
                <div>
                    <label for="policy-active">"Active"</label>
                    <p class="field-hint">
                        {move || if active.get() {
                            "Active: calls from addresses not listed below are refused with \"Specified access key denied due to access policy.\""
                        } else {
                            "Inactive: the list below is kept but not enforced."
                        }}
                    </p>
                </div>
            </div>
            <fieldset>
                <legend>"Allowed addresses"</legend>
                <p class="field-hint">"IPv4 or IPv6 addresses, or CIDR blocks such as 198.51.100.0/24 or 2001:db8::/32."</p>
                <ol class="address-list">
                    <For
                        each={move || rows.get().into_iter().enumerate().collect::<Vec<_>>()}
                        key={|(index, entry): &(usize, Entry)| (*index, entry.id)}
                        children={move |(index, entry): (usize, Entry)| {
                            let id = entry.id;
                            let label = format!("Address {}", index + 1);
                            let error_id = format!("address-{id}-error");
                            view! {
                                <li class="field" class:has-error=move || error_at(index).is_some()>
                                    <div class="address-row">
                                        <input
                                            type="text"
                                            aria-label=label
                                            placeholder="203.0.113.7"
                                            prop:value=move || entry.text.get()
                                            disabled=!can_manage
                                            aria-invalid=move || error_at(index).is_some().to_string()
                                            aria-describedby=error_id.clone()
                                            on:input=move |ev| {
                                                saved.set(false);
                                                entry.text.set(event_target_value(&ev));
                                            }
                                        />
                                        {can_manage.then(|| view! {
                                            <button
                                                type="button"
                                                class="link-button danger"
                                                aria-label=format!("Remove address {}", index + 1)
                                                on:click=move |_| {
                                                    saved.set(false);
                                                    rows.update(|rows| rows.retain(|e| e.id != id));
                                                }
                                            >
                                                "Remove"
                                            </button>
                                        })}
                                    </div>
                                    <p class="field-error" id=error_id role="alert">{move || error_at(index)}</p>
                                </li>
                            }
                        }}
                    />
                </ol>
                {can_manage.then(|| view! {
                    <button type="button" class="button" on:click=move |_| add_address(String::new())>
                        "Add Address"
                    </button>
                })}
            </fieldset>
            <p class="form-error" role="alert">{form_error}</p>
            {can_manage.then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                    <span class="form-status" role="status">
                        {move || saved.get().then_some("Saved. The policy applies to the next call.")}
                    </span>
                </div>
            })}
            {(!can_manage).then(|| view! {
                <p class="field-hint">"You may view this policy but not change it."</p>
            })}
        </form>
        {access_key_id.is_some().then(|| view! {
            <ReviewHistoricalCalls sources=recent_sources can_manage on_add=add_address/>
        })}
    }
}

/// Seed step 4: the addresses that used the key recently, so a policy does not cut off a working
/// application. Each can be added to the list in one click.
#[component]
fn ReviewHistoricalCalls(
    sources: Vec<SourceAddress>,
    can_manage: bool,
    #[prop(into)] on_add: Callback<String>,
) -> impl IntoView {
    let body = if sources.is_empty() {
        view! {
            <div class="empty-state">
                <p>"No API calls with this AccessKey pair in the last 30 days."</p>
            </div>
        }
        .into_any()
    } else {
        let rows = sources
            .into_iter()
            .map(|source| {
                let ip = source.ip.clone();
                view! {
                    <tr data-source-ip=source.ip.clone()>
                        <td><code>{source.ip.clone()}</code></td>
                        <td>{source.calls}</td>
                        <td>{source.last_seen.clone()}</td>
                        <td class="row-actions">
                            {if source.allowed {
                                view! { <span class="field-hint">"Allowed"</span> }.into_any()
                            } else if can_manage {
                                view! {
                                    <button
                                        type="button"
                                        class="link-button"
                                        aria-label=format!("Add {} to the policy", source.ip)
                                        on:click=move |_| on_add.run(ip.clone())
                                    >
                                        "Add to Policy"
                                    </button>
                                }
                                .into_any()
                            } else {
                                view! { <span class="field-hint">"Not allowed"</span> }.into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable label="Addresses that called" columns=&["Source IP", "Calls", "Last Call", "Actions"]>{rows}</DataTable>
        }
        .into_any()
    };
    view! {
        <section class="review-calls">
            <h2>"Review historical API calls"</h2>
            <p class="field-hint">
                "Addresses that called with this AccessKey pair in the last 30 days, from the audit trail. \
                 Add the ones your applications use before you turn a policy on."
            </p>
            {body}
        </section>
    }
}
