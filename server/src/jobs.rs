//! Background work that keeps the data honest while the server runs.
use std::sync::Arc;
use std::time::Duration;

use crate::services::Services;
use crate::{access_keys, audit, ram_users};

/// Purges recycled AccessKeys and RAM users whose 30 days are over, and audit events older than
/// 90 days: once at start, then every hour.
pub fn spawn_purges(svc: Arc<Services>) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match access_keys::purge_due(&svc).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!("purged {purged} AccessKeys from the recycle bin"),
                Err(e) => tracing::warn!("purging recycled AccessKeys failed: {e}"),
            }
            match ram_users::purge_due(&svc).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!("purged {purged} RAM users from the recycle bin"),
                Err(e) => tracing::warn!("purging recycled RAM users failed: {e}"),
            }
            match audit::purge_expired(&svc).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(
                    "removed {purged} audit events older than {} days",
                    audit::RETENTION_DAYS
                ),
                Err(e) => tracing::warn!("removing old audit events failed: {e}"),
            }
        }
    });
}
