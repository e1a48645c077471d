//! Custom policies: documents an account writes in RAM's policy language, each with up to five
//! versions of which one, the default, is in force. A document is parsed and checked when it is
//! stored ([`PolicyDocument::parse`]); what is stored is then known to compile. The rules and
//! error codes follow RAM's API (2015-05-01): CreatePolicy, CreatePolicyVersion, DeletePolicy…
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::policy::{PolicyDocument, SystemPolicy};
use crate::domain::services::Services;
use crate::infra::entities::{group_policy, policy, policy_version, user_policy};

/// RAM keeps at most five versions of a policy.
pub const MAX_VERSIONS: u64 = 5;
const MAX_DESCRIPTION_CHARS: usize = 1024;

/// 1–128 of `A-Z a-z 0-9 -`.
pub fn validate_policy_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() || name.len() > 128 {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.PolicyName.Length",
            "name",
            "The policy name must be 1 to 128 characters long.",
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.PolicyName.InvalidChars",
            "name",
            "The policy name can contain only letters, digits and hyphens (-).",
        ));
    }
    Ok(())
}

fn validate_description(description: &str) -> Result<(), DomainError> {
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.Description.Length",
            "description",
            "The description can be at most 1,024 characters long.",
        ));
    }
    Ok(())
}

/// A document as RAM stores it: checked whole, or refused with where it is wrong.
pub fn check_document(text: &str) -> Result<PolicyDocument, DomainError> {
    PolicyDocument::parse(text).map_err(|error| {
        DomainError::invalid_parameter("MalformedPolicyDocument", "document", error.to_string())
    })
}

/// RAM names versions `v1`, `v2`, …
pub fn version_id(version: i32) -> String {
    format!("v{version}")
}

fn parse_version_id(text: &str) -> Result<i32, DomainError> {
    text.strip_prefix('v')
        .and_then(|n| n.parse::<i32>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(version_not_found)
}

pub(crate) fn policy_not_found(name: &str) -> DomainError {
    DomainError::not_found(
        "EntityNotExist.Policy",
        format!("The policy {name} of type Custom does not exist."),
    )
}

fn version_not_found() -> DomainError {
    DomainError::not_found(
        "EntityNotExist.Policy.Version",
        "The policy version does not exist.",
    )
}

/// A custom policy with the document of the version asked for.
#[derive(Clone, Debug)]
pub struct PolicyWithVersion {
    pub policy: policy::Model,
    pub version: policy_version::Model,
}

pub async fn create<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    document: &str,
    description: Option<&str>,
) -> Result<PolicyWithVersion, DomainError> {
    let by = by.into();
    validate_policy_name(name)?;
    if let Some(description) = description {
        validate_description(description)?;
    }
    check_document(document)?;
    if SystemPolicy::find(name).is_some()
        || find_optional(by.svc(), account_id, name).await?.is_some()
    {
        return Err(already_exists(name));
    }
    let change = by.begin().await?;
    let now = change.svc.clock.now();
    let policy = policy::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.to_owned()),
        description: Set(description.map(str::to_owned)),
        default_version: Set(1),
        last_version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(change.db())
    .await
    // Two creates racing past the check above meet the unique index on (account, name).
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => already_exists(name),
        _ => DomainError::from(e),
    })?;
    let version = policy_version::ActiveModel {
        policy_id: Set(policy.id),
        version: Set(1),
        document: Set(document.to_owned()),
        created_at: Set(now),
    }
    .insert(change.db())
    .await?;
    change.commit().await?;
    Ok(PolicyWithVersion { policy, version })
}

fn already_exists(name: &str) -> DomainError {
    DomainError::conflict(
        "EntityAlreadyExists.Policy",
        format!("The policy {name} already exists."),
    )
}

