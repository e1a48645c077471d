//! The console UI, shared by server-side rendering and the hydrated browser build.
pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod browser;
pub mod components;
pub mod csv_file;
pub mod error;
pub mod focus;
pub mod model;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::components::console_layout::ConsoleLayout;
use crate::pages::{
    access_keys::AccessKeysPage, audit_trail::AuditTrailPage, check_access::CheckAccessPage,
    group::GroupPage, groups::GroupsPage, home::HomePage, mfa::MfaDevicePage,
    network_policy::NetworkPolicyPage, not_found::NotFoundPage, policies::PoliciesPage,
    policy::PolicyPage, recycle_bin::RecycleBinPage, security_settings::SecuritySettingsPage,
    setup::SetupPage, sign_in::SignInPage, user::UserPage, users::UsersPage,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/accesskey-console.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title formatter=|page: String| format!("{page} · AccessKey Console")/>
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/setup") view={Lazy::<SetupPage>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin") view={Lazy::<SignInPage>::new()} ssr=SsrMode::Async/>
                // Async: the server knows who is signed in before it answers, so redirects are real 302s.
                <ParentRoute path=path!("") view={Lazy::<ConsoleLayout>::new()} ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<HomePage>::new()}/>
                    <Route path=path!("access-keys") view={Lazy::<AccessKeysPage>::new()}/>
                    <Route path=path!("audit-trail") view={Lazy::<AuditTrailPage>::new()}/>
                    <Route path=path!("security/mfa") view={Lazy::<MfaDevicePage>::new()}/>
                    <Route path=path!("access-keys/network-policy") view={Lazy::<NetworkPolicyPage>::new()}/>
                    <Route path=path!("ram/users") view={Lazy::<UsersPage>::new()}/>
                    <Route path=path!("ram/users/:name") view={Lazy::<UserPage>::new()}/>
                    <Route path=path!("ram/recycle-bin") view={Lazy::<RecycleBinPage>::new()}/>
                    <Route path=path!("ram/groups") view={Lazy::<GroupsPage>::new()}/>
                    <Route path=path!("ram/groups/:name") view={Lazy::<GroupPage>::new()}/>
                    <Route path=path!("ram/policies") view={Lazy::<PoliciesPage>::new()}/>
                    <Route path=path!("ram/policies/:type/:name") view={Lazy::<PolicyPage>::new()}/>
                    <Route path=path!("ram/check-access") view={Lazy::<CheckAccessPage>::new()}/>
                    <Route path=path!("ram/security-settings") view={Lazy::<SecuritySettingsPage>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
