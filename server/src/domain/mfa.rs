//! Virtual MFA devices (TOTP, RFC 6238, through `totp-rs`): an identity binds one by scanning a
//! QR code or typing its key, and confirms with two consecutive codes. From then on its codes
//! replace the phone's for creating AccessKeys and are asked for at sign-in; unbinding needs a
//! current code. The device's key is sealed under the master key like AccessKey secrets, and a
//! code is accepted once: a step already used is refused.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use totp_rs::{Algorithm, Secret, TOTP};
use zeroize::Zeroizing;

use crate::domain::change::Author;
use crate::domain::error::{DomainError, VerificationError};
use crate::domain::identity::sessions::end_sessions;
use crate::domain::principal::Principal;
use crate::domain::security_preference;
use crate::domain::services::Services;
use crate::infra::crypto::{fill_random, Sealed};
use crate::infra::entities::mfa_device;

/// Seconds a code lasts (RFC 6238's recommendation, and every authenticator app's default).
const STEP_SECS: i64 = 30;
/// Codes from one step either side of now are accepted, for clocks a little apart.
const SKEW_STEPS: i64 = 1;
const ISSUER: &str = "AccessKey Console";

/// What the person needs to add the device to an authenticator app.
#[derive(Clone)]
pub struct Enrollment {
    /// The key to type in by hand (base32).
    pub secret_base32: Zeroizing<String>,
    /// The same as an `otpauth://` URL, shown as a QR code.
    pub otpauth_url: Zeroizing<String>,
    /// The QR code, as an SVG document.
    pub qr_svg: String,
}

pub(crate) fn principal_key(principal: Principal) -> String {
    match principal {
        Principal::Owner { account_id } => format!("account:{account_id}"),
        Principal::RamUser { user_id, .. } => format!("user:{user_id}"),
    }
}

fn totp(secret: Vec<u8>, label: &str) -> Result<TOTP, DomainError> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECS as u64,
        secret,
        Some(ISSUER.to_owned()),
        label.replace(':', " "),
    )
    .map_err(|e| DomainError::Internal(format!("TOTP setup: {e}")))
}

fn current_step(svc: &Services) -> i64 {
    svc.clock.now().timestamp().div_euclid(STEP_SECS)
}

/// The code of `step`.
fn code_at(totp: &TOTP, step: i64) -> String {
    totp.generate((step * STEP_SECS) as u64)
}

async fn device(
    svc: &Services,
    principal: Principal,
) -> Result<Option<mfa_device::Model>, DomainError> {
    Ok(mfa_device::Entity::find_by_id(principal_key(principal))
        .one(&svc.db)
        .await?)
}

fn opened(svc: &Services, device: &mfa_device::Model) -> Result<TOTP, DomainError> {
    let base32 = svc.secrets.open(
        &device.principal_key,
        &Sealed {
            key_version: device.secret_key_version,
            nonce: device.secret_nonce.clone(),
            ciphertext: device.secret_ciphertext.clone(),
        },
    )?;
    let bytes = Secret::Encoded(base32.to_string())
        .to_bytes()
        .map_err(|e| DomainError::Internal(format!("stored MFA key: {e:?}")))?;
    totp(bytes, "")
}

pub async fn is_bound(svc: &Services, principal: Principal) -> Result<bool, DomainError> {
    Ok(device(svc, principal).await?.is_some_and(|d| d.bound))
}

/// Whether `principal` may bind or unbind its own device: the owner always, a RAM user only
/// while the account's security preference allows it.
pub async fn may_manage(svc: &Services, principal: Principal) -> Result<bool, DomainError> {
    Ok(match principal {
        Principal::Owner { .. } => true,
        Principal::RamUser { account_id, .. } => {
            security_preference::get(svc, account_id)
                .await?
                .allow_user_to_manage_mfa_devices
        }
    })
}

/// What a RAM user is told when [`may_manage`] says no.
pub const NOT_ALLOWED: &str = "Your administrator does not allow RAM users to bind or unbind \
     their own MFA devices (the security preference AllowUserToManageMFADevices).";

async fn require_self_service(svc: &Services, principal: Principal) -> Result<(), DomainError> {
    if may_manage(svc, principal).await? {
        Ok(())
    } else {
        Err(DomainError::NoPermission(NOT_ALLOWED.to_owned()))
    }
}

