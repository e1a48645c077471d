//! User groups: a group's members get its policies beside their own. The rules and error codes
//! follow RAM's API (2015-05-01): CreateGroup, AddUserToGroup, DeleteGroup…
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::ram_users::{self, validate_comments};
use crate::domain::services::Services;
use crate::infra::entities::{group_member, group_policy, ram_group, ram_user};

/// 1–64 of `A-Z a-z 0-9 . _ -`, as a user's logon name.
pub fn validate_group_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() || name.len() > 64 {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.GroupName.Length",
            "name",
            "The group name must be 1 to 64 characters long.",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.GroupName.InvalidChars",
            "name",
            "The group name can contain only letters, digits, periods (.), underscores (_) and hyphens (-).",
        ));
    }
    Ok(())
}

pub(crate) fn group_not_found(name: &str) -> DomainError {
    DomainError::not_found(
        "EntityNotExist.Group",
        format!("The group {name} does not exist."),
    )
}

fn already_exists(name: &str) -> DomainError {
    DomainError::conflict(
        "EntityAlreadyExists.Group",
        format!("The group {name} already exists."),
    )
}

fn unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub async fn create<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    comments: Option<&str>,
) -> Result<ram_group::Model, DomainError> {
    let by = by.into();
    validate_group_name(name)?;
    if let Some(comments) = comments {
        validate_comments(comments)?;
    }
    let change = by.begin().await?;
    let now = change.svc.clock.now();
    let group = ram_group::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.to_owned()),
        comments: Set(comments.filter(|c| !c.is_empty()).map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(change.db())
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            already_exists(name)
        } else {
            e.into()
        }
    })?;
    change.commit().await?;
    Ok(group)
}

pub async fn find(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<ram_group::Model, DomainError> {
    ram_group::Entity::find()
        .filter(ram_group::Column::AccountId.eq(account_id))
        .filter(ram_group::Column::Name.eq(name))
        .one(&svc.db)
        .await?
        .ok_or_else(|| group_not_found(name))
}

/// One page of the account's groups in creation order, after the one with id `after`.
pub async fn list(
    svc: &Services,
    account_id: i64,
    after: Option<i64>,
    max_items: u64,
) -> Result<(Vec<ram_group::Model>, Option<i64>), DomainError> {
    let mut query = ram_group::Entity::find().filter(ram_group::Column::AccountId.eq(account_id));
    if let Some(after) = after {
        query = query.filter(ram_group::Column::Id.gt(after));
    }
    let mut groups = query
        .order_by_asc(ram_group::Column::Id)
        .limit(max_items + 1)
        .all(&svc.db)
        .await?;
    let next = if groups.len() as u64 > max_items {
        groups.truncate(max_items as usize);
        groups.last().map(|g| g.id)
    } else {
        None
    };
    Ok((groups, next))
}

/// Renames a group and sets its comments (`None`: unchanged).
pub async fn update<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    new_name: Option<&str>,
    comments: Option<&str>,
) -> Result<ram_group::Model, DomainError> {
    let by = by.into();
    if let Some(new_name) = new_name {
        validate_group_name(new_name)?;
    }
    if let Some(comments) = comments {
        validate_comments(comments)?;
    }
    let group = find(by.svc(), account_id, name).await?;
    let mut change = by.begin().await?;
    let mut active: ram_group::ActiveModel = group.into();
    if let Some(new_name) = new_name {
        active.name = Set(new_name.to_owned());
    }
    if let Some(comments) = comments {
        active.comments = Set(Some(comments.to_owned()).filter(|c| !c.is_empty()));
    }
    active.updated_at = Set(change.svc.clock.now());
    let group = active.update(change.db()).await.map_err(|e| {
        if unique_violation(&e) {
            already_exists(new_name.unwrap_or(name))
        } else {
            DomainError::from(e)
        }
    })?;
    // Conditions may name the group (`ram:GroupName`).
    change.forget_every_permission();
    change.commit().await?;
    Ok(group)
}

