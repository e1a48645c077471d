//! Who may do what inside an account, decided in one place. Every operation of the console and
//! every API action names its action (`ram:CreateUser`) and the resource it acts on, and asks
//! [`authorize`] once; [`crate::domain::policy`] decides it against the caller's [`PolicySet`].
//!
//! Beside the policies there is one rule: no RAM user ever reaches the account owner's own
//! AccessKeys. They belong to no user, so no ARN a policy could name leads to them; only the
//! owner's own requests (`user` none, [`key_owner`]) do. The owner's rights and the security
//! preference AllowUserToManageAccessKeys are documents in the set like any other.
pub mod attachments;
mod load;
pub mod policy_set;
mod resource;

use std::fmt;
use std::net::IpAddr;

use crate::domain::access_keys::KeyOwner;
use crate::domain::error::DomainError;
use crate::domain::policy::{self, Context, Decision, PolicyType, Request};
use crate::domain::principal::Principal;
use crate::domain::services::Services;

pub use crate::domain::policy::SystemPolicy;
pub use load::policy_set;
pub use policy_set::{AppliedPolicy, PolicySet, PolicySetCache, Via};
pub use resource::Resource;

/// Who asks, with what their request brings for policy conditions (`acs:SourceIp`,
/// `acs:MFAPresent`, `acs:SecureTransport`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requester {
    pub principal: Principal,
    pub source_ip: Option<IpAddr>,
    pub mfa_present: bool,
    pub secure_transport: bool,
}

impl Requester {
    /// A request with nothing known beyond who makes it (conditions on the rest fail).
    pub fn plain(principal: Principal) -> Self {
        Self {
            principal,
            source_ip: None,
            mfa_present: false,
            secure_transport: false,
        }
    }
}

/// A decision, and the statement of which policy made it.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    /// The policy that decided (none: nothing allowed it).
    pub policy: Option<AppliedPolicy>,
}

impl Explanation {
    pub fn allowed(&self) -> bool {
        self.decision.allowed()
    }

    /// The statement that decided, from 1.
    pub fn statement(&self) -> Option<usize> {
        match self.decision {
            Decision::Allowed(by) | Decision::ExplicitlyDenied(by) => Some(by.statement),
            Decision::ImplicitlyDenied => None,
        }
    }
}

/// A refused request, with what Alibaba's `AccessDeniedDetail` says of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessDenied {
    /// Such as `ram:CreateUser`.
    pub action: String,
    /// What it was on, in words.
    pub on: String,
    /// `Account` or `SubUser`, as RAM names principals.
    pub principal_type: &'static str,
    /// The RAM user's logon name, or the account's ID.
    pub principal_name: String,
    /// The policy that denied it, when a `Deny` statement did.
    pub denied_by: Option<(PolicyType, String)>,
    /// A RAM user asking about its own keys while the security preference does not allow it.
    pub own_keys: bool,
}

impl AccessDenied {
    /// `ExplicitDeny` or `ImplicitDeny`.
    pub fn no_permission_type(&self) -> &'static str {
        if self.denied_by.is_some() {
            "ExplicitDeny"
        } else {
            "ImplicitDeny"
        }
    }
}

impl fmt::Display for AccessDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "You are not authorized to do {} on {}: ",
            self.action, self.on
        )?;
        match &self.denied_by {
            Some((_, name)) => write!(f, "the policy {name} denies it."),
            None if self.own_keys => write!(
                f,
                "no policy of yours allows it. The account owner can allow RAM users to manage \
                 their own AccessKey pairs with the security preference AllowUserToManageAccessKeys."
            ),
            None => write!(
                f,
                "no policy attached to you or your groups allows it. Ask an administrator for a \
                 policy that allows {}.",
                self.action
            ),
        }
    }
}

