//! What an event is: who did what, from where, how it ended; and what of it may be kept.
use std::net::IpAddr;

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    ApiCall,
    ConsoleOperation,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApiCall => "ApiCall",
            Self::ConsoleOperation => "ConsoleOperation",
        }
    }
}

/// Whether an operation only read or changed something (ActionTrail's `eventRW`), as the
/// operation itself declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "Read",
            Self::Write => "Write",
        }
    }
}

/// An event as a request hands it over.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub account_id: i64,
    pub at: DateTime<Utc>,
    pub name: String,
    pub access: Access,
    pub event_type: EventType,
    /// `ram`, `ims` or `console`.
    pub service: &'static str,
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    pub user_agent: String,
    pub parameters: Vec<(String, String)>,
    /// `(code, message)` of a failure.
    pub error: Option<(String, String)>,
    pub user_id: Option<i64>,
    pub access_key_id: Option<String>,
    pub referenced_access_key_id: Option<String>,
}

impl NewEvent {
    /// An API call known only by its account, time, name, access and request: no caller, source,
    /// parameters or failure. Callers fill in what they know with `..`.
    pub fn api_call(
        account_id: i64,
        at: DateTime<Utc>,
        name: &str,
        access: Access,
        service: &'static str,
        request_id: String,
    ) -> Self {
        Self {
            account_id,
            at,
            name: name.to_owned(),
            access,
            event_type: EventType::ApiCall,
            service,
            request_id,
            source_ip: None,
            user_agent: String::new(),
            parameters: Vec::new(),
            error: None,
            user_id: None,
            access_key_id: None,
            referenced_access_key_id: None,
        }
    }
}

/// The most of each text field an event keeps, in characters: its column's size (the
/// `audit_events` migration), or for unbounded columns a size no honest request comes near.
pub mod column_limits {
    pub const EVENT_NAME: usize = 64;
    pub const REQUEST_ID: usize = 64;
    pub const USER_AGENT: usize = 512;
    pub const ACCESS_KEY_ID: usize = 64;
    pub const ERROR_CODE: usize = 128;
    pub const ERROR_MESSAGE: usize = 1024;
    pub const PARAMETER_NAME: usize = 64;
    pub const PARAMETER_VALUE: usize = 2048;
    pub const PARAMETERS: usize = 64;
}

/// `text` cut to at most `limit` characters, with NUL (which PostgreSQL refuses in text) replaced.
fn fit(text: &mut String, limit: usize) {
    if let Some((end, _)) = text.char_indices().nth(limit) {
        text.truncate(end);
    }
    if text.contains('\0') {
        *text = text.replace('\0', "\u{fffd}");
    }
}

impl NewEvent {
    /// The event cut to what its columns hold, so no field a caller chose can make the database
    /// refuse it (and with it a whole batch). (Text here is UTF-8 already: parameters and headers
    /// are decoded lossily.)
    pub fn fitted(mut self) -> Self {
        use column_limits as max;
        fit(&mut self.name, max::EVENT_NAME);
        fit(&mut self.request_id, max::REQUEST_ID);
        fit(&mut self.user_agent, max::USER_AGENT);
        for id in [&mut self.access_key_id, &mut self.referenced_access_key_id]
            .into_iter()
            .flatten()
        {
            fit(id, max::ACCESS_KEY_ID);
        }
        if let Some((code, message)) = &mut self.error {
            fit(code, max::ERROR_CODE);
            fit(message, max::ERROR_MESSAGE);
        }
        self.parameters.truncate(max::PARAMETERS);
        for (name, value) in &mut self.parameters {
            fit(name, max::PARAMETER_NAME);
            fit(value, max::PARAMETER_VALUE);
        }
        self
    }
}

/// A call whose signature did not verify is recorded for its key's account, but nothing in it
/// is the caller's to choose beyond a known action's name: anyone can send such a call.
/// Events like it are limited per source address ([`UNVERIFIED_EVENTS_PER_MINUTE`]).
pub struct UnverifiedCall<'a> {
    pub account_id: i64,
    pub user_id: Option<i64>,
    pub access_key_id: &'a str,
    pub at: DateTime<Utc>,
    pub action: Option<&'a str>,
    /// What the action would have done (its name, if unknown, is not kept).
    pub access: Access,
    pub service: &'static str,
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    pub user_agent: &'a str,
    /// The server's own `(code, message)`.
    pub error: (String, String),
}

/// Per source address: events of unverified calls at most, a minute (after a first burst of
/// [`UNVERIFIED_EVENTS_BURST`]); the rest are counted, not written.
pub const UNVERIFIED_EVENTS_PER_MINUTE: u32 = 60;
pub const UNVERIFIED_EVENTS_BURST: u32 = 20;
/// Of an unverified call's user agent, this many characters are kept.
const UNVERIFIED_USER_AGENT: usize = 128;

impl From<UnverifiedCall<'_>> for NewEvent {
    fn from(call: UnverifiedCall<'_>) -> Self {
        let name = call.action.and_then(known_event_name).unwrap_or("Unknown");
        let mut user_agent = call.user_agent.to_owned();
        fit(&mut user_agent, UNVERIFIED_USER_AGENT);
        Self {
            account_id: call.account_id,
            at: call.at,
            name: name.to_owned(),
            access: call.access,
            event_type: EventType::ApiCall,
            service: call.service,
            request_id: call.request_id,
            source_ip: call.source_ip,
            user_agent,
            parameters: Vec::new(),
            error: Some(call.error),
            user_id: call.user_id,
            access_key_id: Some(call.access_key_id.to_owned()),
            referenced_access_key_id: None,
        }
    }
}

/// `action` as the trail names it, if it is an action or console operation it knows.
pub fn known_event_name(action: &str) -> Option<&'static str> {
    EVENT_NAMES.iter().find(|known| **known == action).copied()
}

