//! The admin CLI: bootstrap an account and a key for automation, like `radosgw-admin key create`.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("ACCESSKEY_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("ACCESSKEY_MASTER_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the server binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn account_create_then_access_key_create_prints_a_usable_pair() {
    let dir = tempfile::tempdir().unwrap();
    let account_args = [
        "account",
        "create",
        "--alias",
        "acme",
        "--email",
        "ops@acme.example.com",
        "--phone",
        "86-13800005678",
    ];
    let account = json(&run(dir.path(), &account_args, "correct horse battery\n"));
    assert_eq!(account["Alias"], "acme");

    let key = json(&run(
        dir.path(),
        &["access-key", "create", "--account", "acme"],
        "",
    ));
    let id = key["AccessKeyId"].as_str().unwrap();
    let secret = key["AccessKeySecret"].as_str().unwrap();
    assert!(
        id.starts_with("LTAI") && id.len() == 24 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert!(
        secret.len() == 30 && secret.chars().all(|c| c.is_ascii_alphanumeric()),
        "{secret}"
    );

    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the secret",
            path.display()
        );
    }
}

#[test]
fn bad_input_is_refused_with_the_rule_and_no_account() {
    let dir = tempfile::tempdir().unwrap();
    let bad_alias = [
        "account",
        "create",
        "--alias=-acme",
        "--email",
        "ops@acme.example.com",
        "--phone",
        "86-13800005678",
    ];
    let output = run(dir.path(), &bad_alias, "correct horse battery\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot start or end with a hyphen"));

    let output = run(
        dir.path(),
        &["access-key", "create", "--account", "acme"],
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("There is no account with the alias acme")
    );
}

#[test]
fn user_create_with_policies_then_a_key_for_that_user() {
    let dir = tempfile::tempdir().unwrap();
    let account_args = [
        "account",
        "create",
        "--alias",
        "acme",
        "--email",
        "ops@acme.example.com",
        "--phone",
        "86-13800005678",
    ];
    json(&run(dir.path(), &account_args, "correct horse battery\n"));
    let user_args = [
        "user",
        "create",
        "--account",
        "acme",
        "--name",
        "ci-bot",
        "--policy",
        "AliyunRAMReadOnlyAccess",
    ];
    let user = json(&run(dir.path(), &user_args, ""));
    assert_eq!(user["UserPrincipalName"], "ci-bot@acme.onaliyun.com");
    assert_eq!(
        user["Policies"],
        serde_json::json!(["AliyunRAMReadOnlyAccess"])
    );

    let key_args = [
        "access-key",
        "create",
        "--account",
        "acme",
        "--user",
        "ci-bot",
    ];
    let key = json(&run(dir.path(), &key_args, ""));
    assert!(key["AccessKeyId"].as_str().unwrap().starts_with("LTAI"));
    json(&run(dir.path(), &key_args, ""));
    let third = run(dir.path(), &key_args, "");
    assert_eq!(third.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&third.stderr).contains("at most two AccessKey pairs"));

    let bad_policy = run(
        dir.path(),
        &[
            "user",
            "create",
            "--account",
            "acme",
            "--name",
            "x",
            "--policy",
            "Root",
        ],
        "",
    );
    assert_eq!(bad_policy.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_policy.stderr)
        .contains("The policy Root of type System does not exist"));
}
