//! What the domain and both front doors stand on, knowing nothing of them: the database and its
//! tables, encryption at rest, key material, caches, the clock, and how a request's source
//! address is worked out.
pub mod body;
pub mod cache;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod files;
pub mod metrics;
pub mod net;
pub mod rate;
pub mod signing_key;
