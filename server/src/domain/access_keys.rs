//! The AccessKey lifecycle: IDs, secrets, the per-owner limit, status, deletion and the recycle
//! bin. The console and the API both call these functions; nothing else decides these rules.
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rand::distr::Alphanumeric;
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use zeroize::Zeroizing;

use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::services::Services;
use crate::infra::crypto::Sealed;
use crate::infra::entities::access_key::{self, Status};
use crate::infra::entities::{account, ram_user, retired_access_key_id};

pub const ACCESS_KEY_ID_PREFIX: &str = "LTAI";
const ACCESS_KEY_ID_RANDOM_LEN: usize = 20;
const ACCESS_KEY_SECRET_LEN: usize = 30;
/// A RAM user holds at most this many AccessKey pairs (recycled ones do not count).
pub const MAX_USER_ACCESS_KEYS: u32 = 2;
/// How long a RAM user's deleted key stays restorable.
/// The recycle bin keeps at most this many keys of one RAM user (deleted on their own); deleting
/// another purges the earliest deleted beyond it.
pub const MAX_RECYCLED_KEYS_PER_USER: usize = 3;

/// What a deletion asks of the key first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteGuard {
    /// Any key (the API's DeleteAccessKey, as Alibaba's).
    AnyStatus,
    /// Only a disabled key (the console, as Alibaba's: "you must disable the AccessKey pair"
    /// first, so that a key in use is never deleted by one click).
    Inactive,
}

/// Whose keys: the account owner's own, or one RAM user's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOwner {
    Account { account_id: i64 },
    User { account_id: i64, user_id: i64 },
}

impl KeyOwner {
    pub fn account_id(self) -> i64 {
        match self {
            Self::Account { account_id } | Self::User { account_id, .. } => account_id,
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Self::Account { .. } => None,
            Self::User { user_id, .. } => Some(user_id),
        }
    }

    /// The owner's live keys (not in the recycle bin).
    fn keys(self) -> Condition {
        Condition::all()
            .add(access_key::Column::AccountId.eq(self.account_id()))
            .add(match self.user_id() {
                Some(user_id) => access_key::Column::UserId.eq(user_id),
                None => access_key::Column::UserId.is_null(),
            })
            .add(access_key::Column::RecycledAt.is_null())
    }

    fn limit(self, svc: &Services) -> u32 {
        match self {
            Self::Account { .. } => svc.settings.max_account_access_keys,
            Self::User { .. } => MAX_USER_ACCESS_KEYS,
        }
    }

    fn limit_error(self, limit: u32) -> DomainError {
        let code = match self {
            Self::Account { .. } => "LimitExceeded.Account.AccessKey",
            Self::User { .. } => "LimitExceeded.User.AccessKey",
        };
        DomainError::limit_exceeded(code, match self {
            Self::Account { .. } => format!(
                "An account can have at most {limit} AccessKey pairs. Delete one you no longer use to create another."
            ),
            Self::User { .. } => {
                "A RAM user can have at most two AccessKey pairs. Delete one it no longer uses to create another."
                    .to_owned()
            }
        })
    }

    /// Takes one of the owner's key slots: a conditional increment of its key count. As the first
    /// statement of a transaction it takes the write lock, so concurrent claims cannot overshoot on
    /// SQLite or PostgreSQL. `false`: no slot free (or no such owner).
    pub(in crate::domain) async fn claim_slot(
        self,
        txn: &impl ConnectionTrait,
        limit: u32,
    ) -> Result<bool, DbErr> {
        self.change_key_count(txn, 1, Some(limit as i32)).await
    }

    async fn release_slot(self, txn: &impl ConnectionTrait) -> Result<(), DbErr> {
        self.change_key_count(txn, -1, None).await.map(|_| ())
    }

