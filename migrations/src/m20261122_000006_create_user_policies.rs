use sea_orm_migration::prelude::*;

use crate::m20261122_000002_create_ram_users::RamUsers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserPolicies::Table)
                    .col(
                        ColumnDef::new(UserPolicies::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    // A name from the fixed catalogue of system policies.
                    .col(
                        ColumnDef::new(UserPolicies::PolicyName)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(UserPolicies::AttachedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(UserPolicies::UserId)
                            .col(UserPolicies::PolicyName),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserPolicies::Table, UserPolicies::UserId)
                            .to(RamUsers::Table, RamUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserPolicies::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UserPolicies {
    Table,
    UserId,
    PolicyName,
    AttachedAt,
}
