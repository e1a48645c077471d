//! The account's security settings.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::SecuritySettings;

#[server(endpoint = "get_security_settings")]
pub async fn get_security_settings() -> Result<SecuritySettings, ConsoleError> {
    answer(|backend, session| async move { backend.security_settings(&session).await }).await
}

/// "Allow RAM users to manage their own AccessKey pairs".
#[server(endpoint = "set_allow_user_to_manage_access_keys")]
pub async fn set_allow_user_to_manage_access_keys(allow: bool) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_allow_user_to_manage_access_keys(&session, allow)
            .await
    })
    .await
}
