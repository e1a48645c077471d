//! Accounts, sign-in and who is calling. Every rule about them lives here.
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use crate::entities::{account, ram_user};
use crate::error::{DomainError, FieldChecks};
use crate::security_preference::{self, SecurityPreference};
use crate::services::Services;

/// The identity behind a console session or a signed call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Owner { account_id: i64 },
    RamUser { account_id: i64, user_id: i64 },
}

impl Principal {
    pub fn account_id(&self) -> i64 {
        match *self {
            Self::Owner { account_id } | Self::RamUser { account_id, .. } => account_id,
        }
    }

    /// The RAM user, if it is one.
    pub fn user_id(&self) -> Option<i64> {
        match *self {
            Self::Owner { .. } => None,
            Self::RamUser { user_id, .. } => Some(user_id),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NewAccount {
    pub alias: String,
    pub email: String,
    pub mobile_phone: String,
    pub password: String,
}

impl NewAccount {
    /// Trims and lower-cases what is case-insensitive, then checks every field.
    fn normalized(self) -> Result<Self, DomainError> {
        let account = Self {
            alias: self.alias.trim().to_ascii_lowercase(),
            email: self.email.trim().to_ascii_lowercase(),
            mobile_phone: self.mobile_phone.trim().to_owned(),
            password: self.password,
        };
        let mut checks = FieldChecks::default();
        checks.check(validate_alias(&account.alias));
        checks.check(validate_email(&account.email));
        checks.check(validate_mobile_phone(&account.mobile_phone));
        checks.check(validate_password(&account.password));
        checks.finish()?;
        Ok(account)
    }
}

pub fn validate_alias(alias: &str) -> Result<(), DomainError> {
    let ok_chars = alias
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(3..=32).contains(&alias.len())
        || !ok_chars
        || alias.starts_with('-')
        || alias.ends_with('-')
    {
        return Err(DomainError::invalid(
            "alias",
            "The account alias must be 3 to 32 lowercase letters, digits or hyphens, and cannot start or end with a hyphen.",
        ));
    }
    Ok(())
}

pub fn validate_email(email: &str) -> Result<(), DomainError> {
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.Email.Format",
            "email",
            "Enter an e-mail address such as admin@example.com.",
        ));
    }
    Ok(())
}

/// `<country code>-<number>`, as the RAM API writes phones (`86-13800000000`).
pub fn validate_mobile_phone(phone: &str) -> Result<(), DomainError> {
    let digits = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
    };
    let valid = phone
        .split_once('-')
        .is_some_and(|(country, number)| digits(country, 1..=4) && digits(number, 4..=15));
    if !valid {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.MobilePhone.Format",
            "mobile_phone",
            "Enter the mobile phone as country code, hyphen and number, for example 86-13800000000.",
        ));
    }
    Ok(())
}

pub fn validate_password(password: &str) -> Result<(), DomainError> {
    let length = password.chars().count();
    if !(8..=128).contains(&length) {
        return Err(DomainError::invalid(
            "password",
            "The password must be 8 to 128 characters long.",
        ));
    }
    Ok(())
}

/// Whether the console still needs its first account.
pub async fn setup_needed(svc: &Services) -> Result<bool, DomainError> {
    Ok(account::Entity::find().count(&svc.db).await? == 0)
}

/// Creates an account (the admin CLI, and first-run setup through [`set_up_first_account`]).
pub async fn create_account(
    svc: &Services,
    new: NewAccount,
) -> Result<account::Model, DomainError> {
    let new = new.normalized()?;
    let taken = |column: account::Column, value: &str| {
        account::Entity::find()
            .filter(column.eq(value.to_owned()))
            .count(&svc.db)
    };
    if taken(account::Column::Alias, &new.alias).await? > 0 {
        return Err(DomainError::conflict(
            "EntityAlreadyExists.Account.Alias",
            format!("The account alias {} is already in use.", new.alias),
        ));
    }
    if taken(account::Column::Email, &new.email).await? > 0 {
        return Err(DomainError::conflict(
            "EntityAlreadyExists.Account.Email",
            format!("An account with the e-mail {} already exists.", new.email),
        ));
    }
    let password_hash = hash_password(new.password).await?;
    let created = account::ActiveModel {
        alias: Set(new.alias),
        email: Set(new.email),
        mobile_phone: Set(new.mobile_phone),
        password_hash: Set(password_hash),
        access_key_count: Set(0),
        allow_user_to_manage_access_keys: Set(false),
        allow_user_to_manage_mfa_devices: Set(true),
        login_network_masks: Set(String::new()),
        login_session_hours: Set(security_preference::DEFAULT_LOGIN_SESSION_HOURS),
        network_policy: Set(None),
        created_at: Set(svc.clock.now()),
        ..Default::default()
    }
    .insert(&svc.db)
    .await?;
    Ok(created)
}

