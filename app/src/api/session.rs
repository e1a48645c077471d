use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::console;
use crate::error::ConsoleError;
use crate::model::{AccountSetup, Identity};

#[server(endpoint = "setup_needed")]
pub async fn setup_needed() -> Result<bool, ConsoleError> {
    console()?.0.setup_needed().await
}

#[server(endpoint = "set_up_account")]
pub async fn set_up_account(form: AccountSetup) -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend.set_up_account(&session, form).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend.sign_in(&session, email, password).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend.sign_out(&session).await?;
    leptos_axum::redirect("/signin");
    Ok(())
}

#[server(endpoint = "current_identity")]
pub async fn current_identity() -> Result<Option<Identity>, ConsoleError> {
    let (backend, session) = console()?;
    backend.current_identity(&session).await
}
