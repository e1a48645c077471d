//! The account's security preference for its RAM users (RAM's `SecurityPreference`): whether they
//! manage their own AccessKey pairs and MFA devices, from which networks they may sign in to the
//! console, and how long a sign-in lasts. The owner and RAM administrators set it, in the console
//! or with `SetSecurityPreference`; sign-in, sessions, MFA devices and key management obey it.
//! It never restricts signed API calls: that is what network access policies are for.
use std::net::IpAddr;

use chrono::Duration;
use ipnet::IpNet;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::change::Author;
use crate::domain::error::{DomainError, FieldChecks};
use crate::domain::network_policy::parse_network;
use crate::domain::services::Services;
use crate::infra::entities::account;

/// A new account's sign-in length for RAM users, in hours: what every console session lasted
/// before the preference existed.
pub const DEFAULT_LOGIN_SESSION_HOURS: i32 = 8;
/// The most sign-in networks one account may list (RAM's limit).
pub const MAX_LOGIN_NETWORK_MASKS: usize = 40;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityPreference {
    pub allow_user_to_manage_access_keys: bool,
    pub allow_user_to_manage_mfa_devices: bool,
    /// Networks RAM users may sign in to the console from; empty: any.
    pub login_network_masks: Vec<IpNet>,
    pub login_session_hours: i32,
}

impl From<&account::Model> for SecurityPreference {
    fn from(account: &account::Model) -> Self {
        Self {
            allow_user_to_manage_access_keys: account.allow_user_to_manage_access_keys,
            allow_user_to_manage_mfa_devices: account.allow_user_to_manage_mfa_devices,
            // Stored only after `parse_login_network_masks` accepted it.
            login_network_masks: parse_login_network_masks(&account.login_network_masks)
                .unwrap_or_default(),
            login_session_hours: account.login_session_hours,
        }
    }
}

impl SecurityPreference {
    /// The masks as the API and the console show them: `10.0.0.0/8;192.168.1.1/32`.
    pub fn login_network_masks_text(&self) -> String {
        join_masks(&self.login_network_masks)
    }

    /// Whether a RAM user may sign in to the console from `ip` (`None`: unknown, which only an
    /// empty list lets in).
    pub fn allows_sign_in_from(&self, ip: Option<IpAddr>) -> bool {
        self.login_network_masks.is_empty()
            || ip.is_some_and(|ip| {
                let ip = ip.to_canonical();
                self.login_network_masks.iter().any(|n| n.contains(&ip))
            })
    }

    pub fn login_session(&self) -> Duration {
        Duration::hours(self.login_session_hours.into())
    }
}

/// What a change sets; `None` leaves a setting as it is. Values come as the caller typed them,
/// so the rules (and their messages) live only here.
#[derive(Clone, Debug, Default)]
pub struct PreferenceChanges {
    pub allow_user_to_manage_access_keys: Option<bool>,
    pub allow_user_to_manage_mfa_devices: Option<bool>,
    /// RAM's settings for what this server does not have (self-service passwords, public keys,
    /// remembered MFA): only `false`, which is what they are, is accepted.
    pub allow_user_to_change_password: Option<bool>,
    pub allow_user_to_manage_public_keys: Option<bool>,
    pub enable_save_mfa_ticket: Option<bool>,
    pub login_network_masks: Option<String>,
    pub login_session_hours: Option<String>,
}

fn invalid(code: &'static str, field: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid_parameter(code, field, message)
}

