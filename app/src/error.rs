//! The console's typed error: what a person can act on, never internals.
use leptos::prelude::{Get, Signal};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ConsoleError {
    #[error("Your session has ended. Sign in again.")]
    NotSignedIn,
    #[error("{0}")]
    NoPermission(String),
    /// A form field is wrong; the message is shown next to the field.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Several form fields are wrong, as `(field, message)`: a form checked whole, each message
    /// shown next to its field.
    #[error("{}", .0.first().map(|(_, message)| message.as_str()).unwrap_or_default())]
    InvalidFields(Vec<(String, String)>),
    /// Entries of a list (a network policy's addresses) that are wrong, as `(position, message)`,
    /// each shown beside its entry; an error about the whole list is `Invalid` for its field.
    /// (A tuple, not a struct: every server function's error decoder is in the main wasm module.
    /// `u32`, not `usize`: the browser's is 32 bits.)
    #[error("Some entries are not valid: each is marked.")]
    InvalidEntries(Vec<(u32, String)>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    LimitExceeded(String),
    /// A request over the console's size limit, which its own pages never send.
    #[error("{0}")]
    TooLarge(String),
    /// Wrong, expired or used-up verification code; `resend` says a new code is needed.
    #[error("{message}")]
    Verification { message: String, resend: bool },
    #[error("{message}")]
    TooManyAttempts {
        message: String,
        retry_after_secs: u64,
    },
    #[error("Something went wrong on the server. Try again; if it keeps happening, tell your administrator (reference {reference}).")]
    Internal { reference: String },
    /// A request the server could not read (a server function's arguments), which the console's
    /// own pages never send: a stale page after an upgrade, or a hand-made call.
    #[error("The server could not read this request ({0}). Reload the page and try again.")]
    Unreadable(String),
    #[error("The console could not reach the server: {0}")]
    Transport(String),
}

impl ConsoleError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The message for one form field, if this error is about it.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { field, message } if field == name => Some(message.clone()),
            Self::InvalidFields(fields) => fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, message)| message.clone()),
            _ => None,
        }
    }

    /// About form fields (shown beside them), not about the form as a whole.
    fn is_about_fields(&self) -> bool {
        matches!(self, Self::Invalid { .. } | Self::InvalidFields(_))
    }
}

#[cfg(feature = "ssr")]
impl ConsoleError {
    /// The audit trail's `errorCode` for a failed console operation.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotSignedIn => "NotSignedIn",
            Self::NoPermission(_) => "NoPermission",
            Self::Invalid { .. }
            | Self::InvalidFields(_)
            | Self::InvalidEntries(_)
            | Self::Unreadable(_)
            | Self::TooLarge(_) => "InvalidParameter",
            Self::Conflict(_) => "Conflict",
            Self::NotFound(_) => "EntityNotExist",
            Self::LimitExceeded(_) => "LimitExceeded",
            Self::Verification { .. } => "InvalidVerificationCode",
            Self::TooManyAttempts { .. } => "Throttling",
            Self::Internal { .. } => "InternalError",
            Self::Transport(_) => "Transport",
        }
    }

    /// The status a failed server function answers with.
    pub fn http_status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Self::NotSignedIn => StatusCode::UNAUTHORIZED,
            Self::NoPermission(_) => StatusCode::FORBIDDEN,
            Self::Invalid { .. }
            | Self::InvalidFields(_)
            | Self::InvalidEntries(_)
            | Self::Verification { .. }
            | Self::Unreadable(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::LimitExceeded(_) => StatusCode::CONFLICT,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal { .. } | Self::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// What a form shows of its action's last answer: each field's own message beside it, anything
/// else once for the whole form.
#[derive(Clone, Copy)]
pub struct FormErrors(Signal<Option<ConsoleError>>);

impl FormErrors {
    /// Also moves focus to the first field an answer marks invalid, once it is marked.
    pub fn new(last_error: impl Fn() -> Option<ConsoleError> + Send + Sync + 'static) -> Self {
        let last_error = Signal::derive(last_error);
        leptos::prelude::Effect::new(move |_| {
            if last_error
                .get()
                .is_some_and(|error| error.is_about_fields())
            {
                crate::focus::after_render(crate::focus::first_invalid_on_page);
            }
        });
        Self(last_error)
    }

    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.0.get().and_then(|e| e.for_field(name)))
    }

    pub fn form(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.0
                .get()
                .filter(|e| !e.is_about_fields())
                .map(|e| e.to_string())
        })
    }
}

impl FromServerFnError for ConsoleError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised on the server, before any of the console's code runs: the caller's fault.
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                Self::Unreadable(detail)
            }
            other => Self::Transport(other.to_string()),
        }
    }
}
