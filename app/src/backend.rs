//! The one seam between the UI and the domain (ssr only). `server` implements it and puts it in
//! the request extensions; the server functions below reach it through [`console`]. The UI crate
//! never sees the database.
use std::net::IpAddr;
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
        mfa_code: Option<String>,
        source: Option<IpAddr>,
    ) -> Result<(), ConsoleError>;
    async fn sign_out(&self, session: &Session) -> Result<(), ConsoleError>;
    async fn current_identity(&self, session: &Session) -> Result<Option<Identity>, ConsoleError>;

    // AccessKeys: `user` None is the caller's own (the account's for the owner, a RAM user's own
    // for a RAM user); Some(name) that RAM user's.
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
    /// Flags the key as leaked: every call with it fails from now on, for good.
    async fn report_access_key_leak(
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
        before: Option<i64>,
    ) -> Result<UserList, ConsoleError>;
    async fn create_user(
        &self,
        session: &Session,
        form: NewUserForm,
    ) -> Result<UserRow, ConsoleError>;
    async fn get_user(&self, session: &Session, name: String) -> Result<UserDetail, ConsoleError>;
    async fn update_user(
        &self,
        session: &Session,
        name: String,
        edit: UserEdit,
    ) -> Result<(), ConsoleError>;
    /// Sets or resets the console password.
    async fn set_console_password(
        &self,
        session: &Session,
        name: String,
        password: String,
    ) -> Result<(), ConsoleError>;
    /// Removes console sign-in for the user.
    async fn remove_console_password(
        &self,
        session: &Session,
        name: String,
    ) -> Result<(), ConsoleError>;
    async fn set_policy_attached(
        &self,
        session: &Session,
        name: String,
        policy: String,
        attached: bool,
    ) -> Result<(), ConsoleError>;
    /// Moves the user, with its keys, to the recycle bin.
    async fn delete_user(&self, session: &Session, name: String) -> Result<(), ConsoleError>;

    // The account's security settings.
    async fn get_security_settings(
        &self,
        session: &Session,
    ) -> Result<SecuritySettings, ConsoleError>;
    async fn save_security_settings(
        &self,
        session: &Session,
        changes: SecuritySettingsChanges,
    ) -> Result<(), ConsoleError>;

    // Network access policies: `access_key_id` None is the account's; `user` names a RAM
    // user's key as for the other key actions.
    async fn get_network_policy(
        &self,
        session: &Session,
        access_key_id: Option<String>,
        user: Option<String>,
    ) -> Result<NetworkPolicyView, ConsoleError>;
    async fn save_network_policy(
        &self,
        session: &Session,
        access_key_id: Option<String>,
        user: Option<String>,
        active: bool,
        entries: Vec<String>,
    ) -> Result<(), ConsoleError>;

    // The signed-in identity's virtual MFA device.
    async fn get_mfa_status(&self, session: &Session) -> Result<MfaStatus, ConsoleError>;
    /// A new key to add to an authenticator app, once the password is confirmed again; binding
    /// ends with [`Self::confirm_mfa_binding`].
    async fn start_mfa_binding(
        &self,
        session: &Session,
        password: String,
    ) -> Result<MfaEnrollment, ConsoleError>;
    async fn confirm_mfa_binding(
        &self,
        session: &Session,
        first_code: String,
        second_code: String,
    ) -> Result<(), ConsoleError>;
    async fn unbind_mfa(&self, session: &Session, code: String) -> Result<(), ConsoleError>;

    // The audit trail.
    async fn list_audit_events(
        &self,
        session: &Session,
        filter: AuditFilter,
        after: Option<i64>,
    ) -> Result<AuditEventPage, ConsoleError>;

    // The recycle bin.
    async fn list_recycle_bin(&self, session: &Session) -> Result<RecycleBin, ConsoleError>;
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

    // Policies, and what they decide.
    async fn list_policies(
        &self,
        session: &Session,
        query: String,
    ) -> Result<PolicyList, ConsoleError>;
    async fn get_policy(
        &self,
        session: &Session,
        policy_type: String,
        name: String,
    ) -> Result<PolicyDetail, ConsoleError>;
    async fn check_policy_document(
        &self,
        session: &Session,
        document: String,
    ) -> Result<DocumentCheck, ConsoleError>;
    async fn create_policy(
        &self,
        session: &Session,
        form: NewPolicyForm,
    ) -> Result<(), ConsoleError>;
    async fn set_default_policy_version(
        &self,
        session: &Session,
        name: String,
        version_id: String,
    ) -> Result<(), ConsoleError>;
    async fn delete_policy_version(
        &self,
        session: &Session,
        name: String,
        version_id: String,
    ) -> Result<(), ConsoleError>;
    async fn check_access(
        &self,
        session: &Session,
        question: AccessQuestion,
    ) -> Result<AccessAnswer, ConsoleError>;

    // User groups.
    async fn list_groups(&self, session: &Session) -> Result<GroupList, ConsoleError>;
    async fn create_group(
        &self,
        session: &Session,
        name: String,
        comments: String,
    ) -> Result<(), ConsoleError>;
    async fn delete_group(&self, session: &Session, name: String) -> Result<(), ConsoleError>;
    async fn get_group(&self, session: &Session, name: String)
        -> Result<GroupDetail, ConsoleError>;
    async fn set_group_member(
        &self,
        session: &Session,
        group: String,
        user: String,
        member: bool,
    ) -> Result<(), ConsoleError>;
    async fn set_group_policy_attached(
        &self,
        session: &Session,
        group: String,
        policy: String,
        attached: bool,
    ) -> Result<(), ConsoleError>;
}

pub type SharedBackend = Arc<dyn ConsoleBackend>;

/// Runs a server function's body with the backend and the caller's session, and answers a
/// failure with the HTTP status that says what kind it is (401, 403, 404, …), never a bare 500.
pub async fn answer<T, Body>(
    body: impl FnOnce(SharedBackend, Session) -> Body,
) -> Result<T, ConsoleError>
where
    Body: std::future::Future<Output = Result<T, ConsoleError>>,
{
    let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>();
    let result = match console() {
        Ok((backend, session)) => body(backend, session).await,
        Err(error) => Err(error),
    };
    if let (Err(error), Some(response)) = (&result, response) {
        response.set_status(error.http_status());
    }
    result
}

/// The client's address as the server worked it out (its peer, or the address a trusted proxy
/// forwarded); the server's layers put it in the request extensions.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub IpAddr);

/// The current request's [`ClientAddress`], when known.
pub fn client_address() -> Option<IpAddr> {
    leptos::prelude::use_context::<axum::http::request::Parts>()?
        .extensions
        .get::<ClientAddress>()
        .map(|ClientAddress(ip)| *ip)
}

/// The backend and the caller's session for the current request. The server's layers put both in
/// the request extensions; Leptos provides the request parts to every server function and page.
fn console() -> Result<(SharedBackend, Session), ConsoleError> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()
        .ok_or_else(|| ConsoleError::Transport("no request in context".to_owned()))?;
    let backend = parts.extensions.get::<SharedBackend>().cloned();
    let session = parts.extensions.get::<Session>().cloned();
    backend
        .zip(session)
        .ok_or_else(|| ConsoleError::Transport("the console backend is not configured".to_owned()))
}
