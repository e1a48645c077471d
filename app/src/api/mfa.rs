//! The signed-in identity's virtual MFA device.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{MfaEnrollment, MfaStatus};

#[server(endpoint = "get_mfa_status")]
pub async fn get_mfa_status() -> Result<MfaStatus, ConsoleError> {
    answer(|backend, session| async move { backend.get_mfa_status(&session).await }).await
}

/// Binding changes how the identity signs in: its password is asked again first.
#[server(endpoint = "start_mfa_binding")]
pub async fn start_mfa_binding(password: String) -> Result<MfaEnrollment, ConsoleError> {
    answer(|backend, session| async move { backend.start_mfa_binding(&session, password).await })
        .await
}

/// Two consecutive codes from the app prove it holds the key.
#[server(endpoint = "confirm_mfa_binding")]
pub async fn confirm_mfa_binding(
    first_code: String,
    second_code: String,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .confirm_mfa_binding(&session, first_code, second_code)
            .await
    })
    .await
}

#[server(endpoint = "unbind_mfa")]
pub async fn unbind_mfa(code: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.unbind_mfa(&session, code).await }).await
}
