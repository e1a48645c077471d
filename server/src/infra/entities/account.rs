use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub alias: String,
    pub email: String,
    pub mobile_phone: String,
    pub password_hash: String,
    pub access_key_count: i32,
    pub allow_user_to_manage_access_keys: bool,
    pub allow_user_to_manage_mfa_devices: bool,
    /// Networks RAM users may sign in to the console from, `;`-separated; empty: any.
    pub login_network_masks: String,
    /// How long a RAM user's console sign-in lasts.
    pub login_session_hours: i32,
    /// The account-level network access policy (the API's JSON document); `None`: no policy.
    pub network_policy: Option<String>,
    /// Moved on by a credential change; sessions started under an older epoch have ended.
    pub session_epoch: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
