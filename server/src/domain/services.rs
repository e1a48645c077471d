//! Everything the domain needs, built once at start and shared by the console and the API. It
//! names only leaf modules (caches, the audit queue, the code sender, the throttle), which
//! import nothing back, so no import cycle runs through here.
use std::sync::Arc;

use chrono::Duration;
use sea_orm::DatabaseConnection;

use crate::domain::audit::writer::AuditTrail;
use crate::domain::identity::throttle::SignInThrottle;
use crate::domain::key_cache::KeyCache;
use crate::domain::permissions::policy_set::PolicySetCache;
use crate::domain::verification::sender::{CodeSender, LogSender};
use crate::infra::clock::{Clock, SystemClock};
use crate::infra::crypto::SecretBox;
use crate::infra::metrics::RequestCounts;

/// The rules an installation can tune.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How many AccessKey pairs the account owner may hold at once.
    pub max_account_access_keys: u32,
    pub verification_code_ttl: Duration,
    /// A key used within this window gets a warning before it is deleted.
    pub recently_used_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_account_access_keys: 5,
            verification_code_ttl: Duration::minutes(5),
            recently_used_window: Duration::days(30),
        }
    }
}

pub struct Services {
    pub db: DatabaseConnection,
    pub secrets: SecretBox,
    pub clock: Arc<dyn Clock>,
    pub sender: Arc<dyn CodeSender>,
    pub settings: Settings,
    pub sign_in_throttle: SignInThrottle,
    /// Signing material of recently used keys; the domain drops entries it changes.
    pub key_cache: KeyCache,
    /// RAM users' permissions; the domain drops a user's entry when they change.
    pub permissions_cache: PolicySetCache,
    /// Events on their way to the audit trail.
    pub audit: AuditTrail,
    /// Requests answered by both front doors, for `/metrics`.
    pub requests: RequestCounts,
}

impl Services {
    pub fn new(db: DatabaseConnection, secrets: SecretBox, settings: Settings) -> Self {
        Self {
            db,
            secrets,
            clock: Arc::new(SystemClock),
            sender: Arc::new(LogSender),
            settings,
            sign_in_throttle: SignInThrottle::default(),
            key_cache: KeyCache::default(),
            permissions_cache: PolicySetCache::default(),
            audit: AuditTrail::default(),
            requests: RequestCounts::default(),
        }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_sender(mut self, sender: Arc<dyn CodeSender>) -> Self {
        self.sender = sender;
        self
    }
}
