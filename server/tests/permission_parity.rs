//! Both front doors ask the one policy engine: every operation, called through the console's
//! server function and through the signed API by the same principal, is allowed or refused
//! alike. The principals: the owner, a RAM administrator, a read-only user, a plain user (with
//! and without the security preference that lets it manage its own keys) and a user with a
//! custom policy. Every call is aimed so that an allowed one changes nothing that matters to the
//! next: a user that does not exist, a value the operation refuses after authorizing.
mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use server::domain::access_keys::{self, KeyOwner};
use server::domain::custom_policies;
use server::domain::permissions::attachments::{self, Grantee};
use server::domain::policy::PolicyType;
use server::domain::ram_users;
use server::gateway::Gateway;
use support::api_client::v1_call;
use support::console_client::Caller;
use support::{on_every_database, Harness};

const PASSWORD: &str = "a long passphrase";

/// One principal, at both doors.
struct Both {
    name: &'static str,
    console: Caller,
    key: (String, String),
}

/// An operation: its console server function and form, and the same through the API.
struct Operation {
    console: (&'static str, Vec<(&'static str, String)>),
    api: (&'static str, Vec<(&'static str, String)>),
}

fn op(
    console: &'static str,
    form: &[(&'static str, &str)],
    api: &'static str,
    params: &[(&'static str, &str)],
) -> Operation {
    let owned = |pairs: &[(&'static str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .collect::<Vec<_>>()
    };
    Operation {
        console: (console, owned(form)),
        api: (api, owned(params)),
    }
}

/// The operations both doors offer, aimed at `self_name` where one acts on the caller itself.
fn operations(self_name: &str) -> Vec<Operation> {
    vec![
        op("list_users", &[("query", "")], "ListUsers", &[]),
        op(
            "get_user",
            &[("name", "target")],
            "GetUser",
            &[("UserName", "target")],
        ),
        op(
            "get_user",
            &[("name", self_name)],
            "GetUser",
            &[("UserName", self_name)],
        ),
        op(
            "create_user",
            &[
                ("form[name]", "not a valid name"),
                ("form[display_name]", "x"),
                ("form[email]", ""),
                ("form[mobile_phone]", ""),
                ("form[comments]", ""),
                ("form[console_password]", ""),
            ],
            "CreateUser",
            &[("UserName", "not a valid name")],
        ),
        op(
            "update_user",
            &[
                ("name", "ghost"),
                ("edit[display_name]", "x"),
                ("edit[email]", ""),
                ("edit[mobile_phone]", ""),
                ("edit[comments]", ""),
            ],
            "UpdateUser",
            &[("UserName", "ghost")],
        ),
        op(
            "delete_user",
            &[("name", "ghost")],
            "DeleteUser",
            &[("UserName", "ghost")],
        ),
        op(
            "list_access_keys",
            &[("user", "target")],
            "ListAccessKeys",
            &[("UserName", "target")],
        ),
        op("list_access_keys", &[], "ListAccessKeys", &[]),
        op(
            "set_access_key_status",
            &[
                ("user", "target"),
                ("access_key_id", "LTAI000000000000000ghost"),
                ("status", "Inactive"),
            ],
            "UpdateAccessKey",
            &[
                ("UserName", "target"),
                ("UserAccessKeyId", "LTAI000000000000000ghost"),
                ("Status", "Inactive"),
            ],
        ),
        op(
            "set_access_key_status",
            &[
                ("access_key_id", "LTAI000000000000000ghost"),
                ("status", "Inactive"),
            ],
            "UpdateAccessKey",
            &[
                ("UserAccessKeyId", "LTAI000000000000000ghost"),
                ("Status", "Inactive"),
            ],
        ),
        op(
            "delete_access_key",
            &[
                ("user", "target"),
                ("access_key_id", "LTAI000000000000000ghost"),
            ],
            "DeleteAccessKey",
            &[
                ("UserName", "target"),
                ("UserAccessKeyId", "LTAI000000000000000ghost"),
            ],
        ),
        op("get_security_settings", &[], "GetSecurityPreference", &[]),
        op(
            "save_security_settings",
            &[("changes[login_network_masks]", "not an address")],
            "SetSecurityPreference",
            &[("LoginNetworkMasks", "not an address")],
        ),
        op(
            "get_network_policy",
            &[],
            "GetAccessKeyPolicyForAccount",
            &[("Version", "2019-08-15")],
        ),
        op(
            "list_recycle_bin",
            &[],
            "ListUsersInRecycleBin",
            &[("Version", "2019-08-15")],
        ),
        op(
            "restore_user",
            &[("user_id", "999999")],
            "RestoreUserFromRecycleBin",
            &[("Version", "2019-08-15"), ("UserId", "999999")],
        ),
        op(
            "set_policy_attached",
            &[
                ("name", "ghost"),
                ("policy", "AliyunRAMReadOnlyAccess"),
                ("attached", "true"),
            ],
            "AttachPolicyToUser",
            &[
                ("UserName", "ghost"),
                ("PolicyType", "System"),
                ("PolicyName", "AliyunRAMReadOnlyAccess"),
            ],
        ),
    ]
}

async fn principals(h: &Harness, alias: &str, self_managed: bool) -> Vec<Both> {
    let account_id = h.account(alias).await;
    let owner_key = access_keys::create(&h.svc, KeyOwner::Account { account_id })
        .await
        .unwrap();
    let mut all = vec![Both {
        name: "owner",
        console: Caller::signed_in(
            h.svc.clone(),
            &format!("owner@{alias}.example.com"),
            "correct horse battery",
        )
        .await,
        key: (
            owner_key.key.access_key_id.clone(),
            owner_key.secret.to_string(),
        ),
    }];
    h.user(account_id, "target").await;
    custom_policies::create(
        &h.svc,
        account_id,
        "ReadUsers",
        &format!(
            r#"{{"Version":"1","Statement":[{{"Effect":"Allow","Action":["ram:ListUsers","ram:GetUser"],"Resource":"acs:ram:*:{account_id}:user/*"}}]}}"#
        ),
        None,
    )
    .await
    .unwrap();
    for (name, policy) in [
        ("admin", Some((PolicyType::System, "AliyunRAMFullAccess"))),
        (
            "reader",
            Some((PolicyType::System, "AliyunRAMReadOnlyAccess")),
        ),
        ("plain", None),
        ("custom", Some((PolicyType::Custom, "ReadUsers"))),
    ] {
        let user_id = h.user(account_id, name).await;
        ram_users::set_console_password(&h.svc, account_id, user_id, Some(PASSWORD.into()))
            .await
            .unwrap();
        if let Some((policy_type, policy)) = policy {
            attachments::attach(&h.svc, account_id, policy_type, policy, Grantee::User(name))
                .await
                .unwrap();
        }
        let key = access_keys::create(
            &h.svc,
            KeyOwner::User {
                account_id,
                user_id,
            },
        )
        .await
        .unwrap();
        all.push(Both {
            name,
            console: Caller::signed_in(
                h.svc.clone(),
                &format!("{name}@{alias}.onaliyun.com"),
                PASSWORD,
            )
            .await,
            key: (key.key.access_key_id.clone(), key.secret.to_string()),
        });
    }
    if self_managed {
        h.allow_users_to_manage_own_keys(account_id).await;
    }
    all
}

#[tokio::test]
async fn both_doors_allow_and_refuse_alike() {
    on_every_database(|h| async move {
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let mut refused_somewhere = 0;
        let mut allowed_somewhere = 0;
        for (alias, self_managed) in [("acme", false), ("selfserve", true)] {
            for who in principals(&h, alias, self_managed).await {
                for operation in operations(who.name) {
                    let (endpoint, form) = &operation.console;
                    let form: Vec<(&str, &str)> =
                        form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let (status, body) = who.console.call(endpoint, &form).await;
                    let console_refused = status == StatusCode::FORBIDDEN;
                    let (action, params) = &operation.api;
                    let params: Vec<(&str, &str)> =
                        params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let pair = (who.key.0.as_str(), who.key.1.as_str());
                    let (_, answer) =
                        v1_call(&h, &gateway, pair, action, &params, "127.0.0.1").await;
                    let api_refused = answer["Code"] == "NoPermission";
                    assert!(
                        !answer["Code"].as_str().is_some_and(|code| {
                            code.starts_with("InvalidApi") || code.starts_with("Missing")
                        }),
                        "the API understood the call: {action} {answer}"
                    );
                    assert_eq!(
                        console_refused,
                        api_refused,
                        "{} ({alias}) {action} {params:?}: console {status} {body}, API {answer} ({})",
                        who.name,
                        h.backend
                    );
                    if api_refused {
                        refused_somewhere += 1;
                        assert!(
                            answer["AccessDeniedDetail"]["AuthAction"] == format!("ram:{action}"),
                            "{answer}"
                        );
                        assert!(body.contains(&format!("ram:{action}")), "the console names it: {body}");
                    } else {
                        allowed_somewhere += 1;
                    }
                }
            }
        }
        assert!(refused_somewhere > 20 && allowed_somewhere > 20);
    })
    .await;
}

/// A few decisions the table above makes, said outright.
#[tokio::test]
async fn who_may_do_what_at_either_door() {
    on_every_database(|h| async move {
        let gateway = Arc::new(Gateway::new(h.svc.clone()));
        let acme = principals(&h, "acme", false).await;
        let selfserve = principals(&h, "selfserve", true).await;
        let refused = |who: &Both, action: &'static str, params: Vec<(&'static str, String)>| {
            let gateway = gateway.clone();
            let pair = (who.key.0.clone(), who.key.1.clone());
            let h = &h;
            async move {
                let params: Vec<(&str, &str)> =
                    params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (_, answer) = v1_call(
                    h,
                    &gateway,
                    (&pair.0, &pair.1),
                    action,
                    &params,
                    "127.0.0.1",
                )
                .await;
                answer["Code"] == "NoPermission"
            }
        };
        let find = |all: &[Both], name: &str| all.iter().position(|b| b.name == name).unwrap();
        let custom = &acme[find(&acme, "custom")];
        assert!(!refused(custom, "GetUser", vec![("UserName", "target".into())]).await);
        assert!(refused(custom, "CreateUser", vec![("UserName", "x".into())]).await);
        let reader = &acme[find(&acme, "reader")];
        assert!(
            !refused(reader, "GetUser", vec![("UserName", "reader".into())]).await,
            "GetUser on oneself is allowed by a policy that allows GetUser"
        );
        let plain = &acme[find(&acme, "plain")];
        assert!(
            refused(plain, "GetUser", vec![("UserName", "plain".into())]).await,
            "and only by one: a user without policies may not read even itself"
        );
        assert!(refused(plain, "ListAccessKeys", vec![]).await);
        let plain = &selfserve[find(&selfserve, "plain")];
        assert!(!refused(plain, "ListAccessKeys", vec![]).await);
        assert!(refused(plain, "ListAccessKeys", vec![("UserName", "target".into())]).await);
        assert!(refused(plain, "GetUser", vec![("UserName", "plain".into())]).await);
    })
    .await;
}
