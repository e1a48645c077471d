//! The AccessKey console's server: configuration, storage, the domain, and the HTTP wiring.
pub mod access_keys;
pub mod clock;
pub mod config;
pub mod console;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod error;
pub mod identity;
pub mod jobs;
pub mod permissions;
pub mod ram_users;
pub mod seed;
pub mod services;
pub mod verification;
pub mod web;
