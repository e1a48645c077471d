//! RAM user server functions.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{NewUserForm, UserDetail, UserEdit, UserList, UserRow};

/// `marker`: the page after that user; `before`: the page before that user.
#[server(endpoint = "list_users")]
pub async fn list_users(
    query: String,
    marker: Option<i64>,
    before: Option<i64>,
) -> Result<UserList, ConsoleError> {
    answer(
        |backend, session| async move { backend.list_users(&session, query, marker, before).await },
    )
    .await
}

#[server(endpoint = "create_user")]
pub async fn create_user(form: NewUserForm) -> Result<UserRow, ConsoleError> {
    answer(|backend, session| async move { backend.create_user(&session, form).await }).await
}

#[server(endpoint = "get_user")]
pub async fn get_user(name: String) -> Result<UserDetail, ConsoleError> {
    answer(|backend, session| async move { backend.get_user(&session, name).await }).await
}

#[server(endpoint = "delete_user")]
pub async fn delete_user(name: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.delete_user(&session, name).await }).await
}

#[server(endpoint = "update_user")]
pub async fn update_user(name: String, edit: UserEdit) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.update_user(&session, name, edit).await }).await
}

/// Sets or resets the user's console password.
#[server(endpoint = "set_console_password")]
pub async fn set_console_password(name: String, password: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend.set_console_password(&session, name, password).await
    })
    .await
}

/// Removes console sign-in for the user.
#[server(endpoint = "remove_console_password")]
pub async fn remove_console_password(name: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.remove_console_password(&session, name).await })
        .await
}

#[server(endpoint = "set_policy_attached")]
pub async fn set_policy_attached(
    name: String,
    policy: String,
    attached: bool,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_policy_attached(&session, name, policy, attached)
            .await
    })
    .await
}
