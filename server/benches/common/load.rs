//! Load from inside the benchmark's own process: signed requests made ahead of time, sent a
//! number at a time over real loopback connections, with the CPU time spent meanwhile.
use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::Utc;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use server::gateway::signature::{sha256_hex, sign_v3, V3Request};

pub struct Run {
    pub requests: usize,
    pub elapsed: Duration,
    /// CPU time the whole process spent meanwhile: load generator, server, background writers.
    pub cpu: Duration,
    pub latencies: Vec<Duration>,
}

impl Run {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn cpu_per_request(&self) -> Duration {
        self.cpu / self.requests as u32
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
    }
}

/// Sends every request, `concurrency` at a time, and times each.
pub async fn drive(
    addr: SocketAddr,
    requests: Vec<Request<Empty<Bytes>>>,
    concurrency: usize,
) -> Run {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let total = requests.len();
    let queue = Arc::new(std::sync::Mutex::new(requests));
    let (started, cpu_before) = (Instant::now(), process_cpu_time());
    let mut workers = Vec::new();
    for _ in 0..concurrency {
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
pub fn process_cpu_time() -> Duration {
    cpu_time(libc::RUSAGE_SELF)
}

/// CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> Duration {
    cpu_time(libc::RUSAGE_THREAD)
}

fn cpu_time(who: libc::c_int) -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `getrusage` fills the struct it is given when it returns 0.
    let usage = unsafe {
        assert_eq!(libc::getrusage(who, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let time =
        |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// `count` calls of `GetAccessKeyLastUsed` on the key itself, signed with it (V3) and sent to
/// `path`, each with its own nonce.
pub fn signed_requests(
    addr: SocketAddr,
    key: (&str, &str),
    count: usize,
    path: &str,
) -> Vec<Request<Empty<Bytes>>> {
    let host = addr.to_string();
    let date = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    (0..count)
        .map(|i| {
            let nonce = format!(
                "bench-{i}-{}",
                Utc::now().timestamp_nanos_opt().unwrap_or_default()
            );
            signed_request(&host, key, &nonce, &date, path)
        })
        .collect()
}

/// One call of `GetAccessKeyLastUsed` on the key itself, signed with it (V3) at `date` (ISO 8601)
/// with `nonce`: the same arguments make the same request, byte for byte (a replay).
pub fn signed_request(
    host: &str,
    (id, secret): (&str, &str),
    nonce: &str,
    date: &str,
    path: &str,
) -> Request<Empty<Bytes>> {
    let empty = sha256_hex(b"");
    let query = vec![("UserAccessKeyId".to_owned(), id.to_owned())];
    let headers: Vec<(&str, Cow<str>)> = [
        ("host", host),
        ("x-acs-action", "GetAccessKeyLastUsed"),
        ("x-acs-content-sha256", empty.as_str()),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
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
    let mut request = Request::post(format!("http://{host}{path}?UserAccessKeyId={id}"));
    for (name, value) in &headers {
        request = request.header(*name, value.as_ref());
    }
    request
        .header("authorization", authorization)
        .body(Empty::new())
        .unwrap()
}
