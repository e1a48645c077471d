use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

/// Identities > Users. RAM user management lands with the RAM users capability.
pub struct RamUsersPage;

#[lazy_route]
impl LazyRoute for RamUsersPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <UsersEmptyState/> }.into_any()
    }
}

#[component]
fn UsersEmptyState() -> impl IntoView {
    view! {
        <Title text="Users · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Identities / Users"</nav>
        <h1>"Users"</h1>
        <div class="empty-state">
            <p><strong>"No RAM users yet."</strong></p>
            <p>
                "A RAM user is an identity inside your account with its own permissions and its own \
                 AccessKey pairs (at most two). Creating and managing RAM users is not available in this \
                 version of the console yet."
            </p>
        </div>
    }
}
