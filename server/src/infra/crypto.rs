//! Secrets at rest: AES-256-GCM under the master key, and keyed hashes of verification codes.
//!
//! Every AccessKey secret is sealed with a fresh random 96-bit nonce and the AccessKey ID as
//! associated data, so a ciphertext copied to another row does not decrypt. The key version is
//! stored beside the ciphertext so the master key can be rotated later.
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::TryRngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// The version of the master key that seals new secrets.
pub const CURRENT_KEY_VERSION: i32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key must be 32 bytes, base64-encoded")]
    BadMasterKey,
    #[error("could not read or create the master key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the master key file is not private: {0}")]
    KeyFileNotPrivate(#[from] crate::infra::files::FileError),
    #[error("no master key of version {0} is configured")]
    UnknownKeyVersion(i32),
    /// Wrong key, tampered ciphertext, or a ciphertext moved to another AccessKey.
    #[error("a stored secret did not decrypt")]
    Undecryptable,
}

/// Where the master key came from, for the start-up summary (never the key itself).
#[derive(Clone, Debug)]
pub enum MasterKeySource {
    Environment,
    File(PathBuf),
}

impl std::fmt::Display for MasterKeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Environment => f.write_str("ACCESSKEY_MASTER_KEY (redacted)"),
            Self::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

pub struct MasterKey(Zeroizing<[u8; 32]>);

impl MasterKey {
    pub fn from_base64(text: &str) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(
            BASE64
                .decode(text.trim())
                .map_err(|_| CryptoError::BadMasterKey)?,
        );
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::BadMasterKey)?;
        Ok(Self(Zeroizing::new(key)))
    }

    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        fill_random(key.as_mut());
        Self(key)
    }

    /// Reads the key file, or creates it (mode 0600) with a new random key on first start.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        let io = |source| CryptoError::KeyFile {
            path: path.to_owned(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                // Created 0600 below: anything looser was someone else's doing.
                crate::infra::files::require_private(
                    path,
                    crate::infra::files::WhenNotPrivate::Refuse,
                )?;
                Self::from_base64(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let key = Self::generate();
                let mut file = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .map_err(io)?;
                let encoded = Zeroizing::new(BASE64.encode(key.0.as_ref()));
                writeln!(file, "{}", encoded.as_str()).map_err(io)?;
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }
}

/// A sealed secret as stored: key version, nonce and ciphertext (with the GCM tag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub key_version: i32,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

pub struct SecretBox {
    ciphers: HashMap<i32, Aes256Gcm>,
    code_key: Zeroizing<[u8; 32]>,
}

impl SecretBox {
    pub fn new(master_key: &MasterKey) -> Self {
        let cipher =
            Aes256Gcm::new_from_slice(master_key.0.as_ref()).expect("a 32-byte key fits AES-256");
        // A separate key for code hashes, so the encryption key is used for one purpose only.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(master_key.0.as_ref())
            .expect("HMAC takes any key length");
        mac.update(b"accesskey-console/verification-codes/v1");
        let code_key = Zeroizing::new(mac.finalize().into_bytes().into());
        Self {
            ciphers: HashMap::from([(CURRENT_KEY_VERSION, cipher)]),
            code_key,
        }
    }

    pub fn seal(&self, access_key_id: &str, secret: &str) -> Sealed {
        let mut nonce = [0u8; 12];
        fill_random(&mut nonce);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: access_key_id.as_bytes(),
        };
        let ciphertext = self.ciphers[&CURRENT_KEY_VERSION]
            .encrypt(Nonce::from_slice(&nonce), payload)
            .expect("AES-GCM encryption of a short message cannot fail");
        Sealed {
            key_version: CURRENT_KEY_VERSION,
            nonce: nonce.to_vec(),
            ciphertext,
        }
    }

    pub fn open(
        &self,
        access_key_id: &str,
        sealed: &Sealed,
    ) -> Result<Zeroizing<String>, CryptoError> {
        let cipher = self
            .ciphers
            .get(&sealed.key_version)
            .ok_or(CryptoError::UnknownKeyVersion(sealed.key_version))?;
        if sealed.nonce.len() != 12 {
            return Err(CryptoError::Undecryptable);
        }
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: access_key_id.as_bytes(),
        };
        let plain = Zeroizing::new(
            cipher
                .decrypt(Nonce::from_slice(&sealed.nonce), payload)
                .map_err(|_| CryptoError::Undecryptable)?,
        );
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Undecryptable)
    }

    /// The stored form of a verification code: HMAC-SHA256 under a key the database never sees.
    pub fn code_hash(&self, code: &str) -> Vec<u8> {
        self.code_mac(code).finalize().into_bytes().to_vec()
    }

    /// Checks a code against its stored hash in constant time.
    pub fn code_matches(&self, code: &str, stored_hash: &[u8]) -> bool {
        self.code_mac(code).verify_slice(stored_hash).is_ok()
    }

    fn code_mac(&self, code: &str) -> HmacSha256 {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.code_key.as_ref())
            .expect("HMAC takes any key length");
        mac.update(code.as_bytes());
        mac
    }
}

/// A random (v4) UUID for request and event IDs, which need to be unique, not secret: from the
/// thread's generator, since `Uuid::new_v4` asks the kernel each time, a system call per request.
pub fn random_uuid() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

/// Fills `buf` from the operating system's CSPRNG.
pub fn fill_random(buf: &mut [u8]) {
    OsRng
        .unwrap_err()
        .try_fill_bytes(buf)
        .expect("UnwrapErr never returns an error");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_box() -> SecretBox {
        SecretBox::new(&MasterKey::generate())
    }

    #[test]
    fn sealed_secret_opens_with_the_same_access_key_id() {
        let secrets = secret_box();
        let sealed = secrets.seal("LTAIabc", "the secret");
        assert_eq!(sealed.nonce.len(), 12);
        assert!(!sealed.ciphertext.windows(10).any(|w| w == b"the secret"));
        assert_eq!(
            secrets.open("LTAIabc", &sealed).unwrap().as_str(),
            "the secret"
        );
    }

    #[test]
    fn a_ciphertext_moved_to_another_access_key_does_not_open() {
        let secrets = secret_box();
        let sealed = secrets.seal("LTAIabc", "the secret");
        assert!(matches!(
            secrets.open("LTAIxyz", &sealed),
            Err(CryptoError::Undecryptable)
        ));
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let secrets = secret_box();
        assert_ne!(
            secrets.seal("LTAIabc", "s").nonce,
            secrets.seal("LTAIabc", "s").nonce
        );
    }

    #[test]
    fn another_master_key_cannot_open() {
        let sealed = secret_box().seal("LTAIabc", "the secret");
        assert!(secret_box().open("LTAIabc", &sealed).is_err());
    }

    #[test]
    fn code_hashes_match_only_the_same_code() {
        let secrets = secret_box();
        let hash = secrets.code_hash("123456");
        assert!(secrets.code_matches("123456", &hash));
        assert!(!secrets.code_matches("123457", &hash));
    }

    #[test]
    fn key_file_is_created_private_and_read_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let first = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let again = MasterKey::load_or_create(&path).unwrap();
        assert_eq!(first.0.as_ref(), again.0.as_ref());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let exposed = MasterKey::load_or_create(&path).err().unwrap();
        assert!(exposed.to_string().contains("chmod 600"), "{exposed}");
    }

    #[test]
    fn master_key_must_be_32_bytes() {
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(MasterKey::from_base64(&BASE64.encode([7u8; 32])).is_ok());
    }
}
