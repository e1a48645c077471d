//! Counts kept as requests are answered, for `GET /metrics` (see `crate::metrics`). Every label
//! has a bounded set of values: a listener, a known action or server function (else `Unknown`),
//! an outcome that is `ok`, an HTTP status or one of the service's own error codes.
use std::borrow::Cow;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub listener: &'static str,
    pub action: &'static str,
    pub outcome: Cow<'static, str>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: Cow<'static, str>,
}

#[derive(Default)]
pub struct RequestCounts {
    pub requests: Family<RequestLabels, Counter>,
    /// Signed calls refused before they were served (signature, timestamp, nonce, key state,
    /// network policy), by the error code they got.
    pub refused_calls: Family<ReasonLabels, Counter>,
}

impl RequestCounts {
    pub fn count(&self, listener: &'static str, action: &'static str, outcome: Cow<'static, str>) {
        self.requests
            .get_or_create(&RequestLabels {
                listener,
                action,
                outcome,
            })
            .inc();
    }

    pub fn count_refusal(&self, reason: Cow<'static, str>) {
        self.refused_calls
            .get_or_create(&ReasonLabels { reason })
            .inc();
    }
}
