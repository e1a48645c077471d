//! sea-orm entities: data only. Behaviour lives in the domain modules.
pub mod access_key;
pub mod account;
pub mod audit_event;
pub mod group_member;
pub mod group_policy;
pub mod mfa_device;
pub mod policy;
pub mod policy_version;
pub mod ram_group;
pub mod ram_user;
pub mod retired_access_key_id;
pub mod used_nonce;
pub mod user_policy;
pub mod verification_code;
