//! Nobody exhausts the machine with what they send: every route of both listeners reads a body
//! only up to its limit, and counts parameters before collecting them.
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use futures_util::stream;
use leptos::prelude::LeptosOptions;
use server::console::{console_router, ConsoleSessionStore};
use server::gateway::{api_router, Gateway};
use support::on_every_database;
use tower::ServiceExt;

const CHUNK: usize = 64 << 10;

/// A body of `total` bytes made as it is read, with a count of what the server pulled.
fn endless_body(total: usize) -> (Body, Arc<AtomicUsize>) {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = pulled.clone();
    let chunks = stream::iter((0..total / CHUNK).map(move |_| {
        counter.fetch_add(CHUNK, Ordering::Relaxed);
        Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; CHUNK]))
    }));
    (Body::from_stream(chunks), pulled)
}

async fn answer(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn console(h: &support::Harness) -> Router {
    let options = LeptosOptions::builder()
        .output_name("accesskey-console")
        .build();
    let sessions = ConsoleSessionStore::for_database(&h.svc.db);
    console_router(h.svc.clone(), sessions, options, false, Vec::new())
}

/// 256 MiB offered, without a length, to every kind of route: each refuses with 413 in its
/// listener's own shape, having read no more than a few times its limit.
#[tokio::test]
async fn an_oversized_body_is_refused_on_every_route_of_both_listeners() {
    on_every_database(|h| async move {
        let api = api_router(Arc::new(Gateway::new(h.svc.clone())));
        for path in ["/", "/leak-reports", "/health", "/no-such-api"] {
            let (body, pulled) = endless_body(256 << 20);
            let (status, text) = answer(&api, Request::post(path).body(body).unwrap()).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "API {path}: {text}");
            let error: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(error["Code"], "InvalidParameter.Body", "API {path}");
            assert!(error["Message"].as_str().unwrap().contains("MiB"), "{text}");
            assert!(
                pulled.load(Ordering::Relaxed) <= 17 << 20,
                "API {path} read too much"
            );
        }

        let console = console(&h);
        // Read-only server functions too, signed in or not, and pages.
        for path in [
            "/api/list_access_keys",
            "/api/sign_in",
            "/api/get_mfa_status",
            "/signin",
        ] {
            let (body, pulled) = endless_body(256 << 20);
            let request = Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
                .unwrap();
            let (status, text) = answer(&console, request).await;
            assert_eq!(
                status,
                StatusCode::PAYLOAD_TOO_LARGE,
                "console {path}: {text}"
            );
            assert!(text.contains("too large for the console"), "{path}: {text}");
            if path.starts_with("/api/") {
                let error: app::error::ConsoleError = serde_json::from_str(&text).unwrap();
                assert!(matches!(error, app::error::ConsoleError::TooLarge(_)));
            }
            assert!(
                pulled.load(Ordering::Relaxed) <= 1 << 20,
                "console {path} read too much"
            );
        }

        // A declared length over the limit is refused before the body is read.
        let request = Request::post("/api/list_access_keys")
            .header(header::CONTENT_LENGTH, (8u64 << 30).to_string())
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            answer(&console, request).await.0,
            StatusCode::PAYLOAD_TOO_LARGE
        );
    })
    .await;
}

#[tokio::test]
async fn a_request_with_too_many_parameters_is_refused_before_they_are_collected() {
    on_every_database(|h| async move {
        let many = (0..5_000)
            .map(|i| format!("p{i}=x"))
            .collect::<Vec<_>>()
            .join("&");

        let api = api_router(Arc::new(Gateway::new(h.svc.clone())));
        let request = Request::post("/")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(many.clone()))
            .unwrap();
        let (status, text) = answer(&api, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        let error: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(error["Code"], "InvalidParameter");
        assert_eq!(
            error["Message"],
            "The request has 5000 parameters: at most 128."
        );
        let (status, _) = answer(
            &api,
            Request::get(format!("/?{many}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "in the query too");

        let console = console(&h);
        let request = Request::post("/api/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(many))
            .unwrap();
        let (status, text) = answer(&console, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.contains("5000 parameters, at most 256"), "{text}");
    })
    .await;
}
