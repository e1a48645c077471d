//! Who may do what inside an account. The console and the API both ask here, and nowhere else.
//!
//! The account owner may do everything. A RAM user gets what its attached system policies grant:
//! `AdministratorAccess` and `AliyunRAMFullAccess` manage RAM users, their keys and the recycle bin;
//! `AliyunRAMReadOnlyAccess` may look but not change. No RAM user ever touches the owner's own keys.
//! A RAM user with none of these manages only its own keys, and only while the account's security
//! preference "Allow RAM users to manage their own AccessKey pairs" is on.
use sea_orm::sea_query::OnConflict;
pub mod grants;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::domain::access_keys::KeyOwner;
use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::principal::Principal;
use crate::domain::services::Services;
use crate::infra::entities::{account, ram_user, user_policy};

pub use grants::{Grants, GrantsCache, SystemPolicy};

/// What `principal` may do: the owner everything, a RAM user what its policies and the security
/// preference grant (cached, see [`GrantsCache`]).
pub async fn grants(svc: &Services, principal: Principal) -> Result<Grants, DomainError> {
    let (account_id, user_id) = match principal {
        Principal::Owner { .. } => {
            return Ok(Grants {
                is_owner: true,
                view_users: true,
                manage_users: true,
                manage_own_keys: true,
                user_id: None,
            })
        }
        Principal::RamUser {
            account_id,
            user_id,
        } => (account_id, user_id),
    };
    if let Some(grants) = svc.grants_cache.get(&(account_id, user_id)) {
        return Ok(grants);
    }
    let grants = ram_user_grants(svc, account_id, user_id).await?;
    svc.grants_cache.put((account_id, user_id), grants);
    Ok(grants)
}

async fn ram_user_grants(
    svc: &Services,
    account_id: i64,
    user_id: i64,
) -> Result<Grants, DomainError> {
    // A deleted (recycled) user keeps nothing, even with a session or key still in hand.
    match crate::domain::ram_users::find_by_id(svc, account_id, user_id).await {
        Ok(_) => {}
        Err(DomainError::NotFound { .. }) => return Ok(Grants::NONE),
        Err(e) => return Err(e),
    }
    let policies = policies_of(svc, user_id).await?;
    let manage_users = policies.iter().any(|p| p.manages_users());
    let view_users = manage_users || policies.contains(&SystemPolicy::AliyunRAMReadOnlyAccess);
    let account = account::Entity::find_by_id(account_id).one(&svc.db).await?;
    Ok(Grants {
        is_owner: false,
        view_users,
        manage_users,
        manage_own_keys: account.is_some_and(|a| a.allow_user_to_manage_access_keys),
        user_id: Some(user_id),
    })
}

/// Whose keys a request is about, if the caller may see them or, with `change`, change them.
/// `user` None is the caller's own: the account's for the owner, a RAM user's own otherwise.
/// Only the owner ever reaches the account's own keys. The console and the API both ask here.
pub async fn key_owner(
    svc: &Services,
    principal: Principal,
    user: Option<&str>,
    change: bool,
) -> Result<(KeyOwner, Grants), DomainError> {
    let grants = grants(svc, principal).await?;
    let account_id = principal.account_id();
    let (user_id, why) = match (user, principal) {
        (None, Principal::Owner { .. }) => return Ok((KeyOwner::Account { account_id }, grants)),
        (None, Principal::RamUser { user_id, .. }) => (
            user_id,
            "You do not have permission to manage your own AccessKey pairs. The account owner \
             can allow it with the security preference AllowUserToManageAccessKeys (Allow RAM \
             users to manage their own AccessKey pairs).",
        ),
        (Some(name), _) => (
            crate::domain::ram_users::find(svc, account_id, name)
                .await?
                .id,
            "You do not have permission to manage this user's AccessKey pairs.",
        ),
    };
    let allowed = if change {
        grants.may_manage_keys_of(user_id)
    } else {
        grants.may_view_keys_of(user_id)
    };
    Grants::require(allowed, why)?;
    Ok((
        KeyOwner::User {
            account_id,
            user_id,
        },
        grants,
    ))
}

/// Whether `grants` may change `owner`'s keys: the account's own keys only the owner may.
pub fn may_change_keys(grants: &Grants, owner: KeyOwner) -> bool {
    match owner {
        KeyOwner::Account { .. } => grants.is_owner,
        KeyOwner::User { user_id, .. } => grants.may_manage_keys_of(user_id),
    }
}

/// Whether `grants` may set `owner`'s keys' own network policies. A key's own policy replaces
/// the account's, so setting one changes what the account allows: it takes managing the key and
/// the account's policy both (else a RAM user could lift the account's allow list for its key).
pub fn may_set_key_policy(grants: &Grants, owner: KeyOwner) -> bool {
    grants.manage_users && may_change_keys(grants, owner)
}

pub async fn policies_of(svc: &Services, user_id: i64) -> Result<Vec<SystemPolicy>, DomainError> {
    let attached = user_policy::Entity::find()
        .filter(user_policy::Column::UserId.eq(user_id))
        .all(&svc.db)
        .await?;
    // Only catalogue names are ever written; anything else is ignored rather than trusted.
    Ok(SystemPolicy::ALL
        .into_iter()
        .filter(|p| attached.iter().any(|a| a.policy_name == p.name()))
        .collect())
}

/// Attaches a policy to a user of the account; attaching it again changes nothing.
pub async fn attach<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
    policy: SystemPolicy,
) -> Result<(), DomainError> {
    let by = by.into();
    ensure_user_in_account(by.svc(), account_id, user_id).await?;
    let mut change = by.begin().await?;
    user_policy::Entity::insert(user_policy::ActiveModel {
        user_id: Set(user_id),
        policy_name: Set(policy.name().to_owned()),
        attached_at: Set(change.svc.clock.now()),
    })
    .on_conflict(
        OnConflict::columns([user_policy::Column::UserId, user_policy::Column::PolicyName])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(change.db())
    .await?;
    change.forget_grants(account_id, user_id);
    change.commit().await
}

pub async fn detach<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
    policy: SystemPolicy,
) -> Result<(), DomainError> {
    let by = by.into();
    ensure_user_in_account(by.svc(), account_id, user_id).await?;
    let mut change = by.begin().await?;
    user_policy::Entity::delete_many()
        .filter(user_policy::Column::UserId.eq(user_id))
        .filter(user_policy::Column::PolicyName.eq(policy.name()))
        .exec(change.db())
        .await?;
    change.forget_grants(account_id, user_id);
    change.commit().await
}

async fn ensure_user_in_account(
    svc: &Services,
    account_id: i64,
    user_id: i64,
) -> Result<(), DomainError> {
    let found = ram_user::Entity::find_by_id(user_id)
        .filter(ram_user::Column::AccountId.eq(account_id))
        .count(&svc.db)
        .await?;
    if found == 0 {
        return Err(crate::domain::ram_users::user_not_found());
    }
    Ok(())
}
