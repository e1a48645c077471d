//! A network access policy as a value: its allow list, its wire form, which addresses it lets
//! through, and which of a key's two policies applies.
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::error::DomainError;

/// The most addresses one policy may list.
pub const MAX_ENTRIES: usize = 100;
/// The only statement type the API knows.
const STATEMENT_TYPE: &str = "ClassicWhiteList";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub active: bool,
    /// The entries as written (trimmed), for showing and editing.
    pub entries: Vec<String>,
    /// The same entries as networks; a single address is a /32 or /128.
    networks: Vec<IpNet>,
}

/// Which policy governs a key's calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyLevel {
    AccessKey,
    Account,
}

/// What is wrong with a policy's list: one entry that is not an address or CIDR block (its
/// position), or the list as a whole (`index` None: empty while active, too long).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    pub index: Option<usize>,
    pub message: String,
}

/// The wire form: `{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":[…]}]}`.
#[derive(Deserialize, Serialize)]
struct Document {
    #[serde(rename = "Version")]
    version: Value,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Statements", default)]
    statements: Vec<Statement>,
}

#[derive(Deserialize, Serialize)]
struct Statement {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "IPList", default)]
    ip_list: Vec<String>,
}

fn invalid(suffix: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid_parameter(suffix, "policy", message)
}

impl NetworkPolicy {
    /// No policy: what a key or account has until one is set.
    pub fn none() -> Self {
        Self {
            active: false,
            entries: Vec::new(),
            networks: Vec::new(),
        }
    }

    /// Entries as a person typed them (blank ones ignored); every bad one is reported with its
    /// position in `entries`.
    pub fn from_entries(active: bool, entries: &[String]) -> Result<Self, Vec<EntryError>> {
        let mut errors = Vec::new();
        let mut kept = Vec::with_capacity(entries.len());
        let mut networks = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            kept.push(entry.to_owned());
            match parse_entry(entry) {
                Some(network) => networks.push(network),
                None => errors.push(EntryError {
                    index: Some(index),
                    message: format!(
                        "\"{entry}\" is not an IPv4 or IPv6 address or CIDR block (such as \
                         203.0.113.7, 198.51.100.0/24 or 2001:db8::/32)."
                    ),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let entries = kept;
        let whole = |message: &str| {
            vec![EntryError {
                index: None,
                message: message.to_owned(),
            }]
        };
        if entries.len() > MAX_ENTRIES {
            return Err(whole(&format!(
                "A policy may list at most {MAX_ENTRIES} addresses."
            )));
        }
        if active && entries.is_empty() {
            return Err(whole(
                "An active policy needs at least one address; with none it would refuse every \
                 call. Add the addresses your applications call from, or turn the policy off.",
            ));
        }
        Ok(Self {
            active,
            entries,
            networks,
        })
    }

    /// The API's JSON string. Errors carry `InvalidParameter.AccessKeyPolicy.*` codes.
    pub fn parse_document(json: &str) -> Result<Self, DomainError> {
        let document: Document = serde_json::from_str(json).map_err(|_| {
            invalid(
                "InvalidParameter.AccessKeyPolicy.Format",
                "The AccessKeyPolicy is not a policy document: expected JSON such as \
                 {\"Version\":1,\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\",\
                 \"IPList\":[\"203.0.113.7\"]}]}.",
            )
        })?;
        if document.version != 1 && document.version != "1" {
            return Err(invalid(
                "InvalidParameter.AccessKeyPolicy.Version",
                "The policy Version must be 1.",
            ));
        }
        let active = match document.status.as_str() {
            "Active" => true,
            "Inactive" => false,
            _ => {
                return Err(invalid(
                    "InvalidParameter.AccessKeyPolicy.Status",
                    "The policy Status must be Active or Inactive.",
                ))
            }
        };
        let mut entries = Vec::new();
        for statement in document.statements {
            if statement.kind != STATEMENT_TYPE {
                return Err(invalid(
                    "InvalidParameter.AccessKeyPolicy.StatementType",
                    format!(
                        "The statement Type \"{}\" is not supported; use {STATEMENT_TYPE}.",
                        statement.kind
                    ),
                ));
            }
            entries.extend(statement.ip_list);
        }
        Self::from_entries(active, &entries).map_err(|errors| {
            invalid(
                "InvalidParameter.AccessKeyPolicy.IPList",
                errors
                    .into_iter()
                    .next()
                    .map(|e| e.message)
                    .unwrap_or_default(),
            )
        })
    }

    /// The API's JSON string for this policy.
    pub fn document(&self) -> String {
        let statements = if self.entries.is_empty() {
            Vec::new()
        } else {
            vec![Statement {
                kind: STATEMENT_TYPE.to_owned(),
                ip_list: self.entries.clone(),
            }]
        };
        serde_json::to_string(&Document {
            version: Value::from(1),
            status: if self.active { "Active" } else { "Inactive" }.to_owned(),
            statements,
        })
        .expect("a policy serialises")
    }

    /// Whether a call from `ip` may pass. An inactive policy allows everything.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        !self.active || self.networks.iter().any(|n| n.contains(&ip))
    }

    /// Stored form: `None` for "no policy".
    pub fn stored(&self) -> Option<String> {
        (self.active || !self.entries.is_empty()).then(|| self.document())
    }

    /// A stored document; one that no longer parses (it never should) counts as none.
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .and_then(|json| Self::parse_document(json).ok())
            .unwrap_or_else(Self::none)
    }
}

fn parse_entry(entry: &str) -> Option<IpNet> {
    IpNet::from_str(entry)
        .ok()
        .or_else(|| IpAddr::from_str(entry).ok().map(IpNet::from))
}

/// An address or CIDR block, for the command line.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    parse_entry(text.trim()).ok_or_else(|| format!("{text:?} is not an IP address or CIDR block"))
}

