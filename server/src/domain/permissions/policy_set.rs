//! Every policy that applies to one principal, compiled, with where each comes from: a value,
//! so its cache can sit below everything that asks for it ([`super::load`] fills it). It is
//! cached per RAM user like keys are: the domain drops a user's entry when its permissions
//! change, and every entry expires after a second, which bounds how long another instance
//! sharing the database can go on deciding by an old one.
use std::sync::{Arc, LazyLock};

use super::resource::Resource;
use crate::domain::policy::{PolicyDocument, PolicyType, SystemPolicy};
use crate::infra::cache::TtlCache;

/// RAM users' policy sets by `(account, user)`.
pub type PolicySetCache = TtlCache<(i64, i64), Arc<PolicySet>>;

/// Why a policy applies to a principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// The account owner may do everything.
    Owner,
    /// Attached to the user.
    User,
    /// Attached to a group the user is in.
    Group(String),
    /// The security preference "Allow RAM users to manage their own AccessKey pairs".
    SecurityPreference,
}

/// One policy in force for a principal.
#[derive(Clone, Debug)]
pub struct AppliedPolicy {
    pub name: String,
    pub policy_type: PolicyType,
    pub via: Via,
    pub document: Arc<PolicyDocument>,
}

/// What a principal's requests are decided against.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    /// The RAM user's logon name (None: the owner, or a user that is gone).
    pub user_name: Option<String>,
    pub policies: Vec<AppliedPolicy>,
}

/// The name the owner's rights go by when a decision names what allowed it.
pub const OWNER_POLICY: &str = "AccountOwner";
/// The name the security preference's document goes by.
pub const OWN_KEYS_POLICY: &str = "AllowUserToManageAccessKeys";

/// The actions a RAM user may take on its own keys while the security preference allows it.
/// Setting a key's own network policy is not one: it replaces the account's.
pub const OWN_KEY_ACTIONS: [&str; 6] = [
    "ram:ListAccessKeys",
    "ram:CreateAccessKey",
    "ram:UpdateAccessKey",
    "ram:DeleteAccessKey",
    "ram:GetAccessKeyLastUsed",
    "ram:ReportAccessKeyLeak",
];

pub(super) static OWNER: LazyLock<Arc<PolicySet>> = LazyLock::new(|| {
    let everything =
        PolicyDocument::parse(SystemPolicy::AdministratorAccess.text()).expect("it parses");
    Arc::new(PolicySet {
        user_name: None,
        policies: vec![AppliedPolicy {
            name: OWNER_POLICY.to_owned(),
            policy_type: PolicyType::System,
            via: Via::Owner,
            document: Arc::new(everything),
        }],
    })
});

/// The security preference as a document: the user's own keys, and nobody else's.
pub(super) fn own_keys_document(account_id: i64, user_name: &str) -> PolicyDocument {
    let text = serde_json::json!({
        "Version": "1",
        "Statement": [{
            "Effect": "Allow",
            "Action": OWN_KEY_ACTIONS,
            "Resource": Resource::User(user_name).arn(account_id),
        }]
    })
    .to_string();
    PolicyDocument::parse(&text).expect("a user's own ARN makes a valid document")
}
