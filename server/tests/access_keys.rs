//! The AccessKey lifecycle against a real database.
mod support;

use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};
use server::domain::access_keys::{self, KeyOwner};
use server::domain::error::DomainError;
use server::infra::clock::Clock;
use server::infra::entities::access_key::{self, Status};
use server::infra::entities::{account, retired_access_key_id};
use support::on_every_database;

#[tokio::test]
async fn a_new_key_has_an_ltai_id_and_a_30_character_secret_stored_only_encrypted() {
    on_every_database(|h| async move {
        let owner = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        let created = access_keys::create(&h.svc, owner).await.unwrap();
        let id = &created.key.access_key_id;
        assert!(
            id.starts_with("LTAI") && id.len() == 24,
            "{}: {id}",
            h.backend
        );
        assert!(id[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(created.secret.len(), 30);
        assert_eq!(created.key.status, Status::Active);

        let stored = access_key::Entity::find_by_id(id.clone())
            .one(&h.svc.db)
            .await
            .unwrap()
            .unwrap();
        let secret = created.secret.as_bytes();
        assert!(
            !stored
                .secret_ciphertext
                .windows(secret.len())
                .any(|w| w == secret),
            "plaintext stored"
        );
        assert_eq!(stored.secret_nonce.len(), 12);
        assert_eq!(stored.secret_key_version, 1);
        assert_eq!(
            access_keys::reveal_secret(&h.svc, &stored)
                .unwrap()
                .as_str(),
            created.secret.as_str()
        );
    })
    .await;
}

#[tokio::test]
async fn a_ciphertext_moved_to_another_row_does_not_decrypt() {
    on_every_database(|h| async move {
        let owner = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        let a = access_keys::create(&h.svc, owner).await.unwrap().key;
        let b = access_keys::create(&h.svc, owner).await.unwrap().key;
        let mut moved = b.clone().into_active_model();
        moved.secret_ciphertext = Set(a.secret_ciphertext.clone());
        moved.secret_nonce = Set(a.secret_nonce.clone());
        let moved = moved.update(&h.svc.db).await.unwrap();
        assert!(
            matches!(
                access_keys::reveal_secret(&h.svc, &moved),
                Err(DomainError::Crypto(_))
            ),
            "{}",
            h.backend
        );
        assert!(access_keys::reveal_secret(&h.svc, &a).is_ok());
    })
    .await;
}

#[tokio::test]
async fn an_account_holds_at_most_five_keys() {
    on_every_database(|h| async move {
        let owner = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        for _ in 0..5 {
            access_keys::create(&h.svc, owner).await.unwrap();
        }
        let sixth = access_keys::create(&h.svc, owner).await;
        assert!(
            matches!(sixth, Err(DomainError::LimitExceeded { .. })),
            "{}",
            h.backend
        );
        assert!(matches!(
            access_keys::ensure_below_limit(&h.svc, owner).await,
            Err(DomainError::LimitExceeded { .. })
        ));
        assert_eq!(access_keys::list(&h.svc, owner).await.unwrap().len(), 5);

        let first = access_keys::list(&h.svc, owner).await.unwrap().remove(0);
        access_keys::delete(
            &h.svc,
            owner,
            &first.access_key_id,
            access_keys::DeleteGuard::AnyStatus,
        )
        .await
        .unwrap();
        access_keys::create(&h.svc, owner)
            .await
            .expect("a slot was freed");
    })
    .await;
}

#[tokio::test]
async fn concurrent_creates_never_pass_the_limit() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let owner = KeyOwner::Account { account_id };
        let attempts = (0..12).map(|_| {
            let svc = h.svc.clone();
            tokio::spawn(async move { access_keys::create(&svc, owner).await })
        });
        let mut created = 0;
        let mut refused = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(_) => created += 1,
                Err(DomainError::LimitExceeded { .. }) => refused += 1,
                Err(other) => panic!("{}: unexpected {other}", h.backend),
            }
        }
        assert_eq!((created, refused), (5, 7), "{}", h.backend);
        assert_eq!(access_keys::list(&h.svc, owner).await.unwrap().len(), 5);
        let stored = account::Entity::find_by_id(account_id)
            .one(&h.svc.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.access_key_count, 5);
    })
    .await;
}