/// First-run setup: allowed only while there is no account at all.
pub async fn set_up_first_account(
    svc: &Services,
    new: NewAccount,
    confirm_password: &str,
) -> Result<Principal, DomainError> {
    if !setup_needed(svc).await? {
        return Err(DomainError::AlreadySetUp);
    }
    // Every field is checked before anything is written, and every mistake reported at once.
    let mut checks = FieldChecks::default();
    let matching = new.password == confirm_password;
    let new = checks.check(new.normalized());
    if !matching {
        checks.check::<()>(Err(DomainError::invalid(
            "confirm_password",
            "The two passwords do not match.",
        )));
    }
    checks.finish()?;
    let account = create_account(svc, new.expect("checked above")).await?;
    Ok(Principal::Owner {
        account_id: account.id,
    })
}

pub async fn find_account(
    svc: &Services,
    account_id: i64,
) -> Result<Option<account::Model>, DomainError> {
    Ok(account::Entity::find_by_id(account_id).one(&svc.db).await?)
}

pub async fn find_account_by_alias(
    svc: &Services,
    alias: &str,
) -> Result<account::Model, DomainError> {
    account::Entity::find()
        .filter(account::Column::Alias.eq(alias.trim().to_ascii_lowercase()))
        .one(&svc.db)
        .await?
        .ok_or_else(|| {
            DomainError::not_found(
                "EntityNotExist.Account",
                format!("There is no account with the alias {alias}."),
            )
        })
}

/// RAM users sign in as `name@<account alias>.onaliyun.com`.
pub const RAM_LOGON_SUFFIX: &str = ".onaliyun.com";

pub fn ram_logon_name(user_name: &str, account_alias: &str) -> String {
    format!("{user_name}@{account_alias}{RAM_LOGON_SUFFIX}")
}

/// `name@alias.onaliyun.com` → (`name`, `alias`); anything else is not a RAM logon name.
pub fn parse_ram_logon_name(logon: &str) -> Option<(&str, String)> {
    let (name, domain) = logon.rsplit_once('@')?;
    let domain = domain.to_ascii_lowercase();
    let alias = domain.strip_suffix(RAM_LOGON_SUFFIX)?;
    (!name.is_empty() && !alias.is_empty()).then(|| (name, alias.to_owned()))
}

/// Checks a sign-in: the owner's e-mail, or a RAM user's logon name, with the password, from
/// `source` (the client's address, when known). Repeated failures for one name are slowed down.
/// A RAM user signs in only from the networks the account's security preference lists; from
/// anywhere else its password is not even checked, so it cannot be guessed from outside.
pub async fn sign_in(
    svc: &Services,
    sign_in_name: &str,
    password: &str,
    source: Option<IpAddr>,
) -> Result<Principal, DomainError> {
    let sign_in_name = sign_in_name.trim();
    let throttle_key = sign_in_name.to_ascii_lowercase();
    let now = svc.clock.now();
    svc.sign_in_throttle
        .check(&throttle_key, now)
        .map_err(|retry_after_secs| DomainError::SignInThrottled { retry_after_secs })?;
    let candidate = match parse_ram_logon_name(sign_in_name) {
        Some((name, alias)) => ram_user_sign_in(svc, name, &alias, source).await?,
        None => account::Entity::find()
            .filter(account::Column::Email.eq(throttle_key.clone()))
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
            svc.sign_in_throttle.record_success(&throttle_key);
            if let Principal::RamUser { user_id, .. } = principal {
                ram_user::Entity::update_many()
                    .col_expr(
                        ram_user::Column::LastLoginAt,
                        sea_orm::sea_query::Expr::value(now),
                    )
                    .filter(ram_user::Column::Id.eq(user_id))
                    .exec(&svc.db)
                    .await?;
            }
            Ok(principal)
        }
        _ => {
            svc.sign_in_throttle.record_failure(&throttle_key, now);
            Err(DomainError::WrongCredentials)
        }
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

/// An argon2 hash of a random string, verified when the e-mail is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2nKkhDHCZgW4Xf5yHpsY/qTtTBXxZMrJ0n/PwF6DOzU";

pub async fn hash_password(password: String) -> Result<String, DomainError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|e| DomainError::Internal(format!("password hashing task: {e}")))?
    .map_err(|e| DomainError::Internal(format!("password hashing: {e}")))
}

