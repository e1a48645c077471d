//! The API's errors in Alibaba's shape: an HTTP status, a `Code` the SDK raises, a `Message` a
//! person can act on. Every domain error maps here, in one table; faults keep their details in
//! the log.
use std::borrow::Cow;

use axum::http::StatusCode;

use crate::domain::error::{DomainError, VerificationError};
use crate::domain::permissions::AccessDenied;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    /// A refusal by the policies, for the answer's `AccessDeniedDetail`.
    pub access_denied: Option<Box<AccessDenied>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            access_denied: None,
        }
    }

    /// `Missing<Param>`: a required parameter is absent or empty.
    pub fn missing(param: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: Cow::Owned(format!("Missing{param}")),
            message: format!("{param} is mandatory for this action."),
            access_denied: None,
        }
    }

    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: Cow::Owned(format!("InvalidParameter.{param}")),
            message: message.into(),
            access_denied: None,
        }
    }

    pub fn incomplete_signature() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards.",
        )
    }

    pub fn timestamp_format() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    }

    pub fn timestamp_expired() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired: it must be within 15 minutes of the server's time.",
        )
    }

    pub fn key_not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    }

    pub fn key_inactive() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidAccessKeyId.Inactive",
            "Specified access key is disabled.",
        )
    }

    pub fn signature_mismatch() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        )
    }

    pub fn nonce_used() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    }

    /// The seed's wording, so the SDK prints `code: 400, Specified access key denied due to
    /// access policy.`
    pub fn access_policy_denied() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "AccessKeyId.AccessPolicyDenied",
            "Specified access key denied due to access policy.",
        )
    }

    pub fn key_leaked() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Forbidden.AccessKeyLeakage",
            "Forbidden : There is a risk of leakage of this AccessKey.",
        )
    }

    pub fn throttled() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Throttling.User",
            "Request was denied due to user flow control.",
        )
    }

    /// The audit trail is too far behind to take another record (README, "Limits"). Alibaba's
    /// code for a temporary failure of the service; the SDKs retry it.
    pub fn audit_backlog() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is busy writing its audit trail and takes no new calls for now. Try again in a few seconds.",
        )
    }

    /// Signed before the server last started after a stop that lost its record of used nonces:
    /// such a request could be a replay. Signing it again (with the time now) works.
    pub fn signed_before_restart() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired",
            "The request was signed before the service restarted, and cannot be checked against replays. Sign it again.",
        )
    }

    pub fn api_not_found(action: &str, version: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "InvalidApi.NotFound",
            format!(
                "Specified api is not found, please check your url and method: {action} {version}."
            ),
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "The request processing has failed due to some unknown error.",
        )
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        // One error an answer, as Alibaba's: the first field that failed.
        let error = match error {
            DomainError::InvalidFields(mut errors) if !errors.is_empty() => errors.remove(0),
            other => other,
        };
        let message = error.to_string();
        if let DomainError::AccessDenied(denied) = error {
            return Self {
                status: StatusCode::FORBIDDEN,
                code: Cow::Borrowed("NoPermission"),
                message,
                access_denied: Some(denied),
            };
        }
        let (status, code): (StatusCode, &'static str) = match &error {
            DomainError::Invalid { code, .. } => (StatusCode::BAD_REQUEST, code),
            DomainError::InvalidFields(_) => (StatusCode::BAD_REQUEST, "InvalidParameter"),
            DomainError::NotFound { code, .. } => (StatusCode::NOT_FOUND, code),
            DomainError::Conflict { code, .. } | DomainError::LimitExceeded { code, .. } => {
                (StatusCode::CONFLICT, code)
            }
            DomainError::NoPermission(_) | DomainError::AccessDenied(_) => {
                (StatusCode::FORBIDDEN, "NoPermission")
            }
            DomainError::Verification(VerificationError::NoPhone)
            | DomainError::Verification(_)
            | DomainError::ResendTooSoon { .. }
            | DomainError::WrongCredentials
            | DomainError::SignInThrottled { .. }
            | DomainError::AlreadySetUp => (StatusCode::BAD_REQUEST, "InvalidParameter"),
            DomainError::Database(_) | DomainError::Crypto(_) | DomainError::Internal(_) => {
                tracing::error!("API request failed: {error}");
                return Self::internal();
            }
        };
        Self {
            status,
            code: Cow::Borrowed(code),
            message,
            access_denied: None,
        }
    }
}

/// Alibaba's `AccessDeniedDetail`, as its newer APIs answer a refusal.
pub fn access_denied_detail(denied: &AccessDenied) -> serde_json::Value {
    serde_json::json!({
        "AuthAction": denied.action,
        "AuthPrincipalType": denied.principal_type,
        "AuthPrincipalDisplayName": denied.principal_name,
        "PolicyType": "AccountLevelIdentityBasedPolicy",
        "NoPermissionType": denied.no_permission_type(),
    })
}
