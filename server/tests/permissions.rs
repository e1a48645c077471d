//! Who may do what: the owner, RAM administrators, read-only administrators, plain RAM users,
//! each decided by the policy engine from what is attached to them.
mod support;

use server::domain::error::DomainError;
use server::domain::permissions::attachments::{self, Grantee};
use server::domain::permissions::{self, Requester, Resource};
use server::domain::policy::{PolicyType, SystemPolicy};
use server::domain::principal::Principal;
use server::domain::ram_users;
use server::domain::recycle_bin;
use server::domain::services::Services;
use server::infra::clock::Clock;
use support::on_every_database;

fn ram_user(account_id: i64, user_id: i64) -> Requester {
    Requester::plain(Principal::RamUser {
        account_id,
        user_id,
    })
}

async fn may(svc: &Services, who: Requester, action: &str, resource: Resource<'_>) -> bool {
    permissions::allows(svc, &who, action, resource)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_policy_grants_what_it_says_and_no_more() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let admin = h.user(account_id, "admin").await;
        let full = h.user(account_id, "full").await;
        let reader = h.user(account_id, "reader").await;
        let plain = h.user(account_id, "plain").await;
        h.attach(account_id, admin, "AdministratorAccess").await;
        h.attach(account_id, full, "AliyunRAMFullAccess").await;
        h.attach(account_id, reader, "AliyunRAMReadOnlyAccess")
            .await;
        let svc = &h.svc;
        let owner = Requester::plain(Principal::Owner { account_id });
        assert!(may(svc, owner, "ram:CreateUser", Resource::Users).await);
        assert!(may(svc, owner, "ram:CreateAccessKey", Resource::Account).await);
        for user_id in [admin, full] {
            let who = ram_user(account_id, user_id);
            assert!(may(svc, who, "ram:CreateUser", Resource::User("x")).await);
            assert!(may(svc, who, "ram:CreateAccessKey", Resource::User("plain")).await);
        }
        let r = ram_user(account_id, reader);
        assert!(may(svc, r, "ram:ListUsers", Resource::Users).await);
        assert!(may(svc, r, "ram:ListAccessKeys", Resource::User("plain")).await);
        assert!(!may(svc, r, "ram:CreateAccessKey", Resource::User("plain")).await);
        assert!(
            !may(svc, r, "ram:CreateAccessKey", Resource::User("reader")).await,
            "read-only means read-only, own keys included"
        );

        let p = ram_user(account_id, plain);
        assert!(!may(svc, p, "ram:ListUsers", Resource::Users).await);
        let refused = permissions::key_owner(svc, &p, None, "ram:CreateAccessKey").await;
        match refused {
            Err(DomainError::AccessDenied(denied)) => {
                assert_eq!(denied.action, "ram:CreateAccessKey");
                assert_eq!(denied.no_permission_type(), "ImplicitDeny");
                assert!(
                    denied.to_string().contains("AllowUserToManageAccessKeys"),
                    "says how to allow it: {denied}"
                );
            }
            other => panic!("{other:?}"),
        }

        h.allow_users_to_manage_own_keys(account_id).await;
        assert!(
            permissions::key_owner(svc, &p, None, "ram:CreateAccessKey")
                .await
                .is_ok(),
            "{}",
            h.backend
        );
        assert!(!may(svc, p, "ram:CreateAccessKey", Resource::User("admin")).await);
        assert!(!may(svc, p, "ram:ListUsers", Resource::Users).await);
        assert!(
            !may(svc, p, "ram:SetAccessKeyPolicy", Resource::User("plain")).await,
            "a key's own network policy replaces the account's: not part of self-management"
        );
    })
    .await;
}

#[tokio::test]
async fn attaching_is_idempotent_and_stays_inside_the_account() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        h.user(acme, "ops").await;
        let full = || {
            attachments::attach(
                &h.svc,
                acme,
                PolicyType::System,
                "AliyunRAMFullAccess",
                Grantee::User("ops"),
            )
        };
        full().await.unwrap();
        full().await.unwrap();
        let attached = attachments::policies_for_user(&h.svc, acme, "ops", true)
            .await
            .unwrap();
        assert_eq!(
            attached
                .iter()
                .map(|a| a.policy_name.as_str())
                .collect::<Vec<_>>(),
            ["AliyunRAMFullAccess"]
        );
        let foreign = attachments::attach(
            &h.svc,
            other,
            PolicyType::System,
            "AdministratorAccess",
            Grantee::User("ops"),
        )
        .await;
        assert!(
            matches!(foreign, Err(DomainError::NotFound { .. })),
            "{}",
            h.backend
        );
        attachments::detach(
            &h.svc,
            acme,
            PolicyType::System,
            "AliyunRAMFullAccess",
            Grantee::User("ops"),
        )
        .await
        .unwrap();
        assert!(attachments::policies_for_user(&h.svc, acme, "ops", true)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            SystemPolicy::from_name("RootAccess"),
            Err(DomainError::NotFound {
                code: "EntityNotExist.Policy",
                ..
            })
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
        h.attach(account_id, admin, "AliyunRAMFullAccess").await;
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
        let who = Requester::plain(principal);
        assert!(may(&h.svc, who, "ram:CreateUser", Resource::Users).await);

        ram_users::delete(
            &h.svc,
            account_id,
            admin,
            ram_users::UserKeys::RecycleWithUser,
        )
        .await
        .unwrap();
        let set = permissions::policy_set(&h.svc, principal).await.unwrap();
        assert!(
            set.policies.is_empty(),
            "a session opened before the delete keeps nothing: {set:?} ({})",
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
        assert!(may(&h.svc, who, "ram:CreateUser", Resource::Users).await);
    })
    .await;
}

/// A RAM user's policies are cached, so its signed calls read none of them from the database;
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
    let who = ram_user(account_id, user_id);
    support::attach_system_policy(&one, account_id, user_id, "AliyunRAMFullAccess").await;
    for svc in [&one, &two] {
        assert!(
            may(svc, who, "ram:CreateUser", Resource::Users).await,
            "granted, and cached on both instances"
        );
    }

    attachments::detach(
        &*one,
        account_id,
        PolicyType::System,
        "AliyunRAMFullAccess",
        Grantee::User("admin"),
    )
    .await
    .unwrap();
    assert!(
        !may(&one, who, "ram:CreateUser", Resource::Users).await,
        "at once on the instance that changed it"
    );
    tokio::time::sleep(server::infra::cache::TTL + std::time::Duration::from_millis(50)).await;
    assert!(
        !may(&two, who, "ram:CreateUser", Resource::Users).await,
        "within a second on the other one"
    );
}
