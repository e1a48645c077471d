//! RAM's policy language, decided in one place: a request (an action on a resource, with its
//! context) against the policies that apply to its principal. An explicit `Deny` wins; otherwise
//! an `Allow` is needed; otherwise the request is denied.
//!
//! [`document`] parses and checks a document once, when it is stored; [`pattern`] and
//! [`condition`] are what its statements test. [`decide`] is the only place a decision is made.
pub mod condition;
pub mod document;
pub mod pattern;
pub mod system;

pub use condition::Context;
pub use document::{Effect, MalformedPolicy, PolicyDocument, MAX_DOCUMENT_CHARS};
pub use system::SystemPolicy;

/// RAM's two kinds of policy: built in, or written by the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    System,
    Custom,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Custom => "Custom",
        }
    }

    /// RAM's `PolicyType` parameter.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "System" => Some(Self::System),
            "Custom" => Some(Self::Custom),
            _ => None,
        }
    }
}

/// What is asked: `action` such as `ram:CreateUser`, `resource` an ARN such as
/// `acs:ram:*:<account-id>:user/ci-bot`.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    pub context: Context<'a>,
}

/// Which statement of which of the given policies decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecidedBy {
    /// The policy's position in what [`decide`] was given.
    pub policy: usize,
    /// The statement's position in it, from 1 (as error messages count).
    pub statement: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed(DecidedBy),
    /// A `Deny` statement matched: no `Allow` can undo it.
    ExplicitlyDenied(DecidedBy),
    /// No statement allowed it.
    ImplicitlyDenied,
}

impl Decision {
    pub fn allowed(self) -> bool {
        matches!(self, Self::Allowed(_))
    }
}

