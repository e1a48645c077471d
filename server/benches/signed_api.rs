//! Signed API calls against the bare HTTP round trip, side by side in one run: the same server,
//! the same load generator, signed `GetAccessKeyLastUsed` calls (V3, each with its own nonce,
//! signed before the clock starts; a 50-entry network policy and the audit trail on, a signed
//! run ending only once its audit events are in the database), the unauthenticated `/health`
//! endpoint, and `/health` sent the signed calls' very bytes (what the larger request alone
//! costs). Then, in CPU time, what each request costs and what writing one audit event costs on
//! its own.
//! Run: `cargo bench -p server --bench signed_api [-- REQUESTS]`.
//! Targets (issue 4): signed ÷ bare throughput ≥ 0.80, p99 added < 1 ms.
mod common;

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::Utc;
use common::{fresh_install, FreshInstall};
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sea_orm::{EntityTrait, PaginatorTrait};
use server::access_keys::{self, KeyOwner};
use server::audit::{self, AuditTrail, NewEvent};
use server::gateway::signature::{sha256_hex, sign_v3, V3Request};
use server::gateway::{api_router, Gateway};
use server::identity::Principal;
use server::network_policy::{self, NetworkPolicy};
use server::services::Services;

/// Requests in flight at once.
const CONCURRENCY: usize = 16;
/// Rounds each kind of request is measured in.
const ROUNDS: usize = 10;

struct Run {
    requests: usize,
    elapsed: Duration,
    /// CPU time the whole process spent meanwhile: load generator, server, background writers.
    cpu: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn cpu_per_request(&self) -> Duration {
        self.cpu / self.requests as u32
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
    }
}

/// Sends every request, `CONCURRENCY` at a time, and times each.
async fn drive(addr: SocketAddr, requests: Vec<Request<Empty<Bytes>>>) -> Run {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let total = requests.len();
    let queue = Arc::new(std::sync::Mutex::new(requests));
    let (started, cpu_before) = (Instant::now(), process_cpu_time());
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, queue) = (client.clone(), queue.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some(request) = queue.lock().unwrap().pop() else {
                    return latencies;
                };
                let sent = Instant::now();
                let response = client.request(request).await.expect("response");
                let status = response.status();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                assert!(status.is_success(), "{status} {body:?} from {addr}");
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    Run {
        requests: total,
        elapsed: started.elapsed(),
        cpu: process_cpu_time() - cpu_before,
        latencies,
    }
}

/// CPU time this process has used so far, every thread, user and system.
fn process_cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `getrusage` fills the struct it is given when it returns 0.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let time =
        |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn signed_requests(
    addr: SocketAddr,
    id: &str,
    secret: &str,
    count: usize,
    path: &str,
) -> Vec<Request<Empty<Bytes>>> {
    let host = addr.to_string();
    let date = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let empty = sha256_hex(b"");
    let query = vec![("UserAccessKeyId".to_owned(), id.to_owned())];
    (0..count)
        .map(|i| {
            let nonce = format!(
                "bench-{i}-{}",
                Utc::now().timestamp_nanos_opt().unwrap_or_default()
            );
            let headers: Vec<(&str, Cow<str>)> = [
                ("host", host.as_str()),
                ("x-acs-action", "GetAccessKeyLastUsed"),
                ("x-acs-content-sha256", empty.as_str()),
                ("x-acs-date", date.as_str()),
                ("x-acs-signature-nonce", nonce.as_str()),
                ("x-acs-version", "2015-05-01"),
            ]
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect();
            let string_to_sign = V3Request {
                method: "POST",
                path: "/",
                query: &query,
                signed_headers: &headers,
                hashed_payload: &empty,
            }
            .string_to_sign();
            let names: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
            let authorization = format!(
                "ACS3-HMAC-SHA256 Credential={id},SignedHeaders={},Signature={}",
                names.join(";"),
                sign_v3(secret, &string_to_sign)
            );
            let method = if path == "/" { "POST" } else { "GET" };
            let mut request = Request::builder()
                .method(method)
                .uri(format!("http://{host}{path}?UserAccessKeyId={id}"));
            for (name, value) in &headers {
                request = request.header(*name, value.as_ref());
            }
            request
                .header("authorization", authorization)
                .body(Empty::new())
                .unwrap()
        })
        .collect()
}

fn health_requests(addr: SocketAddr, count: usize) -> Vec<Request<Empty<Bytes>>> {
    (0..count)
        .map(|_| {
            Request::get(format!("http://{addr}/health"))
                .body(Empty::new())
                .unwrap()
        })
        .collect()
}

/// Events written in [`audit_write_cost`].
const AUDIT_WRITES: usize = 40_960;

