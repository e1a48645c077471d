//! The account's security preference for RAM users: sign-in networks, sign-in length, MFA
//! self-service, and that a bad value changes nothing.
mod support;

use std::net::IpAddr;

use axum::http::StatusCode;
use server::domain::error::DomainError;
use server::domain::mfa;
use server::domain::principal::Principal;
use server::domain::ram_users;
use server::domain::security_preference::{self, PreferenceChanges};
use support::console_client::{session_cookie, Caller};
use support::{on_every_database, Harness};

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// `acme` with a RAM user `dev` that has a console password; returns the account's id.
async fn account_with_console_user(h: &Harness) -> i64 {
    let account_id = h.account("acme").await;
    let user_id = h.user(account_id, "dev").await;
    ram_users::set_console_password(
        &h.svc,
        account_id,
        user_id,
        Some("a long passphrase".into()),
    )
    .await
    .unwrap();
    account_id
}

async fn set(h: &Harness, account_id: i64, changes: PreferenceChanges) {
    security_preference::update(&h.svc, account_id, changes)
        .await
        .unwrap();
}

#[tokio::test]
async fn ram_users_sign_in_only_from_the_networks_the_preference_lists() {
    on_every_database(|h| async move {
        let acme = account_with_console_user(&h).await;
        let dev = "dev@acme.onaliyun.com";
        let sign_in = |name: &'static str, password: &'static str, from| {
            let svc = h.svc.clone();
            async move { support::password_sign_in(&svc, name, password, from).await }
        };
        assert!(
            sign_in(dev, "a long passphrase", None).await.is_ok(),
            "no list: anywhere"
        );

        set(
            &h,
            acme,
            PreferenceChanges {
                login_network_masks: Some("198.51.100.0/24; 2001:db8::/32".into()),
                ..Default::default()
            },
        )
        .await;
        for allowed in ["198.51.100.7", "2001:db8::5", "::ffff:198.51.100.8"] {
            let signed_in = sign_in(dev, "a long passphrase", ip(allowed)).await;
            assert!(
                signed_in.is_ok(),
                "{allowed}: {signed_in:?} ({})",
                h.backend
            );
        }
        for (refused, shown) in [
            ("203.0.113.9", "203.0.113.9"),
            ("::ffff:10.0.0.1", "10.0.0.1"),
        ] {
            match sign_in(dev, "a long passphrase", ip(refused)).await {
                Err(DomainError::NoPermission(message)) => assert!(
                    message.contains(&format!("{shown} is not one of them"))
                        && message.contains("RAM > Security Settings"),
                    "{message}"
                ),
                other => panic!("{refused}: {other:?}"),
            }
        }
        assert!(matches!(
            sign_in(dev, "a long passphrase", None).await,
            Err(DomainError::NoPermission(_))
        ));
        // From outside, no password is checked and no user told apart: a wrong password, or
        // a user that does not exist, gets the same refusal.
        for (name, password) in [
            (dev, "not the passphrase"),
            ("nobody@acme.onaliyun.com", "a long passphrase"),
        ] {
            assert!(
                matches!(
                    sign_in(name, password, ip("203.0.113.9")).await,
                    Err(DomainError::NoPermission(_))
                ),
                "{name}"
            );
        }
        assert!(matches!(
            sign_in(dev, "not the passphrase", ip("198.51.100.7")).await,
            Err(DomainError::WrongCredentials)
        ));
        // The owner is not a RAM user: the list does not apply.
        assert_eq!(
            sign_in(
                "owner@acme.example.com",
                "correct horse battery",
                ip("203.0.113.9")
            )
            .await
            .unwrap(),
            Principal::Owner { account_id: acme }
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_value_changes_nothing() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let before = security_preference::get(&h.svc, acme).await.unwrap();
        assert_eq!(
            (
                before.allow_user_to_manage_mfa_devices,
                before.login_network_masks_text(),
                before.login_session_hours
            ),
            (true, String::new(), 8),
            "what a new account starts with"
        );
        for (changes, code) in [
            (
                PreferenceChanges {
                    allow_user_to_manage_mfa_devices: Some(false),
                    login_network_masks: Some("10.0.0.0/8".into()),
                    login_session_hours: Some("25".into()),
                    ..Default::default()
                },
                "InvalidParameter.LoginSessionDuration",
            ),
            (
                PreferenceChanges {
                    login_session_hours: Some("2".into()),
                    login_network_masks: Some("10.0.0.0/8;office".into()),
                    ..Default::default()
                },
                "InvalidParameter.LoginNetworkMasks",
            ),
            (
                PreferenceChanges {
                    allow_user_to_manage_access_keys: Some(true),
                    allow_user_to_change_password: Some(true),
                    ..Default::default()
                },
                "InvalidParameter.AllowUserToChangePassword",
            ),
        ] {
            match security_preference::update(&h.svc, acme, changes).await {
                Err(DomainError::Invalid { code: got, .. }) => assert_eq!(got, code),
                other => panic!("{code}: {other:?}"),
            }
        }
        assert_eq!(
            security_preference::get(&h.svc, acme).await.unwrap(),
            before
        );

        let after = security_preference::update(
            &h.svc,
            acme,
            PreferenceChanges {
                login_network_masks: Some(" 10.0.0.0/8 ;203.0.113.7".into()),
                login_session_hours: Some("2".into()),
                allow_user_to_change_password: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            after.login_network_masks_text(),
            "10.0.0.0/8;203.0.113.7/32"
        );
        assert_eq!(after.login_session_hours, 2);
        assert!(
            after.allow_user_to_manage_mfa_devices,
            "not named, not changed"
        );
    })
    .await;
}

#[tokio::test]
async fn ram_users_bind_mfa_devices_only_while_allowed() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let user_id = h.user(acme, "dev").await;
        let dev = Principal::RamUser {
            account_id: acme,
            user_id,
        };
        const DEV_PASSWORD: &str = "dev's own password 1";
        server::domain::ram_users::set_console_password(
            &h.svc,
            acme,
            user_id,
            Some(DEV_PASSWORD.to_owned()),
        )
        .await
        .unwrap();
        set(
            &h,
            acme,
            PreferenceChanges {
                allow_user_to_manage_mfa_devices: Some(false),
                ..Default::default()
            },
        )
        .await;
        assert!(!mfa::may_manage(&h.svc, dev).await.unwrap());
        // (An enrollment holds a key, so it has no `Debug`: only the error is looked at.)
        let refused = mfa::start_binding(&h.svc, dev, "dev@acme.onaliyun.com", DEV_PASSWORD)
            .await
            .err();
        assert!(
            matches!(&refused, Some(DomainError::NoPermission(m)) if m.contains("MFA devices")),
            "{refused:?}"
        );
        assert!(
            mfa::start_binding(
                &h.svc,
                Principal::Owner { account_id: acme },
                "owner",
                "correct horse battery"
            )
            .await
            .is_ok(),
            "the owner always manages its own device"
        );
        set(
            &h,
            acme,
            PreferenceChanges {
                allow_user_to_manage_mfa_devices: Some(true),
                ..Default::default()
            },
        )
        .await;
        assert!(
            mfa::start_binding(&h.svc, dev, "dev@acme.onaliyun.com", DEV_PASSWORD)
                .await
                .is_ok()
        );
    })
    .await;
}

