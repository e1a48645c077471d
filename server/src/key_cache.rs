//! Signing material by AccessKey ID, so a signed call costs neither a database read nor a
//! decryption. Every change to a key on this instance drops its entry at once; entries also
//! expire after [`KeyCache::TTL`], which bounds how long another instance sharing the database
//! can go on trusting a key that was disabled or deleted here.
use std::sync::Arc;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use zeroize::Zeroizing;

use crate::gateway::signature::SignatureKey;
use crate::network_policy::{NetworkPolicy, PolicyLevel};

/// What verifying a signature and authorising a call need to know about a key.
pub struct SigningKey {
    pub access_key_id: String,
    pub account_id: i64,
    /// `None`: the account owner's own key.
    pub user_id: Option<i64>,
    pub active: bool,
    /// Flagged as leaked: refused whatever else holds.
    pub leaked: bool,
    /// The network access policy its calls are held to (its own or the account's), if any.
    pub network_policy: Option<(PolicyLevel, NetworkPolicy)>,
    pub secret: Zeroizing<String>,
    /// The secret ready to check signatures with.
    pub signature_key: SignatureKey,
}

/// `None` remembers that an ID is unknown (or recycled), so a flood of bad IDs stays off the
/// database too.
type Entry = (Instant, Option<Arc<SigningKey>>);

/// Sharded, so concurrent calls with different keys never wait on one lock.
#[derive(Default)]
pub struct KeyCache {
    entries: DashMap<String, Entry>,
}

impl KeyCache {
    pub const TTL: Duration = Duration::from_secs(1);
    /// More entries than this and the cache starts over rather than grow without bound.
    const CAPACITY: usize = 100_000;

    /// The cached answer for `id`, if it is fresh: `Some(None)` means "no such key".
    pub fn get(&self, id: &str) -> Option<Option<Arc<SigningKey>>> {
        self.entries
            .get(id)
            .filter(|entry| entry.0.elapsed() < Self::TTL)
            .map(|entry| entry.1.clone())
    }

    pub fn put(&self, id: &str, key: Option<Arc<SigningKey>>) {
        if self.entries.len() >= Self::CAPACITY {
            self.entries.clear();
        }
        self.entries.insert(id.to_owned(), (Instant::now(), key));
    }

    pub fn invalidate(&self, id: &str) {
        self.entries.remove(id);
    }

    /// For changes that touch many keys at once (a user deleted or restored with its keys).
    pub fn invalidate_all(&self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(active: bool) -> Option<Arc<SigningKey>> {
        Some(Arc::new(SigningKey {
            access_key_id: "LTAI00000000000000000001".into(),
            account_id: 1,
            user_id: None,
            active,
            leaked: false,
            network_policy: None,
            secret: Zeroizing::new("s".into()),
            signature_key: SignatureKey::new("s"),
        }))
    }

    #[test]
    fn entries_are_served_until_invalidated_or_stale() {
        let cache = KeyCache::default();
        let id = "LTAI00000000000000000001";
        assert!(cache.get(id).is_none());
        cache.put(id, key(true));
        assert!(cache.get(id).unwrap().unwrap().active);
        cache.invalidate(id);
        assert!(cache.get(id).is_none(), "a change drops the entry at once");
        cache.put(id, None);
        assert!(
            matches!(cache.get(id), Some(None)),
            "unknown IDs are remembered"
        );
        cache.invalidate_all();
        assert!(cache.get(id).is_none());
        cache.put(id, key(true));
        std::thread::sleep(KeyCache::TTL + Duration::from_millis(20));
        assert!(cache.get(id).is_none(), "stale after the TTL");
    }
}