/// `10.0.0.0/8; 192.168.1.1` → networks: addresses and CIDR blocks, IPv4 or IPv6, separated by
/// semicolons; blank entries are ignored.
pub fn parse_login_network_masks(text: &str) -> Result<Vec<IpNet>, DomainError> {
    let masks = text
        .split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            parse_network(entry).map_err(|_| {
                invalid(
                    "InvalidParameter.LoginNetworkMasks",
                    "login_network_masks",
                    format!(
                        "\"{entry}\" is not an IP address or CIDR block (such as 203.0.113.7 or \
                         198.51.100.0/24); separate entries with semicolons."
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if masks.len() > MAX_LOGIN_NETWORK_MASKS {
        return Err(invalid(
            "InvalidParameter.LoginNetworkMasks",
            "login_network_masks",
            format!("List at most {MAX_LOGIN_NETWORK_MASKS} sign-in networks."),
        ));
    }
    Ok(masks)
}

fn join_masks(masks: &[IpNet]) -> String {
    masks
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(";")
}

/// A whole number of hours from 1 to 24.
pub fn parse_login_session_hours(text: &str) -> Result<i32, DomainError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|hours| (1..=24).contains(hours))
        .ok_or_else(|| {
            invalid(
                "InvalidParameter.LoginSessionDuration",
                "login_session_hours",
                "The sign-in session length must be a whole number of hours from 1 to 24.",
            )
        })
}

pub async fn get(svc: &Services, account_id: i64) -> Result<SecurityPreference, DomainError> {
    get_on(&svc.db, account_id).await
}

async fn get_on(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<SecurityPreference, DomainError> {
    account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .map(|account| SecurityPreference::from(&account))
        .ok_or_else(|| DomainError::Internal(format!("account {account_id} is gone")))
}

/// Checks every change first, then writes them together: a bad value changes nothing.
pub async fn update<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    changes: PreferenceChanges,
) -> Result<SecurityPreference, DomainError> {
    for (asked, code, field, why) in [
        (
            changes.allow_user_to_change_password,
            "InvalidParameter.AllowUserToChangePassword",
            "allow_user_to_change_password",
            "RAM users cannot change their own passwords on this server: an administrator sets \
             them on the user's page.",
        ),
        (
            changes.allow_user_to_manage_public_keys,
            "InvalidParameter.AllowUserToManagePublicKeys",
            "allow_user_to_manage_public_keys",
            "This server keeps no public keys for RAM users.",
        ),
        (
            changes.enable_save_mfa_ticket,
            "InvalidParameter.EnableSaveMFATicket",
            "enable_save_mfa_ticket",
            "This server does not remember MFA between sign-ins: every sign-in of a user with \
             a bound device asks for its code.",
        ),
    ] {
        if asked == Some(true) {
            return Err(invalid(
                code,
                field,
                format!("{why} Only false is accepted."),
            ));
        }
    }
    // Every value checked before anything is written, every bad one reported.
    let mut checks = FieldChecks::default();
    let masks = checks
        .check(
            changes
                .login_network_masks
                .as_deref()
                .map(parse_login_network_masks)
                .transpose(),
        )
        .flatten();
    let hours = checks
        .check(
            changes
                .login_session_hours
                .as_deref()
                .map(parse_login_session_hours)
                .transpose(),
        )
        .flatten();
    checks.finish()?;
    let mut change = by.into().begin().await?;
    let before = get_on(change.db(), account_id).await?;
    let mut update = account::Entity::update_many().filter(account::Column::Id.eq(account_id));
    let mut changed = false;
    if let Some(allow) = changes.allow_user_to_manage_access_keys {
        update = update.col_expr(
            account::Column::AllowUserToManageAccessKeys,
            Expr::value(allow),
        );
        changed = true;
    }
    if let Some(allow) = changes.allow_user_to_manage_mfa_devices {
        update = update.col_expr(
            account::Column::AllowUserToManageMfaDevices,
            Expr::value(allow),
        );
        changed = true;
    }
    if let Some(masks) = masks {
        update = update.col_expr(
            account::Column::LoginNetworkMasks,
            Expr::value(join_masks(&masks)),
        );
        changed = true;
    }
    if let Some(hours) = hours {
        update = update.col_expr(account::Column::LoginSessionHours, Expr::value(hours));
        changed = true;
    }
    if changed {
        update.exec(change.db()).await?;
        // Whether RAM users manage their own keys is part of every RAM user's grants.
        if changes.allow_user_to_manage_access_keys.is_some() {
            change.forget_every_permission();
        }
    }
    let after = get_on(change.db(), account_id).await?;
    // RAM users signed in under other rules sign in again under the new ones.
    if (&after.login_network_masks, after.login_session_hours)
        != (&before.login_network_masks, before.login_session_hours)
    {
        crate::domain::identity::sessions::end_ram_user_sessions(change.db(), account_id).await?;
    }
    change.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_networks_are_addresses_and_blocks_separated_by_semicolons() {
        let masks = parse_login_network_masks(" 10.0.0.0/8; 2001:db8::/32 ;;192.0.2.7 ").unwrap();
        assert_eq!(join_masks(&masks), "10.0.0.0/8;2001:db8::/32;192.0.2.7/32");
        assert!(parse_login_network_masks("").unwrap().is_empty());
        let error = parse_login_network_masks("10.0.0.0/8;10.0.0.0/33").unwrap_err();
        assert!(
            error.to_string().contains("\"10.0.0.0/33\" is not"),
            "{error}"
        );
        let too_many = (0..=MAX_LOGIN_NETWORK_MASKS)
            .map(|i| format!("10.{i}.0.0/16"))
            .collect::<Vec<_>>()
            .join(";");
        assert!(parse_login_network_masks(&too_many).is_err());
    }

    #[test]
    fn sign_in_is_allowed_only_from_listed_networks_when_there_are_any() {
        let mut preference = SecurityPreference {
            allow_user_to_manage_access_keys: false,
            allow_user_to_manage_mfa_devices: true,
            login_network_masks: Vec::new(),
            login_session_hours: DEFAULT_LOGIN_SESSION_HOURS,
        };
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        assert!(preference.allows_sign_in_from(None));
        preference.login_network_masks = parse_login_network_masks("198.51.100.0/24").unwrap();
        assert!(preference.allows_sign_in_from(ip("198.51.100.9")));
        // An IPv4 client seen through an IPv6 socket is still that IPv4 address.
        assert!(preference.allows_sign_in_from(ip("::ffff:198.51.100.9")));
        assert!(!preference.allows_sign_in_from(ip("127.0.0.1")));
        assert!(!preference.allows_sign_in_from(None));
    }

    #[test]
    fn session_length_is_one_to_twenty_four_whole_hours() {
        assert_eq!(parse_login_session_hours("1").unwrap(), 1);
        assert_eq!(parse_login_session_hours(" 24 ").unwrap(), 24);
        for bad in ["0", "25", "-1", "1.5", "six", "", "99999999999"] {
            assert!(parse_login_session_hours(bad).is_err(), "{bad}");
        }
    }
}
