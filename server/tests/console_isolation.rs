//! The console's server functions, called over HTTP the way a script with a stolen or planted
//! cookie would call them, not through the UI: one account's session never reaches another
//! account's users, keys or recycle bin, and every refusal is a typed error with a fitting status.
mod support;

use axum::http::StatusCode;
use sea_orm::EntityTrait;
use server::console::SESSION_COOKIE;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::ram_users::{self, UserKeys};
use server::infra::entities::{access_key, account, ram_user};
use support::console_client::Caller;
use support::{on_every_database, Harness};

/// What the rival account holds, to check that nothing of it moved.
struct Rival {
    account_id: i64,
    live_key: String,
    recycled_key: String,
    recycled_user: i64,
}

async fn rival_account(h: &Harness) -> Rival {
    let (account_id, ci_bot) = h.ram_user_keys("rival", "ci-bot").await;
    let live_key = access_keys::create(&h.svc, ci_bot)
        .await
        .unwrap()
        .key
        .access_key_id;
    let recycled_key = access_keys::create(&h.svc, ci_bot)
        .await
        .unwrap()
        .key
        .access_key_id;
    access_keys::delete(
        &h.svc,
        ci_bot,
        &recycled_key,
        access_keys::DeleteGuard::AnyStatus,
    )
    .await
    .unwrap();
    let recycled_user = h.user(account_id, "departed").await;
    ram_users::delete(&h.svc, account_id, recycled_user, UserKeys::RecycleWithUser)
        .await
        .unwrap();
    Rival {
        account_id,
        live_key,
        recycled_key,
        recycled_user,
    }
}

async fn key_row(h: &Harness, id: &str) -> Option<access_key::Model> {
    access_key::Entity::find()
        .all(&h.svc.db)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.access_key_id == id)
}

