use leptos::html;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use leptos_router::{lazy_route, LazyRoute};
use wasm_bindgen::JsCast;

use leptos::server_fn::ServerFn;

use crate::api::session::{current_identity, SignOut};
use crate::components::access_key_note::AccessKeyNoteDialog;
use crate::focus::{self, Step};
use crate::model::Identity;

/// Opens the AccessKey Management **Note** dialog from anywhere in the console.
#[derive(Clone, Copy)]
pub struct AccessKeyNote(pub RwSignal<bool>);

/// Every signed-in page: the top bar, the page, and the Note dialog. Signed-out visitors go to
/// the sign-in page. A lazy route like the pages inside it: the frame's code is a wasm chunk of
/// its own, so the main module holds little more than the router, and the signed-in identity
/// loads while that chunk does.
pub struct ConsoleLayout {
    identity: Resource<Result<Option<Identity>, crate::error::ConsoleError>>,
}

#[lazy_route]
impl LazyRoute for ConsoleLayout {
    fn data() -> Self {
        Self {
            identity: Resource::new(|| (), |_| current_identity()),
        }
    }

    fn view(this: Self) -> AnyView {
        view! { <Console identity=this.identity/> }.into_any()
    }
}

#[component]
fn Console(
    identity: Resource<Result<Option<Identity>, crate::error::ConsoleError>>,
) -> impl IntoView {
    // A deep link opened while signed out comes back here after sign-in.
    let location = use_location();
    let sign_in = move || {
        let (path, query) = (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
        );
        let here = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        match here.as_str() {
            "/" | "" => "/signin".to_owned(),
            _ => format!(
                "/signin?next={}",
                form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
            ),
        }
    };
    view! {
        <Suspense fallback=|| view! { <p class="page-loading">"Loading the console…"</p> }>
            {move || Suspend::new(async move {
                match identity.await {
                    Ok(Some(identity)) => view! { <ConsoleFrame identity/> }.into_any(),
                    Ok(None) => view! { <Redirect path=sign_in()/> }.into_any(),
                    Err(error) => view! { <p class="banner error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleFrame(identity: Identity) -> impl IntoView {
    let note_open = RwSignal::new(false);
    let nav_open = RwSignal::new(false);
    provide_context(AccessKeyNote(note_open));
    provide_context(identity.clone());
    // A new page: focus its heading, so keyboard and screen-reader users start there rather than
    // on <body>. (Not on the first load: the browser starts at the top by itself.)
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        match previous {
            None => focus::first_page_shown(),
            Some(previous) if previous != path => focus::new_page_heading(),
            Some(_) => {}
        }
        path
    });
    view! {
        // The router would take a click on "#main" as a navigation and leave focus where it was;
        // moving focus is what the link is for (the href still works before hydration).
        <a
            class="skip-link"
            href="#main"
            on:click=move |event| {
                event.prevent_default();
                focus::main_content();
            }
        >
            "Skip to content"
        </a>
        <TopBar identity=identity.clone() nav_open on_access_key_management=Callback::new(move |_| note_open.set(true))/>
        <div class="console-body" class:with-nav=identity.can_view_users>
            {identity.can_view_users.then(|| view! { <SideNav nav_open/> }.into_any())}
            <main class="console-main" id="main" tabindex="-1">
                <Outlet/>
            </main>
        </div>
        <Show when=move || note_open.get()>
            <AccessKeyNoteDialog on_close=move |_| note_open.set(false)/>
        </Show>
    }
}

/// RAM's side navigation, grouped as its console groups it; on a narrow window it folds away
/// behind the top bar's Menu button. A link to the page shown is marked as the current one.
#[component]
fn SideNav(nav_open: RwSignal<bool>) -> impl IntoView {
    let location = use_location();
    let link = move |href: &'static str, label: &'static str| {
        let current = move || {
            let path = location.pathname.get();
            (path == href || path.starts_with(&format!("{href}/"))).then_some("page")
        };
        view! { <li><a href=href aria-current=current>{label}</a></li> }.into_any()
    };
    view! {
        <nav class="side-nav" class:open=move || nav_open.get() id="console-nav" aria-label="Console"
            on:click=move |_| nav_open.set(false)>
            <h2 class="nav-group">"Identities"</h2>
            <ul>
                {link("/ram/users", "Users")}
                {link("/ram/groups", "Groups")}
            </ul>
            <h2 class="nav-group">"Permissions"</h2>
            <ul>
                {link("/ram/policies", "Policies")}
                {link("/ram/check-access", "Check Access")}
            </ul>
            <h2 class="nav-group">"Settings"</h2>
            <ul>
                {link("/ram/security-settings", "Security Settings")}
                {link("/access-keys/network-policy", "Network Access Policy")}
            </ul>
            <ul class="nav-singles">
                {link("/ram/recycle-bin", "Recycle Bin")}
                {link("/audit-trail", "Audit Trail")}
            </ul>
        </nav>
    }
    // One type for the whole navigation: its links nested in the frame's would outgrow the
    // compiler's type depth in a debug build.
    .into_any()
}

#[component]
fn TopBar(
    identity: Identity,
    nav_open: RwSignal<bool>,
    on_access_key_management: Callback<()>,
) -> impl IntoView {
    let menu_open = RwSignal::new(false);
    let area = NodeRef::<html::Div>::new();
    let avatar = NodeRef::<html::Button>::new();
    let menu = NodeRef::<html::Div>::new();
    // Aliases are lowercase ASCII (identity's rule), so no Unicode case tables in the wasm.
    let initial: String = identity
        .account_alias
        .chars()
        .take(1)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // The menu button pattern: opening moves focus to the first item, arrow keys move along the
    // items, Escape closes and returns to the button, leaving the menu closes it.
    let focus_item = move |step: Step| {
        if let Some(menu) = menu.get_untracked() {
            focus::step_among(&menu, "[role=menuitem]", step);
        }
    };
    let open_menu = move |step: Step| {
        menu_open.set(true);
        focus::after_render(move || focus_item(step));
    };
    let close_menu = move |refocus: bool| {
        menu_open.set(false);
        if refocus {
            if let Some(avatar) = avatar.get_untracked() {
                let _ = avatar.focus();
            }
        }
    };
    let on_avatar_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" | "Enter" | " " => {
            ev.prevent_default();
            open_menu(Step::First);
        }
        "ArrowUp" => {
            ev.prevent_default();
            open_menu(Step::Last);
        }
        "Escape" => close_menu(true),
        _ => {}
    };
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if let Some(step) = Step::from_key(&key, true) {
            ev.prevent_default();
            focus_item(step);
        } else if key == "Escape" {
            ev.prevent_default();
            close_menu(true);
        } else if key == "Tab" {
            close_menu(false);
        }
    };
    // Focus leaving the avatar area (Tab past the last item, a click elsewhere) closes the menu.
    let on_focus_out = move |ev: leptos::ev::FocusEvent| {
        let inside = ev
            .related_target()
            .and_then(|target| target.dyn_into::<web_sys::Node>().ok())
            .zip(area.get_untracked())
            .is_some_and(|(target, area)| area.contains(Some(&target)));
        if !inside {
            menu_open.set(false);
        }
    };
    let has_nav = identity.can_view_users;
    view! {
        <header class="top-bar" class:nav-open=move || nav_open.get()>
            <a href="/" class="brand">"AccessKey Console"</a>
            {has_nav.then(|| view! {
                <button
                    type="button"
                    class="nav-toggle"
                    aria-controls="console-nav"
                    aria-expanded=move || nav_open.get().to_string()
                    on:click=move |_| nav_open.update(|open| *open = !*open)
                >
                    "Menu"
                </button>
            })}
            <span class="top-bar-space"></span>
            <div
                class="avatar-area"
                class:open=move || menu_open.get()
                node_ref=area
                // Pointing with a mouse opens and leaves close; a touch opens by its tap alone
                // (the mouse events a browser makes up after a touch must not close it).
                on:pointerenter=move |ev: leptos::ev::PointerEvent| {
                    if ev.pointer_type() == "mouse" {
                        menu_open.set(true);
                    }
                }
                on:pointerleave=move |ev: leptos::ev::PointerEvent| {
                    if ev.pointer_type() == "mouse" {
                        menu_open.set(false);
                    }
                }
                on:focusout=on_focus_out
            >
                <button
                    type="button"
                    class="avatar"
                    node_ref=avatar
                    aria-haspopup="menu"
                    aria-controls="account-menu"
                    aria-label=format!("{initial} Account menu")
                    aria-expanded=move || menu_open.get().to_string()
                    // Always opens: pointing at the avatar has opened the menu already, and a
                    // click (or a tap) must not close it again.
                    on:click=move |_| open_menu(Step::First)
                    on:keydown=on_avatar_key
                >
                    {initial.clone()}
                </button>
                <div class="avatar-menu" id="account-menu" role="menu" aria-label="Account" node_ref=menu on:keydown=on_menu_key>
                    <div class="avatar-menu-header" role="presentation">
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
                                tabindex="-1"
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
                        view! { <a role="menuitem" class="menu-item" tabindex="-1" href="/access-keys">"AccessKey Management"</a> }
                            .into_any()
                    }}
                    <a role="menuitem" class="menu-item" tabindex="-1" href="/security/mfa">"MFA Device"</a>
                    // A plain form: signing out needs no script, and the server answers with a
                    // redirect to the sign-in page.
                    <form method="post" action=SignOut::url() class="menu-form">
                        <button type="submit" role="menuitem" class="menu-item" tabindex="-1">
                            "Sign Out"
                        </button>
                    </form>
                </div>
            </div>
        </header>
    }
}
