//! RAM's wildcards: `*` matches any run of characters (none included), `?` exactly one. Actions
//! compare ignoring case (`ram:listusers` is `ram:ListUsers`), resources exactly.

/// A pattern ready to match: the common shapes (`*`, a literal, `prefix*`) without a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    Anything,
    Exactly(String),
    StartsWith(String),
    Glob(String),
}

impl Pattern {
    /// `ignore_case`: the pattern is kept lower-cased, and [`Pattern::matches`] must be given
    /// lower-cased text.
    pub fn new(text: &str, ignore_case: bool) -> Self {
        let text = if ignore_case {
            text.to_ascii_lowercase()
        } else {
            text.to_owned()
        };
        if text == "*" {
            return Self::Anything;
        }
        match text.find(['*', '?']) {
            None => Self::Exactly(text),
            Some(at) if at == text.len() - 1 && text.ends_with('*') => {
                Self::StartsWith(text[..at].to_owned())
            }
            Some(_) => Self::Glob(text),
        }
    }

    /// The text every match starts with, up to the first wildcard (`None` for `*`).
    pub fn literal_start(&self) -> Option<&str> {
        match self {
            Self::Anything => None,
            Self::Exactly(text) | Self::StartsWith(text) => Some(text),
            Self::Glob(glob) => glob.find(['*', '?']).map(|at| &glob[..at]),
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Self::Anything => true,
            Self::Exactly(literal) => literal == text,
            Self::StartsWith(prefix) => text.starts_with(prefix.as_str()),
            Self::Glob(glob) => glob_matches(glob.as_bytes(), text.as_bytes()),
        }
    }
}

/// Wildcard matching in linear time with backtracking to the last `*` only (each `*` can only
/// ever need to take more characters, never fewer, once a later part has matched).
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_ram_documents_them() {
        let cases = [
            ("*", "ram:ListUsers", true),
            ("ram:*", "ram:listusers", true),
            ("ram:*", "ims:listusers", false),
            ("ram:list*", "ram:listusers", true),
            ("ram:list*", "ram:getuser", false),
            ("ram:get?ser", "ram:getuser", true),
            ("ram:get?ser", "ram:getusser", false),
            ("ram:*user*", "ram:listusersforgroup", true),
            ("ram:*user", "ram:listusers", false),
            ("acs:ram:*:123:user/*", "acs:ram:*:123:user/ci-bot", true),
            ("acs:ram:*:123:user/*", "acs:ram:*:124:user/ci-bot", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("", "", true),
            ("**", "", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                Pattern::new(pattern, false).matches(text),
                expected,
                "{pattern} against {text}"
            );
        }
        assert!(Pattern::new("RAM:List*", true).matches("ram:listusers"));
        assert!(!Pattern::new("acs:ram:*:123:user/CI", false).matches("acs:ram:*:123:user/ci"));
    }
}
