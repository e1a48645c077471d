//! `/metrics` tells an operator what both front doors answered and how full the parts that hold
//! memory are, in Prometheus' text format, with labels an attacker cannot multiply.
mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use server::domain::access_keys::{self, KeyOwner};
use server::gateway::signature::{percent_encode, sign_v1, string_to_sign_v1};
use server::gateway::{api_router, Gateway};
use support::console_client::Caller;
use support::Harness;
use tower::ServiceExt;

async fn signed_call(h: &Harness, gateway: &Arc<Gateway>, id: &str, secret: &str, action: &str) {
    use server::infra::clock::Clock;
    let nonce = uuid::Uuid::new_v4().to_string();
    let timestamp = h.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut all: Vec<(&str, &str)> = vec![
        ("Action", action),
        ("Version", "2015-05-01"),
        ("Format", "JSON"),
        ("AccessKeyId", id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce),
        ("Timestamp", &timestamp),
    ];
    let signature = sign_v1(secret, &string_to_sign_v1("GET", all.iter().copied()));
    all.push(("Signature", &signature));
    let query = all
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let peer: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let request = Request::get(format!("/?{query}"))
        .extension(ConnectInfo(peer))
        .body(Body::empty())
        .unwrap();
    api_router(gateway.clone()).oneshot(request).await.unwrap();
}

#[tokio::test]
async fn metrics_count_calls_refusals_and_console_requests_with_bounded_labels() {
    let h = Harness::new("sqlite", "sqlite::memory:").await;
    let account_id = h.account("acme").await;
    let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.to_string());
    let gateway = Arc::new(Gateway::new(h.svc.clone()));
    signed_call(&h, &gateway, &id, &secret, "ListUsers").await;
    signed_call(&h, &gateway, &id, &secret, "ListUsers").await;
    signed_call(&h, &gateway, &id, "wrong", "ListUsers").await;
    for i in 0..50 {
        signed_call(&h, &gateway, &id, &secret, &format!("Invented{i}")).await;
    }
    let console = Caller::signed_in(
        h.svc.clone(),
        "owner@acme.example.com",
        "correct horse battery",
    )
    .await;
    console.call("list_access_keys", &[]).await;
    console.call(&format!("no_such_function_{}", 7), &[]).await;

    let text = server::metrics::render(&gateway);
    for line in [
        r#"accesskey_requests_total{listener="api",action="ListUsers",outcome="ok"} 2"#,
        r#"accesskey_requests_total{listener="api",action="ListUsers",outcome="SignatureDoesNotMatch"} 1"#,
        r#"accesskey_requests_total{listener="api",action="Unknown",outcome="InvalidApi.NotFound"} 50"#,
        r#"accesskey_refused_calls_total{reason="SignatureDoesNotMatch"} 1"#,
        r#"accesskey_requests_total{listener="console",action="sign_in",outcome="200"} 1"#,
        r#"accesskey_requests_total{listener="console",action="list_access_keys",outcome="200"} 1"#,
        "accesskey_audit_backlog ",
        "accesskey_nonce_memory_bytes ",
        "accesskey_nonce_memory_limit_bytes ",
        "accesskey_audit_events_dropped_total 0",
        "accesskey_sign_in_throttled_total 0",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    assert!(
        !text.contains("Invented"),
        "an unknown action is no label of its own"
    );
    assert!(!text.contains("no_such_function"), "nor an unknown path");
}
