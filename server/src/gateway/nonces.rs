//! Replay protection: a signature nonce is accepted once per AccessKey and timestamp.
//!
//! A request is refused once its timestamp is more than the window away from the clock, so a
//! nonce needs remembering only until then: entries live in buckets by the minute their
//! request's timestamp leaves the window, and a bucket is dropped whole once that minute has
//! passed. (The timestamp is part of what is remembered: a replay repeats it, since the
//! signature covers it.) An entry is a 64-bit salted fingerprint in a hash set, about
//! [`BYTES_PER_ENTRY`] bytes, and the store's memory is bounded by a configured size.
//!
//! Fair share: when the store runs short, the key and the account holding more than their
//! share of it are throttled first, so a flood from one key never refuses a quiet one.
//!
//! Restarts: a clean stop saves the store ([`NonceStore::save`]) and the next start loads it;
//! after any other stop, requests timestamped before the new process started are refused for
//! the window, as Kerberos replay caches do when their memory is lost.
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use dashmap::DashMap;
use sha2::{Digest, Sha256};

/// What the store accounts for each entry: a `u64` and its control byte in a hash set, at the
/// worst load factor (a set doubles when it grows).
pub const BYTES_PER_ENTRY: usize = 21;
/// The default memory bound (`--nonce-memory`).
pub const DEFAULT_MEMORY_BYTES: usize = 256 << 20;
/// From this share of the bound on, keys and accounts over their fair share are throttled; the
/// rest is the reserve that keeps quiet keys answered.
const PRESSURE_PERCENT: usize = 90;
/// Minute buckets kept: more than the 31 distinct minutes a valid timestamp's expiry can fall in.
const MINUTES: usize = 32;
/// Independently locked parts of the store, so concurrent calls rarely wait on each other.
const SHARDS: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nonce {
    Fresh,
    Used,
    /// The store is short of memory and this key or its account holds more than its share.
    Throttled,
    /// Signed before this process started, after a stop that lost the store.
    BeforeRestart,
}

pub struct NonceStore {
    shards: Box<[Mutex<Shard>]>,
    /// Mixed into every fingerprint, so nobody outside can choose nonces that collide.
    salt: [u8; 16],
    /// Live entries in all shards (expired buckets count until dropped).
    entries: AtomicUsize,
    max_entries: usize,
    /// The window, in seconds either side of the clock.
    window_secs: i64,
    /// Live entries per key and per account, by expiry minute: who holds the store.
    by_key: DashMap<Box<str>, Load>,
    by_account: DashMap<i64, Load>,
    /// Requests timestamped before this are refused (no saved store was found at start).
    not_before: Option<DateTime<Utc>>,
    /// Calls throttled for holding more than their share, for `/metrics`.
    pub throttled: AtomicU64,
}

#[derive(Default)]
struct Shard {
    minutes: [Bucket; MINUTES],
}

#[derive(Default)]
struct Bucket {
    /// The expiry minute (Unix minutes) this bucket holds now.
    minute: i64,
    fingerprints: std::collections::HashSet<u64, BuildHasherDefault<RandomBits>>,
}

impl Bucket {
    /// Whether this bucket remembers `fingerprint` for `minute`.
    fn holds(&self, minute: i64, fingerprint: u64) -> bool {
        self.minute == minute && self.fingerprints.contains(&fingerprint)
    }
}

/// Counts by expiry minute, in the same ring as the buckets.
#[derive(Clone, Copy, Default)]
struct Load([(i64, u32); MINUTES]);

impl Load {
    fn add(&mut self, minute: i64) {
        let slot = &mut self.0[minute.rem_euclid(MINUTES as i64) as usize];
        if slot.0 != minute {
            *slot = (minute, 0);
        }
        slot.1 += 1;
    }

    fn live(&self, now_minute: i64) -> usize {
        self.0
            .iter()
            .filter(|(minute, _)| *minute > now_minute)
            .map(|(_, count)| *count as usize)
            .sum()
    }
}

