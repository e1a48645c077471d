//! The audit trail: every console operation and every API call, successful or not, as an event in
//! ActionTrail's shape. Requests only hand events to an in-memory queue; a background writer
//! inserts them in batches, so no request waits for the database. Only AccessKey IDs are kept:
//! parameters whose names suggest a secret are never stored.
//!
//! [`event`] says what an event is and which of its parameters may be kept, [`writer`] queues
//! and writes events, [`query`] searches and exports them for the Audit Trail page. Retention
//! ([`RETENTION_DAYS`]) is enforced by the hourly job (`crate::jobs`).
pub mod event;
pub mod query;
pub mod writer;

pub use event::{
    known_event_name, names_matching, Access, EventType, NewEvent, UnverifiedCall, EVENT_NAMES,
    RETENTION_DAYS, UNVERIFIED_EVENTS_BURST, UNVERIFIED_EVENTS_PER_MINUTE,
};
pub use query::{
    export_csv, recent_sources, search, AuditRecord, CsvExport, EventFilter, EventPage, SourceUse,
    EXPORT_PAGE,
};
pub use writer::{insert, AuditTrail};
