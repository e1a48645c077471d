//! Reading the trail: the Audit Trail page's search, its CSV export, and where a key was used
//! from.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::event::{names_matching, EventType};
use crate::domain::error::DomainError;
use crate::domain::permissions::{self, Requester, Resource};
use crate::domain::services::Services;
use crate::infra::entities::{audit_event, ram_user};

/// What the Audit Trail page filters by; every field is optional.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub event_name: Option<String>,
    /// A RAM user's name, or `root` for the account owner.
    pub user: Option<String>,
    /// Calls signed with this key, and operations on it.
    pub access_key_id: Option<String>,
    /// `Some(true)`: reads only; `Some(false)`: writes only.
    pub read: Option<bool>,
    /// `Some(true)`: successes only; `Some(false)`: failures only.
    pub succeeded: Option<bool>,
}

/// An event with the name of the RAM user who acted (`None`: the account owner).
#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub event: audit_event::Model,
    pub user_name: Option<String>,
}

pub struct EventPage {
    pub events: Vec<AuditRecord>,
    /// The `after` for the next page, if there is one.
    pub next: Option<i64>,
}

/// Events of the caller's account, newest first, `limit` at a time after the event `after`.
pub async fn search(
    svc: &Services,
    who: &Requester,
    filter: &EventFilter,
    after: Option<i64>,
    limit: u64,
) -> Result<EventPage, DomainError> {
    // This server's own action: RAM has no audit trail of its own (ActionTrail's is elsewhere).
    permissions::authorize(svc, who, "ram:ListAuditEvents", Resource::Account).await?;
    let account_id = who.principal.account_id();
    let Some(mut condition) = conditions(svc, account_id, filter).await? else {
        return Ok(EventPage {
            events: Vec::new(),
            next: None,
        });
    };
    if let Some(after) = after {
        let marker = audit_event::Entity::find_by_id(after)
            .filter(audit_event::Column::AccountId.eq(account_id))
            .one(&svc.db)
            .await?;
        if let Some(marker) = marker {
            use audit_event::Column as C;
            condition = condition.add(
                Condition::any()
                    .add(C::EventTime.lt(marker.event_time))
                    .add(
                        Condition::all()
                            .add(C::EventTime.eq(marker.event_time))
                            .add(C::Id.lt(marker.id)),
                    ),
            );
        }
    }
    let mut events = audit_event::Entity::find()
        .filter(condition)
        .order_by(audit_event::Column::EventTime, Order::Desc)
        .order_by(audit_event::Column::Id, Order::Desc)
        .limit(limit + 1)
        .all(&svc.db)
        .await?;
    let next = if events.len() as u64 > limit {
        events.truncate(limit as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    Ok(EventPage {
        events: with_user_names(svc, account_id, events).await?,
        next,
    })
}

/// The filter as SQL; `None` when it names a user the account never had (nothing can match).
async fn conditions(
    svc: &Services,
    account_id: i64,
    filter: &EventFilter,
) -> Result<Option<Condition>, DomainError> {
    use audit_event::Column as C;
    let mut condition = Condition::all().add(C::AccountId.eq(account_id));
    if let Some(from) = filter.from {
        condition = condition.add(C::EventTime.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(C::EventTime.lte(to));
    }
    if let Some(typed) = filter
        .event_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        // Known names go through the (account, name) index; anything else matches as written.
        let known = names_matching(typed);
        condition = condition.add(if known.is_empty() {
            C::EventName.eq(typed.trim())
        } else {
            C::EventName.is_in(known)
        });
    }
    if let Some(user) = filter.user.as_deref().filter(|u| !u.is_empty()) {
        if user == "root" {
            condition = condition.add(C::UserId.is_null());
        } else {
            // Deleted users' events stay findable by name.
            let found = ram_user::Entity::find()
                .filter(ram_user::Column::AccountId.eq(account_id))
                .filter(ram_user::Column::Name.eq(user))
                .one(&svc.db)
                .await?;
            match found {
                Some(found) => condition = condition.add(C::UserId.eq(found.id)),
                None => return Ok(None),
            }
        }
    }
    if let Some(id) = filter.access_key_id.as_deref().filter(|k| !k.is_empty()) {
        condition = condition.add(
            Condition::any()
                .add(C::AccessKeyId.eq(id))
                .add(C::ReferencedAccessKeyId.eq(id)),
        );
    }
    if let Some(read) = filter.read {
        condition = condition.add(C::EventRw.eq(if read { "Read" } else { "Write" }));
    }
    if let Some(succeeded) = filter.succeeded {
        condition = condition.add(if succeeded {
            C::ErrorCode.is_null()
        } else {
            C::ErrorCode.is_not_null()
        });
    }
    Ok(Some(condition))
}

async fn with_user_names(
    svc: &Services,
    account_id: i64,
    events: Vec<audit_event::Model>,
) -> Result<Vec<AuditRecord>, DomainError> {
    let mut ids: Vec<i64> = events.iter().filter_map(|e| e.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        ram_user::Entity::find()
            .filter(ram_user::Column::AccountId.eq(account_id))
            .filter(ram_user::Column::Id.is_in(ids))
            .all(&svc.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    };
    Ok(events
        .into_iter()
        .map(|event| AuditRecord {
            user_name: event.user_id.and_then(|id| names.get(&id).cloned()),
            event,
        })
        .collect())
}

/// Events read from the database at a time while exporting: an export of any size holds one
/// page in memory.
pub const EXPORT_PAGE: u64 = 1_000;

/// ActionTrail's field names, the CSV's header.
const EXPORT_HEADER: [&str; 15] = [
    "eventTime",
    "eventName",
    "eventType",
    "eventRW",
    "serviceName",
    "userType",
    "userName",
    "accessKeyId",
    "referencedAccessKeyId",
    "sourceIpAddress",
    "userAgent",
    "requestId",
    "errorCode",
    "errorMessage",
    "requestParameters",
];

/// The filtered events as CSV (newest first), with ActionTrail's field names as the header,
/// made page by page: [`CsvExport::next_chunk`] gives the next piece until there is none.
pub struct CsvExport {
    svc: std::sync::Arc<Services>,
    who: Requester,
    filter: EventFilter,
    /// Where the next page starts; `None` once the last page has been written.
    after: Option<Option<i64>>,
}

impl CsvExport {
    pub fn new(svc: std::sync::Arc<Services>, who: Requester, filter: EventFilter) -> Self {
        Self {
            svc,
            who,
            filter,
            after: Some(None),
        }
    }

    /// The next piece of the file (the first has the header); `None` when it is complete. The
    /// caller's permission is checked for every page, so an export stops when it is withdrawn.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, DomainError> {
        let Some(after) = self.after else {
            return Ok(None);
        };
        let page = search(&self.svc, &self.who, &self.filter, after, EXPORT_PAGE).await?;
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let mut write = |row: &[&str]| {
            csv.write_record(row.iter().map(|cell| spreadsheet_safe(cell)))
                .map_err(|e| DomainError::Internal(format!("writing CSV: {e}")))
        };
        if after.is_none() {
            write(&EXPORT_HEADER)?;
        }
        for record in &page.events {
            let e = &record.event;
            write(&[
                &crate::infra::clock::iso8601(&e.event_time),
                &e.event_name,
                &e.event_type,
                &e.event_rw,
                &e.service_name,
                &e.principal_type,
                record.user_name.as_deref().unwrap_or("root"),
                e.access_key_id.as_deref().unwrap_or_default(),
                e.referenced_access_key_id.as_deref().unwrap_or_default(),
                e.source_ip.as_deref().unwrap_or_default(),
                &e.user_agent,
                &e.request_id,
                e.error_code.as_deref().unwrap_or_default(),
                e.error_message.as_deref().unwrap_or_default(),
                &e.request_parameters,
            ])?;
        }
        self.after = page.next.map(Some);
        csv.into_inner()
            .map(Some)
            .map_err(|e| DomainError::Internal(format!("writing CSV: {e}")))
    }
}

/// The whole export in memory, for tests and small trails.
pub async fn export_csv(
    svc: std::sync::Arc<Services>,
    who: Requester,
    filter: &EventFilter,
) -> Result<Vec<u8>, DomainError> {
    let mut export = CsvExport::new(svc, who, filter.clone());
    let mut csv = Vec::new();
    while let Some(chunk) = export.next_chunk().await? {
        csv.extend(chunk);
    }
    Ok(csv)
}

/// A cell a spreadsheet shows as text: one that starts like a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return: a caller chooses its user agent and parameters) gets a leading `'`,
/// as OWASP's advice on CSV injection has it.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, [u8]> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into_bytes().into()
    } else {
        cell.as_bytes().into()
    }
}