impl NonceStore {
    /// A store for a timestamp window of `window_secs` either way, in `memory_bytes`.
    pub fn new(window_secs: i64, memory_bytes: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            salt: rand::random(),
            entries: AtomicUsize::new(0),
            max_entries: (memory_bytes / BYTES_PER_ENTRY).max(1),
            window_secs,
            by_key: DashMap::new(),
            by_account: DashMap::new(),
            not_before: None,
            throttled: AtomicU64::new(0),
        }
    }

    /// Entries the store may hold.
    pub fn capacity(&self) -> usize {
        self.max_entries
    }

    /// Memory the live entries take, as accounted.
    pub fn memory_in_use(&self) -> usize {
        self.entries.load(Ordering::Relaxed) * BYTES_PER_ENTRY
    }

    /// Records the nonce of a request signed with `access_key_id` (of `account_id`) at
    /// `timestamp` (already checked to be within the window of `now`).
    pub fn check(
        &self,
        access_key_id: &str,
        account_id: i64,
        nonce: &str,
        timestamp: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Nonce {
        if self.not_before.is_some_and(|start| timestamp < start) {
            return Nonce::BeforeRestart;
        }
        let now_minute = now.timestamp().div_euclid(60);
        let expiry = self.expiry_minute(timestamp);
        if expiry <= now_minute {
            // Out of the window already; the timestamp check refuses such a request first.
            return Nonce::Used;
        }
        let fingerprint = self.fingerprint(access_key_id, nonce, timestamp);
        let shard = &self.shards[(fingerprint % SHARDS as u64) as usize];
        let slot = expiry.rem_euclid(MINUTES as i64) as usize;
        if self.entries.load(Ordering::Relaxed) * 100 >= self.max_entries * PRESSURE_PERCENT {
            // A replay is told it is one, even when new nonces are being throttled.
            let held = shard.lock().unwrap_or_else(|p| p.into_inner()).minutes[slot]
                .holds(expiry, fingerprint);
            if held {
                return Nonce::Used;
            }
            self.forget_expired(now);
            if let Some(refusal) = self.over_share(access_key_id, account_id, now_minute) {
                self.throttled.fetch_add(1, Ordering::Relaxed);
                return refusal;
            }
        }
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = &mut shard.minutes[slot];
        if bucket.minute != expiry {
            // Whatever it held expired (no two live minutes share a bucket).
            self.entries
                .fetch_sub(bucket.fingerprints.len(), Ordering::Relaxed);
            bucket.fingerprints = Default::default();
            bucket.minute = expiry;
        }
        if !bucket.fingerprints.insert(fingerprint) {
            return Nonce::Used;
        }
        drop(shard);
        self.entries.fetch_add(1, Ordering::Relaxed);
        self.by_key
            .entry(access_key_id.into())
            .or_default()
            .add(expiry);
        self.by_account.entry(account_id).or_default().add(expiry);
        Nonce::Fresh
    }

    /// `Throttled` when the store is short and this key or account holds more than its share;
    /// when it is full, every caller is (nothing can be remembered).
    fn over_share(&self, access_key_id: &str, account_id: i64, now_minute: i64) -> Option<Nonce> {
        let entries = self.entries.load(Ordering::Relaxed);
        if entries * 100 < self.max_entries * PRESSURE_PERCENT {
            return None;
        }
        if entries >= self.max_entries {
            return Some(Nonce::Throttled);
        }
        let key_live = self
            .by_key
            .get(access_key_id)
            .map_or(0, |load| load.live(now_minute));
        let account_live = self
            .by_account
            .get(&account_id)
            .map_or(0, |load| load.live(now_minute));
        let over = key_live * self.by_key.len().max(1) >= entries
            || account_live * self.by_account.len().max(1) >= entries;
        over.then_some(Nonce::Throttled)
    }

    /// The first minute in which a request timestamped `timestamp` is out of the window.
    fn expiry_minute(&self, timestamp: DateTime<Utc>) -> i64 {
        (timestamp.timestamp() + self.window_secs).div_euclid(60) + 1
    }

    /// 64 bits of salted SHA-256 of `(AccessKey ID, nonce, timestamp)`: a false "used" among
    /// millions of entries is about one in 10^12, even for a caller choosing nonces on purpose.
    fn fingerprint(&self, access_key_id: &str, nonce: &str, timestamp: DateTime<Utc>) -> u64 {
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(access_key_id)
            .chain_update([0])
            .chain_update(nonce)
            .chain_update([0])
            .chain_update(timestamp.timestamp().to_le_bytes())
            .finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("SHA-256 is 32 bytes"))
    }

    /// Drops the buckets whose minute has passed, and the loads of keys with nothing live; run
    /// every minute in the background, and at once when the store runs short.
    pub fn forget_expired(&self, now: DateTime<Utc>) {
        let now_minute = now.timestamp().div_euclid(60);
        for shard in self.shards.iter() {
            let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
            for bucket in &mut shard.minutes {
                if bucket.minute <= now_minute && !bucket.fingerprints.is_empty() {
                    self.entries
                        .fetch_sub(bucket.fingerprints.len(), Ordering::Relaxed);
                    bucket.fingerprints = Default::default();
                }
            }
        }
        self.by_key.retain(|_, load| load.live(now_minute) > 0);
        self.by_account.retain(|_, load| load.live(now_minute) > 0);
    }

    /// Writes the live entries to `path` (on a clean stop) for [`Self::restore`].
    pub fn save(&self, path: &Path, now: DateTime<Utc>) -> std::io::Result<usize> {
        let now_minute = now.timestamp().div_euclid(60);
        let partial = path.with_extension("partial");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        file.write_all(SNAPSHOT_MAGIC)?;
        file.write_all(&self.salt)?;
        let mut saved = 0;
        for shard in self.shards.iter() {
            let shard = shard.lock().unwrap_or_else(|p| p.into_inner());
            for bucket in shard.minutes.iter().filter(|b| b.minute > now_minute) {
                for fingerprint in &bucket.fingerprints {
                    file.write_all(&bucket.minute.to_le_bytes())?;
                    file.write_all(&fingerprint.to_le_bytes())?;
                    saved += 1;
                }
            }
        }
        file.into_inner()?.sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(saved)
    }

    /// The store a new process starts with: what a clean stop saved at `path` (the file is then
    /// removed, so a later crash cannot bring back a stale copy), or an empty store that refuses
    /// requests signed before `started`.
    pub fn restore(
        window_secs: i64,
        memory_bytes: usize,
        path: &Path,
        started: DateTime<Utc>,
    ) -> (Self, Restored) {
        let mut store = Self::new(window_secs, memory_bytes);
        match store.load(path, started) {
            Ok(count) => {
                let _ = std::fs::remove_file(path);
                (store, Restored::Saved(count))
            }
            Err(error) => {
                if error.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(
                        "the saved nonces at {} are unreadable: {error}",
                        path.display()
                    );
                    let _ = std::fs::remove_file(path);
                }
                // Whole seconds: the SDKs sign with them, and a call signed in the second the
                // process started was signed after the old one had stopped.
                let start = DateTime::from_timestamp(started.timestamp(), 0).unwrap_or(started);
                store.not_before = Some(start);
                (store, Restored::NotBefore(start))
            }
        }
    }

    fn load(&mut self, path: &Path, now: DateTime<Utc>) -> std::io::Result<usize> {
        let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut magic = [0; SNAPSHOT_MAGIC.len()];
        file.read_exact(&mut magic)?;
        if magic != *SNAPSHOT_MAGIC {
            return Err(std::io::Error::other("not a nonce snapshot"));
        }
        file.read_exact(&mut self.salt)?;
        let now_minute = now.timestamp().div_euclid(60);
        let mut record = [0u8; 16];
        let mut loaded = 0;
        loop {
            match file.read_exact(&mut record) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(e),
            }
            let minute = i64::from_le_bytes(record[..8].try_into().expect("8 bytes"));
            let fingerprint = u64::from_le_bytes(record[8..].try_into().expect("8 bytes"));
            if minute <= now_minute || loaded >= self.max_entries {
                continue;
            }
            let shard = self.shards[(fingerprint % SHARDS as u64) as usize]
                .get_mut()
                .unwrap_or_else(|p| p.into_inner());
            let bucket = &mut shard.minutes[minute.rem_euclid(MINUTES as i64) as usize];
            if bucket.minute != minute {
                bucket.minute = minute;
                bucket.fingerprints.clear();
            }
            if bucket.fingerprints.insert(fingerprint) {
                loaded += 1;
            }
        }
        self.entries.store(loaded, Ordering::Relaxed);
        Ok(loaded)
    }
}

