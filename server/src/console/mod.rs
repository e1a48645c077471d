//! The browser console's front door: `app`'s pages and server functions served by Leptos, the
//! session, and the cross-site guard ([`console_router`]); [`backend`] is where `app`'s server
//! functions land.
pub mod audit;
pub mod backend;
mod errors;
mod groups;
mod policies;
mod sessions;
pub mod views;

pub use sessions::ConsoleSessionStore;

use std::sync::Arc;

use std::net::SocketAddr;

use app::backend::{ClientAddress, SharedBackend};
use app::error::ConsoleError;
use app::model::AuditFilter;
use app::{shell, App};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use ipnet::IpNet;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::domain::audit::CsvExport;
use crate::domain::services::Services;
use crate::infra::body::{describe, parameter_count, read_limited, BodyRefused};
use crate::infra::net::source_address;
use backend::Console;
use futures_util::StreamExt;

pub const SESSION_COOKIE: &str = "accesskey_console_session";

pub fn console_router(
    svc: Arc<Services>,
    sessions: ConsoleSessionStore,
    options: LeptosOptions,
    secure_cookies: bool,
    trusted_proxies: Vec<IpNet>,
) -> Router {
    let backend: SharedBackend = Arc::new(Console(svc.clone()));
    let routes = generate_route_list(App);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(CookieDuration::hours(8)));
    Router::new()
        .route("/audit-trail/export.csv", get(export_audit_trail))
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(middleware::from_fn(status_of_console_errors))
        .layer(middleware::from_fn(no_store))
        .layer(Extension(backend))
        .layer(Extension(svc.clone()))
        .layer(middleware::from_fn_with_state(
            Arc::new(trusted_proxies),
            resolve_client_address,
        ))
        .layer(session_layer)
        .layer(middleware::from_fn(reject_cross_site_writes))
        .layer(middleware::from_fn(limit_body))
        .layer(middleware::from_fn_with_state(svc, count_requests))
        .with_state(options)
}

/// Counts every console request for `/metrics`, by server function (or page, or asset) and
/// status; a path that names no server function is never a label of its own.
async fn count_requests(
    State(svc): State<Arc<Services>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let action = leptos::server_fn::axum::server_fn_paths()
        .find(|(known, _)| *known == path)
        .map(|(known, _)| known.trim_start_matches("/api/"))
        .unwrap_or(if path.starts_with("/pkg/") {
            "asset"
        } else if path.starts_with("/api/") {
            "Unknown"
        } else {
            "page"
        });
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    svc.requests.count("console", action, status.into());
    response
}

/// What any console request may send: its forms are a few fields each.
pub const MAX_BODY_BYTES: usize = 64 << 10;
/// Query and form parameters a console request may carry (a network policy's 50 entries fit).
pub const MAX_PARAMETERS: usize = 256;

/// Every route's body is read here, under its limit, before Leptos or a handler parses it (a
/// server function, even a read-only one, would otherwise collect whatever it is sent).
async fn limit_body(request: Request, next: Next) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse().ok());
    let (parts, body) = request.into_parts();
    let refusal = |status: StatusCode, error: ConsoleError| {
        if server_function {
            (status, axum::Json(error)).into_response()
        } else {
            (status, error.to_string()).into_response()
        }
    };
    let body = match read_limited(body, declared, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(BodyRefused::TooLarge) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                ConsoleError::TooLarge(format!(
                    "This request is too large for the console: at most {}.",
                    describe(MAX_BODY_BYTES)
                )),
            )
        }
        Err(BodyRefused::BrokenOff) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let parameters =
        parameter_count(parts.uri.query().unwrap_or_default().as_bytes()) + parameter_count(&body);
    if parameters > MAX_PARAMETERS {
        return refusal(
            StatusCode::BAD_REQUEST,
            ConsoleError::Unreadable(format!("{parameters} parameters, at most {MAX_PARAMETERS}")),
        );
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(body)))
        .await
}

/// The most of an error answer read to find its status: a console error is a short JSON object.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A server function that fails before the console's code runs (its arguments do not parse)
/// is answered by Leptos with 500 whatever the error; the error itself knows its status.
async fn status_of_console_errors(request: Request, next: Next) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<ConsoleError>(&body) {
        parts.status = error.http_status();
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// Console pages and server-function answers are about one signed-in person: never kept by the
/// browser or a proxy, so Back after Sign Out asks the server again (and lands on sign-in).
/// Static assets (`/pkg/…`, icons) may be cached.
async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let personal = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .is_some_and(|kind| {
            kind.starts_with("text/html")
                || kind.starts_with("application/json")
                || kind.starts_with("text/csv")
        });
    if personal || response.status().is_redirection() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    response
}

/// State-changing requests must come from the console's own pages: a browser says where a request
/// comes from in `Sec-Fetch-Site` and `Origin`, and those must not name another site.
async fn reject_cross_site_writes(request: Request, next: Next) -> Response {
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let headers = request.headers();
        let fetch_site_cross = headers
            .get("sec-fetch-site")
            .is_some_and(|site| site == "cross-site");
        let origin_elsewhere = match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let origin = origin.to_str().unwrap_or_default();
                let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
                origin_host.as_bytes() != host.as_bytes()
            }
            _ => false,
        };
        if fetch_site_cross || origin_elsewhere {
            return (
                StatusCode::FORBIDDEN,
                "Cross-site requests are not accepted.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// The Audit Trail page's **Export**: the filtered events as a CSV download, streamed page by page
/// (one page of events in memory, however large the trail). A refusal comes before the first
/// byte, as a status; a failure later ends the download short.
async fn export_audit_trail(
    Extension(svc): Extension<Arc<Services>>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let refused = |error: ConsoleError| (error.http_status(), error.to_string()).into_response();
    let who = match Console(svc.clone()).requester(&session).await {
        Ok(who) => who,
        Err(ConsoleError::NotSignedIn) => {
            return (
                StatusCode::UNAUTHORIZED,
                "Sign in to export the audit trail.",
            )
                .into_response()
        }
        Err(error) => return refused(error),
    };
    let filter = match views::event_filter(&filter) {
        Ok(filter) => filter,
        Err(error) => return refused(error),
    };
    let mut export = CsvExport::new(svc, who, filter);
    let first = match export.next_chunk().await {
        Ok(first) => first,
        Err(error) => return refused(error.into()),
    };
    let rest = futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(export))),
            Ok(None) => None,
            Err(error) => {
                tracing::warn!("the audit trail export broke off: {error}");
                Some((Err(std::io::Error::other("export failed")), None))
            }
        }
    });
    let body = futures_util::stream::iter(first.map(Ok)).chain(rest);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-trail.csv\"",
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

/// Works the client's address out once (its peer, or what a trusted proxy forwarded), for the
/// sign-in rules and the audit trail.
async fn resolve_client_address(
    State(trusted_proxies): State<Arc<Vec<IpNet>>>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let client = source_address(peer.ip(), request.headers(), &trusted_proxies);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}
