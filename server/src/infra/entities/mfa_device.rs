use sea_orm::entity::prelude::*;

/// A virtual MFA device of one identity; its TOTP key only as AES-GCM ciphertext.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mfa_devices")]
pub struct Model {
    /// `account:<id>` (an owner) or `user:<id>` (a RAM user).
    #[sea_orm(primary_key, auto_increment = false)]
    pub principal_key: String,
    pub secret_ciphertext: Vec<u8>,
    pub secret_nonce: Vec<u8>,
    pub secret_key_version: i32,
    /// `false` until confirmed with two consecutive codes.
    pub bound: bool,
    /// The last 30-second step whose code was accepted.
    pub last_used_step: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
