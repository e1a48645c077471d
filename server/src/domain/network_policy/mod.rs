//! Network access control: allow lists of IPv4/IPv6 addresses and CIDR blocks, for the whole
//! account and for single keys. A key's own policy, when active, replaces the account's; an
//! inactive policy allows everything. Every signed call with a long-term key is checked against
//! the one that applies (`gateway::auth`); the console and the IMS actions edit them here.
pub mod policy;

pub use policy::{applicable, parse_network, EntryError, NetworkPolicy, PolicyLevel, MAX_ENTRIES};

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::access_keys;
use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::permissions::{self, Requester, Resource};
use crate::domain::services::Services;
use crate::infra::entities::{access_key, account};

/// The account-level policy as stored, with no permission check (the signed path needs it).
pub(crate) async fn account_policy_of(
    svc: &Services,
    account_id: i64,
) -> Result<NetworkPolicy, DomainError> {
    let account = account::Entity::find_by_id(account_id)
        .one(&svc.db)
        .await?
        .ok_or_else(|| DomainError::Internal(format!("account {account_id} is gone")))?;
    Ok(NetworkPolicy::from_stored(
        account.network_policy.as_deref(),
    ))
}

/// The account-level policy (`ram:GetAccessKeyPolicyForAccount`).
pub async fn account_policy(svc: &Services, who: &Requester) -> Result<NetworkPolicy, DomainError> {
    permissions::authorize(
        svc,
        who,
        "ram:GetAccessKeyPolicyForAccount",
        Resource::Account,
    )
    .await?;
    account_policy_of(svc, who.principal.account_id()).await
}

/// Replaces the account-level policy (`ram:SetAccessKeyPolicyForAccount`). Every cached key is
/// dropped, so the next call with any key of the account meets the new policy.
pub async fn set_account_policy<'a>(
    by: impl Into<Author<'a>>,
    who: &Requester,
    policy: &NetworkPolicy,
) -> Result<(), DomainError> {
    let by = by.into();
    let svc = by.svc();
    permissions::authorize(
        svc,
        who,
        "ram:SetAccessKeyPolicyForAccount",
        Resource::Account,
    )
    .await?;
    let account_id = who.principal.account_id();
    let mut change = by.begin().await?;
    let updated = account::Entity::update_many()
        .col_expr(account::Column::NetworkPolicy, Expr::value(policy.stored()))
        .filter(account::Column::Id.eq(account_id))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        return Err(DomainError::Internal(format!(
            "account {account_id} is gone"
        )));
    }
    change.forget_every_key();
    change.commit().await
}

/// What governs one key: its own policy and the account's (the key's wins while active).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPolicies {
    pub own: NetworkPolicy,
    pub account: NetworkPolicy,
    /// Whether the caller who asked may also set the key's own policy.
    pub may_change: bool,
}

impl KeyPolicies {
    pub fn applicable(&self) -> Option<(PolicyLevel, &NetworkPolicy)> {
        applicable(&self.own, &self.account)
    }
}

/// A key's policies (`ram:GetAccessKeyPolicy` on its user; `user` none: the caller's own
/// keys, as for every key action).
pub async fn key_policies(
    svc: &Services,
    who: &Requester,
    user: Option<&str>,
    access_key_id: &str,
) -> Result<KeyPolicies, DomainError> {
    let owner = permissions::key_owner(svc, who, user, "ram:GetAccessKeyPolicy").await?;
    let key = access_keys::find_owned(svc, owner, access_key_id).await?;
    Ok(KeyPolicies {
        own: NetworkPolicy::from_stored(key.network_policy.as_deref()),
        account: account_policy_of(svc, who.principal.account_id()).await?,
        may_change: permissions::may_on_keys(svc, who, user, "ram:SetAccessKeyPolicy").await?,
    })
}

/// Replaces a key's own policy (`ram:SetAccessKeyPolicy` on its user). A key's own policy
/// replaces the account's, so the security preference that lets RAM users manage their own
/// keys does not include it.
pub async fn set_key_policy<'a>(
    by: impl Into<Author<'a>>,
    who: &Requester,
    user: Option<&str>,
    access_key_id: &str,
    policy: &NetworkPolicy,
) -> Result<(), DomainError> {
    let by = by.into();
    let svc = by.svc();
    let owner = permissions::key_owner(svc, who, user, "ram:SetAccessKeyPolicy").await?;
    let key = access_keys::find_owned(svc, owner, access_key_id).await?;
    let mut change = by.begin().await?;
    access_key::Entity::update_many()
        .col_expr(
            access_key::Column::NetworkPolicy,
            Expr::value(policy.stored()),
        )
        .filter(access_key::Column::AccessKeyId.eq(&key.access_key_id))
        .exec(change.db())
        .await?;
    change.forget_key(&key.access_key_id);
    change.commit().await
}
