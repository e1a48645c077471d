use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::{lazy_route, LazyRoute};

use crate::api::access_keys::list_access_keys;
use crate::api::users::{
    delete_user, get_user, remove_console_password, set_policy_attached, SetConsolePassword,
    UpdateUser,
};
use crate::components::access_key_management::AccessKeyManagement;
use crate::components::confirm::ConfirmDialog;
use crate::components::data_table::DataTable;
use crate::components::dialog::Dialog;
use crate::components::form_field::FormField;
use crate::components::page_error::PageError;
use crate::error::{ConsoleError, FormErrors};
use crate::model::{AccessKeyList, PolicyRow, UserDetail};

/// One RAM user: Basic Information, Authentication (console sign-in and the User AccessKeys) and
/// Permissions.
/// Its data loads inside the lazy view, so none of this page's code sits in the main module.
pub struct UserPage;

#[lazy_route]
impl LazyRoute for UserPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let name = Memo::new(move |_| params.read().get("name").unwrap_or_default());
        let user = Resource::new(move || name.get(), get_user);
        let keys = Resource::new(move || name.get(), |name| list_access_keys(Some(name)));
        view! { <User name user keys/> }.into_any()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    BasicInformation,
    Authentication,
    Permissions,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::BasicInformation, Tab::Authentication, Tab::Permissions];

    fn tab_id(self) -> &'static str {
        match self {
            Tab::BasicInformation => "tab-basic-information",
            Tab::Authentication => "tab-authentication",
            Tab::Permissions => "tab-permissions",
        }
    }
}

#[component]
fn User(
    name: Memo<String>,
    user: Resource<Result<UserDetail, ConsoleError>>,
    keys: Resource<Result<AccessKeyList, ConsoleError>>,
) -> impl IntoView {
    // `?tab=authentication` (the Users list's AccessKeys link) opens on that tab.
    let query = use_query_map();
    let tab = RwSignal::new(match query.read_untracked().get("tab").as_deref() {
        Some("authentication") => Tab::Authentication,
        Some("permissions") => Tab::Permissions,
        _ => Tab::BasicInformation,
    });
    let confirming_delete = RwSignal::new(false);
    let delete = Action::new(|name: &String| delete_user(name.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/ram/users", Default::default());
        }
    });
    let changed = Callback::new(move |_| user.refetch());
    // The tabs pattern: one Tab stop for the list (the selected tab); arrow keys, Home and End
    // move along it and select.
    let tab_button = move |which: Tab, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                id=which.tab_id()
                aria-controls="user-tabpanel"
                aria-selected=move || (tab.get() == which).to_string()
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| tab.set(which)
            >
                {label}
            </button>
        }
    };
    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(step) = crate::focus::Step::from_key(&ev.key(), false) else {
            return;
        };
        ev.prevent_default();
        let current = Tab::ALL.iter().position(|t| *t == tab.get_untracked());
        if let Some(next) = step.from(current, Tab::ALL.len()) {
            tab.set(Tab::ALL[next]);
            crate::focus::after_render(move || {
                let document = leptos::prelude::document();
                if let Some(button) = document.get_element_by_id(Tab::ALL[next].tab_id()) {
                    if let Ok(button) =
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button)
                    {
                        let _ = button.focus();
                    }
                }
            });
        }
    };
    view! {
        <Title text=move || format!("{} · Users", name.get())/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            "RAM / Identities / " <a href="/ram/users">"Users"</a> " / " {move || name.get()}
        </nav>
        // A Transition: after an edit the page refreshes in place, keeping the open tab and
        // dialogs' state.
        <Transition fallback=|| view! { <p class="page-loading">"Loading the user…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(user) => view! {
                        <div class="page-header">
                            <h1>{user.row.logon_name.clone()}</h1>
                            {user.can_manage.then(|| view! {
                                <button type="button" class="button" on:click=move |_| confirming_delete.set(true)>
                                    "Delete User"
                                </button>
                            })}
                        </div>
                        <div class="tabs" role="tablist" aria-label="User" on:keydown=on_tab_key>
                            {tab_button(Tab::BasicInformation, "Basic Information")}
                            {tab_button(Tab::Authentication, "Authentication")}
                            {tab_button(Tab::Permissions, "Permissions")}
                        </div>
                        {match tab.get() {
                            Tab::BasicInformation => view! { <BasicInformation user on_saved=changed/> }.into_any(),
                            Tab::Authentication => view! {
                                <section role="tabpanel" id="user-tabpanel" aria-labelledby="tab-authentication">
                                    <ConsoleSignIn user on_changed=changed/>
                                    <h2>"User AccessKeys"</h2>
                                    <AccessKeyManagement keys user=Some(name.get_untracked())/>
                                </section>
                            }
                            .into_any(),
                            Tab::Permissions => view! { <Permissions user on_changed=changed/> }.into_any(),
                        }}
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error back_href="/ram/users" back_label="Back to Users"/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || confirming_delete.get()>
            <ConfirmDialog
                title="Delete User"
                message=format!(
                    "Delete the user {}? It moves to the recycle bin with its AccessKeys, which stop working \
                     at once. You can restore it there for 30 days.",
                    name.get_untracked()
                )
                confirm_label="Delete"
                on_confirm=move |_| { delete.dispatch(name.get_untracked()); }
                on_cancel=move |_| confirming_delete.set(false)
                pending=delete.pending()
                error=Signal::derive(move || delete.value().get().and_then(Result::err))
            />
        </Show>
    }
}

