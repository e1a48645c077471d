//! Virtual MFA devices: one per identity (`account:<id>` for an owner, `user:<id>` for a RAM
//! user), its TOTP key sealed under the master key, and the last step used so no code counts twice.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MfaDevices::Table)
                    .col(
                        ColumnDef::new(MfaDevices::PrincipalKey)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(MfaDevices::SecretCiphertext)
                            .blob()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MfaDevices::SecretNonce).blob().not_null())
                    .col(
                        ColumnDef::new(MfaDevices::SecretKeyVersion)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(MfaDevices::Bound).boolean().not_null())
                    .col(
                        ColumnDef::new(MfaDevices::LastUsedStep)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(MfaDevices::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MfaDevices::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MfaDevices {
    Table,
    PrincipalKey,
    SecretCiphertext,
    SecretNonce,
    SecretKeyVersion,
    Bound,
    LastUsedStep,
    CreatedAt,
}