    /// Adds `delta` to the owner's key count, only while the count is below `below` when given.
    /// `true` when the owner's row changed.
    async fn change_key_count(
        self,
        txn: &impl ConnectionTrait,
        delta: i32,
        below: Option<i32>,
    ) -> Result<bool, DbErr> {
        let changed = match self {
            Self::Account { account_id } => {
                let mut update = account::Entity::update_many()
                    .col_expr(
                        account::Column::AccessKeyCount,
                        Expr::col(account::Column::AccessKeyCount).add(delta),
                    )
                    .filter(account::Column::Id.eq(account_id));
                if let Some(below) = below {
                    update = update.filter(account::Column::AccessKeyCount.lt(below));
                }
                update.exec(txn).await?
            }
            Self::User {
                account_id,
                user_id,
            } => {
                let mut update = ram_user::Entity::update_many()
                    .col_expr(
                        ram_user::Column::AccessKeyCount,
                        Expr::col(ram_user::Column::AccessKeyCount).add(delta),
                    )
                    .filter(ram_user::Column::Id.eq(user_id))
                    .filter(ram_user::Column::AccountId.eq(account_id));
                if let Some(below) = below {
                    // Only a live user gains a key: a key restored to a user in the recycle bin
                    // would be live beside keys that come back with the user.
                    update = update
                        .filter(ram_user::Column::AccessKeyCount.lt(below))
                        .filter(ram_user::Column::RecycledAt.is_null());
                }
                update.exec(txn).await?
            }
        };
        Ok(changed.rows_affected == 1)
    }

    /// Why no slot could be claimed: a missing user, or the limit.
    async fn refusal(self, svc: &Services, limit: u32) -> Result<DomainError, DbErr> {
        if let Self::User {
            account_id,
            user_id,
        } = self
        {
            let exists = ram_user::Entity::find_by_id(user_id)
                .filter(ram_user::Column::AccountId.eq(account_id))
                .filter(ram_user::Column::RecycledAt.is_null())
                .count(&svc.db)
                .await?;
            if exists == 0 {
                return Ok(crate::domain::ram_users::user_not_found());
            }
        }
        Ok(self.limit_error(limit))
    }
}

/// Has the shape of an AccessKey ID (whether or not one was issued).
pub fn is_access_key_id(text: &str) -> bool {
    text.strip_prefix(ACCESS_KEY_ID_PREFIX).is_some_and(|rest| {
        rest.len() == ACCESS_KEY_ID_RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// `LTAI` and 20 random letters and digits.
pub fn new_access_key_id() -> String {
    let mut rng = OsRng.unwrap_err();
    let random: String = (0..ACCESS_KEY_ID_RANDOM_LEN)
        .map(|_| rng.sample(Alphanumeric) as char)
        .collect();
    format!("{ACCESS_KEY_ID_PREFIX}{random}")
}

/// 30 random letters and digits from the operating system's CSPRNG.
pub fn new_access_key_secret() -> Zeroizing<String> {
    let mut rng = OsRng.unwrap_err();
    Zeroizing::new(
        (0..ACCESS_KEY_SECRET_LEN)
            .map(|_| rng.sample(Alphanumeric) as char)
            .collect(),
    )
}

/// A key just created: its row (no secret in it) and the secret, to be shown once.
pub struct CreatedAccessKey {
    pub key: access_key::Model,
    pub secret: Zeroizing<String>,
}

pub async fn list(svc: &Services, owner: KeyOwner) -> Result<Vec<access_key::Model>, DomainError> {
    Ok(access_key::Entity::find()
        .filter(owner.keys())
        .order_by_asc(access_key::Column::CreatedAt)
        .order_by_asc(access_key::Column::AccessKeyId)
        .all(&svc.db)
        .await?)
}

/// One live key of `owner`'s; another owner's key is as unknown as a key that never existed.
pub async fn find_owned(
    svc: &Services,
    owner: KeyOwner,
    access_key_id: &str,
) -> Result<access_key::Model, DomainError> {
    access_key::Entity::find()
        .filter(owner.keys())
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .one(&svc.db)
        .await?
        .ok_or_else(|| not_found(access_key_id))
}

/// Refuses early, with the limit's message, when the owner already holds the most keys allowed.
/// [`create`] enforces the same limit atomically; this only spares a verification code.
pub async fn ensure_below_limit(svc: &Services, owner: KeyOwner) -> Result<(), DomainError> {
    let limit = owner.limit(svc);
    if access_key::Entity::find()
        .filter(owner.keys())
        .count(&svc.db)
        .await?
        >= u64::from(limit)
    {
        return Err(owner.limit_error(limit));
    }
    Ok(())
}

pub async fn create<'a>(
    by: impl Into<Author<'a>>,
    owner: KeyOwner,
) -> Result<CreatedAccessKey, DomainError> {
    let mut change = by.into().begin().await?;
    let svc = change.svc;
    let limit = owner.limit(svc);
    let now = svc.clock.now();
    if !owner.claim_slot(change.db(), limit).await? {
        change.abandon().await?;
        return Err(owner.refusal(svc, limit).await?);
    }
    let access_key_id = loop {
        let candidate = new_access_key_id();
        let live = access_key::Entity::find_by_id(candidate.clone())
            .count(change.db())
            .await?;
        let retired = retired_access_key_id::Entity::find_by_id(candidate.clone())
            .count(change.db())
            .await?;
        if live == 0 && retired == 0 {
            break candidate;
        }
    };
    let (row, secret) = new_key_row(svc, owner, access_key_id, now);
    let key = row.insert(change.db()).await?;
    change.about_key(&key.access_key_id);
    change.commit().await?;
    Ok(CreatedAccessKey { key, secret })
}

/// A new Active key's row, its secret sealed under the master key, and the secret itself.
pub(crate) fn new_key_row(
    svc: &Services,
    owner: KeyOwner,
    access_key_id: String,
    now: DateTime<Utc>,
) -> (access_key::ActiveModel, Zeroizing<String>) {
    let secret = new_access_key_secret();
    let sealed = svc.secrets.seal(&access_key_id, &secret);
    let row = access_key::ActiveModel {
        access_key_id: Set(access_key_id),
        account_id: Set(owner.account_id()),
        user_id: Set(owner.user_id()),
        status: Set(Status::Active),
        secret_ciphertext: Set(sealed.ciphertext),
        secret_nonce: Set(sealed.nonce),
        secret_key_version: Set(sealed.key_version),
        created_at: Set(now),
        updated_at: Set(now),
        last_used_at: Set(None),
        last_used_service: Set(None),
        last_used_ip: Set(None),
        recycled_at: Set(None),
        recycled_with_user: Set(false),
        network_policy: Set(None),
        leaked_at: Set(None),
    };
    (row, secret)
}

pub async fn set_status<'a>(
    by: impl Into<Author<'a>>,
    owner: KeyOwner,
    access_key_id: &str,
    status: Status,
) -> Result<(), DomainError> {
    let mut change = by.into().begin().await?;
    let updated = access_key::Entity::update_many()
        .col_expr(access_key::Column::Status, Expr::value(status))
        .col_expr(
            access_key::Column::UpdatedAt,
            Expr::value(change.svc.clock.now()),
        )
        .filter(owner.keys())
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        change.abandon().await?;
        return Err(not_found(access_key_id));
    }
    change.forget_key(access_key_id);
    change.commit().await
}

