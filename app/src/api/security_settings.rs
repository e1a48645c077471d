//! The account's security settings.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{SecuritySettings, SecuritySettingsChanges};

#[server(endpoint = "get_security_settings")]
pub async fn get_security_settings() -> Result<SecuritySettings, ConsoleError> {
    answer(|backend, session| async move { backend.get_security_settings(&session).await }).await
}

/// Saves the settings given; the others stay as they are.
#[server(endpoint = "save_security_settings")]
pub async fn save_security_settings(changes: SecuritySettingsChanges) -> Result<(), ConsoleError> {
    answer(
        |backend, session| async move { backend.save_security_settings(&session, changes).await },
    )
    .await
}
