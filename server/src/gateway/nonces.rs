//! Replay protection: a signature nonce is accepted once per AccessKey within the timestamp
//! window. A request older than the window fails its timestamp check anyway, so a nonce need not
//! be remembered longer than that: memory stays bounded by the request rate.
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::domain::error::DomainError;
use crate::domain::services::Services;
use crate::infra::entities::used_nonce;

pub struct NonceStore {
    /// [`Self::entry_key`] of `(AccessKey ID, nonce)` → when it was first seen.
    seen: DashMap<u128, Instant, BuildHasherDefault<RandomBits>>,
    /// Mixed into every entry key, so nobody outside can choose nonces whose keys collide.
    salt: [u8; 16],
    /// How many entries `seen` holds: `DashMap::len` locks every shard, on every call.
    live: AtomicUsize,
    window: Duration,
    capacity: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nonce {
    Fresh,
    Used,
    /// More live nonces than the store may hold: the caller is flooding; refuse rather than forget.
    Full,
}

impl NonceStore {
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self {
            seen: DashMap::default(),
            salt: rand::random(),
            live: AtomicUsize::new(0),
            window,
            capacity,
        }
    }

    /// Records the nonce; says whether it had been seen within the window.
    pub fn check(&self, access_key_id: &str, nonce: &str) -> Nonce {
        if self.live.load(Ordering::Relaxed) >= self.capacity {
            self.forget_expired();
            if self.live.load(Ordering::Relaxed) >= self.capacity {
                return Nonce::Full;
            }
        }
        let now = Instant::now();
        let mut fresh = false;
        self.seen
            .entry(self.entry_key(access_key_id, nonce))
            .and_modify(|first_seen| {
                if now.duration_since(*first_seen) >= self.window {
                    *first_seen = now;
                    fresh = true;
                }
            })
            .or_insert_with(|| {
                fresh = true;
                self.live.fetch_add(1, Ordering::Relaxed);
                now
            });
        if fresh {
            Nonce::Fresh
        } else {
            Nonce::Used
        }
    }

    /// A fixed-size key for `(AccessKey ID, nonce)`: no allocation per call, and cheap to move
    /// when the map grows. 128 bits of salted SHA-256 make a collision (a fresh nonce taken for a
    /// used one) practically impossible, even for a caller choosing nonces on purpose.
    fn entry_key(&self, access_key_id: &str, nonce: &str) -> u128 {
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(access_key_id)
            .chain_update([0])
            .chain_update(nonce)
            .finalize();
        u128::from_le_bytes(digest[..16].try_into().expect("SHA-256 is 32 bytes"))
    }

    /// Drops what has aged out of the window; also run now and then in the background.
    pub fn forget_expired(&self) {
        let window = self.window;
        let mut removed = 0;
        self.seen.retain(|_, first_seen| {
            let keep = first_seen.elapsed() < window;
            removed += usize::from(!keep);
            keep
        });
        self.live.fetch_sub(removed, Ordering::Relaxed);
    }
}

/// The map's hash of an entry key: its own bits, already uniformly random (salted SHA-256), so
/// hashing them again would only cost time.
#[derive(Default)]
struct RandomBits(u64);

impl Hasher for RandomBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u128` keys come here (below); stay correct for anything else all the same.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }

    fn write_u128(&mut self, key: u128) {
        self.0 ^= key as u64;
    }
}

/// Across instances sharing a PostgreSQL database: records the nonce there too; `false` if another
/// instance (or this one, before a restart) spent it already. A SQLite database has one instance.
pub async fn claim_shared(
    svc: &Services,
    access_key_id: &str,
    nonce: &str,
    window: chrono::Duration,
) -> Result<bool, DomainError> {
    if svc.db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    let inserted = used_nonce::Entity::insert(used_nonce::ActiveModel {
        access_key_id: Set(access_key_id.to_owned()),
        nonce: Set(nonce.to_owned()),
        expires_at: Set(svc.clock.now() + window),
    })
    .on_conflict(
        OnConflict::columns([used_nonce::Column::AccessKeyId, used_nonce::Column::Nonce])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&svc.db)
    .await?;
    Ok(inserted == 1)
}

/// Removes shared nonces whose window is over.
pub async fn forget_expired_shared(svc: &Services) -> Result<(), DomainError> {
    if svc.db.get_database_backend() == DatabaseBackend::Postgres {
        used_nonce::Entity::delete_many()
            .filter(used_nonce::Column::ExpiresAt.lt(svc.clock.now()))
            .exec(&svc.db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_works_once_per_key_within_the_window() {
        let store = NonceStore::new(Duration::from_millis(200), 100);
        assert_eq!(store.check("LTAIa", "n1"), Nonce::Fresh);
        assert_eq!(store.check("LTAIa", "n1"), Nonce::Used);
        assert_eq!(store.check("LTAIb", "n1"), Nonce::Fresh, "per key");
        std::thread::sleep(Duration::from_millis(220));
        store.forget_expired();
        assert_eq!(store.check("LTAIa", "n1"), Nonce::Fresh, "aged out");
    }

    #[test]
    fn a_full_store_refuses_instead_of_forgetting() {
        let store = NonceStore::new(Duration::from_secs(900), 3);
        for n in ["a", "b", "c"] {
            assert_eq!(store.check("LTAIa", n), Nonce::Fresh);
        }
        assert_eq!(store.check("LTAIa", "d"), Nonce::Full);
        assert_eq!(store.check("LTAIa", "a"), Nonce::Full);
    }
}
