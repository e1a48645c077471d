use sea_orm_migration::prelude::*;

use crate::m20261122_000001_create_accounts::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VerificationCodes::Table)
                    .col(
                        ColumnDef::new(VerificationCodes::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::AccountId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::UserId)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::Purpose)
                            .string_len(32)
                            .not_null(),
                    )
                    // HMAC-SHA256 of the code under a key derived from the master key.
                    .col(
                        ColumnDef::new(VerificationCodes::CodeHash)
                            .blob()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::AttemptsLeft)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::ConsumedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(VerificationCodes::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(VerificationCodes::Table, VerificationCodes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_verification_codes_principal")
                    .table(VerificationCodes::Table)
                    .col(VerificationCodes::AccountId)
                    .col(VerificationCodes::UserId)
                    .col(VerificationCodes::Purpose)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(VerificationCodes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum VerificationCodes {
    Table,
    Id,
    AccountId,
    UserId,
    Purpose,
    CodeHash,
    AttemptsLeft,
    ExpiresAt,
    ConsumedAt,
    CreatedAt,
}
