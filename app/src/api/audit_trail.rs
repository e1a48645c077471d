//! The audit trail. (Its CSV export is a plain download route of the server, not a server function.)
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{AuditEventPage, AuditFilter};

#[server(endpoint = "list_audit_events")]
pub async fn list_audit_events(
    filter: AuditFilter,
    after: Option<i64>,
) -> Result<AuditEventPage, ConsoleError> {
    answer(
        |backend, session| async move { backend.list_audit_events(&session, filter, after).await },
    )
    .await
}
