//! RAM users: the API's naming rules, duplicates, and paging.
mod support;

use chrono::Duration;
use sea_orm::EntityTrait;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::error::DomainError;
use server::domain::ram_users::{self, NewRamUser, UserChanges, UserKeys};
use server::domain::recycle_bin;
use server::infra::entities::retired_access_key_id;
use support::on_every_database;

fn named(name: &str) -> NewRamUser {
    NewRamUser {
        name: name.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_user_is_created_with_defaults_and_names_are_unique_per_account() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        let user = ram_users::create(&h.svc, acme, named("ci-bot")).await.unwrap();
        assert_eq!((user.name.as_str(), user.display_name.as_str()), ("ci-bot", "ci-bot"), "{}", h.backend);
        assert_eq!(user.access_key_count, 0);

        let again = ram_users::create(&h.svc, acme, named("ci-bot")).await;
        assert!(matches!(again, Err(DomainError::Conflict { code: "EntityAlreadyExists.User", ref message }) if message == "The user does already EXIST."));
        ram_users::create(&h.svc, other, named("ci-bot")).await.expect("another account may reuse the name");
        assert!(matches!(ram_users::find(&h.svc, other, "nobody").await, Err(DomainError::NotFound { .. })));
    })
    .await;
}

#[tokio::test]
async fn bad_fields_get_the_documented_codes_and_write_nothing() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let cases = [
            (named("ci bot"), "InvalidParameter.UserName.InvalidChars"),
            (named(&"a".repeat(65)), "InvalidParameter.UserName.Length"),
            (
                NewRamUser {
                    display_name: Some("d".repeat(129)),
                    ..named("a")
                },
                "InvalidParameter.DisplayName.Length",
            ),
            (
                NewRamUser {
                    comments: Some("c".repeat(129)),
                    ..named("a")
                },
                "InvalidParameter.Comments.Length",
            ),
            (
                NewRamUser {
                    email: Some("nope".to_owned()),
                    ..named("a")
                },
                "InvalidParameter.Email.Format",
            ),
            (
                NewRamUser {
                    mobile_phone: Some("12345".to_owned()),
                    ..named("a")
                },
                "InvalidParameter.MobilePhone.Format",
            ),
        ];
        for (user, expected) in cases {
            match ram_users::create(&h.svc, acme, user).await {
                Err(DomainError::Invalid { code, .. }) => {
                    assert_eq!(code, expected, "{}", h.backend)
                }
                other => panic!("{expected}: got {other:?}"),
            }
        }
        assert_eq!(ram_users::count(&h.svc, acme).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn users_page_by_marker_in_creation_order() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        for i in 0..5 {
            h.user(acme, &format!("user-{i}")).await;
        }
        let first = ram_users::list(&h.svc, acme, None, 2).await.unwrap();
        let names = |page: &ram_users::UserPage| {
            page.users
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&first), ["user-0", "user-1"], "{}", h.backend);
        let second = ram_users::list(&h.svc, acme, first.next_marker, 2)
            .await
            .unwrap();
        assert_eq!(names(&second), ["user-2", "user-3"]);
        let last = ram_users::list(&h.svc, acme, second.next_marker, 2)
            .await
            .unwrap();
        assert_eq!(names(&last), ["user-4"]);
        assert_eq!(last.next_marker, None);
    })
    .await;
}

#[tokio::test]
async fn search_finds_by_name_display_name_or_an_access_key_id_of_this_account_only() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        let bot = h.user(acme, "ci-bot").await;
        let display = NewRamUser {
            display_name: Some("Payments Service".into()),
            ..named("pay")
        };
        ram_users::create(&h.svc, acme, display).await.unwrap();
        let literal = NewRamUser {
            display_name: Some("100%_done".into()),
            ..named("done")
        };
        ram_users::create(&h.svc, acme, literal).await.unwrap();
        let key = access_keys::create(
            &h.svc,
            KeyOwner::User {
                account_id: acme,
                user_id: bot,
            },
        )
        .await
        .unwrap();
        let id = key.key.access_key_id;

        let names = |users: Vec<server::infra::entities::ram_user::Model>| {
            users.into_iter().map(|u| u.name).collect::<Vec<_>>()
        };
        assert_eq!(
            names(ram_users::search(&h.svc, acme, "CI-", 50).await.unwrap()),
            ["ci-bot"],
            "{}",
            h.backend
        );
        assert_eq!(
            names(
                ram_users::search(&h.svc, acme, "payments", 50)
                    .await
                    .unwrap()
            ),
            ["pay"]
        );
        assert_eq!(
            names(ram_users::search(&h.svc, acme, &id, 50).await.unwrap()),
            ["ci-bot"]
        );
        assert_eq!(
            names(ram_users::search(&h.svc, acme, "%_", 50).await.unwrap()),
            ["done"],
            "wildcards are literal"
        );
        // Longer than any name: nothing, not a database error (SQLite caps LIKE patterns).
        assert!(ram_users::search(&h.svc, acme, &"a".repeat(100_000), 50)
            .await
            .unwrap()
            .is_empty());
        assert!(
            ram_users::search(&h.svc, other, &id, 50)
                .await
                .unwrap()
                .is_empty(),
            "another account finds nothing"
        );
    })
    .await;
}

