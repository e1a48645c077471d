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
    // Console operations with no API action of their own.
    "SetUpAccount",
    "ConsoleSignin",
    "ConsoleSignout",
    "SendVerificationCode",
    "AttachPolicyToUser",
    "DetachPolicyFromUser",
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
