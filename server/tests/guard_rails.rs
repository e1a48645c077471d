//! Guard rails on the signed path, through the API's real router, on SQLite and PostgreSQL: leak
//! reports flag only genuine pairs and a flagged key fails every call; the audit trail keeps
//! every call (successes, denials, failures) without a secret, and finds them by key, result
//! and kind, page by page; "Review historical API calls" counts each source address.
mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use sea_orm::EntityTrait;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::audit::{self, EventFilter};
use server::domain::error::{DomainError, VerificationError};
use server::domain::leaks;
use server::domain::permissions::Requester;
use server::domain::principal::Principal;
use server::gateway::Gateway;
use server::infra::entities::audit_event;
use support::api_client::{app_code, v1_call as call};
use support::{on_every_database, Harness};

/// The names of every event in the audit trail's table.
async fn stored_event_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    audit_event::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_name)
        .collect()
}

#[tokio::test]
async fn a_pasted_leak_flags_only_genuine_pairs_and_a_flagged_key_fails_every_call() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let owner = KeyOwner::Account { account_id };
        let leaked = access_keys::create(&h.svc, owner).await.unwrap();
        let named_only = access_keys::create(&h.svc, owner).await.unwrap();
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let pair =
            |k: &access_keys::CreatedAccessKey| (k.key.access_key_id.clone(), k.secret.to_string());
        let (leaked_id, leaked_secret) = pair(&leaked);
        let (named_id, named_secret) = pair(&named_only);
        let (status, _) = call(
            &h,
            &gateway,
            (&leaked_id, &leaked_secret),
            "ListUsers",
            &[],
            "127.0.0.1",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "works, and is cached now");

        let text = format!(
            "config.yaml:\n  access_key_id: {leaked_id}\n  access_key_secret: \"{leaked_secret}\"\n\
             also {named_id} with secret {}\nand LTAI{} {}",
            "x".repeat(30),
            "0".repeat(20),
            "y".repeat(30),
        );
        let flagged = leaks::report_text(&h.svc, &text, |_, _| None)
            .await
            .unwrap();
        assert_eq!(flagged, vec![(leaked_id.clone(), account_id)]);

        let (status, answer) = call(
            &h,
            &gateway,
            (&leaked_id, &leaked_secret),
            "ListUsers",
            &[],
            "127.0.0.1",
        )
        .await;
        assert_eq!(
            (status, answer["Code"].as_str(), answer["Message"].as_str()),
            (
                StatusCode::FORBIDDEN,
                Some("Forbidden.AccessKeyLeakage"),
                Some("Forbidden : There is a risk of leakage of this AccessKey.")
            )
        );
        let (status, _) = call(
            &h,
            &gateway,
            (&named_id, &named_secret),
            "ListUsers",
            &[],
            "127.0.0.1",
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "an ID named without its secret is not flagged"
        );
        // Reporting again changes nothing; the flag goes only with the key.
        assert_eq!(
            leaks::report_text(&h.svc, &text, |_, _| None)
                .await
                .unwrap()
                .len(),
            1
        );
        access_keys::delete(
            &h.svc,
            owner,
            &leaked_id,
            access_keys::DeleteGuard::AnyStatus,
        )
        .await
        .unwrap();
        assert!(leaks::report_text(&h.svc, &text, |_, _| None)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_keeps_every_call_finds_it_and_never_holds_a_secret() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let other_account = h.account("other").await;
        let owner = Principal::Owner { account_id };
        let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
            .await
            .unwrap();
        let other_key = access_keys::create(
            &h.svc,
            KeyOwner::Account {
                account_id: other_account,
            },
        )
        .await
        .unwrap();
        let (id, secret) = (key.key.access_key_id.clone(), key.secret.to_string());
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        // A second between calls: the trail lists them newest first by time.

        call(&h, &gateway, (&id, &secret), "ListUsers", &[], "127.0.0.1").await;
        h.clock.advance(chrono::Duration::seconds(1));
        call(
            &h,
            &gateway,
            (&id, &secret),
            "ListUsers",
            &[],
            "203.0.113.7",
        )
        .await;
        h.clock.advance(chrono::Duration::seconds(1));
        let (status, created) = call(
            &h,
            &gateway,
            (&id, &secret),
            "CreateAccessKey",
            &[],
            "203.0.113.7",
        )
        .await;
        h.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(status, StatusCode::OK);
        let new_secret = created["AccessKey"]["AccessKeySecret"]
            .as_str()
            .unwrap()
            .to_owned();
        let new_id = created["AccessKey"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, _) = call(
            &h,
            &gateway,
            (&id, "wrong-secret"),
            "ListUsers",
            &[],
            "198.51.100.1",
        )
        .await;
        h.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = call(
            &h,
            &gateway,
            (&id, &secret),
            "GetUser",
            &[("UserName", "nobody")],
            "127.0.0.1",
        )
        .await;
        h.clock.advance(chrono::Duration::seconds(1));
        assert_eq!(status, StatusCode::NOT_FOUND);
        let other = (
            other_key.key.access_key_id.as_str(),
            other_key.secret.as_str(),
        );
        call(&h, &gateway, other, "ListUsers", &[], "127.0.0.1").await;
        h.clock.advance(chrono::Duration::seconds(1));
        h.svc.audit.flush(&h.svc.db).await;

        // Every call of this account's key, newest first; nothing of the other account's.
        let by_key = |filter: EventFilter| {
            let svc = h.svc.clone();
            async move {
                audit::search(&svc, &Requester::plain(owner), &filter, None, 50)
                    .await
                    .unwrap()
            }
        };
        let all = by_key(EventFilter {
            access_key_id: Some(id.clone()),
            ..Default::default()
        })
        .await;
        let names: Vec<&str> = all
            .events
            .iter()
            .map(|r| r.event.event_name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "GetUser",
                "ListUsers",
                "CreateAccessKey",
                "ListUsers",
                "ListUsers"
            ]
        );
        let failed: Vec<(&str, Option<&str>)> = all
            .events
            .iter()
            .map(|r| (r.event.event_name.as_str(), r.event.error_code.as_deref()))
            .filter(|(_, code)| code.is_some())
            .collect();
        assert_eq!(
            failed,
            [
                ("GetUser", Some("EntityNotExist.User")),
                ("ListUsers", Some("SignatureDoesNotMatch"))
            ]
        );
        let created_event = &all.events[2].event;
        assert_eq!(
            created_event.referenced_access_key_id.as_deref(),
            Some(new_id.as_str())
        );
        assert_eq!(created_event.source_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(
            (
                created_event.event_type.as_str(),
                created_event.event_rw.as_str()
            ),
            ("ApiCall", "Write")
        );
        assert_eq!(created_event.user_agent, "guard-rails-test");

        // The new key's ID finds its creation too.
        let about_new = by_key(EventFilter {
            access_key_id: Some(new_id.clone()),
            ..Default::default()
        })
        .await;
        assert_eq!(about_new.events.len(), 1);

        let writes = by_key(EventFilter {
            read: Some(false),
            ..Default::default()
        })
        .await;
        assert_eq!(writes.events.len(), 1);
        let failures = by_key(EventFilter {
            succeeded: Some(false),
            event_name: Some("ListUsers".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(failures.events.len(), 1);

        // Paging: two at a time, the same five events in the same order.
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let filter = EventFilter::default();
            let page = audit::search(&h.svc, &Requester::plain(owner), &filter, after, 2)
                .await
                .unwrap();
            paged.extend(page.events.into_iter().map(|r| r.event.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(
            paged,
            all.events.iter().map(|r| r.event.id).collect::<Vec<_>>()
        );

        // Review historical API calls: each address with its count.
        let since = {
            use server::infra::clock::Clock;
            h.clock.now() - chrono::Duration::days(30)
        };
        let sources = audit::recent_sources(&h.svc, account_id, &id, since)
            .await
            .unwrap();
        let mut counts: Vec<(String, i64)> = sources.into_iter().map(|s| (s.ip, s.calls)).collect();
        counts.sort();
        assert_eq!(
            counts,
            [
                ("127.0.0.1".to_owned(), 2),
                ("198.51.100.1".to_owned(), 1),
                ("203.0.113.7".to_owned(), 2)
            ]
        );

        // No secret anywhere in the trail, and the CSV export holds what the search found.
        let rows = audit_event::Entity::find().all(&h.svc.db).await.unwrap();
        assert_eq!(rows.len(), 6);
        for row in &rows {
            let text = format!("{row:?}");
            for secret in [
                secret.as_str(),
                new_secret.as_str(),
                other_key.secret.as_str(),
            ] {
                assert!(!text.contains(secret), "a secret in {text}");
            }
        }
        let csv = audit::export_csv(
            h.svc.clone(),
            Requester::plain(owner),
            &EventFilter {
                access_key_id: Some(id.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert_eq!(csv.lines().count(), 1 + 5);
        assert!(csv.starts_with("eventTime,eventName,eventType,eventRW"));
        assert!(!csv.contains(&secret) && !csv.contains(&new_secret));
    })
    .await;
}

/// Events go in as one JSON document per batch; each must read back field for field, compare
/// by time like any row (to the microsecond and at whole seconds), and survive a refusal.
#[tokio::test]
async fn stored_events_read_back_field_for_field_and_wait_out_a_refusal() {
    on_every_database(|h| async move {
        use chrono::{Duration, TimeZone, Utc};
        use sea_orm::ConnectionTrait;
        use server::domain::audit::{EventType, NewEvent};

        let account_id = h.account("acme").await;
        let user_id = h.user(account_id, "ci-bot").await;
        let owner = Principal::Owner { account_id };
        let whole = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let fraction = whole + Duration::microseconds(123_456);
        let agent = "Agent/1.0 é".repeat(60);
        let event = |at, name: &str| NewEvent {
            account_id,
            at,
            name: name.to_owned(),
            access: server::gateway::actions::access_of(name),
            event_type: EventType::ApiCall,
            service: "ims",
            request_id: "REQ-1".to_owned(),
            source_ip: Some("2001:db8::7".parse().unwrap()),
            user_agent: agent.clone(),
            parameters: vec![
                ("UserName".to_owned(), "ci-bot \"quoted\" ünï".to_owned()),
                ("AccessKeySecret".to_owned(), "must-not-be-kept".to_owned()),
                ("NewPassword".to_owned(), "must-not-be-kept".to_owned()),
            ],
            error: Some((
                "EntityNotExist.User".to_owned(),
                "The user does not exist.".to_owned(),
            )),
            user_id: Some(user_id),
            access_key_id: Some("LTAI00000000000000000001".to_owned()),
            referenced_access_key_id: None,
        };
        h.svc.audit.record(event(whole, "CreateAccessKey"));
        h.svc.audit.record(event(fraction, "ListAccessKeys"));
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 2);

        let rows = audit_event::Entity::find().all(&h.svc.db).await.unwrap();
        let stored = rows
            .iter()
            .find(|r| r.event_name == "CreateAccessKey")
            .unwrap();
        assert_eq!(stored.account_id, account_id);
        assert_eq!(stored.event_time, whole);
        assert_eq!(
            (stored.event_type.as_str(), stored.event_rw.as_str()),
            ("ApiCall", "Write")
        );
        assert_eq!(stored.service_name, "ims");
        assert_eq!(stored.request_id, "REQ-1");
        assert_eq!(stored.source_ip.as_deref(), Some("2001:db8::7"));
        assert_eq!(stored.user_agent.chars().count(), 512);
        assert!(agent.starts_with(&stored.user_agent));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&stored.request_parameters).unwrap(),
            serde_json::json!({ "UserName": "ci-bot \"quoted\" ünï" })
        );
        assert_eq!(stored.error_code.as_deref(), Some("EntityNotExist.User"));
        assert_eq!(
            stored.error_message.as_deref(),
            Some("The user does not exist.")
        );
        assert_eq!(stored.principal_type, "ram-user");
        assert_eq!(stored.user_id, Some(user_id));
        assert_eq!(
            stored.access_key_id.as_deref(),
            Some("LTAI00000000000000000001")
        );
        assert_eq!(stored.referenced_access_key_id, None);
        assert_eq!(stored.event_id.len(), 36);
        let listed = rows
            .iter()
            .find(|r| r.event_name == "ListAccessKeys")
            .unwrap();
        assert_eq!(
            (listed.event_time, listed.event_rw.as_str()),
            (fraction, "Read")
        );
        assert_ne!(listed.event_id, stored.event_id);

        // Time ranges bound to either event find exactly it.
        for (at, name) in [(whole, "CreateAccessKey"), (fraction, "ListAccessKeys")] {
            let filter = EventFilter {
                from: Some(at),
                to: Some(at),
                ..Default::default()
            };
            let page = audit::search(&h.svc, &Requester::plain(owner), &filter, None, 50)
                .await
                .unwrap();
            let names: Vec<&str> = page
                .events
                .iter()
                .map(|r| r.event.event_name.as_str())
                .collect();
            assert_eq!(names, [name], "events at {at}");
        }

        // A database that refuses the batch: the events wait for the next flush.
        let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
        h.svc
            .db
            .execute_unprepared(&rename("audit_events", "audit_events_away"))
            .await
            .unwrap();
        h.svc.audit.record(event(whole, "DeleteAccessKey"));
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 0);
        h.svc
            .db
            .execute_unprepared(&rename("audit_events_away", "audit_events"))
            .await
            .unwrap();
        h.svc.audit.record(event(whole, "UpdateAccessKey"));
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 2);
        let names = stored_event_names(&h.svc.db).await;
        assert_eq!(names.len(), 4);
        assert!(names.contains(&"DeleteAccessKey".to_owned()));
    })
    .await;
}

/// The hourly purge keeps 90 days of events, in every account, and nothing older.
#[tokio::test]
async fn events_older_than_ninety_days_are_purged() {
    on_every_database(|h| async move {
        use chrono::Duration;
        use server::domain::audit::NewEvent;
        use server::infra::clock::Clock;

        let accounts = [h.account("acme").await, h.account("other").await];
        let now = h.clock.now();
        let event = |account_id, age: Duration, name: &str| {
            NewEvent::api_call(
                account_id,
                now - age,
                name,
                server::domain::audit::Access::Write,
                "ram",
                uuid::Uuid::new_v4().to_string(),
            )
        };
        for account_id in accounts {
            h.svc
                .audit
                .record(event(account_id, Duration::days(91), "Expired"));
            h.svc.audit.record(event(
                account_id,
                Duration::days(90) - Duration::minutes(1),
                "Kept",
            ));
            h.svc
                .audit
                .record(event(account_id, Duration::zero(), "Kept"));
        }
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 6);

        assert_eq!(
            server::jobs::purge_expired_audit_events(&h.svc)
                .await
                .unwrap(),
            2
        );
        let names = stored_event_names(&h.svc.db).await;
        assert_eq!(names, ["Kept"; 4]);
        assert_eq!(
            server::jobs::purge_expired_audit_events(&h.svc)
                .await
                .unwrap(),
            0
        );

        // Two minutes later, the events that were a minute short of 90 days go too.
        h.clock.advance(Duration::minutes(2));
        assert_eq!(
            server::jobs::purge_expired_audit_events(&h.svc)
                .await
                .unwrap(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_virtual_mfa_device_binds_with_two_consecutive_codes_and_then_replaces_the_phone() {
    use server::domain::mfa;
    use server::domain::verification::{self, Purpose};
    use server::infra::clock::Clock;
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let owner = Principal::Owner { account_id };
        assert!(!mfa::is_bound(&h.svc, owner).await.unwrap());
        let enrollment = mfa::start_binding(
            &h.svc,
            owner,
            "owner@acme.example.com",
            "correct horse battery",
        )
        .await
        .unwrap();
        assert!(enrollment.otpauth_url.starts_with("otpauth://totp/"));
        assert!(enrollment.qr_svg.contains("<svg"));
        let key = enrollment.secret_base32.to_string();
        let now = h.clock.now().timestamp();

        // Two codes that are not consecutive, or a wrong one, bind nothing.
        let wrong = mfa::confirm_binding(
            &h.svc,
            owner,
            &app_code(&key, now),
            &app_code(&key, now + 60),
        )
        .await;
        assert!(
            matches!(
                wrong,
                Err(DomainError::Verification(
                    VerificationError::MfaNotConsecutive
                ))
            ),
            "{wrong:?}"
        );
        assert!(!mfa::is_bound(&h.svc, owner).await.unwrap());
        mfa::confirm_binding(
            &h.svc,
            owner,
            &app_code(&key, now - 30),
            &app_code(&key, now),
        )
        .await
        .unwrap();
        assert!(mfa::is_bound(&h.svc, owner).await.unwrap());

        // The key is sealed: nothing of it in the database in plaintext.
        let rows = server::infra::entities::mfa_device::Entity::find()
            .all(&h.svc.db)
            .await
            .unwrap();
        assert!(!format!("{rows:?}").contains(&key));

        // A code is good once; the phone is no longer asked.
        h.clock.advance(chrono::Duration::seconds(30));
        let later = h.clock.now().timestamp();
        let sent = verification::send_code(&h.svc, owner, Purpose::CreateAccessKey).await;
        assert!(
            matches!(
                sent,
                Err(DomainError::Verification(VerificationError::UseMfaDevice))
            ),
            "codes come from the device now: {:?}",
            sent.err()
        );
        verification::confirm(
            &h.svc,
            owner,
            Purpose::CreateAccessKey,
            &app_code(&key, later),
        )
        .await
        .unwrap();
        let replay = verification::confirm(
            &h.svc,
            owner,
            Purpose::CreateAccessKey,
            &app_code(&key, later),
        )
        .await;
        assert!(
            matches!(
                replay,
                Err(DomainError::Verification(VerificationError::MfaIncorrect))
            ),
            "the same code twice: {replay:?}"
        );

        // Unbinding needs a current code: one digit off is refused.
        h.clock.advance(chrono::Duration::seconds(30));
        let current = app_code(&key, h.clock.now().timestamp());
        let off_by_one: String = current
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    char::from(b'0' + (c as u8 - b'0' + 1) % 10)
                } else {
                    c
                }
            })
            .collect();
        let unbind = mfa::unbind(&h.svc, owner, &off_by_one).await;
        assert!(
            matches!(
                unbind,
                Err(DomainError::Verification(VerificationError::MfaIncorrect))
            ),
            "{unbind:?}"
        );
        assert!(mfa::is_bound(&h.svc, owner).await.unwrap());
        mfa::unbind(&h.svc, owner, &app_code(&key, h.clock.now().timestamp()))
            .await
            .unwrap();
        assert!(!mfa::is_bound(&h.svc, owner).await.unwrap());
    })
    .await;
}

