//! The Audit Trail's look-ups with 1,000,000 events beside the same on an empty trail, interleaved
//! in one run: the newest page, and pages filtered by AccessKey ID, event name, failures and a
//! time range, each a page of 50 as the console asks for it. Then the whole trail exported as
//! CSV, as the console streams it, with the process's resident memory before and at its highest
//! during the export (issue 19: constant memory).
//! Run: `cargo bench -p server --bench audit_trail [-- EVENTS]`. Target (issue 5): < 50 ms.
mod common;

use std::time::Instant;

use common::{checks_only, fresh_install, median, ms, resident_mib, FreshInstall};
use server::console::views::AUDIT_EVENTS_PER_PAGE;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::audit::{self, EventFilter};
use server::domain::principal::Principal;

const ROUNDS: usize = 30;

struct Trail {
    svc: std::sync::Arc<server::domain::services::Services>,
    account_id: i64,
    key: String,
    _dir: tempfile::TempDir,
}

async fn trail(events: u64) -> Trail {
    let FreshInstall {
        svc,
        account_id,
        dir,
    } = fresh_install().await;
    let owner = KeyOwner::Account { account_id };
    let mut keys = Vec::new();
    for _ in 0..5 {
        keys.push(
            access_keys::create(&svc, owner)
                .await
                .unwrap()
                .key
                .access_key_id,
        );
    }
    let started = Instant::now();
    server::seed::audit_events(&svc, account_id, events, &keys)
        .await
        .unwrap();
    if events > 0 {
        println!(
            "seeded {events} audit events in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Trail {
        svc,
        account_id,
        key: keys[0].clone(),
        _dir: dir,
    }
}

#[tokio::main]
async fn main() {
    let events: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if checks_only() { 2_000 } else { 1_000_000 });
    let empty = trail(0).await;
    let full = trail(events).await;
    let filters = |t: &Trail| {
        let now = t.svc.clock.now();
        vec![
            ("newest page, no filter", EventFilter::default()),
            (
                "by AccessKey ID",
                EventFilter {
                    access_key_id: Some(t.key.clone()),
                    ..Default::default()
                },
            ),
            (
                "by event name (CreateAccessKey)",
                EventFilter {
                    event_name: Some("CreateAccessKey".into()),
                    ..Default::default()
                },
            ),
            (
                "failures only",
                EventFilter {
                    succeeded: Some(false),
                    ..Default::default()
                },
            ),
            (
                "a time range (one day, a week ago)",
                EventFilter {
                    from: Some(now - chrono::Duration::days(8)),
                    to: Some(now - chrono::Duration::days(7)),
                    ..Default::default()
                },
            ),
        ]
    };
    let count = filters(&full).len();
    let mut times = vec![(Vec::new(), Vec::new()); count];
    for round in 0..ROUNDS + 3 {
        for (which, t) in [&empty, &full].into_iter().enumerate() {
            let owner = Principal::Owner {
                account_id: t.account_id,
            };
            for (i, (_, filter)) in filters(t).into_iter().enumerate() {
                let started = Instant::now();
                let page = audit::search(
                    &t.svc,
                    &server::domain::permissions::Requester::plain(owner),
                    &filter,
                    None,
                    AUDIT_EVENTS_PER_PAGE,
                )
                .await
                .unwrap();
                let took = started.elapsed();
                // At the check size (seconds of events, not days) the failures and the week-old
                // range match fewer than a page; every other filter fills one.
                if which == 1 && (!checks_only() || i < 3) {
                    assert_eq!(
                        page.events.len() as u64,
                        AUDIT_EVENTS_PER_PAGE,
                        "a full page"
                    );
                }
                if round >= 3 {
                    let slot = &mut times[i];
                    if which == 0 {
                        slot.0.push(took)
                    } else {
                        slot.1.push(took)
                    }
                }
            }
        }
    }
    println!(
        "\nAudit Trail look-ups, a page of {AUDIT_EVENTS_PER_PAGE}: {events} events vs an empty trail (SQLite file, medians of {ROUNDS} interleaved rounds)"
    );
    println!("{:<40} {:>10} {:>12} {:>8}", "", "empty", "full", "ratio");
    for ((label, _), (empty, full)) in filters(&full).into_iter().zip(times) {
        let (empty, full) = (median(empty), median(full));
        println!(
            "{label:<40} {:>10} {:>12} {:>8.2}  target < 50 ms",
            ms(empty),
            ms(full),
            full.as_secs_f64() / empty.as_secs_f64()
        );
    }
    export_whole_trail(&full).await;
}

/// Streams every event of the full trail to nowhere, chunk by chunk as the console sends them,
/// watching the process's resident memory.
async fn export_whole_trail(t: &Trail) {
    let owner = Principal::Owner {
        account_id: t.account_id,
    };
    let before = resident_mib("self");
    let mut export = audit::CsvExport::new(
        t.svc.clone(),
        server::domain::permissions::Requester::plain(owner),
        EventFilter::default(),
    );
    let (mut bytes, mut lines, mut highest) = (0usize, 0usize, before);
    let started = Instant::now();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|&&b| b == b'\n').count();
        highest = highest.max(resident_mib("self"));
    }
    println!(
        "\nCSV export of the whole trail: {} rows, {:.1} MB in {:.1} s; resident memory {before:.1} MiB before, {highest:.1} MiB at most during it (+{:.1} MiB)",
        lines - 1,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        highest - before
    );
}
