//! Who is calling: the signature checks, in the order of the spec's error table (missing
//! parameters, malformed signature, timestamp, unknown key, disabled key, signature), then the
//! key's guard rails (leak flag, network policy), and only then the nonce.
use std::borrow::Cow;
use std::sync::Arc;

use axum::http::HeaderName;
use chrono::{DateTime, Utc};

use super::error::ApiError;
use super::nonces::Nonce;
use super::request::{ApiRequest, Signed, X_ACS_CONTENT_SHA256, X_ACS_DATE, X_ACS_SIGNATURE_NONCE};
use super::signature;
use super::Gateway;
use crate::domain::key_cache::SigningKey;
use crate::domain::principal::Principal;

/// How far a request's timestamp may be from the server's clock, either way.
pub const TIMESTAMP_WINDOW_MINUTES: i64 = 15;

/// An authenticated caller: the key it signed with, and the identity that key belongs to.
pub struct Caller {
    pub key: Arc<SigningKey>,
    pub principal: Principal,
}

/// The headers every V3 signature must cover (`content-type` too when there is a body).
const MUST_SIGN_V3: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
];

/// SHA-256 of an empty body, which most calls have.
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Checks the call's signature against its key at `now`, then the key's guard rails.
pub async fn authenticate(
    gateway: &Gateway,
    request: &ApiRequest,
    now: DateTime<Utc>,
) -> Result<Caller, ApiError> {
    if request.has_repeated_parameter() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "A parameter appears more than once in the request. Send each parameter once.",
        ));
    }
    let signed = match request.signed() {
        Some(signed) => signed,
        None if request.has_authorization() => return Err(ApiError::incomplete_signature()),
        None if request.param("AccessKeyId").is_none() => {
            return Err(ApiError::missing("AccessKeyId"))
        }
        None => return Err(ApiError::missing("Signature")),
    };
    let mut body_hash = Cow::Borrowed(EMPTY_BODY_SHA256);
    let (access_key_id, timestamp, nonce) = match &signed {
        Signed::V3(authorization) => {
            let required = |name: &HeaderName| {
                request
                    .header(name)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(ApiError::incomplete_signature)
            };
            // The payload hash the client signed must be the body's.
            if !request.body.is_empty() {
                body_hash = Cow::Owned(signature::sha256_hex(&request.body));
            }
            if required(&X_ACS_CONTENT_SHA256)? != body_hash {
                return Err(ApiError::signature_mismatch());
            }
            // What the server acts on must be signed: which action, of which version, with
            // which body (and how that body is to be read), besides the host and the replay
            // guards. Whatever else the client signs is verified too.
            let body_type = (!request.body.is_empty()).then_some("content-type");
            for header in MUST_SIGN_V3.iter().copied().chain(body_type) {
                if !authorization.signed_header_names().any(|h| h == header) {
                    return Err(ApiError::incomplete_signature());
                }
            }
            (
                authorization.access_key_id,
                required(&X_ACS_DATE)?,
                required(&X_ACS_SIGNATURE_NONCE)?,
            )
        }
        Signed::V1 { access_key_id, .. } => {
            if request.param("SignatureMethod") != Some("HMAC-SHA1")
                || request.param("SignatureVersion") != Some("1.0")
            {
                return Err(ApiError::incomplete_signature());
            }
            let required = |name: &str| {
                request
                    .param(name)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| ApiError::missing(name))
            };
            (
                *access_key_id,
                required("Timestamp")?,
                required("SignatureNonce")?,
            )
        }
    };
    let signed_at = check_timestamp(timestamp, now)?;

    let key = crate::domain::signing_keys::signing_key(&gateway.svc, access_key_id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(ApiError::key_not_found)?;
    if !key.active {
        return Err(ApiError::key_inactive());
    }
    let verified = match &signed {
        Signed::V3(authorization) => key.signature_key.verify_v3(
            &request.v3_string_to_sign(authorization, &body_hash),
            authorization.signature,
        ),
        Signed::V1 { signature, .. } => key
            .signature_key
            .verify_v1(&request.v1_string_to_sign(), signature),
    };
    if !verified {
        return Err(ApiError::signature_mismatch());
    }
    // Guard rails, once the caller has proved it holds the key (so nobody can probe them), and
    // before its nonce is spent: a refused call spends nothing, so a leaked key or a denied
    // address cannot be used to fill the nonce store.
    if key.leaked {
        return Err(ApiError::key_leaked());
    }
    if let Some((_, policy)) = &key.network_policy {
        if !request.source_ip.is_some_and(|ip| policy.allows(ip)) {
            return Err(ApiError::access_policy_denied());
        }
    }
    // Only a correctly signed, otherwise acceptable request spends its nonce, so nobody can
    // burn another's nonces.
    match gateway
        .nonces
        .check(&key.access_key_id, key.account_id, nonce, signed_at, now)
    {
        Nonce::Fresh => {}
        Nonce::Used => return Err(ApiError::nonce_used()),
        Nonce::Throttled => return Err(ApiError::throttled()),
        Nonce::BeforeRestart => return Err(ApiError::signed_before_restart()),
    }
    // Kept a minute past the window: instances' clocks may differ a little.
    let expires_at = signed_at + chrono::Duration::minutes(TIMESTAMP_WINDOW_MINUTES + 1);
    if !gateway
        .shared_nonces
        .claim(&key.access_key_id, nonce, expires_at)
        .await?
    {
        return Err(ApiError::nonce_used());
    }
    let principal = match key.user_id {
        None => Principal::Owner {
            account_id: key.account_id,
        },
        Some(user_id) => Principal::RamUser {
            account_id: key.account_id,
            user_id,
        },
    };
    Ok(Caller { key, principal })
}

/// `YYYY-MM-DDThh:mm:ssZ`, within 15 minutes of `now`; the time it names.
fn check_timestamp(timestamp: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    // Exactly that shape is RFC 3339, whose parser is far cheaper than a format string's.
    let shaped = timestamp.len() == 20 && timestamp.as_bytes()[10] == b'T';
    let at = DateTime::parse_from_rfc3339(timestamp)
        .ok()
        .filter(|_| shaped && timestamp.ends_with('Z'))
        .ok_or_else(ApiError::timestamp_format)?
        .with_timezone(&Utc);
    if (now - at).num_seconds().abs() > TIMESTAMP_WINDOW_MINUTES * 60 {
        return Err(ApiError::timestamp_expired());
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_must_be_well_formed_and_within_fifteen_minutes() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 13, 30, 0).unwrap();
        assert!(check_timestamp("2026-11-22T13:26:38Z", now).is_ok());
        assert!(check_timestamp("2026-11-22T13:45:00Z", now).is_ok());
        assert_eq!(
            check_timestamp("2026-11-22T13:45:01Z", now)
                .unwrap_err()
                .code,
            "InvalidTimeStamp.Expired"
        );
        assert_eq!(
            check_timestamp("2026-11-22T13:14:59Z", now)
                .unwrap_err()
                .code,
            "InvalidTimeStamp.Expired"
        );
        for bad in [
            "",
            "2026-11-22 13:26:38",
            "2026-11-22T13:26:38",
            "yesterday",
        ] {
            assert_eq!(
                check_timestamp(bad, now).unwrap_err().code,
                "InvalidTimeStamp.Format",
                "{bad:?}"
            );
        }
    }
}
