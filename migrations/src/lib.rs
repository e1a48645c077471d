//! The console's schema, one migration per change. The same migrations serve SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_accounts;
mod m20261122_000002_create_ram_users;
mod m20261122_000003_create_access_keys;
mod m20261122_000004_create_verification_codes;
mod m20261122_000005_create_sessions;
mod m20261122_000006_create_user_policies;
mod m20261122_000007_add_recycling_to_ram_users;
mod m20261122_000008_index_ram_users_by_account;
mod m20261122_000009_create_used_nonces;
mod m20261122_000010_add_network_policies_and_leak_flags;
mod m20261122_000011_create_audit_events;
mod m20261122_000012_create_mfa_devices;
mod m20261123_000013_add_ram_user_security_preferences;
mod m20261204_000014_add_session_epochs;
mod m20261206_000015_create_policies_and_groups;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_ram_users::Migration),
            Box::new(m20261122_000003_create_access_keys::Migration),
            Box::new(m20261122_000004_create_verification_codes::Migration),
            Box::new(m20261122_000005_create_sessions::Migration),
            Box::new(m20261122_000006_create_user_policies::Migration),
            Box::new(m20261122_000007_add_recycling_to_ram_users::Migration),
            Box::new(m20261122_000008_index_ram_users_by_account::Migration),
            Box::new(m20261122_000009_create_used_nonces::Migration),
            Box::new(m20261122_000010_add_network_policies_and_leak_flags::Migration),
            Box::new(m20261122_000011_create_audit_events::Migration),
            Box::new(m20261122_000012_create_mfa_devices::Migration),
            Box::new(m20261123_000013_add_ram_user_security_preferences::Migration),
            Box::new(m20261204_000014_add_session_epochs::Migration),
            Box::new(m20261206_000015_create_policies_and_groups::Migration),
        ]
    }
}
