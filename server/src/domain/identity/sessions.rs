//! Which console sign-ins still count. A session records its identity's epoch when it starts;
//! changing a credential (a password, the MFA device, the networks or session length RAM users
//! sign in with) moves the epoch on, and every session started under an older one has ended —
//! on every instance at once, since the epoch lives in the database.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::domain::error::DomainError;
use crate::domain::principal::Principal;
use crate::domain::services::Services;
use crate::infra::entities::{account, ram_user};

/// The identity's epoch now; `None` when it no longer exists (or, for a RAM user, is in the
/// recycle bin): no session of it counts.
pub async fn session_epoch(
    svc: &Services,
    principal: Principal,
) -> Result<Option<i64>, DomainError> {
    let epoch = match principal {
        Principal::Owner { account_id } => {
            account::Entity::find_by_id(account_id)
                .select_only()
                .column(account::Column::SessionEpoch)
                .into_tuple::<i64>()
                .one(&svc.db)
                .await?
        }
        Principal::RamUser {
            account_id,
            user_id,
        } => {
            ram_user::Entity::find_by_id(user_id)
                .filter(ram_user::Column::AccountId.eq(account_id))
                .filter(ram_user::Column::RecycledAt.is_null())
                .select_only()
                .column(ram_user::Column::SessionEpoch)
                .into_tuple::<i64>()
                .one(&svc.db)
                .await?
        }
    };
    Ok(epoch)
}

/// Ends every session of the identity (the console keeps the one that made the change).
pub async fn end_sessions(db: &impl ConnectionTrait, principal: Principal) -> Result<(), DbErr> {
    match principal {
        Principal::Owner { account_id } => {
            account::Entity::update_many()
                .col_expr(
                    account::Column::SessionEpoch,
                    Expr::col(account::Column::SessionEpoch).add(1),
                )
                .filter(account::Column::Id.eq(account_id))
                .exec(db)
                .await?;
            Ok(())
        }
        Principal::RamUser { user_id, .. } => {
            end_ram_user_sessions_where(db, ram_user::Column::Id.eq(user_id)).await
        }
    }
}

/// Ends every session of every RAM user of the account: how they may sign in has changed.
pub async fn end_ram_user_sessions(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<(), DbErr> {
    end_ram_user_sessions_where(db, ram_user::Column::AccountId.eq(account_id)).await
}

/// Moves on the epoch of the RAM users `which` selects.
async fn end_ram_user_sessions_where(
    db: &impl ConnectionTrait,
    which: impl sea_orm::sea_query::IntoCondition,
) -> Result<(), DbErr> {
    ram_user::Entity::update_many()
        .col_expr(
            ram_user::Column::SessionEpoch,
            Expr::col(ram_user::Column::SessionEpoch).add(1),
        )
        .filter(which)
        .exec(db)
        .await?;
    Ok(())
}
