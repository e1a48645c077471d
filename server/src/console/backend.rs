//! The console's side of the seam: `app`'s server functions land here, and this calls the same
//! domain functions the API uses. Only glue: sessions in, typed errors out.
use std::net::IpAddr;
use std::sync::Arc;

use app::backend::ConsoleBackend;
use app::error::ConsoleError;
use app::model::*;
use tower_sessions::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use tower_sessions::{Expiry, Session};

use super::audit::{Answer, Operation};
use super::errors::{entry_errors, internal};
use super::views::{
    audit_row, event_filter, format_time, status_of, AUDIT_EVENTS_PER_PAGE, USERS_PER_PAGE,
};
use crate::domain::access_keys::{self, KeyOwner};
use crate::domain::audit;
use crate::domain::change::{Author, Record};
use crate::domain::error::DomainError;
use crate::domain::identity::{self, NewAccount, SignIn};
use crate::domain::leaks;
use crate::domain::mfa;
use crate::domain::network_policy::{self, NetworkPolicy, PolicyLevel};
use crate::domain::permissions::{self, Requester, Resource, SystemPolicy};
use crate::domain::policy::PolicyType;
use crate::domain::principal::Principal;
use crate::domain::ram_users::{self, KeyHolder, NewRamUser, UserChanges, UserKeys};
use crate::domain::recycle_bin;
use crate::domain::security_preference::{self, PreferenceChanges};
use crate::domain::services::Services;
use crate::domain::verification::{self, Purpose};
use crate::infra::entities::access_key::Status;
use crate::infra::entities::ram_user;

/// The session key under which the signed-in principal lives.
const PRINCIPAL: &str = "principal";
/// The principal's session epoch when this session started or last changed a credential
/// ([`identity::sessions`]): an older one than the identity's means the session has ended.
const EPOCH: &str = "epoch";
/// What the sign-in brought for policy conditions: the address it came from, and whether an
/// MFA code was entered.
const SOURCE_IP: &str = "source_ip";
const MFA_PRESENT: &str = "mfa_present";

pub struct Console(pub Arc<Services>);

impl Console {
    /// The principal signed in on this session, if any.
    async fn signed_in(&self, session: &Session) -> Option<Principal> {
        session.get::<Principal>(PRINCIPAL).await.ok().flatten()
    }

    /// Runs an operation that changes something and puts it in the audit trail: who (signed in
    /// before it, or by it), what, and how it ended. `work` hands its change to the domain `by`
    /// this caller, so that a change commits with its event; a failure, or an operation that
    /// changed nothing in the database, is queued instead. Without a principal (a failed sign-in,
    /// an expired session) there is no account to record it for.
    pub(super) async fn recorded<'s, T: Answer, F>(
        &'s self,
        session: &Session,
        operation: Operation,
        work: impl FnOnce(Author<'s>) -> F,
    ) -> Result<T, ConsoleError>
    where
        F: std::future::Future<Output = Result<T, ConsoleError>>,
    {
        let before = self.signed_in(session).await;
        let event = operation.event(before, self.0.clock.now());
        let record = match before {
            Some(_) => Record::new(event),
            None => Record::of_whoever_it_admits(event),
        };
        let result = work(self.0.author(Some(record.clone()))).await;
        let principal = match before {
            Some(principal) => Some(principal),
            None => self.signed_in(session).await,
        };
        if let Some(principal) = principal {
            if !record.written() {
                let event = Operation::ended(record.event().clone(), principal, &result);
                self.0.audit.record(event);
            }
            // A change this session made to its own credentials ends the identity's other
            // sessions, not this one.
            if result.is_ok() && before.is_some() {
                self.keep_epoch(session, principal).await?;
            }
        }
        result
    }

    /// The signed-in principal, if its session has not ended: signed out, or a credential of
    /// its identity changed since it started (elsewhere, or by an administrator).
    pub(super) async fn principal(&self, session: &Session) -> Result<Principal, ConsoleError> {
        let principal = session
            .get::<Principal>(PRINCIPAL)
            .await
            .map_err(internal)?
            .ok_or(ConsoleError::NotSignedIn)?;
        let started_in = session.get::<i64>(EPOCH).await.map_err(internal)?;
        let current = identity::sessions::session_epoch(&self.0, principal).await?;
        if current.is_none() || current != started_in {
            session.flush().await.map_err(internal)?;
            return Err(ConsoleError::NotSignedIn);
        }
        Ok(principal)
    }

