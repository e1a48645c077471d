//! Network access policies: the account's and each key's allow list.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::NetworkPolicyView;

/// `access_key_id` None: the account-level policy.
#[server(endpoint = "get_network_policy")]
pub async fn get_network_policy(
    access_key_id: Option<String>,
    user: Option<String>,
) -> Result<NetworkPolicyView, ConsoleError> {
    answer(|backend, session| async move {
        backend
            .get_network_policy(&session, access_key_id, user)
            .await
    })
    .await
}

#[server(endpoint = "save_network_policy")]
pub async fn save_network_policy(
    access_key_id: Option<String>,
    user: Option<String>,
    active: bool,
    entries: Vec<String>,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .save_network_policy(&session, access_key_id, user, active, entries)
            .await
    })
    .await
}
