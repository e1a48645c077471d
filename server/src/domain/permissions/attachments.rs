//! Which policy is attached to which user or group, by type and name as RAM's API names them.
//! Attaching what is attached already, or detaching what is not, changes nothing.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::domain::change::Author;
use crate::domain::custom_policies;
use crate::domain::error::DomainError;
use crate::domain::groups;
use crate::domain::policy::{PolicyType, SystemPolicy};
use crate::domain::ram_users;
use crate::domain::services::Services;
use crate::infra::entities::{group_policy, ram_group, ram_user, user_policy};

/// Who a policy is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grantee<'a> {
    User(&'a str),
    Group(&'a str),
}

/// One attachment, as ListPoliciesForUser / ListPoliciesForGroup show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub policy_type: PolicyType,
    pub policy_name: String,
    pub description: String,
    pub default_version: String,
    pub attached_at: chrono::DateTime<chrono::Utc>,
    /// For a user's list: the group it comes through (None: attached to the user).
    pub via_group: Option<String>,
}

/// Checks the policy exists: a system policy in the catalogue, a custom one in the account.
async fn ensure_policy(
    svc: &Services,
    account_id: i64,
    policy_type: PolicyType,
    name: &str,
) -> Result<(), DomainError> {
    match policy_type {
        PolicyType::System => SystemPolicy::from_name(name).map(|_| ()),
        PolicyType::Custom => custom_policies::find(svc, account_id, name)
            .await
            .map(|_| ()),
    }
}

