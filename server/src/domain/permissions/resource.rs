//! What an action acts on, named as RAM's ARNs name it.

/// What an action acts on, as RAM's ARNs name it: `acs:ram:*:<account-id>:user/<name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource<'a> {
    /// Settings of the whole account (security preference, network policy, recycle bin, audit).
    Account,
    /// Users as a whole (listing them).
    Users,
    User(&'a str),
    Groups,
    Group(&'a str),
    Policies,
    Policy(&'a str),
}

impl Resource<'_> {
    pub fn arn(&self, account_id: i64) -> String {
        let path = match self {
            Self::Account => "*".to_owned(),
            Self::Users => "user/*".to_owned(),
            Self::User(name) => format!("user/{name}"),
            Self::Groups => "group/*".to_owned(),
            Self::Group(name) => format!("group/{name}"),
            Self::Policies => "policy/*".to_owned(),
            Self::Policy(name) => format!("policy/{name}"),
        };
        format!("acs:ram:*:{account_id}:{path}")
    }

    /// The request's own condition keys.
    pub(super) fn keys(&self) -> Option<(&'static str, &str)> {
        match *self {
            Self::User(name) => Some(("ram:UserName", name)),
            Self::Group(name) => Some(("ram:GroupName", name)),
            Self::Policy(name) => Some(("ram:PolicyName", name)),
            _ => None,
        }
    }

    /// How a person would name it.
    pub(super) fn describe(&self) -> String {
        match self {
            Self::Account => "the account".to_owned(),
            Self::Users => "RAM users".to_owned(),
            Self::User(name) => format!("the RAM user {name}"),
            Self::Groups => "user groups".to_owned(),
            Self::Group(name) => format!("the group {name}"),
            Self::Policies => "policies".to_owned(),
            Self::Policy(name) => format!("the policy {name}"),
        }
    }
}
