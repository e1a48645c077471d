//! The signing material a signed call is verified with, by AccessKey ID: from the cache, else
//! read, decrypted and put in the cache (see [`crate::domain::key_cache`]).
use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::domain::access_keys::reveal_secret;
use crate::domain::error::DomainError;
use crate::domain::key_cache::SigningKey;
use crate::domain::network_policy::{self, NetworkPolicy};
use crate::domain::services::Services;
use crate::infra::entities::access_key::{self, Status};
use crate::infra::signing_key::SignatureKey;

/// The signing material of a live key (not in the recycle bin), from the cache or else the
/// database; `None` if there is no such key.
pub async fn signing_key(
    svc: &Services,
    access_key_id: &str,
) -> Result<Option<Arc<SigningKey>>, DomainError> {
    if let Some(cached) = svc.key_cache.get(access_key_id) {
        return Ok(cached);
    }
    let key = access_key::Entity::find_by_id(access_key_id.to_owned())
        .filter(access_key::Column::RecycledAt.is_null())
        .one(&svc.db)
        .await?;
    let signing = match key {
        Some(key) => Some(Arc::new({
            let secret = reveal_secret(svc, &key)?;
            SigningKey {
                signature_key: SignatureKey::new(&secret),
                secret,
                active: key.status == Status::Active,
                leaked: key.leaked_at.is_some(),
                network_policy: {
                    let own = NetworkPolicy::from_stored(key.network_policy.as_deref());
                    let account = network_policy::account_policy_of(svc, key.account_id).await?;
                    network_policy::applicable(&own, &account).map(|(level, p)| (level, p.clone()))
                },
                account_id: key.account_id,
                user_id: key.user_id,
                access_key_id: key.access_key_id,
            }
        })),
        None => None,
    };
    svc.key_cache.put(access_key_id.to_owned(), signing.clone());
    Ok(signing)
}