/// Decides `request` against `policies` (every policy that applies to the principal).
pub fn decide<'p>(
    policies: impl IntoIterator<Item = &'p PolicyDocument>,
    request: &Request<'_>,
) -> Decision {
    let action = request.action.to_ascii_lowercase();
    let mut allowed = None;
    for (policy, document) in policies.into_iter().enumerate() {
        for (i, statement) in document.candidates(&action) {
            if allowed.is_some() && statement.effect == Effect::Allow {
                continue;
            }
            let applies = statement.actions.covers(&action)
                && statement.resources.covers(request.resource)
                && statement
                    .conditions
                    .iter()
                    .all(|c| c.holds(&request.context));
            if !applies {
                continue;
            }
            let by = DecidedBy {
                policy,
                statement: i + 1,
            };
            match statement.effect {
                Effect::Deny => return Decision::ExplicitlyDenied(by),
                Effect::Allow => allowed = Some(by),
            }
        }
    }
    allowed.map_or(Decision::ImplicitlyDenied, Decision::Allowed)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn doc(json: &str) -> PolicyDocument {
        PolicyDocument::parse(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn context() -> Context<'static> {
        Context {
            source_ip: Some("127.0.0.1".parse().unwrap()),
            mfa_present: false,
            secure_transport: false,
            current_time: Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap(),
            keys: &[("ram:UserName", "ci-bot")],
        }
    }

    fn ask<'a>(action: &'a str, resource: &'a str) -> Request<'a> {
        Request {
            action,
            resource,
            context: context(),
        }
    }

    const USERS: &str = "acs:ram:*:1001:user/ci-bot";

    #[test]
    fn allow_is_needed_and_an_explicit_deny_wins() {
        let read = doc(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:List*","ram:GetUser"],"Resource":"acs:ram:*:1001:user/*"}]}"#,
        );
        assert!(decide([&read], &ask("ram:ListUsers", USERS)).allowed());
        assert!(
            decide([&read], &ask("RAM:getuser", USERS)).allowed(),
            "actions ignore case"
        );
        assert_eq!(
            decide([&read], &ask("ram:CreateUser", USERS)),
            Decision::ImplicitlyDenied
        );
        assert_eq!(
            decide([&read], &ask("ram:ListUsers", "acs:ram:*:1002:user/ci-bot")),
            Decision::ImplicitlyDenied,
            "another account's users"
        );
        let full = doc(
            r#"{"Version":"1","Statement":{"Effect":"Allow","Action":"ram:*","Resource":"*"}}"#,
        );
        let no_delete = doc(
            r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"ram:DeleteUser","Resource":"*"}]}"#,
        );
        assert_eq!(
            decide([&full, &no_delete], &ask("ram:DeleteUser", USERS)),
            Decision::ExplicitlyDenied(DecidedBy {
                policy: 1,
                statement: 1
            })
        );
        assert_eq!(
            decide([&full, &no_delete], &ask("ram:CreateUser", USERS)),
            Decision::Allowed(DecidedBy {
                policy: 0,
                statement: 1
            })
        );
    }

    #[test]
    fn the_first_statement_that_allows_is_the_one_named() {
        let by = |json: &str, action: &str| match decide([&doc(json)], &ask(action, USERS)) {
            Decision::Allowed(by) => by.statement,
            other => panic!("{json}: {other:?}"),
        };
        let wildcard_first = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:*","Resource":"*"},{"Effect":"Allow","Action":"ram:ListUsers","Resource":"*"}]}"#;
        let exact_first = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":["ims:Get*","ram:ListUsers"],"Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert_eq!(by(wildcard_first, "ram:ListUsers"), 1);
        assert_eq!(by(exact_first, "ram:ListUsers"), 1);
        assert_eq!(by(exact_first, "ram:GetUser"), 2);
        assert_eq!(by(exact_first, "ims:GetAccessKeyPolicy"), 1);
    }

    #[test]
    fn not_action_and_not_resource_cover_everything_else() {
        let all_but_keys = doc(
            r#"{"Version":"1","Statement":[{"Effect":"Allow","NotAction":"ram:*AccessKey*","NotResource":"acs:ram:*:1001:user/admin"}]}"#,
        );
        assert!(decide([&all_but_keys], &ask("ram:ListUsers", USERS)).allowed());
        assert!(!decide([&all_but_keys], &ask("ram:CreateAccessKey", USERS)).allowed());
        assert!(!decide(
            [&all_but_keys],
            &ask("ram:ListUsers", "acs:ram:*:1001:user/admin")
        )
        .allowed());
    }

    #[test]
    fn each_condition_operator_decides_as_documented() {
        let with = |condition: &str| {
            doc(&format!(
                r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}]}}"#
            ))
        };
        let cases = [
            (
                r#"{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","127.0.0.0/8"]}}"#,
                true,
            ),
            (r#"{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}"#, false),
            (r#"{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}"#, true),
            (r#"{"IpAddress":{"acs:SourceIp":"127.0.0.1"}}"#, true),
            (r#"{"Bool":{"acs:MFAPresent":"true"}}"#, false),
            (r#"{"Bool":{"acs:MFAPresent":false}}"#, true),
            (r#"{"Bool":{"acs:SecureTransport":"false"}}"#, true),
            (r#"{"StringEquals":{"ram:UserName":"ci-bot"}}"#, true),
            (r#"{"StringEquals":{"RAM:username":["x","ci-bot"]}}"#, true),
            (r#"{"StringEquals":{"ram:UserName":"CI-BOT"}}"#, false),
            (
                r#"{"StringEqualsIgnoreCase":{"ram:UserName":"CI-BOT"}}"#,
                true,
            ),
            (r#"{"StringNotEquals":{"ram:UserName":"ci-bot"}}"#, false),
            (r#"{"StringLike":{"ram:UserName":"ci-*"}}"#, true),
            (r#"{"StringNotLike":{"ram:UserName":"ci-*"}}"#, false),
            (r#"{"StringEquals":{"ram:GroupName":"dev"}}"#, false),
            (r#"{"StringNotEquals":{"ram:GroupName":"dev"}}"#, true),
            (
                r#"{"DateLessThan":{"acs:CurrentTime":"2027-01-01T00:00:00Z"}}"#,
                true,
            ),
            (
                r#"{"DateGreaterThan":{"acs:CurrentTime":"2027-01-01T00:00:00Z"}}"#,
                false,
            ),
            (
                r#"{"DateGreaterThanEquals":{"acs:CurrentTime":"2026-12-04T12:00:00Z"}}"#,
                true,
            ),
            (
                r#"{"IpAddress":{"acs:SourceIp":"127.0.0.0/8"},"StringEquals":{"ram:UserName":"other"}}"#,
                false,
            ),
        ];
        for (condition, expected) in cases {
            assert_eq!(
                decide([&with(condition)], &ask("ram:ListUsers", USERS)).allowed(),
                expected,
                "{condition}"
            );
        }
        let mut no_address = ask("ram:ListUsers", USERS);
        no_address.context.source_ip = None;
        assert!(!decide(
            [&with(r#"{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}"#)],
            &no_address
        )
        .allowed());
    }

    #[test]
    fn malformed_documents_say_where_and_what() {
        let cases = [
            ("", "1 to 6144 characters"),
            ("{", "not valid JSON"),
            ("[]", "a JSON object"),
            (r#"{"Statement":[]}"#, "Version: Missing"),
            (
                r#"{"Version":"2","Statement":[]}"#,
                "Version: The only version",
            ),
            (
                r#"{"Version":"1","Statement":[]}"#,
                "Statement: A document has 1 to",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}],"Id":"x"}"#,
                "Id: Not a field",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#,
                "Statement 1, Effect",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Resource":"*"}]}"#,
                "Statement 2, Action: Missing",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}]}"#,
                "not both",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"ListUsers","Resource":"*"}]}"#,
                "Statement 1, Action: \"ListUsers\"",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
                "non-empty list",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::x"}]}"#,
                "Statement 1, Resource: \"arn:aws:s3:::x\"",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAdress":{"acs:SourceIp":"1.2.3.4"}}}]}"#,
                "Condition.IpAdress: Not a condition operator",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"1.2.3.400"}}}]}"#,
                "Condition.IpAddress.acs:SourceIp: \"1.2.3.400\"",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"acs:CurrentTime":"tomorrow"}}}]}"#,
                "not a time",
            ),
            (
                r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:MFAPresent":"yes"}}}]}"#,
                "Bool takes one value",
            ),
        ];
        for (text, expected) in cases {
            let error = PolicyDocument::parse(text).expect_err(text).to_string();
            assert!(error.contains(expected), "{text}: {error}");
        }
        let long = format!(
            r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":"*","Resource":"{}"}}]}}"#,
            "*".repeat(MAX_DOCUMENT_CHARS)
        );
        assert!(PolicyDocument::parse(&long).is_err());
    }
}
