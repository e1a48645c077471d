//! Runs a domain test on in-memory SQLite and, when `TEST_DATABASE_URL` names a PostgreSQL
//! server, again on a fresh database there (dropped afterwards, also when the test fails).
#![allow(dead_code)]
pub mod api_client;
pub mod console_client;

use std::future::Future;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database};
use server::domain::identity::{self, NewAccount};
use server::domain::services::{Services, Settings};
use server::domain::verification::CodeSender;
use server::infra::clock::ManualClock;
use server::infra::crypto::{MasterKey, SecretBox};

/// Remembers every code it "sends", so tests can type it in.
#[derive(Default)]
pub struct RecordingSender(Mutex<Vec<(String, String)>>);

impl RecordingSender {
    pub fn last_code(&self) -> String {
        self.0
            .lock()
            .unwrap()
            .last()
            .expect("a code was sent")
            .1
            .clone()
    }

    pub fn sent(&self) -> Vec<(String, String)> {
        self.0.lock().unwrap().clone()
    }
}

#[async_trait]
impl CodeSender for RecordingSender {
    async fn send(&self, phone: &str, code: &str) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .push((phone.to_owned(), code.to_owned()));
        Ok(())
    }
}

#[derive(Clone)]
pub struct Harness {
    pub backend: &'static str,
    pub svc: Arc<Services>,
    pub clock: Arc<ManualClock>,
    pub sender: Arc<RecordingSender>,
}

impl Harness {
    pub async fn new(backend: &'static str, url: &str) -> Self {
        let db = server::infra::db::connect_and_migrate(url)
            .await
            .expect("connect and migrate");
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        ));
        let sender = Arc::new(RecordingSender::default());
        let svc = Services::new(
            db,
            SecretBox::new(&MasterKey::generate()),
            Settings::default(),
        )
        .with_clock(clock.clone())
        .with_sender(sender.clone());
        Self {
            backend,
            svc: Arc::new(svc),
            clock,
            sender,
        }
    }

    /// A RAM user of `account_id`; returns its id.
    pub async fn user(&self, account_id: i64, name: &str) -> i64 {
        server::domain::ram_users::create(
            &self.svc,
            account_id,
            server::domain::ram_users::NewRamUser {
                name: name.to_owned(),
                ..Default::default()
            },
        )
        .await
        .expect("create RAM user")
        .id
    }

    /// Attaches a system policy to the RAM user `user_id` of `account_id`.
    pub async fn attach(&self, account_id: i64, user_id: i64, policy: &str) {
        attach_system_policy(&self.svc, account_id, user_id, policy).await;
    }

    /// A new account with one RAM user: the account's id and that user's keys.
    pub async fn ram_user_keys(
        &self,
        alias: &str,
        user: &str,
    ) -> (i64, server::domain::access_keys::KeyOwner) {
        let account_id = self.account(alias).await;
        let user_id = self.user(account_id, user).await;
        (
            account_id,
            server::domain::access_keys::KeyOwner::User {
                account_id,
                user_id,
            },
        )
    }

    /// Turns on "Allow RAM users to manage their own AccessKey pairs" for the account.
    pub async fn allow_users_to_manage_own_keys(&self, account_id: i64) {
        server::domain::security_preference::update(
            &self.svc,
            account_id,
            server::domain::security_preference::PreferenceChanges {
                allow_user_to_manage_access_keys: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("update the security preference");
    }

    /// A new account `alias`'s owner, signed in to the console.
    pub async fn signed_in_owner(&self, alias: &str) -> console_client::Caller {
        self.account(alias).await;
        console_client::Caller::signed_in(
            self.svc.clone(),
            &format!("owner@{alias}.example.com"),
            "correct horse battery",
        )
        .await
    }

    /// An account owner with a known password; returns its id.
    pub async fn account(&self, alias: &str) -> i64 {
        identity::create_account(
            &self.svc,
            NewAccount {
                alias: alias.to_owned(),
                email: format!("owner@{alias}.example.com"),
                mobile_phone: "86-13800005678".to_owned(),
                password: "correct horse battery".to_owned(),
            },
        )
        .await
        .expect("create account")
        .id
    }
}

pub async fn on_every_database<F, Fut>(test: F)
where
    F: Fn(Harness) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_isolated(test(Harness::new("sqlite", "sqlite::memory:").await)).await;
    on_postgres(test).await;
}