#[tokio::test]
async fn basic_information_can_be_edited_with_the_same_rules() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let user_id = h.user(acme, "ci-bot").await;
        let changes = UserChanges {
            display_name: "CI robot".into(),
            email: Some("Bot@Acme.example.com".into()),
            mobile_phone: Some("86-13900001111".into()),
            comments: Some("builds the world".into()),
        };
        let user = ram_users::update(&h.svc, acme, user_id, changes)
            .await
            .unwrap();
        assert_eq!(user.display_name, "CI robot", "{}", h.backend);
        assert_eq!(user.email.as_deref(), Some("bot@acme.example.com"));
        let bad = UserChanges {
            display_name: "".into(),
            ..Default::default()
        };
        assert!(matches!(
            ram_users::update(&h.svc, acme, user_id, bad).await,
            Err(DomainError::Invalid { .. })
        ));
        let other = h.account("other").await;
        let foreign = ram_users::update(
            &h.svc,
            other,
            user_id,
            UserChanges {
                display_name: "x".into(),
                ..Default::default()
            },
        );
        assert!(matches!(foreign.await, Err(DomainError::NotFound { .. })));
    })
    .await;
}

#[tokio::test]
async fn a_deleted_user_goes_to_the_recycle_bin_with_its_keys_and_comes_back_with_them() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let user_id = h.user(acme, "ci-bot").await;
        let owner = KeyOwner::User {
            account_id: acme,
            user_id,
        };
        let kept = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        let deleted_before = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, owner, &deleted_before, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();

        ram_users::delete(&h.svc, acme, user_id, UserKeys::RecycleWithUser)
            .await
            .unwrap();
        assert!(
            matches!(
                ram_users::find(&h.svc, acme, "ci-bot").await,
                Err(DomainError::NotFound { .. })
            ),
            "{}",
            h.backend
        );
        assert_eq!(ram_users::count(&h.svc, acme).await.unwrap(), 0);
        assert!(
            access_keys::list(&h.svc, owner).await.unwrap().is_empty(),
            "its keys stop working at once"
        );
        let bin = recycle_bin::recycled_users(&h.svc, acme).await.unwrap();
        assert_eq!(bin.len(), 1);
        assert_eq!(bin[0].access_key_ids, std::slice::from_ref(&kept));
        assert_eq!(bin[0].delete_date, bin[0].recycled_at + Duration::days(30));
        let alone = recycle_bin::restore_key(&h.svc, acme, &kept).await;
        assert!(
            matches!(alone, Err(DomainError::Conflict { .. })),
            "a key deleted with its user comes back with the user"
        );
        let again = ram_users::create(&h.svc, acme, named("ci-bot")).await;
        assert!(matches!(again, Err(DomainError::Conflict { ref message, .. }) if message.contains("recycle bin")));

        h.clock.advance(Duration::days(29));
        recycle_bin::restore_user(&h.svc, acme, user_id).await.unwrap();
        let keys = access_keys::list(&h.svc, owner).await.unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| k.access_key_id.clone())
                .collect::<Vec<_>>(),
            [kept]
        );
        let user = ram_users::find(&h.svc, acme, "ci-bot").await.unwrap();
        assert_eq!(user.access_key_count, 1);
        assert_eq!(
            recycle_bin::recycled_keys(&h.svc, acme).await.unwrap().len(),
            1,
            "the key deleted on its own stays"
        );
    })
    .await;
}

#[tokio::test]
async fn the_api_delete_refuses_a_user_with_keys_and_writes_nothing() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let user_id = h.user(acme, "ci-bot").await;
        access_keys::create(
            &h.svc,
            KeyOwner::User {
                account_id: acme,
                user_id,
            },
        )
        .await
        .unwrap();
        let refused = ram_users::delete(&h.svc, acme, user_id, UserKeys::MustHaveNone).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::Conflict {
                    code: "DeleteConflict.User.AccessKey",
                    ..
                })
            ),
            "{}",
            h.backend
        );
        let user = ram_users::find(&h.svc, acme, "ci-bot")
            .await
            .expect("still there");
        assert_eq!(
            user.access_key_count, 1,
            "the rolled-back delete left the count alone"
        );
    })
    .await;
}

#[tokio::test]
async fn a_deleted_user_is_purged_after_thirty_days_with_its_key_ids_retired() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let user_id = h.user(acme, "ci-bot").await;
        let id = access_keys::create(
            &h.svc,
            KeyOwner::User {
                account_id: acme,
                user_id,
            },
        )
        .await
        .unwrap()
        .key
        .access_key_id;
        ram_users::delete(&h.svc, acme, user_id, UserKeys::RecycleWithUser)
            .await
            .unwrap();
        h.clock.advance(Duration::days(30));
        assert!(
            matches!(
                recycle_bin::restore_user(&h.svc, acme, user_id).await,
                Err(DomainError::NotFound { .. })
            ),
            "{}",
            h.backend
        );
        assert_eq!(recycle_bin::purge_due_users(&h.svc).await.unwrap(), 1);
        assert!(recycle_bin::recycled_users(&h.svc, acme)
            .await
            .unwrap()
            .is_empty());
        assert!(retired_access_key_id::Entity::find_by_id(id)
            .one(&h.svc.db)
            .await
            .unwrap()
            .is_some());
        ram_users::create(&h.svc, acme, named("ci-bot"))
            .await
            .expect("the name is free again");
    })
    .await;
}
