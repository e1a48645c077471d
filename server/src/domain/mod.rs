//! The domain: what an account, a RAM user, an AccessKey pair, a permission or an audit event
//! is, and every rule about them. The console and the signed API call these same functions, so a
//! rule decided here holds at both doors. Nothing here names a front door or a web framework
//! (`tests/layout.rs` checks).
pub mod access_keys;
pub mod audit;
pub mod change;
pub mod custom_policies;
pub mod error;
pub mod groups;
pub mod identity;
pub mod key_cache;
pub mod leaks;
pub mod mfa;
pub mod network_policy;
pub mod permissions;
pub mod policy;
pub mod principal;
pub mod ram_users;
pub mod recycle_bin;
pub mod security_preference;
pub mod services;
pub mod signing_keys;
pub mod verification;
