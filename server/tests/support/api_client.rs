//! The signed API in process, as an SDK calls it, and an authenticator app's codes.
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use server::gateway::signature::{percent_encode, sign_v1, string_to_sign_v1};
use server::gateway::{api_router, Gateway};
use server::infra::clock::Clock;
use tower::ServiceExt;

use super::Harness;

/// Sends a V1-signed call of `action` (with `params`) from `from`, as an SDK would, signed at the
/// harness's time (RAM's version unless `params` names a `Version`); returns the HTTP status
/// and the JSON answer.
pub async fn v1_call(
    h: &Harness,
    gateway: &Arc<Gateway>,
    (id, secret): (&str, &str),
    action: &str,
    params: &[(&str, &str)],
    from: &str,
) -> (StatusCode, serde_json::Value) {
    let nonce = uuid::Uuid::new_v4().to_string();
    let timestamp = h.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    // RAM's version unless the call names another (IMS's 2019-08-15).
    let version = params
        .iter()
        .find(|(k, _)| *k == "Version")
        .map_or("2015-05-01", |(_, v)| *v);
    let params: Vec<(&str, &str)> = params
        .iter()
        .copied()
        .filter(|(k, _)| *k != "Version")
        .collect();
    let mut all: Vec<(&str, &str)> = vec![
        ("Action", action),
        ("Version", version),
        ("Format", "JSON"),
        ("AccessKeyId", id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce),
        ("Timestamp", &timestamp),
    ];
    all.extend_from_slice(&params);
    let signature = sign_v1(secret, &string_to_sign_v1("GET", all.iter().copied()));
    all.push(("Signature", &signature));
    let query = all
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let peer: SocketAddr = format!("{from}:40000").parse().unwrap();
    let request = Request::get(format!("/?{query}"))
        .header("user-agent", "guard-rails-test")
        .extension(ConnectInfo(peer))
        .body(Body::empty())
        .unwrap();
    let response = api_router(gateway.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

/// The code an authenticator app shows at `unix` seconds for the base32 key.
pub fn app_code(secret_base32: &str, unix: i64) -> String {
    use totp_rs::{Algorithm, Secret, TOTP};
    let key = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .unwrap();
    TOTP::new(Algorithm::SHA1, 6, 0, 30, key, None, "test".into())
        .unwrap()
        .generate(unix as u64)
}
