//! The AccessKey lifecycle: IDs, secrets, the per-owner limit, status, deletion and the recycle
//! bin. The console and the API both call these functions; nothing else decides these rules.
use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rand::distr::Alphanumeric;
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use zeroize::Zeroizing;

use crate::crypto::Sealed;
use crate::entities::access_key::{self, Status};
use crate::entities::{account, ram_user, retired_access_key_id};
use crate::error::DomainError;
use crate::key_cache::SigningKey;
use crate::network_policy::{self, NetworkPolicy};
use crate::services::Services;
use crate::signing_key::SignatureKey;

pub const ACCESS_KEY_ID_PREFIX: &str = "LTAI";
const ACCESS_KEY_ID_RANDOM_LEN: usize = 20;
const ACCESS_KEY_SECRET_LEN: usize = 30;
/// A RAM user holds at most this many AccessKey pairs (recycled ones do not count).
pub const MAX_USER_ACCESS_KEYS: u32 = 2;
/// How long a RAM user's deleted key stays restorable.
pub const RECYCLE_BIN_RETENTION_DAYS: i64 = 30;
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
    async fn claim_slot(self, txn: &impl ConnectionTrait, limit: u32) -> Result<bool, DbErr> {
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
                    update = update.filter(ram_user::Column::AccessKeyCount.lt(below));
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
                .count(&svc.db)
                .await?;
            if exists == 0 {
                return Ok(crate::ram_users::user_not_found());
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

pub async fn create(svc: &Services, owner: KeyOwner) -> Result<CreatedAccessKey, DomainError> {
    let limit = owner.limit(svc);
    let now = svc.clock.now();
    let txn = svc.db.begin().await?;
    if !owner.claim_slot(&txn, limit).await? {
        txn.rollback().await?;
        return Err(owner.refusal(svc, limit).await?);
    }
    let access_key_id = loop {
        let candidate = new_access_key_id();
        let live = access_key::Entity::find_by_id(candidate.clone())
            .count(&txn)
            .await?;
        let retired = retired_access_key_id::Entity::find_by_id(candidate.clone())
            .count(&txn)
            .await?;
        if live == 0 && retired == 0 {
            break candidate;
        }
    };
    let (row, secret) = new_key_row(svc, owner, access_key_id, now);
    let key = row.insert(&txn).await?;
    txn.commit().await?;
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

pub async fn set_status(
    svc: &Services,
    owner: KeyOwner,
    access_key_id: &str,
    status: Status,
) -> Result<(), DomainError> {
    let updated = access_key::Entity::update_many()
        .col_expr(access_key::Column::Status, Expr::value(status))
        .col_expr(access_key::Column::UpdatedAt, Expr::value(svc.clock.now()))
        .filter(owner.keys())
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .exec(&svc.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(not_found(access_key_id));
    }
    svc.key_cache.invalidate(access_key_id);
    Ok(())
}

/// Deletes a key: the owner's own for good (its ID retired, never to be issued again); a RAM
/// user's into the recycle bin, where it stops working at once and stays restorable for 30 days.
pub async fn delete(
    svc: &Services,
    owner: KeyOwner,
    access_key_id: &str,
    guard: DeleteGuard,
) -> Result<(), DomainError> {
    let txn = svc.db.begin().await?;
    if guard == DeleteGuard::Inactive {
        let key = access_key::Entity::find()
            .filter(owner.keys())
            .filter(access_key::Column::AccessKeyId.eq(access_key_id))
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| not_found(access_key_id))?;
        if key.status == Status::Active {
            txn.rollback().await?;
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
                .exec(&txn)
                .await?
                .rows_affected
        }
        KeyOwner::User { .. } => {
            access_key::Entity::update_many()
                .col_expr(access_key::Column::RecycledAt, Expr::value(svc.clock.now()))
                .filter(this_key())
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    if affected == 0 {
        txn.rollback().await?;
        return Err(not_found(access_key_id));
    }
    owner.release_slot(&txn).await?;
    let mut purged = Vec::new();
    match owner {
        KeyOwner::Account { .. } => retire(&txn, access_key_id, svc.clock.now()).await?,
        KeyOwner::User { user_id, .. } => {
            purged = purge_beyond_quota(&txn, user_id, svc.clock.now()).await?
        }
    }
    txn.commit().await?;
    svc.key_cache.invalidate(access_key_id);
    for id in purged {
        svc.key_cache.invalidate(&id);
    }
    Ok(())
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

/// A RAM user's key in the recycle bin.
#[derive(Clone, Debug)]
pub struct RecycledAccessKey {
    pub key: access_key::Model,
    pub user_name: String,
    pub recycled_at: DateTime<Utc>,
    /// When it is purged for good.
    pub delete_date: DateTime<Utc>,
}

pub fn purge_date(recycled_at: DateTime<Utc>) -> DateTime<Utc> {
    recycled_at + Duration::days(RECYCLE_BIN_RETENTION_DAYS)
}

/// Keys deleted one by one. (Keys recycled with their user come back with the user.)
fn recycled_in(account_id: i64) -> Condition {
    Condition::all()
        .add(access_key::Column::AccountId.eq(account_id))
        .add(access_key::Column::UserId.is_not_null())
        .add(access_key::Column::RecycledAt.is_not_null())
        .add(access_key::Column::RecycledWithUser.eq(false))
}

pub async fn recycle_bin(
    svc: &Services,
    account_id: i64,
) -> Result<Vec<RecycledAccessKey>, DomainError> {
    let keys = access_key::Entity::find()
        .filter(recycled_in(account_id))
        .order_by_desc(access_key::Column::RecycledAt)
        .all(&svc.db)
        .await?;
    let user_ids: Vec<i64> = keys.iter().filter_map(|k| k.user_id).collect();
    let users = ram_user::Entity::find()
        .filter(ram_user::Column::Id.is_in(user_ids))
        .all(&svc.db)
        .await?;
    Ok(keys
        .into_iter()
        .filter_map(|key| {
            let recycled_at = key.recycled_at?;
            let user_name = users
                .iter()
                .find(|u| Some(u.id) == key.user_id)?
                .name
                .clone();
            Some(RecycledAccessKey {
                key,
                user_name,
                recycled_at,
                delete_date: purge_date(recycled_at),
            })
        })
        .collect())
}

/// A key in the account's recycle bin (deleted on its own, not with its user), not yet purged.
pub async fn find_recycled(
    svc: &Services,
    account_id: i64,
    access_key_id: &str,
) -> Result<access_key::Model, DomainError> {
    let with_user = access_key::Entity::find_by_id(access_key_id.to_owned())
        .filter(access_key::Column::AccountId.eq(account_id))
        .filter(access_key::Column::RecycledWithUser.eq(true))
        .count(&svc.db)
        .await?;
    if with_user > 0 {
        return Err(DomainError::conflict(
            "DeleteConflict.AccessKey.RecycledWithUser",
            format!("The AccessKey {access_key_id} was deleted together with its user. Restore the user to restore it."),
        ));
    }
    access_key::Entity::find_by_id(access_key_id.to_owned())
        .filter(recycled_in(account_id))
        .one(&svc.db)
        .await?
        .filter(|key| {
            key.recycled_at
                .is_some_and(|at| svc.clock.now() < purge_date(at))
        })
        .ok_or_else(|| not_in_recycle_bin(access_key_id))
}

/// Puts a recycled key back with its user: same ID, secret and status. Refused when the user
/// already holds two keys.
pub async fn restore(
    svc: &Services,
    account_id: i64,
    access_key_id: &str,
) -> Result<(), DomainError> {
    let key = find_recycled(svc, account_id, access_key_id).await?;
    let owner = KeyOwner::User {
        account_id,
        user_id: key.user_id.expect("recycled keys belong to users"),
    };
    let txn = svc.db.begin().await?;
    if !owner.claim_slot(&txn, MAX_USER_ACCESS_KEYS).await? {
        txn.rollback().await?;
        return Err(DomainError::limit_exceeded(
            "LimitExceeded.User.AccessKey",
            "The user already has two AccessKey pairs. Delete one of them before restoring this one.",
        ));
    }
    let restored = access_key::Entity::update_many()
        .col_expr(
            access_key::Column::RecycledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(recycled_in(account_id))
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .exec(&txn)
        .await?;
    if restored.rows_affected == 0 {
        txn.rollback().await?;
        return Err(not_in_recycle_bin(access_key_id));
    }
    txn.commit().await?;
    svc.key_cache.invalidate(access_key_id);
    Ok(())
}

/// Purges one recycled key now ("Delete Permanently").
pub async fn delete_from_recycle_bin(
    svc: &Services,
    account_id: i64,
    access_key_id: &str,
) -> Result<(), DomainError> {
    find_recycled(svc, account_id, access_key_id).await?;
    purge(svc, access_key_id).await?;
    Ok(())
}

/// Purges every recycled key whose 30 days are over; returns how many. The background job runs it.
pub async fn purge_due(svc: &Services) -> Result<u64, DomainError> {
    let cutoff = svc.clock.now() - Duration::days(RECYCLE_BIN_RETENTION_DAYS);
    let mut purged = 0;
    loop {
        let due: Vec<String> = access_key::Entity::find()
            .select_only()
            .column(access_key::Column::AccessKeyId)
            .filter(access_key::Column::RecycledAt.lte(cutoff))
            .filter(access_key::Column::RecycledWithUser.eq(false))
            .limit(500)
            .into_tuple()
            .all(&svc.db)
            .await?;
        if due.is_empty() {
            return Ok(purged);
        }
        for access_key_id in due {
            purged += u64::from(purge(svc, &access_key_id).await?);
        }
    }
}

/// Removes a recycled key and retires its ID, in one transaction. `false`: it was gone already.
async fn purge(svc: &Services, access_key_id: &str) -> Result<bool, DomainError> {
    let txn = svc.db.begin().await?;
    let deleted = access_key::Entity::delete_many()
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .filter(access_key::Column::RecycledAt.is_not_null())
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    retire(&txn, access_key_id, svc.clock.now()).await?;
    txn.commit().await?;
    svc.key_cache.invalidate(access_key_id);
    Ok(true)
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

/// The signing material of a live key (not in the recycle bin), from the cache or else the
/// database; `None` if there is no such key.
pub async fn signing_key(
    svc: &Services,
    access_key_id: &str,
) -> Result<Option<Arc<SigningKey>>, DomainError> {
    if let Some(cached) = svc.key_cache.get(access_key_id) {
        return Ok(cached);
    }
    let key = access_key::Entity::find_by_id(access_key_id.to_owned())
        .filter(access_key::Column::RecycledAt.is_null())
        .one(&svc.db)
        .await?;
    let signing = match key {
        Some(key) => Some(Arc::new({
            let secret = reveal_secret(svc, &key)?;
            SigningKey {
                signature_key: SignatureKey::new(&secret),
                secret,
                active: key.status == Status::Active,
                leaked: key.leaked_at.is_some(),
                network_policy: {
                    let own = NetworkPolicy::from_stored(key.network_policy.as_deref());
                    let account = network_policy::account_policy_of(svc, key.account_id).await?;
                    network_policy::applicable(&own, &account).map(|(level, p)| (level, p.clone()))
                },
                account_id: key.account_id,
                user_id: key.user_id,
                access_key_id: key.access_key_id,
            }
        })),
        None => None,
    };
    svc.key_cache.put(access_key_id.to_owned(), signing.clone());
    Ok(signing)
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

pub(crate) fn not_in_recycle_bin(access_key_id: &str) -> DomainError {
    DomainError::not_found(
        "EntityNotExist.RecycleBin.AccessKey",
        format!("The AccessKey {access_key_id} is not in the recycle bin."),
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