async fn find_optional(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<Option<policy::Model>, DomainError> {
    Ok(policy::Entity::find()
        .filter(policy::Column::AccountId.eq(account_id))
        .filter(policy::Column::Name.eq(name))
        .one(&svc.db)
        .await?)
}

pub async fn find(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<policy::Model, DomainError> {
    find_optional(svc, account_id, name)
        .await?
        .ok_or_else(|| policy_not_found(name))
}

/// A policy with its default version.
pub async fn get(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<PolicyWithVersion, DomainError> {
    let policy = find(svc, account_id, name).await?;
    let version = version_of(svc, &policy, policy.default_version).await?;
    Ok(PolicyWithVersion { policy, version })
}

async fn version_of(
    svc: &Services,
    policy: &policy::Model,
    version: i32,
) -> Result<policy_version::Model, DomainError> {
    policy_version::Entity::find_by_id((policy.id, version))
        .one(&svc.db)
        .await?
        .ok_or_else(version_not_found)
}

pub async fn get_version(
    svc: &Services,
    account_id: i64,
    name: &str,
    version_id: &str,
) -> Result<PolicyWithVersion, DomainError> {
    let policy = find(svc, account_id, name).await?;
    let version = version_of(svc, &policy, parse_version_id(version_id)?).await?;
    Ok(PolicyWithVersion { policy, version })
}

pub async fn list_versions(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<(policy::Model, Vec<policy_version::Model>), DomainError> {
    let policy = find(svc, account_id, name).await?;
    let versions = policy_version::Entity::find()
        .filter(policy_version::Column::PolicyId.eq(policy.id))
        .order_by_asc(policy_version::Column::Version)
        .all(&svc.db)
        .await?;
    Ok((policy, versions))
}

/// One page of the account's custom policies in creation order, after the one with id `after`.
pub async fn list(
    svc: &Services,
    account_id: i64,
    after: Option<i64>,
    max_items: u64,
) -> Result<(Vec<policy::Model>, Option<i64>), DomainError> {
    let mut query = policy::Entity::find().filter(policy::Column::AccountId.eq(account_id));
    if let Some(after) = after {
        query = query.filter(policy::Column::Id.gt(after));
    }
    let mut policies = query
        .order_by_asc(policy::Column::Id)
        .limit(max_items + 1)
        .all(&svc.db)
        .await?;
    let next = if policies.len() as u64 > max_items {
        policies.truncate(max_items as usize);
        policies.last().map(|p| p.id)
    } else {
        None
    };
    Ok((policies, next))
}

pub async fn update_description<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    description: &str,
) -> Result<policy::Model, DomainError> {
    let by = by.into();
    validate_description(description)?;
    let policy = find(by.svc(), account_id, name).await?;
    let change = by.begin().await?;
    let mut active: policy::ActiveModel = policy.into();
    active.description = Set(Some(description.to_owned()));
    active.updated_at = Set(change.svc.clock.now());
    let policy = active.update(change.db()).await?;
    change.commit().await?;
    Ok(policy)
}

/// How many users and groups a policy is attached to, by type and name.
pub async fn attachment_count(
    svc: &Services,
    account_id: i64,
    policy_type: crate::domain::policy::PolicyType,
    name: &str,
) -> Result<u64, DomainError> {
    let (users, groups) = crate::domain::permissions::attachments::entities_for_policy(
        svc,
        account_id,
        policy_type,
        name,
    )
    .await?;
    Ok((users.len() + groups.len()) as u64)
}

/// Deletes a policy that is attached to nothing and has no version but its default.
pub async fn delete<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let policy = find(by.svc(), account_id, name).await?;
    let mut change = by.begin().await?;
    // Inside the transaction, so an attach racing the delete is either seen or refused after.
    let attached_to_users = user_policy::Entity::find()
        .filter(user_policy::Column::PolicyType.eq("Custom"))
        .filter(user_policy::Column::PolicyName.eq(name))
        .filter(
            user_policy::Column::UserId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(crate::infra::entities::ram_user::Column::Id)
                    .from(crate::infra::entities::ram_user::Entity)
                    .and_where(crate::infra::entities::ram_user::Column::AccountId.eq(account_id))
                    .to_owned(),
            ),
        )
        .count(change.db())
        .await?;
    if attached_to_users > 0 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.Policy.User",
            format!("The policy {name} is attached to a user. Detach it from every user first."),
        ));
    }
    let attached_to_groups = group_policy::Entity::find()
        .filter(group_policy::Column::PolicyType.eq("Custom"))
        .filter(group_policy::Column::PolicyName.eq(name))
        .filter(
            group_policy::Column::GroupId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(crate::infra::entities::ram_group::Column::Id)
                    .from(crate::infra::entities::ram_group::Entity)
                    .and_where(crate::infra::entities::ram_group::Column::AccountId.eq(account_id))
                    .to_owned(),
            ),
        )
        .count(change.db())
        .await?;
    if attached_to_groups > 0 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.Policy.Group",
            format!("The policy {name} is attached to a group. Detach it from every group first."),
        ));
    }
    let versions = policy_version::Entity::find()
        .filter(policy_version::Column::PolicyId.eq(policy.id))
        .count(change.db())
        .await?;
    if versions > 1 {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.Policy.Version",
            format!("The policy {name} has versions other than its default. Delete them first."),
        ));
    }
    policy::Entity::delete_by_id(policy.id)
        .exec(change.db())
        .await?;
    change.forget_every_permission();
    change.commit().await
}

/// What to do when a policy already has its five versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotateStrategy {
    /// Refuse (`LimitExceeded.Policy.Version`).
    None,
    /// Make room by deleting the oldest version that is not the default.
    DeleteOldestNonDefaultVersionWhenLimitExceeded,
}

