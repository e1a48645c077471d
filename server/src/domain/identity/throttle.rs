//! Slowing down password and code guessing, in bounded memory.
//!
//! Failures are counted per sign-in name *and* source address, as OWASP's lockout guidance has
//! it: a flood of wrong passwords for the owner's name from one address slows that address, not
//! the owner signing in from another. Each source is also limited across all names, which stops
//! one address spraying passwords over many names. An attempt is counted when it starts, in the
//! same step that checks the limit, so parallel guesses cannot all slip through before the first
//! one fails.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use ipnet::Ipv6Net;

use crate::infra::rate::RateLimiter;

pub struct SignInThrottle {
    failures: Mutex<HashMap<AttemptKey, Failures>>,
    per_source: RateLimiter<IpAddr>,
    /// Attempts told to wait, for `/metrics`.
    pub throttled: AtomicU64,
}

/// Whose attempts are counted together: a name (normalised, at most [`NAME_CHARS`] characters)
/// from a source (an IPv6 address by its /64, which one subscriber usually holds whole).
#[derive(Clone, Hash, PartialEq, Eq)]
struct AttemptKey {
    name: Box<str>,
    source: Option<IpAddr>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

/// Longest name kept as a key: longer than any e-mail or RAM logon name the service accepts.
const NAME_CHARS: usize = 256;

impl Default for SignInThrottle {
    fn default() -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
            per_source: RateLimiter::new(
                Self::SOURCE_ATTEMPTS_PER_MINUTE,
                std::time::Duration::from_secs(60),
                Self::SOURCE_BURST,
                Self::MAX_TRACKED,
            ),
            throttled: AtomicU64::new(0),
        }
    }
}

impl SignInThrottle {
    /// Attempts for one name from one source before each further one must wait.
    pub const FREE_FAILURES: u32 = 3;
    /// Attempts one source may make a minute, over every name, after a burst of
    /// [`Self::SOURCE_BURST`].
    pub const SOURCE_ATTEMPTS_PER_MINUTE: u32 = 30;
    pub const SOURCE_BURST: u32 = 30;
    const MAX_WAIT_SECS: i64 = 300;
    const FORGET_AFTER_SECS: i64 = 900;
    /// Names and sources tracked at once (a few MB); past it the longest-quiet one is forgotten.
    const MAX_TRACKED: usize = 100_000;

    fn wait_after(count: u32) -> i64 {
        if count < Self::FREE_FAILURES {
            return 0;
        }
        (1i64 << (count - Self::FREE_FAILURES).min(16)).min(Self::MAX_WAIT_SECS)
    }

    fn key(name: &str, source: Option<IpAddr>) -> AttemptKey {
        let name: String = name
            .trim()
            .to_lowercase()
            .chars()
            .take(NAME_CHARS)
            .collect();
        let source = source.map(|ip| match ip.to_canonical() {
            IpAddr::V6(v6) => IpAddr::V6(
                Ipv6Net::new(v6, 64)
                    .expect("64 is a valid prefix")
                    .network(),
            ),
            v4 => v4,
        });
        AttemptKey {
            name: name.into_boxed_str(),
            source,
        }
    }

