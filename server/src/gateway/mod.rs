//! The signed RPC API, wire-compatible with Alibaba Cloud's RAM (2015-05-01) and IMS
//! (2019-08-15) APIs so the official SDKs work against it unmodified. It listens on its own
//! address: no cookies here, no signatures on the console.
//!
//! A call: parse → authenticate ([`auth`]) → dispatch to the same domain functions the console
//! uses, under the same permissions ([`actions`]) → answer in Alibaba's JSON shape.
pub mod actions;
pub mod auth;
pub mod error;
pub mod last_used;
pub mod nonces;
pub mod request;
pub mod shared_nonces;
pub mod signature;

use std::borrow::Cow;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde_json::{json, Value};

use crate::domain::access_keys::KeyUse;
use crate::domain::audit::{
    Access, EventType, NewEvent, UnverifiedCall, UNVERIFIED_EVENTS_BURST,
    UNVERIFIED_EVENTS_PER_MINUTE,
};
use crate::domain::change::Record;
use crate::domain::leaks;
use crate::domain::services::Services;
use crate::infra::body::{self, BodyRefused};
use crate::infra::rate::RateLimiter;
use auth::Caller;
use error::ApiError;
use last_used::LastUsed;
use nonces::NonceStore;
use request::ApiRequest;
use request::Signed;
use shared_nonces::SharedNonces;

/// Bodies larger than this are refused, on every route but `/leak-reports`.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// A pasted log or a scanner's finding may be longer than a call.
pub const MAX_LEAK_REPORT_BYTES: usize = 4 << 20;
/// Query and form parameters a call may carry: the largest real call (V1, with every
/// SetSecurityPreference field) has about 25.
pub const MAX_PARAMETERS: usize = 128;

pub struct Gateway {
    pub svc: Arc<Services>,
    pub nonces: NonceStore,
    /// The same nonces in PostgreSQL, for every instance sharing it.
    pub shared_nonces: SharedNonces,
    pub last_used: Arc<LastUsed>,
    /// `HostId` in error responses: this server's API address, where Alibaba's names its own
    /// endpoint.
    pub host_id: String,
    /// Proxies whose `X-Forwarded-For` is believed (see [`crate::infra::net::source_address`]).
    pub trusted_proxies: Vec<IpNet>,
    /// Events of unverified calls, per source address.
    unverified_events: RateLimiter<Option<IpAddr>>,
    pub metrics: GatewayCounts,
}

/// What the gateway counts, for `/metrics`.
#[derive(Default)]
pub struct GatewayCounts {
    /// Calls naming an AccessKey ID this server never issued (or has purged).
    pub unknown_key_calls: AtomicU64,
    /// Unverified calls' events not written: their source was over its limit.
    pub unverified_events_suppressed: AtomicU64,
    /// Calls refused because the audit trail's backlog was full.
    pub audit_push_backs: AtomicU64,
}

/// Sources whose unverified calls are tracked at once (a few hundred KB).
const UNVERIFIED_SOURCES_TRACKED: usize = 10_000;

/// A request's timestamp may be this far from the clock either way; its nonce is remembered
/// until its timestamp is that far behind.
pub const NONCE_WINDOW_SECS: i64 = auth::TIMESTAMP_WINDOW_MINUTES * 60;

impl Gateway {
    pub fn new(svc: Arc<Services>) -> Self {
        Self {
            shared_nonces: SharedNonces::for_database(&svc.db),
            svc,
            nonces: NonceStore::new(NONCE_WINDOW_SECS, nonces::DEFAULT_MEMORY_BYTES),
            last_used: Arc::new(LastUsed::default()),
            host_id: "localhost".to_owned(),
            trusted_proxies: Vec::new(),
            unverified_events: RateLimiter::new(
                UNVERIFIED_EVENTS_PER_MINUTE,
                Duration::from_secs(60),
                UNVERIFIED_EVENTS_BURST,
                UNVERIFIED_SOURCES_TRACKED,
            ),
            metrics: GatewayCounts::default(),
        }
    }

