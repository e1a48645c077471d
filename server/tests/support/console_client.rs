//! The console over HTTP, in process: its `/api/*` server functions and its pages, with whatever
//! session cookie the caller holds. Shared by the integration tests and the benchmarks.
#![allow(dead_code)]
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use server::console::{console_router, ConsoleSessionStore, SESSION_COOKIE};
use server::domain::services::Services;
use tower::ServiceExt;

/// A client of the console's `/api/*` endpoints with whatever cookie it was given.
pub struct Caller {
    router: Router,
    pub cookie: Option<String>,
}

impl Caller {
    pub fn new(svc: Arc<Services>) -> Self {
        let options = LeptosOptions::builder()
            .output_name("accesskey-console")
            .build();
        let sessions = ConsoleSessionStore::for_database(&svc.db);
        Self {
            router: console_router(svc, sessions, options, false, Vec::new()),
            cookie: None,
        }
    }

    pub async fn signed_in(svc: Arc<Services>, logon: &str, password: &str) -> Self {
        let mut caller = Self::new(svc);
        let response = caller
            .send("sign_in", &[("email", logon), ("password", password)])
            .await;
        let cookie = session_cookie(&response)
            .and_then(|v| v.split(';').next().map(str::to_owned))
            .unwrap_or_else(|| panic!("{logon} signed in: {response:?}"));
        caller.cookie = Some(cookie);
        caller
    }

    pub async fn send(&self, endpoint: &str, form: &[(&str, &str)]) -> axum::response::Response {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.router
            .clone()
            .oneshot(request.body(Body::from(body)).unwrap())
            .await
            .unwrap()
    }

    /// Renders a page on the server, as a browser's first request for it.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        read(response).await
    }

    /// Calls a server function; the status and the body (JSON: the value or the typed error).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        read(self.send(endpoint, form).await).await
    }
}

/// The `Set-Cookie` header that starts a console session, attributes and all.
pub fn session_cookie(response: &axum::response::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .map(str::to_owned)
}

async fn read(response: axum::response::Response) -> (StatusCode, String) {
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Form encoding for the few characters the tests' values use.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'[' | b']' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
