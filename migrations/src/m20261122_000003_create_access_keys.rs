use sea_orm_migration::prelude::*;

use crate::m20261122_000001_create_accounts::Accounts;
use crate::m20261122_000002_create_ram_users::RamUsers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccessKeys::Table)
                    .col(
                        ColumnDef::new(AccessKeys::AccessKeyId)
                            .string_len(24)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AccessKeys::AccountId)
                            .big_integer()
                            .not_null(),
                    )
                    // NULL: the account owner's own key.
                    .col(ColumnDef::new(AccessKeys::UserId).big_integer().null())
                    .col(ColumnDef::new(AccessKeys::Status).string_len(16).not_null())
                    // AES-256-GCM of the secret with the AccessKey ID as associated data.
                    .col(
                        ColumnDef::new(AccessKeys::SecretCiphertext)
                            .blob()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AccessKeys::SecretNonce).blob().not_null())
                    .col(
                        ColumnDef::new(AccessKeys::SecretKeyVersion)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccessKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccessKeys::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AccessKeys::LastUsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AccessKeys::LastUsedService)
                            .string_len(16)
                            .null(),
                    )
                    .col(ColumnDef::new(AccessKeys::LastUsedIp).string_len(64).null())
                    .col(
                        ColumnDef::new(AccessKeys::RecycledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessKeys::Table, AccessKeys::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessKeys::Table, AccessKeys::UserId)
                            .to(RamUsers::Table, RamUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_access_keys_owner")
                    .table(AccessKeys::Table)
                    .col(AccessKeys::AccountId)
                    .col(AccessKeys::UserId)
                    .to_owned(),
            )
            .await?;
        // IDs are unique forever: a deleted key's ID stays here so it is never issued again.
        manager
            .create_table(
                Table::create()
                    .table(RetiredAccessKeyIds::Table)
                    .col(
                        ColumnDef::new(RetiredAccessKeyIds::AccessKeyId)
                            .string_len(24)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RetiredAccessKeyIds::RetiredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RetiredAccessKeyIds::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AccessKeys::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AccessKeys {
    Table,
    AccessKeyId,
    AccountId,
    UserId,
    Status,
    SecretCiphertext,
    SecretNonce,
    SecretKeyVersion,
    CreatedAt,
    UpdatedAt,
    LastUsedAt,
    LastUsedService,
    LastUsedIp,
    RecycledAt,
}

#[derive(DeriveIden)]
enum RetiredAccessKeyIds {
    Table,
    AccessKeyId,
    RetiredAt,
}
