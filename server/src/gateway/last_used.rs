//! When, through which service and from where each key was last used: coalesced in memory (one
//! entry per key, the latest use wins) and written in batches, never one write per request.
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;

use crate::access_keys::{self, KeyUse};
use crate::services::Services;

#[derive(Default)]
pub struct LastUsed {
    pending: DashMap<String, KeyUse>,
}

impl LastUsed {
    /// How often pending uses are written: well inside the five seconds the console may lag.
    pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

    pub fn record(&self, access_key_id: &str, key_use: KeyUse) {
        self.pending
            .entry(access_key_id.to_owned())
            .and_modify(|pending| {
                if key_use.at >= pending.at {
                    *pending = key_use.clone();
                }
            })
            .or_insert(key_use);
    }

    /// A use recorded here but not yet written.
    pub fn pending(&self, access_key_id: &str) -> Option<KeyUse> {
        self.pending.get(access_key_id).map(|e| e.value().clone())
    }

    /// Writes what is pending, in one transaction; returns how many keys were updated.
    pub async fn flush(&self, svc: &Services) -> usize {
        let ids: Vec<String> = self.pending.iter().map(|e| e.key().clone()).collect();
        let batch: Vec<(String, KeyUse)> = ids
            .into_iter()
            .filter_map(|id| self.pending.remove(&id))
            .collect();
        if batch.is_empty() {
            return 0;
        }
        let count = batch.len();
        if let Err(error) = access_keys::record_uses(svc, &batch).await {
            // Put them back (unless newer uses came in meanwhile) and try again next time.
            tracing::warn!("recording {count} key uses failed: {error}");
            for (id, key_use) in batch {
                self.record(&id, key_use);
            }
            return 0;
        }
        count
    }

    pub fn spawn_flusher(self: &Arc<Self>, svc: Arc<Services>) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Self::FLUSH_EVERY);
            loop {
                every.tick().await;
                this.flush(&svc).await;
            }
        });
    }
}
