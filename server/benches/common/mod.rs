//! What every benchmark starts from: a fresh SQLite file (as `scripts/run.sh` makes) with one
//! account owner; and how they print times.
// Each benchmark compiles this module on its own and uses only part of it.
#![allow(dead_code)]
use std::sync::Arc;
use std::time::Duration;

use server::domain::identity::{self, NewAccount};
use server::domain::services::{Services, Settings};
use server::infra::crypto::{MasterKey, SecretBox};

pub mod load;

pub const OWNER_EMAIL: &str = "owner@bench.example.com";
pub const OWNER_PASSWORD: &str = "bench password 1";

pub struct FreshInstall {
    pub svc: Arc<Services>,
    pub account_id: i64,
    /// Removed when dropped.
    pub dir: tempfile::TempDir,
}

pub async fn fresh_install() -> FreshInstall {
    let dir = tempfile::tempdir().unwrap();
    let db = server::infra::db::connect_and_migrate(&server::infra::db::sqlite_url_in(dir.path()))
        .await
        .unwrap();
    let svc = Arc::new(Services::new(
        db,
        SecretBox::new(&MasterKey::generate()),
        Settings::default(),
    ));
    let account_id = identity::create_account(
        &svc,
        NewAccount {
            alias: "bench".into(),
            email: OWNER_EMAIL.into(),
            mobile_phone: "86-13800000000".into(),
            password: OWNER_PASSWORD.into(),
        },
    )
    .await
    .unwrap()
    .id;
    FreshInstall {
        svc,
        account_id,
        dir,
    }
}

/// Median of the samples.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A duration as the tables print it.
pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// `cargo bench` passes `--bench`; `cargo test --benches` (CI) does not, and then a benchmark
/// runs at a small size for its own checks only: what it measures really happens. No timings are
/// asserted anywhere.
pub fn checks_only() -> bool {
    !std::env::args().any(|arg| arg == "--bench")
}

/// A process's resident memory in MiB (`process`: a pid, or `self`), from `/proc`.
pub fn resident_mib(process: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}