/// A caller chooses its user agent: exported, a cell that starts like a formula stays text.
#[tokio::test]
async fn an_exported_cell_that_starts_like_a_formula_is_text_to_a_spreadsheet() {
    on_every_database(|h| async move {
        use server::domain::audit::{Access, NewEvent};
        use server::infra::clock::Clock;

        let account_id = h.account("acme").await;
        for agent in [
            "=HYPERLINK(\"http://x.example\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "sdk/1.0",
        ] {
            h.svc.audit.record(NewEvent {
                user_agent: agent.to_owned(),
                ..NewEvent::api_call(
                    account_id,
                    h.clock.now(),
                    "ListUsers",
                    Access::Read,
                    "ram",
                    uuid::Uuid::new_v4().to_string(),
                )
            });
        }
        h.svc.audit.flush(&h.svc.db).await;
        let csv = audit::export_csv(
            h.svc.clone(),
            Requester::plain(Principal::Owner { account_id }),
            &EventFilter::default(),
        )
        .await
        .unwrap();
        let mut agents: Vec<String> = csv::Reader::from_reader(csv.as_slice())
            .records()
            .map(|record| record.unwrap()[10].to_owned())
            .collect();
        agents.sort();
        assert_eq!(
            agents,
            [
                "'\tx",
                "'+1",
                "'-2",
                "'=HYPERLINK(\"http://x.example\")",
                "'@SUM(A1)",
                "sdk/1.0"
            ],
            "{}",
            h.backend
        );
    })
    .await;
}

