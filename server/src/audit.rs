//! The audit trail: every console operation and every API call, successful or not, as an event in
//! ActionTrail's shape. Requests only hand events to an in-memory queue; a background writer
//! inserts them in batches, so no request waits for the database. Only AccessKey IDs are kept:
//! parameters whose names suggest a secret are never stored.
use std::collections::HashMap;
use std::fmt::Write;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Order};
use sea_orm::sqlx::{self, Database, Encode, Executor, IntoArguments, Pool, Type};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, RuntimeErr,
};
use tokio::sync::{Mutex, Notify};
use tokio::time::MissedTickBehavior;

use crate::entities::{account, audit_event, ram_user};
use crate::error::DomainError;
use crate::identity::Principal;
use crate::permissions::{self, Grants};
use crate::services::Services;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    ApiCall,
    ConsoleOperation,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiCall => "ApiCall",
            Self::ConsoleOperation => "ConsoleOperation",
        }
    }
}

/// An event as a request hands it over.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub account_id: i64,
    pub at: DateTime<Utc>,
    pub name: String,
    pub event_type: EventType,
    /// `ram`, `ims` or `console`.
    pub service: &'static str,
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    pub user_agent: String,
    pub parameters: Vec<(String, String)>,
    /// `(code, message)` of a failure.
    pub error: Option<(String, String)>,
    pub user_id: Option<i64>,
    pub access_key_id: Option<String>,
    pub referenced_access_key_id: Option<String>,
}

impl NewEvent {
    /// An API call known only by its account, time, name and request: no caller, source,
    /// parameters or failure. Callers fill in what they know with `..`.
    pub fn api_call(
        account_id: i64,
        at: DateTime<Utc>,
        name: &str,
        service: &'static str,
        request_id: String,
    ) -> Self {
        Self {
            account_id,
            at,
            name: name.to_owned(),
            event_type: EventType::ApiCall,
            service,
            request_id,
            source_ip: None,
            user_agent: String::new(),
            parameters: Vec::new(),
            error: None,
            user_id: None,
            access_key_id: None,
            referenced_access_key_id: None,
        }
    }
}

/// `Get…` and `List…` read; everything else writes.
/// Every event name the trail records: the signed API's actions (RAM 2015-05-01 and IMS
/// 2019-08-15) and the console's operations, which carry the API's name where the API does the
/// same thing. The Audit Trail's event filter matches against these.
pub const EVENT_NAMES: &[&str] = &[
    // RAM and IMS actions.
    "CreateUser",
    "GetUser",
    "ListUsers",
    "UpdateUser",
    "DeleteUser",
    "GetSecurityPreference",
    "SetSecurityPreference",
    "CreateAccessKey",
    "ListAccessKeys",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "GetAccessKeyLastUsed",
    "GetAccessKeyPolicy",
    "SetAccessKeyPolicy",
    "GetAccessKeyPolicyForAccount",
    "SetAccessKeyPolicyForAccount",
    "ListAccessKeysInRecycleBin",
    "GetAccessKeyInfoInRecycleBin",
    "RestoreAccessKeyFromRecycleBin",
    "DeleteAccessKeyInRecycleBin",
    "ListUsersInRecycleBin",
    "GetUserInRecycleBin",
    "RestoreUserFromRecycleBin",
    "DeleteUserInRecycleBin",
    "ReportAccessKeyLeak",
    // Console operations with no API action of their own.
    "SetUpAccount",
    "ConsoleSignin",
    "ConsoleSignout",
    "SendVerificationCode",
    "AttachPolicyToUser",
    "DetachPolicyFromUser",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "CreateVirtualMFADevice",
    "BindMFADevice",
    "UnbindMFADevice",
];

/// The event names a person means by `typed`: case does not matter, and a part of a name
/// (`accesskey`) finds every name that contains it. Empty: no known name matches.
pub fn names_matching(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim().to_ascii_lowercase();
    if let Some(exact) = EVENT_NAMES
        .iter()
        .find(|name| name.to_ascii_lowercase() == typed)
    {
        return vec![exact];
    }
    EVENT_NAMES
        .iter()
        .copied()
        .filter(|name| name.to_ascii_lowercase().contains(&typed))
        .collect()
}

pub fn is_read(event_name: &str) -> bool {
    event_name.starts_with("Get") || event_name.starts_with("List")
}

