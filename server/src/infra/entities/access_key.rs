use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "Active")]
    Active,
    #[sea_orm(string_value = "Inactive")]
    Inactive,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub access_key_id: String,
    pub account_id: i64,
    /// `None`: the account owner's own key.
    pub user_id: Option<i64>,
    pub status: Status,
    pub secret_ciphertext: Vec<u8>,
    pub secret_nonce: Vec<u8>,
    pub secret_key_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub last_used_service: Option<String>,
    pub last_used_ip: Option<String>,
    pub recycled_at: Option<DateTimeUtc>,
    /// Recycled because its user was; restoring the user restores it.
    pub recycled_with_user: bool,
    /// The key's own network access policy (the API's JSON document); `None`: no policy.
    pub network_policy: Option<String>,
    /// When the key was flagged as leaked: every signed call with it fails from then on.
    pub leaked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