pub async fn attach<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    policy_type: PolicyType,
    policy_name: &str,
    to: Grantee<'_>,
) -> Result<(), DomainError> {
    let by = by.into();
    ensure_policy(by.svc(), account_id, policy_type, policy_name).await?;
    match to {
        Grantee::User(name) => {
            let user = ram_users::find(by.svc(), account_id, name).await?;
            let mut change = by.begin().await?;
            user_policy::Entity::insert(user_policy::ActiveModel {
                user_id: Set(user.id),
                policy_name: Set(policy_name.to_owned()),
                policy_type: Set(policy_type.as_str().to_owned()),
                attached_at: Set(change.svc.clock.now()),
            })
            .on_conflict(
                OnConflict::columns([user_policy::Column::UserId, user_policy::Column::PolicyName])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(change.db())
            .await?;
            change.forget_permissions_of(account_id, user.id);
            change.commit().await
        }
        Grantee::Group(name) => {
            let group = groups::find(by.svc(), account_id, name).await?;
            let mut change = by.begin().await?;
            group_policy::Entity::insert(group_policy::ActiveModel {
                group_id: Set(group.id),
                policy_type: Set(policy_type.as_str().to_owned()),
                policy_name: Set(policy_name.to_owned()),
                attached_at: Set(change.svc.clock.now()),
            })
            .on_conflict(
                OnConflict::columns([
                    group_policy::Column::GroupId,
                    group_policy::Column::PolicyType,
                    group_policy::Column::PolicyName,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(change.db())
            .await?;
            change.forget_every_permission();
            change.commit().await
        }
    }
}

pub async fn detach<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    policy_type: PolicyType,
    policy_name: &str,
    from: Grantee<'_>,
) -> Result<(), DomainError> {
    let by = by.into();
    ensure_policy(by.svc(), account_id, policy_type, policy_name).await?;
    match from {
        Grantee::User(name) => {
            let user = ram_users::find(by.svc(), account_id, name).await?;
            let mut change = by.begin().await?;
            user_policy::Entity::delete_many()
                .filter(user_policy::Column::UserId.eq(user.id))
                .filter(user_policy::Column::PolicyType.eq(policy_type.as_str()))
                .filter(user_policy::Column::PolicyName.eq(policy_name))
                .exec(change.db())
                .await?;
            change.forget_permissions_of(account_id, user.id);
            change.commit().await
        }
        Grantee::Group(name) => {
            let group = groups::find(by.svc(), account_id, name).await?;
            let mut change = by.begin().await?;
            group_policy::Entity::delete_many()
                .filter(group_policy::Column::GroupId.eq(group.id))
                .filter(group_policy::Column::PolicyType.eq(policy_type.as_str()))
                .filter(group_policy::Column::PolicyName.eq(policy_name))
                .exec(change.db())
                .await?;
            change.forget_every_permission();
            change.commit().await
        }
    }
}

/// The description and default version an attachment shows.
async fn describe(
    svc: &Services,
    account_id: i64,
    policy_type: PolicyType,
    name: &str,
) -> Result<Option<(String, String)>, DomainError> {
    Ok(match policy_type {
        PolicyType::System => {
            SystemPolicy::find(name).map(|p| (p.description().to_owned(), "v1".to_owned()))
        }
        PolicyType::Custom => match custom_policies::find(svc, account_id, name).await {
            Ok(p) => Some((
                p.description.unwrap_or_default(),
                custom_policies::version_id(p.default_version),
            )),
            Err(DomainError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        },
    })
}

async fn attachment(
    svc: &Services,
    account_id: i64,
    policy_type: &str,
    name: String,
    attached_at: chrono::DateTime<chrono::Utc>,
    via_group: Option<String>,
) -> Result<Option<Attachment>, DomainError> {
    let Some(policy_type) = PolicyType::parse(policy_type) else {
        return Ok(None);
    };
    let Some((description, default_version)) =
        describe(svc, account_id, policy_type, &name).await?
    else {
        return Ok(None);
    };
    Ok(Some(Attachment {
        policy_type,
        policy_name: name,
        description,
        default_version,
        attached_at,
        via_group,
    }))
}

/// The policies attached to a user itself (`with_groups`: and those of its groups, each saying
/// which group it comes through).
pub async fn policies_for_user(
    svc: &Services,
    account_id: i64,
    user_name: &str,
    with_groups: bool,
) -> Result<Vec<Attachment>, DomainError> {
    let user = ram_users::find(svc, account_id, user_name).await?;
    let mut list = Vec::new();
    for a in user_policy::Entity::find()
        .filter(user_policy::Column::UserId.eq(user.id))
        .all(&svc.db)
        .await?
    {
        list.extend(
            attachment(
                svc,
                account_id,
                &a.policy_type,
                a.policy_name,
                a.attached_at,
                None,
            )
            .await?,
        );
    }
    if with_groups {
        for (group, _) in groups::groups_of_user(svc, account_id, user_name).await? {
            for a in group_attachments(svc, group.id).await? {
                list.extend(
                    attachment(
                        svc,
                        account_id,
                        &a.policy_type,
                        a.policy_name,
                        a.attached_at,
                        Some(group.name.clone()),
                    )
                    .await?,
                );
            }
        }
    }
    Ok(list)
}

async fn group_attachments(
    svc: &Services,
    group_id: i64,
) -> Result<Vec<group_policy::Model>, DomainError> {
    Ok(group_policy::Entity::find()
        .filter(group_policy::Column::GroupId.eq(group_id))
        .all(&svc.db)
        .await?)
}

pub async fn policies_for_group(
    svc: &Services,
    account_id: i64,
    group_name: &str,
) -> Result<Vec<Attachment>, DomainError> {
    let group = groups::find(svc, account_id, group_name).await?;
    let mut list = Vec::new();
    for a in group_attachments(svc, group.id).await? {
        list.extend(
            attachment(
                svc,
                account_id,
                &a.policy_type,
                a.policy_name,
                a.attached_at,
                None,
            )
            .await?,
        );
    }
    Ok(list)
}

/// The users (not in the recycle bin) and groups of the account a policy is attached to, with
/// when.
#[allow(clippy::type_complexity)]
pub async fn entities_for_policy(
    svc: &Services,
    account_id: i64,
    policy_type: PolicyType,
    name: &str,
) -> Result<
    (
        Vec<(ram_user::Model, chrono::DateTime<chrono::Utc>)>,
        Vec<(ram_group::Model, chrono::DateTime<chrono::Utc>)>,
    ),
    DomainError,
> {
    ensure_policy(svc, account_id, policy_type, name).await?;
    let user_attachments = user_policy::Entity::find()
        .filter(user_policy::Column::PolicyType.eq(policy_type.as_str()))
        .filter(user_policy::Column::PolicyName.eq(name))
        .all(&svc.db)
        .await?;
    let users = ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::RecycledAt.is_null())
        .filter(ram_user::Column::Id.is_in(user_attachments.iter().map(|a| a.user_id)))
        .all(&svc.db)
        .await?
        .into_iter()
        .filter_map(|u| {
            let at = user_attachments
                .iter()
                .find(|a| a.user_id == u.id)?
                .attached_at;
            Some((u, at))
        })
        .collect();
    let group_attachments = group_policy::Entity::find()
        .filter(group_policy::Column::PolicyType.eq(policy_type.as_str()))
        .filter(group_policy::Column::PolicyName.eq(name))
        .all(&svc.db)
        .await?;
    let groups = ram_group::Entity::find()
        .filter(ram_group::Column::AccountId.eq(account_id))
        .filter(ram_group::Column::Id.is_in(group_attachments.iter().map(|a| a.group_id)))
        .all(&svc.db)
        .await?
        .into_iter()
        .filter_map(|g| {
            let at = group_attachments
                .iter()
                .find(|a| a.group_id == g.id)?
                .attached_at;
            Some((g, at))
        })
        .collect();
    Ok((users, groups))
}
