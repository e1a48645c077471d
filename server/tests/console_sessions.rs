//! Console sessions end when their identity's credentials change, everywhere but the browser
//! that changed them, and the sessions table holds nothing a cookie can be made from.
mod support;

use axum::http::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use server::domain::ram_users;
use server::domain::security_preference::{self, PreferenceChanges};
use support::api_client::app_code;
use support::console_client::Caller;
use support::{on_every_database, Harness};

const OWNER: &str = "owner@acme.example.com";
const PASSWORD: &str = "correct horse battery";
const DEV: &str = "dev@acme.onaliyun.com";

async fn still_signed_in(caller: &Caller) -> bool {
    let (status, body) = caller.call("get_mfa_status", &[]).await;
    match status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => {
            assert!(body.contains("NotSignedIn"), "{body}");
            false
        }
        other => panic!("{other}: {body}"),
    }
}

/// A RAM user `dev` of the account with a console password; returns its id.
async fn dev_with_password(h: &Harness, account_id: i64, password: &str) -> i64 {
    let user_id = h.user(account_id, "dev").await;
    ram_users::set_console_password(&h.svc, account_id, user_id, Some(password.to_owned()))
        .await
        .unwrap();
    user_id
}

#[tokio::test]
async fn binding_mfa_asks_the_password_and_ends_the_owners_other_sessions() {
    use server::infra::clock::Clock;
    on_every_database(|h| async move {
        h.account("acme").await;
        let here = Caller::signed_in(h.svc.clone(), OWNER, PASSWORD).await;
        let elsewhere = Caller::signed_in(h.svc.clone(), OWNER, PASSWORD).await;

        let (status, body) = here
            .call("start_mfa_binding", &[("password", "not it")])
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("The password is incorrect"), "{body}");
        let (status, body) = here
            .call("start_mfa_binding", &[("password", PASSWORD)])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let enrollment: serde_json::Value = serde_json::from_str(&body).unwrap();
        let key = enrollment["secret_base32"].as_str().unwrap();
        assert!(still_signed_in(&elsewhere).await, "nothing is bound yet");

        let now = h.clock.now().timestamp();
        let (first, second) = (app_code(key, now - 30), app_code(key, now));
        let (status, body) = here
            .call(
                "confirm_mfa_binding",
                &[("first_code", &first), ("second_code", &second)],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            still_signed_in(&here).await,
            "{}: the binding browser stays",
            h.backend
        );
        assert!(
            !still_signed_in(&elsewhere).await,
            "{}: the other session ended",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_password_or_new_sign_in_rules_end_a_ram_users_sessions() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let user_id = dev_with_password(&h, account_id, "first password 1").await;
        let dev = Caller::signed_in(h.svc.clone(), DEV, "first password 1").await;
        let owner = Caller::signed_in(h.svc.clone(), OWNER, PASSWORD).await;
        assert!(still_signed_in(&dev).await);

        ram_users::set_console_password(
            &h.svc,
            account_id,
            user_id,
            Some("second password 2".to_owned()),
        )
        .await
        .unwrap();
        assert!(
            !still_signed_in(&dev).await,
            "{}: after a new password",
            h.backend
        );
        assert!(still_signed_in(&owner).await, "the owner is not affected");

        let dev = Caller::signed_in(h.svc.clone(), DEV, "second password 2").await;
        let same = security_preference::update(
            &h.svc,
            account_id,
            PreferenceChanges {
                login_session_hours: Some("8".to_owned()),
                ..Default::default()
            },
        )
        .await;
        assert!(same.is_ok());
        assert!(
            still_signed_in(&dev).await,
            "the same session length changes nothing"
        );
        security_preference::update(
            &h.svc,
            account_id,
            PreferenceChanges {
                login_session_hours: Some("2".to_owned()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            !still_signed_in(&dev).await,
            "{}: after new sign-in rules",
            h.backend
        );
        assert!(still_signed_in(&owner).await);
    })
    .await;
}

#[tokio::test]
async fn the_sessions_table_holds_no_session_id_a_cookie_could_carry() {
    on_every_database(|h| async move {
        h.account("acme").await;
        let owner = Caller::signed_in(h.svc.clone(), OWNER, PASSWORD).await;
        let cookie = owner.cookie.clone().unwrap();
        let id = cookie.split_once('=').unwrap().1;
        let rows = h
            .svc
            .db
            .query_all(Statement::from_string(
                h.svc.db.get_database_backend(),
                "SELECT id FROM tower_sessions",
            ))
            .await
            .unwrap();
        let stored: Vec<String> = rows
            .iter()
            .map(|row| row.try_get::<String>("", "id").unwrap())
            .collect();
        assert_eq!(stored.len(), 1, "{}", h.backend);
        assert_ne!(
            stored[0], id,
            "{}: the cookie's ID is not stored",
            h.backend
        );
        assert!(still_signed_in(&owner).await, "the cookie still works");
    })
    .await;
}
