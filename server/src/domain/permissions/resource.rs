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
    /// Any ARN, as a person asking Check access writes it.
    Arn(&'a str),
}

impl Resource<'_> {
    pub fn arn(&self, account_id: i64) -> String {
        let path = match self {
            Self::Arn(arn) => return (*arn).to_owned(),
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
            // `acs:ram:*:<account>:user/<name>` and the like bring their names too.
            Self::Arn(arn) => {
                let path = arn.splitn(5, ':').nth(4)?;
                let (kind, name) = path.split_once('/')?;
                let key = match kind {
                    "user" => "ram:UserName",
                    "group" => "ram:GroupName",
                    "policy" => "ram:PolicyName",
                    _ => return None,
                };
                Some((key, name))
            }
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
            Self::Arn(arn) => (*arn).to_owned(),
        }
    }
}
