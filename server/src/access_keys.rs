//! The AccessKey lifecycle: IDs, secrets, the per-owner limit, status and deletion.
use chrono::{DateTime, Utc};
use rand::distr::Alphanumeric;
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use zeroize::Zeroizing;

use crate::crypto::Sealed;
use crate::entities::access_key::{self, Status};
use crate::entities::{account, retired_access_key_id};
use crate::error::DomainError;
use crate::services::Services;

pub const ACCESS_KEY_ID_PREFIX: &str = "LTAI";
const ACCESS_KEY_ID_RANDOM_LEN: usize = 20;
const ACCESS_KEY_SECRET_LEN: usize = 30;

/// Whose keys: the account owner's own. (RAM users' keys join with the RAM users capability.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOwner {
    Account { account_id: i64 },
}

impl KeyOwner {
    fn keys(self) -> Condition {
        match self {
            Self::Account { account_id } => Condition::all()
                .add(access_key::Column::AccountId.eq(account_id))
                .add(access_key::Column::UserId.is_null())
                .add(access_key::Column::RecycledAt.is_null()),
        }
    }

    fn limit(self, svc: &Services) -> u32 {
        match self {
            Self::Account { .. } => svc.settings.max_account_access_keys,
        }
    }

    fn limit_message(self, limit: u32) -> String {
        match self {
            Self::Account { .. } => format!(
                "An account can have at most {limit} AccessKey pairs. Delete one you no longer use to create another."
            ),
        }
    }
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
        return Err(DomainError::LimitExceeded(owner.limit_message(limit)));
    }
    Ok(())
}

pub async fn create(svc: &Services, owner: KeyOwner) -> Result<CreatedAccessKey, DomainError> {
    let limit = owner.limit(svc);
    let now = svc.clock.now();
    let txn = svc.db.begin().await?;
    // The limit lives in the database: a conditional increment of the owner's key count, as the
    // transaction's first statement (it takes the write lock), so concurrent creates cannot
    // overshoot on SQLite or PostgreSQL.
    let claimed = match owner {
        KeyOwner::Account { account_id } => {
            account::Entity::update_many()
                .col_expr(
                    account::Column::AccessKeyCount,
                    Expr::col(account::Column::AccessKeyCount).add(1),
                )
                .filter(account::Column::Id.eq(account_id))
                .filter(account::Column::AccessKeyCount.lt(limit as i32))
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    if claimed == 0 {
        txn.rollback().await?;
        return Err(DomainError::LimitExceeded(owner.limit_message(limit)));
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
    let secret = new_access_key_secret();
    let sealed = svc.secrets.seal(&access_key_id, &secret);
    let KeyOwner::Account { account_id } = owner;
    let key = access_key::ActiveModel {
        access_key_id: Set(access_key_id),
        account_id: Set(account_id),
        user_id: Set(None),
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
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CreatedAccessKey { key, secret })
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
    Ok(())
}

/// Deletes an owner's own key for good; its ID is retired, never to be issued again.
pub async fn delete(
    svc: &Services,
    owner: KeyOwner,
    access_key_id: &str,
) -> Result<(), DomainError> {
    let KeyOwner::Account { account_id } = owner;
    let txn = svc.db.begin().await?;
    let deleted = access_key::Entity::delete_many()
        .filter(owner.keys())
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        txn.rollback().await?;
        return Err(not_found(access_key_id));
    }
    account::Entity::update_many()
        .col_expr(
            account::Column::AccessKeyCount,
            Expr::col(account::Column::AccessKeyCount).sub(1),
        )
        .filter(account::Column::Id.eq(account_id))
        .exec(&txn)
        .await?;
    retired_access_key_id::ActiveModel {
        access_key_id: Set(access_key_id.to_owned()),
        retired_at: Set(svc.clock.now()),
    }
    .insert(&txn)
    .await?;
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

fn not_found(access_key_id: &str) -> DomainError {
    DomainError::NotFound(format!("The AccessKey {access_key_id} does not exist."))
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