/// Whether a parameter may be kept: never one that could hold a secret, a password or a code.
fn keepable(name: &str) -> bool {
    !["secret", "password", "signature", "token", "code"]
        .iter()
        .any(|word| {
            name.as_bytes()
                .windows(word.len())
                .any(|part| part.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// The parameters that may be kept, as a JSON object, in the order they came.
struct KeptParameters<'a>(&'a [(String, String)]);

impl serde::Serialize for KeptParameters<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .filter(|(name, _)| keepable(name))
                .map(|(name, value)| (name, value)),
        )
    }
}

/// Every column an insert fills, in the order [`row`] gives their values.
const COLUMNS: [&str; 17] = [
    "event_id",
    "account_id",
    "event_time",
    "event_name",
    "event_type",
    "event_rw",
    "service_name",
    "request_id",
    "source_ip",
    "user_agent",
    "request_parameters",
    "error_code",
    "error_message",
    "principal_type",
    "user_id",
    "access_key_id",
    "referenced_access_key_id",
];

/// Binds an event's values in [`COLUMNS`]' order. Only parameters that cannot hold a secret are
/// kept; text is bound by reference where the event already holds it.
fn bind_row<'q, DB>(query: Query<'q, DB>, event: &'q NewEvent) -> Query<'q, DB>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
    Option<i64>: Encode<'q, DB> + Type<DB>,
    DateTime<Utc>: Encode<'q, DB> + Type<DB>,
{
    let parameters =
        serde_json::to_string(&KeptParameters(&event.parameters)).expect("strings serialise");
    // The first 512 characters, cut on a character boundary.
    let agent_end = event
        .user_agent
        .char_indices()
        .nth(512)
        .map_or(event.user_agent.len(), |(at, _)| at);
    let (error_code, error_message) = event
        .error
        .as_ref()
        .map(|(code, message)| (code.as_str(), message.as_str()))
        .unzip();
    query
        .bind(crate::crypto::random_uuid().to_string())
        .bind(event.account_id)
        .bind(event.at)
        .bind(event.name.as_str())
        .bind(event.event_type.as_str())
        .bind(if is_read(&event.name) {
            "Read"
        } else {
            "Write"
        })
        .bind(event.service)
        .bind(event.request_id.as_str())
        .bind(event.source_ip.map(|ip| ip.to_string()))
        .bind(&event.user_agent[..agent_end])
        .bind(parameters)
        .bind(error_code)
        .bind(error_message)
        .bind(if event.user_id.is_some() {
            "ram-user"
        } else {
            "root-account"
        })
        .bind(event.user_id)
        .bind(event.access_key_id.as_deref())
        .bind(event.referenced_access_key_id.as_deref())
}

/// Writes the events all or nothing, in one transaction (one sync to disk, not one per
/// statement), as multi-row `INSERT … VALUES (…), (…), …` statements. Bound through sqlx itself:
/// sea-orm's `insert_many`, and even its `Statement`, copy every value once more and cost more
/// than the database's own work (see BENCHMARKS.md).
pub async fn insert(db: &DatabaseConnection, events: &[NewEvent]) -> Result<(), DbErr> {
    let written = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            insert_with(db.get_sqlite_connection_pool(), events, false).await
        }
        DatabaseBackend::Postgres => {
            insert_with(db.get_postgres_connection_pool(), events, true).await
        }
        DatabaseBackend::MySql => return Err(DbErr::Custom("MySQL is not supported".into())),
    };
    written.map_err(|e| DbErr::Exec(RuntimeErr::SqlxError(e)))
}

/// A statement being built, with its arguments.
type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>;

/// Rows per INSERT at most (a power of two): 17 bound values each stay well inside SQLite's and
/// PostgreSQL's limits.
const INSERT_BATCH: usize = 512;

/// `numbered`: placeholders are `$1, $2, …` (PostgreSQL) rather than `?`.
async fn insert_with<DB>(
    pool: &Pool<DB>,
    events: &[NewEvent],
    numbered: bool,
) -> Result<(), sqlx::Error>
where
    DB: Database,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    let mut transaction = pool.begin().await?;
    let mut rest = events;
    while !rest.is_empty() {
        // Full batches, then the rest in powers of two: a handful of statement shapes, each
        // prepared once and then reused from the connection's statement cache.
        let size = INSERT_BATCH.min(1 << rest.len().ilog2());
        let (batch, tail) = rest.split_at(size);
        let sql = insert_sql(batch.len(), numbered);
        let mut query = sqlx::query::<DB>(&sql);
        for event in batch {
            query = bind_row(query, event);
        }
        query.execute(&mut *transaction).await?;
        rest = tail;
    }
    transaction.commit().await
}

