//! The console's Policies and Check access pages: glue from their server functions to the
//! domain, as `backend.rs` is for the rest. Each operation is authorized as the API action that
//! does the same (`ram:CreatePolicy`, …).
use app::error::ConsoleError;
use app::model::*;
use tower_sessions::Session;

use super::audit::Operation;
use super::backend::Console;
use super::views::format_time;
use crate::domain::custom_policies;
use crate::domain::error::DomainError;
use crate::domain::permissions::{self, attachments, Requester, Resource, Via};
use crate::domain::policy::{Decision, PolicyDocument, PolicyType, SystemPolicy};
use crate::domain::principal::Principal;
use crate::domain::ram_users;

/// The most custom policies the Policies page lists at once.
const POLICIES_PER_PAGE: u64 = 1000;

impl Console {
    async fn attachments(
        &self,
        account_id: i64,
        policy_type: PolicyType,
        name: &str,
    ) -> Result<Vec<String>, ConsoleError> {
        let (users, groups) =
            attachments::entities_for_policy(&self.0, account_id, policy_type, name).await?;
        Ok(users
            .iter()
            .map(|(user, _)| format!("User {}", user.name))
            .chain(
                groups
                    .iter()
                    .map(|(group, _)| format!("Group {}", group.name)),
            )
            .collect())
    }

    pub(super) async fn policies_page(
        &self,
        session: &Session,
        query: String,
    ) -> Result<PolicyList, ConsoleError> {
        let who = self
            .authorized(session, "ram:ListPolicies", Resource::Policies)
            .await?;
        let account_id = who.principal.account_id();
        let query = query.trim().to_ascii_lowercase();
        let matches = |name: &str, description: &str| {
            query.is_empty()
                || name.to_ascii_lowercase().contains(&query)
                || description.to_ascii_lowercase().contains(&query)
        };
        let mut policies = Vec::new();
        for policy in SystemPolicy::ALL {
            if matches(policy.name(), policy.description()) {
                policies.push(PolicySummary {
                    name: policy.name().to_owned(),
                    policy_type: "System".to_owned(),
                    description: policy.description().to_owned(),
                    default_version: "v1".to_owned(),
                    attachments: self
                        .attachments(account_id, PolicyType::System, policy.name())
                        .await?
                        .len() as u64,
                });
            }
        }
        let (custom, _) =
            custom_policies::list(&self.0, account_id, None, POLICIES_PER_PAGE).await?;
        for policy in custom {
            let description = policy.description.clone().unwrap_or_default();
            if matches(&policy.name, &description) {
                policies.push(PolicySummary {
                    attachments: self
                        .attachments(account_id, PolicyType::Custom, &policy.name)
                        .await?
                        .len() as u64,
                    name: policy.name,
                    policy_type: "Custom".to_owned(),
                    description,
                    default_version: custom_policies::version_id(policy.default_version),
                });
            }
        }
        Ok(PolicyList {
            policies,
            can_create: permissions::allows(&self.0, &who, "ram:CreatePolicy", Resource::Policies)
                .await?,
        })
    }

    pub(super) async fn policy_page(
        &self,
        session: &Session,
        policy_type: String,
        name: String,
    ) -> Result<PolicyDetail, ConsoleError> {
        let policy_type = PolicyType::parse(&policy_type)
            .ok_or_else(|| ConsoleError::NotFound("There is no such kind of policy.".to_owned()))?;
        let who = self
            .authorized(session, "ram:GetPolicy", Resource::Policy(&name))
            .await?;
        let account_id = who.principal.account_id();
        let attached_to = self.attachments(account_id, policy_type, &name).await?;
        let summary = |description: String, default_version: String| PolicySummary {
            name: name.clone(),
            policy_type: policy_type.as_str().to_owned(),
            description,
            default_version,
            attachments: attached_to.len() as u64,
        };
        let detail = match policy_type {
            PolicyType::System => {
                let policy = SystemPolicy::from_name(&name)?;
                PolicyDetail {
                    summary: summary(policy.description().to_owned(), "v1".to_owned()),
                    document: pretty(policy.text()),
                    versions: vec![PolicyVersionRow {
                        version_id: "v1".to_owned(),
                        is_default: true,
                        created: String::new(),
                        document: pretty(policy.text()),
                    }],
                    attached_to,
                    can_manage: false,
                }
            }
            PolicyType::Custom => {
                let (policy, versions) =
                    custom_policies::list_versions(&self.0, account_id, &name).await?;
                let versions: Vec<PolicyVersionRow> = versions
                    .into_iter()
                    .rev()
                    .map(|v| PolicyVersionRow {
                        version_id: custom_policies::version_id(v.version),
                        is_default: v.version == policy.default_version,
                        created: format_time(&v.created_at),
                        document: pretty(&v.document),
                    })
                    .collect();
                let document = versions
                    .iter()
                    .find(|v| v.is_default)
                    .map(|v| v.document.clone())
                    .unwrap_or_default();
                PolicyDetail {
                    summary: summary(
                        policy.description.clone().unwrap_or_default(),
                        custom_policies::version_id(policy.default_version),
                    ),
                    document,
                    versions,
                    attached_to,
                    can_manage: permissions::allows(
                        &self.0,
                        &who,
                        "ram:SetDefaultPolicyVersion",
                        Resource::Policy(&name),
                    )
                    .await?,
                }
            }
        };
        Ok(detail)
    }

