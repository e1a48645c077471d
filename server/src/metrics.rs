//! `GET /metrics` in Prometheus' text format, on a listener of its own (`--metrics-listen`, off
//! unless set): what both front doors counted, and the state of the parts that hold memory or
//! can fall behind (nonces, the audit queue, the sign-in throttle). It needs no credentials, so
//! it is meant for loopback or a scraper's private network.
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use crate::gateway::Gateway;

pub fn metrics_router(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(gateway)
}

async fn metrics(State(gateway): State<Arc<Gateway>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        render(&gateway),
    )
}

/// Every metric, as a scrape reads it.
pub fn render(gateway: &Gateway) -> String {
    let svc = &gateway.svc;
    let mut registry = Registry::with_prefix("accesskey");
    registry.register(
        "requests",
        "Requests answered, by listener, action (API action or console server function) and outcome",
        svc.requests.requests.clone(),
    );
    registry.register(
        "refused_calls",
        "Signed calls refused before they were served, by reason (the error code they got)",
        svc.requests.refused_calls.clone(),
    );
    registry.register_collector(Box::new(Snapshot::of(gateway)));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)
        .expect("writing to a String cannot fail");
    text
}

/// Values read at the moment of the scrape.
#[derive(Debug)]
struct Snapshot {
    counters: Vec<(&'static str, &'static str, u64)>,
    gauges: Vec<(&'static str, &'static str, i64)>,
}

impl Snapshot {
    fn of(gateway: &Gateway) -> Self {
        let svc = &gateway.svc;
        let count = |n: &std::sync::atomic::AtomicU64| n.load(Ordering::Relaxed);
        let audit = &svc.audit.counts;
        let counters = vec![
            ("nonce_throttled", "Signed calls throttled because their key or account held more than its share of nonce memory", count(&gateway.nonces.throttled)),
            ("audit_events_written", "Audit events written to the database", count(&audit.written)),
            ("audit_events_dropped", "Failed calls' audit events dropped because the backlog was full", count(&audit.dropped)),
            ("audit_events_dead_lettered", "Audit events the database refused on their own (logged, not written)", count(&audit.dead_lettered)),
            ("audit_push_backs", "Calls refused with ServiceUnavailable because the audit backlog was full", count(&gateway.metrics.audit_push_backs)),
            ("unknown_key_calls", "Calls naming an AccessKey ID this server does not hold", count(&gateway.metrics.unknown_key_calls)),
            ("unverified_events_suppressed", "Events of unverified calls not written: their source was over its limit", count(&gateway.metrics.unverified_events_suppressed)),
            ("sign_in_throttled", "Sign-in, MFA and password attempts told to wait", count(&svc.sign_in_throttle.throttled)),
        ];
        let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let gauges = vec![
            (
                "nonce_memory_bytes",
                "Memory the remembered signature nonces take",
                gauge(gateway.nonces.memory_in_use()),
            ),
            (
                "nonce_memory_limit_bytes",
                "Memory the nonces may take (--nonce-memory-mib)",
                gauge(gateway.nonces.capacity() * crate::gateway::nonces::BYTES_PER_ENTRY),
            ),
            (
                "audit_backlog",
                "Audit events waiting to be written",
                gauge(svc.audit.backlog()),
            ),
            (
                "sign_in_tracked",
                "Sign-in names and sources the throttle tracks",
                gauge(svc.sign_in_throttle.tracked()),
            ),
        ];
        Self { counters, gauges }
    }
}

impl Collector for Snapshot {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for (name, help, value) in &self.counters {
            let counter = ConstCounter::new(*value);
            counter.encode(encoder.encode_descriptor(
                name,
                help,
                None,
                counter.metric_type(),
            )?)?;
        }
        for (name, help, value) in &self.gauges {
            let gauge = ConstGauge::new(*value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}
