use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::components::access_key_management::AccessKeyManagement;
use crate::error::ConsoleError;
use crate::model::{AccessKeyList, Identity};

/// The account's own AccessKey pairs ("Use Current AccessKey Pair"). A lazy route: the page, its
/// dialogs and its data loading are a wasm chunk of their own, outside the main module.
pub struct AccessKeysPage;

#[lazy_route]
impl LazyRoute for AccessKeysPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let identity = expect_context::<Identity>();
        let keys: Resource<Result<AccessKeyList, ConsoleError>> =
            Resource::new(|| (), |_| list_access_keys(None));
        let sees_account_policy = identity.user_name.is_none() || identity.can_view_users;
        let intro = match identity.user_name {
            None => view! {
                <div class="banner warning">
                    "The AccessKey pair of your account has full permissions on all resources of the account. \
                     We recommend that you use the AccessKey pair of a RAM user to call API operations. "
                    <a href="/ram/users">"Use AccessKey Pair of RAM User"</a>
                </div>
            }
            .into_any(),
            Some(name) => view! {
                <p class="page-intro">"The AccessKey pairs of your RAM user " <strong>{name}</strong> "."</p>
            }
            .into_any(),
        };
        view! {
            <Title text="AccessKey Management"/>
            <h1>"AccessKey Management"</h1>
            {intro}
            {sees_account_policy.then(|| view! {
                <p class="page-links">
                    <a href="/access-keys/network-policy">"Network Access Control"</a>
                    " — the account-level allow list of addresses API calls may come from."
                </p>
            })}
            <AccessKeyManagement keys user=None/>
        }
        .into_any()
    }
}