    /// The parser that stores documents, asked as a person types: signed in is enough.
    pub(super) async fn document_check(
        &self,
        session: &Session,
        document: String,
    ) -> Result<DocumentCheck, ConsoleError> {
        self.principal(session).await?;
        Ok(match PolicyDocument::parse(&document) {
            Ok(_) => DocumentCheck {
                problem: None,
                statement: None,
            },
            Err(error) => DocumentCheck {
                statement: error.statement.and_then(|n| u32::try_from(n).ok()),
                problem: Some(error.to_string()),
            },
        })
    }

    pub(super) async fn new_policy(
        &self,
        session: &Session,
        form: NewPolicyForm,
    ) -> Result<(), ConsoleError> {
        let name = form.name.trim().to_owned();
        let operation = Operation::write("CreatePolicy").with("name", &name);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:CreatePolicy", Resource::Policy(&name))
                .await?;
            let description = Some(form.description.trim()).filter(|d| !d.is_empty());
            custom_policies::create(
                by,
                who.principal.account_id(),
                &name,
                &form.document,
                description,
            )
            .await
            .map_err(|error| match error {
                // Said beside the name, where it can be fixed.
                DomainError::Conflict { message, .. } => ConsoleError::invalid("name", message),
                other => other.into(),
            })?;
            Ok(())
        })
        .await
    }

    pub(super) async fn version_change(
        &self,
        session: &Session,
        name: String,
        version_id: String,
        make_default: bool,
    ) -> Result<(), ConsoleError> {
        let action = if make_default {
            "SetDefaultPolicyVersion"
        } else {
            "DeletePolicyVersion"
        };
        let operation = Operation::write(action)
            .with("name", &name)
            .with("version", &version_id);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, &format!("ram:{action}"), Resource::Policy(&name))
                .await?;
            let account_id = who.principal.account_id();
            if make_default {
                custom_policies::set_default_version(by, account_id, &name, &version_id).await?;
            } else {
                custom_policies::delete_version(by, account_id, &name, &version_id).await?;
            }
            Ok(())
        })
        .await
    }

    /// Check access: how the engine decides one request of another principal, and why. Asking
    /// reveals that principal's policies, so it takes reading them (`ram:ListPoliciesForUser`).
    pub(super) async fn access_check(
        &self,
        session: &Session,
        question: AccessQuestion,
    ) -> Result<AccessAnswer, ConsoleError> {
        let asker = self.requester(session).await?;
        let account_id = asker.principal.account_id();
        let user = question.user.trim();
        let principal = if user.is_empty() {
            permissions::authorize(
                &self.0,
                &asker,
                "ram:ListPoliciesForUser",
                Resource::Account,
            )
            .await?;
            Principal::Owner { account_id }
        } else {
            permissions::authorize(
                &self.0,
                &asker,
                "ram:ListPoliciesForUser",
                Resource::User(user),
            )
            .await?;
            let found = ram_users::find(&self.0, account_id, user)
                .await
                .map_err(|e| ConsoleError::invalid("user", e.to_string()))?;
            Principal::RamUser {
                account_id,
                user_id: found.id,
            }
        };
        let action = question.action.trim();
        if !action.contains(':') || action.contains(char::is_whitespace) {
            return Err(ConsoleError::invalid(
                "action",
                "Name the action as a policy does: service:Action, such as ram:CreateUser.",
            ));
        }
        let source_ip = match question.source_ip.trim() {
            "" => None,
            text => Some(text.parse().map_err(|_| {
                ConsoleError::invalid("source_ip", format!("{text} is not an IP address."))
            })?),
        };
        let who = Requester {
            principal,
            source_ip,
            mfa_present: question.mfa_present,
            secure_transport: false,
        };
        let resource = question.resource.trim();
        let resource = if resource.is_empty() {
            Resource::Account
        } else {
            Resource::Arn(resource)
        };
        let explanation = permissions::explain(&self.0, &who, action, resource).await?;
        let policy = explanation.policy.as_ref().map(|p| {
            let from = match &p.via {
                Via::Owner => "the account owner's rights".to_owned(),
                Via::User => "attached to the user".to_owned(),
                Via::Group(group) => format!("through the group {group}"),
                Via::SecurityPreference => {
                    "the security preference that lets users manage their own AccessKeys".to_owned()
                }
            };
            format!("{} ({}, {from})", p.name, p.policy_type.as_str())
        });
        Ok(AccessAnswer {
            allowed: explanation.allowed(),
            decision: match explanation.decision {
                Decision::Allowed(_) => "Allowed".to_owned(),
                Decision::ExplicitlyDenied(_) => "Denied by an explicit Deny statement".to_owned(),
                Decision::ImplicitlyDenied => {
                    "Denied: no statement of the principal's policies allows it".to_owned()
                }
            },
            statement: explanation.statement().and_then(|n| u32::try_from(n).ok()),
            resource: explanation.resource,
            policy,
        })
    }
}

/// A stored document, indented for reading.
fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}