/// Deletes a group without members or policies.
pub async fn delete<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let group = find(by.svc(), account_id, name).await?;
    let change = by.begin().await?;
    // Members in the recycle bin do not hold the group up (the list does not show them); their
    // memberships go with it.
    let members = group_member::Entity::find()
        .filter(group_member::Column::GroupId.eq(group.id))
        .filter(
            group_member::Column::UserId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(ram_user::Column::Id)
                    .from(ram_user::Entity)
                    .and_where(ram_user::Column::RecycledAt.is_null())
                    .to_owned(),
            ),
        )
        .count(change.db())
        .await?;
    if members > 0 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.Group.User",
            format!("The group {name} still has members. Remove them first."),
        ));
    }
    let policies = group_policy::Entity::find()
        .filter(group_policy::Column::GroupId.eq(group.id))
        .count(change.db())
        .await?;
    if policies > 0 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.Group.Policy",
            format!("The group {name} still has policies attached. Detach them first."),
        ));
    }
    ram_group::Entity::delete_by_id(group.id)
        .exec(change.db())
        .await?;
    change.commit().await
}

pub async fn add_user<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    group_name: &str,
    user_name: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let group = find(by.svc(), account_id, group_name).await?;
    let user = ram_users::find(by.svc(), account_id, user_name).await?;
    let mut change = by.begin().await?;
    let inserted = group_member::Entity::insert(group_member::ActiveModel {
        group_id: Set(group.id),
        user_id: Set(user.id),
        joined_at: Set(change.svc.clock.now()),
    })
    .on_conflict(
        OnConflict::columns([group_member::Column::GroupId, group_member::Column::UserId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(change.db())
    .await?;
    if inserted == 0 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "EntityAlreadyExists.Group.User",
            format!("The user {user_name} is already in the group {group_name}."),
        ));
    }
    change.forget_permissions_of(account_id, user.id);
    change.commit().await
}

pub async fn remove_user<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    group_name: &str,
    user_name: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let group = find(by.svc(), account_id, group_name).await?;
    let user = ram_users::find(by.svc(), account_id, user_name).await?;
    let mut change = by.begin().await?;
    let removed = group_member::Entity::delete_by_id((group.id, user.id))
        .exec(change.db())
        .await?;
    if removed.rows_affected == 0 {
        change.abandon().await?;
        return Err(DomainError::not_found(
            "EntityNotExist.Group.User",
            format!("The user {user_name} is not in the group {group_name}."),
        ));
    }
    change.forget_permissions_of(account_id, user.id);
    change.commit().await
}

/// The groups a user is in, with when it joined each.
pub async fn groups_of_user(
    svc: &Services,
    account_id: i64,
    user_name: &str,
) -> Result<Vec<(ram_group::Model, group_member::Model)>, DomainError> {
    let user = ram_users::find(svc, account_id, user_name).await?;
    let memberships = group_member::Entity::find()
        .filter(group_member::Column::UserId.eq(user.id))
        .all(&svc.db)
        .await?;
    let groups = ram_group::Entity::find()
        .filter(ram_group::Column::AccountId.eq(account_id))
        .filter(ram_group::Column::Id.is_in(memberships.iter().map(|m| m.group_id)))
        .order_by_asc(ram_group::Column::Id)
        .all(&svc.db)
        .await?;
    Ok(groups
        .into_iter()
        .filter_map(|g| {
            let joined = memberships.iter().find(|m| m.group_id == g.id)?.clone();
            Some((g, joined))
        })
        .collect())
}

/// A group's members that are not in the recycle bin, with when each joined.
pub async fn members(
    svc: &Services,
    account_id: i64,
    group_name: &str,
) -> Result<Vec<(ram_user::Model, group_member::Model)>, DomainError> {
    let group = find(svc, account_id, group_name).await?;
    let memberships = group_member::Entity::find()
        .filter(group_member::Column::GroupId.eq(group.id))
        .all(&svc.db)
        .await?;
    let users = ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::RecycledAt.is_null())
        .filter(ram_user::Column::Id.is_in(memberships.iter().map(|m| m.user_id)))
        .order_by_asc(ram_user::Column::Id)
        .all(&svc.db)
        .await?;
    Ok(users
        .into_iter()
        .filter_map(|u| {
            let joined = memberships.iter().find(|m| m.user_id == u.id)?.clone();
            Some((u, joined))
        })
        .collect())
}