    /// Records the identity's current epoch in this session.
    async fn keep_epoch(
        &self,
        session: &Session,
        principal: Principal,
    ) -> Result<(), ConsoleError> {
        if session
            .get::<Principal>(PRINCIPAL)
            .await
            .map_err(internal)?
            != Some(principal)
        {
            return Ok(());
        }
        if let Some(epoch) = identity::sessions::session_epoch(&self.0, principal).await? {
            session.insert(EPOCH, epoch).await.map_err(internal)?;
        }
        Ok(())
    }

    /// The signed-in principal with what its sign-in brought for policy conditions.
    pub(super) async fn requester(&self, session: &Session) -> Result<Requester, ConsoleError> {
        let principal = self.principal(session).await?;
        Ok(Requester {
            principal,
            // This request's own address; the sign-in's where there is none (a plain download).
            source_ip: match app::backend::client_address() {
                Some(ip) => Some(ip),
                None => session
                    .get::<Option<IpAddr>>(SOURCE_IP)
                    .await
                    .map_err(internal)?
                    .flatten(),
            },
            mfa_present: session
                .get(MFA_PRESENT)
                .await
                .map_err(internal)?
                .unwrap_or(false),
            // The console's transport is the operator's proxy's business; nothing says it here.
            secure_transport: false,
        })
    }

    /// The signed-in caller, once authorized for `action` (such as `ram:CreateUser`) on
    /// `resource`: the one question every console operation asks, as every API action does.
    pub(super) async fn authorized(
        &self,
        session: &Session,
        action: &str,
        resource: Resource<'_>,
    ) -> Result<Requester, ConsoleError> {
        let who = self.requester(session).await?;
        permissions::authorize(&self.0, &who, action, resource).await?;
        Ok(who)
    }

    /// Whose keys a key operation is about, once the caller is authorized for `action` on them
    /// (the rule itself is [`permissions::key_owner`]).
    async fn key_owner(
        &self,
        session: &Session,
        user: Option<&str>,
        action: &str,
    ) -> Result<(Requester, KeyOwner), ConsoleError> {
        let who = self.requester(session).await?;
        let owner = permissions::key_owner(&self.0, &who, user, action).await?;
        Ok((who, owner))
    }

    async fn allows(
        &self,
        who: &Requester,
        action: &str,
        resource: Resource<'_>,
    ) -> Result<bool, ConsoleError> {
        Ok(permissions::allows(&self.0, who, action, resource).await?)
    }

    async fn user_row(&self, user: ram_user::Model, alias: &str) -> UserRow {
        UserRow {
            logon_name: identity::ram_logon_name(&user.name, alias),
            name: user.name,
            display_name: user.display_name,
            created: format_time(&user.created_at),
            last_login: user.last_login_at.as_ref().map(format_time),
        }
    }

    async fn account_alias(&self, account_id: i64) -> Result<String, ConsoleError> {
        Ok(identity::find_account(&self.0, account_id)
            .await?
            .map(|a| a.alias)
            .unwrap_or_default())
    }

    /// Sets (`Some`) or removes (`None`) a RAM user's console password.
    async fn console_password(
        &self,
        by: Author<'_>,
        session: &Session,
        name: &str,
        password: Option<String>,
    ) -> Result<(), ConsoleError> {
        let action = match password {
            Some(_) => "ram:UpdateLoginProfile",
            None => "ram:DeleteLoginProfile",
        };
        let who = self
            .authorized(session, action, Resource::User(name))
            .await?;
        let account_id = who.principal.account_id();
        let user = ram_users::find(&self.0, account_id, name).await?;
        Ok(ram_users::set_console_password(by, account_id, user.id, password).await?)
    }

    /// A fresh session id at every sign-in, so a planted cookie never becomes signed in.
    async fn start_session(
        &self,
        session: &Session,
        principal: Principal,
        source: Option<IpAddr>,
        mfa_present: bool,
    ) -> Result<(), ConsoleError> {
        session.cycle_id().await.map_err(internal)?;
        session.insert(SOURCE_IP, source).await.map_err(internal)?;
        session
            .insert(MFA_PRESENT, mfa_present)
            .await
            .map_err(internal)?;
        // A RAM user's sign-in lasts as long as the account's security preference says; the
        // owner's ends after the console's inactivity timeout.
        if let Principal::RamUser { account_id, .. } = principal {
            let lasts = security_preference::get(&self.0, account_id)
                .await?
                .login_session_hours;
            session.set_expiry(Some(Expiry::AtDateTime(
                OffsetDateTime::now_utc() + CookieDuration::hours(lasts.into()),
            )));
        }
        session
            .insert(PRINCIPAL, principal)
            .await
            .map_err(internal)?;
        self.keep_epoch(session, principal).await
    }
}

#[async_trait::async_trait]
impl ConsoleBackend for Console {
    async fn setup_needed(&self) -> Result<bool, ConsoleError> {
        Ok(identity::setup_needed(&self.0).await?)
    }

