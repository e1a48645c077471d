//! Signed calls on each database, side by side in one run: one instance on SQLite, one on
//! PostgreSQL, and two instances sharing that PostgreSQL database (each its own caches, nonce
//! store, audit writer and listener; the same process, so the same two cores), with the
//! PostgreSQL nonce claims batched as the server makes them and one `INSERT` a call as before
//! (`SharedNonces::with_max_batch(1)`), each sent the
//! same kind of load: signed `GetAccessKeyLastUsed` calls (V3, each with its own nonce, signed
//! before the clock starts), 64 in flight, split evenly between the instances. On PostgreSQL
//! every call's nonce is also claimed in the database, in batches (`gateway::shared_nonces`).
//! Run: `cargo bench -p server --bench nonce_claims [-- CALLS]` (per round and kind, 30,000 by
//! default); PostgreSQL at `TEST_DATABASE_URL` (default the machine's own on 127.0.0.1:5432).
//! Targets (issue 19): PostgreSQL ≥ half of SQLite with one instance; two instances ≥ 1.6× one.
mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::checks_only;
use common::load::{drive, signed_requests, Run};
use sea_orm::{ConnectionTrait, Database};
use server::domain::access_keys::{self, KeyOwner};
use server::domain::identity::{self, NewAccount};
use server::domain::services::{Services, Settings};
use server::gateway::shared_nonces::SharedNonces;
use server::gateway::{api_router, Gateway};
use server::infra::crypto::{MasterKey, SecretBox};
use server::jobs::Jobs;

const IN_FLIGHT: usize = 64;
/// The batch limit the server runs with, as opposed to 1 (one `INSERT` a call, as before).
const BATCHED: usize = 1_024;
const ROUNDS: usize = 3;

/// One running instance: its address and what stops it.
struct Instance {
    addr: SocketAddr,
    jobs: Jobs,
    server: tokio::task::JoinHandle<()>,
}

async fn start_instance(
    url: &str,
    master: &MasterKey,
    max_batch: usize,
) -> (Instance, Arc<Services>) {
    let db = server::infra::db::connect_and_migrate(url).await.unwrap();
    let svc = Arc::new(Services::new(
        db,
        SecretBox::new(master),
        Settings::default(),
    ));
    let mut gateway = Gateway::new(svc.clone());
    gateway.shared_nonces = SharedNonces::for_database(&svc.db).with_max_batch(max_batch);
    let gateway = Arc::new(gateway);
    let jobs = Jobs::start(svc.clone(), Some(gateway.clone()), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            api_router(gateway).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (Instance { addr, jobs, server }, svc)
}

impl Instance {
    async fn stop(self) {
        self.server.abort();
        self.jobs.stop().await;
    }
}

/// An account owner's key on a fresh database at `url`.
async fn owner_key(url: &str, master: &MasterKey) -> (String, String) {
    let (instance, svc) = start_instance(url, master, BATCHED).await;
    let account_id = identity::create_account(
        &svc,
        NewAccount {
            alias: "bench".into(),
            email: common::OWNER_EMAIL.into(),
            mobile_phone: "86-13800000000".into(),
            password: common::OWNER_PASSWORD.into(),
        },
    )
    .await
    .unwrap()
    .id;
    let key = access_keys::create(&svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    instance.stop().await;
    (key.key.access_key_id.clone(), key.secret.to_string())
}

/// `calls` signed calls split evenly over `instances` fresh instances on `url`, claiming nonces
/// at most `max_batch` a statement.
async fn run(
    url: &str,
    master: &MasterKey,
    key: (&str, &str),
    (instances, max_batch): (usize, usize),
    calls: usize,
) -> Run {
    let mut started = Vec::new();
    for _ in 0..instances {
        started.push(start_instance(url, master, max_batch).await.0);
    }
    let mut per_instance: Vec<_> = started
        .iter()
        .map(|i| signed_requests(i.addr, key, calls / instances, "/").into_iter())
        .collect();
    let mut requests = Vec::with_capacity(calls);
    while requests.len() < calls / instances * instances {
        for queue in &mut per_instance {
            requests.extend(queue.next());
        }
    }
    let result = drive(started[0].addr, requests, IN_FLIGHT).await;
    for instance in started {
        instance.stop().await;
    }
    result
}

/// A PostgreSQL database of its own on the server at `TEST_DATABASE_URL`; `None` when none answers.
async fn postgres_database() -> Option<(String, sea_orm::DatabaseConnection, String)> {
    let base = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let admin = Database::connect(&base).await.ok()?;
    let name = format!("ak_bench_{}", std::process::id());
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .ok()?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .ok()?;
    let url = format!("{}/{name}", base.rsplit_once('/')?.0);
    Some((url, admin, name))
}

#[tokio::main]
async fn main() {
    let calls: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if checks_only() { 400 } else { 30_000 });
    let rounds = if checks_only() { 1 } else { ROUNDS };
    let master = MasterKey::generate();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = server::infra::db::sqlite_url_in(dir.path());
    let sqlite_key = owner_key(&sqlite, &master).await;
    let Some((postgres, admin, name)) = postgres_database().await else {
        println!("no PostgreSQL at TEST_DATABASE_URL: nothing to compare");
        return;
    };
    let postgres_key = owner_key(&postgres, &master).await;

    // Rounds interleave the kinds, so a slower moment of the machine hits all alike.
    let mut rates = [Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let key = (sqlite_key.0.as_str(), sqlite_key.1.as_str());
        rates[0].push(
            run(&sqlite, &master, key, (1, BATCHED), calls)
                .await
                .throughput(),
        );
        let key = (postgres_key.0.as_str(), postgres_key.1.as_str());
        for (i, kind) in [(1, BATCHED), (2, BATCHED), (1, 1), (2, 1)]
            .into_iter()
            .enumerate()
        {
            rates[i + 1].push(run(&postgres, &master, key, kind, calls).await.throughput());
        }
    }
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();
    if checks_only() {
        println!("nonce_claims: every call on both databases and two instances answered");
        return;
    }
    let median = |mut r: Vec<f64>| {
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let [sqlite_1, postgres_1, postgres_2, single_1, single_2] = rates.map(median);
    println!(
        "signed calls a second, {calls} a round, {IN_FLIGHT} in flight, median of {rounds} rounds:"
    );
    println!("| database | instances | nonce claims | calls/s |");
    println!("|---|---|---|---|");
    println!("| SQLite | 1 | in memory | {sqlite_1:.0} |");
    println!("| PostgreSQL | 1 | batched | {postgres_1:.0} |");
    println!("| PostgreSQL | 2 | batched | {postgres_2:.0} |");
    println!("| PostgreSQL | 1 | one INSERT a call | {single_1:.0} |");
    println!("| PostgreSQL | 2 | one INSERT a call | {single_2:.0} |");
    println!(
        "batched ÷ one INSERT a call, PostgreSQL: {:.2} with one instance, {:.2} with two",
        postgres_1 / single_1,
        postgres_2 / single_2
    );
    println!(
        "PostgreSQL ÷ SQLite, one instance: {:.2} (target ≥ 0.50)",
        postgres_1 / sqlite_1
    );
    println!(
        "two instances ÷ one, PostgreSQL: {:.2} (target ≥ 1.60)",
        postgres_2 / postgres_1
    );
}
