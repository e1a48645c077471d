use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

use leptos::server_fn::ServerFn;

use crate::api::session::{current_identity, SignOut};
use crate::components::access_key_note::AccessKeyNoteDialog;
use crate::model::Identity;

/// Opens the AccessKey Management **Note** dialog from anywhere in the console.
#[derive(Clone, Copy)]
pub struct AccessKeyNote(pub RwSignal<bool>);

/// Every signed-in page: the top bar, the page, and the Note dialog. Signed-out visitors go to
/// the sign-in page.
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let identity = Resource::new(|| (), |_| current_identity());
    view! {
        <Suspense fallback=|| view! { <p class="page-loading">"Loading the console…"</p> }>
            {move || Suspend::new(async move {
                match identity.await {
                    Ok(Some(identity)) => view! { <ConsoleFrame identity/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/signin"/> }.into_any(),
                    Err(error) => view! { <p class="banner error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleFrame(identity: Identity) -> impl IntoView {
    let note_open = RwSignal::new(false);
    provide_context(AccessKeyNote(note_open));
    provide_context(identity.clone());
    view! {
        <TopBar identity on_access_key_management=Callback::new(move |_| note_open.set(true))/>
        <main class="console-main">
            <Outlet/>
        </main>
        <Show when=move || note_open.get()>
            <AccessKeyNoteDialog on_close=move |_| note_open.set(false)/>
        </Show>
    }
}

#[component]
fn TopBar(identity: Identity, on_access_key_management: Callback<()>) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let initial: String = identity
        .account_alias
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .collect();
    view! {
        <header class="top-bar">
            <a href="/" class="brand">"AccessKey Console"</a>
            <nav class="top-nav" aria-label="Console">
                {identity.can_view_users.then(|| view! {
                    <a href="/ram/users">"RAM Users"</a>
                    <a href="/ram/recycle-bin">"Recycle Bin"</a>
                    <a href="/ram/security-settings">"Security Settings"</a>
                    <a href="/audit-trail">"Audit Trail"</a>
                })}
            </nav>
            <div
                class="avatar-area"
                class:open=move || menu_open.get()
                on:mouseleave=move |_| menu_open.set(false)
            >
                <button
                    type="button"
                    class="avatar"
                    aria-haspopup="menu"
                    aria-label="Account menu"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    {initial}
                </button>
                <div class="avatar-menu" role="menu" aria-label="Account">
                    <div class="avatar-menu-header">
                        <strong>{identity.account_alias.clone()}</strong>
                        <span>{identity.sign_in_name.clone()}</span>
                    </div>
                    // The Note weighs the account's keys against a RAM user's; a RAM user has
                    // only its own, so it goes straight to them.
                    {if identity.is_owner {
                        view! {
                            <button
                                type="button"
                                role="menuitem"
                                class="menu-item"
                                on:click=move |_| {
                                    menu_open.set(false);
                                    on_access_key_management.run(());
                                }
                            >
                                "AccessKey Management"
                            </button>
                        }
                        .into_any()
                    } else {
                        view! { <a role="menuitem" class="menu-item" href="/access-keys">"AccessKey Management"</a> }
                            .into_any()
                    }}
                    <a role="menuitem" class="menu-item" href="/security/mfa">"MFA Device"</a>
                    // A plain form: signing out needs no script, and the server answers with a
                    // redirect to the sign-in page.
                    <form method="post" action=SignOut::url()>
                        <button type="submit" role="menuitem" class="menu-item">
                            "Sign Out"
                        </button>
                    </form>
                </div>
            </div>
        </header>
    }
}