    pub fn with_host_id(mut self, host_id: impl Into<String>) -> Self {
        self.host_id = host_id.into();
        self
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<IpNet>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// A nonce store of its own: another memory bound, or one restored at start.
    pub fn with_nonces(mut self, nonces: NonceStore) -> Self {
        self.nonces = nonces;
        self
    }
}

pub fn api_router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        // Unauthenticated, for load balancers (and the benchmark's baseline).
        .route("/health", get(|| async { "ok" }))
        // Like a secret-scanning partner's endpoint: pasted text in, genuine pairs flagged.
        .route("/leak-reports", post(report_leaks))
        .route("/", any(call))
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(gateway.clone(), limit_body))
        .with_state(gateway)
}

/// Every route's body is read here, under its limit, before any handler parses it: past the
/// limit the answer is 413 in the API's error shape and nothing more is kept.
async fn limit_body(State(gateway): State<Arc<Gateway>>, request: Request, next: Next) -> Response {
    let limit = if request.uri().path() == "/leak-reports" {
        MAX_LEAK_REPORT_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse().ok());
    let (parts, body) = request.into_parts();
    match body::read_limited(body, declared, limit).await {
        Ok(body) => next.run(Request::from_parts(parts, Body::from(body))).await,
        Err(BodyRefused::TooLarge) => {
            let error = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "InvalidParameter.Body",
                format!(
                    "The request body is too large: at most {}.",
                    body::describe(limit)
                ),
            );
            failure(&gateway, &request_id(), &error)
        }
        Err(BodyRefused::BrokenOff) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Every API call goes to `/`; anything else says so in the API's own error shape.
async fn unknown_path(State(gateway): State<Arc<Gateway>>, uri: axum::http::Uri) -> Response {
    let error = ApiError::new(
        StatusCode::NOT_FOUND,
        "InvalidApi.NotFound",
        format!(
            "There is no API at {}: API calls go to / (and leak reports to /leak-reports).",
            uri.path()
        ),
    );
    failure(&gateway, &request_id(), &error)
}

async fn call(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let request_id = request_id();
    let now = gateway.svc.clock.now();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let (parts, body) = request.into_parts();
    // Read whole, under its limit, by `limit_body`.
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    let parameters = body::parameter_count(parts.uri.query().unwrap_or_default().as_bytes())
        + body::parameter_count(&body);
    if parameters > MAX_PARAMETERS {
        let error = ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            format!("The request has {parameters} parameters: at most {MAX_PARAMETERS}."),
        );
        return failure(&gateway, &request_id, &error);
    }
    let source_ip = peer.map(|peer| {
        crate::infra::net::source_address(peer, &parts.headers, &gateway.trusted_proxies)
    });
    let secure_transport = peer.is_some_and(|peer| {
        crate::infra::net::came_over_tls(peer, &parts.headers, &gateway.trusted_proxies)
    });
    let mut request = ApiRequest::new(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        parts.headers,
        body.to_vec(),
    );
    request.source_ip = source_ip;
    request.secure_transport = secure_transport;
    if !gateway.svc.audit.has_room() {
        // Acting without a record is not an option: the client retries later.
        gateway
            .metrics
            .audit_push_backs
            .fetch_add(1, Ordering::Relaxed);
        return failure(&gateway, &request_id, &ApiError::audit_backlog());
    }
    let (caller, record, outcome) = match auth::authenticate(&gateway, &request, now).await {
        Ok(caller) => {
            // A write's event commits with the write ([`crate::domain::change`]).
            let record = request
                .action_and_version()
                .0
                .is_some_and(|action| actions::access_of(action) == Access::Write)
                .then(|| Record::new(call_event(&request, &caller, &request_id, now)));
            let outcome = serve(&gateway, &caller, &request, now, record.clone()).await;
            (Some(caller), record, outcome)
        }
        Err(error) => {
            gateway.svc.requests.count_refusal(error.code.clone());
            (None, None, Err(error))
        }
    };
    let action = request
        .action_and_version()
        .0
        .and_then(crate::domain::audit::known_event_name)
        .unwrap_or("Unknown");
    gateway.svc.requests.count(
        "api",
        action,
        match &outcome {
            Ok(_) => Cow::Borrowed("ok"),
            Err(error) => error.code.clone(),
        },
    );
    let response = match &outcome {
        Ok(data) => json_response(StatusCode::OK, &WithRequestId(data, &request_id)),
        Err(error) => failure(&gateway, &request_id, error),
    };
    audit_call(&gateway, request, caller, record, request_id, now, outcome).await;
    response
}

