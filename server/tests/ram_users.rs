//! RAM users: the API's naming rules, duplicates, and paging.
mod support;

use server::error::DomainError;
use server::ram_users::{self, NewRamUser};
use support::on_every_database;

fn named(name: &str) -> NewRamUser {
    NewRamUser {
        name: name.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_user_is_created_with_defaults_and_names_are_unique_per_account() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let other = h.account("other").await;
        let user = ram_users::create(&h.svc, acme, named("ci-bot")).await.unwrap();
        assert_eq!((user.name.as_str(), user.display_name.as_str()), ("ci-bot", "ci-bot"), "{}", h.backend);
        assert_eq!(user.access_key_count, 0);

        let again = ram_users::create(&h.svc, acme, named("ci-bot")).await;
        assert!(matches!(again, Err(DomainError::Conflict(ref m)) if m == "The user does already EXIST."));
        ram_users::create(&h.svc, other, named("ci-bot")).await.expect("another account may reuse the name");
        assert!(matches!(ram_users::find(&h.svc, other, "nobody").await, Err(DomainError::NotFound(_))));
    })
    .await;
}

#[tokio::test]
async fn bad_fields_get_the_documented_codes_and_write_nothing() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        let cases = [
            (named("ci bot"), "InvalidParameter.UserName.InvalidChars"),
            (named(&"a".repeat(65)), "InvalidParameter.UserName.Length"),
            (
                NewRamUser {
                    display_name: Some("d".repeat(129)),
                    ..named("a")
                },
                "InvalidParameter.DisplayName.Length",
            ),
            (
                NewRamUser {
                    comments: Some("c".repeat(129)),
                    ..named("a")
                },
                "InvalidParameter.Comments.Length",
            ),
            (
                NewRamUser {
                    email: Some("nope".to_owned()),
                    ..named("a")
                },
                "InvalidParameter.Email.Format",
            ),
            (
                NewRamUser {
                    mobile_phone: Some("12345".to_owned()),
                    ..named("a")
                },
                "InvalidParameter.MobilePhone.Format",
            ),
        ];
        for (user, expected) in cases {
            match ram_users::create(&h.svc, acme, user).await {
                Err(DomainError::Invalid { code, .. }) => {
                    assert_eq!(code, expected, "{}", h.backend)
                }
                other => panic!("{expected}: got {other:?}"),
            }
        }
        assert_eq!(ram_users::count(&h.svc, acme).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn users_page_by_marker_in_creation_order() {
    on_every_database(|h| async move {
        let acme = h.account("acme").await;
        for i in 0..5 {
            h.user(acme, &format!("user-{i}")).await;
        }
        let first = ram_users::list(&h.svc, acme, None, 2).await.unwrap();
        let names = |page: &ram_users::UserPage| {
            page.users
                .iter()
                .map(|u| u.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&first), ["user-0", "user-1"], "{}", h.backend);
        let second = ram_users::list(&h.svc, acme, first.next_marker, 2)
            .await
            .unwrap();
        assert_eq!(names(&second), ["user-2", "user-3"]);
        let last = ram_users::list(&h.svc, acme, second.next_marker, 2)
            .await
            .unwrap();
        assert_eq!(names(&last), ["user-4"]);
        assert_eq!(last.next_marker, None);
    })
    .await;
}
