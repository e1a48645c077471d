//! AccessKey server functions. `user`: None is the account's own keys, Some(name) a RAM user's.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{AccessKeyList, AccessKeyStatus, NewAccessKey, VerificationSent};

#[server(endpoint = "list_access_keys")]
pub async fn list_access_keys(user: Option<String>) -> Result<AccessKeyList, ConsoleError> {
    answer(|backend, session| async move { backend.list_access_keys(&session, user).await }).await
}

#[server(endpoint = "send_verification_code")]
pub async fn send_verification_code(
    user: Option<String>,
) -> Result<VerificationSent, ConsoleError> {
    answer(|backend, session| async move { backend.send_verification_code(&session, user).await })
        .await
}

#[server(endpoint = "create_access_key")]
pub async fn create_access_key(
    user: Option<String>,
    verification_code: String,
) -> Result<NewAccessKey, ConsoleError> {
    answer(|backend, session| async move {
        backend
            .create_access_key(&session, user, verification_code)
            .await
    })
    .await
}

#[server(endpoint = "set_access_key_status")]
pub async fn set_access_key_status(
    user: Option<String>,
    access_key_id: String,
    status: AccessKeyStatus,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_access_key_status(&session, user, access_key_id, status)
            .await
    })
    .await
}

#[server(endpoint = "delete_access_key")]
pub async fn delete_access_key(
    user: Option<String>,
    access_key_id: String,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .delete_access_key(&session, user, access_key_id)
            .await
    })
    .await
}

/// Report Leak: the key fails every call from now on, for good.
#[server(endpoint = "report_access_key_leak")]
pub async fn report_access_key_leak(
    user: Option<String>,
    access_key_id: String,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .report_access_key_leak(&session, user, access_key_id)
            .await
    })
    .await
}
