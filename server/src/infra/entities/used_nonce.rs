use sea_orm::entity::prelude::*;

/// A signature nonce already spent, shared by every instance on one PostgreSQL database.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "used_nonces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub access_key_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub nonce: String,
    /// After this the request's timestamp is out of the window anyway: the row may go.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