    async fn set_up_account(
        &self,
        session: &Session,
        form: AccountSetup,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("SetUpAccount")
            .with("alias", &form.alias)
            .with("email", &form.email);
        self.recorded(session, operation, |by| async move {
            let new = NewAccount {
                alias: form.alias,
                email: form.email,
                mobile_phone: form.mobile_phone,
                password: form.password,
            };
            let principal = identity::set_up_first_account(by, new, &form.confirm_password).await?;
            self.start_session(session, principal, None, false).await
        })
        .await
    }

    async fn sign_in(
        &self,
        session: &Session,
        email: String,
        password: String,
        mfa_code: Option<String>,
        source: Option<IpAddr>,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("ConsoleSignin").with("email", &email);
        self.recorded(session, operation, |by| async move {
            match identity::sign_in(by, &email, &password, mfa_code.as_deref(), source).await? {
                // A code is asked for only when a device is bound, and checked when given.
                SignIn::Complete(principal) => {
                    let mfa_present = mfa_code.is_some_and(|c| !c.is_empty())
                        && mfa::is_bound(&self.0, principal).await?;
                    self.start_session(session, principal, source, mfa_present)
                        .await
                }
                // The password was right: the form now asks for the device's code too.
                SignIn::NeedsMfaCode => Err(ConsoleError::invalid(
                    "mfa_code",
                    "Enter the 6-digit code from your virtual MFA device.",
                )),
            }
        })
        .await
    }

    async fn sign_out(&self, session: &Session) -> Result<(), ConsoleError> {
        let operation = Operation::write("ConsoleSignout");
        // Ends the session: nothing of the account's changes, so its event is queued.
        self.recorded(session, operation, |_| async move {
            session.flush().await.map_err(internal)
        })
        .await
    }

