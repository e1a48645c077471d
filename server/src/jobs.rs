//! Every background loop of a running server, started in one place ([`Jobs::start`]) and stopped
//! in one place ([`Jobs::stop`]): the audit trail's writer, the hourly purges (recycle bin, old
//! audit events), the gateway's last-used writes and nonce expiry, and the console's expired
//! sessions.
use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use crate::console::ConsoleSessionStore;
use crate::domain::audit::{self, AuditTrail};
use crate::domain::error::DomainError;
use crate::domain::recycle_bin;
use crate::domain::services::Services;
use crate::gateway::{shared_nonces, Gateway};
use crate::infra::entities::{account, audit_event};

/// The running loops, and what must be written once more when they stop.
pub struct Jobs {
    tasks: JoinSet<()>,
    svc: Arc<Services>,
    gateway: Option<Arc<Gateway>>,
}

impl Jobs {
    /// Starts the loops the domain needs; `gateway` and `sessions` add the front doors' own.
    pub fn start(
        svc: Arc<Services>,
        gateway: Option<Arc<Gateway>>,
        sessions: Option<ConsoleSessionStore>,
    ) -> Self {
        let mut tasks = JoinSet::new();
        tasks.spawn(write_audit_events(svc.clone()));
        tasks.spawn(purge_hourly(svc.clone()));
        if let Some(gateway) = &gateway {
            tasks.spawn(write_key_uses(gateway.clone()));
            tasks.spawn(forget_expired_nonces(gateway.clone()));
        }
        if let Some(sessions) = sessions {
            tasks.spawn(remove_expired_sessions(sessions));
        }
        Self {
            tasks,
            svc,
            gateway,
        }
    }

    /// Stops every loop, then writes what they still held: key uses and audit events recorded
    /// up to now would be lost otherwise.
    pub async fn stop(mut self) {
        self.tasks.shutdown().await;
        if let Some(gateway) = &self.gateway {
            gateway.last_used.flush(&self.svc).await;
        }
        self.svc.audit.flush(&self.svc.db).await;
    }
}

/// Events go from the queue to the database every [`AuditTrail::FLUSH_EVERY`], or as soon as a
/// batch's worth is waiting.
async fn write_audit_events(svc: Arc<Services>) {
    let mut every = tokio::time::interval(AuditTrail::FLUSH_EVERY);
    every.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = svc.audit.batch_waiting() => {}
        }
        svc.audit.flush(&svc.db).await;
    }
}

/// Purges recycled AccessKeys and RAM users whose 30 days are over, and audit events older than
/// [`audit::RETENTION_DAYS`]: once at start, then every hour.
async fn purge_hourly(svc: Arc<Services>) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        match recycle_bin::purge_due_keys(&svc).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!("purged {purged} AccessKeys from the recycle bin"),
            Err(e) => tracing::warn!("purging recycled AccessKeys failed: {e}"),
        }
        match recycle_bin::purge_due_users(&svc).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!("purged {purged} RAM users from the recycle bin"),
            Err(e) => tracing::warn!("purging recycled RAM users failed: {e}"),
        }
        match purge_expired_audit_events(&svc).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(
                "removed {purged} audit events older than {} days",
                audit::RETENTION_DAYS
            ),
            Err(e) => tracing::warn!("removing old audit events failed: {e}"),
        }
    }
}

/// Events deleted per statement, so a purge never holds the database for long.
const PURGE_BATCH: u64 = 5_000;

/// Deletes the events older than [`audit::RETENTION_DAYS`]; returns how many. The hourly purge runs it.
pub async fn purge_expired_audit_events(svc: &Services) -> Result<u64, DomainError> {
    use audit_event::Column as C;
    let cutoff = svc.clock.now() - chrono::Duration::days(audit::RETENTION_DAYS);
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

/// Keys' last uses, batched by the gateway, written every few seconds.
async fn write_key_uses(gateway: Arc<Gateway>) {
    let mut every = tokio::time::interval(crate::gateway::last_used::LastUsed::FLUSH_EVERY);
    loop {
        every.tick().await;
        gateway.last_used.flush(&gateway.svc).await;
    }
}

/// Nonces older than the timestamp window can no longer be replayed: forgotten every minute,
/// in memory and in the table instances share.
async fn forget_expired_nonces(gateway: Arc<Gateway>) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        gateway.nonces.forget_expired(gateway.svc.clock.now());
        if let Err(e) = shared_nonces::forget_expired_shared(&gateway.svc).await {
            tracing::warn!("removing expired nonces failed: {e}");
        }
    }
}

/// Expired console sessions, removed every hour.
async fn remove_expired_sessions(sessions: ConsoleSessionStore) {
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(e) = sessions.delete_expired().await {
            tracing::warn!("removing expired sessions failed: {e}");
        }
    }
}
