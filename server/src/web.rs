//! The console's HTTP side: Leptos pages and server functions, sessions, and the cross-site guard.
use std::sync::Arc;

use app::backend::SharedBackend;
use app::{shell, App};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::console::Console;
use crate::services::Services;

pub const SESSION_COOKIE: &str = "accesskey_console_session";

pub fn console_router(
    svc: Arc<Services>,
    sessions: ConsoleSessionStore,
    options: LeptosOptions,
    secure_cookies: bool,
) -> Router {
    let backend: SharedBackend = Arc::new(Console(svc));
    let routes = generate_route_list(App);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(CookieDuration::hours(8)));
    Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(Extension(backend))
        .layer(session_layer)
        .layer(middleware::from_fn(reject_cross_site_writes))
        .with_state(options)
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