impl RotateStrategy {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "None" => Ok(Self::None),
            "DeleteOldestNonDefaultVersionWhenLimitExceeded" => {
                Ok(Self::DeleteOldestNonDefaultVersionWhenLimitExceeded)
            }
            _ => Err(DomainError::invalid_parameter(
                "InvalidParameter.RotateStrategy",
                "rotate_strategy",
                "RotateStrategy must be None or DeleteOldestNonDefaultVersionWhenLimitExceeded.",
            )),
        }
    }
}

pub async fn create_version<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    document: &str,
    set_as_default: bool,
    rotate: RotateStrategy,
) -> Result<PolicyWithVersion, DomainError> {
    let by = by.into();
    check_document(document)?;
    let policy = find(by.svc(), account_id, name).await?;
    let mut change = by.begin().await?;
    // Taking the next number first serialises concurrent creates of one policy's versions.
    let taken = policy::Entity::update_many()
        .col_expr(
            policy::Column::LastVersion,
            Expr::col(policy::Column::LastVersion).add(1),
        )
        .filter(policy::Column::Id.eq(policy.id))
        .exec(change.db())
        .await?;
    if taken.rows_affected == 0 {
        change.abandon().await?;
        return Err(policy_not_found(name));
    }
    let policy = policy::Entity::find_by_id(policy.id)
        .one(change.db())
        .await?
        .ok_or_else(|| policy_not_found(name))?;
    let versions = policy_version::Entity::find()
        .filter(policy_version::Column::PolicyId.eq(policy.id))
        .order_by_asc(policy_version::Column::Version)
        .all(change.db())
        .await?;
    if versions.len() as u64 >= MAX_VERSIONS {
        let oldest = versions
            .iter()
            .find(|v| v.version != policy.default_version)
            .filter(|_| rotate == RotateStrategy::DeleteOldestNonDefaultVersionWhenLimitExceeded);
        let Some(oldest) = oldest else {
            change.abandon().await?;
            return Err(DomainError::limit_exceeded(
                "LimitExceeded.Policy.Version",
                format!(
                    "The policy {name} has {MAX_VERSIONS} versions, the most it can have. Delete one, or create this one with RotateStrategy DeleteOldestNonDefaultVersionWhenLimitExceeded."
                ),
            ));
        };
        policy_version::Entity::delete_by_id((policy.id, oldest.version))
            .exec(change.db())
            .await?;
    }
    let now = change.svc.clock.now();
    let version = policy_version::ActiveModel {
        policy_id: Set(policy.id),
        version: Set(policy.last_version),
        document: Set(document.to_owned()),
        created_at: Set(now),
    }
    .insert(change.db())
    .await?;
    let mut active: policy::ActiveModel = policy.into();
    if set_as_default {
        active.default_version = Set(version.version);
        change.forget_every_permission();
    }
    active.updated_at = Set(now);
    let policy = active.update(change.db()).await?;
    change.commit().await?;
    Ok(PolicyWithVersion { policy, version })
}

pub async fn delete_version<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    version_id: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let version = parse_version_id(version_id)?;
    let policy = find(by.svc(), account_id, name).await?;
    if policy.default_version == version {
        return Err(DomainError::conflict(
            "DeleteConflict.Policy.Version.Default",
            "The default version of a policy cannot be deleted. Make another version the default first, or delete the policy.",
        ));
    }
    let change = by.begin().await?;
    let deleted = policy_version::Entity::delete_by_id((policy.id, version))
        .exec(change.db())
        .await?;
    if deleted.rows_affected == 0 {
        change.abandon().await?;
        return Err(version_not_found());
    }
    change.commit().await
}

pub async fn set_default_version<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    name: &str,
    version_id: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let version = parse_version_id(version_id)?;
    let policy = find(by.svc(), account_id, name).await?;
    version_of(by.svc(), &policy, version).await?;
    let mut change = by.begin().await?;
    let now = change.svc.clock.now();
    policy::Entity::update_many()
        .col_expr(policy::Column::DefaultVersion, Expr::value(version))
        .col_expr(policy::Column::UpdatedAt, Expr::value(now))
        .filter(policy::Column::Id.eq(policy.id))
        .exec(change.db())
        .await?;
    change.forget_every_permission();
    change.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_names_follow_rams_rules() {
        assert!(validate_policy_name("ReadUsers-2").is_ok());
        let code = |name: &str| match validate_policy_name(name) {
            Err(DomainError::Invalid { code, .. }) => code,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(code(""), "InvalidParameter.PolicyName.Length");
        assert_eq!(code(&"a".repeat(129)), "InvalidParameter.PolicyName.Length");
        assert_eq!(
            code("read_users"),
            "InvalidParameter.PolicyName.InvalidChars"
        );
    }

    #[test]
    fn version_ids_are_v_and_a_number() {
        assert_eq!(parse_version_id("v3").unwrap(), 3);
        assert!(parse_version_id("3").is_err());
        assert!(parse_version_id("v0").is_err());
        assert_eq!(version_id(2), "v2");
    }
}
