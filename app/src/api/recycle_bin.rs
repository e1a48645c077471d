//! Recycle bin server functions: RAM users' deleted keys, and deleted users with theirs.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::RecycleBin;

#[server(endpoint = "list_recycle_bin")]
pub async fn list_recycle_bin() -> Result<RecycleBin, ConsoleError> {
    answer(|backend, session| async move { backend.list_recycle_bin(&session).await }).await
}

#[server(endpoint = "restore_access_key")]
pub async fn restore_access_key(access_key_id: String) -> Result<(), ConsoleError> {
    answer(
        |backend, session| async move { backend.restore_access_key(&session, access_key_id).await },
    )
    .await
}

#[server(endpoint = "purge_access_key")]
pub async fn purge_access_key(access_key_id: String) -> Result<(), ConsoleError> {
    answer(
        |backend, session| async move { backend.purge_access_key(&session, access_key_id).await },
    )
    .await
}

#[server(endpoint = "restore_user")]
pub async fn restore_user(user_id: i64) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.restore_user(&session, user_id).await }).await
}

#[server(endpoint = "purge_user")]
pub async fn purge_user(user_id: i64) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.purge_user(&session, user_id).await }).await
}
