//! The one seam between the UI and the domain (ssr only). `server` implements it and puts it in
//! the request extensions; the server functions below reach it through [`console`]. The UI crate
//! never sees the database.
use std::sync::Arc;

use tower_sessions::Session;

use crate::error::ConsoleError;
use crate::model::*;

#[async_trait::async_trait]
pub trait ConsoleBackend: Send + Sync + 'static {
    async fn setup_needed(&self) -> Result<bool, ConsoleError>;
    async fn set_up_account(
        &self,
        session: &Session,
        form: AccountSetup,
    ) -> Result<(), ConsoleError>;
    async fn sign_in(
        &self,
        session: &Session,
        email: String,
        password: String,
    ) -> Result<(), ConsoleError>;
    async fn sign_out(&self, session: &Session) -> Result<(), ConsoleError>;
    async fn current_identity(&self, session: &Session) -> Result<Option<Identity>, ConsoleError>;

    // AccessKeys: `user` None is the account's own keys; Some(name) a RAM user's.
    async fn list_access_keys(
        &self,
        session: &Session,
        user: Option<String>,
    ) -> Result<AccessKeyList, ConsoleError>;
    async fn send_verification_code(
        &self,
        session: &Session,
        user: Option<String>,
    ) -> Result<VerificationSent, ConsoleError>;
    async fn create_access_key(
        &self,
        session: &Session,
        user: Option<String>,
        verification_code: String,
    ) -> Result<NewAccessKey, ConsoleError>;
    async fn set_access_key_status(
        &self,
        session: &Session,
        user: Option<String>,
        access_key_id: String,
        status: AccessKeyStatus,
    ) -> Result<(), ConsoleError>;
    async fn delete_access_key(
        &self,
        session: &Session,
        user: Option<String>,
        access_key_id: String,
    ) -> Result<(), ConsoleError>;

    // RAM users.
    async fn list_users(
        &self,
        session: &Session,
        query: String,
        marker: Option<i64>,
    ) -> Result<UserList, ConsoleError>;
    async fn create_user(
        &self,
        session: &Session,
        form: NewUserForm,
    ) -> Result<UserRow, ConsoleError>;
    async fn get_user(&self, session: &Session, name: String) -> Result<UserDetail, ConsoleError>;
    /// Moves the user, with its keys, to the recycle bin.
    async fn delete_user(&self, session: &Session, name: String) -> Result<(), ConsoleError>;

    // The recycle bin.
    async fn recycle_bin(&self, session: &Session) -> Result<RecycleBin, ConsoleError>;
    async fn restore_access_key(
        &self,
        session: &Session,
        access_key_id: String,
    ) -> Result<(), ConsoleError>;
    async fn purge_access_key(
        &self,
        session: &Session,
        access_key_id: String,
    ) -> Result<(), ConsoleError>;
    async fn restore_user(&self, session: &Session, user_id: i64) -> Result<(), ConsoleError>;
    async fn purge_user(&self, session: &Session, user_id: i64) -> Result<(), ConsoleError>;
}

pub type SharedBackend = Arc<dyn ConsoleBackend>;

/// The backend and the caller's session for the current request. The server's layers put both in
/// the request extensions; Leptos provides the request parts to every server function and page.
pub fn console() -> Result<(SharedBackend, Session), ConsoleError> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()
        .ok_or_else(|| ConsoleError::Transport("no request in context".to_owned()))?;
    let backend = parts.extensions.get::<SharedBackend>().cloned();
    let session = parts.extensions.get::<Session>().cloned();
    backend
        .zip(session)
        .ok_or_else(|| ConsoleError::Transport("the console backend is not configured".to_owned()))
}
