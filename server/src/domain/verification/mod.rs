//! Step-up verification: a 6-digit code sent to the caller's phone before a sensitive operation.
//! Codes live for a set time, are single use, allow five attempts and are stored only as keyed hashes.
pub mod sender;

pub use sender::{CodeSender, LogSender};

use chrono::Duration;
use rand::rngs::OsRng;
use rand::{Rng, TryRngCore};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::change::Author;
use crate::domain::error::{DomainError, VerificationError};
use crate::domain::identity;
use crate::domain::principal::Principal;
use crate::domain::services::Services;
use crate::infra::entities::verification_code;

pub const MAX_ATTEMPTS: i32 = 5;
/// A new code may be requested this long after the last one (or once it expired, if sooner).
pub const RESEND_INTERVAL_SECS: i64 = 60;

/// What a code unlocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    CreateAccessKey,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::CreateAccessKey => "create_access_key",
        }
    }
}

pub struct CodeSent {
    pub masked_phone: String,
    pub expires_in: Duration,
    pub resend_after: Duration,
}

pub async fn send_code<'a>(
    by: impl Into<Author<'a>>,
    principal: Principal,
    purpose: Purpose,
) -> Result<CodeSent, DomainError> {
    let by = by.into();
    let svc = by.svc();
    if crate::domain::mfa::is_bound(svc, principal).await? {
        return Err(VerificationError::UseMfaDevice.into());
    }
    let now = svc.clock.now();
    let ttl = svc.settings.verification_code_ttl;
    let resend_after = ttl.min(Duration::seconds(RESEND_INTERVAL_SECS));
    if let Some(last) = latest_open_code(svc, principal, purpose).await? {
        let wait = resend_after - (now - last.created_at);
        if wait > Duration::zero() && now < last.expires_at {
            return Err(DomainError::ResendTooSoon {
                wait_secs: wait.num_seconds().max(1) as u64,
            });
        }
    }
    let phone = phone_of(svc, principal).await?;
    let code = format!("{:06}", OsRng.unwrap_err().random_range(0..1_000_000u32));

    // One open code per principal and purpose: a new one replaces the old.
    let change = by.begin().await?;
    verification_code::Entity::update_many()
        .filter(owned_by(principal, purpose))
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(now))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .exec(change.db())
        .await?;
    let (account_id, user_id) = ids(principal);
    verification_code::ActiveModel {
        account_id: Set(account_id),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        code_hash: Set(svc.secrets.code_hash(&code)),
        attempts_left: Set(MAX_ATTEMPTS),
        expires_at: Set(now + ttl),
        consumed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(change.db())
    .await?;
    // Sent before it is kept: a code that could not be sent is not stored as if it had been.
    svc.sender
        .send(&phone, &code)
        .await
        .map_err(|e| DomainError::Internal(format!("sending a code: {e}")))?;
    change.commit().await?;
    Ok(CodeSent {
        masked_phone: mask_phone(&phone),
        expires_in: ttl,
        resend_after,
    })
}

/// The step-up check before a sensitive change: the code of the identity's virtual MFA device
/// when one is bound, else the code sent to its phone.
pub async fn confirm(
    svc: &Services,
    principal: Principal,
    purpose: Purpose,
    code: &str,
) -> Result<(), DomainError> {
    if crate::domain::mfa::is_bound(svc, principal).await? {
        return crate::domain::mfa::verify(svc, principal, code).await;
    }
    consume_code(svc, principal, purpose, code).await
}

