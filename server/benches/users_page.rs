//! The Users page at scale: server-side rendering of `/ram/users` and search by AccessKey ID with
//! 100,000 RAM users holding 200,000 keys, each measured beside the same on an empty database,
//! interleaved in one run. Run: `cargo bench -p server --bench users_page [-- USERS]`.
//! Targets (issue 3): page ratio ≤ 1.5, search < 5 ms.
mod common;
#[path = "../tests/support/console_client.rs"]
mod console_client;

use std::sync::Arc;
use std::time::Instant;

use common::{fresh_install, median, ms, FreshInstall, OWNER_EMAIL, OWNER_PASSWORD};
use console_client::Caller;
use server::console::views::USERS_PER_PAGE;
use server::domain::services::Services;

const ROUNDS: usize = 40;

struct Install {
    svc: Arc<Services>,
    account_id: i64,
    console: Caller,
    /// A key to search for: a seeded one, or (empty database) a well-formed ID nobody holds.
    access_key_id: String,
    _dir: tempfile::TempDir,
}

async fn install(users: u64) -> Install {
    let FreshInstall {
        svc,
        account_id,
        dir,
    } = fresh_install().await;
    let started = Instant::now();
    let seeded = server::seed::ram_users_with_keys(&svc, account_id, "bench-user-", users, 2)
        .await
        .unwrap();
    if users > 50 {
        println!(
            "seeded {} users and {} keys in {:.1} s",
            seeded.users,
            seeded.access_keys,
            started.elapsed().as_secs_f64()
        );
    }
    let console = Caller::signed_in(svc.clone(), OWNER_EMAIL, OWNER_PASSWORD).await;
    Install {
        access_key_id: seeded
            .last_access_key_id
            .unwrap_or_else(server::domain::access_keys::new_access_key_id),
        svc,
        account_id,
        console,
        _dir: dir,
    }
}

#[tokio::main]
async fn main() {
    let users: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(if checks_only() { 500 } else { 100_000 });
    let empty = install(0).await;
    // One page of users, so the large figures can be read apart from the cost of rendering rows.
    let page_full = install(USERS_PER_PAGE).await;
    let large = install(users).await;

    // The pages really hold what is measured: a full first page of users, the searched user.
    let (status, body) = large.console.page("/ram/users").await;
    let last_on_page = format!("bench-user-{USERS_PER_PAGE:06}");
    assert!(
        status.is_success()
            && body.contains(&last_on_page)
            && !body.contains(&format!("bench-user-{:06}", USERS_PER_PAGE + 1)),
        "{status}"
    );
    let (_, body) = large
        .console
        .page(&format!("/ram/users?q={}", large.access_key_id))
        .await;
    assert!(body.contains(&format!("bench-user-{users:06}")));

    let mut page = [Vec::new(), Vec::new(), Vec::new()];
    let mut search_page = [Vec::new(), Vec::new(), Vec::new()];
    let mut search = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..ROUNDS + 5 {
        for (i, install) in [&empty, &page_full, &large].into_iter().enumerate() {
            let started = Instant::now();
            let (status, _) = install.console.page("/ram/users").await;
            let rendered = started.elapsed();
            assert!(status.is_success());

            let started = Instant::now();
            let path = format!("/ram/users?q={}", install.access_key_id);
            install.console.page(&path).await;
            let rendered_search = started.elapsed();

            let started = Instant::now();
            let found = server::domain::ram_users::search(
                &install.svc,
                install.account_id,
                &install.access_key_id,
                50,
            )
            .await
            .unwrap();
            let searched = started.elapsed();
            assert_eq!(found.len(), usize::from(i > 0));

            // The first rounds warm caches and connections.
            if round >= 5 {
                page[i].push(rendered);
                search_page[i].push(rendered_search);
                search[i].push(searched);
            }
        }
    }

    println!("\nUsers page ({USERS_PER_PAGE} a page), {users} RAM users with {} AccessKeys vs an empty database (SQLite file, medians of {ROUNDS} interleaved rounds)", users * 2);
    println!(
        "{:<40} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "", "empty", "one page", "large", "large/empty", "large/page"
    );
    for (label, [empty, one_page, large], note) in [
        ("GET /ram/users (SSR, first page)", page, "target <= 1.5"),
        ("GET /ram/users?q=<AccessKey ID> (SSR)", search_page, ""),
        ("search by AccessKey ID (domain)", search, "target < 5 ms"),
    ] {
        let (empty, one_page, large) = (median(empty), median(one_page), median(large));
        println!(
            "{label:<40} {:>10} {:>10} {:>10} {:>12.2} {:>12.2}  {note}",
            ms(empty),
            ms(one_page),
            ms(large),
            large.as_secs_f64() / empty.as_secs_f64(),
            large.as_secs_f64() / one_page.as_secs_f64(),
        );
    }
}

/// `cargo bench` passes `--bench`; `cargo test --benches` (CI) does not, and then the benchmark
/// runs at a small size for its own checks only: what it measures really happens. No timings are
/// asserted anywhere.
fn checks_only() -> bool {
    !std::env::args().any(|arg| arg == "--bench")
}
