//! The domain decides; the front doors (the console, the signed API) only translate. So no domain
//! module may reach into a front door, or into the web frameworks they are built with.
use std::path::Path;

/// The domain's modules: every rule the console and the signed API share.
const DOMAIN: &[&str] = &[
    "access_keys",
    "audit",
    "identity",
    "leaks",
    "mfa",
    "network_policy",
    "permissions",
    "ram_users",
    "security_preference",
    "verification",
];

/// What a domain module must not name.
const FRONT_DOORS: &[&str] = &[
    "crate::gateway",
    "crate::console",
    "crate::web",
    "axum",
    "leptos",
];

#[test]
fn the_domain_imports_no_front_door() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for module in DOMAIN {
        let path = src.join(format!("{module}.rs"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for door in FRONT_DOORS {
                if code.contains(door) {
                    found.push(format!("src/{module}.rs:{}: {}", number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the domain reaches into a front door:\n{}",
        found.join("\n")
    );
}
