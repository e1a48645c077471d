//! Spent signature nonces, so a request replayed to another instance on the same PostgreSQL
//! database is refused too. (A SQLite database belongs to one instance, which remembers nonces
//! in memory.)
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UsedNonces::Table)
                    .col(
                        ColumnDef::new(UsedNonces::AccessKeyId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(UsedNonces::Nonce).string_len(128).not_null())
                    .col(
                        ColumnDef::new(UsedNonces::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(UsedNonces::AccessKeyId)
                            .col(UsedNonces::Nonce),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_used_nonces_expires_at")
                    .table(UsedNonces::Table)
                    .col(UsedNonces::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsedNonces::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UsedNonces {
    Table,
    AccessKeyId,
    Nonce,
    ExpiresAt,
}
