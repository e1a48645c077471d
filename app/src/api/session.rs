use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{AccountSetup, Identity};

#[server(endpoint = "setup_needed")]
pub async fn setup_needed() -> Result<bool, ConsoleError> {
    answer(|backend, _| async move { backend.setup_needed().await }).await
}

#[server(endpoint = "set_up_account")]
pub async fn set_up_account(form: AccountSetup) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend.set_up_account(&session, form).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// `mfa_code`: needed (and asked for) when the identity has a virtual MFA device bound.
/// `next`: the console page that sent a signed-out visitor here, opened once signed in.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    mfa_code: Option<String>,
    next: Option<String>,
) -> Result<(), ConsoleError> {
    let source = crate::backend::client_address();
    answer(|backend, session| async move {
        backend
            .sign_in(&session, email, password, mfa_code, source)
            .await?;
        leptos_axum::redirect(console_page(next.as_deref()));
        Ok(())
    })
    .await
}

/// Where to go after signing in: `next` if it is a path of this console, else the overview. An
/// absolute or scheme-relative address (`https://…`, `//evil.example`) would make the sign-in
/// page an open redirect.
pub fn console_page(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && !path.starts_with("/signin")
                && !path.starts_with("/api/") =>
        {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::console_page;

    #[test]
    fn only_console_paths_are_followed_after_sign_in() {
        assert_eq!(console_page(Some("/ram/users?q=bot")), "/ram/users?q=bot");
        assert_eq!(console_page(Some("/audit-trail")), "/audit-trail");
        for elsewhere in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/signin?next=/",
            "/api/sign_out",
            "/x\nSet-Cookie: a=b",
            "",
        ] {
            assert_eq!(console_page(Some(elsewhere)), "/", "{elsewhere}");
        }
        assert_eq!(console_page(None), "/");
    }
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend.sign_out(&session).await?;
        leptos_axum::redirect("/signin");
        Ok(())
    })
    .await
}

#[server(endpoint = "current_identity")]
pub async fn current_identity() -> Result<Option<Identity>, ConsoleError> {
    answer(|backend, session| async move { backend.current_identity(&session).await }).await
}
