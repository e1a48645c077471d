//! A RAM user's AccessKeys: at most two, and deleted ones wait 30 days in the recycle bin.
mod support;

use chrono::Duration;
use sea_orm::EntityTrait;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::error::DomainError;
use server::domain::recycle_bin;
use server::infra::clock::Clock;
use server::infra::entities::access_key::{self, Status};
use server::infra::entities::retired_access_key_id;
use support::{on_every_concurrent_database, on_every_database};

#[tokio::test]
async fn a_ram_user_holds_at_most_two_keys() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        access_keys::create(&h.svc, owner).await.unwrap();
        access_keys::create(&h.svc, owner).await.unwrap();
        let third = access_keys::create(&h.svc, owner).await;
        assert!(
            matches!(
                third,
                Err(DomainError::LimitExceeded {
                    code: "LimitExceeded.User.AccessKey",
                    ..
                })
            ),
            "{}",
            h.backend
        );
        assert_eq!(access_keys::list(&h.svc, owner).await.unwrap().len(), 2);

        let nobody = KeyOwner::User {
            account_id,
            user_id: 9_999,
        };
        assert!(matches!(
            access_keys::create(&h.svc, nobody).await,
            Err(DomainError::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn fifty_concurrent_creates_make_exactly_two_keys() {
    on_every_concurrent_database(|h| async move {
        let (_, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let attempts: Vec<_> = (0..50)
            .map(|_| {
                let svc = h.svc.clone();
                tokio::spawn(async move { access_keys::create(&svc, owner).await })
            })
            .collect();
        let (mut created, mut refused) = (0, 0);
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(_) => created += 1,
                Err(DomainError::LimitExceeded {
                    code: "LimitExceeded.User.AccessKey",
                    ..
                }) => refused += 1,
                Err(other) => panic!("{}: unexpected {other}", h.backend),
            }
        }
        assert_eq!((created, refused), (2, 48), "{}", h.backend);
        assert_eq!(access_keys::list(&h.svc, owner).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_key_waits_in_the_recycle_bin_and_restores_unchanged() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let created = access_keys::create(&h.svc, owner).await.unwrap();
        let id = created.key.access_key_id.clone();
        access_keys::set_status(&h.svc, owner, &id, Status::Inactive)
            .await
            .unwrap();
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();

        assert!(
            access_keys::list(&h.svc, owner).await.unwrap().is_empty(),
            "{}",
            h.backend
        );
        let bin = recycle_bin::recycled_keys(&h.svc, account_id)
            .await
            .unwrap();
        assert_eq!(bin.len(), 1);
        assert_eq!(
            (bin[0].key.access_key_id.as_str(), bin[0].user_name.as_str()),
            (id.as_str(), "ci-bot")
        );
        assert_eq!(bin[0].recycled_at, h.clock.now());
        assert_eq!(bin[0].delete_date, h.clock.now() + Duration::days(30));

        h.clock.advance(Duration::days(29));
        recycle_bin::restore_key(&h.svc, account_id, &id)
            .await
            .unwrap();
        let restored = access_keys::list(&h.svc, owner).await.unwrap();
        assert_eq!(restored.len(), 1);
        assert_eq!(
            (restored[0].access_key_id.as_str(), restored[0].status),
            (id.as_str(), Status::Inactive)
        );
        let secret = access_keys::reveal_secret(&h.svc, &restored[0]).unwrap();
        assert_eq!(secret.as_str(), created.secret.as_str(), "same secret");
        assert!(recycle_bin::recycled_keys(&h.svc, account_id)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn restore_is_refused_while_the_user_holds_two_keys() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();
        access_keys::create(&h.svc, owner).await.unwrap();
        access_keys::create(&h.svc, owner).await.unwrap();
        let restore = recycle_bin::restore_key(&h.svc, account_id, &id).await;
        assert!(
            matches!(
                restore,
                Err(DomainError::LimitExceeded {
                    code: "LimitExceeded.User.AccessKey",
                    ..
                })
            ),
            "{}",
            h.backend
        );
        assert_eq!(
            recycle_bin::recycled_keys(&h.svc, account_id)
                .await
                .unwrap()
                .len(),
            1,
            "still in the bin"
        );
    })
    .await;
}

#[tokio::test]
async fn after_thirty_days_the_key_is_purged_and_its_id_retired() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();

        h.clock.advance(Duration::days(30));
        let late = recycle_bin::restore_key(&h.svc, account_id, &id).await;
        assert!(
            matches!(late, Err(DomainError::NotFound { .. })),
            "due keys cannot be restored: {}",
            h.backend
        );
        assert_eq!(recycle_bin::purge_due_keys(&h.svc).await.unwrap(), 1);
        assert_eq!(recycle_bin::purge_due_keys(&h.svc).await.unwrap(), 0);
        assert!(access_key::Entity::find_by_id(id.clone())
            .one(&h.svc.db)
            .await
            .unwrap()
            .is_none());
        assert!(retired_access_key_id::Entity::find_by_id(id.clone())
            .one(&h.svc.db)
            .await
            .unwrap()
            .is_some());
        assert!(recycle_bin::recycled_keys(&h.svc, account_id)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn delete_permanently_purges_now() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();
        recycle_bin::purge_key(&h.svc, account_id, &id)
            .await
            .unwrap();
        assert!(
            recycle_bin::recycled_keys(&h.svc, account_id)
                .await
                .unwrap()
                .is_empty(),
            "{}",
            h.backend
        );
        assert!(retired_access_key_id::Entity::find_by_id(id.clone())
            .one(&h.svc.db)
            .await
            .unwrap()
            .is_some());
        let again = recycle_bin::purge_key(&h.svc, account_id, &id).await;
        assert!(matches!(again, Err(DomainError::NotFound { .. })));
    })
    .await;
}

#[tokio::test]
async fn another_account_cannot_see_restore_or_purge_the_recycle_bin() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        let owner = KeyOwner::User {
            account_id: acme,
            user_id: h.user(acme, "ci-bot").await,
        };
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;

        let foreign = KeyOwner::User {
            account_id: other,
            user_id: owner_user(owner),
        };
        assert!(
            access_keys::list(&h.svc, foreign).await.unwrap().is_empty(),
            "{}",
            h.backend
        );
        assert!(matches!(
            access_keys::delete(&h.svc, foreign, &id, access_keys::DeleteGuard::AnyStatus).await,
            Err(DomainError::NotFound { .. })
        ));
        assert!(matches!(
            access_keys::create(&h.svc, foreign).await,
            Err(DomainError::NotFound { .. })
        ));

        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();
        assert!(recycle_bin::recycled_keys(&h.svc, other)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            recycle_bin::restore_key(&h.svc, other, &id).await,
            Err(DomainError::NotFound { .. })
        ));
        let purge = recycle_bin::purge_key(&h.svc, other, &id).await;
        assert!(matches!(purge, Err(DomainError::NotFound { .. })));
        assert_eq!(
            recycle_bin::recycled_keys(&h.svc, acme)
                .await
                .unwrap()
                .len(),
            1
        );
    })
    .await;
}

