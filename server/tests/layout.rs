//! The folder tree is the architecture, and these checks keep it so: the domain decides and the
//! front doors (the console, the signed API) only translate, so no domain module reaches into a
//! front door or the web frameworks they are built with; what everything stands on (`infra`)
//! knows nothing above it; and `Services`, which every domain function takes, is built only from
//! modules that never import it back, so no import cycle runs through it.
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, text).
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.strip_prefix(src()).unwrap().display().to_string();
                files.push((name, text));
            }
        }
    }
    assert!(!files.is_empty(), "no Rust files under {dir:?}");
    files
}

/// The lines of `files` whose code (not comments) names any of `forbidden`.
fn naming(files: &[(String, String)], forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in files {
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if forbidden.iter().any(|word| code.contains(word)) {
                found.push(format!("src/{name}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_domain_imports_no_front_door() {
    let found = naming(
        &rust_files(&src().join("domain")),
        &[
            "crate::gateway",
            "crate::console",
            "crate::jobs",
            "axum",
            "leptos",
            "app::",
            "tower_sessions",
        ],
    );
    assert!(
        found.is_empty(),
        "the domain reaches into a front door:\n{}",
        found.join("\n")
    );
}

#[test]
fn infra_knows_nothing_above_it() {
    let found = naming(
        &rust_files(&src().join("infra")),
        &[
            "crate::domain",
            "crate::gateway",
            "crate::console",
            "crate::jobs",
            "axum",
            "leptos",
        ],
    );
    assert!(
        found.is_empty(),
        "infra reaches up into a layer above it:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_import_cycle_runs_through_services() {
    let services = std::fs::read_to_string(src().join("domain/services.rs")).unwrap();
    let imported: Vec<&str> = services
        .lines()
        .filter_map(|line| line.strip_prefix("use crate::domain::"))
        .filter_map(|path| path.rsplit_once("::").map(|(module, _)| module))
        .collect();
    assert!(imported.len() >= 5, "{imported:?}");
    for module in imported {
        let base = src().join("domain").join(module.replace("::", "/"));
        let file = [base.with_extension("rs"), base.join("mod.rs")]
            .into_iter()
            .find(|file| file.exists())
            .unwrap_or_else(|| panic!("no file for crate::domain::{module}"));
        let text = std::fs::read_to_string(&file).unwrap();
        let code: Vec<&str> = text
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .collect();
        assert!(
            !code.iter().any(|line| line.contains("services")),
            "{file:?} is imported by services.rs and imports it back"
        );
    }
}
