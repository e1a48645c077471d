//! The console's operations in the audit trail, recorded from their typed values: the operation's
//! name, that it wrote, the AccessKey it was about, and how it ended.
mod support;

use axum::http::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};
use server::infra::entities::audit_event;
use support::on_every_database;

async fn console_events(h: &support::Harness) -> Vec<audit_event::Model> {
    h.svc.audit.flush(&h.svc.db).await;
    audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(&h.svc.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|event| event.event_type == "ConsoleOperation")
        .collect()
}

#[tokio::test]
async fn creating_a_key_in_the_console_records_the_operation_its_key_and_its_result() {
    on_every_database(|h| async move {
        let owner = h.signed_in_owner("acme").await;
        let (sent, _) = owner.call("send_verification_code", &[]).await;
        assert_eq!(sent, StatusCode::OK);
        let code = h.sender.last_code();
        let wrong_code = if code == "000000" { "111111" } else { "000000" };
        let (wrong, _) = owner
            .call("create_access_key", &[("verification_code", wrong_code)])
            .await;
        assert_ne!(wrong, StatusCode::OK, "a wrong code creates nothing");
        let (created, body) = owner
            .call("create_access_key", &[("verification_code", code.as_str())])
            .await;
        assert_eq!(created, StatusCode::OK, "{body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        let access_key_id = answer["access_key_id"].as_str().unwrap().to_owned();

        let events = console_events(&h).await;
        let creations: Vec<_> = events
            .iter()
            .filter(|e| e.event_name == "CreateAccessKey")
            .collect();
        assert_eq!(creations.len(), 2, "{}: {events:#?}", h.backend);
        // The success was written with its key; the failure, which changed nothing, was queued.
        let (succeeded, failed) = (creations[0], creations[1]);
        assert_eq!(
            (
                succeeded.event_rw.as_str(),
                succeeded.service_name.as_str(),
                succeeded.referenced_access_key_id.as_deref(),
                succeeded.error_code.as_deref(),
            ),
            ("Write", "console", Some(access_key_id.as_str()), None)
        );
        assert_eq!(failed.event_rw, "Write");
        assert_eq!(
            failed.error_code.as_deref(),
            Some("InvalidVerificationCode"),
            "{}",
            h.backend
        );
        assert_eq!(failed.referenced_access_key_id, None);
        for event in &events {
            assert!(
                !event.request_parameters.contains(&code)
                    && !event.request_parameters.contains(wrong_code),
                "no code is kept: {}",
                event.request_parameters
            );
        }
    })
    .await;
}

#[tokio::test]
async fn signing_in_and_out_of_the_console_are_recorded_as_successes() {
    on_every_database(|h| async move {
        let owner = h.signed_in_owner("acme").await;
        let signed_out = owner.send("sign_out", &[]).await;
        assert!(
            signed_out.status().is_success() || signed_out.status().is_redirection(),
            "{:?}",
            signed_out.status()
        );
        let events = console_events(&h).await;
        let names: Vec<(&str, &str, Option<&str>)> = events
            .iter()
            .map(|e| {
                (
                    e.event_name.as_str(),
                    e.event_rw.as_str(),
                    e.error_code.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("ConsoleSignin", "Write", None),
                ("ConsoleSignout", "Write", None)
            ],
            "{}",
            h.backend
        );
    })
    .await;
}
