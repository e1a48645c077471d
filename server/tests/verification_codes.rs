//! Step-up verification codes: five minutes, single use, five attempts, stored hashed.
mod support;

use chrono::Duration;
use sea_orm::EntityTrait;
use server::domain::error::{DomainError, VerificationError};
use server::domain::principal::Principal;
use server::domain::verification::{self, Purpose};
use server::infra::entities::verification_code;
use support::on_every_database;

const PURPOSE: Purpose = Purpose::CreateAccessKey;

fn verification_error(result: Result<(), DomainError>) -> VerificationError {
    match result {
        Err(DomainError::Verification(e)) => e,
        other => panic!("expected a verification error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_code_goes_to_the_accounts_phone_and_works_once() {
    on_every_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        let sent = verification::send_code(&h.svc, owner, PURPOSE)
            .await
            .unwrap();
        assert_eq!(sent.masked_phone, "86-138****5678");
        assert_eq!(sent.expires_in, Duration::minutes(5));
        let (phone, code) = h.sender.sent().pop().unwrap();
        assert_eq!(phone, "86-13800005678");
        assert!(
            code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
            "{code}"
        );

        let stored = verification_code::Entity::find()
            .all(&h.svc.db)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(
            stored[0].code_hash,
            code.as_bytes(),
            "stored hashed, not as typed"
        );

        verification::consume_code(&h.svc, owner, PURPOSE, &code)
            .await
            .unwrap();
        let again = verification::consume_code(&h.svc, owner, PURPOSE, &code).await;
        assert_eq!(
            verification_error(again),
            VerificationError::NotRequested,
            "{}",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn a_wrong_code_costs_an_attempt_and_five_lock_the_code() {
    on_every_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        verification::send_code(&h.svc, owner, PURPOSE)
            .await
            .unwrap();
        let code = h.sender.last_code();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for attempts_left in (1..5).rev() {
            let result = verification::consume_code(&h.svc, owner, PURPOSE, wrong).await;
            assert_eq!(
                verification_error(result),
                VerificationError::Incorrect { attempts_left },
                "{}",
                h.backend
            );
        }
        let fifth = verification::consume_code(&h.svc, owner, PURPOSE, wrong).await;
        assert_eq!(
            verification_error(fifth),
            VerificationError::TooManyAttempts
        );
        let right_too_late = verification::consume_code(&h.svc, owner, PURPOSE, &code).await;
        assert_eq!(
            verification_error(right_too_late),
            VerificationError::TooManyAttempts
        );
    })
    .await;
}

#[tokio::test]
async fn a_code_expires_after_five_minutes() {
    on_every_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        verification::send_code(&h.svc, owner, PURPOSE)
            .await
            .unwrap();
        let code = h.sender.last_code();
        h.clock.advance(Duration::minutes(5));
        let late = verification::consume_code(&h.svc, owner, PURPOSE, &code).await;
        assert_eq!(
            verification_error(late),
            VerificationError::Expired,
            "{}",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_code_waits_a_minute_and_replaces_the_old_one() {
    on_every_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        verification::send_code(&h.svc, owner, PURPOSE)
            .await
            .unwrap();
        let first = h.sender.last_code();
        let too_soon = verification::send_code(&h.svc, owner, PURPOSE).await;
        assert!(
            matches!(too_soon, Err(DomainError::ResendTooSoon { wait_secs: 60 })),
            "{}",
            h.backend
        );

        h.clock.advance(Duration::seconds(60));
        verification::send_code(&h.svc, owner, PURPOSE)
            .await
            .unwrap();
        let second = h.sender.last_code();
        if first != second {
            let old = verification::consume_code(&h.svc, owner, PURPOSE, &first).await;
            assert!(matches!(
                verification_error(old),
                VerificationError::Incorrect { .. }
            ));
        }
        verification::consume_code(&h.svc, owner, PURPOSE, &second)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn no_code_requested_means_nothing_to_check() {
    on_every_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        let result = verification::consume_code(&h.svc, owner, PURPOSE, "123456").await;
        assert_eq!(
            verification_error(result),
            VerificationError::NotRequested,
            "{}",
            h.backend
        );
    })
    .await;
}

#[tokio::test]
async fn a_ram_user_gets_codes_on_its_own_phone_or_a_clear_refusal() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let user_id = server::domain::ram_users::create(
            &h.svc,
            account_id,
            server::domain::ram_users::NewRamUser {
                name: "ops".into(),
                mobile_phone: Some("86-13912341234".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
        let ops = Principal::RamUser {
            account_id,
            user_id,
        };
        let sent = verification::send_code(&h.svc, ops, PURPOSE).await.unwrap();
        assert_eq!(sent.masked_phone, "86-139****1234");
        let (phone, code) = h.sender.sent().pop().unwrap();
        assert_eq!(phone, "86-13912341234", "{}", h.backend);
        let owner = Principal::Owner { account_id };
        assert_eq!(
            verification_error(verification::consume_code(&h.svc, owner, PURPOSE, &code).await),
            VerificationError::NotRequested,
            "a RAM user's code is its own, not the owner's"
        );
        verification::consume_code(&h.svc, ops, PURPOSE, &code)
            .await
            .unwrap();

        let no_phone = Principal::RamUser {
            account_id,
            user_id: h.user(account_id, "nophone").await,
        };
        let refused = verification::send_code(&h.svc, no_phone, PURPOSE).await;
        assert!(
            matches!(
                refused,
                Err(DomainError::Verification(VerificationError::NoPhone))
            ),
            "{}",
            h.backend
        );
        assert_eq!(h.sender.sent().len(), 1, "nothing was sent");
    })
    .await;
}
