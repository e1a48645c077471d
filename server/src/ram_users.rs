//! RAM users: identities inside an account, each with its own permissions and at most two
//! AccessKey pairs. The rules here follow the RAM API (`specs/ram-api.md`).
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::ram_user;
use crate::error::DomainError;
use crate::identity::{hash_password, validate_email, validate_mobile_phone, validate_password};
use crate::services::Services;

#[derive(Clone, Debug, Default)]
pub struct NewRamUser {
    pub name: String,
    /// Defaults to the logon name.
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub comments: Option<String>,
}

/// 1–64 of `A-Z a-z 0-9 . _ -`.
pub fn validate_user_name(name: &str) -> Result<(), DomainError> {
    if name.is_empty() || name.len() > 64 {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.UserName.Length",
            "name",
            "The logon name must be 1 to 64 characters long.",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.UserName.InvalidChars",
            "name",
            "The logon name can contain only letters, digits, periods (.), underscores (_) and hyphens (-).",
        ));
    }
    Ok(())
}

pub fn validate_display_name(display_name: &str) -> Result<(), DomainError> {
    if display_name.trim().is_empty() || display_name.chars().count() > 128 {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.DisplayName.Length",
            "display_name",
            "The display name must be 1 to 128 characters long.",
        ));
    }
    Ok(())
}

pub fn validate_comments(comments: &str) -> Result<(), DomainError> {
    if comments.chars().count() > 128 {
        return Err(DomainError::invalid_parameter(
            "InvalidParameter.Comments.Length",
            "comments",
            "Comments can be at most 128 characters long.",
        ));
    }
    Ok(())
}

/// Empty optional fields count as absent.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub async fn create(
    svc: &Services,
    account_id: i64,
    new: NewRamUser,
) -> Result<ram_user::Model, DomainError> {
    let name = new.name.trim().to_owned();
    validate_user_name(&name)?;
    let display_name = present(new.display_name).unwrap_or_else(|| name.clone());
    validate_display_name(&display_name)?;
    let email = present(new.email).map(|e| e.to_ascii_lowercase());
    if let Some(email) = &email {
        validate_email(email)?;
    }
    let mobile_phone = present(new.mobile_phone);
    if let Some(phone) = &mobile_phone {
        validate_mobile_phone(phone)?;
    }
    let comments = present(new.comments);
    if let Some(comments) = &comments {
        validate_comments(comments)?;
    }
    if find(svc, account_id, &name).await.is_ok() {
        return Err(already_exists());
    }
    let now = svc.clock.now();
    ram_user::ActiveModel {
        account_id: Set(account_id),
        name: Set(name),
        display_name: Set(display_name),
        email: Set(email),
        mobile_phone: Set(mobile_phone),
        comments: Set(comments),
        password_hash: Set(None),
        access_key_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(&svc.db)
    .await
    // Two creates racing past the check above meet the unique index on (account, name).
    .map_err(|e| {
        if is_unique_violation(&e) {
            already_exists()
        } else {
            e.into()
        }
    })
}

pub async fn find(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<ram_user::Model, DomainError> {
    ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::Name.eq(name.trim()))
        .one(&svc.db)
        .await?
        .ok_or_else(|| DomainError::NotFound("The user does not exist.".to_owned()))
}

/// Sets (or, with `None`, removes) the user's console sign-in password.
pub async fn set_console_password(
    svc: &Services,
    account_id: i64,
    user_id: i64,
    password: Option<String>,
) -> Result<(), DomainError> {
    let password_hash = match password {
        Some(password) => {
            validate_password(&password)?;
            Some(hash_password(password).await?)
        }
        None => None,
    };
    let updated = ram_user::Entity::update_many()
        .col_expr(ram_user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(ram_user::Column::UpdatedAt, Expr::value(svc.clock.now()))
        .filter(ram_user::Column::Id.eq(user_id))
        .filter(ram_user::Column::AccountId.eq(account_id))
        .exec(&svc.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DomainError::NotFound("The user does not exist.".to_owned()));
    }
    Ok(())
}

pub struct UserPage {
    pub users: Vec<ram_user::Model>,
    /// Where the next page starts, when there is one.
    pub next_marker: Option<i64>,
}

/// One page of an account's users in creation order; `after` is the previous page's marker.
pub async fn list(
    svc: &Services,
    account_id: i64,
    after: Option<i64>,
    max_items: u64,
) -> Result<UserPage, DomainError> {
    let mut query = ram_user::Entity::find().filter(ram_user::Column::AccountId.eq(account_id));
    if let Some(after) = after {
        query = query.filter(ram_user::Column::Id.gt(after));
    }
    let mut users = query
        .order_by_asc(ram_user::Column::Id)
        .limit(max_items + 1)
        .all(&svc.db)
        .await?;
    let next_marker = if users.len() as u64 > max_items {
        users.truncate(max_items as usize);
        users.last().map(|u| u.id)
    } else {
        None
    };
    Ok(UserPage { users, next_marker })
}

pub async fn count(svc: &Services, account_id: i64) -> Result<u64, DomainError> {
    Ok(ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .count(&svc.db)
        .await?)
}

fn already_exists() -> DomainError {
    DomainError::Conflict("The user does already EXIST.".to_owned())
}

fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_name_rules_give_the_api_codes() {
        assert!(validate_user_name("ci-bot_1.prod").is_ok());
        let code = |name: &str| match validate_user_name(name) {
            Err(DomainError::Invalid { code, .. }) => code,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(code(""), "InvalidParameter.UserName.Length");
        assert_eq!(code(&"a".repeat(65)), "InvalidParameter.UserName.Length");
        assert_eq!(code("ci bot"), "InvalidParameter.UserName.InvalidChars");
        assert_eq!(code("bot@acme"), "InvalidParameter.UserName.InvalidChars");
    }

    #[test]
    fn display_name_and_comments_have_length_limits() {
        assert!(validate_display_name(&"名".repeat(128)).is_ok());
        assert!(validate_display_name(&"名".repeat(129)).is_err());
        assert!(validate_display_name("  ").is_err());
        assert!(validate_comments(&"c".repeat(128)).is_ok());
        assert!(validate_comments(&"c".repeat(129)).is_err());
    }
}
