use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::components::access_key_management::AccessKeyManagement;
use crate::error::ConsoleError;
use crate::model::AccessKeyList;

/// The account's own AccessKey pairs ("Use Current AccessKey Pair"). A lazy route: the page and
/// its dialogs are a wasm chunk of their own, loaded alongside the key list.
pub struct AccessKeysPage {
    keys: Resource<Result<AccessKeyList, ConsoleError>>,
}

#[lazy_route]
impl LazyRoute for AccessKeysPage {
    fn data() -> Self {
        Self {
            keys: Resource::new(|| (), |_| list_access_keys(None)),
        }
    }

    fn view(this: Self) -> AnyView {
        view! {
            <Title text="AccessKey Management"/>
            <h1>"AccessKey Management"</h1>
            <div class="banner warning">
                "The AccessKey pair of your account has full permissions on all resources of the account. \
                 We recommend that you use the AccessKey pair of a RAM user to call API operations. "
                <a href="/ram/users">"Use AccessKey Pair of RAM User"</a>
            </div>
            <AccessKeyManagement keys=this.keys user=None/>
        }
        .into_any()
    }
}