#[component]
fn BasicInformation(user: UserDetail, on_saved: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let or_dash = |value: Option<String>| value.unwrap_or_else(|| "—".to_owned());
    let can_manage = user.can_manage;
    let edit = StoredValue::new(user.clone());
    view! {
        <section role="tabpanel" id="user-tabpanel" aria-labelledby="tab-basic-information">
            {can_manage.then(|| view! {
                <div class="toolbar">
                    <button type="button" class="button" on:click=move |_| editing.set(true)>"Edit Basic Information"</button>
                </div>
            })}
            <dl class="details">
                <dt>"Logon name"</dt><dd>{user.row.logon_name}</dd>
                <dt>"Display name"</dt><dd>{user.row.display_name}</dd>
                <dt>"E-mail"</dt><dd>{or_dash(user.email)}</dd>
                <dt>"Mobile phone"</dt><dd>{or_dash(user.mobile_phone)}</dd>
                <dt>"Comments"</dt><dd>{or_dash(user.comments)}</dd>
                <dt>"Created"</dt><dd>{user.row.created}</dd>
                <dt>"Last sign-in"</dt><dd>{user.row.last_login.unwrap_or_else(|| "Never".to_owned())}</dd>
            </dl>
        </section>
        <Show when=move || editing.get()>
            <EditBasicInformationDialog
                user=edit.get_value()
                on_saved=move |_| {
                    editing.set(false);
                    on_saved.run(());
                }
                on_cancel=move |_| editing.set(false)
            />
        </Show>
    }
}

#[component]
fn EditBasicInformationDialog(
    user: UserDetail,
    #[prop(into)] on_saved: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<UpdateUser>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_saved.run(());
        }
    });
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    view! {
        <Dialog title="Edit Basic Information" on_close=on_cancel>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="name" value=user.row.name/>
                <FormField label="Display name" id="edit-display-name" name="edit[display_name]"
                    autocomplete="off" value=user.row.display_name error=errors.field("display_name")/>
                <FormField label="E-mail" id="edit-email" name="edit[email]" input_type="email"
                    autocomplete="off" optional=true value=user.email.unwrap_or_default()
                    error=errors.field("email")/>
                <FormField label="Mobile phone" id="edit-mobile-phone" name="edit[mobile_phone]"
                    input_type="tel" autocomplete="off" optional=true hint="For example 86-13800000000."
                    value=user.mobile_phone.unwrap_or_default() error=errors.field("mobile_phone")/>
                <FormField label="Comments" id="edit-comments" name="edit[comments]" autocomplete="off"
                    optional=true value=user.comments.unwrap_or_default() error=errors.field("comments")/>
                <p class="form-error" role="alert">{errors.form()}</p>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </ActionForm>
        </Dialog>
    }
}

