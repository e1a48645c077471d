//! Deleted RAM users, with the keys they held: listed, restored, purged now or when due.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{due_before, purge_date};
use crate::domain::access_keys::retire;
use crate::domain::change::{Author, Change};
use crate::domain::error::DomainError;
use crate::domain::services::Services;
use crate::infra::entities::{access_key, ram_user};

/// A deleted user waiting in the recycle bin.
pub struct RecycledUser {
    pub user: ram_user::Model,
    pub recycled_at: DateTime<Utc>,
    pub delete_date: DateTime<Utc>,
    pub access_key_ids: Vec<String>,
}

pub async fn recycled_users(
    svc: &Services,
    account_id: i64,
) -> Result<Vec<RecycledUser>, DomainError> {
    let users = ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::RecycledAt.is_not_null())
        .order_by_desc(ram_user::Column::RecycledAt)
        .all(&svc.db)
        .await?;
    let keys = access_key::Entity::find()
        .filter(access_key::Column::UserId.is_in(users.iter().map(|u| u.id)))
        .filter(access_key::Column::RecycledWithUser.eq(true))
        .all(&svc.db)
        .await?;
    Ok(users
        .into_iter()
        .filter_map(|user| {
            let recycled_at = user.recycled_at?;
            let access_key_ids = keys
                .iter()
                .filter(|k| k.user_id == Some(user.id))
                .map(|k| k.access_key_id.clone())
                .collect();
            Some(RecycledUser {
                user,
                recycled_at,
                delete_date: purge_date(recycled_at),
                access_key_ids,
            })
        })
        .collect())
}

/// Brings a deleted user back, with the keys it had when it was deleted.
pub async fn restore_user<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
) -> Result<(), DomainError> {
    let mut change = by.into().begin().await?;
    let cutoff = due_before(change.svc.clock.now());
    let restored = ram_user::Entity::update_many()
        .col_expr(
            ram_user::Column::RecycledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(ram_user::Column::Id.eq(user_id))
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::RecycledAt.gt(cutoff))
        .exec(change.db())
        .await?;
    if restored.rows_affected == 0 {
        change.abandon().await?;
        return Err(user_not_in_recycle_bin());
    }
    access_key::Entity::update_many()
        .col_expr(
            access_key::Column::RecycledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(access_key::Column::RecycledWithUser, Expr::value(false))
        .filter(access_key::Column::UserId.eq(user_id))
        .filter(access_key::Column::RecycledWithUser.eq(true))
        .exec(change.db())
        .await?;
    // Counted, not assumed: whatever is live now is what the two-key limit sees.
    let live_keys = access_key::Entity::find()
        .filter(access_key::Column::UserId.eq(user_id))
        .filter(access_key::Column::RecycledAt.is_null())
        .count(change.db())
        .await?;
    ram_user::Entity::update_many()
        .col_expr(
            ram_user::Column::AccessKeyCount,
            Expr::value(live_keys as i32),
        )
        .filter(ram_user::Column::Id.eq(user_id))
        .exec(change.db())
        .await?;
    // Its keys and its permissions came back with it.
    change.forget_every_key();
    change.forget_permissions_of(account_id, user_id);
    change.commit().await
}

/// Deletes a recycled user for good now, with all its keys; their IDs are retired.
pub async fn purge_user<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
) -> Result<(), DomainError> {
    let mut change = by.into().begin().await?;
    let in_bin = ram_user::Entity::find_by_id(user_id)
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::RecycledAt.is_not_null())
        .count(change.db())
        .await?;
    if in_bin == 0 {
        change.abandon().await?;
        return Err(user_not_in_recycle_bin());
    }
    purge(&mut change, user_id).await?;
    change.commit().await
}

/// Purges every recycled user whose 30 days are over, with its keys; returns how many users.
pub async fn purge_due_users(svc: &Services) -> Result<u64, DomainError> {
    let cutoff = due_before(svc.clock.now());
    let due: Vec<i64> = ram_user::Entity::find()
        .select_only()
        .column(ram_user::Column::Id)
        .filter(ram_user::Column::RecycledAt.lte(cutoff))
        .into_tuple()
        .all(&svc.db)
        .await?;
    for user_id in &due {
        let mut change = Author::from(svc).begin().await?;
        purge(&mut change, *user_id).await?;
        change.commit().await?;
    }
    Ok(due.len() as u64)
}

async fn purge(change: &mut Change<'_>, user_id: i64) -> Result<(), DomainError> {
    let now = change.svc.clock.now();
    let key_ids: Vec<String> = access_key::Entity::find()
        .select_only()
        .column(access_key::Column::AccessKeyId)
        .filter(access_key::Column::UserId.eq(user_id))
        .into_tuple()
        .all(change.db())
        .await?;
    for access_key_id in &key_ids {
        retire(change.db(), access_key_id, now).await?;
    }
    access_key::Entity::delete_many()
        .filter(access_key::Column::UserId.eq(user_id))
        .exec(change.db())
        .await?;
    ram_user::Entity::delete_by_id(user_id)
        .exec(change.db())
        .await?;
    // Its keys went with it (its permissions were gone once it was recycled).
    change.forget_every_key();
    Ok(())
}

pub fn user_not_in_recycle_bin() -> DomainError {
    DomainError::not_found(
        "EntityNotExist.RecycleBin.User",
        "The user is not in the recycle bin.",
    )
}
