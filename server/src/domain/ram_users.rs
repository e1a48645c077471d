//! RAM users: identities inside an account, each with its own permissions and at most two
//! AccessKey pairs. The rules here follow the RAM API (2015-05-01) as Alibaba Cloud documents it.
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::change::Author;
use crate::domain::error::{DomainError, FieldChecks};
use crate::domain::identity::{
    hash_password, validate_email, validate_mobile_phone, validate_password,
};
use crate::domain::services::Services;
use crate::infra::entities::{access_key, ram_user};

#[derive(Clone, Default)]
pub struct NewRamUser {
    pub name: String,
    /// Defaults to the logon name.
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub comments: Option<String>,
    /// A console password, checked with the other fields and stored (hashed) in the same row;
    /// `None`: the user cannot sign in to the console.
    pub console_password: Option<String>,
}

/// Never prints the password.
impl std::fmt::Debug for NewRamUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewRamUser")
            .field("name", &self.name)
            .field("display_name", &self.display_name)
            .field(
                "console_password",
                &self.console_password.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// The longest a display name may be, in characters (a logon name is at most 64).
const MAX_DISPLAY_NAME_CHARS: usize = 128;

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
    if display_name.trim().is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
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

/// The fields a user's Basic Information holds, normalised and checked alike for create and
/// update; every failure goes into `checks`.
struct UserFields {
    display_name: String,
    email: Option<String>,
    mobile_phone: Option<String>,
    comments: Option<String>,
}

impl UserFields {
    fn checked(
        checks: &mut FieldChecks,
        display_name: String,
        email: Option<String>,
        mobile_phone: Option<String>,
        comments: Option<String>,
    ) -> Self {
        let display_name = display_name.trim().to_owned();
        checks.check(validate_display_name(&display_name));
        let email = present(email).map(|e| e.to_ascii_lowercase());
        if let Some(email) = &email {
            checks.check(validate_email(email));
        }
        let mobile_phone = present(mobile_phone);
        if let Some(phone) = &mobile_phone {
            checks.check(validate_mobile_phone(phone));
        }
        let comments = present(comments);
        if let Some(comments) = &comments {
            checks.check(validate_comments(comments));
        }
        Self {
            display_name,
            email,
            mobile_phone,
            comments,
        }
    }
}

/// Empty optional fields count as absent.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub async fn create<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    new: NewRamUser,
) -> Result<ram_user::Model, DomainError> {
    let by = by.into();
    let svc = by.svc();
    let name = new.name.trim().to_owned();
    let mut checks = FieldChecks::default();
    checks.check(validate_user_name(&name));
    let password = new.console_password.filter(|p| !p.is_empty());
    if let Some(password) = &password {
        checks.check(validate_password(password));
    }
    let fields = UserFields::checked(
        &mut checks,
        present(new.display_name).unwrap_or_else(|| name.clone()),
        new.email,
        new.mobile_phone,
        new.comments,
    );
    checks.finish()?;
    let UserFields {
        display_name,
        email,
        mobile_phone,
        comments,
    } = fields;
    if let Some(existing) = find_any(svc, account_id, &name).await? {
        return Err(match existing.recycled_at {
            None => already_exists(),
            Some(_) => DomainError::conflict("EntityAlreadyExists.User", format!(
                "A deleted user named {name} is in the recycle bin. Restore it, or delete it permanently first."
            )),
        });
    }
    let password_hash = match password {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let now = svc.clock.now();
    let change = by.begin().await?;
    let user = ram_user::ActiveModel {
        account_id: Set(account_id),
        name: Set(name),
        display_name: Set(display_name),
        email: Set(email),
        mobile_phone: Set(mobile_phone),
        comments: Set(comments),
        password_hash: Set(password_hash),
        access_key_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(change.db())
    .await
    // Two creates racing past the check above meet the unique index on (account, name).
    .map_err(|e| {
        if is_unique_violation(&e) {
            already_exists()
        } else {
            DomainError::from(e)
        }
    })?;
    change.commit().await?;
    Ok(user)
}

/// A user of the account that is not in the recycle bin.
pub async fn find(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<ram_user::Model, DomainError> {
    find_any(svc, account_id, name)
        .await?
        .filter(|u| u.recycled_at.is_none())
        .ok_or_else(user_not_found)
}

pub async fn find_by_id(
    svc: &Services,
    account_id: i64,
    user_id: i64,
) -> Result<ram_user::Model, DomainError> {
    ram_user::Entity::find_by_id(user_id)
        .filter(live_in(account_id))
        .one(&svc.db)
        .await?
        .ok_or_else(user_not_found)
}

async fn find_any(
    svc: &Services,
    account_id: i64,
    name: &str,
) -> Result<Option<ram_user::Model>, DomainError> {
    Ok(ram_user::Entity::find()
        .filter(ram_user::Column::AccountId.eq(account_id))
        .filter(ram_user::Column::Name.eq(name.trim()))
        .one(&svc.db)
        .await?)
}

fn live_in(account_id: i64) -> Condition {
    Condition::all()
        .add(ram_user::Column::AccountId.eq(account_id))
        .add(ram_user::Column::RecycledAt.is_null())
}

/// What Basic Information edits.
#[derive(Clone, Debug, Default)]
pub struct UserChanges {
    pub display_name: String,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub comments: Option<String>,
}

pub async fn update<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
    changes: UserChanges,
) -> Result<ram_user::Model, DomainError> {
    let mut checks = FieldChecks::default();
    let UserFields {
        display_name,
        email,
        mobile_phone,
        comments,
    } = UserFields::checked(
        &mut checks,
        changes.display_name.trim().to_owned(),
        changes.email,
        changes.mobile_phone,
        changes.comments,
    );
    checks.finish()?;
    let change = by.into().begin().await?;
    let mut user: ram_user::ActiveModel = ram_user::Entity::find_by_id(user_id)
        .filter(live_in(account_id))
        .one(change.db())
        .await?
        .ok_or_else(user_not_found)?
        .into();
    user.display_name = Set(display_name);
    user.email = Set(email);
    user.mobile_phone = Set(mobile_phone);
    user.comments = Set(comments);
    user.updated_at = Set(change.svc.clock.now());
    let user = user.update(change.db()).await?;
    change.commit().await?;
    Ok(user)
}

/// Who holds an AccessKey ID, as this account sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyHolder {
    RamUser(Box<ram_user::Model>),
    /// The account itself: one of the owner's (root) pairs.
    Account,
    /// No key of this account, or one whose user is in the recycle bin.
    Nobody,
}

/// Who holds `access_key_id` in this account: a primary-key lookup, never a scan of names.
pub async fn key_holder(
    svc: &Services,
    account_id: i64,
    access_key_id: &str,
) -> Result<KeyHolder, DomainError> {
    let key = access_key::Entity::find_by_id(access_key_id.to_owned())
        .filter(access_key::Column::AccountId.eq(account_id))
        .one(&svc.db)
        .await?;
    Ok(match key.map(|key| key.user_id) {
        None => KeyHolder::Nobody,
        Some(None) => KeyHolder::Account,
        Some(Some(user_id)) => ram_user::Entity::find_by_id(user_id)
            .filter(live_in(account_id))
            .one(&svc.db)
            .await?
            .map_or(KeyHolder::Nobody, |user| KeyHolder::RamUser(Box::new(user))),
    })
}

/// Users whose logon or display name contains `query` (case-insensitive), or, when `query` is an
/// AccessKey ID of this account, the user that holds it: how an administrator finds a key's owner.
pub async fn search(
    svc: &Services,
    account_id: i64,
    query: &str,
    max_items: u64,
) -> Result<Vec<ram_user::Model>, DomainError> {
    let query = query.trim();
    if crate::domain::access_keys::is_access_key_id(query) {
        return Ok(match key_holder(svc, account_id, query).await? {
            KeyHolder::RamUser(user) => vec![*user],
            KeyHolder::Account | KeyHolder::Nobody => Vec::new(),
        });
    }
    // No name is that long, so nothing can match (and SQLite refuses LIKE patterns past 50,000
    // bytes with an error, not an empty answer).
    if query.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Ok(Vec::new());
    }
    // LIKE with the query's own wildcards escaped, on lower-cased names (PostgreSQL's LIKE is
    // case-sensitive, SQLite's is not).
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let lower =
        |column: ram_user::Column| Expr::expr(Func::lower(Expr::col((ram_user::Entity, column))));
    Ok(ram_user::Entity::find()
        .filter(live_in(account_id))
        .filter(
            Condition::any()
                .add(
                    lower(ram_user::Column::Name).like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    lower(ram_user::Column::DisplayName).like(LikeExpr::new(pattern).escape('\\')),
                ),
        )
        .order_by_asc(ram_user::Column::Id)
        .limit(max_items)
        .all(&svc.db)
        .await?)
}