/// A call's data with its `RequestId` beside the action's own fields.
struct WithRequestId<'a>(&'a Value, &'a str);

impl serde::Serialize for WithRequestId<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let fields = self.0.as_object();
        let mut map = serializer.serialize_map(fields.map(|f| f.len() + 1))?;
        for (name, value) in fields.into_iter().flatten() {
            map.serialize_entry(name, value)?;
        }
        map.serialize_entry("RequestId", self.1)?;
        map.end()
    }
}

/// Flags every key of this server whose ID and secret both appear in the posted text. Needs no
/// signature: whoever holds a pair can report it, which is the point, and naming an ID without
/// its secret flags nothing.
async fn report_leaks(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let request_id = request_id();
    // Read whole, under its limit, by `limit_body`.
    let body = axum::body::to_bytes(request.into_body(), MAX_LEAK_REPORT_BYTES)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let record_of = |access_key_id: &str, account_id: i64| {
        Some(Record::new(NewEvent {
            referenced_access_key_id: Some(access_key_id.to_owned()),
            ..NewEvent::api_call(
                account_id,
                gateway.svc.clock.now(),
                "ReportAccessKeyLeak",
                Access::Write,
                "ims",
                request_id.clone(),
            )
        }))
    };
    match leaks::report_text(&gateway.svc, &text, record_of).await {
        Ok(flagged) => {
            let ids: Vec<&str> = flagged.iter().map(|(id, _)| id.as_str()).collect();
            json_response(
                StatusCode::OK,
                &json!({ "RequestId": request_id, "FlaggedAccessKeyIds": ids }),
            )
        }
        Err(error) => {
            tracing::error!("a leak report failed: {error}");
            failure(&gateway, &request_id, &ApiError::internal())
        }
    }
}

/// Runs an authenticated call and notes the key's use.
async fn serve(
    gateway: &Gateway,
    caller: &Caller,
    request: &ApiRequest,
    now: DateTime<Utc>,
    record: Option<Record>,
) -> Result<Value, ApiError> {
    let (action, version) = request.action_and_version();
    let action = action.ok_or_else(|| ApiError::missing("Action"))?;
    let version = version.ok_or_else(|| ApiError::missing("Version"))?;
    let outcome = actions::dispatch(gateway, caller, action, version, request, record).await;
    // An authenticated call is the key in use whatever its answer: a refused one too is an
    // application holding the key (seed 000: "is this key in use?").
    gateway.last_used.record(
        &caller.key.access_key_id,
        KeyUse {
            at: now,
            service: service_of(Some(version)),
            ip: request.source_ip,
        },
    );
    outcome
}

/// The event of an authenticated call as it would be recorded had it succeeded, for the account
/// of the key it was signed with. Only parameters that cannot hold a secret are kept (see
/// [`crate::domain::audit::event`]).
fn call_event(
    request: &ApiRequest,
    caller: &Caller,
    request_id: &str,
    at: DateTime<Utc>,
) -> NewEvent {
    let (action, version) = request.action_and_version();
    let name = action.unwrap_or("Unknown").to_owned();
    let key = &caller.key;
    NewEvent {
        account_id: key.account_id,
        at,
        access: actions::access_of(&name),
        name,
        event_type: EventType::ApiCall,
        service: service_of(version),
        request_id: request_id.to_owned(),
        source_ip: request.source_ip,
        user_agent: request
            .header(header::USER_AGENT)
            .unwrap_or_default()
            .to_owned(),
        parameters: request
            .query
            .iter()
            .chain(&request.form)
            .filter(|(name, _)| !matches!(name.as_str(), "Action" | "Version"))
            .cloned()
            .collect(),
        error: None,
        user_id: key.user_id,
        access_key_id: Some(key.access_key_id.clone()),
        referenced_access_key_id: request.param("UserAccessKeyId").map(str::to_owned),
    }
}

