//! Where a principal's [`PolicySet`] comes from: its own attachments, its groups', the custom
//! policies' default versions, and the account's security preference.
use std::collections::BTreeSet;
use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::policy_set::{own_keys_document, AppliedPolicy, PolicySet, Via, OWNER, OWN_KEYS_POLICY};
use crate::domain::error::DomainError;
use crate::domain::policy::{PolicyDocument, PolicyType, SystemPolicy};
use crate::domain::principal::Principal;
use crate::domain::services::Services;
use crate::infra::entities::{
    account, group_member, group_policy, policy, policy_version, ram_group, user_policy,
};

/// The policies that apply to `principal` (cached, see [`PolicySetCache`]).
pub async fn policy_set(
    svc: &Services,
    principal: Principal,
) -> Result<Arc<PolicySet>, DomainError> {
    let Principal::RamUser {
        account_id,
        user_id,
    } = principal
    else {
        return Ok(OWNER.clone());
    };
    if let Some(set) = svc.permissions_cache.get(&(account_id, user_id)) {
        return Ok(set);
    }
    let set = Arc::new(load(svc, account_id, user_id).await?);
    svc.permissions_cache
        .put((account_id, user_id), set.clone());
    Ok(set)
}

async fn load(svc: &Services, account_id: i64, user_id: i64) -> Result<PolicySet, DomainError> {
    // A deleted (recycled) user keeps nothing, even with a session or key still in hand.
    let user = match crate::domain::ram_users::find_by_id(svc, account_id, user_id).await {
        Ok(user) => user,
        Err(DomainError::NotFound { .. }) => return Ok(PolicySet::default()),
        Err(e) => return Err(e),
    };
    let mut attached: Vec<(PolicyType, String, Via)> = user_policy::Entity::find()
        .filter(user_policy::Column::UserId.eq(user_id))
        .all(&svc.db)
        .await?
        .into_iter()
        .filter_map(|a| Some((PolicyType::parse(&a.policy_type)?, a.policy_name, Via::User)))
        .collect();
    let group_ids: Vec<i64> = group_member::Entity::find()
        .filter(group_member::Column::UserId.eq(user_id))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|m| m.group_id)
        .collect();
    if !group_ids.is_empty() {
        let groups = ram_group::Entity::find()
            .filter(ram_group::Column::Id.is_in(group_ids.clone()))
            .filter(ram_group::Column::AccountId.eq(account_id))
            .all(&svc.db)
            .await?;
        let attachments = group_policy::Entity::find()
            .filter(group_policy::Column::GroupId.is_in(group_ids))
            .all(&svc.db)
            .await?;
        for a in attachments {
            let (Some(kind), Some(group)) = (
                PolicyType::parse(&a.policy_type),
                groups.iter().find(|g| g.id == a.group_id),
            ) else {
                continue;
            };
            attached.push((kind, a.policy_name, Via::Group(group.name.clone())));
        }
    }
    let custom: BTreeSet<&str> = attached
        .iter()
        .filter(|(kind, ..)| *kind == PolicyType::Custom)
        .map(|(_, name, _)| name.as_str())
        .collect();
    let custom = custom_documents(svc, account_id, custom).await?;
    let mut policies = Vec::with_capacity(attached.len() + 1);
    for (policy_type, name, via) in attached {
        let document = match policy_type {
            PolicyType::System => SystemPolicy::find(&name).map(SystemPolicy::document),
            PolicyType::Custom => custom
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, d)| d.clone()),
        };
        // Anything not in the catalogue (or gone) is ignored rather than trusted.
        if let Some(document) = document {
            policies.push(AppliedPolicy {
                name,
                policy_type,
                via,
                document,
            });
        }
    }
    let preference = account::Entity::find_by_id(account_id).one(&svc.db).await?;
    if preference.is_some_and(|a| a.allow_user_to_manage_access_keys) {
        policies.push(AppliedPolicy {
            name: OWN_KEYS_POLICY.to_owned(),
            policy_type: PolicyType::System,
            via: Via::SecurityPreference,
            document: Arc::new(own_keys_document(account_id, &user.name)),
        });
    }
    Ok(PolicySet {
        user_name: Some(user.name),
        policies,
    })
}

/// The documents in force (each policy's default version) of the named custom policies.
async fn custom_documents(
    svc: &Services,
    account_id: i64,
    names: BTreeSet<&str>,
) -> Result<Vec<(String, Arc<PolicyDocument>)>, DomainError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let policies = policy::Entity::find()
        .filter(policy::Column::AccountId.eq(account_id))
        .filter(policy::Column::Name.is_in(names))
        .all(&svc.db)
        .await?;
    let mut documents = Vec::with_capacity(policies.len());
    for p in policies {
        let Some(version) = policy_version::Entity::find_by_id((p.id, p.default_version))
            .one(&svc.db)
            .await?
        else {
            continue;
        };
        // Checked when stored; one that no longer parses (a stricter server) allows nothing.
        match PolicyDocument::parse(&version.document) {
            Ok(document) => documents.push((p.name, Arc::new(document))),
            Err(error) => tracing::warn!("custom policy {} no longer parses: {error}", p.name),
        }
    }
    Ok(documents)
}
