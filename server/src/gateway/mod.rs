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
pub mod signature;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde_json::{json, Value};

use crate::domain::access_keys::KeyUse;
use crate::domain::audit::{Access, EventType, NewEvent};
use crate::domain::leaks;
use crate::domain::services::Services;
use auth::Caller;
use error::ApiError;
use last_used::LastUsed;
use nonces::NonceStore;
use request::ApiRequest;
use request::Signed;

/// Bodies larger than this are refused.
const MAX_BODY_BYTES: usize = 1 << 20;
/// A pasted log or a scanner's finding may be longer than a call.
const MAX_LEAK_REPORT_BYTES: usize = 4 << 20;
/// How far past its limit an oversized body is read (and discarded) so its sender can read
/// the refusal.
const DRAIN_FACTOR: usize = 4;

pub struct Gateway {
    pub svc: Arc<Services>,
    pub nonces: NonceStore,
    pub last_used: Arc<LastUsed>,
    /// `HostId` in error responses: this server's API address, where Alibaba's names its own
    /// endpoint.
    pub host_id: String,
    /// Proxies whose `X-Forwarded-For` is believed (see [`crate::infra::net::source_address`]).
    pub trusted_proxies: Vec<IpNet>,
}

impl Gateway {
    /// How long a nonce is remembered: a request's timestamp may be 15 minutes either way.
    const NONCE_WINDOW: Duration =
        Duration::from_secs(auth::TIMESTAMP_WINDOW_MINUTES as u64 * 60 * 2);

