//! Who is calling: the identity behind a console session or a signed call. A value every part
//! of the domain passes around, so it sits below all of them.
use serde::{Deserialize, Serialize};

/// The identity behind a console session or a signed call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Owner { account_id: i64 },
    RamUser { account_id: i64, user_id: i64 },
}

impl Principal {
    pub fn account_id(&self) -> i64 {
        match *self {
            Self::Owner { account_id } | Self::RamUser { account_id, .. } => account_id,
        }
    }

    /// The RAM user, if it is one.
    pub fn user_id(&self) -> Option<i64> {
        match *self {
            Self::Owner { .. } => None,
            Self::RamUser { user_id, .. } => Some(user_id),
        }
    }
}