    async fn current_identity(&self, session: &Session) -> Result<Option<Identity>, ConsoleError> {
        let principal = match self.principal(session).await {
            Ok(principal) => principal,
            Err(ConsoleError::NotSignedIn) => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(account) = identity::find_account(&self.0, principal.account_id()).await? else {
            session.flush().await.map_err(internal)?;
            return Ok(None);
        };
        let who = self.requester(session).await?;
        let can_view_users = self.allows(&who, "ram:ListUsers", Resource::Users).await?;
        let (sign_in_name, user_name) = match principal {
            Principal::Owner { .. } => (account.email, None),
            Principal::RamUser { user_id, .. } => {
                let user = match ram_users::find_by_id(&self.0, account.id, user_id).await {
                    Ok(user) => user,
                    // Deleted since signing in: the session ends.
                    Err(DomainError::NotFound { .. }) => {
                        session.flush().await.map_err(internal)?;
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                };
                (
                    identity::ram_logon_name(&user.name, &account.alias),
                    Some(user.name),
                )
            }
        };
        Ok(Some(Identity {
            account_alias: account.alias,
            sign_in_name,
            is_owner: matches!(principal, Principal::Owner { .. }),
            user_name,
            can_view_users,
            mfa_bound: mfa::is_bound(&self.0, principal).await?,
        }))
    }

    async fn get_mfa_status(&self, session: &Session) -> Result<MfaStatus, ConsoleError> {
        let principal = self.principal(session).await?;
        Ok(MfaStatus {
            bound: mfa::is_bound(&self.0, principal).await?,
            why_not_manageable: (!mfa::may_manage(&self.0, principal).await?)
                .then(|| mfa::NOT_ALLOWED.to_owned()),
        })
    }

    async fn start_mfa_binding(
        &self,
        session: &Session,
        password: String,
    ) -> Result<MfaEnrollment, ConsoleError> {
        let operation = Operation::write("CreateVirtualMFADevice");
        self.recorded(session, operation, |by| async move {
            let principal = self.principal(session).await?;
            let label = match self.current_identity(session).await? {
                Some(identity) => identity.sign_in_name,
                None => return Err(ConsoleError::NotSignedIn),
            };
            let enrollment = mfa::start_binding(by, principal, &label, &password).await?;
            Ok(MfaEnrollment {
                secret_base32: enrollment.secret_base32.to_string(),
                otpauth_url: enrollment.otpauth_url.to_string(),
                qr_svg: enrollment.qr_svg,
            })
        })
        .await
    }

    async fn confirm_mfa_binding(
        &self,
        session: &Session,
        first_code: String,
        second_code: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("BindMFADevice");
        self.recorded(session, operation, |by| async move {
            let principal = self.principal(session).await?;
            Ok(mfa::confirm_binding(by, principal, &first_code, &second_code).await?)
        })
        .await
    }

    async fn unbind_mfa(&self, session: &Session, code: String) -> Result<(), ConsoleError> {
        let operation = Operation::write("UnbindMFADevice");
        self.recorded(session, operation, |by| async move {
            let principal = self.principal(session).await?;
            Ok(mfa::unbind(by, principal, &code).await?)
        })
        .await
    }

    async fn list_access_keys(
        &self,
        session: &Session,
        user: Option<String>,
    ) -> Result<AccessKeyList, ConsoleError> {
        let (who, owner) = self
            .key_owner(session, user.as_deref(), "ram:ListAccessKeys")
            .await?;
        let now = self.0.clock.now();
        let keys = access_keys::list(&self.0, owner)
            .await?
            .into_iter()
            .map(|key| AccessKeyRow {
                used_recently: access_keys::used_recently(&self.0, &key, now),
                access_key_id: key.access_key_id,
                status: status_of(key.status),
                created: format_time(&key.created_at),
                last_used: key.last_used_at.as_ref().map(format_time),
                leaked: key.leaked_at.is_some(),
            })
            .collect();
        let (limit, delete_recycles) = match owner {
            KeyOwner::Account { .. } => (self.0.settings.max_account_access_keys, false),
            KeyOwner::User { .. } => (access_keys::MAX_USER_ACCESS_KEYS, true),
        };
        let can_manage =
            permissions::may_on_keys(&self.0, &who, user.as_deref(), "ram:CreateAccessKey").await?;
        Ok(AccessKeyList {
            keys,
            limit,
            can_manage,
            delete_recycles,
        })
    }

    async fn send_verification_code(
        &self,
        session: &Session,
        user: Option<String>,
    ) -> Result<VerificationSent, ConsoleError> {
        let operation = Operation::write("SendVerificationCode").with_some("user", user.as_deref());
        self.recorded(session, operation, |by| async move {
            let (who, owner) = self
                .key_owner(session, user.as_deref(), "ram:CreateAccessKey")
                .await?;
            access_keys::ensure_below_limit(&self.0, owner).await?;
            let sent = verification::send_code(by, who.principal, Purpose::CreateAccessKey).await?;
            Ok(VerificationSent {
                masked_phone: sent.masked_phone,
                expires_in_secs: sent.expires_in.num_seconds() as u32,
                resend_after_secs: sent.resend_after.num_seconds() as u32,
            })
        })
        .await
    }

    async fn create_access_key(
        &self,
        session: &Session,
        user: Option<String>,
        verification_code: String,
    ) -> Result<NewAccessKey, ConsoleError> {
        let operation = Operation::write("CreateAccessKey").with_some("user", user.as_deref());
        self.recorded(session, operation, |by| async move {
            let (who, owner) = self
                .key_owner(session, user.as_deref(), "ram:CreateAccessKey")
                .await?;
            access_keys::ensure_below_limit(&self.0, owner).await?;
            verification::confirm(
                &self.0,
                who.principal,
                Purpose::CreateAccessKey,
                &verification_code,
            )
            .await?;
            let created = access_keys::create(by, owner).await?;
            Ok(NewAccessKey {
                access_key_id: created.key.access_key_id,
                access_key_secret: created.secret.to_string(),
                status: status_of(created.key.status),
                created: format_time(&created.key.created_at),
            })
        })
        .await
    }

    async fn set_access_key_status(
        &self,
        session: &Session,
        user: Option<String>,
        access_key_id: String,
        status: AccessKeyStatus,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("UpdateAccessKey")
            .with_some("user", user.as_deref())
            .on_key(&access_key_id)
            .with("status", status.as_str());
        self.recorded(session, operation, |by| async move {
            let (_, owner) = self
                .key_owner(session, user.as_deref(), "ram:UpdateAccessKey")
                .await?;
            let status = match status {
                AccessKeyStatus::Active => Status::Active,
                AccessKeyStatus::Inactive => Status::Inactive,
            };
            Ok(access_keys::set_status(by, owner, &access_key_id, status).await?)
        })
        .await
    }

    async fn delete_access_key(
        &self,
        session: &Session,
        user: Option<String>,
        access_key_id: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteAccessKey")
            .with_some("user", user.as_deref())
            .on_key(&access_key_id);
        self.recorded(session, operation, |by| async move {
            let (_, owner) = self
                .key_owner(session, user.as_deref(), "ram:DeleteAccessKey")
                .await?;
            Ok(access_keys::delete(
                by,
                owner,
                &access_key_id,
                access_keys::DeleteGuard::Inactive,
            )
            .await?)
        })
        .await
    }

    async fn report_access_key_leak(
        &self,
        session: &Session,
        user: Option<String>,
        access_key_id: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("ReportAccessKeyLeak")
            .with_some("user", user.as_deref())
            .on_key(&access_key_id);
        self.recorded(session, operation, |by| async move {
            let who = self.requester(session).await?;
            Ok(leaks::report(by, &who, user.as_deref(), &access_key_id).await?)
        })
        .await
    }

    async fn list_users(
        &self,
        session: &Session,
        query: String,
        marker: Option<i64>,
        before: Option<i64>,
    ) -> Result<UserList, ConsoleError> {
        let who = self
            .authorized(session, "ram:ListUsers", Resource::Users)
            .await?;
        let account_id = who.principal.account_id();
        let query = query.trim();
        let found = |users: Vec<ram_user::Model>| {
            let total = users.len() as u64;
            ram_users::UsersWindow {
                users,
                next_marker: None,
                previous_marker: None,
                offset: 0,
                total,
            }
        };
        let (window, account_key) = if query.is_empty() {
            let cursor = match (marker, before) {
                (Some(after), _) => ram_users::PageCursor::After(after),
                (None, Some(before)) => ram_users::PageCursor::Before(before),
                (None, None) => ram_users::PageCursor::First,
            };
            let window = ram_users::window(&self.0, account_id, cursor, USERS_PER_PAGE).await?;
            (window, false)
        } else if access_keys::is_access_key_id(query) {
            // The owner of a key may be the account itself, which the page then names.
            match ram_users::key_holder(&self.0, account_id, query).await? {
                KeyHolder::RamUser(user) => (found(vec![*user]), false),
                KeyHolder::Account => (found(Vec::new()), true),
                KeyHolder::Nobody => (found(Vec::new()), false),
            }
        } else {
            let users = ram_users::search(&self.0, account_id, query, USERS_PER_PAGE).await?;
            (found(users), false)
        };
        let alias = self.account_alias(account_id).await?;
        let mut rows = Vec::with_capacity(window.users.len());
        for user in window.users {
            rows.push(self.user_row(user, &alias).await);
        }
        Ok(UserList {
            users: rows,
            next_marker: window.next_marker,
            previous_marker: window.previous_marker,
            offset: window.offset,
            total: window.total,
            page_size: USERS_PER_PAGE as u32,
            can_manage: self.allows(&who, "ram:CreateUser", Resource::Users).await?,
            account_key,
        })
    }

    async fn create_user(
        &self,
        session: &Session,
        form: NewUserForm,
    ) -> Result<UserRow, ConsoleError> {
        let operation = Operation::write("CreateUser").with("name", form.name.trim());
        self.recorded(session, operation, |by| async move {
            let name = form.name.trim().to_owned();
            let who = self
                .authorized(session, "ram:CreateUser", Resource::User(&name))
                .await?;
            let account_id = who.principal.account_id();
            let new = NewRamUser {
                name: form.name,
                display_name: Some(form.display_name),
                email: Some(form.email),
                mobile_phone: Some(form.mobile_phone),
                comments: Some(form.comments),
                console_password: Some(form.console_password),
            };
            let user =
                ram_users::create(by, account_id, new)
                    .await
                    .map_err(|error| match error {
                        // A taken name is said beside the field, in the console's words (the API's
                        // message is RAM's); one taken by a user in the recycle bin says so already.
                        DomainError::Conflict { message, .. }
                            if message == ram_users::USER_EXISTS_MESSAGE =>
                        {
                            ConsoleError::invalid(
                                "name",
                                format!(
                                "A user named {name} already exists. Choose another logon name."
                            ),
                            )
                        }
                        DomainError::Conflict {
                            code: "EntityAlreadyExists.User",
                            message,
                        } => ConsoleError::invalid("name", message),
                        other => other.into(),
                    })?;
            let alias = self.account_alias(account_id).await?;
            Ok(self.user_row(user, &alias).await)
        })
        .await
    }

    async fn get_user(&self, session: &Session, name: String) -> Result<UserDetail, ConsoleError> {
        let who = self
            .authorized(session, "ram:GetUser", Resource::User(&name))
            .await?;
        let account_id = who.principal.account_id();
        let user = ram_users::find(&self.0, account_id, &name).await?;
        let alias = self.account_alias(account_id).await?;
        let attached =
            permissions::attachments::policies_for_user(&self.0, account_id, &name, true).await?;
        let (custom, _) =
            crate::domain::custom_policies::list(&self.0, account_id, None, 1000).await?;
        let catalogue = SystemPolicy::ALL
            .into_iter()
            .map(|p| {
                (
                    PolicyType::System,
                    p.name().to_owned(),
                    p.description().to_owned(),
                )
            })
            .chain(custom.into_iter().map(|p| {
                (
                    PolicyType::Custom,
                    p.name,
                    p.description.unwrap_or_default(),
                )
            }));
        let policies = catalogue
            .map(|(policy_type, policy_name, description)| {
                let of_it = attached
                    .iter()
                    .filter(|a| a.policy_type == policy_type && a.policy_name == policy_name);
                PolicyRow {
                    attached: of_it.clone().any(|a| a.via_group.is_none()),
                    via_groups: of_it.filter_map(|a| a.via_group.clone()).collect(),
                    policy_type: policy_type.as_str().to_owned(),
                    name: policy_name,
                    description,
                }
            })
            .collect();
        Ok(UserDetail {
            policies,
            email: user.email.clone(),
            mobile_phone: user.mobile_phone.clone(),
            comments: user.comments.clone(),
            has_console_password: user.password_hash.is_some(),
            can_manage: self
                .allows(&who, "ram:UpdateUser", Resource::User(&name))
                .await?,
            row: self.user_row(user, &alias).await,
        })
    }

    async fn update_user(
        &self,
        session: &Session,
        name: String,
        edit: UserEdit,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("UpdateUser").with("name", &name);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:UpdateUser", Resource::User(&name))
                .await?;
            let account_id = who.principal.account_id();
            let user = ram_users::find(&self.0, account_id, &name).await?;
            let changes = UserChanges {
                display_name: edit.display_name,
                email: Some(edit.email),
                mobile_phone: Some(edit.mobile_phone),
                comments: Some(edit.comments),
            };
            ram_users::update(by, account_id, user.id, changes).await?;
            Ok(())
        })
        .await
    }

