//! When, through which service and from where each key was last used: coalesced in memory (one
//! entry per key, the latest use wins) and written in batches, never one write per request.
use std::time::Duration;

use dashmap::DashMap;

use crate::domain::access_keys::{self, KeyUse};
use crate::domain::services::Services;

#[derive(Default)]
pub struct LastUsed {
    /// Uses not yet written.
    pending: DashMap<String, KeyUse>,
    /// The latest use this instance has seen of each key, written or not.
    latest: DashMap<String, KeyUse>,
}

impl LastUsed {
    /// How often pending uses are written: well inside the five seconds the console may lag.
    pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

    pub fn record(&self, access_key_id: &str, key_use: KeyUse) {
        Self::keep_latest(&self.latest, access_key_id, &key_use);
        Self::keep_latest(&self.pending, access_key_id, &key_use);
    }

    fn keep_latest(map: &DashMap<String, KeyUse>, access_key_id: &str, key_use: &KeyUse) {
        // The common case, a key already known, needs no new String for the key.
        if let Some(mut known) = map.get_mut(access_key_id) {
            if key_use.at >= known.at {
                *known = key_use.clone();
            }
            return;
        }
        map.entry(access_key_id.to_owned())
            .and_modify(|known| {
                if key_use.at >= known.at {
                    *known = key_use.clone();
                }
            })
            .or_insert_with(|| key_use.clone());
    }

    /// The latest use of the key this instance has seen, written or not.
    pub fn latest(&self, access_key_id: &str) -> Option<KeyUse> {
        self.latest.get(access_key_id).map(|e| e.value().clone())
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
                Self::keep_latest(&self.pending, &id, &key_use);
            }
            return 0;
        }
        count
    }
}
