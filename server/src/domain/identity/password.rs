//! How passwords are kept: argon2id hashes, computed off the async threads, a few at a time.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::domain::error::DomainError;

/// An argon2 hash of a random string, verified when the e-mail is unknown.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2nKkhDHCZgW4Xf5yHpsY/qTtTBXxZMrJ0n/PwF6DOzU";

/// Hashes computed at once: one per core. Each takes about 19 MiB and tens of milliseconds, so
/// a flood of sign-ins queues here instead of taking every core and gigabytes of memory.
static SLOTS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});
/// Requests waiting for a slot at most; past it they are told to try again at once rather
/// than wait behind a flood (about a second of work per core).
const MAX_WAITING: usize = 64;
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Runs `work` (an argon2 computation) in a slot, off the async threads.
async fn in_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    if WAITING.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        return Err(DomainError::SignInThrottled {
            retry_after_secs: 1,
        });
    }
    let permit = SLOTS.acquire().await;
    WAITING.fetch_sub(1, Ordering::AcqRel);
    let _permit = permit.map_err(|e| DomainError::Internal(format!("password slots: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DomainError::Internal(format!("password task: {e}")))
}

pub async fn hash_password(password: String) -> Result<String, DomainError> {
    in_slot(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await?
    .map_err(|e| DomainError::Internal(format!("password hashing: {e}")))
}

pub(super) async fn verify_password(
    password: String,
    stored_hash: String,
) -> Result<bool, DomainError> {
    in_slot(move || {
        PasswordHash::new(&stored_hash)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
