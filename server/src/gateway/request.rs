//! One API call as it arrived: method, query and form parameters, headers and body, and what
//! the signature over them says.
use std::borrow::Cow;
use std::net::IpAddr;

use axum::http::header::{self, AsHeaderName, HeaderName};
use axum::http::HeaderMap;

use super::signature::{self, V3Authorization, V3Request};

/// How the caller signed; borrows from the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed<'a> {
    V3(V3Authorization<'a>),
    V1 {
        access_key_id: &'a str,
        signature: &'a str,
    },
}

/// Headers every call reads, named once: a look-up by `&str` parses and checks the name each
/// time.
pub static X_ACS_ACTION: HeaderName = HeaderName::from_static("x-acs-action");
pub static X_ACS_VERSION: HeaderName = HeaderName::from_static("x-acs-version");
pub static X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
pub static X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
pub static X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");

#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: String,
    pub path: String,
    /// The query string's parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Parameters of an `application/x-www-form-urlencoded` body.
    pub form: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Where the call came from ([`crate::infra::net::source_address`]); `None` when unknown, which no
    /// network policy allows.
    pub source_ip: Option<IpAddr>,
    /// Whether it came over TLS, as a trusted proxy says (`acs:SecureTransport`).
    pub secure_transport: bool,
}

impl ApiRequest {
    pub fn new(
        method: &str,
        path: &str,
        raw_query: Option<&str>,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Self {
        let decode = |raw: &[u8]| {
            form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect::<Vec<_>>()
        };
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: decode(raw_query.unwrap_or_default().as_bytes()),
            form: if is_form { decode(&body) } else { Vec::new() },
            headers,
            body,
            source_ip: None,
            secure_transport: false,
        }
    }

    /// Whether any parameter is sent more than once (twice in the query, or in the query and
    /// the body). Such a call is refused: which copy the server acted on could differ from the
    /// one a proxy, a log or the client's own code looked at.
    pub fn has_repeated_parameter(&self) -> bool {
        let mut seen = std::collections::HashSet::new();
        !self
            .query
            .iter()
            .chain(&self.form)
            .all(|(name, _)| seen.insert(name.as_str()))
    }

    /// A parameter from the query or the form body (each is sent once; see
    /// [`Self::has_repeated_parameter`]).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(&self.form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: impl AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Whether the call carries an `Authorization` header (V3), readable or not.
    pub fn has_authorization(&self) -> bool {
        self.headers.contains_key(header::AUTHORIZATION)
    }

    /// `(action, version)` from the V3 headers or the V1 parameters. A V1 call has no
    /// `Authorization` header, so this needs no second parse of the signature.
    pub fn action_and_version(&self) -> (Option<&str>, Option<&str>) {
        if !self.has_authorization() {
            return (self.param("Action"), self.param("Version"));
        }
        (
            self.header(&X_ACS_ACTION).or_else(|| self.param("Action")),
            self.header(&X_ACS_VERSION)
                .or_else(|| self.param("Version")),
        )
    }

    /// The signature scheme, if the request carries one that parses. `None` with an
    /// `Authorization` header present means a malformed header (bytes outside visible ASCII
    /// included).
    pub fn signed(&self) -> Option<Signed<'_>> {
        if self.has_authorization() {
            return self
                .header(header::AUTHORIZATION)
                .and_then(V3Authorization::parse)
                .map(Signed::V3);
        }
        Some(Signed::V1 {
            access_key_id: self.param("AccessKeyId")?,
            signature: self.param("Signature")?,
        })
    }

    /// The string a V3 signature covers, rebuilt from the headers the client listed;
    /// `hashed_payload` is the body's SHA-256, already checked against `x-acs-content-sha256`.
    pub fn v3_string_to_sign(
        &self,
        authorization: &V3Authorization,
        hashed_payload: &str,
    ) -> String {
        // One pass over the headers: several values of one name are joined with commas, a
        // listed header that is absent counts as empty.
        let mut signed: Vec<(&str, Option<Cow<str>>)> = authorization
            .signed_header_names()
            .map(|name| (name, None))
            .collect();
        for (name, value) in &self.headers {
            let Ok(value) = value.to_str() else { continue };
            for (_, joined) in signed.iter_mut().filter(|(n, _)| *n == name.as_str()) {
                match joined {
                    None => *joined = Some(Cow::Borrowed(value)),
                    Some(joined) => joined.to_mut().extend([",", value]),
                }
            }
        }
        let signed_headers: Vec<(&str, Cow<str>)> = signed
            .into_iter()
            .map(|(name, value)| (name, value.unwrap_or_default()))
            .collect();
        V3Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            signed_headers: &signed_headers,
            hashed_payload,
        }
        .string_to_sign()
    }

    /// The string a V1 signature covers: every parameter, query and form, but `Signature`.
    pub fn v1_string_to_sign(&self) -> String {
        signature::string_to_sign_v1(
            &self.method,
            self.query
                .iter()
                .chain(&self.form)
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_count_as_parameters() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let request = ApiRequest::new(
            "post",
            "/",
            Some("Action=ListUsers"),
            headers.clone(),
            b"MaxItems=5".to_vec(),
        );
        assert_eq!(request.method, "POST");
        assert_eq!(request.param("MaxItems"), Some("5"));
        assert_eq!(request.param("Action"), Some("ListUsers"));
        assert!(!request.has_repeated_parameter());

        let twice = ApiRequest::new(
            "POST",
            "/",
            Some("Action=ListUsers"),
            headers,
            b"MaxItems=5&Action=DeleteUser".to_vec(),
        );
        assert!(twice.has_repeated_parameter(), "in the query and the body");
        let in_query = ApiRequest::new("GET", "/", Some("A=1&B=2&A=1"), HeaderMap::new(), vec![]);
        assert!(in_query.has_repeated_parameter(), "twice in the query");
    }

    #[test]
    fn an_unreadable_authorization_header_is_a_malformed_signature_not_a_v1_call() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_bytes(b"ACS3-HMAC-SHA256 Credential=\xe9").unwrap(),
        );
        headers.insert("x-acs-action", "ListUsers".parse().unwrap());
        let request = ApiRequest::new(
            "POST",
            "/",
            Some("AccessKeyId=x&Signature=y"),
            headers,
            vec![],
        );
        assert!(request.has_authorization());
        assert_eq!(request.signed(), None);
        assert_eq!(request.action_and_version().0, Some("ListUsers"));
    }
}
