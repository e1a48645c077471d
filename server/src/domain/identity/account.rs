//! An account and its owner's fields; the logon names its RAM users sign in with.
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::password::hash_password;
use crate::domain::change::Author;
use crate::domain::error::{DomainError, FieldChecks};
use crate::domain::principal::Principal;
use crate::domain::security_preference;
use crate::domain::services::Services;
use crate::infra::entities::account;

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
pub async fn create_account<'a>(
    by: impl Into<Author<'a>>,
    new: NewAccount,
) -> Result<account::Model, DomainError> {
    let by = by.into();
    let svc = by.svc();
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
    let mut change = by.begin().await?;
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
    .insert(change.db())
    .await?;
    change.on_behalf_of(Principal::Owner {
        account_id: created.id,
    });
    change.commit().await?;
    Ok(created)
}

/// First-run setup: allowed only while there is no account at all.
pub async fn set_up_first_account<'a>(
    by: impl Into<Author<'a>>,
    new: NewAccount,
    confirm_password: &str,
) -> Result<Principal, DomainError> {
    let by = by.into();
    let svc = by.svc();
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
    let account = create_account(by, new.expect("checked above")).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
