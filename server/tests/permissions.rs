//! Who may do what: the owner, RAM administrators, read-only administrators, plain RAM users.
mod support;

use server::domain::error::DomainError;
use server::domain::permissions::{self, Grants, SystemPolicy};
use server::domain::principal::Principal;
use server::domain::ram_users;
use server::domain::recycle_bin;
use server::infra::clock::Clock;
use support::on_every_database;

#[tokio::test]
async fn each_policy_grants_what_it_says_and_no_more() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let admin = h.user(account_id, "admin").await;
        let full = h.user(account_id, "full").await;
        let reader = h.user(account_id, "reader").await;
        let plain = h.user(account_id, "plain").await;
        permissions::attach(&h.svc, account_id, admin, SystemPolicy::AdministratorAccess)
            .await
            .unwrap();
        permissions::attach(&h.svc, account_id, full, SystemPolicy::AliyunRAMFullAccess)
            .await
            .unwrap();
        permissions::attach(
            &h.svc,
            account_id,
            reader,
            SystemPolicy::AliyunRAMReadOnlyAccess,
        )
        .await
        .unwrap();
        let grants = |user_id| {
            permissions::grants(
                &h.svc,
                Principal::RamUser {
                    account_id,
                    user_id,
                },
            )
        };

        let owner = permissions::grants(&h.svc, Principal::Owner { account_id })
            .await
            .unwrap();
        assert!(owner.is_owner && owner.manage_users, "{}", h.backend);
        for user_id in [admin, full] {
            let g = grants(user_id).await.unwrap();
            assert!(!g.is_owner, "a RAM administrator is never the owner");
            assert!(g.view_users && g.manage_users && g.may_manage_keys_of(plain));
        }
        let r = grants(reader).await.unwrap();
        assert!(
            r.view_users
                && !r.manage_users
                && r.may_view_keys_of(plain)
                && !r.may_manage_keys_of(plain)
        );
        assert!(
            !r.may_manage_keys_of(reader),
            "read-only means read-only, own keys included"
        );

        let p = grants(plain).await.unwrap();
        assert_eq!(
            p,
            Grants {
                is_owner: false,
                view_users: false,
                manage_users: false,
                manage_own_keys: false,
                user_id: Some(plain)
            }
        );
        assert!(Grants::require(p.may_manage_keys_of(plain), "no").is_err());

        h.allow_users_to_manage_own_keys(account_id).await;
        let p = grants(plain).await.unwrap();
        assert!(
            p.may_manage_keys_of(plain) && !p.may_manage_keys_of(admin) && !p.view_users,
            "{}",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn attaching_is_idempotent_and_stays_inside_the_account() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        let user = h.user(acme, "ops").await;
        permissions::attach(&h.svc, acme, user, SystemPolicy::AliyunRAMFullAccess)
            .await
            .unwrap();
        permissions::attach(&h.svc, acme, user, SystemPolicy::AliyunRAMFullAccess)
            .await
            .unwrap();
        assert_eq!(
            permissions::policies_of(&h.svc, user).await.unwrap(),
            [SystemPolicy::AliyunRAMFullAccess]
        );
        let foreign =
            permissions::attach(&h.svc, other, user, SystemPolicy::AdministratorAccess).await;
        assert!(
            matches!(foreign, Err(DomainError::NotFound { .. })),
            "{}",
            h.backend
        );
        permissions::detach(&h.svc, acme, user, SystemPolicy::AliyunRAMFullAccess)
            .await
            .unwrap();
        assert!(permissions::policies_of(&h.svc, user)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            SystemPolicy::from_name("RootAccess"),
            Err(DomainError::Invalid { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn a_ram_user_signs_in_with_its_logon_name_and_console_password() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let user_id = h.user(account_id, "Ops.Admin").await;
        let logon = "Ops.Admin@acme.onaliyun.com";
        let no_password = support::password_sign_in(&h.svc, logon, "anything at all", None).await;
        assert!(
            matches!(no_password, Err(DomainError::WrongCredentials)),
            "no console password, no sign-in"
        );

        ram_users::set_console_password(
            &h.svc,
            account_id,
            user_id,
            Some("a long passphrase".into()),
        )
        .await
        .unwrap();
        let principal = support::password_sign_in(&h.svc, logon, "a long passphrase", None)
            .await
            .unwrap();
        assert_eq!(
            principal,
            Principal::RamUser {
                account_id,
                user_id
            },
            "{}",
            h.backend
        );
        let user = ram_users::find(&h.svc, account_id, "Ops.Admin")
            .await
            .unwrap();
        assert_eq!(user.last_login_at, Some(h.clock.now()));
        assert!(user.password_hash.unwrap().starts_with("$argon2id$"));

        let wrong_alias = support::password_sign_in(
            &h.svc,
            "Ops.Admin@other.onaliyun.com",
            "a long passphrase",
            None,
        )
        .await;
        assert!(matches!(wrong_alias, Err(DomainError::WrongCredentials)));
        let short =
            ram_users::set_console_password(&h.svc, account_id, user_id, Some("short".into()))
                .await;
        assert!(matches!(
            short,
            Err(DomainError::Invalid {
                field: "password",
                ..
            })
        ));

        ram_users::set_console_password(&h.svc, account_id, user_id, None)
            .await
            .unwrap();
        let removed = support::password_sign_in(&h.svc, logon, "a long passphrase", None).await;
        assert!(
            matches!(removed, Err(DomainError::WrongCredentials)),
            "removing the password ends console sign-in"
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_user_can_neither_sign_in_nor_keep_its_grants() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let admin = h.user(account_id, "admin").await;
        permissions::attach(&h.svc, account_id, admin, SystemPolicy::AliyunRAMFullAccess)
            .await
            .unwrap();
        ram_users::set_console_password(
            &h.svc,
            account_id,
            admin,
            Some("a long passphrase".into()),
        )
        .await
        .unwrap();
        let principal =
            support::password_sign_in(&h.svc, "admin@acme.onaliyun.com", "a long passphrase", None)
                .await
                .unwrap();
        assert!(
            permissions::grants(&h.svc, principal)
                .await
                .unwrap()
                .manage_users
        );

        ram_users::delete(
            &h.svc,
            account_id,
            admin,
            ram_users::UserKeys::RecycleWithUser,
        )
        .await
        .unwrap();
        let grants = permissions::grants(&h.svc, principal).await.unwrap();
        assert!(
            !grants.view_users && !grants.manage_users && !grants.manage_own_keys,
            "a session opened before the delete keeps nothing: {grants:?} ({})",
            h.backend
        );
        let again =
            support::password_sign_in(&h.svc, "admin@acme.onaliyun.com", "a long passphrase", None)
                .await;
        assert!(
            matches!(again, Err(DomainError::WrongCredentials)),
            "a user in the recycle bin cannot sign in"
        );

        recycle_bin::restore_user(&h.svc, account_id, admin)
            .await
            .unwrap();
        support::password_sign_in(&h.svc, "admin@acme.onaliyun.com", "a long passphrase", None)
            .await
            .expect("restored with its password and policies");
        assert!(
            permissions::grants(&h.svc, principal)
                .await
                .unwrap()
                .manage_users
        );
    })
    .await;
}

/// A RAM user's permissions are cached, so its signed calls read none of them from the database;
/// a change made on another instance sharing the database still counts within a second, as for
/// keys.
#[tokio::test]
async fn a_policy_detached_on_one_instance_stops_granting_on_another_within_a_second() {
    let support::TwoInstances {
        one,
        two,
        account_id,
        ..
    } = support::two_instances().await;
    let user_id = ram_users::create(
        &one,
        account_id,
        ram_users::NewRamUser {
            name: "admin".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let principal = Principal::RamUser {
        account_id,
        user_id,
    };
    permissions::attach(&one, account_id, user_id, SystemPolicy::AliyunRAMFullAccess)
        .await
        .unwrap();
    for svc in [&one, &two] {
        let grants = permissions::grants(svc, principal).await.unwrap();
        assert!(grants.manage_users, "granted, and cached on both instances");
    }

    permissions::detach(&one, account_id, user_id, SystemPolicy::AliyunRAMFullAccess)
        .await
        .unwrap();
    let here = permissions::grants(&one, principal).await.unwrap();
    assert!(
        !here.manage_users,
        "at once on the instance that changed it"
    );
    tokio::time::sleep(server::infra::cache::TTL + std::time::Duration::from_millis(50)).await;
    let elsewhere = permissions::grants(&two, principal).await.unwrap();
    assert!(!elsewhere.manage_users, "within a second on the other one");
}
