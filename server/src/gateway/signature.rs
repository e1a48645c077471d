//! The two ways Alibaba Cloud's SDKs sign an RPC call, as pure functions: ACS3-HMAC-SHA256 (V3,
//! the default) and HMAC-SHA1 with `SignatureVersion=1.0` (V1), as Alibaba Cloud documents them
//! ("Request syntax and signature method V3",
//! <https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature>,
//! and the RPC signature method V1 it replaces); the tests replay the published vectors and every
//! request the official SDKs sent.
use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::infra::signing_key::lower_hex;
pub use crate::infra::signing_key::SignatureKey;

pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// RFC 3986 unreserved characters stay; everything else is `%XY` (space is `%20`, never `+`).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Percent-encoded, borrowed when nothing needs encoding (the usual case for names and IDs).
fn encoded(text: &str) -> Cow<'_, str> {
    utf8_percent_encode(text, UNRESERVED).into()
}

/// Where a canonical request is written: a `String` to read (tests, the published vector), or
/// straight into SHA-256 on every call, so it is never built in memory there.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Sink for Sha256 {
    fn put(&mut self, text: &str) {
        self.update(text.as_bytes());
    }
}

/// `k=v` pairs, names and values percent-encoded, sorted by encoded name, joined with `&`.
fn write_canonical_query<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    out: &mut impl Sink,
) {
    let mut pairs: Vec<(Cow<str>, Cow<str>)> = params
        .into_iter()
        .map(|(k, v)| (encoded(k), encoded(v)))
        .collect();
    pairs.sort_unstable();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.put("&");
        }
        out.put(k);
        out.put("=");
        out.put(v);
    }
}

pub fn canonical_query<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = String::new();
    write_canonical_query(params, &mut query);
    query
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    lower_hex(&Sha256::digest(bytes))
}

/// `hex::encode` goes through a char iterator; the table lookup is several times faster.
/// The V3 `Authorization` header, parsed; borrows from the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct V3Authorization<'a> {
    pub access_key_id: &'a str,
    /// Lower-case header names, `;`-separated as the client listed them: see
    /// [`Self::signed_header_names`].
    pub signed_headers: Cow<'a, str>,
    pub signature: &'a str,
}

impl<'a> V3Authorization<'a> {
    /// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`; `None` if malformed.
    pub fn parse(header: &'a str) -> Option<Self> {
        let rest = header.strip_prefix(V3_ALGORITHM)?.trim_start();
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (name, value) = part.trim().split_once('=')?;
            match name {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let (credential, signed_headers, signature) = (credential?, signed_headers?, signature?);
        if credential.is_empty() || signature.is_empty() || signed_headers.is_empty() {
            return None;
        }
        Some(Self {
            access_key_id: credential,
            signed_headers: if signed_headers.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(signed_headers.to_ascii_lowercase())
            } else {
                Cow::Borrowed(signed_headers)
            },
            signature,
        })
    }

    pub fn signed_header_names(&self) -> impl Iterator<Item = &str> {
        self.signed_headers.split(';').map(str::trim)
    }
}

/// What a V3 signature covers.
pub struct V3Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Decoded query parameters.
    pub query: &'a [(String, String)],
    /// `(lower-case name, value)` for each signed header, in any order.
    pub signed_headers: &'a [(&'a str, Cow<'a, str>)],
    /// Lower-hex SHA-256 of the body (checked against `x-acs-content-sha256` by the caller).
    pub hashed_payload: &'a str,
}

impl V3Request<'_> {
    fn write_canonical(&self, out: &mut impl Sink) {
        let mut headers: Vec<&(&str, Cow<str>)> = self.signed_headers.iter().collect();
        headers.sort_unstable();
        for part in [self.method, "\n", self.path, "\n"] {
            out.put(part);
        }
        write_canonical_query(
            self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            out,
        );
        out.put("\n");
        for (name, value) in &headers {
            for part in [name, ":", value.trim(), "\n"] {
                out.put(part);
            }
        }
        out.put("\n");
        for (i, (name, _)) in headers.iter().enumerate() {
            if i > 0 {
                out.put(";");
            }
            out.put(name);
        }
        out.put("\n");
        out.put(self.hashed_payload);
    }

    pub fn canonical_request(&self) -> String {
        let mut canonical = String::with_capacity(512);
        self.write_canonical(&mut canonical);
        canonical
    }

    /// `ACS3-HMAC-SHA256\n<lower-hex SHA-256 of the canonical request>`.
    pub fn string_to_sign(&self) -> String {
        let mut hash = Sha256::new();
        self.write_canonical(&mut hash);
        [V3_ALGORITHM, "\n", &lower_hex(&hash.finalize())].concat()
    }
}