const SNAPSHOT_MAGIC: &[u8] = b"accesskey-nonces-1\n";

/// How a new process's store began.
#[derive(Debug, PartialEq, Eq)]
pub enum Restored {
    /// Loaded from a clean stop's snapshot: so many entries.
    Saved(usize),
    /// Nothing saved: requests timestamped before this are refused.
    NotBefore(DateTime<Utc>),
}

/// The set's hash of a fingerprint: its own bits, already uniformly random (salted SHA-256), so
/// hashing them again would only cost time.
#[derive(Default)]
struct RandomBits(u64);

impl Hasher for RandomBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys come here (below); stay correct for anything else all the same.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 ^= key;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    const WINDOW: i64 = 15 * 60;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 12, minute, second)
            .unwrap()
    }

    #[test]
    fn a_nonce_works_once_per_key_until_its_timestamp_leaves_the_window() {
        let store = NonceStore::new(WINDOW, 1 << 20);
        let signed = at(0, 10);
        assert_eq!(store.check("LTAIa", 1, "n1", signed, signed), Nonce::Fresh);
        assert_eq!(
            store.check("LTAIa", 1, "n1", signed, at(14, 0)),
            Nonce::Used
        );
        assert_eq!(
            store.check("LTAIb", 1, "n1", signed, signed),
            Nonce::Fresh,
            "per key"
        );
        // 15 minutes after its timestamp the request is refused as expired; its entry goes.
        store.forget_expired(signed + Duration::seconds(WINDOW + 60));
        assert_eq!(store.memory_in_use(), 0);
    }

    #[test]
    fn a_flood_from_one_key_is_throttled_and_a_quiet_key_of_another_account_is_not() {
        let store = NonceStore::new(WINDOW, 1_000 * BYTES_PER_ENTRY);
        let now = at(0, 0);
        let mut flooder = (0..).map(|n| store.check("LTAIflood", 1, &format!("f{n}"), now, now));
        let answered = flooder.by_ref().take_while(|n| *n == Nonce::Fresh).count();
        assert!((880..=910).contains(&answered), "{answered}");
        assert_eq!(flooder.next(), Some(Nonce::Throttled), "stays throttled");
        assert_eq!(
            store.check("LTAIflood", 1, "f0", now, now),
            Nonce::Used,
            "a replay is refused as one, not throttled"
        );
        for n in 0..50 {
            assert_eq!(
                store.check("LTAIquiet", 2, &format!("q{n}"), now, now),
                Nonce::Fresh,
                "the quiet key is answered"
            );
        }
        assert!(store.throttled.load(Ordering::Relaxed) > 0);
        assert!(store.memory_in_use() <= 1_000 * BYTES_PER_ENTRY);
    }

    #[test]
    fn a_clean_stop_keeps_the_nonces_and_any_other_refuses_what_was_signed_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nonces");
        let signed = at(0, 10);
        let store = NonceStore::new(WINDOW, 1 << 20);
        assert_eq!(store.check("LTAIa", 1, "n1", signed, signed), Nonce::Fresh);
        assert_eq!(store.save(&path, signed).unwrap(), 1);

        let restarted = at(1, 0);
        let (store, restored) = NonceStore::restore(WINDOW, 1 << 20, &path, restarted);
        assert_eq!(restored, Restored::Saved(1));
        assert_eq!(
            store.check("LTAIa", 1, "n1", signed, restarted),
            Nonce::Used,
            "replay"
        );
        assert_eq!(
            store.check("LTAIa", 1, "n2", signed, restarted),
            Nonce::Fresh
        );
        assert!(!path.exists(), "a snapshot is used once");

        // Killed: nothing was saved, so what was signed before the start is refused.
        let (store, restored) = NonceStore::restore(WINDOW, 1 << 20, &path, restarted);
        assert_eq!(restored, Restored::NotBefore(restarted));
        assert_eq!(
            store.check("LTAIa", 1, "n1", signed, restarted),
            Nonce::BeforeRestart
        );
        assert_eq!(
            store.check("LTAIa", 1, "n3", restarted, restarted),
            Nonce::Fresh
        );
    }
}