/// `INSERT INTO audit_events (…) VALUES (?, …), …` for `rows` rows; `$1, $2, …` when `numbered`.
fn insert_sql(rows: usize, numbered: bool) -> String {
    let mut sql = format!("INSERT INTO audit_events ({}) VALUES ", COLUMNS.join(", "));
    let mut parameter = 0;
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for j in 0..COLUMNS.len() {
            parameter += 1;
            if j > 0 {
                sql.push_str(", ");
            }
            if numbered {
                write!(sql, "${parameter}").expect("a String");
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// The queue between requests and the writer.
pub struct AuditTrail {
    /// Events recorded and not yet taken by a flush. A plain locked vector: a push is a few
    /// nanoseconds, and a flush takes them all at once by swapping in an empty one.
    queue: std::sync::Mutex<Vec<NewEvent>>,
    /// Wakes the writer early when a batch's worth is waiting.
    batch_waiting: Notify,
    writer: Mutex<Writer>,
}

struct Writer {
    /// Events the database refused, tried again with the next flush.
    retry: Vec<NewEvent>,
}

impl Default for AuditTrail {
    fn default() -> Self {
        Self {
            queue: std::sync::Mutex::new(Vec::new()),
            batch_waiting: Notify::new(),
            writer: Mutex::new(Writer { retry: Vec::new() }),
        }
    }
}

impl AuditTrail {
    /// How often queued events are written at least.
    pub const FLUSH_EVERY: Duration = Duration::from_millis(250);
    /// Queued events that start a write before [`Self::FLUSH_EVERY`] is up: under load, a few
    /// large transactions a second instead of a backlog that grows for the whole interval.
    const WRITE_AT: usize = 2_048;
    /// Rows kept for another try when the database is down, at most.
    const RETRY_LIMIT: usize = 100_000;

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<NewEvent>> {
        // A panic while pushing leaves a vector that is still whole.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues an event; never waits for the database.
    pub fn record(&self, event: NewEvent) {
        let queued = {
            let mut queue = self.queue();
            queue.push(event);
            queue.len()
        };
        if queued == Self::WRITE_AT {
            self.batch_waiting.notify_one();
        }
    }

    /// Writes everything queued so far; returns how many events were written. When it returns,
    /// every event recorded before the call is in the database (or kept for a retry).
    pub async fn flush(&self, db: &DatabaseConnection) -> usize {
        let mut writer = self.writer.lock().await;
        let queued = {
            let mut queue = self.queue();
            // The next batch will likely be as large: room for it, instead of growing again.
            let room = queue.len();
            std::mem::replace(&mut *queue, Vec::with_capacity(room))
        };
        let mut events = std::mem::take(&mut writer.retry);
        if events.is_empty() {
            events = queued;
        } else {
            events.extend(queued);
        }
        if events.is_empty() {
            return 0;
        }
        match insert(db, &events).await {
            Ok(()) => events.len(),
            Err(error) => {
                let count = events.len();
                tracing::warn!("writing {count} audit events failed, will retry: {error}");
                let over = count.saturating_sub(Self::RETRY_LIMIT);
                if over > 0 {
                    tracing::error!(
                        "dropping the {over} oldest audit events: the database keeps refusing them"
                    );
                    events.drain(..over);
                }
                writer.retry = events;
                0
            }
        }
    }

    pub fn spawn_writer(svc: Arc<Services>) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Self::FLUSH_EVERY);
            every.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = svc.audit.batch_waiting.notified() => {}
                }
                svc.audit.flush(&svc.db).await;
            }
        });
    }
}

/// How long events are kept: ActionTrail's event history covers the last 90 days too.
pub const RETENTION_DAYS: i64 = 90;
/// Events deleted per statement, so a purge never holds the database for long.
const PURGE_BATCH: u64 = 5_000;