/// What happens to a user's keys when it is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserKeys {
    /// The console: the keys go to the recycle bin with the user.
    RecycleWithUser,
    /// The RAM API's DeleteUser: refused while the user has keys.
    MustHaveNone,
}

/// Moves a user, and with it its keys, to the recycle bin for 30 days. Its keys stop working at once.
pub async fn delete<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
    keys: UserKeys,
) -> Result<(), DomainError> {
    let mut change = by.into().begin().await?;
    let now = change.svc.clock.now();
    let recycled = ram_user::Entity::update_many()
        .col_expr(ram_user::Column::RecycledAt, Expr::value(now))
        .col_expr(ram_user::Column::AccessKeyCount, Expr::value(0))
        .filter(ram_user::Column::Id.eq(user_id))
        .filter(live_in(account_id))
        .exec(change.db())
        .await?;
    if recycled.rows_affected == 0 {
        change.abandon().await?;
        return Err(user_not_found());
    }
    let live_keys = Condition::all()
        .add(access_key::Column::UserId.eq(user_id))
        .add(access_key::Column::RecycledAt.is_null());
    let has_keys = access_key::Entity::find()
        .filter(live_keys.clone())
        .count(change.db())
        .await?
        > 0;
    if keys == UserKeys::MustHaveNone && has_keys {
        change.abandon().await?;
        return Err(DomainError::conflict(
            "DeleteConflict.User.AccessKey",
            "The user still has AccessKey pairs. Delete them before deleting the user.",
        ));
    }
    access_key::Entity::update_many()
        .col_expr(access_key::Column::RecycledAt, Expr::value(now))
        .col_expr(access_key::Column::RecycledWithUser, Expr::value(true))
        .filter(live_keys)
        .exec(change.db())
        .await?;
    // Its keys and its permissions went with it.
    change.forget_every_key();
    change.forget_permissions_of(account_id, user_id);
    change.commit().await
}

