//! RAM user server functions.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::console;
use crate::error::ConsoleError;
use crate::model::{NewUserForm, UserDetail, UserList, UserRow};

#[server(endpoint = "list_users")]
pub async fn list_users(query: String, marker: Option<i64>) -> Result<UserList, ConsoleError> {
    let (backend, session) = console()?;
    backend.list_users(&session, query, marker).await
}

#[server(endpoint = "create_user")]
pub async fn create_user(form: NewUserForm) -> Result<UserRow, ConsoleError> {
    let (backend, session) = console()?;
    backend.create_user(&session, form).await
}

#[server(endpoint = "get_user")]
pub async fn get_user(name: String) -> Result<UserDetail, ConsoleError> {
    let (backend, session) = console()?;
    backend.get_user(&session, name).await
}

#[server(endpoint = "delete_user")]
pub async fn delete_user(name: String) -> Result<(), ConsoleError> {
    let (backend, session) = console()?;
    backend.delete_user(&session, name).await
}