/// Starts binding: a new key (replacing an unconfirmed one), once the identity's password is
/// confirmed again. `label` names the identity in the authenticator app. Refused while a
/// device is bound.
pub async fn start_binding<'a>(
    by: impl Into<Author<'a>>,
    principal: Principal,
    label: &str,
    password: &str,
) -> Result<Enrollment, DomainError> {
    let by = by.into();
    let svc = by.svc();
    require_self_service(svc, principal).await?;
    crate::domain::identity::sign_in::confirm_password(svc, principal, password).await?;
    let existing = device(svc, principal).await?;
    if existing.as_ref().is_some_and(|d| d.bound) {
        return Err(DomainError::conflict(
            "EntityAlreadyExists.MFADevice",
            "A virtual MFA device is already bound. Unbind it first to bind another.",
        ));
    }
    let mut secret = Zeroizing::new(vec![0u8; 20]);
    fill_random(&mut secret);
    let totp = totp(secret.to_vec(), label)?;
    let secret_base32 = Zeroizing::new(totp.get_secret_base32());
    let otpauth_url = Zeroizing::new(totp.get_url());
    let key = principal_key(principal);
    let sealed = svc.secrets.seal(&key, &secret_base32);
    let change = by.begin().await?;
    if let Some(existing) = existing {
        mfa_device::Entity::delete_by_id(existing.principal_key)
            .exec(change.db())
            .await?;
    }
    mfa_device::ActiveModel {
        principal_key: Set(key),
        secret_ciphertext: Set(sealed.ciphertext),
        secret_nonce: Set(sealed.nonce),
        secret_key_version: Set(sealed.key_version),
        bound: Set(false),
        last_used_step: Set(None),
        created_at: Set(svc.clock.now()),
    }
    .insert(change.db())
    .await?;
    change.commit().await?;
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(|e| DomainError::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(Enrollment {
        secret_base32,
        otpauth_url,
        qr_svg,
    })
}

/// Finishes binding with two consecutive codes, which proves the app holds the key and its
/// clock is right.
pub async fn confirm_binding<'a>(
    by: impl Into<Author<'a>>,
    principal: Principal,
    first: &str,
    second: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    let svc = by.svc();
    require_self_service(svc, principal).await?;
    let Some(pending) = device(svc, principal).await?.filter(|d| !d.bound) else {
        return Err(VerificationError::MfaNotStarted.into());
    };
    let totp = opened(svc, &pending)?;
    let now = current_step(svc);
    // The second code may be the current one or, typed quickly, the next.
    let matched = (now - 1 - SKEW_STEPS..=now + SKEW_STEPS).find(|&step| {
        code_at(&totp, step) == first.trim() && code_at(&totp, step + 1) == second.trim()
    });
    let Some(step) = matched else {
        return Err(VerificationError::MfaNotConsecutive.into());
    };
    let mut device = pending.into_active_model();
    device.bound = Set(true);
    device.last_used_step = Set(Some(step + 1));
    let change = by.begin().await?;
    device.update(change.db()).await?;
    // Signing in now asks for the device: sessions that did not are over.
    end_sessions(change.db(), principal).await?;
    change.commit().await
}

/// Checks a code of the bound device and uses it up: the same code (or an older one) is refused
/// next time, even to a request sent at the same moment. Wrong codes count towards the sign-in
/// throttle, before they are checked.
pub async fn verify(svc: &Services, principal: Principal, code: &str) -> Result<(), DomainError> {
    let Some(bound) = device(svc, principal).await?.filter(|d| d.bound) else {
        return Err(VerificationError::MfaNotBound.into());
    };
    let throttle_key = format!("mfa:{}", bound.principal_key);
    svc.sign_in_throttle
        .attempt(&throttle_key, None, svc.clock.now())
        .map_err(|retry_after_secs| DomainError::SignInThrottled { retry_after_secs })?;
    let totp = opened(svc, &bound)?;
    let step_now = current_step(svc);
    let after = bound.last_used_step.unwrap_or(i64::MIN);
    let matched = (step_now - SKEW_STEPS..=step_now + SKEW_STEPS)
        .filter(|&step| step > after)
        .find(|&step| code_at(&totp, step) == code.trim());
    let Some(step) = matched else {
        return Err(VerificationError::MfaIncorrect.into());
    };
    // Spent only if no other request spent this step (or a later one) first.
    let spent = mfa_device::Entity::update_many()
        .col_expr(mfa_device::Column::LastUsedStep, Expr::value(step))
        .filter(mfa_device::Column::PrincipalKey.eq(bound.principal_key.as_str()))
        .filter(
            Condition::any()
                .add(mfa_device::Column::LastUsedStep.is_null())
                .add(mfa_device::Column::LastUsedStep.lt(step)),
        )
        .exec(&svc.db)
        .await?;
    if spent.rows_affected == 0 {
        return Err(VerificationError::MfaIncorrect.into());
    }
    svc.sign_in_throttle.succeeded(&throttle_key, None);
    Ok(())
}

/// Unbinds the device; needs one of its current codes.
pub async fn unbind<'a>(
    by: impl Into<Author<'a>>,
    principal: Principal,
    code: &str,
) -> Result<(), DomainError> {
    let by = by.into();
    require_self_service(by.svc(), principal).await?;
    verify(by.svc(), principal, code).await?;
    let change = by.begin().await?;
    mfa_device::Entity::delete_by_id(principal_key(principal))
        .exec(change.db())
        .await?;
    end_sessions(change.db(), principal).await?;
    change.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, with its 20-byte ASCII key "12345678901234567890".
        let totp = totp(b"12345678901234567890".to_vec(), "test").unwrap();
        assert_eq!(totp.generate(59), "287082");
        assert_eq!(code_at(&totp, 1_111_111_109 / STEP_SECS), "081804");
    }
}