/// One address that called with a key: how often and when last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceUse {
    pub ip: String,
    pub calls: i64,
    pub last_seen: DateTime<Utc>,
}

/// "Review historical API calls": the addresses that made API calls with a key since `since`,
/// most recent first. The caller must already have been allowed to see the key.
pub async fn recent_sources(
    svc: &Services,
    account_id: i64,
    access_key_id: &str,
    since: DateTime<Utc>,
) -> Result<Vec<SourceUse>, DomainError> {
    use audit_event::Column as C;
    let rows: Vec<(Option<String>, i64, DateTime<Utc>)> = audit_event::Entity::find()
        .select_only()
        .column(C::SourceIp)
        .column_as(Expr::col(C::Id).count(), "calls")
        .column_as(Expr::col(C::EventTime).max(), "last_seen")
        .filter(C::AccountId.eq(account_id))
        .filter(C::AccessKeyId.eq(access_key_id))
        .filter(C::EventType.eq(EventType::ApiCall.as_str()))
        .filter(C::EventTime.gte(since))
        .group_by(C::SourceIp)
        .order_by(Expr::col(C::EventTime).max(), Order::Desc)
        .limit(20)
        .into_tuple()
        .all(&svc.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(ip, calls, last_seen)| {
            Some(SourceUse {
                ip: ip?,
                calls,
                last_seen,
            })
        })
        .collect())
}
