use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{AccountSetup, Identity};

#[server(endpoint = "setup_needed")]
pub async fn setup_needed() -> Result<bool, ConsoleError> {
    answer(|backend, _| async move { backend.setup_needed().await }).await
}

#[server(endpoint = "set_up_account")]
pub async fn set_up_account(form: AccountSetup) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend.set_up_account(&session, form).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// `mfa_code`: needed (and asked for) when the identity has a virtual MFA device bound.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    mfa_code: Option<String>,
) -> Result<(), ConsoleError> {
    let source = crate::backend::client_address();
    answer(|backend, session| async move {
        backend
            .sign_in(&session, email, password, mfa_code, source)
            .await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend.sign_out(&session).await?;
        leptos_axum::redirect("/signin");
        Ok(())
    })
    .await
}

#[server(endpoint = "current_identity")]
pub async fn current_identity() -> Result<Option<Identity>, ConsoleError> {
    answer(|backend, session| async move { backend.current_identity(&session).await }).await
}
