//! A change and its record are one: a write's audit event is in the database when its answer
//! arrives, before the queue of other events has been written; a failed write leaves neither the
//! change nor a written event behind, only a queued one.
mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use server::domain::access_keys::{self, KeyOwner};
use server::gateway::Gateway;
use server::infra::entities::{audit_event, ram_user};
use support::api_client::v1_call;
use support::{on_every_database, Harness};

/// Events of this name already written (the queue is not flushed here).
async fn written(h: &Harness, name: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::EventName.eq(name))
        .all(&h.svc.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_api_write_commits_with_its_event_and_a_read_waits_for_the_queue() {
    on_every_database(|h| async move {
        let account_id = h.account("acme").await;
        let key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
            .await
            .unwrap();
        let pair = (key.key.access_key_id.as_str(), key.secret.as_str());
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let call = |action: &'static str, params: &'static [(&'static str, &'static str)]| {
            let (h, gateway) = (h.clone(), gateway.clone());
            async move { v1_call(&h, &gateway, pair, action, params, "127.0.0.1").await }
        };

        let (status, body) = call("CreateUser", &[("UserName", "ci-bot")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let events = written(&h, "CreateUser").await;
        assert_eq!(
            events.len(),
            1,
            "{}: the event came with the user",
            h.backend
        );
        assert_eq!(
            (
                events[0].access_key_id.as_deref(),
                events[0].error_code.as_deref()
            ),
            (Some(pair.0), None)
        );
        assert!(events[0].request_parameters.contains("ci-bot"));

        let (status, body) = call("CreateAccessKey", &[("UserName", "ci-bot")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let created = body["AccessKey"]["AccessKeyId"].as_str().unwrap();
        let events = written(&h, "CreateAccessKey").await;
        assert_eq!(events.len(), 1, "{}", h.backend);
        assert_eq!(events[0].referenced_access_key_id.as_deref(), Some(created));

        // A write refused by the domain changes nothing and writes no event with it: its
        // failure is queued like a read.
        let (status, body) = call("CreateUser", &[("UserName", "ci-bot")]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(written(&h, "CreateUser").await.len(), 1, "{}", h.backend);
        let (status, _) = call("ListUsers", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            written(&h, "ListUsers").await.is_empty(),
            "reads are queued"
        );

        h.svc.audit.flush(&h.svc.db).await;
        let creates = written(&h, "CreateUser").await;
        assert_eq!(creates.len(), 2, "{}", h.backend);
        assert_eq!(
            creates
                .iter()
                .filter(|e| e.error_code.as_deref() == Some("EntityAlreadyExists.User"))
                .count(),
            1
        );
        assert_eq!(written(&h, "ListUsers").await.len(), 1);
        let users = ram_user::Entity::find().count(&h.svc.db).await.unwrap();
        assert_eq!(users, 1);
    })
    .await;
}

#[tokio::test]
async fn a_console_write_commits_with_its_event() {
    on_every_database(|h| async move {
        let owner = h.signed_in_owner("acme").await;
        assert_eq!(
            written(&h, "ConsoleSignin").await.len(),
            1,
            "{}: signing in is written with its sign-in",
            h.backend
        );
        let (status, body) = owner
            .call(
                "create_user",
                &[
                    ("form[name]", "ci-bot"),
                    ("form[display_name]", "CI"),
                    ("form[email]", ""),
                    ("form[mobile_phone]", ""),
                    ("form[comments]", ""),
                    ("form[console_password]", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let events = written(&h, "CreateUser").await;
        assert_eq!(events.len(), 1, "{}", h.backend);
        assert_eq!(
            (
                events[0].service_name.as_str(),
                events[0].error_code.as_deref()
            ),
            ("console", None)
        );

        let (status, _) = owner.call("delete_user", &[("name", "nobody")]).await;
        assert_ne!(status, StatusCode::OK);
        assert!(
            written(&h, "DeleteUser").await.is_empty(),
            "a failure is queued"
        );
        let (status, body) = owner.call("delete_user", &[("name", "ci-bot")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(written(&h, "DeleteUser").await.len(), 1, "{}", h.backend);
        h.svc.audit.flush(&h.svc.db).await;
        assert_eq!(written(&h, "DeleteUser").await.len(), 2);
    })
    .await;
}