    async fn set_console_password(
        &self,
        session: &Session,
        name: String,
        password: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("UpdateLoginProfile").with("name", &name);
        self.recorded(session, operation, |by| {
            self.console_password(by, session, &name, Some(password))
        })
        .await
    }

    async fn remove_console_password(
        &self,
        session: &Session,
        name: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteLoginProfile").with("name", &name);
        self.recorded(session, operation, |by| {
            self.console_password(by, session, &name, None)
        })
        .await
    }

    async fn set_policy_attached(
        &self,
        session: &Session,
        name: String,
        policy: String,
        attached: bool,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write(if attached {
            "AttachPolicyToUser"
        } else {
            "DetachPolicyFromUser"
        })
        .with("name", &name)
        .with("policy", &policy);
        self.recorded(session, operation, |by| async move {
            let action = if attached {
                "ram:AttachPolicyToUser"
            } else {
                "ram:DetachPolicyFromUser"
            };
            let who = self
                .authorized(session, action, Resource::User(&name))
                .await?;
            let account_id = who.principal.account_id();
            // A custom policy never takes a system policy's name, so the name says which.
            let policy_type = match SystemPolicy::find(&policy) {
                Some(_) => PolicyType::System,
                None => PolicyType::Custom,
            };
            let to = permissions::attachments::Grantee::User(&name);
            if attached {
                permissions::attachments::attach(by, account_id, policy_type, &policy, to).await?;
            } else {
                permissions::attachments::detach(by, account_id, policy_type, &policy, to).await?;
            }
            Ok(())
        })
        .await
    }

