//! Guessing is limited however it is sent: per name and address (so a flood against the owner's
//! name from one address does not keep the owner out), per address, and under concurrency — 200
//! parallel guesses are evaluated no more often than the limit allows, and a TOTP code works once
//! even for requests sent at the same moment.
mod support;

use std::net::IpAddr;
use std::sync::Arc;

use server::domain::error::{DomainError, VerificationError};
use server::domain::identity::{self, SignInThrottle};
use server::domain::principal::Principal;
use server::domain::services::Services;
use server::domain::verification::{self, Purpose, MAX_ATTEMPTS};
use support::api_client::app_code;
use support::{on_every_concurrent_database, password_sign_in};
use tokio::task::JoinSet;

const OWNER: &str = "owner@acme.example.com";
const PASSWORD: &str = "correct horse battery";

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

/// Runs `guess` 200 times at once; returns every outcome.
async fn two_hundred_at_once<T, F, Fut>(svc: &Arc<Services>, guess: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Arc<Services>) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let mut guesses = JoinSet::new();
    for _ in 0..200 {
        guesses.spawn(guess(svc.clone()));
    }
    guesses.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_against_the_owners_name_from_one_address_does_not_keep_the_owner_out() {
    on_every_concurrent_database(|h| async move {
        let account_id = h.account("acme").await;
        let mut throttled = 0;
        for _ in 0..20 {
            match password_sign_in(&h.svc, OWNER, "wrong", ip("127.0.0.5")).await {
                Err(DomainError::WrongCredentials) => {}
                Err(DomainError::SignInThrottled { .. }) => throttled += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(
            throttled > 0,
            "{}: the flooding address is slowed",
            h.backend
        );
        let owner = password_sign_in(&h.svc, OWNER, PASSWORD, ip("127.0.0.6"))
            .await
            .unwrap();
        assert_eq!(owner, Principal::Owner { account_id });
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_password_guesses_are_checked_at_most_as_often_as_allowed() {
    on_every_concurrent_database(|h| async move {
        h.account("acme").await;
        let outcomes = two_hundred_at_once(&h.svc, |svc| async move {
            password_sign_in(&svc, OWNER, "wrong", ip("127.0.0.9")).await
        })
        .await;
        let checked = outcomes
            .iter()
            .filter(|o| matches!(o, Err(DomainError::WrongCredentials)))
            .count();
        let refused = outcomes
            .iter()
            .filter(|o| matches!(o, Err(DomainError::SignInThrottled { .. })))
            .count();
        assert!(
            checked <= SignInThrottle::FREE_FAILURES as usize,
            "{}: {checked} guesses were checked",
            h.backend
        );
        assert_eq!(checked + refused, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_code_guesses_spend_five_attempts_and_then_the_code() {
    on_every_concurrent_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        verification::send_code(&h.svc, owner, Purpose::CreateAccessKey)
            .await
            .unwrap();
        let code = h.sender.last_code();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let outcomes = two_hundred_at_once(&h.svc, move |svc| async move {
            verification::consume_code(&svc, owner, Purpose::CreateAccessKey, wrong).await
        })
        .await;
        let compared = outcomes
            .iter()
            .filter(|o| {
                matches!(
                    o,
                    Err(DomainError::Verification(
                        VerificationError::Incorrect { .. }
                    ))
                )
            })
            .count();
        assert!(
            compared < MAX_ATTEMPTS as usize,
            "{}: {compared} guesses were compared",
            h.backend
        );
        let right =
            verification::consume_code(&h.svc, owner, Purpose::CreateAccessKey, &code).await;
        assert!(
            matches!(
                right,
                Err(DomainError::Verification(
                    VerificationError::TooManyAttempts
                ))
            ),
            "{}: the right code after the attempts are spent: {right:?}",
            h.backend
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_totp_code_sent_twenty_times_at_once_is_accepted_once() {
    use server::domain::mfa;
    use server::infra::clock::Clock;
    on_every_concurrent_database(|h| async move {
        let owner = Principal::Owner {
            account_id: h.account("acme").await,
        };
        let enrollment = mfa::start_binding(&h.svc, owner, OWNER, PASSWORD)
            .await
            .unwrap();
        let key = enrollment.secret_base32.to_string();
        let now = h.clock.now().timestamp();
        mfa::confirm_binding(
            &h.svc,
            owner,
            &app_code(&key, now - 30),
            &app_code(&key, now),
        )
        .await
        .unwrap();
        h.clock.advance(chrono::Duration::seconds(30));
        let code = app_code(&key, h.clock.now().timestamp());
        let mut at_once = JoinSet::new();
        for _ in 0..20 {
            let (svc, code) = (h.svc.clone(), code.clone());
            at_once.spawn(async move { mfa::verify(&svc, owner, &code).await });
        }
        let accepted = at_once
            .join_all()
            .await
            .iter()
            .filter(|o| o.is_ok())
            .count();
        assert_eq!(accepted, 1, "{}", h.backend);
        assert!(
            identity::sign_in(&h.svc, OWNER, PASSWORD, Some(&code), None)
                .await
                .is_err()
        );
    })
    .await;
}
