//! The system policies' documents, evaluated by the same engine as custom ones. The catalogue
//! (names, descriptions) is [`SystemPolicy`]; the texts follow Alibaba Cloud's published
//! documents for RAM (AdministratorAccess, AliyunRAMFullAccess, AliyunRAMReadOnlyAccess:
//! "ram:Get*", "ram:List*"), restricted to what this server serves.
use std::sync::{Arc, LazyLock};

use super::document::PolicyDocument;
use crate::domain::permissions::SystemPolicy;

fn text(policy: SystemPolicy) -> &'static str {
    match policy {
        SystemPolicy::AdministratorAccess => {
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        }
        SystemPolicy::AliyunRAMFullAccess => {
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:*","ims:*"],"Resource":"*"}]}"#
        }
        SystemPolicy::AliyunRAMReadOnlyAccess => {
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:Get*","ram:List*","ims:Get*","ims:List*"],"Resource":"*"}]}"#
        }
    }
}

/// Every system policy's document, parsed once, in [`SystemPolicy::ALL`]'s order.
static PARSED: LazyLock<Vec<Arc<PolicyDocument>>> = LazyLock::new(|| {
    SystemPolicy::ALL
        .into_iter()
        .map(|p| Arc::new(PolicyDocument::parse(text(p)).expect("a system policy parses")))
        .collect()
});

/// A system policy's compiled document.
pub fn system_document(policy: SystemPolicy) -> Arc<PolicyDocument> {
    let at = SystemPolicy::ALL
        .iter()
        .position(|p| *p == policy)
        .expect("every system policy is in ALL");
    PARSED[at].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_system_policy_parses() {
        for policy in SystemPolicy::ALL {
            assert!(
                !system_document(policy).statements.is_empty(),
                "{}",
                policy.name()
            );
        }
    }
}
