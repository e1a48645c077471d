//! Policy and Check access server functions.
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::backend::answer;
use crate::error::ConsoleError;
use crate::model::{
    AccessAnswer, AccessQuestion, DocumentCheck, NewPolicyForm, PolicyDetail, PolicyList,
};

#[server(endpoint = "list_policies")]
pub async fn list_policies(query: String) -> Result<PolicyList, ConsoleError> {
    answer(|backend, session| async move { backend.list_policies(&session, query).await }).await
}

#[server(endpoint = "get_policy")]
pub async fn get_policy(policy_type: String, name: String) -> Result<PolicyDetail, ConsoleError> {
    answer(|backend, session| async move { backend.get_policy(&session, policy_type, name).await })
        .await
}

/// Checks a document as it is written, with the same parser that stores it.
#[server(endpoint = "check_policy_document")]
pub async fn check_policy_document(document: String) -> Result<DocumentCheck, ConsoleError> {
    answer(
        |backend, session| async move { backend.check_policy_document(&session, document).await },
    )
    .await
}

#[server(endpoint = "create_policy")]
pub async fn create_policy(form: NewPolicyForm) -> Result<(), ConsoleError> {
    answer(|backend, session| async move { backend.create_policy(&session, form).await }).await
}

#[server(endpoint = "set_default_policy_version")]
pub async fn set_default_policy_version(
    name: String,
    version_id: String,
) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .set_default_policy_version(&session, name, version_id)
            .await
    })
    .await
}

#[server(endpoint = "delete_policy_version")]
pub async fn delete_policy_version(name: String, version_id: String) -> Result<(), ConsoleError> {
    answer(|backend, session| async move {
        backend
            .delete_policy_version(&session, name, version_id)
            .await
    })
    .await
}

#[server(endpoint = "check_access")]
pub async fn check_access(question: AccessQuestion) -> Result<AccessAnswer, ConsoleError> {
    answer(|backend, session| async move { backend.check_access(&session, question).await }).await
}
