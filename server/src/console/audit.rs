//! The console's audit events, built from each operation's typed values at the seam: its name,
//! that it writes, what it was about, and how it ended. Nothing is read back from the request or
//! the answer, so renaming an endpoint or reshaping a form cannot change the trail.
use app::backend::client_address;
use app::error::ConsoleError;
use app::model::{MfaEnrollment, NewAccessKey, UserRow, VerificationSent};
use chrono::{DateTime, Utc};

use crate::domain::audit::{Access, EventType, NewEvent};
use crate::domain::principal::Principal;

/// One console operation as the audit trail records it.
#[derive(Debug)]
pub struct Operation {
    /// The API action's name where the API does the same (so one filter finds both), else the
    /// console's own in the same style.
    pub name: &'static str,
    pub access: Access,
    pub parameters: Vec<(String, String)>,
    /// The AccessKey the operation is about, when it is about one.
    pub access_key_id: Option<String>,
}

impl Operation {
    /// An operation that changes something.
    pub fn write(name: &'static str) -> Self {
        Self {
            name,
            access: Access::Write,
            parameters: Vec::new(),
            access_key_id: None,
        }
    }

    /// A parameter worth keeping (never a secret: the trail drops names that suggest one).
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.parameters.push((name.to_owned(), value.to_string()));
        self
    }

    /// A parameter that may be absent (`user`: none means the caller's own keys).
    pub fn with_some(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.with(name, value),
            None => self,
        }
    }

    /// The operation is about this AccessKey.
    pub fn on_key(mut self, access_key_id: &str) -> Self {
        self.access_key_id = Some(access_key_id.to_owned());
        self.with("access_key_id", access_key_id)
    }

    /// The event for this operation by `principal` (`None`: whoever it signs in), as it reads if
    /// it succeeds.
    pub fn event(self, principal: Option<Principal>, at: DateTime<Utc>) -> NewEvent {
        NewEvent {
            account_id: principal.map_or(0, |p| p.account_id()),
            at,
            name: self.name.to_owned(),
            access: self.access,
            event_type: EventType::ConsoleOperation,
            service: "console",
            request_id: crate::infra::crypto::random_uuid().to_string(),
            source_ip: client_address(),
            user_agent: user_agent(),
            parameters: self.parameters,
            error: None,
            user_id: principal.and_then(|p| p.user_id()),
            access_key_id: None,
            referenced_access_key_id: self.access_key_id,
        }
    }

    /// `event` by `principal` as `result` ended it: its failure, or the AccessKey it created.
    pub fn ended<T: Answer>(
        mut event: NewEvent,
        principal: Principal,
        result: &Result<T, ConsoleError>,
    ) -> NewEvent {
        event.account_id = principal.account_id();
        event.user_id = principal.user_id();
        match result {
            Ok(answer) => {
                if let Some(created) = answer.created_access_key() {
                    event.referenced_access_key_id = Some(created.to_owned());
                }
            }
            Err(error) => event.error = Some((error.code().to_owned(), error.to_string())),
        }
        event
    }
}

/// What an operation's answer adds to its event: the AccessKey it created, if any.
pub trait Answer {
    fn created_access_key(&self) -> Option<&str> {
        None
    }
}

impl Answer for () {}
impl Answer for VerificationSent {}
impl Answer for MfaEnrollment {}
impl Answer for UserRow {}

impl Answer for NewAccessKey {
    /// Its ID only: the secret is in this one answer and nowhere else.
    fn created_access_key(&self) -> Option<&str> {
        Some(&self.access_key_id)
    }
}

/// The browser's `User-Agent`, from the request Leptos serves.
fn user_agent() -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|agent| agent.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}
