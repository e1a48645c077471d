//! A policy document in RAM's JSON language, parsed and checked once when it is stored and kept
//! compiled for every decision:
//!
//! ```json
//! {"Version": "1", "Statement": [{"Effect": "Allow" | "Deny",
//!   "Action" | "NotAction": "ram:List*" | [...],
//!   "Resource" | "NotResource": "acs:ram:*:<account-id>:user/*" | [...],
//!   "Condition": {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}}]}
//! ```
//!
//! A document that breaks a rule is refused with `MalformedPolicyDocument` and a message naming
//! the statement and field, so the person who wrote it can find the mistake.
use serde_json::{Map, Value};

use super::condition::Condition;
use super::pattern::Pattern;

/// RAM's limit on a policy document (CreatePolicy, CreatePolicyVersion), in characters.
pub const MAX_DOCUMENT_CHARS: usize = 6_144;
/// Statements one document may hold: more than fit in its characters anyway.
pub const MAX_STATEMENTS: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction` (and the same for resources): what a statement covers.
#[derive(Clone, Debug)]
pub struct Covers {
    patterns: Vec<Pattern>,
    /// `NotAction`/`NotResource`: everything but the patterns.
    negated: bool,
}

impl Covers {
    pub fn covers(&self, text: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(text)) != self.negated
    }
}

#[derive(Clone, Debug)]
pub struct Statement {
    pub effect: Effect,
    /// Over lower-cased action names.
    pub actions: Covers,
    pub resources: Covers,
    /// All must hold.
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
    /// Which statements an action can possibly match, so a decision skips the rest.
    index: ActionIndex,
}

/// Statements by the start of their action patterns: `ram:ListUsers` and `ram:List*` under
/// `ram:l`; a pattern with a wildcard before that point (`*`, `ram:*`, `*:Get*`) or a
/// `NotAction` under `others`, tried for every action. Positions in document order.
#[derive(Clone, Debug, Default)]
struct ActionIndex {
    by_start: std::collections::HashMap<String, Vec<usize>>,
    others: Vec<usize>,
}

/// `service:` and the action's first character, lower-cased: the index's key for an action.
pub fn action_key(action: &str) -> Option<&str> {
    let colon = action.find(':')?;
    let end = colon + 1 + action[colon + 1..].chars().next()?.len_utf8();
    Some(&action[..end])
}

impl ActionIndex {
    fn of(statements: &[Statement]) -> Self {
        let mut index = Self::default();
        for (i, statement) in statements.iter().enumerate() {
            let keys: Option<Vec<&str>> = if statement.actions.negated {
                None
            } else {
                statement
                    .actions
                    .patterns
                    .iter()
                    .map(|pattern| pattern.literal_start().and_then(action_key))
                    .collect()
            };
            match keys {
                Some(keys) => {
                    for key in keys {
                        let list = index.by_start.entry(key.to_owned()).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
                None => index.others.push(i),
            }
        }
        index
    }
}

impl PolicyDocument {
    /// The statements `action` (lower-cased) may match, in document order: the others cannot.
    pub fn candidates(&self, action: &str) -> Candidates<'_> {
        let keyed = action_key(action)
            .and_then(|key| self.index.by_start.get(key))
            .map_or(&[][..], Vec::as_slice);
        Candidates {
            statements: &self.statements,
            keyed,
            others: &self.index.others,
        }
    }
}

/// Two sorted lists of statement positions, merged.
pub struct Candidates<'d> {
    statements: &'d [Statement],
    keyed: &'d [usize],
    others: &'d [usize],
}

impl<'d> Iterator for Candidates<'d> {
    type Item = (usize, &'d Statement);

    fn next(&mut self) -> Option<Self::Item> {
        let list = match (self.keyed.first(), self.others.first()) {
            (Some(a), Some(b)) if a < b => &mut self.keyed,
            (_, Some(_)) => &mut self.others,
            (Some(_), None) => &mut self.keyed,
            (None, None) => return None,
        };
        let (&next, rest) = list.split_first()?;
        *list = rest;
        Some((next, &self.statements[next]))
    }
}

/// Why a document was refused: where, and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(*.statement, .field))]
pub struct MalformedPolicy {
    /// The statement's position, from 1, when the mistake is inside one.
    pub statement: Option<usize>,
    /// The field in it, such as `Action` or `Condition.IpAddress.acs:SourceIp`.
    pub field: String,
    pub message: String,
}

fn location(statement: Option<usize>, field: &str) -> String {
    match (statement, field.is_empty()) {
        (Some(n), false) => format!("Statement {n}, {field}: "),
        (Some(n), true) => format!("Statement {n}: "),
        (None, false) => format!("{field}: "),
        (None, true) => String::new(),
    }
}

fn refused(statement: Option<usize>, field: &str, message: impl Into<String>) -> MalformedPolicy {
    MalformedPolicy {
        statement,
        field: field.to_owned(),
        message: message.into(),
    }
}

impl PolicyDocument {
    /// Parses and checks a document as a person wrote it.
    pub fn parse(text: &str) -> Result<Self, MalformedPolicy> {
        let chars = text.chars().count();
        if chars == 0 || chars > MAX_DOCUMENT_CHARS {
            return Err(refused(
                None,
                "",
                format!("A policy document has 1 to {MAX_DOCUMENT_CHARS} characters; this one has {chars}."),
            ));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| {
            refused(
                None,
                "",
                format!(
                    "This is not valid JSON (line {}, column {}): {e}.",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let Value::Object(document) = value else {
            return Err(refused(None, "", "A policy document is a JSON object."));
        };
        only_known(&document, &["Version", "Statement"], None)?;
        match document.get("Version") {
            Some(Value::String(version)) if version == "1" => {}
            Some(_) => return Err(refused(None, "Version", "The only version is \"1\".")),
            None => return Err(refused(None, "Version", "Missing: add \"Version\": \"1\".")),
        }
        let statements = match document.get("Statement") {
            Some(Value::Array(list)) => list.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(_) => {
                return Err(refused(
                    None,
                    "Statement",
                    "A statement or a list of statements.",
                ))
            }
            None => return Err(refused(None, "Statement", "Missing.")),
        };
        if statements.is_empty() || statements.len() > MAX_STATEMENTS {
            return Err(refused(
                None,
                "Statement",
                format!("A document has 1 to {MAX_STATEMENTS} statements."),
            ));
        }
        let statements = statements
            .into_iter()
            .enumerate()
            .map(|(i, statement)| parse_statement(i + 1, statement))
            .collect::<Result<_, _>>()?;
        let statements: Vec<Statement> = statements;
        let index = ActionIndex::of(&statements);
        Ok(Self { statements, index })
    }
}

fn only_known(
    object: &Map<String, Value>,
    known: &[&str],
    statement: Option<usize>,
) -> Result<(), MalformedPolicy> {
    match object.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(refused(
            statement,
            key,
            format!(
                "Not a field of a policy here; the fields are {}.",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

fn parse_statement(n: usize, value: &Value) -> Result<Statement, MalformedPolicy> {
    let at = Some(n);
    let Value::Object(statement) = value else {
        return Err(refused(at, "", "A statement is a JSON object."));
    };
    only_known(
        statement,
        &[
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ],
        at,
    )?;
    let effect = match statement.get("Effect") {
        Some(Value::String(effect)) if effect == "Allow" => Effect::Allow,
        Some(Value::String(effect)) if effect == "Deny" => Effect::Deny,
        Some(_) => return Err(refused(at, "Effect", "Either \"Allow\" or \"Deny\".")),
        None => return Err(refused(at, "Effect", "Missing: \"Allow\" or \"Deny\".")),
    };
    let actions = covers(n, statement, "Action", "NotAction", |text| {
        check_action(text).map(|()| Pattern::new(text, true))
    })?;
    let resources = covers(n, statement, "Resource", "NotResource", |text| {
        check_resource(text).map(|()| Pattern::new(text, false))
    })?;
    let conditions = match statement.get("Condition") {
        None => Vec::new(),
        Some(Value::Object(blocks)) => Condition::parse_all(n, blocks)?,
        Some(_) => {
            return Err(refused(
                at,
                "Condition",
                "An object of operators, each naming keys and their values.",
            ))
        }
    };
    Ok(Statement {
        effect,
        actions,
        resources,
        conditions,
    })
}

/// Exactly one of `field` and `negated_field`, a string or a non-empty list of strings, each
/// checked by `pattern`.
fn covers(
    n: usize,
    statement: &Map<String, Value>,
    field: &str,
    negated_field: &str,
    pattern: impl Fn(&str) -> Result<Pattern, String>,
) -> Result<Covers, MalformedPolicy> {
    let at = Some(n);
    let (name, value, negated) = match (statement.get(field), statement.get(negated_field)) {
        (Some(value), None) => (field, value, false),
        (None, Some(value)) => (negated_field, value, true),
        (Some(_), Some(_)) => {
            return Err(refused(
                at,
                field,
                format!("A statement has {field} or {negated_field}, not both."),
            ))
        }
        (None, None) => {
            return Err(refused(
                at,
                field,
                format!("Missing: add {field} (or {negated_field})."),
            ))
        }
    };
    let texts = match value {
        Value::String(one) => vec![one.as_str()],
        Value::Array(list) if !list.is_empty() => list
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| refused(at, name, "Each entry is a string."))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(refused(
                at,
                name,
                "A string or a non-empty list of strings.",
            ))
        }
    };
    let patterns = texts
        .into_iter()
        .map(|text| pattern(text).map_err(|why| refused(at, name, format!("\"{text}\": {why}"))))
        .collect::<Result<_, _>>()?;
    Ok(Covers { patterns, negated })
}

/// `*`, or `<service>:<action>` where the action may hold `*` and `?`.
fn check_action(text: &str) -> Result<(), String> {
    if text == "*" {
        return Ok(());
    }
    let Some((service, action)) = text.split_once(':') else {
        return Err(
            "an action is \"<service>:<action>\", such as \"ram:ListUsers\", or \"*\".".into(),
        );
    };
    let service_ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*');
    let action_ok = !action.is_empty()
        && action
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?');
    if service_ok && action_ok {
        Ok(())
    } else {
        Err("an action is \"<service>:<action>\" of letters, digits, * and ?.".into())
    }
}

/// `*`, or an ARN `acs:<service>:<region>:<account-id>:<relative-id>`.
fn check_resource(text: &str) -> Result<(), String> {
    if text == "*" {
        return Ok(());
    }
    let parts: Vec<&str> = text.splitn(5, ':').collect();
    if parts.len() == 5 && parts[0] == "acs" && parts[1..].iter().all(|p| !p.is_empty()) {
        Ok(())
    } else {
        Err("a resource is \"*\" or \"acs:<service>:<region>:<account-id>:<resource>\", such as \"acs:ram:*:*:user/*\".".into())
    }
}
