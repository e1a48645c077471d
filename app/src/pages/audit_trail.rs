use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::audit_trail::list_audit_events;
use crate::components::data_table::DataTable;
use crate::components::page_error::PageError;
use crate::model::{AuditEventPage, AuditEventRow, AuditFilter};

/// Audit Trail: console operations and API calls, filtered by what the URL says, newest first.
/// The filter form is a plain GET form, so every filtered view is a link (a key's row links to
/// its events) and the CSV export takes the same parameters.
pub struct AuditTrailPage;

#[lazy_route]
impl LazyRoute for AuditTrailPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let params = Memo::new(move |_| {
            let query = query.read();
            let get = |name: &str| query.get(name).unwrap_or_default();
            (
                AuditFilter {
                    from: get("from"),
                    to: get("to"),
                    event_name: get("event_name"),
                    user: get("user"),
                    access_key_id: get("access_key_id"),
                    rw: get("rw"),
                    result: get("result"),
                },
                query.get("after").and_then(|a| a.parse::<i64>().ok()),
            )
        });
        let events = Resource::new(
            move || params.get(),
            |(filter, after)| list_audit_events(filter, after),
        );
        view! { <AuditTrail params events/> }.into_any()
    }
}

/// The page's URL query for `filter` (and a page marker).
fn query_string(filter: &AuditFilter, after: Option<i64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("from", &filter.from),
        ("to", &filter.to),
        ("event_name", &filter.event_name),
        ("user", &filter.user),
        ("access_key_id", &filter.access_key_id),
        ("rw", &filter.rw),
        ("result", &filter.result),
    ] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    if let Some(after) = after {
        query.append_pair("after", &after.to_string());
    }
    query.finish()
}

#[component]
fn AuditTrail(
    params: Memo<(AuditFilter, Option<i64>)>,
    events: Resource<Result<AuditEventPage, crate::error::ConsoleError>>,
) -> impl IntoView {
    let filter = move || params.get().0;
    let export_href = move || format!("/audit-trail/export.csv?{}", query_string(&filter(), None));
    let select = |name: &'static str,
                  label: &'static str,
                  options: &'static [(&'static str, &'static str)]| {
        view! {
            <div class="field">
                <label for=name>{label}</label>
                <select id=name name=name>
                    {options
                        .iter()
                        .map(|(value, text)| {
                            let value = *value;
                            view! {
                                <option value=value selected=move || params.get().0.field(name) == value>
                                    {*text}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let text = |name: &'static str,
                label: &'static str,
                placeholder: &'static str,
                input_type: &'static str| {
        view! {
            <div class="field">
                <label for=name>{label}</label>
                <input
                    id=name
                    name=name
                    type=input_type
                    placeholder=placeholder
                    value=move || params.get().0.field(name).to_owned()
                />
            </div>
        }
    };
    view! {
        <Title text="Audit Trail"/>
        <h1>"Audit Trail"</h1>
        <p class="page-intro">
            "Console operations and API calls of this account, newest first, with who made them, from where and how they ended. \
             Search an AccessKey ID to find who owns it and which addresses use it. Secrets are never recorded; \
             events are kept for 90 days."
        </p>
        <form class="filters" method="get" action="/audit-trail" aria-label="Filter events">
            {text("from", "From (UTC)", "", "datetime-local")}
            {text("to", "To (UTC)", "", "datetime-local")}
            {text("event_name", "Event name", "CreateAccessKey, or part of a name", "text")}
            {text("user", "User", "RAM user name, or root", "text")}
            {text("access_key_id", "AccessKey ID", "LTAI…", "text")}
            {select("rw", "Read/Write", &[("", "All"), ("Read", "Read"), ("Write", "Write")])}
            {select("result", "Result", &[("", "All"), ("Success", "Success"), ("Failure", "Failure")])}
            <div class="form-actions">
                <button type="submit" class="button primary">"Search"</button>
                <a href="/audit-trail">"Clear"</a>
                <a class="button" href=export_href rel="external" download="audit-trail.csv">
                    "Export CSV"
                </a>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="page-loading">"Loading events…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Ok(page) => view! { <EventTable page filter=filter()/> }.into_any(),
                    Err(error) => view! { <PageError error page_has_heading=true/> }.into_any(),
                }
            })}
        </Transition>
    }
}

