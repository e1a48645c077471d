//! User group server functions.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{GroupDetail, GroupList};

#[server(endpoint = "list_groups")]
pub async fn list_groups() -> Result<GroupList, ConsoleError> {
    answer(|backend, session| async move { backend.list_groups(&session).await }).await
}

#[server(endpoint = "create_group")]
pub async fn create_group(name: String, comments: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.create_group(&session, name, comments).await })
        .await
}

#[server(endpoint = "delete_group")]
pub async fn delete_group(name: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.delete_group(&session, name).await }).await
}

#[server(endpoint = "get_group")]
pub async fn get_group(name: String) -> Result<GroupDetail, ConsoleError> {
    answer(|backend, session| async move { backend.get_group(&session, name).await }).await
}

/// Adds (`member` true) or removes a user.
#[server(endpoint = "set_group_member")]
pub async fn set_group_member(
    group: String,
    user: String,
    member: bool,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_group_member(&session, group, user, member)
            .await
    })
    .await
}

#[server(endpoint = "set_group_policy_attached")]
pub async fn set_group_policy_attached(
    group: String,
    policy: String,
    attached: bool,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_group_policy_attached(&session, group, policy, attached)
            .await
    })
    .await
}