/// What a caller puts in a call cannot keep its event out of the trail: a NUL and overlong
/// fields are fitted to their columns, and an event the database refuses for its content (a
/// trigger or constraint, standing in for any such refusal) is set aside alone while the rest of
/// its batch is written.
#[tokio::test]
async fn a_malformed_or_refused_event_never_keeps_the_rest_of_its_batch_out() {
    on_every_database(|h| async move {
        use sea_orm::ConnectionTrait;
        use server::domain::audit::{Access, NewEvent};
        use server::infra::clock::Clock;
        use std::sync::atomic::Ordering;

        let account_id = h.account("acme").await;
        let event = |name: &str, request_id: &str| {
            NewEvent::api_call(
                account_id,
                h.clock.now(),
                name,
                Access::Read,
                "ram",
                request_id.to_owned(),
            )
        };
        let hostile = format!("List\0Users{}", "x".repeat(200));
        h.svc.audit.record(event(&hostile, "REQ-NUL"));
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 1, "{}", h.backend);
        let names = stored_event_names(&h.svc.db).await;
        assert_eq!(names.len(), 1);
        assert_eq!(names[0].chars().count(), 64, "{}", h.backend);
        assert!(
            names[0].starts_with("List\u{FFFD}Usersxxx"),
            "{}",
            h.backend
        );

        let poison = match h.backend {
            "postgres" => {
                "ALTER TABLE audit_events ADD CONSTRAINT poison CHECK (request_id <> 'POISON')"
            }
            _ => {
                "CREATE TRIGGER poison BEFORE INSERT ON audit_events \
                  WHEN NEW.request_id = 'POISON' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"
            }
        };
        h.svc.db.execute_unprepared(poison).await.unwrap();
        for i in 0..9 {
            let request_id = if i == 5 {
                "POISON".to_owned()
            } else {
                format!("REQ-{i}")
            };
            h.svc.audit.record(event("ListUsers", &request_id));
        }
        assert_eq!(h.svc.audit.flush(&h.svc.db).await, 8, "{}", h.backend);
        assert_eq!(h.svc.audit.counts.dead_lettered.load(Ordering::Relaxed), 1);
        assert_eq!(h.svc.audit.backlog(), 0, "nothing is kept to fail again");
        assert_eq!(stored_event_names(&h.svc.db).await.len(), 9);
    })
    .await;
}

