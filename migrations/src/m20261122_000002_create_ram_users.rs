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
                    .table(RamUsers::Table)
                    .col(
                        ColumnDef::new(RamUsers::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RamUsers::AccountId).big_integer().not_null())
                    .col(ColumnDef::new(RamUsers::Name).string_len(64).not_null())
                    .col(
                        ColumnDef::new(RamUsers::DisplayName)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(ColumnDef::new(RamUsers::Email).string_len(254).null())
                    .col(ColumnDef::new(RamUsers::MobilePhone).string_len(32).null())
                    .col(ColumnDef::new(RamUsers::Comments).string_len(128).null())
                    .col(ColumnDef::new(RamUsers::PasswordHash).string().null())
                    .col(
                        ColumnDef::new(RamUsers::AccessKeyCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(RamUsers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RamUsers::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RamUsers::LastLoginAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RamUsers::Table, RamUsers::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_ram_users_account_name")
                    .table(RamUsers::Table)
                    .col(RamUsers::AccountId)
                    .col(RamUsers::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RamUsers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum RamUsers {
    Table,
    Id,
    AccountId,
    Name,
    DisplayName,
    Email,
    MobilePhone,
    Comments,
    PasswordHash,
    AccessKeyCount,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}