/// Checks `code` and uses it up. Every check costs one of the five attempts, spent in the
/// database before the code is compared: however many guesses arrive at once, at most five are
/// ever compared.
pub async fn consume_code(
    svc: &Services,
    principal: Principal,
    purpose: Purpose,
    code: &str,
) -> Result<(), DomainError> {
    let now = svc.clock.now();
    let open = latest_open_code(svc, principal, purpose)
        .await?
        .ok_or(VerificationError::NotRequested)?;
    if now >= open.expires_at {
        return Err(VerificationError::Expired.into());
    }
    let by_id = || {
        verification_code::Entity::update_many()
            .filter(verification_code::Column::Id.eq(open.id))
            .filter(verification_code::Column::ConsumedAt.is_null())
    };
    let spent = by_id()
        .col_expr(
            verification_code::Column::AttemptsLeft,
            Expr::col(verification_code::Column::AttemptsLeft).sub(1),
        )
        .filter(verification_code::Column::AttemptsLeft.gt(0))
        .exec(&svc.db)
        .await?;
    if spent.rows_affected == 0 {
        return Err(VerificationError::TooManyAttempts.into());
    }
    if !svc.secrets.code_matches(code.trim(), &open.code_hash) {
        let attempts_left = verification_code::Entity::find_by_id(open.id)
            .one(&svc.db)
            .await?
            .map_or(0, |code| code.attempts_left);
        return Err(match attempts_left {
            0 => VerificationError::TooManyAttempts,
            attempts_left => VerificationError::Incorrect { attempts_left },
        }
        .into());
    }
    // Single use, even against a concurrent request with the same code.
    let used = by_id()
        .col_expr(verification_code::Column::ConsumedAt, Expr::value(now))
        .exec(&svc.db)
        .await?;
    if used.rows_affected == 0 {
        return Err(VerificationError::NotRequested.into());
    }
    Ok(())
}

/// `86-138****5678`: enough to recognise the phone, not enough to learn it.
pub fn mask_phone(phone: &str) -> String {
    let (country, number) = phone.split_once('-').map_or(("", phone), |(c, n)| (c, n));
    let chars: Vec<char> = number.chars().collect();
    // Show 3 + 4 digits of a full-length number, a third at each end of a short one.
    let (keep_start, keep_end) = if chars.len() >= 9 {
        (3, 4)
    } else {
        (chars.len() / 3, chars.len() / 3)
    };
    let masked: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= chars.len() - keep_end {
                *c
            } else {
                '*'
            }
        })
        .collect();
    if country.is_empty() {
        masked
    } else {
        format!("{country}-{masked}")
    }
}

/// Codes go to the signed-in identity's own phone, whoever's key it is creating: the owner's, or
/// the RAM user's (an administrator verifies with their own phone, never the target user's).
async fn phone_of(svc: &Services, principal: Principal) -> Result<String, DomainError> {
    match principal {
        Principal::Owner { account_id } => identity::find_account(svc, account_id)
            .await?
            .map(|account| account.mobile_phone)
            .ok_or_else(|| {
                DomainError::not_found("EntityNotExist.Account", "The account no longer exists.")
            }),
        Principal::RamUser {
            account_id,
            user_id,
        } => crate::domain::ram_users::find_by_id(svc, account_id, user_id)
            .await?
            .mobile_phone
            .filter(|phone| !phone.is_empty())
            .ok_or(DomainError::Verification(VerificationError::NoPhone)),
    }
}

fn ids(principal: Principal) -> (i64, Option<i64>) {
    match principal {
        Principal::Owner { account_id } => (account_id, None),
        Principal::RamUser {
            account_id,
            user_id,
        } => (account_id, Some(user_id)),
    }
}

/// The codes of one principal for one purpose.
fn owned_by(principal: Principal, purpose: Purpose) -> Condition {
    let (account_id, user_id) = ids(principal);
    Condition::all()
        .add(verification_code::Column::AccountId.eq(account_id))
        .add(match user_id {
            Some(user_id) => verification_code::Column::UserId.eq(user_id),
            None => verification_code::Column::UserId.is_null(),
        })
        .add(verification_code::Column::Purpose.eq(purpose.as_str()))
}

async fn latest_open_code(
    svc: &Services,
    principal: Principal,
    purpose: Purpose,
) -> Result<Option<verification_code::Model>, DomainError> {
    Ok(verification_code::Entity::find()
        .filter(owned_by(principal, purpose))
        .filter(verification_code::Column::ConsumedAt.is_null())
        .order_by_desc(verification_code::Column::Id)
        .one(&svc.db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("86-13800005678"), "86-138****5678");
        assert_eq!(mask_phone("1-5551234"), "1-55***34");
    }
}
