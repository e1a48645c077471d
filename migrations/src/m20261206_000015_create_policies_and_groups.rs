//! Least privilege: custom policies with their versions, user groups and their members, and
//! which policy is attached to which user or group. A policy is attached by its type and name,
//! as RAM's API names it; a custom policy cannot be deleted while attached, so none dangles.
use sea_orm_migration::prelude::*;

use crate::m20261122_000001_create_accounts::Accounts;
use crate::m20261122_000002_create_ram_users::RamUsers;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn created_at<T: IntoIden>(column: T) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Policies::Table)
                    .col(
                        ColumnDef::new(Policies::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Policies::AccountId).big_integer().not_null())
                    .col(ColumnDef::new(Policies::Name).string_len(128).not_null())
                    .col(
                        ColumnDef::new(Policies::Description)
                            .string_len(1024)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Policies::DefaultVersion)
                            .integer()
                            .not_null(),
                    )
                    // Versions are numbered v1, v2, … and a number is never given twice.
                    .col(ColumnDef::new(Policies::LastVersion).integer().not_null())
                    .col(created_at(Policies::CreatedAt))
                    .col(created_at(Policies::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Policies::Table, Policies::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("policies_by_account_and_name")
                    .table(Policies::Table)
                    .col(Policies::AccountId)
                    .col(Policies::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PolicyVersions::Table)
                    .col(
                        ColumnDef::new(PolicyVersions::PolicyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PolicyVersions::Version).integer().not_null())
                    .col(ColumnDef::new(PolicyVersions::Document).text().not_null())
                    .col(created_at(PolicyVersions::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(PolicyVersions::PolicyId)
                            .col(PolicyVersions::Version),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PolicyVersions::Table, PolicyVersions::PolicyId)
                            .to(Policies::Table, Policies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RamGroups::Table)
                    .col(
                        ColumnDef::new(RamGroups::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RamGroups::AccountId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RamGroups::Name).string_len(64).not_null())
                    .col(ColumnDef::new(RamGroups::Comments).string_len(128).null())
                    .col(created_at(RamGroups::CreatedAt))
                    .col(created_at(RamGroups::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RamGroups::Table, RamGroups::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ram_groups_by_account_and_name")
                    .table(RamGroups::Table)
                    .col(RamGroups::AccountId)
                    .col(RamGroups::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GroupMembers::Table)
                    .col(
                        ColumnDef::new(GroupMembers::GroupId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(GroupMembers::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(created_at(GroupMembers::JoinedAt))
                    .primary_key(
                        Index::create()
                            .col(GroupMembers::GroupId)
                            .col(GroupMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GroupMembers::Table, GroupMembers::GroupId)
                            .to(RamGroups::Table, RamGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GroupMembers::Table, GroupMembers::UserId)
                            .to(RamUsers::Table, RamUsers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("group_members_by_user")
                    .table(GroupMembers::Table)
                    .col(GroupMembers::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GroupPolicies::Table)
                    .col(
                        ColumnDef::new(GroupPolicies::GroupId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(GroupPolicies::PolicyType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(GroupPolicies::PolicyName)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(created_at(GroupPolicies::AttachedAt))
                    .primary_key(
                        Index::create()
                            .col(GroupPolicies::GroupId)
                            .col(GroupPolicies::PolicyType)
                            .col(GroupPolicies::PolicyName),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GroupPolicies::Table, GroupPolicies::GroupId)
                            .to(RamGroups::Table, RamGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Users' attachments so far were all system policies.
        manager
            .alter_table(
                Table::alter()
                    .table(UserPolicies::Table)
                    .add_column(
                        ColumnDef::new(UserPolicies::PolicyType)
                            .string_len(16)
                            .not_null()
                            .default("System"),
                    )
                    .to_owned(),
            )
            .await?;
        // Custom policies' names are longer than the catalogue's; SQLite does not enforce a
        // length, PostgreSQL does.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(UserPolicies::Table)
                        .modify_column(
                            ColumnDef::new(UserPolicies::PolicyName)
                                .string_len(128)
                                .not_null(),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(UserPolicies::Table)
                    .drop_column(UserPolicies::PolicyType)
                    .to_owned(),
            )
            .await?;
        for table in [
            GroupPolicies::Table.into_iden(),
            GroupMembers::Table.into_iden(),
            RamGroups::Table.into_iden(),
            PolicyVersions::Table.into_iden(),
            Policies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Policies {
    Table,
    Id,
    AccountId,
    Name,
    Description,
    DefaultVersion,
    LastVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PolicyVersions {
    Table,
    PolicyId,
    Version,
    Document,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RamGroups {
    Table,
    Id,
    AccountId,
    Name,
    Comments,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    GroupId,
    UserId,
    JoinedAt,
}

#[derive(DeriveIden)]
enum GroupPolicies {
    Table,
    GroupId,
    PolicyType,
    PolicyName,
    AttachedAt,
}

#[derive(DeriveIden)]
enum UserPolicies {
    Table,
    PolicyName,
    PolicyType,
}
