//! Soak: the real server binary with its default configuration (SQLite in a fresh data directory,
//! the 256 MiB nonce store, every call audited) under a steady load of signed calls for ten
//! minutes, at the highest rate that configuration sustains: each nonce is remembered until its
//! timestamp leaves the 15-minute window, so the default store holds
//! 256 MiB ÷ 21 B ÷ 900 s ≈ 14,200 calls a second's nonces, and starts throttling the heaviest
//! keys at 90 % full; the load runs at 80 % of that, 11,360 a second (`--rate` sets another;
//! `--rate 0` sends as fast as the server answers, which at this machine's ~27,000 calls a second
//! reaches the 90 % in about seven minutes).
//!
//! Well-behaved keys (two accounts, two keys each, every call with its own nonce) must never be
//! throttled; the server's resident memory is printed every 30 s beside the nonce store's (which
//! grows by design until the first nonces leave the window, and is bounded by
//! `--nonce-memory-mib`); at the end, calls captured in the first second are sent again and must
//! all be refused as replays, and after a SIGTERM every answered call has its event.
//!
//! The load comes from this process, over loopback, on the same two cores as the server.
//!
//! Run: `SERVER_BIN=target/release/server cargo bench -p server --bench soak [-- SECONDS]
//! [--rate CALLS_PER_SECOND]` (600 s by default; without `SERVER_BIN`, the binary cargo builds for
//! the benchmark). Figures in BENCHMARKS.md. Target (issue 19): ≥ 5,000 signed calls a second
//! sustained.
mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::Utc;
use common::load::signed_request;
use common::{checks_only, resident_mib};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{ConnectionTrait, Database};

/// The binary cargo built beside this benchmark, or `SERVER_BIN` (the release build users run).
fn server_bin() -> String {
    std::env::var("SERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").to_owned())
}
const IN_FLIGHT: usize = 32;
const REPORT_EVERY: Duration = Duration::from_secs(30);
/// Calls captured early and replayed at the end.
const REPLAYS: usize = 200;

fn free_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// The server's command line, on `data_dir`, with nothing but the addresses set.
fn server(data_dir: &Path, addresses: &Addresses) -> Command {
    let mut command = Command::new(server_bin());
    command
        .env("ACCESSKEY_DATA_DIR", data_dir)
        .env("ACCESSKEY_LISTEN", &addresses.console)
        .env("ACCESSKEY_API_LISTEN", &addresses.api)
        .env("ACCESSKEY_METRICS_LISTEN", &addresses.metrics)
        .env("ACCESSKEY_LOG", "warn")
        // What cargo-leptos sets when it builds the server; the console is not used here.
        .env("LEPTOS_OUTPUT_NAME", "accesskey-console");
    command
}

struct Addresses {
    console: String,
    api: String,
    metrics: String,
}

