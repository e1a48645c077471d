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

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use ipnet::IpNet;
use serde_json::{json, Value};

use crate::access_keys::KeyUse;
use crate::services::Services;
use error::ApiError;
use last_used::LastUsed;
use nonces::NonceStore;
use request::ApiRequest;

/// Bodies larger than this are refused before they are read.
const MAX_BODY_BYTES: usize = 1 << 20;
/// Nonces remembered at most at once (about 15 minutes of 1,000 calls a second).
const NONCE_CAPACITY: usize = 1_000_000;

pub struct Gateway {
    pub svc: Arc<Services>,
    pub nonces: NonceStore,
    pub last_used: Arc<LastUsed>,
    /// `HostId` in error responses.
    pub host_id: String,
    /// Proxies whose `X-Forwarded-For` is believed (see [`request::source_address`]).
    pub trusted_proxies: Vec<IpNet>,
}

impl Gateway {
    pub fn new(svc: Arc<Services>) -> Self {
        Self {
            svc,
            nonces: NonceStore::new(
                Duration::from_secs(auth::TIMESTAMP_WINDOW_MINUTES as u64 * 60 * 2),
                NONCE_CAPACITY,
            ),
            last_used: Arc::new(LastUsed::default()),
            host_id: "ram.aliyuncs.com".to_owned(),
            trusted_proxies: Vec::new(),
        }
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<IpNet>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// Starts the background work: batched last-used writes, forgetting expired nonces.
    pub fn spawn_background(self: &Arc<Self>) {
        self.last_used.spawn_flusher(self.svc.clone());
        let this = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                this.nonces.forget_expired();
                if let Err(e) = nonces::forget_expired_shared(&this.svc).await {
                    tracing::warn!("removing expired nonces failed: {e}");
                }
            }
        });
    }
}

pub fn api_router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        // Unauthenticated, for load balancers (and the benchmark's baseline).
        .route("/health", get(|| async { "ok" }))
        .route("/", any(call))
        .with_state(gateway)
}

async fn call(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let request_id = request_id();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let (parts, body) = request.into_parts();
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            let error = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "InvalidParameter.Body",
                "The request body is too large.",
            );
            return failure(&gateway, &request_id, error);
        }
    };
    let source_ip =
        peer.map(|peer| request::source_address(peer, &parts.headers, &gateway.trusted_proxies));
    let mut request = ApiRequest::new(
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        parts.headers,
        body.to_vec(),
    );
    request.source_ip = source_ip;
    let outcome = async {
        let caller = auth::authenticate(&gateway, &request).await?;
        let (action, version) = request.action_and_version();
        let action = action.ok_or_else(|| ApiError::missing("Action"))?;
        let version = version.ok_or_else(|| ApiError::missing("Version"))?;
        let (service, data) =
            actions::dispatch(&gateway, &caller, action, version, &request).await?;
        gateway.last_used.record(
            &caller.key.access_key_id,
            KeyUse {
                at: gateway.svc.clock.now(),
                service,
                ip: request.source_ip,
            },
        );
        Ok::<Value, ApiError>(data)
    }
    .await;
    match outcome {
        Ok(mut data) => {
            data["RequestId"] = json!(request_id);
            json_response(StatusCode::OK, &data)
        }
        Err(error) => failure(&gateway, &request_id, error),
    }
}

/// A random UUID, upper case like Alibaba's. From the thread's generator: `Uuid::new_v4` asks
/// the kernel each time, a system call per request.
fn request_id() -> String {
    let uuid = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    uuid.hyphenated()
        .encode_upper(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

fn failure(gateway: &Gateway, request_id: &str, error: ApiError) -> Response {
    let body = json!({
        "RequestId": request_id,
        "HostId": gateway.host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={}&product=Ram", error.code),
    });
    json_response(error.status, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    response
}
