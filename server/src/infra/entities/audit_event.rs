use sea_orm::entity::prelude::*;

/// One console operation or API call, in ActionTrail's shape. Never a secret: only AccessKey IDs.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: String,
    pub account_id: i64,
    pub event_time: DateTimeUtc,
    pub event_name: String,
    /// `ApiCall` or `ConsoleOperation`.
    pub event_type: String,
    /// `Read` or `Write`.
    pub event_rw: String,
    /// `ram`, `ims` or `console`.
    pub service_name: String,
    pub request_id: String,
    pub source_ip: Option<String>,
    pub user_agent: String,
    /// A JSON object of the parameters that are safe to keep.
    pub request_parameters: String,
    /// `None`: the operation succeeded.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// `root-account` or `ram-user`.
    pub principal_type: String,
    /// The RAM user who acted; `None` for the account owner.
    pub user_id: Option<i64>,
    /// The AccessKey the call was signed with.
    pub access_key_id: Option<String>,
    /// The AccessKey the operation was about (created, disabled, deleted, …).
    pub referenced_access_key_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