    /// Starts an attempt for `name` from `source`, counted as a failure until
    /// [`Self::succeeded`] says otherwise; `Err(seconds)` when it must wait instead.
    pub fn attempt(
        &self,
        name: &str,
        source: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let outcome = self.count_attempt(name, source, now);
        if outcome.is_err() {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        outcome
    }

    fn count_attempt(
        &self,
        name: &str,
        source: Option<IpAddr>,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let key = Self::key(name, source);
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = failures.get_mut(&key) {
            if (now - f.last).num_seconds() >= Self::FORGET_AFTER_SECS {
                f.count = 0;
            }
            let remaining = Self::wait_after(f.count) - (now - f.last).num_seconds();
            if remaining > 0 {
                return Err(remaining as u64);
            }
        }
        if let Some(source) = key.source {
            if !self.per_source.allow(&source, Instant::now()) {
                return Err(60 / u64::from(Self::SOURCE_ATTEMPTS_PER_MINUTE).max(1));
            }
        }
        if !failures.contains_key(&key) && failures.len() >= Self::MAX_TRACKED {
            Self::make_room(&mut failures, now);
        }
        let entry = failures.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        entry.count += 1;
        entry.last = now;
        Ok(())
    }

    /// Forgets what a quiet spell has cleared; if nothing has, the longest-quiet entry.
    fn make_room(failures: &mut HashMap<AttemptKey, Failures>, now: DateTime<Utc>) {
        failures.retain(|_, f| (now - f.last).num_seconds() < Self::FORGET_AFTER_SECS);
        if failures.len() >= Self::MAX_TRACKED {
            let oldest = failures
                .iter()
                .min_by_key(|(_, f)| f.last)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                failures.remove(&oldest);
            }
        }
    }

    /// The attempt was right: its name and source start afresh.
    pub fn succeeded(&self, name: &str, source: Option<IpAddr>) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&Self::key(name, source));
    }

    /// Names and sources tracked now.
    pub fn tracked(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const HERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 5)));
    const THERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 6)));

    #[test]
    fn a_few_attempts_go_through_then_the_wait_doubles() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        for _ in 0..SignInThrottle::FREE_FAILURES {
            assert_eq!(throttle.attempt("a@example.com", HERE, t0), Ok(()));
        }
        assert_eq!(throttle.attempt("A@example.com ", HERE, t0), Err(1));
        let t1 = t0 + Duration::seconds(1);
        assert_eq!(throttle.attempt("a@example.com", HERE, t1), Ok(()));
        assert_eq!(throttle.attempt("a@example.com", HERE, t1), Err(2));
        assert_eq!(
            throttle.attempt("a@example.com", THERE, t1),
            Ok(()),
            "the same name from another address is not slowed"
        );
        assert_eq!(
            throttle.attempt("other@example.com", HERE, t1),
            Ok(()),
            "other names are not slowed"
        );
        throttle.succeeded("a@example.com", HERE);
        assert_eq!(throttle.attempt("a@example.com", HERE, t1), Ok(()));
    }

    #[test]
    fn the_count_starts_again_after_a_quiet_spell() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        let mut t = t0;
        for _ in 0..6 {
            t += Duration::seconds(64);
            let _ = throttle.attempt("a@example.com", HERE, t);
        }
        assert!(throttle.attempt("a@example.com", HERE, t).is_err());
        let later = t + Duration::seconds(SignInThrottle::FORGET_AFTER_SECS);
        for _ in 0..SignInThrottle::FREE_FAILURES {
            assert_eq!(throttle.attempt("a@example.com", HERE, later), Ok(()));
        }
    }

    #[test]
    fn one_source_cannot_spray_many_names_and_memory_stays_bounded() {
        let throttle = SignInThrottle::default();
        let now = Utc::now();
        let allowed = (0..100)
            .filter(|i| {
                throttle
                    .attempt(&format!("user{i}@example.com"), HERE, now)
                    .is_ok()
            })
            .count();
        assert_eq!(allowed, SignInThrottle::SOURCE_BURST as usize);
        let long = "x".repeat(100_000);
        assert_eq!(throttle.attempt(&long, None, now), Ok(()));
        let keys = throttle.failures.lock().unwrap();
        assert!(keys.keys().all(|k| k.name.chars().count() <= NAME_CHARS));
    }

    #[test]
    fn an_ipv6_subscriber_is_one_source() {
        let throttle = SignInThrottle::default();
        let now = Utc::now();
        for i in 0..SignInThrottle::FREE_FAILURES {
            let ip: IpAddr = format!("2001:db8::{i}").parse().unwrap();
            assert_eq!(throttle.attempt("a@example.com", Some(ip), now), Ok(()));
        }
        let next: IpAddr = "2001:db8::ffff:1".parse().unwrap();
        assert!(throttle.attempt("a@example.com", Some(next), now).is_err());
    }
}