#[tokio::test]
async fn disable_and_enable_change_the_status() {
    on_every_database(|h| async move {
        let owner = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::set_status(&h.svc, owner, &id, Status::Inactive)
            .await
            .unwrap();
        assert_eq!(
            access_keys::list(&h.svc, owner).await.unwrap()[0].status,
            Status::Inactive
        );
        access_keys::set_status(&h.svc, owner, &id, Status::Active)
            .await
            .unwrap();
        assert_eq!(
            access_keys::list(&h.svc, owner).await.unwrap()[0].status,
            Status::Active
        );
        let unknown = access_keys::set_status(&h.svc, owner, "LTAInotakey", Status::Inactive).await;
        assert!(
            matches!(unknown, Err(DomainError::NotFound { .. })),
            "{}",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn delete_removes_the_key_and_retires_its_id() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let owner = KeyOwner::Account { account_id };
        let id = access_keys::create(&h.svc, owner)
            .await
            .unwrap()
            .key
            .access_key_id;
        access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus)
            .await
            .unwrap();
        assert!(
            access_keys::list(&h.svc, owner).await.unwrap().is_empty(),
            "{}",
            h.backend
        );
        assert_eq!(
            access_key::Entity::find().count(&h.svc.db).await.unwrap(),
            0
        );
        assert!(retired_access_key_id::Entity::find_by_id(id.clone())
            .one(&h.svc.db)
            .await
            .unwrap()
            .is_some());
        let stored = account::Entity::find_by_id(account_id)
            .one(&h.svc.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.access_key_count, 0);
        assert!(matches!(
            access_keys::delete(&h.svc, owner, &id, access_keys::DeleteGuard::AnyStatus).await,
            Err(DomainError::NotFound { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn one_account_cannot_see_change_or_delete_another_accounts_keys() {
    on_every_database(|h| async move {
        let acme = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        let other = KeyOwner::Account {
            account_id: h.account("other").await,
        };
        let id = access_keys::create(&h.svc, acme)
            .await
            .unwrap()
            .key
            .access_key_id;
        assert!(
            access_keys::list(&h.svc, other).await.unwrap().is_empty(),
            "{}",
            h.backend
        );
        let disable = access_keys::set_status(&h.svc, other, &id, Status::Inactive).await;
        assert!(matches!(disable, Err(DomainError::NotFound { .. })));
        assert!(matches!(
            access_keys::delete(&h.svc, other, &id, access_keys::DeleteGuard::AnyStatus).await,
            Err(DomainError::NotFound { .. })
        ));
        assert_eq!(
            access_keys::list(&h.svc, acme).await.unwrap()[0].status,
            Status::Active
        );
    })
    .await;
}

#[tokio::test]
async fn a_key_used_within_thirty_days_counts_as_used_recently() {
    on_every_database(|h| async move {
        let owner = KeyOwner::Account {
            account_id: h.account("acme").await,
        };
        let key = access_keys::create(&h.svc, owner).await.unwrap().key;
        let now = h.clock.now();
        assert!(!access_keys::used_recently(&h.svc, &key, now), "never used");

        let mut used = key.into_active_model();
        used.last_used_at = Set(Some(now - chrono::Duration::days(29)));
        let used = used.update(&h.svc.db).await.unwrap();
        assert!(
            access_keys::used_recently(&h.svc, &used, now),
            "{}",
            h.backend
        );
        assert!(!access_keys::used_recently(
            &h.svc,
            &used,
            now + chrono::Duration::days(2)
        ));
    })
    .await;
}
