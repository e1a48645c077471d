//! Guard rails on keys: network access policies (account-level and key-level allow lists, stored
//! as the API's policy document) and the leak flag, which only goes away with its key.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite cannot add several in one ALTER TABLE.
        let columns = [
            (
                Guard::Accounts,
                ColumnDef::new(Guard::NetworkPolicy)
                    .text()
                    .null()
                    .to_owned(),
            ),
            (
                Guard::AccessKeys,
                ColumnDef::new(Guard::NetworkPolicy)
                    .text()
                    .null()
                    .to_owned(),
            ),
            (
                Guard::AccessKeys,
                ColumnDef::new(Guard::LeakedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (Guard::AccessKeys, Guard::LeakedAt),
            (Guard::AccessKeys, Guard::NetworkPolicy),
            (Guard::Accounts, Guard::NetworkPolicy),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Guard {
    Accounts,
    AccessKeys,
    NetworkPolicy,
    LeakedAt,
}