impl AuditFilter {
    fn field(&self, name: &str) -> &str {
        match name {
            "from" => &self.from,
            "to" => &self.to,
            "event_name" => &self.event_name,
            "user" => &self.user,
            "access_key_id" => &self.access_key_id,
            "rw" => &self.rw,
            "result" => &self.result,
            _ => "",
        }
    }
}

#[component]
fn EventTable(page: AuditEventPage, filter: AuditFilter) -> impl IntoView {
    if page.events.is_empty() {
        return view! {
            <div class="empty-state">
                <p><strong>"No events match."</strong></p>
                <p>"Widen the time range or clear a filter."</p>
            </div>
        }
        .into_any();
    }
    let next_href = page
        .next
        .map(|after| format!("/audit-trail?{}", query_string(&filter, Some(after))));
    let rows = page
        .events
        .into_iter()
        .enumerate()
        .map(|(index, event)| event_row(event, index))
        .collect_view();
    view! {
        <DataTable label="Events" columns=&["Time (UTC)", "Event", "Type", "User", "AccessKey ID", "Source IP", "Result"]>
            {rows}
        </DataTable>
        <nav class="pager" aria-label="Pages">
            {next_href.map(|href| view! { <a href=href>"Older events"</a> })}
        </nav>
    }
    .into_any()
}

fn event_row(event: AuditEventRow, index: usize) -> impl IntoView {
    let key = event
        .access_key_id
        .clone()
        .or(event.referenced_access_key_id.clone())
        .unwrap_or_default();
    let (result, failed) = match &event.error_code {
        None => ("Success".to_owned(), false),
        Some(code) => (code.clone(), true),
    };
    let kind = if event.event_type == "ApiCall" {
        "API call"
    } else {
        "Console"
    };
    let name = event.event_name.clone();
    // What the event acted on and how it failed, a click (or Enter) away: no hover needed.
    let open = RwSignal::new(false);
    let details_id = format!("event-details-{index}");
    let acted_on = event.referenced_access_key_id.clone();
    let parameters = (!event.request_parameters.is_empty() && event.request_parameters != "{}")
        .then(|| event.request_parameters.clone());
    let error = event.error_code.clone().map(|code| {
        format!(
            "{code}: {}",
            event.error_message.clone().unwrap_or_default()
        )
    });
    view! {
        <tr data-event-name=name>
            <td>{event.time}</td>
            <td>
                <button
                    type="button"
                    class="link-button disclosure"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=details_id.clone()
                    on:click=move |_| open.update(|open| *open = !*open)
                >
                    {event.event_name}
                </button>
                " "<span class="field-hint">{event.rw}</span>
            </td>
            <td>{kind}</td>
            <td>{event.user}</td>
            <td><code>{key}</code></td>
            <td>{event.source_ip.unwrap_or_default()}</td>
            <td>
                <span class="status" class:failed=failed>{result}</span>
            </td>
        </tr>
        <tr class="event-details" id=details_id hidden=move || !open.get()>
            <td colspan="7">
                <dl>
                    {acted_on.map(|id| view! { <dt>"Acted on"</dt><dd><code>{id}</code></dd> })}
                    {error.map(|error| view! { <dt>"Error"</dt><dd>{error}</dd> })}
                    <dt>"Request parameters"</dt>
                    <dd>{match parameters {
                        Some(parameters) => view! { <pre>{parameters}</pre> }.into_any(),
                        None => view! { "None" }.into_any(),
                    }}</dd>
                </dl>
            </td>
        </tr>
    }
}