fn owner_user(owner: KeyOwner) -> i64 {
    match owner {
        KeyOwner::User { user_id, .. } => user_id,
        KeyOwner::Account { .. } => unreachable!("a RAM user's key"),
    }
}

#[tokio::test]
async fn the_recycle_bin_keeps_three_keys_of_a_user_and_purges_the_earliest_beyond() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let mut deleted = Vec::new();
        for _ in 0..4 {
            let id = access_keys::create(&h.svc, owner)
                .await
                .unwrap()
                .key
                .access_key_id;
            access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
                .await
                .unwrap();
            deleted.push(id);
            h.clock.advance(Duration::minutes(1));
        }
        let bin = recycle_bin::recycled_keys(&h.svc, account_id)
            .await
            .unwrap();
        let kept: Vec<&str> = bin.iter().map(|k| k.key.access_key_id.as_str()).collect();
        // Newest first; the first one deleted is gone for good, its ID never to return.
        assert_eq!(
            kept,
            [&deleted[3], &deleted[2], &deleted[1]],
            "{}",
            h.backend
        );
        assert!(matches!(
            recycle_bin::restore_key(&h.svc, account_id, &deleted[0]).await,
            Err(DomainError::NotFound {
                code: "EntityNotExist.RecycleBin.AccessKey",
                ..
            })
        ));
        assert!(
            retired_access_key_id::Entity::find_by_id(deleted[0].clone())
                .one(&h.svc.db)
                .await
                .unwrap()
                .is_some(),
            "{}",
            h.backend
        );
        // Another user's recycled keys are not counted against this one's.
        let other = KeyOwner::User {
            account_id,
            user_id: h.user(account_id, "other-bot").await,
        };
        let id = access_keys::create(&h.svc, other)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, other, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();
        assert_eq!(
            recycle_bin::recycled_keys(&h.svc, account_id)
                .await
                .unwrap()
                .len(),
            4
        );
    })
    .await;
}