/// Deletes a key: the owner's own for good (its ID retired, never to be issued again); a RAM
/// user's into the recycle bin, where it stops working at once and stays restorable for 30 days.
pub async fn delete<'a>(
    by: impl Into<Author<'a>>,
    owner: KeyOwner,
    access_key_id: &str,
    guard: DeleteGuard,
) -> Result<(), DomainError> {
    let mut change = by.into().begin().await?;
    let now = change.svc.clock.now();
    if guard == DeleteGuard::Inactive {
        let key = access_key::Entity::find()
            .filter(owner.keys())
            .filter(access_key::Column::AccessKeyId.eq(access_key_id))
            .lock_exclusive()
            .one(change.db())
            .await?
            .ok_or_else(|| not_found(access_key_id))?;
        if key.status == Status::Active {
            change.abandon().await?;
            return Err(DomainError::conflict(
                "DeleteConflict.AccessKey.Active",
                format!(
                    "The AccessKey pair {access_key_id} is active. Disable it first, check that no \
                     application fails without it, then delete it."
                ),
            ));
        }
    }
    let this_key = || {
        owner
            .keys()
            .add(access_key::Column::AccessKeyId.eq(access_key_id))
    };
    let affected = match owner {
        KeyOwner::Account { .. } => {
            access_key::Entity::delete_many()
                .filter(this_key())
                .exec(change.db())
                .await?
                .rows_affected
        }
        KeyOwner::User { .. } => {
            access_key::Entity::update_many()
                .col_expr(access_key::Column::RecycledAt, Expr::value(now))
                .filter(this_key())
                .exec(change.db())
                .await?
                .rows_affected
        }
    };
    if affected == 0 {
        change.abandon().await?;
        return Err(not_found(access_key_id));
    }
    owner.release_slot(change.db()).await?;
    match owner {
        KeyOwner::Account { .. } => retire(change.db(), access_key_id, now).await?,
        KeyOwner::User { user_id, .. } => {
            for purged in purge_beyond_quota(change.db(), user_id, now).await? {
                change.forget_key(&purged);
            }
        }
    }
    change.forget_key(access_key_id);
    change.commit().await
}