    async fn get_security_settings(
        &self,
        session: &Session,
    ) -> Result<SecuritySettings, ConsoleError> {
        let who = self
            .authorized(session, "ram:GetSecurityPreference", Resource::Account)
            .await?;
        let preference = security_preference::get(&self.0, who.principal.account_id()).await?;
        Ok(SecuritySettings {
            allow_user_to_manage_access_keys: preference.allow_user_to_manage_access_keys,
            allow_user_to_manage_mfa_devices: preference.allow_user_to_manage_mfa_devices,
            login_network_masks: preference.login_network_masks_text(),
            login_session_hours: preference.login_session_hours,
            can_manage: self
                .allows(&who, "ram:SetSecurityPreference", Resource::Account)
                .await?,
        })
    }

    async fn save_security_settings(
        &self,
        session: &Session,
        changes: SecuritySettingsChanges,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("SetSecurityPreference");
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:SetSecurityPreference", Resource::Account)
                .await?;
            let account_id = who.principal.account_id();
            let changes = PreferenceChanges {
                allow_user_to_manage_access_keys: changes.allow_user_to_manage_access_keys,
                allow_user_to_manage_mfa_devices: changes.allow_user_to_manage_mfa_devices,
                login_network_masks: changes.login_network_masks,
                login_session_hours: changes.login_session_hours,
                ..Default::default()
            };
            security_preference::update(by, account_id, changes).await?;
            Ok(())
        })
        .await
    }

    async fn get_network_policy(
        &self,
        session: &Session,
        access_key_id: Option<String>,
        user: Option<String>,
    ) -> Result<NetworkPolicyView, ConsoleError> {
        let who = self.requester(session).await?;
        let principal = who.principal;
        let Some(access_key_id) = access_key_id else {
            let policy = network_policy::account_policy(&self.0, &who).await?;
            let applies = if policy.active {
                "Active: every AccessKey pair of the account without an active policy of its own \
                 works only from the addresses below."
            } else {
                "Inactive: AccessKey pairs without an active policy of their own work from any \
                 address."
            };
            return Ok(NetworkPolicyView {
                access_key_id: None,
                user: None,
                active: policy.active,
                entries: policy.entries,
                applies: applies.to_owned(),
                can_manage: self
                    .allows(&who, "ram:SetAccessKeyPolicyForAccount", Resource::Account)
                    .await?,
                recent_sources: Vec::new(),
            });
        };
        let policies =
            network_policy::key_policies(&self.0, &who, user.as_deref(), &access_key_id).await?;
        let applies = match policies.applicable() {
            Some((PolicyLevel::AccessKey, _)) => {
                "This AccessKey pair's own policy applies: its calls pass only from the addresses \
                 below, whatever the account-level policy says."
            }
            Some((PolicyLevel::Account, _)) => {
                "The account-level policy applies: this pair has no active policy of its own, so \
                 its calls pass only from the account's allowed addresses."
            }
            None => "No policy applies: calls with this AccessKey pair pass from any address.",
        };
        let since = self.0.clock.now() - chrono::Duration::days(30);
        let recent_sources =
            audit::recent_sources(&self.0, principal.account_id(), &access_key_id, since)
                .await?
                .into_iter()
                .map(|source| SourceAddress {
                    allowed: source
                        .ip
                        .parse()
                        .is_ok_and(|ip| policies.own.active && policies.own.allows(ip)),
                    ip: source.ip,
                    calls: source.calls as u64,
                    last_seen: format_time(&source.last_seen),
                })
                .collect();
        Ok(NetworkPolicyView {
            access_key_id: Some(access_key_id),
            user,
            active: policies.own.active,
            entries: policies.own.entries,
            applies: applies.to_owned(),
            can_manage: policies.may_change,
            recent_sources,
        })
    }

    async fn save_network_policy(
        &self,
        session: &Session,
        access_key_id: Option<String>,
        user: Option<String>,
        active: bool,
        entries: Vec<String>,
    ) -> Result<(), ConsoleError> {
        let operation = match &access_key_id {
            Some(id) => Operation::write("SetAccessKeyPolicy").on_key(id),
            None => Operation::write("SetAccessKeyPolicyForAccount"),
        }
        .with_some("user", user.as_deref())
        .with("active", active);
        self.recorded(session, operation, |by| async move {
            let who = self.requester(session).await?;
            let policy = NetworkPolicy::from_entries(active, &entries).map_err(entry_errors)?;
            match access_key_id {
                None => network_policy::set_account_policy(by, &who, &policy).await?,
                Some(id) => {
                    network_policy::set_key_policy(by, &who, user.as_deref(), &id, &policy).await?
                }
            }
            Ok(())
        })
        .await
    }

    async fn list_audit_events(
        &self,
        session: &Session,
        filter: AuditFilter,
        after: Option<i64>,
    ) -> Result<AuditEventPage, ConsoleError> {
        let who = self.requester(session).await?;
        let filter = event_filter(&filter)?;
        let page = audit::search(&self.0, &who, &filter, after, AUDIT_EVENTS_PER_PAGE).await?;
        Ok(AuditEventPage {
            events: page.events.into_iter().map(audit_row).collect(),
            next: page.next,
        })
    }

    async fn delete_user(&self, session: &Session, name: String) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteUser").with("name", &name);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:DeleteUser", Resource::User(&name))
                .await?;
            let account_id = who.principal.account_id();
            let user = ram_users::find(&self.0, account_id, &name).await?;
            Ok(ram_users::delete(by, account_id, user.id, UserKeys::RecycleWithUser).await?)
        })
        .await
    }

    async fn list_recycle_bin(&self, session: &Session) -> Result<RecycleBin, ConsoleError> {
        let who = self
            .authorized(session, "ram:ListUsersInRecycleBin", Resource::Account)
            .await?;
        permissions::authorize(
            &self.0,
            &who,
            "ram:ListAccessKeysInRecycleBin",
            Resource::Account,
        )
        .await?;
        let account_id = who.principal.account_id();
        let keys = recycle_bin::recycled_keys(&self.0, account_id)
            .await?
            .into_iter()
            .map(|k| RecycledKeyRow {
                access_key_id: k.key.access_key_id,
                user_name: k.user_name,
                deleted: format_time(&k.recycled_at),
                purged: format_time(&k.delete_date),
            })
            .collect();
        let users = recycle_bin::recycled_users(&self.0, account_id)
            .await?
            .into_iter()
            .map(|u| RecycledUserRow {
                user_id: u.user.id,
                name: u.user.name,
                access_key_ids: u.access_key_ids,
                deleted: format_time(&u.recycled_at),
                purged: format_time(&u.delete_date),
            })
            .collect();
        Ok(RecycleBin {
            keys,
            users,
            can_manage: self
                .allows(&who, "ram:RestoreUserFromRecycleBin", Resource::Account)
                .await?,
        })
    }

    async fn restore_access_key(
        &self,
        session: &Session,
        access_key_id: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("RestoreAccessKeyFromRecycleBin").on_key(&access_key_id);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(
                    session,
                    "ram:RestoreAccessKeyFromRecycleBin",
                    Resource::Account,
                )
                .await?;
            let account_id = who.principal.account_id();
            Ok(recycle_bin::restore_key(by, account_id, &access_key_id).await?)
        })
        .await
    }

    async fn purge_access_key(
        &self,
        session: &Session,
        access_key_id: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteAccessKeyInRecycleBin").on_key(&access_key_id);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(
                    session,
                    "ram:DeleteAccessKeyInRecycleBin",
                    Resource::Account,
                )
                .await?;
            let account_id = who.principal.account_id();
            Ok(recycle_bin::purge_key(by, account_id, &access_key_id).await?)
        })
        .await
    }

    async fn restore_user(&self, session: &Session, user_id: i64) -> Result<(), ConsoleError> {
        let operation = Operation::write("RestoreUserFromRecycleBin").with("user_id", user_id);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:RestoreUserFromRecycleBin", Resource::Account)
                .await?;
            let account_id = who.principal.account_id();
            Ok(recycle_bin::restore_user(by, account_id, user_id).await?)
        })
        .await
    }

    async fn purge_user(&self, session: &Session, user_id: i64) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteUserInRecycleBin").with("user_id", user_id);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:DeleteUserInRecycleBin", Resource::Account)
                .await?;
            let account_id = who.principal.account_id();
            Ok(recycle_bin::purge_user(by, account_id, user_id).await?)
        })
        .await
    }

    async fn list_policies(
        &self,
        session: &Session,
        query: String,
    ) -> Result<PolicyList, ConsoleError> {
        self.policies_page(session, query).await
    }

    async fn get_policy(
        &self,
        session: &Session,
        policy_type: String,
        name: String,
    ) -> Result<PolicyDetail, ConsoleError> {
        self.policy_page(session, policy_type, name).await
    }

    async fn check_policy_document(
        &self,
        session: &Session,
        document: String,
    ) -> Result<DocumentCheck, ConsoleError> {
        self.document_check(session, document).await
    }

    async fn create_policy(
        &self,
        session: &Session,
        form: NewPolicyForm,
    ) -> Result<(), ConsoleError> {
        self.new_policy(session, form).await
    }

    async fn set_default_policy_version(
        &self,
        session: &Session,
        name: String,
        version_id: String,
    ) -> Result<(), ConsoleError> {
        self.version_change(session, name, version_id, true).await
    }

    async fn delete_policy_version(
        &self,
        session: &Session,
        name: String,
        version_id: String,
    ) -> Result<(), ConsoleError> {
        self.version_change(session, name, version_id, false).await
    }

    async fn check_access(
        &self,
        session: &Session,
        question: AccessQuestion,
    ) -> Result<AccessAnswer, ConsoleError> {
        self.access_check(session, question).await
    }

    async fn list_groups(&self, session: &Session) -> Result<GroupList, ConsoleError> {
        self.groups_page(session).await
    }

    async fn create_group(
        &self,
        session: &Session,
        name: String,
        comments: String,
    ) -> Result<(), ConsoleError> {
        self.new_group(session, name, comments).await
    }

    async fn delete_group(&self, session: &Session, name: String) -> Result<(), ConsoleError> {
        self.remove_group(session, name).await
    }

    async fn get_group(
        &self,
        session: &Session,
        name: String,
    ) -> Result<GroupDetail, ConsoleError> {
        self.group_page(session, name).await
    }

    async fn set_group_member(
        &self,
        session: &Session,
        group: String,
        user: String,
        member: bool,
    ) -> Result<(), ConsoleError> {
        self.group_member(session, group, user, member).await
    }

    async fn set_group_policy_attached(
        &self,
        session: &Session,
        group: String,
        policy: String,
        attached: bool,
    ) -> Result<(), ConsoleError> {
        self.group_policy(session, group, policy, attached).await
    }
}
