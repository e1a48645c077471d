//! One page per file.
pub mod access_keys;
pub mod audit_trail;
pub mod check_access;
pub mod group;
pub mod groups;
pub mod home;
pub mod mfa;
pub mod network_policy;
pub mod not_found;
pub mod policies;
pub mod policy;
pub mod recycle_bin;
pub mod security_settings;
pub mod setup;
pub mod sign_in;
pub mod user;
pub mod users;