/// How `action` on `resource` is decided for `who`, and why.
pub async fn explain(
    svc: &Services,
    who: &Requester,
    action: &str,
    resource: Resource<'_>,
) -> Result<Explanation, DomainError> {
    let set = policy_set(svc, who.principal).await?;
    let arn = resource.arn(who.principal.account_id());
    let keys: Vec<(&str, &str)> = resource.keys().into_iter().collect();
    let request = Request {
        action,
        resource: &arn,
        context: Context {
            source_ip: who.source_ip,
            mfa_present: who.mfa_present,
            secure_transport: who.secure_transport,
            current_time: svc.clock.now(),
            keys: &keys,
        },
    };
    let decision = policy::decide(set.policies.iter().map(|p| &*p.document), &request);
    let policy = match decision {
        Decision::Allowed(by) | Decision::ExplicitlyDenied(by) => set.policies.get(by.policy),
        Decision::ImplicitlyDenied => None,
    };
    Ok(Explanation {
        action: action.to_owned(),
        resource: arn,
        decision,
        policy: policy.cloned(),
    })
}

/// `Ok` when `who` may do `action` on `resource`; otherwise the refusal, in words.
pub async fn authorize(
    svc: &Services,
    who: &Requester,
    action: &str,
    resource: Resource<'_>,
) -> Result<(), DomainError> {
    let explanation = explain(svc, who, action, resource).await?;
    if explanation.allowed() {
        return Ok(());
    }
    let set = policy_set(svc, who.principal).await?;
    let (principal_type, principal_name) = match who.principal {
        Principal::Owner { account_id } => ("Account", account_id.to_string()),
        Principal::RamUser { user_id, .. } => (
            "SubUser",
            set.user_name.clone().unwrap_or_else(|| user_id.to_string()),
        ),
    };
    let own_keys = matches!(resource, Resource::User(name) if set.user_name.as_deref() == Some(name))
        && policy_set::OWN_KEY_ACTIONS.contains(&action);
    Err(DomainError::AccessDenied(Box::new(AccessDenied {
        action: action.to_owned(),
        on: resource.describe(),
        principal_type,
        principal_name,
        denied_by: match explanation.decision {
            Decision::ExplicitlyDenied(_) => explanation.policy.map(|p| (p.policy_type, p.name)),
            _ => None,
        },
        own_keys,
    })))
}

/// Whether `who` may do `action` on `resource` (for what a page offers; the operation itself
/// still asks [`authorize`]).
pub async fn allows(
    svc: &Services,
    who: &Requester,
    action: &str,
    resource: Resource<'_>,
) -> Result<bool, DomainError> {
    Ok(explain(svc, who, action, resource).await?.allowed())
}

/// Whose keys a key action is about, once `who` is authorized for `action` on them. `user` none
/// is the caller's own: the account's for the owner (the only way to them), a RAM user's own
/// otherwise.
pub async fn key_owner(
    svc: &Services,
    who: &Requester,
    user: Option<&str>,
    action: &str,
) -> Result<KeyOwner, DomainError> {
    let (owner, name) = keys_of(svc, who, user).await?;
    authorize(svc, who, action, keys_resource(name.as_deref())).await?;
    Ok(owner)
}

/// Whether `who` may do `action` on the keys [`key_owner`] would find.
pub async fn may_on_keys(
    svc: &Services,
    who: &Requester,
    user: Option<&str>,
    action: &str,
) -> Result<bool, DomainError> {
    let (_, name) = keys_of(svc, who, user).await?;
    allows(svc, who, action, keys_resource(name.as_deref())).await
}

/// The owner of the keys `user` names, and the name of the RAM user they belong to.
async fn keys_of(
    svc: &Services,
    who: &Requester,
    user: Option<&str>,
) -> Result<(KeyOwner, Option<String>), DomainError> {
    let account_id = who.principal.account_id();
    let user = match (user, who.principal) {
        (None, Principal::Owner { .. }) => return Ok((KeyOwner::Account { account_id }, None)),
        (None, Principal::RamUser { user_id, .. }) => {
            crate::domain::ram_users::find_by_id(svc, account_id, user_id).await?
        }
        (Some(name), _) => crate::domain::ram_users::find(svc, account_id, name).await?,
    };
    let owner = KeyOwner::User {
        account_id,
        user_id: user.id,
    };
    Ok((owner, Some(user.name)))
}

/// The account's own keys are the account's; a RAM user's are the user's.
fn keys_resource(user_name: Option<&str>) -> Resource<'_> {
    user_name.map_or(Resource::Account, Resource::User)
}
