//! The rest of the account's security preference for its RAM users: whether they manage their own
//! MFA devices, the networks they may sign in to the console from, and how long a sign-in lasts.
//! The defaults are what the console did before: MFA self-service on, any network, 8 hours.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite cannot add several in one ALTER TABLE.
        let columns = [
            ColumnDef::new(Accounts::AllowUserToManageMfaDevices)
                .boolean()
                .not_null()
                .default(true)
                .to_owned(),
            ColumnDef::new(Accounts::LoginNetworkMasks)
                .text()
                .not_null()
                .default("")
                .to_owned(),
            ColumnDef::new(Accounts::LoginSessionHours)
                .integer()
                .not_null()
                .default(8)
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Accounts::LoginSessionHours,
            Accounts::LoginNetworkMasks,
            Accounts::AllowUserToManageMfaDevices,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Accounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    AllowUserToManageMfaDevices,
    LoginNetworkMasks,
    LoginSessionHours,
}