fn service_of(version: Option<&str>) -> &'static str {
    if version == Some(actions::IMS_VERSION) {
        "ims"
    } else {
        "ram"
    }
}

/// Hands the call to the audit trail: successes, denials and failures alike. A write that
/// succeeded has its event already (committed with it); every other call's is queued. A call
/// naming no key of this server belongs to no account (it is only counted).
async fn audit_call(
    gateway: &Gateway,
    request: ApiRequest,
    caller: Option<Caller>,
    record: Option<Record>,
    request_id: String,
    at: DateTime<Utc>,
    outcome: Result<Value, ApiError>,
) {
    let Some(caller) = caller else {
        let Err(error) = outcome else { return };
        let service = service_of(request.action_and_version().1);
        audit_unverified_call(gateway, &request, request_id, at, service, error).await;
        return;
    };
    if record.as_ref().is_some_and(Record::written) {
        return;
    }
    let mut event = match record {
        Some(record) => record.event().clone(),
        None => call_event(&request, &caller, &request_id, at),
    };
    match outcome {
        Ok(data) => {
            if event.referenced_access_key_id.is_none() {
                event.referenced_access_key_id =
                    data["AccessKey"]["AccessKeyId"].as_str().map(str::to_owned);
            }
        }
        Err(error) => event.error = Some((error.code.into_owned(), error.message)),
    }
    gateway.svc.audit.record(event);
}

/// A call that did not prove it holds its key: recorded for the key's account without anything
/// the caller chose (see [`UnverifiedCall`]), and no more often than the per-source limit allows.
async fn audit_unverified_call(
    gateway: &Gateway,
    request: &ApiRequest,
    request_id: String,
    at: DateTime<Utc>,
    service: &'static str,
    error: ApiError,
) {
    let presented = match request.signed() {
        Some(Signed::V3(authorization)) => authorization.access_key_id,
        Some(Signed::V1 { access_key_id, .. }) => access_key_id,
        None => return,
    };
    let Ok(Some(key)) = crate::domain::signing_keys::signing_key(&gateway.svc, presented).await
    else {
        gateway
            .metrics
            .unknown_key_calls
            .fetch_add(1, Ordering::Relaxed);
        return;
    };
    if !gateway
        .unverified_events
        .allow(&request.source_ip, std::time::Instant::now())
    {
        gateway
            .metrics
            .unverified_events_suppressed
            .fetch_add(1, Ordering::Relaxed);
        return;
    }
    let action = request.action_and_version().0;
    gateway.svc.audit.record(
        UnverifiedCall {
            account_id: key.account_id,
            user_id: key.user_id,
            access_key_id: &key.access_key_id,
            at,
            action,
            access: action.map_or(Access::Read, actions::access_of),
            service,
            request_id,
            source_ip: request.source_ip,
            user_agent: request.header(header::USER_AGENT).unwrap_or_default(),
            error: (error.code.into_owned(), error.message),
        }
        .into(),
    );
}

/// A random UUID, upper case like Alibaba's.
fn request_id() -> String {
    crate::infra::crypto::random_uuid()
        .hyphenated()
        .encode_upper(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

fn failure(gateway: &Gateway, request_id: &str, error: &ApiError) -> Response {
    let mut body = json!({
        "RequestId": request_id,
        "HostId": gateway.host_id,
        "Code": error.code,
        "Message": error.message,
    });
    if let Some(denied) = &error.access_denied {
        body["AccessDeniedDetail"] = error::access_denied_detail(denied);
    }
    // No `Recommend`: Alibaba's links it to its own troubleshooting site, which knows nothing of
    // this server; the SDKs treat it as optional.
    json_response(error.status, &body)
}

fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    // Straight into one buffer of about the usual answer's size.
    let mut json = Vec::with_capacity(256);
    serde_json::to_writer(&mut json, body).expect("a JSON value serialises");
    let mut response = Response::new(Body::from(json));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    response
}
