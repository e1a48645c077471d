use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::policies::CheckAccess;
use crate::components::form_field::FormField;
use crate::error::FormErrors;

/// Permissions > Check access: would this principal be allowed this action on this resource,
/// and which statement of which policy says so. The same engine decides every real request.
pub struct CheckAccessPage;

#[lazy_route]
impl LazyRoute for CheckAccessPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <CheckAccess/> }.into_any()
    }
}

#[component]
fn CheckAccess() -> impl IntoView {
    let action = ServerAction::<CheckAccess>::new();
    let errors = FormErrors::new(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Check Access · RAM"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">"RAM / Permissions / Check Access"</nav>
        <h1>"Check Access"</h1>
        <p class="page-intro">
            "Ask how a request would be decided: who makes it, the action, the resource, and \
             optionally where it comes from. The answer names the statement that decided it."
        </p>
        <ActionForm action attr:novalidate=true attr:class="settings">
            <FormField label="RAM user" id="check-user" name="question[user]" autocomplete="off" optional=true
                hint="A logon name such as ci-bot. Leave empty for the account owner." error=errors.field("user")/>
            <FormField label="Action" id="check-action" name="question[action]" autocomplete="off"
                hint="Such as ram:CreateUser or ram:ListAccessKeys." error=errors.field("action")/>
            <FormField label="Resource" id="check-resource" name="question[resource]" autocomplete="off" optional=true
                hint="An ARN such as acs:ram:*:<account-id>:user/ci-bot. Leave empty for the account as a whole."
                error=errors.field("resource")/>
            <FormField label="Source IP address" id="check-source-ip" name="question[source_ip]" autocomplete="off"
                optional=true hint="For acs:SourceIp conditions." error=errors.field("source_ip")/>
            <div class="switch-row">
                <input type="checkbox" id="check-mfa" name="question[mfa_present]" value="true"/>
                <label for="check-mfa">"Signed in with MFA (acs:MFAPresent)"</label>
            </div>
            <p class="form-error" role="alert">{errors.form()}</p>
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Checking…" } else { "Check" }}
            </button>
        </ActionForm>
        {move || action.value().get().and_then(Result::ok).map(|answer| view! {
            <section class="check-answer" class:allowed=answer.allowed class:denied=!answer.allowed
                role="status" aria-live="polite" data-testid="access-answer">
                <h2>{answer.decision.clone()}</h2>
                <dl class="details">
                    <dt>"Resource"</dt><dd>{answer.resource.clone()}</dd>
                    <dt>"Decided by"</dt>
                    <dd>{match (answer.policy.clone(), answer.statement) {
                        (Some(policy), Some(statement)) => format!("{policy}, statement {statement}"),
                        _ => "No statement matched: a request needs an Allow.".to_owned(),
                    }}</dd>
                </dl>
            </section>
        })}
    }
}
