//! Every request the official SDKs sent (`tests/data/sdk-captures.txt`, secret `testsecret`)
//! verifies, through the same authentication the API runs, with the clock set to when they were
//! captured; a one-byte change to any signed part fails; replays and stale timestamps fail.
mod support;

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderName};
use chrono::{Duration, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, Set};
use server::gateway::auth::authenticate;
use server::gateway::request::{ApiRequest, Signed};
use server::gateway::signature::{sha256_hex, verify_v1, verify_v3};
use server::gateway::Gateway;
use server::infra::clock::Clock;
use server::infra::entities::access_key::{self, Status};
use support::{on_every_concurrent_database, on_every_database, Harness};

/// The raw requests of the captures file, parsed.
fn captures() -> Vec<ApiRequest> {
    let text = include_str!("data/sdk-captures.txt");
    text.split("-----BEGIN RAW REQUEST-----")
        .skip(1)
        .map(|chunk| {
            let raw = chunk.split("-----END RAW REQUEST-----").next().unwrap();
            let mut lines = raw.trim_start_matches(['\r', '\n']).lines();
            let mut request_line = lines.next().unwrap().split(' ');
            let method = request_line.next().unwrap();
            let target = request_line.next().unwrap();
            let (path, query) = match target.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (target, None),
            };
            let mut headers = HeaderMap::new();
            for line in lines.take_while(|l| !l.trim().is_empty()) {
                let (name, value) = line.split_once(':').unwrap();
                headers.append(
                    HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                    value.trim().parse().unwrap(),
                );
            }
            ApiRequest::new(method, path, query, headers, Vec::new())
        })
        .collect()
}

fn verifies(request: &ApiRequest, secret: &str) -> bool {
    match request.signed().expect("signed") {
        Signed::V3(auth) => {
            let body_hash = sha256_hex(&request.body);
            let string_to_sign = request.v3_string_to_sign(&auth, &body_hash);
            verify_v3(secret, &string_to_sign, auth.signature)
        }
        Signed::V1 { signature, .. } => verify_v1(secret, &request.v1_string_to_sign(), signature),
    }
}

