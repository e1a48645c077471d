//! `/metrics` tells an operator what both front doors answered and how full the parts that hold
//! memory are, in Prometheus' text format, with labels an attacker cannot multiply.
mod support;

use std::sync::Arc;

use server::domain::access_keys::{self, KeyOwner};
use server::gateway::Gateway;
use support::api_client::v1_call;
use support::console_client::Caller;
use support::Harness;

#[tokio::test]
async fn metrics_count_calls_refusals_and_console_requests_with_bounded_labels() {
    let h = Harness::new("sqlite", "sqlite::memory:").await;
    let account_id = h.account("acme").await;
    let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.to_string());
    let gateway = Arc::new(Gateway::new(h.svc.clone()));
    v1_call(&h, &gateway, (&id, &secret), "ListUsers", &[], "127.0.0.1").await;
    v1_call(&h, &gateway, (&id, &secret), "ListUsers", &[], "127.0.0.1").await;
    v1_call(&h, &gateway, (&id, "wrong"), "ListUsers", &[], "127.0.0.1").await;
    for i in 0..50 {
        v1_call(
            &h,
            &gateway,
            (&id, &secret),
            &format!("Invented{i}"),
            &[],
            "127.0.0.1",
        )
        .await;
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
