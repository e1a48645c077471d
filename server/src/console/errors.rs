//! The domain's errors as the console shows them; a fault becomes a reference, logged here.
use app::error::ConsoleError;

use crate::domain::error::{DomainError, VerificationError};
use crate::domain::network_policy;

/// Logs a fault with a short reference and hands the person only that reference.
pub(super) fn internal(error: impl std::fmt::Display) -> ConsoleError {
    let mut bytes = [0u8; 4];
    crate::infra::crypto::fill_random(&mut bytes);
    let reference = bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    tracing::error!(%reference, "console request failed: {error}");
    ConsoleError::Internal { reference }
}

impl From<DomainError> for ConsoleError {
    fn from(error: DomainError) -> Self {
        let message = error.to_string();
        match error {
            DomainError::Invalid { field, message, .. } => ConsoleError::invalid(field, message),
            DomainError::InvalidFields(errors) => ConsoleError::InvalidFields(
                errors
                    .into_iter()
                    .map(|error| match error {
                        DomainError::Invalid { field, message, .. } => (field.to_owned(), message),
                        other => (String::new(), other.to_string()),
                    })
                    .collect(),
            ),
            DomainError::Conflict { .. } | DomainError::AlreadySetUp => {
                ConsoleError::Conflict(message)
            }
            DomainError::NotFound { .. } => ConsoleError::NotFound(message),
            DomainError::LimitExceeded { .. } => ConsoleError::LimitExceeded(message),
            DomainError::Verification(e) => {
                let resend = !matches!(e, VerificationError::Incorrect { .. });
                ConsoleError::Verification { message, resend }
            }
            DomainError::ResendTooSoon { wait_secs } => ConsoleError::TooManyAttempts {
                message,
                retry_after_secs: wait_secs,
            },
            DomainError::WrongCredentials => ConsoleError::invalid("credentials", message),
            DomainError::SignInThrottled { retry_after_secs } => ConsoleError::TooManyAttempts {
                message,
                retry_after_secs,
            },
            DomainError::NoPermission(_) | DomainError::AccessDenied(_) => {
                ConsoleError::NoPermission(message)
            }
            DomainError::Database(_) | DomainError::Crypto(_) | DomainError::Internal(_) => {
                internal(error)
            }
        }
    }
}

/// A policy list's errors as the editor shows them: beside each entry, or under the whole list.
/// Positions cross to the browser as `u32` (its `usize` is 32 bits wide).
pub(super) fn entry_errors(errors: Vec<network_policy::EntryError>) -> ConsoleError {
    if let Some(whole) = errors.iter().find(|e| e.index.is_none()) {
        return ConsoleError::invalid("entries", whole.message.clone());
    }
    ConsoleError::InvalidEntries(
        errors
            .into_iter()
            .filter_map(|e| Some((u32::try_from(e.index?).ok()?, e.message)))
            .collect(),
    )
}
