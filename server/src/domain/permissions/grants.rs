//! What a principal may do, as a value: the system policies and the grants they add up to. No
//! storage here, so the cache of grants can sit below everything that asks for them.
use crate::domain::error::DomainError;
use crate::infra::cache::TtlCache;

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

    pub(super) fn manages_users(self) -> bool {
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
    pub(super) const NONE: Self = Self {
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