/// For tests of concurrency: SQLite in a file with a pool of connections (an in-memory database
/// has one connection, which would serialise everything), then PostgreSQL.
pub async fn on_every_concurrent_database<F, Fut>(test: F)
where
    F: Fn(Harness) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = server::infra::db::sqlite_url_in(dir.path());
    run_isolated(test(Harness::new("sqlite-file", &url).await)).await;
    on_postgres(test).await;
}

async fn on_postgres<F, Fut>(test: F)
where
    F: Fn(Harness) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let admin = Database::connect(&base)
        .await
        .expect("connect to TEST_DATABASE_URL");
    let mut suffix = [0u8; 6];
    server::infra::crypto::fill_random(&mut suffix);
    let name = format!(
        "ak_test_{}",
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let url = format!(
        "{}/{name}",
        base.rsplit_once('/').expect("URL names a database").0
    );
    let harness = Harness::new("postgres", &url).await;
    let outcome = tokio::spawn(test(harness.clone())).await;
    harness.svc.db.clone().close().await.ok();
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .expect("drop test database");
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}

async fn run_isolated(test: impl Future<Output = ()> + Send + 'static) {
    if let Err(failure) = tokio::spawn(test).await {
        std::panic::resume_unwind(failure.into_panic());
    }
}

/// Two server instances sharing one database (a SQLite file, as instances share PostgreSQL),
/// with the account `acme` made on the first. Each instance has its own caches, on the real
/// clock.
pub struct TwoInstances {
    pub one: Arc<Services>,
    pub two: Arc<Services>,
    pub account_id: i64,
    /// Removed when dropped.
    _dir: tempfile::TempDir,
}

pub async fn two_instances() -> TwoInstances {
    let dir = tempfile::tempdir().unwrap();
    let db = server::infra::db::connect_and_migrate(&server::infra::db::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    let master = MasterKey::generate();
    let instance = || {
        Arc::new(Services::new(
            db.clone(),
            SecretBox::new(&master),
            Settings::default(),
        ))
    };
    let (one, two) = (instance(), instance());
    let account_id = identity::create_account(
        &one,
        NewAccount {
            alias: "acme".into(),
            email: "owner@acme.example.com".into(),
            mobile_phone: "86-13800005678".into(),
            password: "correct horse battery".into(),
        },
    )
    .await
    .unwrap()
    .id;
    TwoInstances {
        one,
        two,
        account_id,
        _dir: dir,
    }
}

/// A sign-in with a password alone, as [`identity::sign_in`] decides it, for identities with no
/// virtual MFA device.
#[allow(dead_code)]
pub async fn password_sign_in(
    svc: &Services,
    name: &str,
    password: &str,
    source: Option<std::net::IpAddr>,
) -> Result<server::domain::principal::Principal, server::domain::error::DomainError> {
    match identity::sign_in(svc, name, password, None, source).await? {
        identity::SignIn::Complete(principal) => Ok(principal),
        identity::SignIn::NeedsMfaCode => panic!("{name} has an MFA device: sign in with its code"),
    }
}

/// Attaches a system policy (by name) to a RAM user (by id).
pub async fn attach_system_policy(
    svc: &server::domain::services::Services,
    account_id: i64,
    user_id: i64,
    policy: &str,
) {
    use server::domain::permissions::attachments::{self, Grantee};
    let user = server::domain::ram_users::find_by_id(svc, account_id, user_id)
        .await
        .expect("the user exists");
    attachments::attach(
        svc,
        account_id,
        server::domain::policy::PolicyType::System,
        policy,
        Grantee::User(&user.name),
    )
    .await
    .expect("attach a system policy");
}