/// An account with two keys of the owner's: `(AccessKey ID, secret)` each.
fn account_keys(data_dir: &Path, addresses: &Addresses, alias: &str) -> Vec<(String, String)> {
    let mut create = server(data_dir, addresses)
        .args(["account", "create", "--alias", alias])
        .args(["--email", &format!("owner@{alias}.example.com")])
        .args(["--phone", "86-13800005678"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"soak password 1\n")
        .unwrap();
    assert!(create.wait().unwrap().success());
    (0..2)
        .map(|_| {
            let out = server(data_dir, addresses)
                .args(["access-key", "create", "--account", alias])
                .output()
                .unwrap();
            assert!(out.status.success());
            let key: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            (
                key["AccessKeyId"].as_str().unwrap().to_owned(),
                key["AccessKeySecret"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A gauge from the server's `/metrics`, by the end of its name.
async fn metric(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Empty<Bytes>>,
    metrics: &str,
    name: &str,
) -> f64 {
    let Ok(response) = client
        .get(format!("http://{metrics}/metrics").parse().unwrap())
        .await
    else {
        return f64::NAN;
    };
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&body)
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            key.ends_with(name).then(|| value.parse().ok())?
        })
        .unwrap_or(f64::NAN)
}

#[derive(Default)]
struct Counts {
    ok: AtomicU64,
    throttled: AtomicU64,
    other: AtomicU64,
}

fn stop(mut child: Child) -> std::process::ExitStatus {
    // SAFETY: signalling a child process this benchmark started and has not yet reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    child.wait().unwrap()
}

/// 80 % of the rate whose nonces the default store holds (it throttles from 90 % full).
fn default_rate() -> f64 {
    let entries =
        server::gateway::nonces::DEFAULT_MEMORY_BYTES / server::gateway::nonces::BYTES_PER_ENTRY;
    0.8 * entries as f64 / server::gateway::NONCE_WINDOW_SECS as f64
}

#[tokio::main]
async fn main() {
    let (mut seconds, mut rate) = (600u64, default_rate());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rate" {
            rate = args
                .next()
                .and_then(|r| r.parse().ok())
                .expect("--rate CALLS_PER_SECOND");
        } else if let Ok(n) = arg.parse() {
            seconds = n;
        }
    }
    let seconds = if checks_only() { 2 } else { seconds };
    let dir = tempfile::tempdir().unwrap();
    let addresses = Addresses {
        console: free_address(),
        api: free_address(),
        metrics: free_address(),
    };
    let keys: Arc<Vec<(String, String)>> = Arc::new(
        ["soak-one", "soak-two"]
            .iter()
            .flat_map(|alias| account_keys(dir.path(), &addresses, alias))
            .collect(),
    );
    let child = server(dir.path(), &addresses)
        .arg("serve")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let health = format!("http://{}/health", addresses.api);
    while client.get(health.parse().unwrap()).await.is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let counts = Arc::new(Counts::default());
    let done = Arc::new(AtomicBool::new(false));
    let captured = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    // Calls are spread evenly: call n leaves at `started + n / rate` (0: no pacing).
    let scheduled = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for worker in 0..IN_FLIGHT {
        let (client, keys, counts, done, captured, scheduled) = (
            client.clone(),
            keys.clone(),
            counts.clone(),
            done.clone(),
            captured.clone(),
            scheduled.clone(),
        );
        let host = addresses.api.clone();
        workers.push(tokio::spawn(async move {
            let (id, secret) = &keys[worker % keys.len()];
            let mut sent = 0u64;
            while !done.load(Ordering::Relaxed) {
                if rate > 0.0 {
                    let n = scheduled.fetch_add(1, Ordering::Relaxed);
                    let at = started + Duration::from_secs_f64(n as f64 / rate);
                    tokio::time::sleep_until(at.into()).await;
                }
                let nonce = format!("soak-{worker}-{sent}");
                let date = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
                let request = signed_request(&host, (id, secret), &nonce, &date, "/");
                let response = client.request(request).await.expect("an answer");
                let status = response.status();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                if status.is_success() {
                    counts.ok.fetch_add(1, Ordering::Relaxed);
                    if sent < (REPLAYS / IN_FLIGHT) as u64 + 1 {
                        captured.lock().unwrap().push((worker, nonce, date));
                    }
                } else if body.windows(15).any(|w| w == b"Throttling.User") {
                    counts.throttled.fetch_add(1, Ordering::Relaxed);
                } else {
                    counts.other.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{status}: {}", String::from_utf8_lossy(&body));
                }
                sent += 1;
            }
        }));
    }

    println!(
        "soak: {seconds} s at {}, at most {IN_FLIGHT} calls in flight over {} keys of 2 accounts, server pid {pid}",
        if rate > 0.0 { format!("{rate:.0} calls/s") } else { "the rate the server answers".to_owned() },
        keys.len()
    );
    println!(
        "{:>6}  {:>10}  {:>10}  {:>9}  {:>8}  {:>9}  {:>14}",
        "t (s)", "calls", "calls/s", "throttled", "other", "RSS MiB", "nonces MiB"
    );
    let rss_start = resident_mib(&pid);
    let print = |at: Duration, calls: u64, rate: f64, rss: f64, nonces: f64, counts: &Counts| {
        println!(
            "{:>6.0}  {:>10}  {:>10.0}  {:>9}  {:>8}  {:>9.1}  {:>14.1}",
            at.as_secs_f64(),
            calls,
            rate,
            counts.throttled.load(Ordering::Relaxed),
            counts.other.load(Ordering::Relaxed),
            rss,
            nonces / (1024.0 * 1024.0)
        );
    };
    let nonces = metric(&client, &addresses.metrics, "nonce_memory_bytes").await;
    print(Duration::ZERO, 0, 0.0, rss_start, nonces, &counts);
    let deadline = started + Duration::from_secs(seconds);
    let (mut last_at, mut last_calls) = (started, 0);
    let mut rates = Vec::new();
    while Instant::now() < deadline {
        let next = (last_at + REPORT_EVERY).min(deadline);
        tokio::time::sleep_until(next.into()).await;
        let calls = counts.ok.load(Ordering::Relaxed);
        let rate = (calls - last_calls) as f64 / (next - last_at).as_secs_f64();
        rates.push(rate);
        let nonces = metric(&client, &addresses.metrics, "nonce_memory_bytes").await;
        print(
            next - started,
            calls,
            rate,
            resident_mib(&pid),
            nonces,
            &counts,
        );
        (last_at, last_calls) = (next, calls);
    }
    done.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let rss_end = resident_mib(&pid);

    // Refused as used nonces within the 15-minute window, as expired timestamps after it.
    let mut refusals = std::collections::BTreeMap::<String, usize>::new();
    let captured = captured.lock().unwrap().clone();
    for (worker, nonce, date) in captured.iter().take(REPLAYS) {
        let (id, secret) = &keys[worker % keys.len()];
        let replay = signed_request(&addresses.api, (id, secret), nonce, date, "/");
        let response = client.request(replay).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        if !status.is_success() {
            let code = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|answer| answer["Code"].as_str().map(str::to_owned))
                .unwrap_or_else(|| status.to_string());
            *refusals.entry(code).or_default() += 1;
        }
    }
    let refused: usize = refusals.values().sum();
    let replayed = captured.len().min(REPLAYS);

    assert!(stop(child).success(), "the server stops cleanly on SIGTERM");
    let db = Database::connect(server_db(dir.path())).await.unwrap();
    let recorded = db
        .query_one(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) AS n FROM audit_events WHERE error_code IS NULL",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();

    let ok = counts.ok.load(Ordering::Relaxed);
    let throttled = counts.throttled.load(Ordering::Relaxed);
    let other = counts.other.load(Ordering::Relaxed);
    let slowest = rates.iter().copied().fold(f64::INFINITY, f64::min);
    println!();
    println!(
        "signed calls answered      {ok} in {:.0} s: {:.0}/s (slowest 30 s: {slowest:.0}/s)",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64()
    );
    println!("throttled (Throttling.User) {throttled}    other failures {other}");
    println!("server RSS                 {rss_start:.1} MiB at start, {rss_end:.1} MiB at end");
    println!(
        "replays refused            {refused} of {replayed} (captured in the first second, sent after {:.0} s): {refusals:?}",
        elapsed.as_secs_f64()
    );
    println!("successful calls recorded  {recorded} of {ok} (after SIGTERM)");
    assert_eq!(throttled, 0, "a well-behaved key was throttled");
    assert_eq!(other, 0);
    assert_eq!(refused, replayed, "a replay was accepted");
    assert_eq!(recorded as u64, ok, "every answered call has its event");
}

fn server_db(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=ro", data_dir.join("console.db").display())
}