/// The session cookie's `Max-Age` after a console sign-in.
async fn signed_in_for(h: &Harness, logon: &str, password: &str) -> (StatusCode, Option<i64>) {
    let response = Caller::new(h.svc.clone())
        .send("sign_in", &[("email", logon), ("password", password)])
        .await;
    let max_age = session_cookie(&response).and_then(|cookie| {
        cookie
            .split(';')
            .find_map(|part| part.trim().strip_prefix("Max-Age="))
            .and_then(|age| age.parse().ok())
    });
    (response.status(), max_age)
}

#[tokio::test]
async fn a_ram_users_console_sign_in_lasts_as_long_as_the_preference_says() {
    on_every_database(|h| async move {
        let acme = account_with_console_user(&h).await;
        set(
            &h,
            acme,
            PreferenceChanges {
                login_session_hours: Some("2".into()),
                ..Default::default()
            },
        )
        .await;
        let (status, max_age) =
            signed_in_for(&h, "dev@acme.onaliyun.com", "a long passphrase").await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        let max_age = max_age.expect("a session cookie");
        assert!((2 * 3600 - 60..=2 * 3600).contains(&max_age), "{max_age}");
        let (_, owner) = signed_in_for(&h, "owner@acme.example.com", "correct horse battery").await;
        assert_eq!(
            owner,
            Some(8 * 3600),
            "the owner keeps the console's 8 hours"
        );

        // In process there is no client address, and a list lets no unknown address in.
        set(
            &h,
            acme,
            PreferenceChanges {
                login_network_masks: Some("198.51.100.0/24".into()),
                ..Default::default()
            },
        )
        .await;
        let (status, cookie) =
            signed_in_for(&h, "dev@acme.onaliyun.com", "a long passphrase").await;
        assert_eq!(
            (status, cookie),
            (StatusCode::FORBIDDEN, None),
            "{}",
            h.backend
        );
    })
    .await;
}
