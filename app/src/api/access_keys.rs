use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::console;
use crate::error::ConsoleError;
use crate::model::{AccessKeyList, AccessKeyStatus, NewAccessKey, VerificationSent};

#[server(endpoint = "list_access_keys")]
pub async fn list_access_keys() -> Result<AccessKeyList, ConsoleError> {
    let (backend, session) = console()?;
    backend.list_access_keys(&session).await
}

#[server(endpoint = "send_verification_code")]
pub async fn send_verification_code() -> Result<VerificationSent, ConsoleError> {
    let (backend, session) = console()?;
    backend.send_verification_code(&session).await
}

#[server(endpoint = "create_access_key")]
pub async fn create_access_key(verification_code: String) -> Result<NewAccessKey, ConsoleError> {
    let (backend, session) = console()?;
    backend.create_access_key(&session, verification_code).await
}

#[server(endpoint = "set_access_key_status")]
pub async fn set_access_key_status(
    access_key_id: String,
    status: AccessKeyStatus,
) -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend
        .set_access_key_status(&session, access_key_id, status)
        .await
}

#[server(endpoint = "delete_access_key")]
pub async fn delete_access_key(access_key_id: String) -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend.delete_access_key(&session, access_key_id).await
}