#[tokio::test]
async fn the_console_deletes_only_a_disabled_key() {
    on_every_database(|h| async move {
        let (_, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let id = access_keys::create(&h.svc, owner).await.unwrap().key.access_key_id;
        let refused =
            access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::Inactive).await;
        assert!(
            matches!(&refused, Err(DomainError::Conflict { code: "DeleteConflict.AccessKey.Active", message })
                if message.contains("Disable it first")),
            "{}: {refused:?}",
            h.backend
        );
        assert_eq!(access_keys::list(&h.svc, owner).await.unwrap().len(), 1);
        access_keys::set_status(&h.svc, owner, &id, Status::Inactive)
            .await
            .unwrap();
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::Inactive)
            .await
            .unwrap();
        assert!(access_keys::list(&h.svc, owner).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn no_sequence_of_deletes_and_restores_gives_a_user_a_third_key() {
    on_every_database(|h| async move {
        let (account_id, owner) = h.ram_user_keys("acme", "ci-bot").await;
        let KeyOwner::User { user_id, .. } = owner else {
            unreachable!()
        };
        let first = access_keys::create(&h.svc, owner).await.unwrap().key;
        access_keys::create(&h.svc, owner).await.unwrap();
        access_keys::delete(
            &h.svc,
            owner,
            &first.access_key_id,
            access_keys::DeleteGuard::AnyStatus,
        )
        .await
        .unwrap();
        server::domain::ram_users::delete(
            &h.svc,
            account_id,
            user_id,
            server::domain::ram_users::UserKeys::RecycleWithUser,
        )
        .await
        .unwrap();

        // The key deleted on its own cannot come back to a user that is in the recycle bin.
        let early = recycle_bin::restore_key(&h.svc, account_id, &first.access_key_id).await;
        assert!(
            matches!(
                early,
                Err(DomainError::NotFound {
                    code: "EntityNotExist.User",
                    ..
                })
            ),
            "{}: {early:?}",
            h.backend
        );

        // The user comes back with its second key; then the first fits, and nothing more.
        recycle_bin::restore_user(&h.svc, account_id, user_id)
            .await
            .unwrap();
        recycle_bin::restore_key(&h.svc, account_id, &first.access_key_id)
            .await
            .unwrap();
        let third = access_keys::create(&h.svc, owner).await;
        assert!(
            matches!(
                third,
                Err(DomainError::LimitExceeded {
                    code: "LimitExceeded.User.AccessKey",
                    ..
                })
            ),
            "{}: {:?}",
            h.backend,
            third.err()
        );
        assert_eq!(
            access_keys::list(&h.svc, owner).await.unwrap().len(),
            2,
            "{}",
            h.backend
        );
    })
    .await;
}