/// Deletes the events older than [`RETENTION_DAYS`]; returns how many. The hourly job runs it.
pub async fn purge_expired(svc: &Services) -> Result<u64, DomainError> {
    use audit_event::Column as C;
    let cutoff = svc.clock.now() - chrono::Duration::days(RETENTION_DAYS);
    let accounts: Vec<i64> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .into_tuple()
        .all(&svc.db)
        .await?;
    let mut purged = 0;
    for account_id in accounts {
        loop {
            // Account by account, through the (account, time) index: never a scan of the trail.
            let expired: Vec<i64> = audit_event::Entity::find()
                .select_only()
                .column(C::Id)
                .filter(C::AccountId.eq(account_id))
                .filter(C::EventTime.lt(cutoff))
                .limit(PURGE_BATCH)
                .into_tuple()
                .all(&svc.db)
                .await?;
            if expired.is_empty() {
                break;
            }
            purged += audit_event::Entity::delete_many()
                .filter(C::Id.is_in(expired))
                .exec(&svc.db)
                .await?
                .rows_affected;
        }
    }
    Ok(purged)
}

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

/// Who may read the trail: the owner and RAM administrators (full or read-only).
async fn require_viewer(svc: &Services, principal: Principal) -> Result<(), DomainError> {
    let grants = permissions::grants(svc, principal).await?;
    Grants::require(
        grants.view_users,
        "You do not have permission to view the audit trail.",
    )
}

/// Events of the caller's account, newest first, `limit` at a time after the event `after`.
pub async fn search(
    svc: &Services,
    principal: Principal,
    filter: &EventFilter,
    after: Option<i64>,
    limit: u64,
) -> Result<EventPage, DomainError> {
    require_viewer(svc, principal).await?;
    let account_id = principal.account_id();
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

/// The most events one CSV export holds.
pub const EXPORT_LIMIT: u64 = 100_000;

/// The filtered events as CSV (newest first), with ActionTrail's field names as the header.
pub async fn export_csv(
    svc: &Services,
    principal: Principal,
    filter: &EventFilter,
) -> Result<Vec<u8>, DomainError> {
    let page = search(svc, principal, filter, None, EXPORT_LIMIT).await?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    let write = |csv: &mut csv::Writer<Vec<u8>>, row: &[&str]| {
        csv.write_record(row)
            .map_err(|e| DomainError::Internal(format!("writing CSV: {e}")))
    };
    write(
        &mut csv,
        &[
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
        ],
    )?;
    for record in &page.events {
        let e = &record.event;
        write(
            &mut csv,
            &[
                &crate::clock::iso8601(&e.event_time),
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
            ],
        )?;
    }
    csv.into_inner()
        .map_err(|e| DomainError::Internal(format!("writing CSV: {e}")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_could_be_a_secret_is_kept() {
        for name in [
            "AccessKeySecret",
            "secret",
            "password",
            "console_password",
            "verification_code",
            "Signature",
            "SecurityToken",
        ] {
            assert!(!keepable(name), "{name}");
        }
        for name in [
            "UserAccessKeyId",
            "UserName",
            "Status",
            "access_key_id",
            "AccessKeyPolicy",
        ] {
            assert!(keepable(name), "{name}");
        }
        assert!(is_read("GetAccessKeyLastUsed") && is_read("ListUsers"));
        assert!(!is_read("CreateAccessKey") && !is_read("SetAccessKeyPolicy"));
    }

    #[test]
    fn event_names_match_whatever_their_case_and_by_part() {
        assert_eq!(names_matching("createaccesskey"), ["CreateAccessKey"]);
        assert_eq!(names_matching(" CreateUser "), ["CreateUser"]);
        let keys = names_matching("AccessKeyPolicy");
        assert!(
            keys.contains(&"SetAccessKeyPolicy") && keys.contains(&"GetAccessKeyPolicyForAccount")
        );
        assert!(!keys.contains(&"CreateAccessKey"));
        assert!(names_matching("LaunchRockets").is_empty());
    }

    /// Under load the writer must not wait for its interval: a full batch wakes it at once.
    #[tokio::test]
    async fn a_full_batch_wakes_the_writer_before_its_interval() {
        let trail = AuditTrail::default();
        let event = NewEvent::api_call(1, Utc::now(), "ListUsers", "ram", "REQ".to_owned());
        async fn woken(trail: &AuditTrail) -> bool {
            let wake = trail.batch_waiting.notified();
            tokio::time::timeout(Duration::ZERO, wake).await.is_ok()
        }
        for _ in 1..AuditTrail::WRITE_AT {
            trail.record(event.clone());
        }
        assert!(!woken(&trail).await, "one short of a batch");
        trail.record(event);
        assert!(woken(&trail).await, "a full batch");
        assert!(!woken(&trail).await, "woken once per batch");
    }
}
