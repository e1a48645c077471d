//! Signing material by AccessKey ID, so a signed call costs neither a database read nor a
//! decryption. Every change to a key on this instance drops its entry at once; entries also
//! expire after [`crate::infra::cache::TTL`].
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::domain::network_policy::policy::{NetworkPolicy, PolicyLevel};
use crate::infra::cache::TtlCache;
use crate::infra::signing_key::SignatureKey;

/// What verifying a signature and authorising a call need to know about a key.
pub struct SigningKey {
    pub access_key_id: String,
    pub account_id: i64,
    /// `None`: the account owner's own key.
    pub user_id: Option<i64>,
    pub active: bool,
    /// Flagged as leaked: refused whatever else holds.
    pub leaked: bool,
    /// The network access policy its calls are held to (its own or the account's), if any.
    pub network_policy: Option<(PolicyLevel, NetworkPolicy)>,
    pub secret: Zeroizing<String>,
    /// The secret ready to check signatures with.
    pub signature_key: SignatureKey,
}

/// `None` remembers that an ID is unknown (or recycled), so a flood of bad IDs stays off the
/// database too.
pub type KeyCache = TtlCache<String, Option<Arc<SigningKey>>>;
