//! The system policies: built in, the same in every account, evaluated by the same engine as
//! custom ones. Their texts follow Alibaba Cloud's published documents for RAM
//! (AdministratorAccess `*`; AliyunRAMFullAccess `ram:*`; AliyunRAMReadOnlyAccess `ram:Get*`,
//! `ram:List*`), restricted to what this server serves. Every action here is in RAM's `ram:`
//! namespace, IMS's included: Alibaba's IMS authorization reference says "The code (RamCode) in
//! RAM that is used to indicate IMS is ram".
use std::sync::{Arc, LazyLock};

use super::document::PolicyDocument;
use crate::domain::error::DomainError;

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
            Self::AliyunRAMFullAccess => {
                "Manage RAM users, groups, policies, AccessKeys and the recycle bin."
            }
            Self::AliyunRAMReadOnlyAccess => {
                "View RAM users, groups, policies and AccessKeys, without changing anything."
            }
        }
    }

    /// The document as RAM's API shows it (GetPolicy, GetPolicyVersion).
    pub fn text(self) -> &'static str {
        match self {
            Self::AdministratorAccess => {
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
            }
            Self::AliyunRAMFullAccess => {
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:*","Resource":"*"}]}"#
            }
            Self::AliyunRAMReadOnlyAccess => {
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:Get*","ram:List*"],"Resource":"*"}]}"#
            }
        }
    }

    pub fn from_name(name: &str) -> Result<Self, DomainError> {
        Self::find(name).ok_or_else(|| {
            DomainError::not_found(
                "EntityNotExist.Policy",
                format!("The policy {name} of type System does not exist."),
            )
        })
    }

    pub fn find(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The compiled document.
    pub fn document(self) -> Arc<PolicyDocument> {
        let at = Self::ALL
            .iter()
            .position(|p| *p == self)
            .expect("every system policy is in ALL");
        PARSED[at].clone()
    }
}

/// Every system policy's document, parsed once, in [`SystemPolicy::ALL`]'s order.
static PARSED: LazyLock<Vec<Arc<PolicyDocument>>> = LazyLock::new(|| {
    SystemPolicy::ALL
        .into_iter()
        .map(|p| Arc::new(PolicyDocument::parse(p.text()).expect("a system policy parses")))
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_policy_parses() {
        for policy in SystemPolicy::ALL {
            assert!(
                !policy.document().statements.is_empty(),
                "{}",
                policy.name()
            );
        }
    }
}
