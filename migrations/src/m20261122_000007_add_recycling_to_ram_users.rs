//! A deleted RAM user waits in the recycle bin with the keys it had; restoring it restores them.
use sea_orm_migration::prelude::*;

use crate::m20261122_000002_create_ram_users::RamUsers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RamUsers::Table)
                    .add_column(
                        ColumnDef::new(RamUsersRecycling::RecycledAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AccessKeysRecycling::Table)
                    // Recycled because its user was: restoring the user brings it back.
                    .add_column(
                        ColumnDef::new(AccessKeysRecycling::RecycledWithUser)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccessKeysRecycling::Table)
                    .drop_column(AccessKeysRecycling::RecycledWithUser)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RamUsers::Table)
                    .drop_column(RamUsersRecycling::RecycledAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum RamUsersRecycling {
    RecycledAt,
}

#[derive(DeriveIden)]
enum AccessKeysRecycling {
    #[sea_orm(iden = "access_keys")]
    Table,
    RecycledWithUser,
}
