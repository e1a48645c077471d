//! Signing key material, shared by the domain (which fills the key cache) and the signed API
//! (which checks signatures with it). It sits below both, so neither imports the other.
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Lower-case hex, into one buffer.
pub(crate) fn lower_hex(bytes: &[u8]) -> String {
    let mut out = vec![0; bytes.len() * 2];
    hex::encode_to_slice(bytes, &mut out).expect("twice the length");
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// A secret made ready to check signatures: HMAC's key schedule (two hash blocks) is worked out
/// once per cached key, not on every call.
#[derive(Clone)]
pub struct SignatureKey {
    v3: Hmac<Sha256>,
    v1: Hmac<Sha1>,
}

impl SignatureKey {
    pub fn new(secret: &str) -> Self {
        let v1_key = Zeroizing::new(format!("{secret}&"));
        Self {
            v3: Hmac::new_from_slice(secret.as_bytes()).expect("any key length"),
            v1: Hmac::new_from_slice(v1_key.as_bytes()).expect("any key length"),
        }
    }

    /// Lower-hex HMAC-SHA256 of the string to sign.
    pub fn sign_v3(&self, string_to_sign: &str) -> String {
        let mut mac = self.v3.clone();
        mac.update(string_to_sign.as_bytes());
        lower_hex(&mac.finalize().into_bytes())
    }

    /// Compares in constant time (the MAC's own comparison), so timing says nothing about the
    /// secret.
    pub fn verify_v3(&self, string_to_sign: &str, signature: &str) -> bool {
        // Into a fixed buffer: `hex::decode` builds its Vec through an iterator.
        let mut given = [0; 32];
        if hex::decode_to_slice(signature, &mut given).is_err() {
            return false;
        }
        let mut mac = self.v3.clone();
        mac.update(string_to_sign.as_bytes());
        mac.verify_slice(&given).is_ok()
    }

    /// Base64 HMAC-SHA1 keyed by `secret&`.
    pub fn sign_v1(&self, string_to_sign: &str) -> String {
        let mut mac = self.v1.clone();
        mac.update(string_to_sign.as_bytes());
        BASE64.encode(mac.finalize().into_bytes())
    }

    pub fn verify_v1(&self, string_to_sign: &str, signature: &str) -> bool {
        // Room for any signature of up to 32 bytes; a wrong length fails the comparison.
        let mut given = [0; 32];
        let Ok(length) = BASE64.decode_slice(signature, &mut given) else {
            return false;
        };
        let mut mac = self.v1.clone();
        mac.update(string_to_sign.as_bytes());
        mac.verify_slice(&given[..length]).is_ok()
    }
}
