//! The console's HTTP side: Leptos pages and server functions, sessions, and the cross-site guard.
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
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::audit::{self, EventType, NewEvent};
use crate::console::{Console, PRINCIPAL};
use crate::identity::Principal;
use crate::net::source_address;
use crate::services::Services;

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
        .layer(middleware::from_fn_with_state(svc, audit_console_operation))
        .layer(middleware::from_fn_with_state(
            Arc::new(trusted_proxies),
            resolve_client_address,
        ))
        .layer(session_layer)
        .layer(middleware::from_fn(reject_cross_site_writes))
        .with_state(options)
}

/// A server function that fails before the console's code runs (its arguments do not parse)
/// is answered by Leptos with 500 whatever the error; the error itself knows its status.
async fn status_of_console_errors(request: Request, next: Next) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, AUDITED_BODY_LIMIT).await else {
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

/// Audit Trail > Export CSV: the filtered events (the page's own URL parameters) as a file.
async fn export_audit_trail(
    Extension(svc): Extension<Arc<Services>>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let principal = match session.get::<Principal>(PRINCIPAL).await {
        Ok(Some(principal)) => principal,
        _ => {
            return (
                StatusCode::UNAUTHORIZED,
                "Sign in to export the audit trail.",
            )
                .into_response()
        }
    };
    let exported = match crate::console::event_filter(&filter) {
        Ok(filter) => audit::export_csv(&svc, principal, &filter)
            .await
            .map_err(ConsoleError::from),
        Err(error) => Err(error),
    };
    match exported {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-trail.csv\"",
                ),
            ],
            csv,
        )
            .into_response(),
        Err(error) => (error.http_status(), error.to_string()).into_response(),
    }
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

/// The most of a server function's request or answer the audit reads.
const AUDITED_BODY_LIMIT: usize = 64 * 1024;

/// Puts every console operation that changes something (and every sign-in and sign-out) in the
/// audit trail: which server function, who, from where, with which safe parameters, and how it
/// ended. Page loads and other reads are not events.
async fn audit_console_operation(
    State(svc): State<Arc<Services>>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = request
        .uri()
        .path()
        .strip_prefix("/api/")
        .map(str::to_owned)
        .filter(|endpoint| {
            let name = camel_case(endpoint);
            !audit::is_read(&name) && !matches!(name.as_str(), "SetupNeeded" | "CurrentIdentity")
        });
    let Some(endpoint) = endpoint else {
        return next.run(request).await;
    };
    let before = session.get::<Principal>(PRINCIPAL).await.ok().flatten();
    let source_ip = request
        .extensions()
        .get::<ClientAddress>()
        .map(|ClientAddress(ip)| *ip);
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, AUDITED_BODY_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    let parameters: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let name = event_name(&endpoint, &parameters);
    let response = next
        .run(Request::from_parts(parts, axum::body::Body::from(body)))
        .await;
    // A sign-in has its principal only afterwards.
    let principal = match before {
        Some(principal) => Some(principal),
        None => session.get::<Principal>(PRINCIPAL).await.ok().flatten(),
    };
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, AUDITED_BODY_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // A redirect (Sign Out's, a form's) is how an operation that succeeded answers a plain form.
    let failed = parts.status.is_client_error() || parts.status.is_server_error();
    let error = failed.then(|| match serde_json::from_slice::<ConsoleError>(&body) {
        Ok(error) => (error.code().to_owned(), error.to_string()),
        Err(_) => ("InternalError".to_owned(), parts.status.to_string()),
    });
    // A new key's ID, read from the answer that carries it (its secret is not kept).
    let created_key = (error.is_none() && name == "CreateAccessKey")
        .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
        .flatten()
        .and_then(|answer| answer["access_key_id"].as_str().map(str::to_owned));
    if let Some(principal) = principal {
        let referenced = created_key.or_else(|| {
            parameters
                .iter()
                .find(|(k, _)| k == "access_key_id")
                .map(|(_, v)| v.clone())
        });
        svc.audit.record(NewEvent {
            account_id: principal.account_id(),
            at: svc.clock.now(),
            name,
            event_type: EventType::ConsoleOperation,
            service: "console",
            request_id: crate::crypto::random_uuid().to_string(),
            source_ip,
            user_agent,
            parameters,
            error,
            user_id: principal.user_id(),
            access_key_id: None,
            referenced_access_key_id: referenced,
        });
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The audit trail's name for a console operation: the API action's name where the API does the
/// same (so one filter finds both), else the endpoint's own in the same style.
fn event_name(endpoint: &str, parameters: &[(String, String)]) -> String {
    let param = |name: &str| {
        parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let present = |name: &str| param(name).is_some_and(|value| !value.is_empty());
    match endpoint {
        "sign_in" => "ConsoleSignin",
        "sign_out" => "ConsoleSignout",
        "set_access_key_status" => "UpdateAccessKey",
        "set_policy_attached" if param("attached") == Some("true") => "AttachPolicyToUser",
        "set_policy_attached" => "DetachPolicyFromUser",
        "set_console_password" => "UpdateLoginProfile",
        "remove_console_password" => "DeleteLoginProfile",
        "save_network_policy" if present("access_key_id") => "SetAccessKeyPolicy",
        "save_network_policy" => "SetAccessKeyPolicyForAccount",
        "save_security_settings" => "SetSecurityPreference",
        "restore_access_key" => "RestoreAccessKeyFromRecycleBin",
        "purge_access_key" => "DeleteAccessKeyInRecycleBin",
        "restore_user" => "RestoreUserFromRecycleBin",
        "purge_user" => "DeleteUserInRecycleBin",
        "start_mfa_binding" => "CreateVirtualMFADevice",
        "confirm_mfa_binding" => "BindMFADevice",
        "unbind_mfa" => "UnbindMFADevice",
        other => return camel_case(other),
    }
    .to_owned()
}

/// `create_access_key` → `CreateAccessKey`.
fn camel_case(endpoint: &str) -> String {
    endpoint
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Sessions live in the console's own database, on whichever backend it uses, through its pool.
#[derive(Clone, Debug)]
pub enum ConsoleSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl ConsoleSessionStore {
    pub fn for_database(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Postgres => Self::Postgres(
                PostgresStore::new(db.get_postgres_connection_pool().clone())
                    .with_schema_name("public")
                    .and_then(|store| store.with_table_name("tower_sessions"))
                    .expect("valid identifiers"),
            ),
            _ => Self::Sqlite(SqliteStore::new(db.get_sqlite_connection_pool().clone())),
        }
    }

    /// Removes expired sessions now and then, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every_hour.tick().await;
                let result = match &store {
                    Self::Sqlite(s) => s.delete_expired().await,
                    Self::Postgres(s) => s.delete_expired().await,
                };
                if let Err(e) = result {
                    tracing::warn!("removing expired sessions failed: {e}");
                }
            }
        });
    }
}

#[async_trait::async_trait]
impl SessionStore for ConsoleSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}
