//! AccessKeys deleted one by one: listed, restored to their user, purged now or when due.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::{due_before, purge_date};
use crate::domain::access_keys::{retire, KeyOwner, MAX_USER_ACCESS_KEYS};
use crate::domain::change::{Author, Change};
use crate::domain::error::DomainError;
use crate::domain::services::Services;
use crate::infra::entities::{access_key, ram_user};

/// A RAM user's key in the recycle bin.
#[derive(Clone, Debug)]
pub struct RecycledAccessKey {
    pub key: access_key::Model,
    pub user_name: String,
    pub recycled_at: DateTime<Utc>,
    /// When it is purged for good.
    pub delete_date: DateTime<Utc>,
}

/// Keys deleted one by one. (Keys recycled with their user come back with the user.)
fn recycled_in(account_id: i64) -> Condition {
    Condition::all()
        .add(access_key::Column::AccountId.eq(account_id))
        .add(access_key::Column::UserId.is_not_null())
        .add(access_key::Column::RecycledAt.is_not_null())
        .add(access_key::Column::RecycledWithUser.eq(false))
}

pub async fn recycled_keys(
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
pub async fn find_recycled_key(
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
pub async fn restore_key<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    access_key_id: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let svc = by.svc();
    let key = find_recycled_key(svc, account_id, access_key_id).await?;
    let user_id = key.user_id.expect("recycled keys belong to users");
    let owner = KeyOwner::User {
        account_id,
        user_id,
    };
    let mut change = by.begin().await?;
    if !owner.claim_slot(change.db(), MAX_USER_ACCESS_KEYS).await? {
        change.abandon().await?;
        let user_is_live = ram_user::Entity::find_by_id(user_id)
            .filter(ram_user::Column::RecycledAt.is_null())
            .count(&svc.db)
            .await?
            > 0;
        if !user_is_live {
            return Err(DomainError::not_found(
                "EntityNotExist.User",
                format!("The user of the AccessKey {access_key_id} is in the recycle bin. Restore the user first."),
            ));
        }
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
        .exec(change.db())
        .await?;
    if restored.rows_affected == 0 {
        change.abandon().await?;
        return Err(not_in_recycle_bin(access_key_id));
    }
    change.forget_key(access_key_id);
    change.commit().await
}

/// Purges one recycled key now ("Delete Permanently").
pub async fn purge_key<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    access_key_id: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    find_recycled_key(by.svc(), account_id, access_key_id).await?;
    let mut change = by.begin().await?;
    purge(&mut change, access_key_id).await?;
    change.commit().await
}

/// Purges every recycled key whose 30 days are over; returns how many. The background job runs it.
pub async fn purge_due_keys(svc: &Services) -> Result<u64, DomainError> {
    let cutoff = due_before(svc.clock.now());
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
            let mut change = Author::from(svc).begin().await?;
            purged += u64::from(purge(&mut change, &access_key_id).await?);
            change.commit().await?;
        }
    }
}

/// Removes a recycled key and retires its ID. `false`: it was gone already.
async fn purge(change: &mut Change<'_>, access_key_id: &str) -> Result<bool, DomainError> {
    let deleted = access_key::Entity::delete_many()
        .filter(access_key::Column::AccessKeyId.eq(access_key_id))
        .filter(access_key::Column::RecycledAt.is_not_null())
        .exec(change.db())
        .await?;
    if deleted.rows_affected == 0 {
        return Ok(false);
    }
    retire(change.db(), access_key_id, change.svc.clock.now()).await?;
    change.forget_key(access_key_id);
    Ok(true)
}

pub fn not_in_recycle_bin(access_key_id: &str) -> DomainError {
    DomainError::not_found(
        "EntityNotExist.RecycleBin.AccessKey",
        format!("The AccessKey {access_key_id} is not in the recycle bin."),
    )
}
