//! The system policies: built-in documents, evaluated by the same engine as custom ones. Their
//! texts follow Alibaba Cloud's published documents for RAM (AdministratorAccess,
//! AliyunRAMFullAccess, AliyunRAMReadOnlyAccess: "ram:Get*", "ram:List*"), restricted to what
//! this server serves.
use std::sync::{Arc, LazyLock};

use super::document::PolicyDocument;

pub struct SystemPolicy {
    pub name: &'static str,
    pub description: &'static str,
    pub document: &'static str,
}

pub const SYSTEM_POLICIES: [SystemPolicy; 3] = [
    SystemPolicy {
        name: "AdministratorAccess",
        description: "Full access to everything in the account except the owner's own AccessKeys.",
        document: r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    SystemPolicy {
        name: "AliyunRAMFullAccess",
        description: "Manage RAM users, groups, policies, their AccessKeys and the recycle bin.",
        document: r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:*","ims:*"],"Resource":"*"}]}"#,
    },
    SystemPolicy {
        name: "AliyunRAMReadOnlyAccess",
        description:
            "View RAM users, groups, policies and their AccessKeys, without changing anything.",
        document: r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:Get*","ram:List*","ims:Get*","ims:List*"],"Resource":"*"}]}"#,
    },
];

/// The system policies, parsed once.
static PARSED: LazyLock<Vec<Arc<PolicyDocument>>> = LazyLock::new(|| {
    SYSTEM_POLICIES
        .iter()
        .map(|p| Arc::new(PolicyDocument::parse(p.document).expect("a system policy parses")))
        .collect()
});

/// A system policy's compiled document, by name.
pub fn system_document(name: &str) -> Option<Arc<PolicyDocument>> {
    SYSTEM_POLICIES
        .iter()
        .position(|p| p.name == name)
        .map(|i| PARSED[i].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_policy_parses() {
        for policy in &SYSTEM_POLICIES {
            assert!(system_document(policy.name).is_some(), "{}", policy.name);
        }
        assert!(system_document("NoSuchPolicy").is_none());
    }
}
