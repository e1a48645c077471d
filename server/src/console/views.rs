//! How the console shows the domain's values: times, statuses, audit rows, page sizes, and the
//! Audit Trail's filters read from its URL.
use app::error::ConsoleError;
use app::model::*;

use crate::domain::audit::{AuditRecord, EventFilter};
use crate::infra::entities::access_key::{self, Status};

/// How many events one page of the Audit Trail shows.
pub const AUDIT_EVENTS_PER_PAGE: u64 = 50;

/// The Audit Trail page's filters (from its URL) as the domain's; a bad time names its field.
pub fn event_filter(filter: &AuditFilter) -> Result<EventFilter, ConsoleError> {
    let time = |field: &str,
                text: &str|
     -> Result<Option<chrono::DateTime<chrono::Utc>>, ConsoleError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
            .map(|t| Some(t.and_utc()))
            .map_err(|_| ConsoleError::invalid(field, "Enter a time as YYYY-MM-DDTHH:MM (UTC)."))
    };
    // The page offers only these values; another (a hand-edited URL) is refused, not ignored.
    let choice = |field: &str, value: &str, yes: &str, no: &str| match value {
        "" => Ok(None),
        v if v == yes => Ok(Some(true)),
        v if v == no => Ok(Some(false)),
        _ => Err(ConsoleError::invalid(
            field,
            format!("Choose {yes}, {no} or All (empty)."),
        )),
    };
    let text = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(EventFilter {
        from: time("from", &filter.from)?,
        // "To 10:05" includes the whole minute.
        to: time("to", &filter.to)?.map(|t| t + chrono::Duration::seconds(59)),
        event_name: text(&filter.event_name),
        user: text(&filter.user),
        access_key_id: text(&filter.access_key_id),
        read: choice("rw", &filter.rw, "Read", "Write")?,
        succeeded: choice("result", &filter.result, "Success", "Failure")?,
    })
}

pub(super) fn audit_row(record: AuditRecord) -> AuditEventRow {
    let e = record.event;
    AuditEventRow {
        time: format_time(&e.event_time),
        event_name: e.event_name,
        event_type: e.event_type,
        rw: e.event_rw,
        user: record.user_name.unwrap_or_else(|| "root".to_owned()),
        access_key_id: e.access_key_id,
        referenced_access_key_id: e.referenced_access_key_id,
        source_ip: e.source_ip,
        error_code: e.error_code,
        error_message: e.error_message,
        request_parameters: e.request_parameters,
    }
}

/// How many users one page of the Users table shows: Alibaba's console tables' default, and it
/// keeps a full page's render within 1.5× of an empty one's (BENCHMARKS.md).
pub const USERS_PER_PAGE: u64 = 20;

/// How the console shows a time: UTC, to the second.
pub(super) fn format_time(time: &chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub(super) fn status_of(status: access_key::Status) -> AccessKeyStatus {
    match status {
        Status::Active => AccessKeyStatus::Active,
        Status::Inactive => AccessKeyStatus::Inactive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(rw: &str, result: &str) -> Result<EventFilter, ConsoleError> {
        event_filter(&AuditFilter {
            rw: rw.into(),
            result: result.into(),
            ..Default::default()
        })
    }

    #[test]
    fn the_audit_filters_take_what_the_page_offers_and_name_anything_else() {
        let chosen = filter("Write", "Failure").unwrap();
        assert_eq!((chosen.read, chosen.succeeded), (Some(false), Some(false)));
        let all = filter("", "").unwrap();
        assert_eq!((all.read, all.succeeded), (None, None));
        for (rw, result, field) in [("write", "", "rw"), ("", "Failed", "result")] {
            match filter(rw, result) {
                Err(ConsoleError::Invalid { field: named, .. }) => assert_eq!(named, field),
                other => panic!("{rw:?}/{result:?} should be refused, got {other:?}"),
            }
        }
    }
}
