//! The AccessKey console's server, in layers (see `src/README.md`):
//!
//! - [`domain`]: every rule the console and the signed API share; knows no front door.
//! - [`console`] and [`gateway`]: the two front doors, the browser console and the signed RPC
//!   API. They translate requests into domain calls and domain results into answers.
//! - [`infra`]: what everything stands on: storage, encryption, caches, the clock, addresses.
//! - [`jobs`]: the background work, started and stopped in one place.
//! - [`metrics`]: `GET /metrics` for Prometheus, on a listener of its own.
//! - [`config`] and [`seed`]: how an installation is configured, and demo data for trying it.
pub mod config;
pub mod console;
pub mod domain;
pub mod gateway;
pub mod infra;
pub mod jobs;
pub mod metrics;
pub mod seed;

/// The API's hot path allocates small buffers on one thread and frees them on another; glibc's
/// allocator serialises that on arena locks, mimalloc does not (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