    pub fn new(svc: Arc<Services>) -> Self {
        Self {
            svc,
            nonces: NonceStore::new(Self::NONCE_WINDOW, crate::config::NONCE_CAPACITY),
            last_used: Arc::new(LastUsed::default()),
            host_id: "localhost".to_owned(),
            trusted_proxies: Vec::new(),
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

    pub fn with_nonce_capacity(mut self, capacity: usize) -> Self {
        self.nonces = NonceStore::new(Self::NONCE_WINDOW, capacity);
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
        .with_state(gateway)
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
    let body = match read_body(&gateway, &request_id, body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let source_ip = peer.map(|peer| {
        crate::infra::net::source_address(peer, &parts.headers, &gateway.trusted_proxies)
    });
    let mut request = ApiRequest::new(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        parts.headers,
        body.to_vec(),
    );
    request.source_ip = source_ip;
    let (caller, outcome) = match auth::authenticate(&gateway, &request, now).await {
        Ok(caller) => {
            let outcome = serve(&gateway, &caller, &request, now).await;
            (Some(caller), outcome)
        }
        Err(error) => (None, Err(error)),
    };
    let response = match &outcome {
        Ok(data) => json_response(StatusCode::OK, &WithRequestId(data, &request_id)),
        Err(error) => failure(&gateway, &request_id, error),
    };
    audit_call(&gateway, request, caller, request_id, now, outcome).await;
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

/// The whole body, or the API's error when it is over `limit` bytes.
///
/// An oversized body is still read, and thrown away, up to [`DRAIN_FACTOR`] times the limit:
/// a server that answers and closes while the client is still sending makes the client's
/// kernel reset the connection, and the client sees a broken pipe instead of the refusal.
/// Past that bound the connection is simply dropped; nothing past `limit` is kept in memory.
async fn read_body(
    gateway: &Gateway,
    request_id: &str,
    body: Body,
    limit: usize,
) -> Result<Bytes, Response> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        // A sender that broke off has no one left to answer; what it sent is not a request.
        let Ok(frame) = frame else {
            seen = usize::MAX;
            break;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > limit.saturating_mul(DRAIN_FACTOR) {
            break;
        }
    }
    if seen <= limit {
        return Ok(Bytes::from(kept));
    }
    let error = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "InvalidParameter.Body",
        format!(
            "The request body is too large: at most {} MiB.",
            limit >> 20
        ),
    );
    Err(failure(gateway, request_id, &error))
}

/// Flags every key of this server whose ID and secret both appear in the posted text. Needs no
/// signature: whoever holds a pair can report it, which is the point, and naming an ID without
/// its secret flags nothing.
async fn report_leaks(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let request_id = request_id();
    let body = match read_body(
        &gateway,
        &request_id,
        request.into_body(),
        MAX_LEAK_REPORT_BYTES,
    )
    .await
    {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let text = String::from_utf8_lossy(&body);
    match leaks::report_text(&gateway.svc, &text).await {
        Ok(flagged) => {
            for (access_key_id, account_id) in &flagged {
                gateway.svc.audit.record(NewEvent {
                    referenced_access_key_id: Some(access_key_id.clone()),
                    ..NewEvent::api_call(
                        *account_id,
                        gateway.svc.clock.now(),
                        "ReportAccessKeyLeak",
                        Access::Write,
                        "ims",
                        request_id.clone(),
                    )
                });
            }
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
) -> Result<Value, ApiError> {
    let (action, version) = request.action_and_version();
    let action = action.ok_or_else(|| ApiError::missing("Action"))?;
    let version = version.ok_or_else(|| ApiError::missing("Version"))?;
    let (service, data) = actions::dispatch(gateway, caller, action, version, request).await?;
    gateway.last_used.record(
        &caller.key.access_key_id,
        KeyUse {
            at: now,
            service,
            ip: request.source_ip,
        },
    );
    Ok(data)
}

/// Hands the call to the audit trail: successes, denials and failures alike, for the account of
/// the key it was signed with. A call naming no key of this server belongs to no account. Takes
/// the answered call whole: its parameters move into the event instead of being copied.
async fn audit_call(
    gateway: &Gateway,
    request: ApiRequest,
    caller: Option<Caller>,
    request_id: String,
    at: DateTime<Utc>,
    outcome: Result<Value, ApiError>,
) {
    let key = match caller {
        Some(caller) => Some(caller.key),
        None => {
            let presented = match request.signed() {
                Some(Signed::V3(authorization)) => authorization.access_key_id,
                Some(Signed::V1 { access_key_id, .. }) => access_key_id,
                None => return,
            };
            crate::domain::signing_keys::signing_key(&gateway.svc, presented)
                .await
                .ok()
                .flatten()
        }
    };
    let Some(key) = key else { return };
    let (action, version) = request.action_and_version();
    let name = action.unwrap_or("Unknown").to_owned();
    let service = if version == Some(actions::IMS_VERSION) {
        "ims"
    } else {
        "ram"
    };
    let referenced = match &outcome {
        Ok(data) => data["AccessKey"]["AccessKeyId"].as_str().map(str::to_owned),
        Err(_) => None,
    }
    .or_else(|| request.param("UserAccessKeyId").map(str::to_owned));
    let user_agent = request
        .header(header::USER_AGENT)
        .unwrap_or_default()
        .to_owned();
    let ApiRequest {
        query,
        form,
        source_ip,
        ..
    } = request;
    gateway.svc.audit.record(NewEvent {
        account_id: key.account_id,
        at,
        access: actions::access_of(&name),
        name,
        event_type: EventType::ApiCall,
        service,
        request_id,
        source_ip,
        user_agent,
        parameters: query
            .into_iter()
            .chain(form)
            .filter(|(name, _)| !matches!(name.as_str(), "Action" | "Version"))
            .collect(),
        error: outcome.err().map(|e| (e.code.into_owned(), e.message)),
        user_id: key.user_id,
        access_key_id: Some(key.access_key_id.clone()),
        referenced_access_key_id: referenced,
    });
}

/// A random UUID, upper case like Alibaba's.
fn request_id() -> String {
    crate::infra::crypto::random_uuid()
        .hyphenated()
        .encode_upper(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

fn failure(gateway: &Gateway, request_id: &str, error: &ApiError) -> Response {
    let body = json!({
        "RequestId": request_id,
        "HostId": gateway.host_id,
        "Code": error.code,
        "Message": error.message,
    });
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
