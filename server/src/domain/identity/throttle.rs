//! Slowing down password and code guessing, in memory.
use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Slows down guessing: after [`SignInThrottle::FREE_FAILURES`] failures for one e-mail, each
/// further attempt must wait twice as long as the last (capped), until a success or a quiet spell.
#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

impl SignInThrottle {
    pub const FREE_FAILURES: u32 = 3;
    const MAX_WAIT_SECS: i64 = 300;
    const FORGET_AFTER_SECS: i64 = 900;
    const MAX_TRACKED: usize = 100_000;

    fn wait_after(count: u32) -> i64 {
        if count < Self::FREE_FAILURES {
            return 0;
        }
        (1i64 << (count - Self::FREE_FAILURES).min(16)).min(Self::MAX_WAIT_SECS)
    }

    /// `Err(seconds)` when the next attempt for `key` must wait.
    pub fn check(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(f) = failures.get(key) else {
            return Ok(());
        };
        let remaining = Self::wait_after(f.count) - (now - f.last).num_seconds();
        if remaining > 0 {
            Err(remaining as u64)
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, key: &str, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= Self::MAX_TRACKED {
            failures.retain(|_, f| (now - f.last).num_seconds() < Self::FORGET_AFTER_SECS);
        }
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if (now - entry.last).num_seconds() >= Self::FORGET_AFTER_SECS {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    pub fn record_success(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn throttle_lets_a_few_failures_through_then_doubles_the_wait() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        for _ in 0..SignInThrottle::FREE_FAILURES - 1 {
            throttle.record_failure("a@example.com", t0);
            assert_eq!(throttle.check("a@example.com", t0), Ok(()));
        }
        throttle.record_failure("a@example.com", t0);
        assert_eq!(throttle.check("a@example.com", t0), Err(1));
        assert_eq!(
            throttle.check("a@example.com", t0 + Duration::seconds(1)),
            Ok(())
        );
        throttle.record_failure("a@example.com", t0);
        assert_eq!(throttle.check("a@example.com", t0), Err(2));
        assert_eq!(
            throttle.check("other@example.com", t0),
            Ok(()),
            "other e-mails are not slowed"
        );
        throttle.record_success("a@example.com");
        assert_eq!(throttle.check("a@example.com", t0), Ok(()));
    }

    #[test]
    fn throttle_forgets_after_a_quiet_spell() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        for _ in 0..10 {
            throttle.record_failure("a@example.com", t0);
        }
        assert!(throttle.check("a@example.com", t0).is_err());
        let later = t0 + Duration::seconds(SignInThrottle::FORGET_AFTER_SECS);
        throttle.record_failure("a@example.com", later);
        assert_eq!(
            throttle.check("a@example.com", later),
            Ok(()),
            "the count restarted at one"
        );
    }
}
