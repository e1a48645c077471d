//! Conditions: `{"<Operator>": {"<key>": value or [values]}}`. A key's values are alternatives
//! (any may match); every operator and key of a statement must hold. A key the request does not
//! have never satisfies a positive operator and always satisfies a negated one
//! (`StringNotEquals`, `NotIpAddress`), as in RAM.
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde_json::{Map, Value};

use super::document::MalformedPolicy;
use super::pattern::Pattern;

/// What a request brings for conditions to test.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub source_ip: Option<IpAddr>,
    pub mfa_present: bool,
    pub secure_transport: bool,
    pub current_time: DateTime<Utc>,
    /// The action's own keys, such as `ram:UserName`; names compare ignoring case.
    pub keys: &'a [(&'a str, &'a str)],
}

/// One value of the request for a key.
enum Found<'a> {
    Text(&'a str),
    Ip(IpAddr),
    Flag(bool),
    Time(DateTime<Utc>),
}

impl Context<'_> {
    fn get(&self, key: &str) -> Option<Found<'_>> {
        match key.to_ascii_lowercase().as_str() {
            "acs:sourceip" => self.source_ip.map(Found::Ip),
            "acs:mfapresent" => Some(Found::Flag(self.mfa_present)),
            "acs:securetransport" => Some(Found::Flag(self.secure_transport)),
            "acs:currenttime" => Some(Found::Time(self.current_time)),
            _ => self
                .keys
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| Found::Text(value)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Compare {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Self::Equal => ordering == Equal,
            Self::Less => ordering == Less,
            Self::LessOrEqual => ordering != Greater,
            Self::Greater => ordering == Greater,
            Self::GreaterOrEqual => ordering != Less,
        }
    }
}

/// The values a condition compares with, parsed for its operator.
#[derive(Clone, Debug)]
enum Test {
    Strings {
        values: Vec<String>,
        ignore_case: bool,
    },
    Like(Vec<Pattern>),
    Numbers(Vec<f64>, Compare),
    Dates(Vec<DateTime<Utc>>, Compare),
    Bool(bool),
    Networks(Vec<IpNet>),
}

#[derive(Clone, Debug)]
pub struct Condition {
    key: String,
    test: Test,
    /// `StringNotEquals`, `NotIpAddress`, …: holds when the test does not.
    negated: bool,
}

/// The operators, by name: their test and whether they are negated.
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "IpAddress",
    "NotIpAddress",
];

impl Condition {
    /// Every condition of statement `n`'s `Condition` block.
    pub fn parse_all(n: usize, blocks: &Map<String, Value>) -> Result<Vec<Self>, MalformedPolicy> {
        let mut conditions = Vec::new();
        for (operator, keys) in blocks {
            let field = format!("Condition.{operator}");
            if !OPERATORS.contains(&operator.as_str()) {
                return Err(malformed(
                    n,
                    &field,
                    format!(
                        "Not a condition operator; the operators are {}.",
                        OPERATORS.join(", ")
                    ),
                ));
            }
            let Value::Object(keys) = keys else {
                return Err(malformed(n, &field, "An object of keys and their values."));
            };
            if keys.is_empty() {
                return Err(malformed(n, &field, "Name at least one key."));
            }
            for (key, values) in keys {
                let field = format!("{field}.{key}");
                let values = texts(values).ok_or_else(|| {
                    malformed(n, &field, "A value or a non-empty list of values.")
                })?;
                let (test, negated) =
                    test_of(operator, &values).map_err(|why| malformed(n, &field, why))?;
                conditions.push(Self {
                    key: key.clone(),
                    test,
                    negated,
                });
            }
        }
        Ok(conditions)
    }

    pub fn holds(&self, context: &Context<'_>) -> bool {
        let matched = match context.get(&self.key) {
            None => false,
            Some(found) => self.test.passes(&found),
        };
        matched != self.negated
    }
}

fn malformed(n: usize, field: &str, message: impl Into<String>) -> MalformedPolicy {
    MalformedPolicy {
        statement: Some(n),
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A value or list of values as text (numbers and booleans as JSON writes them).
fn texts(value: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Value::Array(list) if !list.is_empty() => list.iter().map(one).collect(),
        Value::Array(_) => None,
        other => one(other).map(|v| vec![v]),
    }
}

fn test_of(operator: &str, values: &[String]) -> Result<(Test, bool), String> {
    let negated = operator.contains("Not");
    let compare = if operator.ends_with("LessThanEquals") {
        Compare::LessOrEqual
    } else if operator.ends_with("LessThan") {
        Compare::Less
    } else if operator.ends_with("GreaterThanEquals") {
        Compare::GreaterOrEqual
    } else if operator.ends_with("GreaterThan") {
        Compare::Greater
    } else {
        Compare::Equal
    };
    let test = if operator.starts_with("String") && operator.ends_with("Like") {
        Test::Like(values.iter().map(|v| Pattern::new(v, false)).collect())
    } else if operator.starts_with("String") {
        Test::Strings {
            values: values.to_vec(),
            ignore_case: operator.ends_with("IgnoreCase"),
        }
    } else if operator.starts_with("Numeric") {
        let numbers = values
            .iter()
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("\"{v}\" is not a number."))
            })
            .collect::<Result<_, _>>()?;
        Test::Numbers(numbers, compare)
    } else if operator.starts_with("Date") {
        let dates = values
            .iter()
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|d| d.with_timezone(&Utc))
                    .map_err(|_| format!("\"{v}\" is not a time such as \"2026-12-31T23:59:59Z\"."))
            })
            .collect::<Result<_, _>>()?;
        Test::Dates(dates, compare)
    } else if operator == "Bool" {
        match values {
            [one] if one.eq_ignore_ascii_case("true") => Test::Bool(true),
            [one] if one.eq_ignore_ascii_case("false") => Test::Bool(false),
            _ => return Err("Bool takes one value, true or false.".into()),
        }
    } else {
        let networks = values
            .iter()
            .map(|v| {
                v.parse::<IpNet>()
                    .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "\"{v}\" is not an IP address or a CIDR block such as \"10.0.0.0/8\"."
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Test::Networks(networks)
    };
    Ok((test, negated))
}

impl Test {
    fn passes(&self, found: &Found<'_>) -> bool {
        match (self, found) {
            (
                Self::Strings {
                    values,
                    ignore_case,
                },
                Found::Text(text),
            ) => values.iter().any(|v| {
                if *ignore_case {
                    v.eq_ignore_ascii_case(text)
                } else {
                    v == text
                }
            }),
            (Self::Like(patterns), Found::Text(text)) => patterns.iter().any(|p| p.matches(text)),
            (Self::Numbers(numbers, compare), Found::Text(text)) => {
                text.parse::<f64>().is_ok_and(|n| {
                    numbers
                        .iter()
                        .any(|v| n.partial_cmp(v).is_some_and(|o| compare.holds(o)))
                })
            }
            (Self::Dates(dates, compare), Found::Time(time)) => {
                dates.iter().any(|d| compare.holds(time.cmp(d)))
            }
            (Self::Bool(expected), Found::Flag(flag)) => expected == flag,
            (Self::Networks(networks), Found::Ip(ip)) => networks.iter().any(|n| n.contains(ip)),
            // A string test of a typed key compares its text, as RAM does.
            (Self::Strings { .. } | Self::Like(_), Found::Ip(ip)) => {
                self.passes(&Found::Text(&ip.to_string()))
            }
            (Self::Strings { .. } | Self::Like(_), Found::Flag(flag)) => {
                self.passes(&Found::Text(if *flag { "true" } else { "false" }))
            }
            _ => false,
        }
    }
}
