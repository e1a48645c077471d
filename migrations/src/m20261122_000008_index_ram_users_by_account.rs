//! The Users page reads one account's users in id order, a page at a time: with this index that
//! is a walk of 51 index entries, not a sort of every user in the account.
use sea_orm_migration::prelude::*;

use crate::m20261122_000002_create_ram_users::RamUsers;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "ix_ram_users_account_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(RamUsers::Table)
                    .col(RamUsers::AccountId)
                    .col(RamUsers::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(RamUsers::Table).to_owned())
            .await
    }
}
