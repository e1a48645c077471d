//! The domain's errors. The console maps them to `app::error::ConsoleError`; the API will map
//! them to Alibaba's error codes, each in one table.
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
    #[error("A code was sent moments ago. Wait {wait_secs} seconds before requesting another.")]
    ResendTooSoon { wait_secs: u64 },
    #[error("The e-mail address or password is incorrect.")]
    WrongCredentials,
    #[error("Too many failed sign-in attempts. Wait {retry_after_secs} seconds and try again.")]
    SignInThrottled { retry_after_secs: u64 },
    #[error("{0}")]
    NoPermission(String),
    #[error("The account is already set up. Sign in instead.")]
    AlreadySetUp,
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
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

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerificationError {
    #[error("Send a verification code first.")]
    NotRequested,
    #[error("The verification code is incorrect. {attempts_left} attempts left.")]
    Incorrect { attempts_left: i32 },
    #[error("The verification code has expired. Send a new code.")]
    Expired,
    #[error("Too many incorrect attempts. Send a new code.")]
    TooManyAttempts,
    #[error("Your RAM user has no mobile phone number to send a verification code to. Ask an administrator to add one on your user's Basic Information tab.")]
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
