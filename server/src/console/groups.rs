//! The console's Groups pages: glue from their server functions to the domain, each operation
//! authorized as the API action that does the same (`ram:CreateGroup`, …).
use app::error::ConsoleError;
use app::model::*;
use tower_sessions::Session;

use super::audit::Operation;
use super::backend::Console;
use super::views::format_time;
use crate::domain::custom_policies;
use crate::domain::error::DomainError;
use crate::domain::groups;
use crate::domain::permissions::attachments::{self, Grantee};
use crate::domain::permissions::{self, Resource};
use crate::domain::policy::{PolicyType, SystemPolicy};
use crate::infra::entities::ram_group;

/// The most groups the Groups page lists.
const GROUPS_PER_PAGE: u64 = 1000;

fn row(group: &ram_group::Model) -> GroupRow {
    GroupRow {
        name: group.name.clone(),
        comments: group.comments.clone().unwrap_or_default(),
        created: format_time(&group.created_at),
    }
}

impl Console {
    pub(super) async fn groups_page(&self, session: &Session) -> Result<GroupList, ConsoleError> {
        let who = self
            .authorized(session, "ram:ListGroups", Resource::Groups)
            .await?;
        let (list, _) =
            groups::list(&self.0, who.principal.account_id(), None, GROUPS_PER_PAGE).await?;
        Ok(GroupList {
            groups: list.iter().map(row).collect(),
            can_manage: permissions::allows(&self.0, &who, "ram:CreateGroup", Resource::Groups)
                .await?,
        })
    }

    pub(super) async fn new_group(
        &self,
        session: &Session,
        name: String,
        comments: String,
    ) -> Result<(), ConsoleError> {
        let name = name.trim().to_owned();
        let operation = Operation::write("CreateGroup").with("name", &name);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:CreateGroup", Resource::Group(&name))
                .await?;
            let comments = Some(comments.trim()).filter(|c| !c.is_empty());
            groups::create(by, who.principal.account_id(), &name, comments)
                .await
                .map_err(|error| match error {
                    DomainError::Conflict { message, .. } => ConsoleError::invalid("name", message),
                    other => other.into(),
                })?;
            Ok(())
        })
        .await
    }

    pub(super) async fn remove_group(
        &self,
        session: &Session,
        name: String,
    ) -> Result<(), ConsoleError> {
        let operation = Operation::write("DeleteGroup").with("name", &name);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, "ram:DeleteGroup", Resource::Group(&name))
                .await?;
            Ok(groups::delete(by, who.principal.account_id(), &name).await?)
        })
        .await
    }

    pub(super) async fn group_page(
        &self,
        session: &Session,
        name: String,
    ) -> Result<GroupDetail, ConsoleError> {
        let who = self
            .authorized(session, "ram:GetGroup", Resource::Group(&name))
            .await?;
        let account_id = who.principal.account_id();
        let group = groups::find(&self.0, account_id, &name).await?;
        let members = groups::members(&self.0, account_id, &name)
            .await?
            .into_iter()
            .map(|(user, member)| GroupMember {
                name: user.name,
                display_name: user.display_name,
                joined: format_time(&member.joined_at),
            })
            .collect();
        let attached = attachments::policies_for_group(&self.0, account_id, &name).await?;
        let (custom, _) = custom_policies::list(&self.0, account_id, None, 1000).await?;
        let policies = SystemPolicy::ALL
            .into_iter()
            .map(|p| {
                (
                    PolicyType::System,
                    p.name().to_owned(),
                    p.description().to_owned(),
                )
            })
            .chain(custom.into_iter().map(|p| {
                (
                    PolicyType::Custom,
                    p.name,
                    p.description.unwrap_or_default(),
                )
            }))
            .map(|(policy_type, policy_name, description)| PolicyRow {
                attached: attached
                    .iter()
                    .any(|a| a.policy_type == policy_type && a.policy_name == policy_name),
                via_groups: Vec::new(),
                policy_type: policy_type.as_str().to_owned(),
                name: policy_name,
                description,
            })
            .collect();
        Ok(GroupDetail {
            row: row(&group),
            members,
            policies,
            can_manage: permissions::allows(
                &self.0,
                &who,
                "ram:AddUserToGroup",
                Resource::Group(&name),
            )
            .await?,
        })
    }

    pub(super) async fn group_member(
        &self,
        session: &Session,
        group: String,
        user: String,
        member: bool,
    ) -> Result<(), ConsoleError> {
        let action = if member {
            "AddUserToGroup"
        } else {
            "RemoveUserFromGroup"
        };
        let user = user.trim().to_owned();
        let operation = Operation::write(action)
            .with("group", &group)
            .with("user", &user);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, &format!("ram:{action}"), Resource::Group(&group))
                .await?;
            let account_id = who.principal.account_id();
            let result = if member {
                groups::add_user(by, account_id, &group, &user).await
            } else {
                groups::remove_user(by, account_id, &group, &user).await
            };
            // Said beside the field the user name was typed in.
            result.map_err(|error| match error {
                DomainError::NotFound { message, .. } | DomainError::Conflict { message, .. }
                    if member =>
                {
                    ConsoleError::invalid("user", message)
                }
                other => other.into(),
            })
        })
        .await
    }

    pub(super) async fn group_policy(
        &self,
        session: &Session,
        group: String,
        policy: String,
        attached: bool,
    ) -> Result<(), ConsoleError> {
        let action = if attached {
            "AttachPolicyToGroup"
        } else {
            "DetachPolicyFromGroup"
        };
        let operation = Operation::write(action)
            .with("group", &group)
            .with("policy", &policy);
        self.recorded(session, operation, |by| async move {
            let who = self
                .authorized(session, &format!("ram:{action}"), Resource::Group(&group))
                .await?;
            let account_id = who.principal.account_id();
            // A custom policy never takes a system policy's name, so the name says which.
            let policy_type = match SystemPolicy::find(&policy) {
                Some(_) => PolicyType::System,
                None => PolicyType::Custom,
            };
            let to = Grantee::Group(&group);
            if attached {
                attachments::attach(by, account_id, policy_type, &policy, to).await?;
            } else {
                attachments::detach(by, account_id, policy_type, &policy, to).await?;
            }
            Ok(())
        })
        .await
    }
}
