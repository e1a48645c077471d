//! The recycle bin: a deleted RAM user (with its keys) or a RAM user's deleted AccessKey waits
//! here [`RETENTION_DAYS`] days, restorable as it was, then is purged for good and its AccessKey
//! IDs retired (never issued again). The 30-day rule is decided here, once, for both.
use chrono::{DateTime, Duration, Utc};

pub mod keys;
pub mod users;

pub use keys::{
    find_recycled_key, not_in_recycle_bin, purge_due_keys, purge_key, recycled_keys, restore_key,
    RecycledAccessKey,
};
pub use users::{
    purge_due_users, purge_user, recycled_users, restore_user, user_not_in_recycle_bin,
    RecycledUser,
};

/// How long deleted users and keys stay restorable (Alibaba's recycle bin keeps them 30 days).
pub const RETENTION_DAYS: i64 = 30;

/// When something recycled at `recycled_at` is purged for good.
pub fn purge_date(recycled_at: DateTime<Utc>) -> DateTime<Utc> {
    recycled_at + Duration::days(RETENTION_DAYS)
}

/// Whatever was recycled before this (at `now`) is due for purging.
fn due_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(RETENTION_DAYS)
}
