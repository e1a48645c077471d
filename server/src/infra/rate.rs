//! Token buckets by key (a source address, a sign-in name) in bounded memory: per-key limits
//! whose own bookkeeping cannot be used to exhaust the machine.
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter<K> {
    buckets: Mutex<HashMap<K, Bucket>>,
    /// Tokens a key gains per second.
    rate: f64,
    /// Tokens a key can hold: how many it may spend at once after a quiet spell.
    burst: f64,
    /// Keys tracked at most. When full, idle keys (whose bucket has refilled) are forgotten;
    /// if every key is busy, a new key is refused: a flood of many addresses is limited too.
    max_keys: usize,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `per_interval` tokens every `interval`, up to `burst` at once, for at most `max_keys` keys.
    pub fn new(per_interval: u32, interval: Duration, burst: u32, max_keys: usize) -> Self {
        Self {
            buckets: Mutex::new(HashMap::new()),
            rate: f64::from(per_interval) / interval.as_secs_f64(),
            burst: f64::from(burst),
            max_keys,
        }
    }

    /// Spends one of `key`'s tokens if it has one.
    pub fn allow(&self, key: &K, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if !buckets.contains_key(key) && buckets.len() >= self.max_keys {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, bucket| refilled(*bucket, now, rate, burst) < burst);
            if buckets.len() >= self.max_keys {
                return false;
            }
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        bucket.tokens = refilled(*bucket, now, self.rate, self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Keys tracked now.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

fn refilled(bucket: Bucket, now: Instant, rate: f64, burst: f64) -> f64 {
    let gained = now.saturating_duration_since(bucket.at).as_secs_f64() * rate;
    (bucket.tokens + gained).min(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_its_own_burst_and_refills_over_time() {
        let limiter = RateLimiter::new(60, Duration::from_secs(60), 3, 100);
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow(&"a", t0)));
        assert!(!limiter.allow(&"a", t0), "burst spent");
        assert!(limiter.allow(&"b", t0), "another key is not affected");
        assert!(
            limiter.allow(&"a", t0 + Duration::from_secs(1)),
            "one a second"
        );
    }

    #[test]
    fn memory_is_bounded_and_idle_keys_make_room() {
        let limiter = RateLimiter::new(1, Duration::from_secs(1), 2, 10);
        let t0 = Instant::now();
        for key in 0..10 {
            assert!(limiter.allow(&key, t0));
        }
        assert!(!limiter.allow(&10, t0), "every tracked key is busy");
        assert_eq!(limiter.tracked(), 10);
        assert!(
            limiter.allow(&10, t0 + Duration::from_secs(5)),
            "idle keys forgotten"
        );
        assert_eq!(limiter.tracked(), 1);
    }
}
