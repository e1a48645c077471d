//! Which console sign-ins still count: each identity's session epoch, recorded in a session at
//! sign-in and moved on by a credential change (password, MFA device, sign-in networks, session
//! length), which ends every session started before it.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Identities::Accounts, Identities::RamUsers] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            ColumnDef::new(Identities::SessionEpoch)
                                .big_integer()
                                .not_null()
                                .default(0),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Identities::Accounts, Identities::RamUsers] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Identities::SessionEpoch)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Identities {
    Accounts,
    RamUsers,
    SessionEpoch,
}
