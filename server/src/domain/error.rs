//! The domain's errors. The console maps them to `app::error::ConsoleError`, the API to
//! Alibaba's error codes (`gateway::error`), each in one table.
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// A value breaks a rule; `field` names the form field, `code` the API's error code.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    /// `code`: the API's error code, such as `EntityAlreadyExists.User`.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{message}")]
    LimitExceeded { code: &'static str, message: String },
    #[error(transparent)]
    Verification(#[from] VerificationError),
    #[error("A code was sent moments ago. Wait {} before requesting another.", count(*wait_secs, "second"))]
    ResendTooSoon { wait_secs: u64 },
    #[error("The e-mail address or password is incorrect.")]
    WrongCredentials,
    #[error("Too many sign-in attempts. Wait {} and try again.", count(*retry_after_secs, "second"))]
    SignInThrottled { retry_after_secs: u64 },
    /// Several fields break their rules (a form checked whole, so a person is told every
    /// mistake at once); each is an `Invalid`. The API, which names one error, names the first.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    InvalidFields(Vec<DomainError>),
    /// Refused by a rule outside the policies (MFA devices, sign-in networks).
    #[error("{0}")]
    NoPermission(String),
    /// Refused by the policies ([`crate::domain::permissions::authorize`]).
    #[error("{0}")]
    AccessDenied(Box<crate::domain::permissions::AccessDenied>),
    #[error("The account is already set up. Sign in instead.")]
    AlreadySetUp,
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    Crypto(#[from] crate::infra::crypto::CryptoError),
    /// A fault that is not the caller's: logged, never shown.
    #[error("{0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::invalid_parameter("InvalidParameter", field, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn limit_exceeded(code: &'static str, message: impl Into<String>) -> Self {
        Self::LimitExceeded {
            code,
            message: message.into(),
        }
    }

    /// A rule with its own API error code, such as `InvalidParameter.UserName.Length`.
    pub fn invalid_parameter(
        code: &'static str,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Checks every field of a form and reports all that fail, not only the first.
#[derive(Debug, Default)]
pub struct FieldChecks(Vec<DomainError>);

impl FieldChecks {
    /// Notes `result`'s error, if any; the value, if it passed.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(DomainError::InvalidFields(errors)) => {
                self.0.extend(errors);
                None
            }
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn finish(mut self) -> Result<(), DomainError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(self.0.remove(0)),
            _ => Err(DomainError::InvalidFields(self.0)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    #[error("Send a verification code first.")]
    NotRequested,
    #[error("The verification code is incorrect. {} left.", count((*attempts_left).max(0) as u64, "attempt"))]
    Incorrect { attempts_left: i32 },
    #[error("The verification code has expired. Send a new code.")]
    Expired,
    #[error("Too many incorrect attempts. Send a new code.")]
    TooManyAttempts,
    #[error("Your RAM user has no mobile phone number to send a verification code to. Ask an administrator to add one to your RAM user.")]
    NoPhone,
    #[error("Your identity uses a virtual MFA device: enter the code it shows instead of requesting one.")]
    UseMfaDevice,
    #[error("Start binding a virtual MFA device first.")]
    MfaNotStarted,
    #[error("Those are not two consecutive codes of this key. Enter the code your app shows, wait for the next one, and enter that too.")]
    MfaNotConsecutive,
    #[error("The MFA code is incorrect. Enter the code your virtual MFA device shows now.")]
    MfaIncorrect,
    #[error("No virtual MFA device is bound.")]
    MfaNotBound,
}

/// "1 second", "5 seconds": messages read as a person would write them.
fn count(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_a_person_writes_them() {
        let throttled = |retry_after_secs| DomainError::SignInThrottled { retry_after_secs };
        assert_eq!(
            throttled(1).to_string(),
            "Too many sign-in attempts. Wait 1 second and try again."
        );
        assert!(throttled(30).to_string().contains("Wait 30 seconds"));
        let incorrect = |attempts_left| VerificationError::Incorrect { attempts_left };
        assert!(incorrect(1).to_string().ends_with("1 attempt left."));
        assert!(incorrect(4).to_string().ends_with("4 attempts left."));
    }
}
