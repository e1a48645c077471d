//! From requests to the database: an in-memory queue that no request waits on, written in
//! batches by the background writer (`crate::jobs`).
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sqlx::{self, Database, Encode, Executor, IntoArguments, Pool, Type};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, RuntimeErr};
use tokio::sync::{Mutex, Notify};

use super::event::{KeptParameters, NewEvent};

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

/// The values of an event's row that are not simply its fields.
struct Derived<'e> {
    parameters: String,
    error_code: Option<&'e str>,
    error_message: Option<&'e str>,
    principal_type: &'static str,
}

/// Only parameters that cannot hold a secret are kept.
fn derived(event: &NewEvent) -> Derived<'_> {
    let (error_code, error_message) = event
        .error
        .as_ref()
        .map(|(code, message)| (code.as_str(), message.as_str()))
        .unzip();
    Derived {
        parameters: serde_json::to_string(&KeptParameters(&event.parameters))
            .expect("strings serialise"),
        error_code,
        error_message,
        principal_type: if event.user_id.is_some() {
            "ram-user"
        } else {
            "root-account"
        },
    }
}

/// Binds an event's values in [`COLUMNS`]' order; text is bound by reference where the event
/// already holds it (fitted to its column by [`AuditTrail::record`]).
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
    let row = derived(event);
    query
        .bind(crate::infra::crypto::random_uuid().to_string())
        .bind(event.account_id)
        .bind(event.at)
        .bind(event.name.as_str())
        .bind(event.event_type.as_str())
        .bind(event.access.as_str())
        .bind(event.service)
        .bind(event.request_id.as_str())
        .bind(event.source_ip.map(|ip| ip.to_string()))
        .bind(event.user_agent.as_str())
        .bind(row.parameters)
        .bind(row.error_code)
        .bind(row.error_message)
        .bind(row.principal_type)
        .bind(event.user_id)
        .bind(event.access_key_id.as_deref())
        .bind(event.referenced_access_key_id.as_deref())
}

/// Writes one event (already fitted) on `db`: a change's transaction, so that the change and
/// its event commit together ([`crate::domain::change`]).
pub async fn insert_one(db: &impl ConnectionTrait, event: &NewEvent) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let row = derived(event);
    let values: Vec<sea_orm::Value> = vec![
        crate::infra::crypto::random_uuid().to_string().into(),
        event.account_id.into(),
        event.at.into(),
        event.name.as_str().into(),
        event.event_type.as_str().into(),
        event.access.as_str().into(),
        event.service.into(),
        event.request_id.as_str().into(),
        event.source_ip.map(|ip| ip.to_string()).into(),
        event.user_agent.as_str().into(),
        row.parameters.into(),
        row.error_code.map(str::to_owned).into(),
        row.error_message.map(str::to_owned).into(),
        row.principal_type.into(),
        event.user_id.into(),
        event.access_key_id.clone().into(),
        event.referenced_access_key_id.clone().into(),
    ];
    let sql = insert_sql(1, backend == DatabaseBackend::Postgres);
    db.execute(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?;
    Ok(())
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

/// Whether the database refused a write because of the values in it, so that the same rows
/// would be refused again, rather than because of its own state. PostgreSQL's SQLSTATE classes
/// 22 (data exception) and 23 (integrity constraint); SQLite's TOOBIG, CONSTRAINT (which a
/// trigger's `RAISE(ABORT)` gives too) and MISMATCH.
fn refused_for_its_content(backend: DatabaseBackend, error: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(sqlx::Error::Database(error)))
    | DbErr::Query(RuntimeErr::SqlxError(sqlx::Error::Database(error)))) = error
    else {
        return false;
    };
    let Some(code) = error.code() else {
        return false;
    };
    match backend {
        DatabaseBackend::Postgres => code.starts_with("22") || code.starts_with("23"),
        // The extended result code, whose low byte is the primary one.
        _ => code
            .parse::<u32>()
            .is_ok_and(|extended| matches!(extended & 0xff, 18..=20)),
    }
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
    /// Events the database refused and kept for another try: part of the backlog.
    retrying: AtomicUsize,
    pub counts: AuditCounts,
}

/// What became of events, for `/metrics` and the logs.
#[derive(Default)]
pub struct AuditCounts {
    pub written: AtomicU64,
    /// Failed calls' events not queued because the backlog was full.
    pub dropped: AtomicU64,
    /// Events the database refused on their own (after every field was fitted to its column),
    /// logged and set aside so the rest of their batch is written.
    pub dead_lettered: AtomicU64,
}

struct Writer {
    /// Events the database refused while it was failing, tried again with the next flush.
    retry: Vec<NewEvent>,
}