/// A call that does not prove it holds its key writes nothing its sender chose into the key's
/// trail (no parameters, no made-up event name), and one source cannot fill that trail: past its
/// burst its events are only counted, while another source's are still written.
#[tokio::test]
async fn an_unverified_call_records_nothing_it_chose_and_one_source_cannot_flood_the_trail() {
    on_every_database(|h| async move {
        use server::domain::audit::UNVERIFIED_EVENTS_BURST;
        use std::sync::atomic::Ordering;

        let account_id = h.account("acme").await;
        let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
            .await
            .unwrap();
        let id = key.key.access_key_id.as_str();
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let flood = UNVERIFIED_EVENTS_BURST as usize + 10;
        for i in 0..flood {
            let action = if i == 0 {
                "Forged\u{1}Action"
            } else {
                "CreateUser"
            };
            let (status, body) = call(
                &h,
                &gateway,
                (id, "not-the-secret"),
                action,
                &[("UserName", "chosen-by-the-caller")],
                "127.0.0.7",
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(body["Code"], "SignatureDoesNotMatch");
        }
        let (_, body) = call(&h, &gateway, (id, "wrong"), "ListUsers", &[], "127.0.0.8").await;
        assert_eq!(body["Code"], "SignatureDoesNotMatch");
        h.svc.audit.flush(&h.svc.db).await;

        let rows = audit_event::Entity::find().all(&h.svc.db).await.unwrap();
        let from = |ip: &str| {
            rows.iter()
                .filter(|r| r.source_ip.as_deref() == Some(ip))
                .count()
        };
        assert_eq!(
            from("127.0.0.7"),
            UNVERIFIED_EVENTS_BURST as usize,
            "{}",
            h.backend
        );
        assert_eq!(from("127.0.0.8"), 1, "another source is still heard");
        assert_eq!(
            gateway
                .metrics
                .unverified_events_suppressed
                .load(Ordering::Relaxed),
            10
        );
        for row in &rows {
            assert_eq!(row.request_parameters, "{}", "{row:?}");
            assert_eq!(row.error_code.as_deref(), Some("SignatureDoesNotMatch"));
            assert_eq!(row.access_key_id.as_deref(), Some(id));
        }
        let mut names: Vec<&str> = rows.iter().map(|r| r.event_name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names,
            ["CreateUser", "ListUsers", "Unknown"],
            "{}",
            h.backend
        );
    })
    .await;
}

/// When the audit trail cannot keep up (its backlog is full), the API refuses new calls with a
/// retryable 503 instead of acting without a record; once the writer catches up, calls go through.
#[tokio::test]
async fn a_full_audit_backlog_refuses_calls_until_the_writer_catches_up() {
    use server::domain::audit::{Access, AuditTrail, NewEvent};
    use server::infra::clock::Clock;

    let h = Harness::new("sqlite", "sqlite::memory:").await;
    let account_id = h.account("acme").await;
    let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    let pair = (key.key.access_key_id.as_str(), key.secret.to_string());
    let gateway = Arc::new(Gateway::new(h.svc.clone()));
    let queued = NewEvent::api_call(
        account_id,
        h.clock.now(),
        "ListUsers",
        Access::Read,
        "ram",
        "R".into(),
    );
    for _ in 0..AuditTrail::BACKLOG_LIMIT {
        h.svc.audit.record(queued.clone());
    }
    let (status, body) = call(
        &h,
        &gateway,
        (pair.0, &pair.1),
        "ListUsers",
        &[],
        "127.0.0.1",
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["Code"], "ServiceUnavailable");

    h.svc.audit.flush(&h.svc.db).await;
    let (status, body) = call(
        &h,
        &gateway,
        (pair.0, &pair.1),
        "ListUsers",
        &[],
        "127.0.0.1",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The export streams: however many events match, it holds one page of them at a time, and
/// every event arrives once, newest first, after one header.
#[tokio::test]
async fn the_csv_export_comes_a_page_at_a_time_and_misses_nothing() {
    use server::domain::audit::{Access, CsvExport, NewEvent, EXPORT_PAGE};
    use server::infra::clock::Clock;

    let h = Harness::new("sqlite", "sqlite::memory:").await;
    let account_id = h.account("acme").await;
    let total = 2 * EXPORT_PAGE as usize + 500;
    for i in 0..total {
        h.svc.audit.record(NewEvent::api_call(
            account_id,
            h.clock.now() + chrono::Duration::milliseconds(i as i64),
            "ListUsers",
            Access::Read,
            "ram",
            format!("REQ-{i:05}"),
        ));
    }
    h.svc.audit.flush(&h.svc.db).await;
    let mut export = CsvExport::new(
        h.svc.clone(),
        Requester::plain(Principal::Owner { account_id }),
        EventFilter::default(),
    );
    let mut chunks = Vec::new();
    while let Some(chunk) = export.next_chunk().await.unwrap() {
        chunks.push(String::from_utf8(chunk).unwrap());
    }
    let rows: Vec<usize> = chunks.iter().map(|c| c.lines().count()).collect();
    assert_eq!(rows, [EXPORT_PAGE as usize + 1, EXPORT_PAGE as usize, 500]);
    let all = chunks.concat();
    let request_ids: Vec<&str> = all
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(11).unwrap())
        .collect();
    let newest_first: Vec<String> = (0..total).rev().map(|i| format!("REQ-{i:05}")).collect();
    assert_eq!(request_ids, newest_first);
    assert!(all.starts_with("eventTime,eventName,"));
}
