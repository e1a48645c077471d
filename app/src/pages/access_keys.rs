use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::components::access_key_management::AccessKeyManagement;
use crate::error::ConsoleError;
use crate::model::AccessKeyList;

/// The account's own AccessKey pairs ("Use Current AccessKey Pair"). A lazy route: the page, its
/// dialogs and its data loading are a wasm chunk of their own, outside the main module.
pub struct AccessKeysPage;

#[lazy_route]
impl LazyRoute for AccessKeysPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let keys: Resource<Result<AccessKeyList, ConsoleError>> =
            Resource::new(|| (), |_| list_access_keys(None));
        view! {
            <Title text="AccessKey Management"/>
            <h1>"AccessKey Management"</h1>
            <div class="banner warning">
                "The AccessKey pair of your account has full permissions on all resources of the account. \
                 We recommend that you use the AccessKey pair of a RAM user to call API operations. "
                <a href="/ram/users">"Use AccessKey Pair of RAM User"</a>
            </div>
            <AccessKeyManagement keys user=None/>
        }
        .into_any()
    }
}