#[test]
fn every_capture_verifies_and_a_one_byte_change_to_any_signed_part_does_not() {
    let requests = captures();
    assert_eq!(requests.len(), 11, "every capture in the file");
    let (mut v3, mut v1) = (0, 0);
    for request in &requests {
        assert!(verifies(request, "testsecret"), "{request:?}");
        assert!(!verifies(request, "testsecreT"));
        if let Signed::V3(auth) = request.signed().unwrap() {
            v3 += 1;
            assert_eq!(auth.access_key_id, "testid");
            for name in auth.signed_header_names() {
                let mut changed = request.clone();
                let value = format!("{}x", request.header(name).unwrap());
                changed.headers.insert(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
                assert!(!verifies(&changed, "testsecret"), "{name} changed");
            }
            let mut body = request.clone();
            body.body = b"x".to_vec();
            assert!(!verifies(&body, "testsecret"), "body changed");
        } else {
            v1 += 1;
        }
        for i in 0..request.query.len() {
            if request.query[i].0 == "Signature" {
                continue;
            }
            let mut changed = request.clone();
            changed.query[i].1.push('x');
            assert!(
                !verifies(&changed, "testsecret"),
                "{} changed",
                request.query[i].0
            );
        }
        let mut method = request.clone();
        method.method = "GET".into();
        assert!(!verifies(&method, "testsecret"), "method changed");
    }
    assert_eq!((v3, v1), (5, 6));
}

#[test]
fn actions_and_versions_come_from_headers_or_parameters() {
    let requests = captures();
    assert_eq!(
        requests[0].action_and_version(),
        (Some("CreateAccessKey"), Some("2015-05-01"))
    );
    assert_eq!(requests[0].param("UserName"), Some("alice"));
    let legacy = &requests[9];
    assert_eq!(
        legacy.action_and_version(),
        (Some("ListUsers"), Some("2015-05-01"))
    );
    assert_eq!(legacy.param("SignatureType"), Some(""));
}

/// An account whose own key is the captures' `testid` / `testsecret`.
async fn capture_key(h: &Harness) {
    let account_id = h.account("acme").await;
    let sealed = h.svc.secrets.seal("testid", "testsecret");
    access_key::ActiveModel {
        access_key_id: Set("testid".into()),
        account_id: Set(account_id),
        user_id: Set(None),
        status: Set(Status::Active),
        secret_ciphertext: Set(sealed.ciphertext),
        secret_nonce: Set(sealed.nonce),
        secret_key_version: Set(sealed.key_version),
        created_at: Set(h.clock.now()),
        updated_at: Set(h.clock.now()),
        last_used_at: Set(None),
        last_used_service: Set(None),
        last_used_ip: Set(None),
        recycled_at: Set(None),
        recycled_with_user: Set(false),
        network_policy: Set(None),
        leaked_at: Set(None),
    }
    .insert(&h.svc.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn captured_requests_authenticate_once_and_only_while_fresh() {
    on_every_database(|h| async move {
        capture_key(&h).await;
        // The harness starts at 09:00 UTC; the captures were made around 13:27.
        h.clock.advance(Duration::minutes(270));
        assert_eq!(
            h.clock.now(),
            Utc.with_ymd_and_hms(2026, 11, 22, 13, 30, 0).unwrap()
        );
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        for request in captures() {
            let caller = authenticate(&gateway, &request, h.clock.now())
                .await
                .unwrap_or_else(|e| panic!("{e} for {request:?}"));
            assert_eq!(caller.key.access_key_id, "testid");
            let replay = authenticate(&gateway, &request, h.clock.now())
                .await
                .err()
                .unwrap();
            assert_eq!(replay.code, "SignatureNonceUsed");
        }

        // Another instance remembers none of these nonces in memory; on a shared PostgreSQL
        // database it still refuses the replays (a SQLite database has a single instance).
        let other_instance = Arc::new(Gateway::new(h.svc.clone()));
        let elsewhere = authenticate(&other_instance, &captures()[0], h.clock.now()).await;
        if h.backend == "postgres" {
            assert_eq!(elsewhere.err().unwrap().code, "SignatureNonceUsed");
        } else {
            assert!(elsewhere.is_ok(), "{}", h.backend);
        }

        let fresh = Arc::new(Gateway::new(h.svc.clone()));
        h.clock.advance(Duration::minutes(20));
        let stale = authenticate(&fresh, &captures()[0], h.clock.now())
            .await
            .err()
            .unwrap();
        assert_eq!(
            (stale.code.as_ref(), stale.status.as_u16()),
            ("InvalidTimeStamp.Expired", 400)
        );
    })
    .await;
}

/// A V1 `ListUsers` call signed now with `key`, as an SDK would send it.
fn list_users_signed(id: &str, secret: &str) -> ApiRequest {
    use server::gateway::signature::{percent_encode, sign_v1, string_to_sign_v1};
    let nonce = uuid::Uuid::new_v4().to_string();
    let timestamp = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let params = [
        ("Action", "ListUsers"),
        ("Version", "2015-05-01"),
        ("Format", "JSON"),
        ("AccessKeyId", id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce.as_str()),
        ("Timestamp", timestamp.as_str()),
    ];
    let signature = sign_v1(secret, &string_to_sign_v1("GET", params));
    let query = params
        .iter()
        .chain([("Signature", signature.as_str())].iter())
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    ApiRequest::new("GET", "/", Some(&query), HeaderMap::new(), Vec::new())
}

#[tokio::test]
async fn a_key_disabled_on_one_instance_fails_on_another_within_a_second() {
    use server::domain::access_keys::{self, KeyOwner};

    let support::TwoInstances {
        one,
        two,
        account_id,
        ..
    } = support::two_instances().await;
    let owner = KeyOwner::Account { account_id };
    let key = access_keys::create(&one, owner).await.unwrap();
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.to_string());
    let gateway = Arc::new(Gateway::new(one.clone()));
    authenticate(&gateway, &list_users_signed(&id, &secret), Utc::now())
        .await
        .expect("works, and is cached now");

    // The other instance disables it; this one notices within the cache's lifetime.
    access_keys::set_status(&two, owner, &id, Status::Inactive)
        .await
        .unwrap();
    tokio::time::sleep(server::infra::cache::TTL + std::time::Duration::from_millis(50)).await;
    let refused = authenticate(&gateway, &list_users_signed(&id, &secret), Utc::now())
        .await
        .err()
        .unwrap();
    assert_eq!(refused.code, "InvalidAccessKeyId.Inactive");

    // On the instance that made the change, the very next call fails.
    access_keys::set_status(&one, owner, &id, Status::Active)
        .await
        .unwrap();
    authenticate(&gateway, &list_users_signed(&id, &secret), Utc::now())
        .await
        .expect("enabled again");
    access_keys::delete(&one, owner, &id, access_keys::DeleteGuard::AnyStatus)
        .await
        .unwrap();
    let refused = authenticate(&gateway, &list_users_signed(&id, &secret), Utc::now())
        .await
        .err()
        .unwrap();
    assert_eq!(
        (refused.code.as_ref(), refused.status.as_u16()),
        ("InvalidAccessKeyId.NotFound", 404)
    );
}

/// A V3 signature must cover what the server acts on: which action, which version, which body.
#[tokio::test]
async fn a_v3_signature_that_leaves_out_the_action_version_or_body_hash_is_incomplete() {
    on_every_database(|h| async move {
        capture_key(&h).await;
        h.clock.advance(Duration::minutes(270));
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let v3 = captures()
            .into_iter()
            .find(|r| matches!(r.signed(), Some(Signed::V3(_))))
            .expect("a V3 capture");
        for left_out in ["x-acs-action", "x-acs-version", "x-acs-content-sha256"] {
            let mut request = v3.clone();
            let authorization = request.headers["authorization"]
                .to_str()
                .unwrap()
                .to_owned();
            let fewer = authorization
                .replace(&format!("{left_out};"), "")
                .replace(&format!(";{left_out},"), ",");
            assert_ne!(fewer, authorization, "{left_out} was signed");
            request
                .headers
                .insert("authorization", fewer.parse().unwrap());
            let refused = authenticate(&gateway, &request, h.clock.now())
                .await
                .err()
                .unwrap();
            assert_eq!(refused.code, "IncompleteSignature", "without {left_out}");
        }
        authenticate(&gateway, &v3, h.clock.now())
            .await
            .expect("the capture as sent, after those refusals");
    })
    .await;
}

/// A new account's owner key: (account, AccessKey ID, secret).
async fn owner_key(h: &Harness) -> (i64, String, String) {
    use server::domain::access_keys::{self, KeyOwner};
    let account_id = h.account("acme").await;
    let created = access_keys::create(&h.svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    (
        account_id,
        created.key.access_key_id.clone(),
        created.secret.to_string(),
    )
}

/// A call refused for where it comes from spends nothing: the same signed request, from an
/// allowed address, still works once, and only once.
#[tokio::test]
async fn a_call_refused_by_its_network_policy_spends_no_nonce() {
    use server::domain::network_policy::{self, NetworkPolicy};
    use server::domain::principal::Principal;

    on_every_database(|h| async move {
        let (account_id, id, secret) = owner_key(&h).await;
        let policy = NetworkPolicy::from_entries(true, &["198.51.100.0/24".to_owned()]).unwrap();
        network_policy::set_key_policy(
            &h.svc,
            &server::domain::permissions::Requester::plain(Principal::Owner { account_id }),
            None,
            &id,
            &policy,
        )
        .await
        .unwrap();
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let mut request = list_users_signed(&id, &secret);
        request.source_ip = Some("203.0.113.9".parse().unwrap());
        let denied = authenticate(&gateway, &request, Utc::now())
            .await
            .err()
            .unwrap();
        assert_eq!(denied.code, "AccessKeyId.AccessPolicyDenied");

        request.source_ip = Some("198.51.100.7".parse().unwrap());
        authenticate(&gateway, &request, Utc::now())
            .await
            .unwrap_or_else(|e| panic!("the refused call spent its nonce: {e} ({})", h.backend));
        let replay = authenticate(&gateway, &request, Utc::now())
            .await
            .err()
            .unwrap();
        assert_eq!(replay.code, "SignatureNonceUsed");
    })
    .await;
}

/// A parameter sent twice is refused, whichever copy the signature covers: the server would
/// otherwise act on one copy while a proxy or a log read the other.
#[tokio::test]
async fn a_parameter_sent_twice_is_refused() {
    on_every_database(|h| async move {
        let (_, id, secret) = owner_key(&h).await;
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let mut request = list_users_signed(&id, &secret);
        request
            .query
            .push(("Action".to_owned(), "DeleteUser".to_owned()));
        let refused = authenticate(&gateway, &request, Utc::now())
            .await
            .err()
            .unwrap();
        assert_eq!(
            (refused.code.as_ref(), refused.status.as_u16()),
            ("InvalidParameter", 400)
        );
        authenticate(&gateway, &list_users_signed(&id, &secret), Utc::now())
            .await
            .expect("sent once, the same call works");
    })
    .await;
}

/// Two instances sharing PostgreSQL, each sent the same 200 signed requests at the same moment:
/// every request is accepted exactly once between them, though their claims are batched.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_sharing_postgresql_accept_each_nonce_once_even_at_the_same_moment() {
    on_every_concurrent_database(|h| async move {
        if h.backend != "postgres" {
            return; // a SQLite database has one instance
        }
        let (_, id, secret) = owner_key(&h).await;
        let one = Arc::new(Gateway::new(h.svc.clone()));
        let two = Arc::new(Gateway::new(h.svc.clone()));
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..200 {
            let request = list_users_signed(&id, &secret);
            for gateway in [&one, &two] {
                let (gateway, request) = (gateway.clone(), request.clone());
                calls.spawn(async move { authenticate(&gateway, &request, Utc::now()).await });
            }
        }
        let outcomes = calls.join_all().await;
        let accepted = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(accepted, 200);
        for refused in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert_eq!(refused.code, "SignatureNonceUsed", "{}", refused.message);
        }
    })
    .await;
}
