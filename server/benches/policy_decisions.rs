//! One policy decision's CPU: a RAM user with 10 custom policies of 20 statements each (actions
//! with wildcards, user ARNs, an `IpAddress` and a `StringLike` condition in some), beside the
//! account owner's single statement, measured in one run. The asked action is allowed only by the
//! last statement of the last policy, and a second one is denied after every statement is tried:
//! the most work a decision can take (every statement's action starts like `ram:DeleteUser`'s, so
//! the index of statements by their action's start leaves all 200 to try).
//! Run: `cargo bench -p server --bench policy_decisions`. Target (issue 20): < 2 µs a decision.
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::checks_only;
use server::domain::policy::{decide, Context, PolicyDocument, Request};

fn custom_policies() -> Vec<PolicyDocument> {
    (0..10)
        .map(|p| {
            let statements: Vec<String> = (0..20)
                .map(|s| {
                    let condition = match s % 4 {
                        0 => r#","Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
                        1 => r#","Condition":{"StringLike":{"ram:UserName":"svc-*"}}"#,
                        _ => "",
                    };
                    let action = if p == 9 && s == 19 {
                        "ram:GetAccessKeyLastUsed".to_owned()
                    } else {
                        format!("ram:De{p}x{s}*")
                    };
                    format!(
                        r#"{{"Effect":"Allow","Action":["{action}","ims:Get{p}{s}?"],"Resource":"acs:ram:*:1001:user/team-{p}-*"{condition}}}"#
                    )
                })
                .collect();
            let mut text = format!(r#"{{"Version":"1","Statement":[{}]}}"#, statements.join(","));
            if p == 9 {
                // The last statement covers the user asked about.
                text = text.replace("user/team-9-*\"}]", "user/*\"}]");
            }
            PolicyDocument::parse(&text).expect("the benchmark's policies parse")
        })
        .collect()
}

fn per_decision(documents: &[PolicyDocument], request: &Request<'_>, rounds: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..rounds {
        black_box(decide(documents.iter(), black_box(request)));
    }
    started.elapsed() / rounds
}

fn main() {
    let rounds = if checks_only() { 1_000 } else { 1_000_000 };
    let custom = custom_policies();
    let owner = vec![PolicyDocument::parse(
        r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    )
    .unwrap()];
    let context = Context {
        source_ip: Some("127.0.0.1".parse().unwrap()),
        mfa_present: false,
        secure_transport: false,
        current_time: Utc::now(),
        keys: &[("ram:UserName", "ci-bot")],
    };
    let allowed = Request {
        action: "ram:GetAccessKeyLastUsed",
        resource: "acs:ram:*:1001:user/ci-bot",
        context: context.clone(),
    };
    let denied = Request {
        action: "ram:DeleteUser",
        ..allowed.clone()
    };
    assert!(decide(custom.iter(), &allowed).allowed());
    assert!(!decide(custom.iter(), &denied).allowed());
    assert!(decide(owner.iter(), &allowed).allowed());

    let mut samples = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..7 {
        samples[0].push(per_decision(&owner, &allowed, rounds));
        samples[1].push(per_decision(&custom, &allowed, rounds));
        samples[2].push(per_decision(&custom, &denied, rounds));
    }
    let times = samples.map(common::median);
    let ns = |d: Duration| d.as_nanos();
    println!("policy decisions, the median of 7 interleaved rounds of {rounds}:");
    println!(
        "  owner (1 statement)                          {:>6} ns",
        ns(times[0])
    );
    println!(
        "  10 custom policies × 20 statements, allowed  {:>6} ns  target < 2000",
        ns(times[1])
    );
    println!(
        "  10 custom policies × 20 statements, denied   {:>6} ns  target < 2000",
        ns(times[2])
    );
}