/// Keeps a user's recycled keys within [`MAX_RECYCLED_KEYS_PER_USER`]: the earliest deleted
/// beyond it are purged for good (their IDs retired). Returns their IDs.
async fn purge_beyond_quota(
    txn: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    // A handful of rows (the quota plus the key just deleted), newest first.
    let recycled: Vec<String> = access_key::Entity::find()
        .select_only()
        .column(access_key::Column::AccessKeyId)
        .filter(access_key::Column::UserId.eq(user_id))
        .filter(access_key::Column::RecycledAt.is_not_null())
        .filter(access_key::Column::RecycledWithUser.eq(false))
        .order_by_desc(access_key::Column::RecycledAt)
        .order_by_desc(access_key::Column::CreatedAt)
        .order_by_desc(access_key::Column::AccessKeyId)
        .into_tuple()
        .all(txn)
        .await?;
    let beyond: Vec<String> = recycled
        .into_iter()
        .skip(MAX_RECYCLED_KEYS_PER_USER)
        .collect();
    for access_key_id in &beyond {
        access_key::Entity::delete_by_id(access_key_id.clone())
            .exec(txn)
            .await?;
        retire(txn, access_key_id, now).await?;
    }
    Ok(beyond)
}

pub(crate) async fn retire(
    txn: &impl ConnectionTrait,
    access_key_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    retired_access_key_id::ActiveModel {
        access_key_id: Set(access_key_id.to_owned()),
        retired_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// One successful signed call with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub at: DateTime<Utc>,
    /// `ram` or `ims`.
    pub service: &'static str,
    /// The connection's address; `None` when the server cannot tell (tests without a socket).
    pub ip: Option<IpAddr>,
}

/// Writes a batch of last uses in one transaction; a use never moves a key's time backwards.
pub async fn record_uses(svc: &Services, uses: &[(String, KeyUse)]) -> Result<(), DomainError> {
    let txn = svc.db.begin().await?;
    for (access_key_id, key_use) in uses {
        access_key::Entity::update_many()
            .col_expr(access_key::Column::LastUsedAt, Expr::value(key_use.at))
            .col_expr(
                access_key::Column::LastUsedService,
                Expr::value(key_use.service),
            )
            .col_expr(
                access_key::Column::LastUsedIp,
                Expr::value(key_use.ip.map(|ip| ip.to_string())),
            )
            .filter(access_key::Column::AccessKeyId.eq(access_key_id.as_str()))
            .filter(
                Condition::any()
                    .add(access_key::Column::LastUsedAt.is_null())
                    .add(access_key::Column::LastUsedAt.lt(key_use.at)),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Decrypts a stored secret (for verifying signatures; never for showing it again).
pub fn reveal_secret(
    svc: &Services,
    key: &access_key::Model,
) -> Result<Zeroizing<String>, DomainError> {
    let sealed = Sealed {
        key_version: key.secret_key_version,
        nonce: key.secret_nonce.clone(),
        ciphertext: key.secret_ciphertext.clone(),
    };
    Ok(svc.secrets.open(&key.access_key_id, &sealed)?)
}

/// Used recently enough that deleting it would likely break an application.
pub fn used_recently(svc: &Services, key: &access_key::Model, now: DateTime<Utc>) -> bool {
    key.last_used_at
        .is_some_and(|used| now - used < svc.settings.recently_used_window)
}

pub(crate) fn not_found(access_key_id: &str) -> DomainError {
    DomainError::not_found(
        "EntityNotExist.User.AccessKey",
        format!("The AccessKey {access_key_id} does not exist."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ltai_and_20_letters_or_digits() {
        for _ in 0..100 {
            let id = new_access_key_id();
            assert_eq!(id.len(), 24);
            assert!(id.starts_with("LTAI"));
            assert!(id[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
    }

    #[test]
    fn secrets_are_30_letters_or_digits_and_differ() {
        let a = new_access_key_secret();
        let b = new_access_key_secret();
        assert_eq!(a.len(), 30);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(*a, *b);
    }
}
