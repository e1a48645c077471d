//! Server functions, grouped by domain. Each is one line of glue to [`crate::backend`].
pub mod access_keys;
pub mod audit_trail;
pub mod groups;
pub mod mfa;
pub mod network_policies;
pub mod policies;
pub mod recycle_bin;
pub mod security_settings;
pub mod session;
pub mod users;