async fn verify_password(password: String, stored_hash: String) -> Result<bool, DomainError> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored_hash)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| DomainError::Internal(format!("password check task: {e}")))
}

/// Slows down guessing: after [`SignInThrottle::FREE_FAILURES`] failures for one e-mail, each
/// further attempt must wait twice as long as the last (capped), until a success or a quiet spell.
#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

impl SignInThrottle {
    pub const FREE_FAILURES: u32 = 3;
    const MAX_WAIT_SECS: i64 = 300;
    const FORGET_AFTER_SECS: i64 = 900;
    const MAX_TRACKED: usize = 100_000;

    fn wait_after(count: u32) -> i64 {
        if count < Self::FREE_FAILURES {
            return 0;
        }
        (1i64 << (count - Self::FREE_FAILURES).min(16)).min(Self::MAX_WAIT_SECS)
    }

    /// `Err(seconds)` when the next attempt for `key` must wait.
    pub fn check(&self, key: &str, now: DateTime<Utc>) -> Result<(), u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some(f) = failures.get(key) else {
            return Ok(());
        };
        let remaining = Self::wait_after(f.count) - (now - f.last).num_seconds();
        if remaining > 0 {
            Err(remaining as u64)
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, key: &str, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= Self::MAX_TRACKED {
            failures.retain(|_, f| (now - f.last).num_seconds() < Self::FORGET_AFTER_SECS);
        }
        let entry = failures.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            last: now,
        });
        if (now - entry.last).num_seconds() >= Self::FORGET_AFTER_SECS {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
    }

    pub fn record_success(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn alias_rules() {
        for ok in ["abc", "acme-corp", "a1b2", &"a".repeat(32)] {
            assert!(validate_alias(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "-abc", "abc-", "ABC", "a_b", "a b", &"a".repeat(33)] {
            assert!(validate_alias(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn email_rules() {
        assert!(validate_email("admin@example.com").is_ok());
        for bad in [
            "admin",
            "@example.com",
            "admin@example",
            "a b@example.com",
            "a@b@example.com",
            "a@.com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mobile_phone_rules() {
        assert!(validate_mobile_phone("86-13800000000").is_ok());
        for bad in [
            "13800000000",
            "86-",
            "-13800000000",
            "86-1380000000a",
            "12345-13800000000",
            "86-123",
        ] {
            assert!(validate_mobile_phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ram_logon_names_split_into_user_and_alias() {
        assert_eq!(
            parse_ram_logon_name("ci-bot@acme.onaliyun.com"),
            Some(("ci-bot", "acme".to_owned()))
        );
        assert_eq!(
            parse_ram_logon_name("Ci.Bot@ACME.OnAliyun.com"),
            Some(("Ci.Bot", "acme".to_owned()))
        );
        assert_eq!(parse_ram_logon_name("owner@acme.example.com"), None);
        assert_eq!(parse_ram_logon_name("@acme.onaliyun.com"), None);
        assert_eq!(ram_logon_name("ci-bot", "acme"), "ci-bot@acme.onaliyun.com");
    }

    #[test]
    fn throttle_lets_a_few_failures_through_then_doubles_the_wait() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        for _ in 0..SignInThrottle::FREE_FAILURES - 1 {
            throttle.record_failure("a@example.com", t0);
            assert_eq!(throttle.check("a@example.com", t0), Ok(()));
        }
        throttle.record_failure("a@example.com", t0);
        assert_eq!(throttle.check("a@example.com", t0), Err(1));
        assert_eq!(
            throttle.check("a@example.com", t0 + Duration::seconds(1)),
            Ok(())
        );
        throttle.record_failure("a@example.com", t0);
        assert_eq!(throttle.check("a@example.com", t0), Err(2));
        assert_eq!(
            throttle.check("other@example.com", t0),
            Ok(()),
            "other e-mails are not slowed"
        );
        throttle.record_success("a@example.com");
        assert_eq!(throttle.check("a@example.com", t0), Ok(()));
    }

    #[test]
    fn throttle_forgets_after_a_quiet_spell() {
        let throttle = SignInThrottle::default();
        let t0 = Utc::now();
        for _ in 0..10 {
            throttle.record_failure("a@example.com", t0);
        }
        assert!(throttle.check("a@example.com", t0).is_err());
        let later = t0 + Duration::seconds(SignInThrottle::FORGET_AFTER_SECS);
        throttle.record_failure("a@example.com", later);
        assert_eq!(
            throttle.check("a@example.com", later),
            Ok(()),
            "the count restarted at one"
        );
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
