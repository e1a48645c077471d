//! The AccessKey console's server: configuration, storage, the domain, and the HTTP wiring.
pub mod access_keys;
pub mod audit;
pub mod cache;
pub mod clock;
pub mod config;
pub mod console;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod error;
pub mod gateway;
pub mod identity;
pub mod jobs;
pub mod key_cache;
pub mod leaks;
pub mod mfa;
pub mod net;
pub mod network_policy;
pub mod permissions;
pub mod ram_users;
pub mod security_preference;
pub mod seed;
pub mod services;
pub mod signing_key;
pub mod verification;
pub mod web;

/// The API's hot path allocates small buffers on one thread and frees them on another; glibc's
/// allocator serialises that on arena locks, mimalloc does not (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