impl Default for AuditTrail {
    fn default() -> Self {
        Self {
            queue: std::sync::Mutex::new(Vec::new()),
            batch_waiting: Notify::new(),
            writer: Mutex::new(Writer { retry: Vec::new() }),
            retrying: AtomicUsize::new(0),
            counts: AuditCounts::default(),
        }
    }
}

impl AuditTrail {
    /// How often queued events are written at least.
    pub const FLUSH_EVERY: Duration = Duration::from_millis(250);
    /// Queued events that start a write before [`Self::FLUSH_EVERY`] is up: under load, a few
    /// large transactions a second instead of a backlog that grows for the whole interval.
    const WRITE_AT: usize = 2_048;
    /// Events waiting (queued or kept for a retry) beyond which no new operation is admitted
    /// ([`Self::has_room`]) and failed calls' events are dropped and counted: about 50 MB.
    pub const BACKLOG_LIMIT: usize = 100_000;

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<NewEvent>> {
        // A panic while pushing leaves a vector that is still whole.
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Events waiting to be written.
    pub fn backlog(&self) -> usize {
        self.queue().len() + self.retrying.load(Ordering::Relaxed)
    }

    /// Whether an operation may go ahead: its event will find room. When the writer falls behind
    /// (or the database is down) the API refuses new calls instead of acting without a record.
    pub fn has_room(&self) -> bool {
        self.backlog() < Self::BACKLOG_LIMIT
    }

    /// Queues an event, fitted to its columns; never waits for the database. An admitted
    /// operation's event is always queued; a failed call's is dropped (and counted) once the
    /// backlog is full, so a flood of bad calls cannot grow memory.
    pub fn record(&self, event: NewEvent) {
        let failed = event.error.is_some();
        let event = event.fitted();
        let retrying = self.retrying.load(Ordering::Relaxed);
        let queued = {
            let mut queue = self.queue();
            if failed && queue.len() + retrying >= Self::BACKLOG_LIMIT {
                drop(queue);
                self.counts.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            queue.push(event);
            queue.len()
        };
        if queued == Self::WRITE_AT {
            self.batch_waiting.notify_one();
        }
    }

    /// Writes everything queued so far; returns how many events were written. When it returns,
    /// every event recorded before the call is in the database (or kept for a retry, or set
    /// aside as refused).
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
        let written = self.write_splitting(db, events, &mut writer.retry).await;
        self.retrying.store(writer.retry.len(), Ordering::Relaxed);
        self.counts
            .written
            .fetch_add(written as u64, Ordering::Relaxed);
        written
    }

    /// Writes `events`; a batch the database refuses for what it holds is halved until the event
    /// it refuses is found, which is set aside, so one bad event never keeps the others out.
    /// When the database fails for any other reason (down, a missing table, a full disk), what
    /// is left is kept in `retry`: no event is given up because the database was unwell.
    async fn write_splitting(
        &self,
        db: &DatabaseConnection,
        events: Vec<NewEvent>,
        retry: &mut Vec<NewEvent>,
    ) -> usize {
        let mut written = 0;
        let mut pending = vec![events];
        while let Some(mut batch) = pending.pop() {
            let Err(error) = insert(db, &batch).await else {
                written += batch.len();
                continue;
            };
            if !refused_for_its_content(db.get_database_backend(), &error) {
                let kept = batch.len() + pending.iter().map(Vec::len).sum::<usize>();
                tracing::warn!("writing {kept} audit events failed, will retry: {error}");
                retry.append(&mut batch);
                retry.extend(pending.into_iter().flatten());
                break;
            }
            if batch.len() == 1 {
                let event = &batch[0];
                self.counts.dead_lettered.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    "the database refused an audit event ({} {}, request {}); the rest are written: {error}",
                    event.event_type.as_str(),
                    event.name,
                    event.request_id,
                );
                continue;
            }
            let second = batch.split_off(batch.len() / 2);
            pending.push(second);
            pending.push(batch);
        }
        written
    }

    /// Resolves when a batch's worth of events is waiting (the writer then starts at once).
    pub async fn batch_waiting(&self) {
        self.batch_waiting.notified().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::Access;

    #[tokio::test]
    async fn a_full_batch_wakes_the_writer_before_its_interval() {
        let trail = AuditTrail::default();
        let event = NewEvent::api_call(
            1,
            Utc::now(),
            "ListUsers",
            Access::Read,
            "ram",
            "REQ".to_owned(),
        );
        async fn woken(trail: &AuditTrail) -> bool {
            tokio::time::timeout(Duration::ZERO, trail.batch_waiting())
                .await
                .is_ok()
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
