//! RAM's policy, attachment and group actions (2015-05-01), in the shapes Alibaba's API
//! reference gives them: `Policy`, `DefaultPolicyVersion`, `PolicyVersion`, `Group`, each list
//! wrapped as `{"Policies": {"Policy": [...]}}`.
use serde_json::{json, Value};

use super::{paged, ApiError, Call, Resource};
use crate::domain::custom_policies::{self, version_id, PolicyWithVersion, RotateStrategy};
use crate::domain::groups;
use crate::domain::permissions::attachments::{self, Attachment, Grantee};
use crate::domain::policy::{PolicyType, SystemPolicy};
use crate::infra::clock::iso8601;
use crate::infra::entities::{policy, ram_group};

impl Call<'_> {
    /// `PolicyType`: `System` or `Custom`; `default` when the action lets it be left out.
    fn policy_type(&self, default: Option<PolicyType>) -> Result<PolicyType, ApiError> {
        match self.param("PolicyType") {
            None => default.ok_or_else(|| ApiError::missing("PolicyType")),
            Some(text) => PolicyType::parse(text).ok_or_else(|| {
                ApiError::invalid("PolicyType", "PolicyType must be System or Custom.")
            }),
        }
    }

    async fn custom_policy_json(&self, policy: &policy::Model) -> Result<Value, ApiError> {
        let count = custom_policies::attachment_count(
            self.svc,
            self.account_id(),
            PolicyType::Custom,
            &policy.name,
        )
        .await?;
        Ok(json!({
            "PolicyName": policy.name,
            "PolicyType": "Custom",
            "Description": policy.description.clone().unwrap_or_default(),
            "DefaultVersion": version_id(policy.default_version),
            "CreateDate": iso8601(&policy.created_at),
            "UpdateDate": iso8601(&policy.updated_at),
            "AttachmentCount": count,
        }))
    }

    async fn system_policy_json(&self, policy: SystemPolicy) -> Result<Value, ApiError> {
        let count = custom_policies::attachment_count(
            self.svc,
            self.account_id(),
            PolicyType::System,
            policy.name(),
        )
        .await?;
        Ok(json!({
            "PolicyName": policy.name(),
            "PolicyType": "System",
            "Description": policy.description(),
            "DefaultVersion": "v1",
            "CreateDate": "",
            "UpdateDate": "",
            "AttachmentCount": count,
        }))
    }

    pub(super) async fn create_policy(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        self.authorize(Resource::Policy(name)).await?;
        let document = self.required("PolicyDocument")?;
        let created = custom_policies::create(
            self.by(),
            self.account_id(),
            name,
            document,
            self.param("Description"),
        )
        .await?;
        let mut policy = self.custom_policy_json(&created.policy).await?;
        if let Some(policy) = policy.as_object_mut() {
            policy.remove("UpdateDate");
            policy.remove("AttachmentCount");
        }
        Ok(json!({ "Policy": policy }))
    }

    pub(super) async fn get_policy(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let policy_type = self.policy_type(None)?;
        self.authorize(Resource::Policy(name)).await?;
        match policy_type {
            PolicyType::System => {
                let policy = SystemPolicy::from_name(name)?;
                Ok(json!({
                    "Policy": self.system_policy_json(policy).await?,
                    "DefaultPolicyVersion": {
                        "VersionId": "v1",
                        "IsDefaultVersion": true,
                        "PolicyDocument": policy.text(),
                        "CreateDate": "",
                    },
                }))
            }
            PolicyType::Custom => {
                let found = custom_policies::get(self.svc, self.account_id(), name).await?;
                Ok(json!({
                    "Policy": self.custom_policy_json(&found.policy).await?,
                    "DefaultPolicyVersion": version_json(&found),
                }))
            }
        }
    }

    /// System policies first, then the account's custom ones in creation order. The marker is
    /// `S<n>` (the system list from its n-th) or `C<id>` (custom ones after that id).
    pub(super) async fn list_policies(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Policies).await?;
        let only = self
            .param("PolicyType")
            .map(|_| self.policy_type(None))
            .transpose()?;
        let max_items = self.max_items()? as usize;
        let (system_from, custom_after) = match self.param("Marker") {
            None => (0, None),
            Some(marker) => match marker.split_at_checked(1) {
                Some(("S", n)) => (n.parse().map_err(|_| super::bad_marker())?, None),
                Some(("C", id)) => (
                    SystemPolicy::ALL.len(),
                    Some(id.parse().map_err(|_| super::bad_marker())?),
                ),
                _ => return Err(super::bad_marker()),
            },
        };
        let mut list = Vec::new();
        let mut next = None;
        if only != Some(PolicyType::Custom) {
            for (i, policy) in SystemPolicy::ALL.into_iter().enumerate().skip(system_from) {
                if list.len() == max_items {
                    next = Some(format!("S{i}"));
                    break;
                }
                list.push(self.system_policy_json(policy).await?);
            }
        }
        if next.is_none() && only != Some(PolicyType::System) {
            let room = (max_items - list.len()) as u64;
            if room == 0 {
                // A full page of system policies: the custom ones start the next page, if any.
                let (first, _) =
                    custom_policies::list(self.svc, self.account_id(), None, 1).await?;
                if !first.is_empty() {
                    next = Some("C0".to_owned());
                }
            } else {
                let (policies, more) =
                    custom_policies::list(self.svc, self.account_id(), custom_after, room).await?;
                for policy in &policies {
                    list.push(self.custom_policy_json(policy).await?);
                }
                next = more.map(|id| format!("C{id}"));
            }
        }
        Ok(paged(json!({ "Policies": { "Policy": list } }), next))
    }

    pub(super) async fn update_policy_description(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        self.authorize(Resource::Policy(name)).await?;
        let description = self.request.param("NewDescription").unwrap_or_default();
        let policy =
            custom_policies::update_description(self.by(), self.account_id(), name, description)
                .await?;
        Ok(json!({ "Policy": self.custom_policy_json(&policy).await? }))
    }

    pub(super) async fn delete_policy(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        self.authorize(Resource::Policy(name)).await?;
        custom_policies::delete(self.by(), self.account_id(), name).await?;
        Ok(json!({}))
    }

    pub(super) async fn create_policy_version(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        self.authorize(Resource::Policy(name)).await?;
        let document = self.required("PolicyDocument")?;
        let set_as_default = self
            .param("SetAsDefault")
            .map(|v| super::parse_bool("SetAsDefault", v))
            .transpose()?
            .unwrap_or(false);
        let rotate = self
            .param("RotateStrategy")
            .map(RotateStrategy::parse)
            .transpose()?
            .unwrap_or(RotateStrategy::None);
        let created = custom_policies::create_version(
            self.by(),
            self.account_id(),
            name,
            document,
            set_as_default,
            rotate,
        )
        .await?;
        Ok(json!({ "PolicyVersion": version_json(&created) }))
    }

    pub(super) async fn get_policy_version(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let policy_type = self.policy_type(None)?;
        let version = self.required("VersionId")?;
        self.authorize(Resource::Policy(name)).await?;
        match policy_type {
            PolicyType::System => {
                let policy = SystemPolicy::from_name(name)?;
                if version != "v1" {
                    return Err(crate::domain::error::DomainError::not_found(
                        "EntityNotExist.Policy.Version",
                        "The policy version does not exist.",
                    )
                    .into());
                }
                Ok(json!({ "PolicyVersion": {
                    "VersionId": "v1",
                    "IsDefaultVersion": true,
                    "PolicyDocument": policy.text(),
                    "CreateDate": "",
                }}))
            }
            PolicyType::Custom => {
                let found =
                    custom_policies::get_version(self.svc, self.account_id(), name, version)
                        .await?;
                Ok(json!({ "PolicyVersion": version_json(&found) }))
            }
        }
    }

    pub(super) async fn list_policy_versions(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let policy_type = self.policy_type(None)?;
        self.authorize(Resource::Policy(name)).await?;
        let versions: Vec<Value> = match policy_type {
            PolicyType::System => {
                let policy = SystemPolicy::from_name(name)?;
                vec![json!({
                    "VersionId": "v1",
                    "IsDefaultVersion": true,
                    "PolicyDocument": policy.text(),
                    "CreateDate": "",
                })]
            }
            PolicyType::Custom => {
                let (policy, versions) =
                    custom_policies::list_versions(self.svc, self.account_id(), name).await?;
                versions
                    .into_iter()
                    .map(|version| {
                        version_json(&PolicyWithVersion {
                            policy: policy.clone(),
                            version,
                        })
                    })
                    .collect()
            }
        };
        Ok(json!({ "PolicyVersions": { "PolicyVersion": versions } }))
    }

    pub(super) async fn delete_policy_version(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let version = self.required("VersionId")?;
        self.authorize(Resource::Policy(name)).await?;
        custom_policies::delete_version(self.by(), self.account_id(), name, version).await?;
        Ok(json!({}))
    }

    pub(super) async fn set_default_policy_version(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let version = self.required("VersionId")?;
        self.authorize(Resource::Policy(name)).await?;
        custom_policies::set_default_version(self.by(), self.account_id(), name, version).await?;
        Ok(json!({}))
    }

    /// Attach…/Detach… `PolicyType` `PolicyName` to or from `UserName` or `GroupName`.
    pub(super) async fn attach_policy(&self, attach: bool, group: bool) -> Result<Value, ApiError> {
        let policy_type = self.policy_type(None)?;
        let policy_name = self.required("PolicyName")?;
        let grantee = if group {
            Grantee::Group(self.required("GroupName")?)
        } else {
            Grantee::User(self.required("UserName")?)
        };
        self.authorize(match grantee {
            Grantee::User(name) => Resource::User(name),
            Grantee::Group(name) => Resource::Group(name),
        })
        .await?;
        if attach {
            attachments::attach(
                self.by(),
                self.account_id(),
                policy_type,
                policy_name,
                grantee,
            )
            .await?;
        } else {
            attachments::detach(
                self.by(),
                self.account_id(),
                policy_type,
                policy_name,
                grantee,
            )
            .await?;
        }
        Ok(json!({}))
    }

    pub(super) async fn list_policies_for_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        // RAM lists the user's own attachments; its groups' are ListPoliciesForGroup's.
        let list = attachments::policies_for_user(self.svc, self.account_id(), name, false).await?;
        Ok(
            json!({ "Policies": { "Policy": list.iter().map(attachment_json).collect::<Vec<_>>() } }),
        )
    }

    pub(super) async fn list_policies_for_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        let list = attachments::policies_for_group(self.svc, self.account_id(), name).await?;
        Ok(
            json!({ "Policies": { "Policy": list.iter().map(attachment_json).collect::<Vec<_>>() } }),
        )
    }

    pub(super) async fn list_entities_for_policy(&self) -> Result<Value, ApiError> {
        let name = self.required("PolicyName")?;
        let policy_type = self.policy_type(None)?;
        self.authorize(Resource::Policy(name)).await?;
        let (users, groups) =
            attachments::entities_for_policy(self.svc, self.account_id(), policy_type, name)
                .await?;
        let users: Vec<Value> = users
            .iter()
            .map(|(user, at)| {
                json!({
                    "UserId": user.id.to_string(),
                    "UserName": user.name,
                    "DisplayName": user.display_name,
                    "AttachDate": iso8601(at),
                })
            })
            .collect();
        let groups: Vec<Value> = groups
            .iter()
            .map(|(group, at)| {
                json!({
                    "GroupName": group.name,
                    "Comments": group.comments.clone().unwrap_or_default(),
                    "AttachDate": iso8601(at),
                })
            })
            .collect();
        Ok(json!({ "Users": { "User": users }, "Groups": { "Group": groups } }))
    }

    pub(super) async fn create_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        let group =
            groups::create(self.by(), self.account_id(), name, self.param("Comments")).await?;
        Ok(json!({ "Group": group_json(&group) }))
    }

    pub(super) async fn get_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        let group = groups::find(self.svc, self.account_id(), name).await?;
        Ok(json!({ "Group": group_json(&group) }))
    }

    pub(super) async fn list_groups(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Groups).await?;
        let (marker, max_items) = (self.marker()?, self.max_items()?);
        let (list, next) = groups::list(self.svc, self.account_id(), marker, max_items).await?;
        let list: Vec<Value> = list.iter().map(group_json).collect();
        Ok(paged(json!({ "Groups": { "Group": list } }), next))
    }

    pub(super) async fn update_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        let group = groups::update(
            self.by(),
            self.account_id(),
            name,
            self.param("NewGroupName"),
            self.request.param("NewComments"),
        )
        .await?;
        Ok(json!({ "Group": group_json(&group) }))
    }

    pub(super) async fn delete_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        groups::delete(self.by(), self.account_id(), name).await?;
        Ok(json!({}))
    }

    pub(super) async fn add_user_to_group(&self, add: bool) -> Result<Value, ApiError> {
        let group = self.required("GroupName")?;
        let user = self.required("UserName")?;
        self.authorize(Resource::Group(group)).await?;
        if add {
            groups::add_user(self.by(), self.account_id(), group, user).await?;
        } else {
            groups::remove_user(self.by(), self.account_id(), group, user).await?;
        }
        Ok(json!({}))
    }

    pub(super) async fn list_groups_for_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        let list: Vec<Value> = groups::groups_of_user(self.svc, self.account_id(), name)
            .await?
            .iter()
            .map(|(group, member)| {
                json!({
                    "GroupName": group.name,
                    "Comments": group.comments.clone().unwrap_or_default(),
                    "JoinDate": iso8601(&member.joined_at),
                })
            })
            .collect();
        Ok(json!({ "Groups": { "Group": list } }))
    }

    pub(super) async fn list_users_for_group(&self) -> Result<Value, ApiError> {
        let name = self.required("GroupName")?;
        self.authorize(Resource::Group(name)).await?;
        let (marker, max_items) = (self.marker()?, self.max_items()?);
        let members = groups::members(self.svc, self.account_id(), name).await?;
        let mut page: Vec<_> = members
            .iter()
            .filter(|(user, _)| marker.is_none_or(|after| user.id > after))
            .take(max_items as usize + 1)
            .collect();
        let next = (page.len() > max_items as usize).then(|| {
            page.truncate(max_items as usize);
            page.last().map(|(user, _)| user.id)
        });
        let list: Vec<Value> = page
            .iter()
            .map(|(user, member)| {
                json!({
                    "UserName": user.name,
                    "DisplayName": user.display_name,
                    "JoinDate": iso8601(&member.joined_at),
                })
            })
            .collect();
        Ok(paged(json!({ "Users": { "User": list } }), next.flatten()))
    }
}

fn version_json(found: &PolicyWithVersion) -> Value {
    json!({
        "VersionId": version_id(found.version.version),
        "IsDefaultVersion": found.version.version == found.policy.default_version,
        "PolicyDocument": found.version.document,
        "CreateDate": iso8601(&found.version.created_at),
    })
}

fn attachment_json(a: &Attachment) -> Value {
    json!({
        "PolicyName": a.policy_name,
        "PolicyType": a.policy_type.as_str(),
        "Description": a.description,
        "DefaultVersion": a.default_version,
        "AttachDate": iso8601(&a.attached_at),
    })
}

fn group_json(group: &ram_group::Model) -> Value {
    json!({
        "GroupId": group.id.to_string(),
        "GroupName": group.name,
        "Comments": group.comments.clone().unwrap_or_default(),
        "CreateDate": iso8601(&group.created_at),
        "UpdateDate": iso8601(&group.updated_at),
    })
}
