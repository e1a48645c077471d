//! Deciding a sign-in: the password, the networks a RAM user may sign in from, and the second
//! factor of an identity with a virtual MFA device.
use std::net::IpAddr;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::account::parse_ram_logon_name;
use super::password::{verify_password, DUMMY_HASH};
use crate::domain::change::Author;
use crate::domain::error::DomainError;
use crate::domain::mfa;
use crate::domain::principal::Principal;
use crate::domain::security_preference::SecurityPreference;
use crate::domain::services::Services;
use crate::infra::entities::{account, ram_user};

/// Where a sign-in with the right password ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum SignIn {
    /// Signed in as this principal.
    Complete(Principal),
    /// The identity has a virtual MFA device and no code came with the password: nobody is
    /// signed in until the same sign-in comes again with the device's code.
    NeedsMfaCode,
}

/// Checks a sign-in: the owner's e-mail, or a RAM user's logon name, with the password, from
/// `source` (the client's address, when known), and the code of the identity's virtual MFA
/// device if it has one. Repeated failures for one name from one source are slowed down, and
/// so are many attempts from one source (see [`super::throttle`]). A RAM user signs in
/// only from the networks the account's security preference lists; from anywhere else its
/// password is not even checked, so it cannot be guessed from outside.
pub async fn sign_in<'a>(
    by: impl Into<Author<'a>>,
    sign_in_name: &str,
    password: &str,
    mfa_code: Option<&str>,
    source: Option<IpAddr>,
) -> Result<SignIn, DomainError> {
    let by = by.into();
    let svc = by.svc();
    let sign_in_name = sign_in_name.trim();
    let now = svc.clock.now();
    svc.sign_in_throttle
        .attempt(sign_in_name, source, now)
        .map_err(|retry_after_secs| DomainError::SignInThrottled { retry_after_secs })?;
    let candidate = match parse_ram_logon_name(sign_in_name) {
        Some((name, alias)) => ram_user_sign_in(svc, name, &alias, source).await?,
        None => account::Entity::find()
            .filter(account::Column::Email.eq(sign_in_name.to_ascii_lowercase()))
            .one(&svc.db)
            .await?
            .map(|a| (Principal::Owner { account_id: a.id }, a.password_hash)),
    };
    // Verify against a real hash even for an unknown name, so timing does not tell which exist.
    let stored = candidate
        .as_ref()
        .map(|(_, hash)| hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_owned());
    let matches = verify_password(password.to_owned(), stored).await?;
    match candidate {
        Some((principal, _)) if matches => {
            svc.sign_in_throttle.succeeded(sign_in_name, source);
            if mfa::is_bound(svc, principal).await? {
                match mfa_code.map(str::trim).filter(|code| !code.is_empty()) {
                    None => return Ok(SignIn::NeedsMfaCode),
                    Some(code) => mfa::verify(svc, principal, code).await?,
                }
            }
            let mut change = by.begin().await?;
            if let Principal::RamUser { user_id, .. } = principal {
                ram_user::Entity::update_many()
                    .col_expr(
                        ram_user::Column::LastLoginAt,
                        sea_orm::sea_query::Expr::value(now),
                    )
                    .filter(ram_user::Column::Id.eq(user_id))
                    .exec(change.db())
                    .await?;
            }
            change.on_behalf_of(principal);
            change.commit().await?;
            Ok(SignIn::Complete(principal))
        }
        // Counted as a failure when it started.
        _ => Err(DomainError::WrongCredentials),
    }
}

/// A RAM user who may sign in to the console (has a console password), with that password's hash.
/// Refused outright from a network the account does not allow, whoever the user is.
async fn ram_user_sign_in(
    svc: &Services,
    name: &str,
    alias: &str,
    source: Option<IpAddr>,
) -> Result<Option<(Principal, String)>, DomainError> {
    let Some(account) = account::Entity::find()
        .filter(account::Column::Alias.eq(alias))
        .one(&svc.db)
        .await?
    else {
        return Ok(None);
    };
    if !SecurityPreference::from(&account).allows_sign_in_from(source) {
        return Err(DomainError::NoPermission(format!(
            "RAM users of this account may sign in only from the networks their administrator \
             allows, and {} is not one of them. Sign in from an allowed network, or ask an \
             administrator to add this one under RAM > Security Settings.",
            source.map_or("this address".to_owned(), |ip| ip
                .to_canonical()
                .to_string())
        )));
    }
    let user = ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account.id))
        .filter(ram_user::Column::Name.eq(name))
        // A user in the recycle bin cannot sign in.
        .filter(ram_user::Column::RecycledAt.is_null())
        .one(&svc.db)
        .await?;
    Ok(user.and_then(|u| {
        let hash = u.password_hash?;
        Some((
            Principal::RamUser {
                account_id: account.id,
                user_id: u.id,
            },
            hash,
        ))
    }))
}

/// Asks a signed-in identity for its password again before it changes how it signs in (binding
/// an MFA device): a session left open on someone else's screen is not enough. Counted by the
/// same throttle as sign-ins.
pub async fn confirm_password(
    svc: &Services,
    principal: Principal,
    password: &str,
) -> Result<(), DomainError> {
    let throttle_key = format!("password:{}", crate::domain::mfa::principal_key(principal));
    svc.sign_in_throttle
        .attempt(&throttle_key, None, svc.clock.now())
        .map_err(|retry_after_secs| DomainError::SignInThrottled { retry_after_secs })?;
    let stored = match principal {
        Principal::Owner { account_id } => account::Entity::find_by_id(account_id)
            .one(&svc.db)
            .await?
            .map(|a| a.password_hash),
        Principal::RamUser { user_id, .. } => ram_user::Entity::find_by_id(user_id)
            .one(&svc.db)
            .await?
            .and_then(|u| u.password_hash),
    };
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
    if !verify_password(password.to_owned(), stored).await? {
        return Err(DomainError::invalid(
            "password",
            "The password is incorrect. Enter the password you sign in with.",
        ));
    }
    svc.sign_in_throttle.succeeded(&throttle_key, None);
    Ok(())
}