pub fn sign_v3(secret: &str, string_to_sign: &str) -> String {
    SignatureKey::new(secret).sign_v3(string_to_sign)
}

pub fn verify_v3(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    SignatureKey::new(secret).verify_v3(string_to_sign, signature)
}

/// `<METHOD>&%2F&<percent-encoded canonical query>` over every parameter but `Signature`.
pub fn string_to_sign_v1<'a>(
    method: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let query = canonical_query(params.into_iter().filter(|(k, _)| *k != "Signature"));
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode("/"),
        percent_encode(&query)
    )
}

pub fn sign_v1(secret: &str, string_to_sign: &str) -> String {
    SignatureKey::new(secret).sign_v1(string_to_sign)
}

pub fn verify_v1(secret: &str, string_to_sign: &str, signature: &str) -> bool {
    SignatureKey::new(secret).verify_v1(string_to_sign, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn percent_encoding_edge_cases() {
        for (raw, encoded) in [
            ("a b", "a%20b"),
            ("*", "%2A"),
            ("~-_.", "~-_."),
            ("+", "%2B"),
            ("/", "%2F"),
            ("2015-08-18T03:15:45Z", "2015-08-18T03%3A15%3A45Z"),
            ("中", "%E4%B8%AD"),
            ("é", "%C3%A9"),
            ("", ""),
        ] {
            assert_eq!(percent_encode(raw), encoded, "{raw:?}");
        }
        assert_eq!(
            canonical_query([("b", ""), ("a", "x y"), ("SignatureType", "")]),
            "SignatureType=&a=x%20y&b="
        );
    }

    #[test]
    fn the_published_v3_vector() {
        let query = [
            (
                "ImageId".to_owned(),
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd".to_owned(),
            ),
            ("RegionId".to_owned(), "cn-shanghai".to_owned()),
        ];
        let headers = [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-content-sha256", EMPTY_SHA256),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-version", "2014-05-26"),
        ]
        .map(|(k, v)| (k, v.into()));
        let request = V3Request {
            method: "POST",
            path: "/",
            query: &query,
            signed_headers: &headers,
            hashed_payload: EMPTY_SHA256,
        };
        assert_eq!(
            sha256_hex(request.canonical_request().as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        let expected = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";
        assert_eq!(
            sign_v3("YourAccessKeySecret", &request.string_to_sign()),
            expected
        );
        assert!(verify_v3(
            "YourAccessKeySecret",
            &request.string_to_sign(),
            expected
        ));
        assert!(!verify_v3(
            "YourAccessKeySecreT",
            &request.string_to_sign(),
            expected
        ));
        assert!(!verify_v3(
            "YourAccessKeySecret",
            &request.string_to_sign(),
            "zz"
        ));
    }

    #[test]
    fn the_published_v1_vector() {
        let string_to_sign = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DCreateUser%26Format%3DJSON%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D6a6e0ca6-4557-11e5-86a2-b8e8563dc8d2%26SignatureVersion%3D1.0%26Timestamp%3D2015-08-18T03%253A15%253A45Z%26UserName%3Dtest%26Version%3D2015-05-01";
        let params = [
            ("AccessKeyId", "testid"),
            ("Action", "CreateUser"),
            ("Format", "JSON"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "6a6e0ca6-4557-11e5-86a2-b8e8563dc8d2"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2015-08-18T03:15:45Z"),
            ("UserName", "test"),
            ("Version", "2015-05-01"),
            ("Signature", "ignored"),
        ];
        assert_eq!(string_to_sign_v1("GET", params), string_to_sign);
        assert_eq!(
            sign_v1("testsecret", string_to_sign),
            "kRA2cnpJVacIhDMzXnoNZG9tDCI="
        );
        assert!(verify_v1(
            "testsecret",
            string_to_sign,
            "kRA2cnpJVacIhDMzXnoNZG9tDCI="
        ));
        assert!(!verify_v1(
            "testsecret",
            string_to_sign,
            "kRA2cnpJVacIhDMzXnoNZG9tDCi="
        ));
        assert!(!verify_v1("testsecret", string_to_sign, "not base64!"));
    }

    #[test]
    fn authorization_headers_parse_or_are_refused() {
        let parsed = V3Authorization::parse(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;X-Acs-Date,Signature=abc",
        )
        .unwrap();
        assert_eq!(parsed.access_key_id, "testid");
        assert_eq!(
            parsed.signed_header_names().collect::<Vec<_>>(),
            ["host", "x-acs-date"]
        );
        assert_eq!(parsed.signature, "abc");
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=b",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=b",
            "ACS3-HMAC-SHA256 Credential=a,Signature=b",
            "ACS3-HMAC-SHA256 Credential=a SignedHeaders=host Signature=b",
        ] {
            assert_eq!(V3Authorization::parse(bad), None, "{bad:?}");
        }
    }
}