/// The policy a key's calls are held to: its own when active, else the account's when active.
pub fn applicable<'a>(
    key: &'a NetworkPolicy,
    account: &'a NetworkPolicy,
) -> Option<(PolicyLevel, &'a NetworkPolicy)> {
    if key.active {
        Some((PolicyLevel::AccessKey, key))
    } else if account.active {
        Some((PolicyLevel::Account, account))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn policy(active: bool, entries: &[&str]) -> NetworkPolicy {
        let entries: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        NetworkPolicy::from_entries(active, &entries).unwrap()
    }

    #[test]
    fn addresses_blocks_and_ipv6_match_and_nothing_else_does() {
        let p = policy(true, &["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]);
        assert!(p.allows(ip("203.0.113.7")));
        assert!(!p.allows(ip("203.0.113.8")));
        assert!(p.allows(ip("198.51.100.255")));
        assert!(!p.allows(ip("198.51.101.0")));
        assert!(p.allows(ip("2001:db8:1::5")));
        assert!(!p.allows(ip("2001:db9::1")));
        // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
        assert!(p.allows(ip("::ffff:203.0.113.7")));
        assert!(policy(false, &["203.0.113.7"]).allows(ip("192.0.2.1")));
    }

    #[test]
    fn every_bad_entry_is_reported_at_its_position() {
        let entries: Vec<String> = ["10.0.0.1", "10.0.0.300", " ", "10.0.0.0/33", "fe80::1"]
            .iter()
            .map(|e| e.to_string())
            .collect();
        let errors = NetworkPolicy::from_entries(true, &entries).unwrap_err();
        let positions: Vec<Option<usize>> = errors.iter().map(|e| e.index).collect();
        // Positions in the list as given: the blank entry is skipped, not renumbered.
        assert_eq!(positions, [Some(1), Some(3)]);
        assert!(errors[0].message.contains("\"10.0.0.300\""));
        let empty = NetworkPolicy::from_entries(true, &[]).unwrap_err();
        assert_eq!(empty[0].index, None);
        assert!(empty[0]
            .message
            .starts_with("An active policy needs at least one address"));
        let too_many: Vec<String> = (0..=MAX_ENTRIES)
            .map(|i| format!("10.0.{}.{}", i / 250, i % 250))
            .collect();
        let long = NetworkPolicy::from_entries(true, &too_many).unwrap_err();
        assert_eq!(long[0].index, None);
        assert!(long[0].message.contains("at most"));
    }

    #[test]
    fn documents_round_trip_and_bad_ones_get_their_codes() {
        let json = r#"{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["203.0.113.1","198.51.100.0/24","2001:db8::1"]}]}"#;
        let p = NetworkPolicy::parse_document(json).unwrap();
        assert!(p.active);
        assert_eq!(p.entries.len(), 3);
        assert_eq!(p.document(), json);
        assert_eq!(NetworkPolicy::parse_document(&p.document()).unwrap(), p);
        let none =
            NetworkPolicy::parse_document(r#"{"Version":"1","Status":"Inactive","Statements":[]}"#)
                .unwrap();
        assert_eq!(none, NetworkPolicy::none());
        for (bad, code) in [
            ("not json", "InvalidParameter.AccessKeyPolicy.Format"),
            (
                r#"{"Version":2,"Status":"Active","Statements":[]}"#,
                "InvalidParameter.AccessKeyPolicy.Version",
            ),
            (
                r#"{"Version":1,"Status":"On","Statements":[]}"#,
                "InvalidParameter.AccessKeyPolicy.Status",
            ),
            (
                r#"{"Version":1,"Status":"Active","Statements":[{"Type":"Deny","IPList":["10.0.0.1"]}]}"#,
                "InvalidParameter.AccessKeyPolicy.StatementType",
            ),
            (
                r#"{"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":["10.0.0.256"]}]}"#,
                "InvalidParameter.AccessKeyPolicy.IPList",
            ),
            (
                r#"{"Version":1,"Status":"Active","Statements":[]}"#,
                "InvalidParameter.AccessKeyPolicy.IPList",
            ),
        ] {
            match NetworkPolicy::parse_document(bad) {
                Err(DomainError::Invalid { code: got, .. }) => assert_eq!(got, code, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_key_policy_replaces_the_account_policy_only_while_active() {
        let key = policy(true, &["10.0.0.1"]);
        let account = policy(true, &["10.0.0.2"]);
        let off = NetworkPolicy::none();
        assert_eq!(
            applicable(&key, &account).unwrap().0,
            PolicyLevel::AccessKey
        );
        assert_eq!(applicable(&off, &account).unwrap().0, PolicyLevel::Account);
        assert!(applicable(&off, &off).is_none());
        let inactive_key = policy(false, &["10.0.0.1"]);
        assert_eq!(
            applicable(&inactive_key, &account).unwrap().0,
            PolicyLevel::Account
        );
    }
}