/// Every event name the trail records: the signed API's actions (RAM 2015-05-01 and IMS
/// 2019-08-15) and the console's operations, which carry the API's name where the API does the
/// same thing. The Audit Trail's event filter matches against these.
pub const EVENT_NAMES: &[&str] = &[
    // RAM and IMS actions.
    "CreateUser",
    "GetUser",
    "ListUsers",
    "UpdateUser",
    "DeleteUser",
    "GetSecurityPreference",
    "SetSecurityPreference",
    "CreateAccessKey",
    "ListAccessKeys",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "GetAccessKeyLastUsed",
    "GetAccessKeyPolicy",
    "SetAccessKeyPolicy",
    "GetAccessKeyPolicyForAccount",
    "SetAccessKeyPolicyForAccount",
    "ListAccessKeysInRecycleBin",
    "GetAccessKeyInfoInRecycleBin",
    "RestoreAccessKeyFromRecycleBin",
    "DeleteAccessKeyInRecycleBin",
    "ListUsersInRecycleBin",
    "GetUserInRecycleBin",
    "RestoreUserFromRecycleBin",
    "DeleteUserInRecycleBin",
    "ReportAccessKeyLeak",
    "CreatePolicy",
    "GetPolicy",
    "ListPolicies",
    "UpdatePolicyDescription",
    "DeletePolicy",
    "CreatePolicyVersion",
    "GetPolicyVersion",
    "ListPolicyVersions",
    "DeletePolicyVersion",
    "SetDefaultPolicyVersion",
    "AttachPolicyToUser",
    "DetachPolicyFromUser",
    "AttachPolicyToGroup",
    "DetachPolicyFromGroup",
    "ListPoliciesForUser",
    "ListPoliciesForGroup",
    "ListEntitiesForPolicy",
    "CreateGroup",
    "GetGroup",
    "ListGroups",
    "UpdateGroup",
    "DeleteGroup",
    "AddUserToGroup",
    "RemoveUserFromGroup",
    "ListGroupsForUser",
    "ListUsersForGroup",
    // Console operations with no API action of their own.
    "SetUpAccount",
    "ConsoleSignin",
    "ConsoleSignout",
    "SendVerificationCode",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "CreateVirtualMFADevice",
    "BindMFADevice",
    "UnbindMFADevice",
];

/// The event names a person means by `typed`: case does not matter, and a part of a name
/// (`accesskey`) finds every name that contains it. Empty: no known name matches.
pub fn names_matching(typed: &str) -> Vec<&'static str> {
    let typed = typed.trim().to_ascii_lowercase();
    if let Some(exact) = EVENT_NAMES
        .iter()
        .find(|name| name.to_ascii_lowercase() == typed)
    {
        return vec![exact];
    }
    EVENT_NAMES
        .iter()
        .copied()
        .filter(|name| name.to_ascii_lowercase().contains(&typed))
        .collect()
}

/// Whether a parameter may be kept: never one that could hold a secret, a password or a code.
fn keepable(name: &str) -> bool {
    !["secret", "password", "signature", "token", "code"]
        .iter()
        .any(|word| {
            name.as_bytes()
                .windows(word.len())
                .any(|part| part.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// The parameters that may be kept, as a JSON object, in the order they came.
pub(super) struct KeptParameters<'a>(pub(super) &'a [(String, String)]);

impl serde::Serialize for KeptParameters<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .iter()
                .filter(|(name, _)| keepable(name))
                .map(|(name, value)| (name, value)),
        )
    }
}

/// How long events are kept: ActionTrail's event history covers the last 90 days too.
pub const RETENTION_DAYS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_could_be_a_secret_is_kept() {
        for name in [
            "AccessKeySecret",
            "secret",
            "password",
            "console_password",
            "verification_code",
            "Signature",
            "SecurityToken",
        ] {
            assert!(!keepable(name), "{name}");
        }
        for name in [
            "UserAccessKeyId",
            "UserName",
            "Status",
            "access_key_id",
            "AccessKeyPolicy",
        ] {
            assert!(keepable(name), "{name}");
        }
    }

    #[test]
    fn an_event_is_cut_to_its_columns_and_loses_its_nul_bytes() {
        let mut event = NewEvent::api_call(1, Utc::now(), "\0", Access::Read, "ram", "R".into());
        event.user_agent = "é".repeat(600);
        event.referenced_access_key_id = Some("L".repeat(300));
        event.parameters = (0..100).map(|i| (format!("P{i}"), "v\0".into())).collect();
        let fitted = event.fitted();
        assert_eq!(fitted.name, "\u{fffd}");
        assert_eq!(fitted.user_agent.chars().count(), 512);
        assert_eq!(fitted.referenced_access_key_id.unwrap().len(), 64);
        assert_eq!(fitted.parameters.len(), 64);
        assert_eq!(fitted.parameters[0].1, "v\u{fffd}");
        let long = NewEvent::api_call(
            1,
            Utc::now(),
            &"A".repeat(200),
            Access::Read,
            "ram",
            "R".into(),
        );
        assert_eq!(long.fitted().name.len(), 64);
    }

    #[test]
    fn event_names_match_whatever_their_case_and_by_part() {
        assert_eq!(names_matching("createaccesskey"), ["CreateAccessKey"]);
        assert_eq!(names_matching(" CreateUser "), ["CreateUser"]);
        let keys = names_matching("AccessKeyPolicy");
        assert!(
            keys.contains(&"SetAccessKeyPolicy") && keys.contains(&"GetAccessKeyPolicyForAccount")
        );
        assert!(!keys.contains(&"CreateAccessKey"));
        assert!(names_matching("LaunchRockets").is_empty());
    }
}
