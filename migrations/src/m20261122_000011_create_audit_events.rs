//! The audit trail: one row per console operation or API call, in ActionTrail's shape. Indexes
//! serve the console's look-ups (newest first, by AccessKey ID, event name or user) at a million
//! events and more.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(
                        ColumnDef::new(AuditEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EventId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::AccountId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EventTime)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EventName)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EventType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::EventRw)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ServiceName)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::RequestId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::SourceIp).string_len(64).null())
                    .col(
                        ColumnDef::new(AuditEvents::UserAgent)
                            .string_len(512)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::RequestParameters)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ErrorCode)
                            .string_len(128)
                            .null(),
                    )
                    .col(ColumnDef::new(AuditEvents::ErrorMessage).text().null())
                    .col(
                        ColumnDef::new(AuditEvents::PrincipalType)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::UserId).big_integer().null())
                    .col(
                        ColumnDef::new(AuditEvents::AccessKeyId)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ReferencedAccessKeyId)
                            .string_len(64)
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_audit_events_account_time", vec![AuditEvents::AccountId]),
            (
                "ix_audit_events_caller_key_time",
                vec![AuditEvents::AccessKeyId],
            ),
            (
                "ix_audit_events_referenced_key_time",
                vec![AuditEvents::ReferencedAccessKeyId],
            ),
            (
                "ix_audit_events_account_name_time",
                vec![AuditEvents::AccountId, AuditEvents::EventName],
            ),
            (
                "ix_audit_events_account_user_time",
                vec![AuditEvents::AccountId, AuditEvents::UserId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for column in columns {
                index.col(column);
            }
            // Newest first, ties broken by insertion order: the console's paging key.
            index.col(AuditEvents::EventTime).col(AuditEvents::Id);
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    EventId,
    AccountId,
    EventTime,
    EventName,
    EventType,
    EventRw,
    ServiceName,
    RequestId,
    SourceIp,
    UserAgent,
    RequestParameters,
    ErrorCode,
    ErrorMessage,
    PrincipalType,
    UserId,
    AccessKeyId,
    ReferencedAccessKeyId,
}
