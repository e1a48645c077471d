//! Short-lived caches of what every signed call needs (a key's signing material, a RAM user's
//! permissions), so a call reads nothing from the database. The domain drops an entry when it
//! changes what the entry describes; every entry also expires after [`TTL`], which bounds how
//! long another instance sharing the database can go on trusting something changed there.
use std::borrow::Borrow;
use std::hash::Hash;
use std::time::{Duration, Instant};

use dashmap::DashMap;

/// How long an entry is served without asking the database again.
pub const TTL: Duration = Duration::from_secs(1);

/// Sharded, so concurrent calls never wait on one lock.
pub struct TtlCache<K, V> {
    entries: DashMap<K, (Instant, V)>,
}

impl<K: Eq + Hash, V> Default for TtlCache<K, V> {
    fn default() -> Self {
        Self {
            entries: DashMap::new(),
        }
    }
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// More entries than this and the cache starts over rather than grow without bound.
    const CAPACITY: usize = 100_000;

    /// The cached value, if it is fresh.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get(key)
            .filter(|entry| entry.0.elapsed() < TTL)
            .map(|entry| entry.1.clone())
    }

    pub fn put(&self, key: K, value: V) {
        if self.entries.len() >= Self::CAPACITY {
            self.entries.clear();
        }
        self.entries.insert(key, (Instant::now(), value));
    }

    pub fn invalidate<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.remove(key);
    }

    /// For changes that touch many entries at once (a user deleted with its keys, an
    /// account-wide setting).
    pub fn invalidate_all(&self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_served_until_invalidated_or_stale() {
        let cache = TtlCache::<String, Option<u32>>::default();
        let id = "LTAI00000000000000000001";
        assert!(cache.get(id).is_none());
        cache.put(id.to_owned(), Some(1));
        assert_eq!(cache.get(id), Some(Some(1)));
        cache.invalidate(id);
        assert!(cache.get(id).is_none(), "a change drops the entry at once");
        cache.put(id.to_owned(), None);
        assert_eq!(cache.get(id), Some(None), "absence is remembered too");
        cache.invalidate_all();
        assert!(cache.get(id).is_none());
        cache.put(id.to_owned(), Some(2));
        std::thread::sleep(TTL + Duration::from_millis(20));
        assert!(cache.get(id).is_none(), "stale after the TTL");
    }
}