/// The CPU the audit writer spends on one signed call's event, measured alone: the same event as
/// `GetAccessKeyLastUsed` records, written the way the writer does (`audit::insert`, one
/// transaction per 2,048 events) into the benchmark's trail.
async fn audit_write_cost(svc: &Services, account_id: i64, access_key_id: &str) -> Duration {
    let event = NewEvent {
        source_ip: Some([127, 0, 0, 1].into()),
        parameters: vec![("UserAccessKeyId".to_owned(), access_key_id.to_owned())],
        access_key_id: Some(access_key_id.to_owned()),
        referenced_access_key_id: Some(access_key_id.to_owned()),
        ..NewEvent::api_call(
            account_id,
            Utc::now(),
            "GetAccessKeyLastUsed",
            "ram",
            "4F3C0FBA-1D3B-4B0A-9C0E-5D6A8E2B7C11".to_owned(),
        )
    };
    let batch = vec![event; 2_048];
    let cpu_before = process_cpu_time();
    for _ in 0..AUDIT_WRITES / batch.len() {
        audit::insert(&svc.db, &batch).await.unwrap();
    }
    (process_cpu_time() - cpu_before) / AUDIT_WRITES as u32
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000)
        .max(ROUNDS);
    let FreshInstall {
        svc,
        account_id,
        dir: _dir,
    } = fresh_install().await;
    let key = access_keys::create(&svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    // The guard rails on, as issue 5 asks: a 50-entry account policy that lets the benchmark's
    // address in only at its last entry, and every call written to the audit trail.
    let entries: Vec<String> = (0..49)
        .map(|i| format!("10.{i}.0.0/16"))
        .chain(["127.0.0.1".to_owned()])
        .collect();
    let policy = NetworkPolicy::from_entries(true, &entries).unwrap();
    network_policy::set_account_policy(&svc, Principal::Owner { account_id }, &policy)
        .await
        .unwrap();
    AuditTrail::spawn_writer(svc.clone());
    let gateway = Arc::new(Gateway::new(svc.clone()));
    gateway.spawn_background();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            api_router(gateway).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });

    let id = key.key.access_key_id.clone();
    // Warm up both paths (connections, key cache), then measure each in turn, twice.
    drive(addr, signed_requests(addr, &id, &key.secret, 2_000, "/")).await;
    drive(addr, health_requests(addr, 2_000)).await;
    svc.audit.flush(&svc.db).await;
    let mut signed = Vec::new();
    let mut bare = Vec::new();
    let mut same_bytes = Vec::new();
    let mut catching_up = Duration::ZERO;
    // Many short rounds, each kind in turn and the order rotated every round, so drift in the
    // machine's speed (seen here: /health from 44k to 93k requests/s between runs) falls on all
    // three alike.
    let per_round = count / ROUNDS;
    for round in 0..ROUNDS {
        for kind in (0..3).map(|k| (k + round) % 3) {
            match kind {
                0 => {
                    let mut run = drive(
                        addr,
                        signed_requests(addr, &id, &key.secret, per_round, "/"),
                    )
                    .await;
                    // The run ends when its audit events are written too, so writing them
                    // counts against the signed calls instead of spilling into the next run.
                    let (writing, cpu_before) = (Instant::now(), process_cpu_time());
                    svc.audit.flush(&svc.db).await;
                    run.elapsed += writing.elapsed();
                    run.cpu += process_cpu_time() - cpu_before;
                    catching_up += writing.elapsed();
                    signed.push(run);
                }
                1 => bare.push(drive(addr, health_requests(addr, per_round)).await),
                _ => same_bytes.push(
                    drive(
                        addr,
                        signed_requests(addr, &id, &key.secret, per_round, "/health"),
                    )
                    .await,
                ),
            }
        }
    }
    let merge = |runs: Vec<Run>| Run {
        requests: runs.iter().map(|r| r.requests).sum(),
        elapsed: runs.iter().map(|r| r.elapsed).sum(),
        cpu: runs.iter().map(|r| r.cpu).sum(),
        latencies: runs.into_iter().flat_map(|r| r.latencies).collect(),
    };
    let (signed, bare, same_bytes) = (merge(signed), merge(bare), merge(same_bytes));
    println!(
        "\nSigned API vs bare HTTP, {} requests each in {ROUNDS} interleaved rounds, {CONCURRENCY} in flight, one process, {} cores",
        per_round * ROUNDS,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<44} {:>12} {:>10} {:>10}",
        "", "requests/s", "p50 ms", "p99 ms"
    );
    for (label, run) in [
        ("GET /health (no signature)", &bare),
        ("GET /health with a signed call's headers", &same_bytes),
        ("GetAccessKeyLastUsed (V3, policy, audit)", &signed),
    ] {
        println!(
            "{label:<44} {:>12.0} {:>10.3} {:>10.3}",
            run.throughput(),
            ms(run.percentile(0.50)),
            ms(run.percentile(0.99))
        );
    }
    println!(
        "signed / bare throughput: {:.2} (target >= 0.80); p99 added: {:.3} ms (target < 1 ms)",
        signed.throughput() / bare.throughput(),
        ms(signed.percentile(0.99)) - ms(bare.percentile(0.99))
    );
    println!(
        "signed / same bytes unsigned: {:.2} (what verifying, the policy and the audit cost beside parsing the request)",
        signed.throughput() / same_bytes.throughput()
    );
    svc.audit.flush(&svc.db).await;
    // Beside the ratio, in CPU time: what the target leaves a signed call beyond a bare one, and
    // what its audit event alone costs the writer.
    let write_cost = audit_write_cost(&svc, account_id, &id).await;
    let bare_cpu = bare.cpu_per_request();
    println!(
        "CPU per request (the process's CPU time / requests; load generator included): bare {:.1} µs, same bytes {:.1} µs, signed {:.1} µs",
        micros(bare_cpu),
        micros(same_bytes.cpu_per_request()),
        micros(signed.cpu_per_request()),
    );
    println!(
        "the 0.80 target leaves a signed call {:.1} µs of CPU beyond a bare one; writing its audit event alone takes {:.1} µs (measured on its own)",
        micros(bare_cpu) * (1.0 / 0.80 - 1.0),
        micros(write_cost),
    );
    let audited = server::entities::audit_event::Entity::find()
        .count(&svc.db)
        .await
        .unwrap();
    // A writer that failed would make the signed calls look cheaper than they are.
    assert_eq!(
        audited,
        (2_000 + per_round * ROUNDS + AUDIT_WRITES) as u64,
        "one event per signed call"
    );
    println!(
        "audit events written: {audited} (one per signed call); writing those still queued when a signed run's last response came took {:.0} ms of its {:.0} ms",
        ms(catching_up),
        ms(signed.elapsed)
    );
}