#[tokio::test]
async fn one_accounts_session_never_reaches_another_account() {
    on_every_database(|h| async move {
        let rival = rival_account(&h).await;
        // The caller's account has a same-named user, so name lookups have something to confuse.
        let (acme, own_bot) = h.ram_user_keys("acme", "ci-bot").await;
        let own_key = access_keys::create(&h.svc, own_bot).await.unwrap();
        let owner = Caller::signed_in(
            h.svc.clone(),
            "owner@acme.example.com",
            "correct horse battery",
        )
        .await;

        let (status, body) = owner
            .call("list_users", &[("query", &rival.live_key)])
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body.contains(r#""users":[]"#),
            "searching another account's AccessKey ID finds nothing: {body}"
        );
        let (_, body) = owner.call("list_users", &[("query", "departed")]).await;
        assert!(body.contains(r#""users":[]"#), "{body}");
        // A root AccessKey ID is named as the account's own only in its own account.
        for (account_id, own) in [(rival.account_id, false), (acme, true)] {
            let root_key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
                .await
                .unwrap()
                .key
                .access_key_id;
            let (_, body) = owner.call("list_users", &[("query", &root_key)]).await;
            assert!(body.contains(r#""users":[]"#), "{body}");
            assert!(body.contains(&format!(r#""account_key":{own}"#)), "{body}");
        }

        let (status, body) = owner.call("list_access_keys", &[("user", "ci-bot")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains(&own_key.key.access_key_id), "{body}");
        assert!(!body.contains(&rival.live_key), "{body}");

        // Changes aimed at the rival's key through the caller's own same-named user.
        for (endpoint, form) in [
            (
                "set_access_key_status",
                vec![
                    ("user", "ci-bot"),
                    ("access_key_id", rival.live_key.as_str()),
                    ("status", "Inactive"),
                ],
            ),
            (
                "delete_access_key",
                vec![
                    ("user", "ci-bot"),
                    ("access_key_id", rival.live_key.as_str()),
                ],
            ),
            // The caller's own keys (no user) are the account's: not the rival's either.
            (
                "delete_access_key",
                vec![("access_key_id", rival.live_key.as_str())],
            ),
        ] {
            let (status, body) = owner.call(endpoint, &form).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
            assert!(body.contains("NotFound"), "{endpoint}: {body}");
        }
        let live = key_row(&h, &rival.live_key).await.expect("still there");
        assert_eq!(live.status, access_key::Status::Active);
        assert!(live.recycled_at.is_none());

        let user_id = rival.recycled_user.to_string();
        for (endpoint, form) in [
            (
                "restore_access_key",
                vec![("access_key_id", rival.recycled_key.as_str())],
            ),
            (
                "purge_access_key",
                vec![("access_key_id", rival.recycled_key.as_str())],
            ),
            ("restore_user", vec![("user_id", user_id.as_str())]),
            ("purge_user", vec![("user_id", user_id.as_str())]),
            ("get_user", vec![("name", "departed")]),
            ("delete_user", vec![("name", "departed")]),
            (
                "update_user",
                vec![
                    ("name", "departed"),
                    ("edit[display_name]", "pwned"),
                    ("edit[email]", ""),
                    ("edit[mobile_phone]", ""),
                    ("edit[comments]", ""),
                ],
            ),
            (
                "set_console_password",
                vec![("name", "departed"), ("password", "a long passphrase")],
            ),
            (
                "set_policy_attached",
                vec![
                    ("name", "departed"),
                    ("policy", "AdministratorAccess"),
                    ("attached", "true"),
                ],
            ),
        ] {
            let (status, body) = owner.call(endpoint, &form).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {body}");
        }
        let recycled = key_row(&h, &rival.recycled_key).await.expect("still there");
        assert!(recycled.recycled_at.is_some(), "still in the rival's bin");
        let departed = ram_user::Entity::find_by_id(rival.recycled_user)
            .one(&h.svc.db)
            .await
            .unwrap()
            .expect("still there");
        assert!(departed.recycled_at.is_some() && departed.password_hash.is_none());

        let (_, bin) = owner.call("list_recycle_bin", &[]).await;
        assert!(
            !bin.contains(&rival.recycled_key) && !bin.contains("departed"),
            "{bin}"
        );

        let (status, _) = owner
            .call(
                "save_security_settings",
                &[("changes[allow_user_to_manage_access_keys]", "true")],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let flags = account::Entity::find().all(&h.svc.db).await.unwrap();
        for a in flags {
            assert_eq!(
                a.allow_user_to_manage_access_keys,
                a.id == acme,
                "only the caller's account changed ({})",
                h.backend
            );
        }
        assert_ne!(rival.account_id, acme);
    })
    .await;
}

#[tokio::test]
async fn without_a_valid_session_every_server_function_refuses() {
    on_every_database(|h| async move {
        let rival = rival_account(&h).await;
        let mut forged = Caller::new(h.svc.clone());
        forged.cookie = Some(format!("{SESSION_COOKIE}=AAAAAAAAAAAAAAAAAAAAAA"));
        let anonymous = Caller::new(h.svc.clone());
        for caller in [&forged, &anonymous] {
            for (endpoint, form) in [
                ("list_users", vec![("query", "")]),
                ("list_access_keys", vec![]),
                ("list_recycle_bin", vec![]),
                ("get_security_settings", vec![]),
                (
                    "restore_access_key",
                    vec![("access_key_id", rival.recycled_key.as_str())],
                ),
                (
                    "delete_access_key",
                    vec![
                        ("user", "ci-bot"),
                        ("access_key_id", rival.live_key.as_str()),
                    ],
                ),
            ] {
                let (status, body) = caller.call(endpoint, &form).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{endpoint}: {body}");
                assert!(body.contains("NotSignedIn"), "{endpoint}: {body}");
            }
        }
        assert!(key_row(&h, &rival.live_key).await.is_some());
        let (status, body) = anonymous.call("current_identity", &[]).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "null"));
    })
    .await;
}

#[tokio::test]
async fn ram_users_get_exactly_what_their_policies_and_the_setting_allow() {
    on_every_database(|h| async move {
        let (acme, bot) = h.ram_user_keys("acme", "ci-bot").await;
        let bot_key = access_keys::create(&h.svc, bot).await.unwrap();
        let password = Some("a long passphrase".to_owned());
        for (name, policy) in [("reader", Some("AliyunRAMReadOnlyAccess")), ("plain", None)] {
            let id = h.user(acme, name).await;
            ram_users::set_console_password(&h.svc, acme, id, password.clone())
                .await
                .unwrap();
            if let Some(policy) = policy {
                h.attach(acme, id, policy).await;
            }
        }
        let reader = Caller::signed_in(
            h.svc.clone(),
            "reader@acme.onaliyun.com",
            "a long passphrase",
        )
        .await;
        let (status, body) = reader.call("list_access_keys", &[("user", "ci-bot")]).await;
        assert_eq!(status, StatusCode::OK, "a reader sees: {body}");
        assert!(
            body.contains(&bot_key.key.access_key_id) && body.contains(r#""can_manage":false"#)
        );
        for (endpoint, form) in [
            (
                "set_access_key_status",
                vec![
                    ("user", "ci-bot"),
                    ("access_key_id", bot_key.key.access_key_id.as_str()),
                    ("status", "Inactive"),
                ],
            ),
            ("send_verification_code", vec![("user", "ci-bot")]),
            ("delete_user", vec![("name", "ci-bot")]),
            (
                "save_security_settings",
                vec![("changes[allow_user_to_manage_access_keys]", "true")],
            ),
        ] {
            let (status, body) = reader.call(endpoint, &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {body}");
            assert!(body.contains("NoPermission"), "{endpoint}: {body}");
        }
        let (status, _) = reader.call("list_access_keys", &[]).await;
        assert_eq!(status, StatusCode::OK, "a reader may look at its own keys");

        let plain = Caller::signed_in(
            h.svc.clone(),
            "plain@acme.onaliyun.com",
            "a long passphrase",
        )
        .await;
        for (endpoint, form) in [
            ("list_access_keys", vec![]),
            ("list_users", vec![("query", "")]),
            ("list_access_keys", vec![("user", "ci-bot")]),
        ] {
            let (status, body) = plain.call(endpoint, &form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{endpoint}: {body}");
        }
        h.allow_users_to_manage_own_keys(acme).await;
        let (status, body) = plain.call("list_access_keys", &[]).await;
        assert_eq!(status, StatusCode::OK, "its own keys, once allowed: {body}");
        let (status, _) = plain.call("list_access_keys", &[("user", "ci-bot")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "never another user's");
        let (status, body) = plain
            .call(
                "delete_access_key",
                &[("access_key_id", bot_key.key.access_key_id.as_str())],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not among its own: {body}");
        assert!(key_row(&h, &bot_key.key.access_key_id).await.is_some());
    })
    .await;
}

#[tokio::test]
async fn a_request_the_console_never_sends_is_a_bad_request_not_a_server_fault() {
    on_every_database(|h| async move {
        let owner = h.signed_in_owner("acme").await;
        for (endpoint, form) in [
            (
                "set_access_key_status",
                vec![("access_key_id", "LTAI0000"), ("status", "Weird")],
            ),
            ("create_user", vec![("form[name]", "no-display-name")]),
            ("save_network_policy", vec![("active", "maybe")]),
        ] {
            let (status, body) = owner.call(endpoint, &form).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}: {body}");
            assert!(body.contains("Unreadable"), "{endpoint}: {body}");
        }
    })
    .await;
}
