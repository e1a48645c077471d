//! The console's sign-in sessions, in the exact shape `tower-sessions-sqlx-store` reads and writes
//! (table `tower_sessions`; on PostgreSQL the store is pointed at schema `public`).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "create table tower_sessions (id text primary key not null, \
                 data bytea not null, expiry_date timestamptz not null)"
            }
            _ => {
                "create table tower_sessions (id text primary key not null, \
                 data blob not null, expiry_date integer not null)"
            }
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("drop table tower_sessions")
            .await?;
        Ok(())
    }
}