pub(crate) fn user_not_found() -> DomainError {
    DomainError::not_found("EntityNotExist.User", "The user does not exist.")
}

/// Sets (or, with `None`, removes) the user's console sign-in password; ends the user's sessions.
pub async fn set_console_password<'a>(
    by: impl Into<Author<'a>>,
    account_id: i64,
    user_id: i64,
    password: Option<String>,
) -> Result<(), DomainError> {
    let by = by.into();
    let password_hash = match password {
        Some(password) => {
            validate_password(&password)?;
            Some(hash_password(password).await?)
        }
        None => None,
    };
    // A new password (or none) ends the user's sessions: whoever signed in with the old one is
    // out.
    let change = by.begin().await?;
    let updated = ram_user::Entity::update_many()
        .col_expr(ram_user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(
            ram_user::Column::UpdatedAt,
            Expr::value(change.svc.clock.now()),
        )
        .col_expr(
            ram_user::Column::SessionEpoch,
            Expr::col(ram_user::Column::SessionEpoch).add(1),
        )
        .filter(ram_user::Column::Id.eq(user_id))
        .filter(live_in(account_id))
        .exec(change.db())
        .await?;
    if updated.rows_affected == 0 {
        change.abandon().await?;
        return Err(user_not_found());
    }
    change.commit().await
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
    let mut query = ram_user::Entity::find().filter(live_in(account_id));
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

/// Where a page of users starts, for paging both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageCursor {
    First,
    /// The page after the user with this id (the previous page's `next_marker`).
    After(i64),
    /// The page before the user with this id (the next page's `previous_marker`).
    Before(i64),
}

/// One page of users with where it sits in the whole list: the console's Users page.
pub struct UsersWindow {
    pub users: Vec<ram_user::Model>,
    pub next_marker: Option<i64>,
    pub previous_marker: Option<i64>,
    /// How many users come before this page.
    pub offset: u64,
    pub total: u64,
}

/// A page of users in creation order, keyset-paged either way (no OFFSET scans at 100,000 users).
pub async fn window(
    svc: &Services,
    account_id: i64,
    cursor: PageCursor,
    max_items: u64,
) -> Result<UsersWindow, DomainError> {
    let live = ram_user::Entity::find().filter(live_in(account_id));
    let mut users = match cursor {
        PageCursor::First => list(svc, account_id, None, max_items).await?.users,
        PageCursor::After(after) => list(svc, account_id, Some(after), max_items).await?.users,
        PageCursor::Before(before) => {
            let mut users = live
                .clone()
                .filter(ram_user::Column::Id.lt(before))
                .order_by_desc(ram_user::Column::Id)
                .limit(max_items)
                .all(&svc.db)
                .await?;
            users.reverse();
            users
        }
    };
    // Before the first user there is nothing to go back to: show the first page.
    if users.is_empty() && matches!(cursor, PageCursor::Before(_)) {
        users = list(svc, account_id, None, max_items).await?.users;
    }
    let total = count(svc, account_id).await?;
    let (Some(first), Some(last)) = (users.first().map(|u| u.id), users.last().map(|u| u.id))
    else {
        return Ok(UsersWindow {
            users,
            next_marker: None,
            previous_marker: None,
            offset: 0,
            total,
        });
    };
    let offset = live
        .clone()
        .filter(ram_user::Column::Id.lt(first))
        .count(&svc.db)
        .await?;
    let more = live
        .filter(ram_user::Column::Id.gt(last))
        .one(&svc.db)
        .await?
        .is_some();
    Ok(UsersWindow {
        next_marker: more.then_some(last),
        previous_marker: (offset > 0).then_some(first),
        offset,
        total,
        users,
    })
}

pub async fn count(svc: &Services, account_id: i64) -> Result<u64, DomainError> {
    Ok(ram_user::Entity::find()
        .filter(live_in(account_id))
        .count(&svc.db)
        .await?)
}

/// RAM's own words for a taken name, which the SDKs show; the console says it its own way.
pub const USER_EXISTS_MESSAGE: &str = "The user does already EXIST.";

fn already_exists() -> DomainError {
    DomainError::conflict("EntityAlreadyExists.User", USER_EXISTS_MESSAGE)
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
