//! Who may do what inside an account. The console and the API both ask here, and nowhere else.
//!
//! The account owner may do everything. A RAM user gets what its attached system policies grant:
//! `AdministratorAccess` and `AliyunRAMFullAccess` manage RAM users, their keys and the recycle bin;
//! `AliyunRAMReadOnlyAccess` may look but not change. No RAM user ever touches the owner's own keys.
//! A RAM user with none of these manages only its own keys, and only while the account's security
//! preference "Allow RAM users to manage their own AccessKey pairs" is on.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::access_keys::KeyOwner;
use crate::cache::TtlCache;
use crate::entities::{account, ram_user, user_policy};
use crate::error::DomainError;
use crate::identity::Principal;
use crate::services::Services;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemPolicy {
    AdministratorAccess,
    AliyunRAMFullAccess,
    AliyunRAMReadOnlyAccess,
}

impl SystemPolicy {
    pub const ALL: [Self; 3] = [
        Self::AdministratorAccess,
        Self::AliyunRAMFullAccess,
        Self::AliyunRAMReadOnlyAccess,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::AdministratorAccess => "AdministratorAccess",
            Self::AliyunRAMFullAccess => "AliyunRAMFullAccess",
            Self::AliyunRAMReadOnlyAccess => "AliyunRAMReadOnlyAccess",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::AdministratorAccess => {
                "Full access to everything in the account except the owner's own AccessKeys."
            }
            Self::AliyunRAMFullAccess => "Manage RAM users, their AccessKeys and the recycle bin.",
            Self::AliyunRAMReadOnlyAccess => {
                "View RAM users and their AccessKeys, without changing anything."
            }
        }
    }

    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                DomainError::invalid_parameter(
                    "EntityNotExist.Policy",
                    "policy",
                    format!("There is no system policy named {name}."),
                )
            })
    }

    fn manages_users(self) -> bool {
        matches!(self, Self::AdministratorAccess | Self::AliyunRAMFullAccess)
    }
}

/// RAM users' grants by `(account, user)`. Worked out from three tables, they would cost a RAM
/// user's every signed call three database reads.
pub type GrantsCache = TtlCache<(i64, i64), Grants>;

/// What one principal may do in its account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grants {
    pub is_owner: bool,
    /// See RAM users, their keys and the recycle bin.
    pub view_users: bool,
    /// Create and change RAM users, any user's keys, and the recycle bin.
    pub manage_users: bool,
    /// A RAM user allowed by the security preference to manage its own keys.
    pub manage_own_keys: bool,
    pub user_id: Option<i64>,
}

impl Grants {
    const NONE: Self = Self {
        is_owner: false,
        view_users: false,
        manage_users: false,
        manage_own_keys: false,
        user_id: None,
    };

    pub fn may_manage_keys_of(&self, user_id: i64) -> bool {
        self.manage_users || (self.manage_own_keys && self.user_id == Some(user_id))
    }

    pub fn may_view_keys_of(&self, user_id: i64) -> bool {
        self.view_users || self.may_manage_keys_of(user_id)
    }

    /// `Ok` when `allowed`; otherwise the no-permission error with `why`.
    pub fn require(allowed: bool, why: &str) -> Result<(), DomainError> {
        if allowed {
            Ok(())
        } else {
            Err(DomainError::NoPermission(why.to_owned()))
        }
    }
}

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
    match crate::ram_users::find_by_id(svc, account_id, user_id).await {
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
             can allow it in Security Settings (Allow RAM users to manage their own AccessKey \
             pairs).",
        ),
        (Some(name), _) => (
            crate::ram_users::find(svc, account_id, name).await?.id,
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
pub async fn attach(
    svc: &Services,
    account_id: i64,
    user_id: i64,
    policy: SystemPolicy,
) -> Result<(), DomainError> {
    ensure_user_in_account(svc, account_id, user_id).await?;
    user_policy::Entity::insert(user_policy::ActiveModel {
        user_id: Set(user_id),
        policy_name: Set(policy.name().to_owned()),
        attached_at: Set(svc.clock.now()),
    })
    .on_conflict(
        OnConflict::columns([user_policy::Column::UserId, user_policy::Column::PolicyName])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&svc.db)
    .await?;
    svc.grants_cache.invalidate(&(account_id, user_id));
    Ok(())
}

pub async fn detach(
    svc: &Services,
    account_id: i64,
    user_id: i64,
    policy: SystemPolicy,
) -> Result<(), DomainError> {
    ensure_user_in_account(svc, account_id, user_id).await?;
    user_policy::Entity::delete_many()
        .filter(user_policy::Column::UserId.eq(user_id))
        .filter(user_policy::Column::PolicyName.eq(policy.name()))
        .exec(&svc.db)
        .await?;
    svc.grants_cache.invalidate(&(account_id, user_id));
    Ok(())
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
        return Err(crate::ram_users::user_not_found());
    }
    Ok(())
}
