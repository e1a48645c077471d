//! First-run setup and sign-in.
mod support;

use server::domain::error::DomainError;
use server::domain::identity::{self, NewAccount};
use server::domain::principal::Principal;
use support::on_every_database;

fn owner_form() -> NewAccount {
    NewAccount {
        alias: " Acme ".to_owned(),
        email: "Owner@Example.com".to_owned(),
        mobile_phone: "86-13800005678".to_owned(),
        password: "correct horse battery".to_owned(),
    }
}

#[tokio::test]
async fn setup_creates_the_first_owner_once() {
    on_every_database(|h| async move {
        assert!(identity::setup_needed(&h.svc).await.unwrap());
        let mismatch = identity::set_up_first_account(&h.svc, owner_form(), "something else").await;
        assert!(
            matches!(
                mismatch,
                Err(DomainError::Invalid {
                    field: "confirm_password",
                    ..
                })
            ),
            "{}",
            h.backend
        );

        let principal =
            identity::set_up_first_account(&h.svc, owner_form(), "correct horse battery")
                .await
                .unwrap();
        assert!(matches!(principal, Principal::Owner { .. }));
        assert!(!identity::setup_needed(&h.svc).await.unwrap());
        let account = identity::find_account(&h.svc, principal.account_id())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (account.alias.as_str(), account.email.as_str()),
            ("acme", "owner@example.com")
        );
        assert!(
            account.password_hash.starts_with("$argon2id$"),
            "argon2 hash, not the password"
        );

        let again =
            identity::set_up_first_account(&h.svc, owner_form(), "correct horse battery").await;
        assert!(matches!(again, Err(DomainError::AlreadySetUp)));
    })
    .await;
}

#[tokio::test]
async fn setup_names_the_field_that_is_wrong() {
    on_every_database(|h| async move {
        type Spoil = fn(&mut NewAccount);
        let cases: [(&str, Spoil); 4] = [
            ("alias", |f| f.alias = "-x".to_owned()),
            ("email", |f| f.email = "not-an-email".to_owned()),
            ("mobile_phone", |f| {
                f.mobile_phone = "13800005678".to_owned()
            }),
            ("password", |f| f.password = "short".to_owned()),
        ];
        for (field, spoil) in cases {
            let mut form = owner_form();
            spoil(&mut form);
            let confirm = form.password.clone();
            match identity::set_up_first_account(&h.svc, form, &confirm).await {
                Err(DomainError::Invalid { field: named, .. }) => {
                    assert_eq!(named, field, "{}", h.backend)
                }
                other => panic!("{field}: expected Invalid, got {other:?}"),
            }
        }
        assert!(
            identity::setup_needed(&h.svc).await.unwrap(),
            "nothing half-written"
        );
    })
    .await;
}

#[tokio::test]
async fn duplicate_alias_or_email_is_a_conflict() {
    on_every_database(|h| async move {
        identity::create_account(&h.svc, owner_form())
            .await
            .unwrap();
        let same_alias = NewAccount {
            email: "other@example.com".to_owned(),
            ..owner_form()
        };
        assert!(matches!(
            identity::create_account(&h.svc, same_alias).await,
            Err(DomainError::Conflict { .. })
        ));
        let same_email = NewAccount {
            alias: "other".to_owned(),
            ..owner_form()
        };
        assert!(matches!(
            identity::create_account(&h.svc, same_email).await,
            Err(DomainError::Conflict { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn sign_in_checks_the_password_and_slows_down_guessing() {
    on_every_database(|h| async move {
        identity::create_account(&h.svc, owner_form())
            .await
            .unwrap();
        let ok =
            support::password_sign_in(&h.svc, "OWNER@example.com ", "correct horse battery", None)
                .await;
        assert!(matches!(ok, Ok(Principal::Owner { .. })), "{}", h.backend);
        for _ in 0..3 {
            let wrong =
                support::password_sign_in(&h.svc, "owner@example.com", "wrong password", None)
                    .await;
            assert!(matches!(wrong, Err(DomainError::WrongCredentials)));
        }
        let throttled =
            support::password_sign_in(&h.svc, "owner@example.com", "correct horse battery", None)
                .await;
        assert!(
            matches!(throttled, Err(DomainError::SignInThrottled { .. })),
            "{}",
            h.backend
        );
        h.clock.advance(chrono::Duration::seconds(2));
        assert!(support::password_sign_in(
            &h.svc,
            "owner@example.com",
            "correct horse battery",
            None
        )
        .await
        .is_ok());

        let unknown =
            support::password_sign_in(&h.svc, "nobody@example.com", "correct horse battery", None)
                .await;
        assert!(matches!(unknown, Err(DomainError::WrongCredentials)));
    })
    .await;
}