/// Console sign-in: set, reset or remove the user's console password.
#[component]
fn ConsoleSignIn(user: UserDetail, on_changed: Callback<()>) -> impl IntoView {
    let setting = RwSignal::new(false);
    let removing = RwSignal::new(false);
    let name = StoredValue::new(user.row.name.clone());
    let remove = Action::new(|name: &String| remove_console_password(name.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            removing.set(false);
            on_changed.run(());
        }
    });
    let enabled = user.has_console_password;
    view! {
        <h2>"Console Sign-in"</h2>
        <div class="toolbar">
            <span>
                "Console access: "
                <strong>{if enabled { "Enabled" } else { "Disabled" }}</strong>
            </span>
            {user.can_manage.then(|| view! {
                <button type="button" class="button" on:click=move |_| setting.set(true)>
                    {if enabled { "Reset Console Password" } else { "Set Console Password" }}
                </button>
                {enabled.then(|| view! {
                    <button type="button" class="button" on:click=move |_| {
                        remove.value().set(None);
                        removing.set(true);
                    }>
                        "Remove Console Password"
                    </button>
                })}
            })}
        </div>
        <Show when=move || setting.get()>
            <ConsolePasswordDialog
                name=name.get_value()
                on_saved=move |_| {
                    setting.set(false);
                    on_changed.run(());
                }
                on_cancel=move |_| setting.set(false)
            />
        </Show>
        <Show when=move || removing.get()>
            <ConfirmDialog
                title="Remove Console Password"
                message=format!(
                    "Remove the console password of {}? The user can no longer sign in to the console. \
                     Its AccessKey pairs keep working.",
                    name.get_value()
                )
                confirm_label="Remove"
                on_confirm=move |_| { remove.dispatch(name.get_value()); }
                on_cancel=move |_| removing.set(false)
                pending=remove.pending()
                error=Signal::derive(move || remove.value().get().and_then(Result::err))
            />
        </Show>
    }
}

#[component]
fn ConsolePasswordDialog(
    name: String,
    #[prop(into)] on_saved: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let action = ServerAction::<SetConsolePassword>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_saved.run(());
        }
    });
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <Dialog title="Console Password" on_close=on_cancel>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="name" value=name/>
                <FormField label="New console password" id="console-password" name="password"
                    input_type="password" autocomplete="new-password"
                    error=Signal::derive(move || error().map(|e| e.to_string()))/>
                <div class="dialog-actions">
                    <button type="button" class="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </ActionForm>
        </Dialog>
    }
}

/// Permissions: every policy, each attached to the user, granted through one of its groups, or
/// neither.
#[component]
fn Permissions(user: UserDetail, on_changed: Callback<()>) -> impl IntoView {
    let name = StoredValue::new(user.row.name.clone());
    let change = Action::new(move |(policy, attached): &(String, bool)| {
        set_policy_attached(name.get_value(), policy.clone(), *attached)
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            on_changed.run(());
        }
    });
    let can_manage = user.can_manage;
    let rows = user
        .policies
        .into_iter()
        .map(|policy| {
            let PolicyRow {
                name,
                policy_type,
                description,
                attached,
                via_groups,
            } = policy;
            let status = match (attached, via_groups.is_empty()) {
                (true, true) => "Attached".to_owned(),
                (true, false) => {
                    format!("Attached, and through the group {}", via_groups.join(", "))
                }
                (false, false) => format!("Through the group {}", via_groups.join(", ")),
                (false, true) => "Not attached".to_owned(),
            };
            let label = if attached { "Detach" } else { "Attach" };
            let aria_label = format!("{label} {name}");
            let policy = name.clone();
            view! {
                <tr>
                    <td>{name}</td>
                    <td>{policy_type}</td>
                    <td>{description}</td>
                    <td>{status}</td>
                    {can_manage.then(|| view! {
                        <td>
                            <button
                                type="button"
                                class="link-button"
                                aria-label=aria_label
                                disabled=move || change.pending().get()
                                on:click=move |_| { change.dispatch((policy.clone(), !attached)); }
                            >
                                {label}
                            </button>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section role="tabpanel" id="user-tabpanel" aria-labelledby="tab-permissions">
            <p class="page-intro">
                "Policies decide what this user may do when it signs in or calls the API with its AccessKey \
                 pairs: those attached to it, and those of its groups."
            </p>
            <p class="form-error" role="alert">
                {move || change.value().get().and_then(Result::err).map(|e| e.to_string())}
            </p>
            <DataTable label="Policies" columns=if can_manage { &["Policy", "Type", "Description", "Status", "Actions"] } else { &["Policy", "Type", "Description", "Status"] }>
                {rows}
            </DataTable>
        </section>
    }
}
