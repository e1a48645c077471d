//! The RAM and IMS actions: parameters in, the domain functions the console uses, Alibaba's
//! response shapes out. Every action is authorized as `ram:<Action>` (IMS's too: RAM's code for
//! IMS is `ram`) on the resource it names, by [`permissions`], as the console's operations are.
use serde_json::{json, Value};

use super::auth::Caller;
use super::error::ApiError;
use super::request::ApiRequest;
use super::Gateway;
use crate::domain::access_keys::{self, KeyOwner};
use crate::domain::audit::Access;
use crate::domain::change::{Author, Record};
use crate::domain::identity;
use crate::domain::network_policy::{self, NetworkPolicy};
use crate::domain::permissions::{self, Requester, Resource};
use crate::domain::ram_users::{self, NewRamUser, UserChanges, UserKeys};
use crate::domain::recycle_bin;
use crate::domain::security_preference::{self, PreferenceChanges, SecurityPreference};
use crate::domain::services::Services;
use crate::infra::clock::iso8601;
use crate::infra::entities::access_key::{self, Status};
use crate::infra::entities::ram_user;

mod policies;

pub const RAM_VERSION: &str = "2015-05-01";
pub const IMS_VERSION: &str = "2019-08-15";

/// What an action does to the account, as the audit trail records it: RAM's and IMS's reading
/// actions, named one by one; every other action writes.
pub fn access_of(action: &str) -> Access {
    match action {
        "GetUser"
        | "ListUsers"
        | "GetSecurityPreference"
        | "ListAccessKeys"
        | "GetAccessKeyLastUsed"
        | "GetAccessKeyPolicy"
        | "GetAccessKeyPolicyForAccount"
        | "ListAccessKeysInRecycleBin"
        | "GetAccessKeyInfoInRecycleBin"
        | "ListUsersInRecycleBin"
        | "GetUserInRecycleBin"
        | "GetPolicy"
        | "ListPolicies"
        | "GetPolicyVersion"
        | "ListPolicyVersions"
        | "ListPoliciesForUser"
        | "ListPoliciesForGroup"
        | "ListEntitiesForPolicy"
        | "GetGroup"
        | "ListGroups"
        | "ListGroupsForUser"
        | "ListUsersForGroup" => Access::Read,
        _ => Access::Write,
    }
}

/// Runs one action; returns the response data.
pub async fn dispatch(
    gateway: &Gateway,
    caller: &Caller,
    action: &str,
    version: &str,
    request: &ApiRequest,
    record: Option<Record>,
) -> Result<Value, ApiError> {
    let call = Call {
        svc: &gateway.svc,
        gateway,
        caller,
        who: Requester {
            principal: caller.principal,
            source_ip: request.source_ip,
            mfa_present: false,
            secure_transport: request.secure_transport,
        },
        action: format!("ram:{action}"),
        request,
        record,
        ims: version == IMS_VERSION,
    };
    let data = match (version, action) {
        (RAM_VERSION, "CreateUser") => call.create_user().await?,
        (RAM_VERSION, "GetUser") => call.get_user().await?,
        (RAM_VERSION, "ListUsers") => call.list_users().await?,
        (RAM_VERSION, "UpdateUser") => call.update_user().await?,
        (RAM_VERSION, "DeleteUser") => call.delete_user().await?,
        (RAM_VERSION, "GetSecurityPreference") => call.get_security_preference().await?,
        (RAM_VERSION, "SetSecurityPreference") => call.set_security_preference().await?,
        (RAM_VERSION | IMS_VERSION, "CreateAccessKey") => call.create_access_key().await?,
        (RAM_VERSION | IMS_VERSION, "ListAccessKeys") => call.list_access_keys().await?,
        (RAM_VERSION | IMS_VERSION, "UpdateAccessKey") => call.update_access_key().await?,
        (RAM_VERSION | IMS_VERSION, "DeleteAccessKey") => call.delete_access_key().await?,
        (RAM_VERSION | IMS_VERSION, "GetAccessKeyLastUsed") => call.last_used().await?,
        (IMS_VERSION, "GetAccessKeyPolicy") => call.key_policy().await?,
        (IMS_VERSION, "SetAccessKeyPolicy") => call.set_key_policy().await?,
        (IMS_VERSION, "GetAccessKeyPolicyForAccount") => call.account_policy().await?,
        (IMS_VERSION, "SetAccessKeyPolicyForAccount") => call.set_account_policy().await?,
        (IMS_VERSION, "ListAccessKeysInRecycleBin") => call.recycled_keys(None).await?,
        (IMS_VERSION, "GetAccessKeyInfoInRecycleBin") => {
            let id = call.required("UserAccessKeyId")?;
            call.recycled_keys(Some(id)).await?
        }
        (IMS_VERSION, "RestoreAccessKeyFromRecycleBin") => call.restore_access_key().await?,
        (IMS_VERSION, "DeleteAccessKeyInRecycleBin") => call.purge_access_key().await?,
        (IMS_VERSION, "ListUsersInRecycleBin") => call.recycled_users(None).await?,
        (IMS_VERSION, "GetUserInRecycleBin") => {
            let id = call.user_id_param()?;
            call.recycled_users(Some(id)).await?
        }
        (IMS_VERSION, "RestoreUserFromRecycleBin") => call.restore_user().await?,
        (IMS_VERSION, "DeleteUserInRecycleBin") => call.purge_user().await?,
        (RAM_VERSION, "CreatePolicy") => call.create_policy().await?,
        (RAM_VERSION, "GetPolicy") => call.get_policy().await?,
        (RAM_VERSION, "ListPolicies") => call.list_policies().await?,
        (RAM_VERSION, "UpdatePolicyDescription") => call.update_policy_description().await?,
        (RAM_VERSION, "DeletePolicy") => call.delete_policy().await?,
        (RAM_VERSION, "CreatePolicyVersion") => call.create_policy_version().await?,
        (RAM_VERSION, "GetPolicyVersion") => call.get_policy_version().await?,
        (RAM_VERSION, "ListPolicyVersions") => call.list_policy_versions().await?,
        (RAM_VERSION, "DeletePolicyVersion") => call.delete_policy_version().await?,
        (RAM_VERSION, "SetDefaultPolicyVersion") => call.set_default_policy_version().await?,
        (RAM_VERSION, "AttachPolicyToUser") => call.attach_policy(true, false).await?,
        (RAM_VERSION, "DetachPolicyFromUser") => call.attach_policy(false, false).await?,
        (RAM_VERSION, "AttachPolicyToGroup") => call.attach_policy(true, true).await?,
        (RAM_VERSION, "DetachPolicyFromGroup") => call.attach_policy(false, true).await?,
        (RAM_VERSION, "ListPoliciesForUser") => call.list_policies_for_user().await?,
        (RAM_VERSION, "ListPoliciesForGroup") => call.list_policies_for_group().await?,
        (RAM_VERSION, "ListEntitiesForPolicy") => call.list_entities_for_policy().await?,
        (RAM_VERSION, "CreateGroup") => call.create_group().await?,
        (RAM_VERSION, "GetGroup") => call.get_group().await?,
        (RAM_VERSION, "ListGroups") => call.list_groups().await?,
        (RAM_VERSION, "UpdateGroup") => call.update_group().await?,
        (RAM_VERSION, "DeleteGroup") => call.delete_group().await?,
        (RAM_VERSION, "AddUserToGroup") => call.add_user_to_group(true).await?,
        (RAM_VERSION, "RemoveUserFromGroup") => call.add_user_to_group(false).await?,
        (RAM_VERSION, "ListGroupsForUser") => call.list_groups_for_user().await?,
        (RAM_VERSION, "ListUsersForGroup") => call.list_users_for_group().await?,
        _ => return Err(ApiError::api_not_found(action, version)),
    };
    Ok(data)
}

struct Call<'a> {
    svc: &'a Services,
    gateway: &'a Gateway,
    caller: &'a Caller,
    /// The caller as policies see it.
    who: Requester,
    /// What it asks for, as policies name it: `ram:CreateUser`.
    action: String,
    request: &'a ApiRequest,
    /// A write's audit event, committed with the change it asks for.
    record: Option<Record>,
    ims: bool,
}

impl Call<'_> {
    /// The caller, for a domain function that changes something.
    fn by(&self) -> Author<'_> {
        self.svc.author(self.record.clone())
    }

    fn account_id(&self) -> i64 {
        self.caller.principal.account_id()
    }

    /// A parameter with a value (an empty one counts as absent).
    fn param(&self, name: &str) -> Option<&str> {
        self.request.param(name).filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.param(name).ok_or_else(|| ApiError::missing(name))
    }

    /// Asks whether the caller may do this call's action on `resource`.
    async fn authorize(&self, resource: Resource<'_>) -> Result<(), ApiError> {
        Ok(permissions::authorize(self.svc, &self.who, &self.action, resource).await?)
    }

    /// The user a key action names: `UserName` (RAM), `UserPrincipalName` or `UserId` (IMS);
    /// none means the caller itself.
    async fn named_user(&self) -> Result<Option<String>, ApiError> {
        if !self.ims {
            return Ok(self.param("UserName").map(str::to_owned));
        }
        if let Some(principal_name) = self.param("UserPrincipalName") {
            let alias = identity::find_account(self.svc, self.account_id())
                .await?
                .map(|a| a.alias)
                .unwrap_or_default();
            // The account's alias is stored lower-case, as the parser gives it.
            return match identity::parse_ram_logon_name(principal_name) {
                Some((name, named_alias)) if named_alias == alias => Ok(Some(name.to_owned())),
                _ => Err(crate::domain::ram_users::user_not_found().into()),
            };
        }
        if self.param("UserId").is_some() {
            let user =
                ram_users::find_by_id(self.svc, self.account_id(), self.user_id_param()?).await?;
            return Ok(Some(user.name));
        }
        Ok(None)
    }

    /// `MaxItems`: 1 to 1000, 100 when absent.
    fn max_items(&self) -> Result<u64, ApiError> {
        match self.param("MaxItems") {
            None => Ok(100),
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid("MaxItems", "MaxItems must be a number from 1 to 1000.")
                }),
        }
    }

    /// `Marker`: where the previous page said the next one starts.
    fn marker(&self) -> Result<Option<i64>, ApiError> {
        self.param("Marker")
            .map(|text| text.parse::<i64>().map_err(|_| bad_marker()))
            .transpose()
    }

    fn user_id_param(&self) -> Result<i64, ApiError> {
        self.required("UserId")?
            .parse()
            .map_err(|_| ApiError::from(crate::domain::ram_users::user_not_found()))
    }

    /// Whose keys this call is about, once the caller is authorized for its action on them.
    async fn key_owner(&self) -> Result<KeyOwner, ApiError> {
        let user = self.named_user().await?;
        Ok(permissions::key_owner(self.svc, &self.who, user.as_deref(), &self.action).await?)
    }

    async fn create_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        let new = NewRamUser {
            name: name.to_owned(),
            display_name: self.param("DisplayName").map(str::to_owned),
            email: self.param("Email").map(str::to_owned),
            mobile_phone: self.param("MobilePhone").map(str::to_owned),
            comments: self.param("Comments").map(str::to_owned),
            console_password: None,
        };
        let user = ram_users::create(self.by(), self.account_id(), new).await?;
        Ok(json!({ "User": user_json(&user) }))
    }

    async fn get_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        let user = ram_users::find(self.svc, self.account_id(), name).await?;
        Ok(json!({ "User": user_json(&user) }))
    }

    async fn list_users(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Users).await?;
        let (marker, max_items) = (self.marker()?, self.max_items()?);
        let page = ram_users::list(self.svc, self.account_id(), marker, max_items).await?;
        let users: Vec<Value> = page.users.iter().map(user_json).collect();
        Ok(paged(
            json!({ "Users": { "User": users } }),
            page.next_marker,
        ))
    }

    async fn update_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        let user = ram_users::find(self.svc, self.account_id(), name).await?;
        if self
            .param("NewUserName")
            .is_some_and(|new_name| new_name != user.name)
        {
            return Err(ApiError::invalid(
                "NewUserName",
                "Renaming a user is not supported: its logon name is what its keys and sign-in are known by.",
            ));
        }
        let keep = |param: &str, current: &Option<String>| {
            self.request
                .param(param)
                .map(str::to_owned)
                .or_else(|| current.clone())
        };
        let changes = UserChanges {
            display_name: self
                .param("NewDisplayName")
                .map_or_else(|| user.display_name.clone(), str::to_owned),
            email: keep("NewEmail", &user.email),
            mobile_phone: keep("NewMobilePhone", &user.mobile_phone),
            comments: keep("NewComments", &user.comments),
        };
        let user = ram_users::update(self.by(), self.account_id(), user.id, changes).await?;
        Ok(json!({ "User": user_json(&user) }))
    }

    async fn delete_user(&self) -> Result<Value, ApiError> {
        let name = self.required("UserName")?;
        self.authorize(Resource::User(name)).await?;
        let user = ram_users::find(self.svc, self.account_id(), name).await?;
        // Alibaba's API refuses a user that still has keys; the console recycles both instead.
        ram_users::delete(
            self.by(),
            self.account_id(),
            user.id,
            UserKeys::MustHaveNone,
        )
        .await?;
        Ok(json!({}))
    }

    async fn get_security_preference(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let preference = security_preference::get(self.svc, self.account_id()).await?;
        Ok(security_preference_json(&preference))
    }

    /// Only the settings the call names change; the answer is the whole preference.
    async fn set_security_preference(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let flag = |name: &str| self.param(name).map(|v| parse_bool(name, v)).transpose();
        let changes = PreferenceChanges {
            allow_user_to_manage_access_keys: flag("AllowUserToManageAccessKeys")?,
            allow_user_to_manage_mfa_devices: flag("AllowUserToManageMFADevices")?,
            allow_user_to_change_password: flag("AllowUserToChangePassword")?,
            allow_user_to_manage_public_keys: flag("AllowUserToManagePublicKeys")?,
            enable_save_mfa_ticket: flag("EnableSaveMFATicket")?,
            // Empty is a value here: it lifts the restriction.
            login_network_masks: self.request.param("LoginNetworkMasks").map(str::to_owned),
            login_session_hours: self.param("LoginSessionDuration").map(str::to_owned),
        };
        let preference = security_preference::update(self.by(), self.account_id(), changes).await?;
        Ok(security_preference_json(&preference))
    }

    async fn create_access_key(&self) -> Result<Value, ApiError> {
        let owner = self.key_owner().await?;
        let created = access_keys::create(self.by(), owner).await?;
        Ok(json!({
            "AccessKey": {
                "AccessKeyId": created.key.access_key_id,
                "AccessKeySecret": created.secret.as_str(),
                "Status": status_name(created.key.status),
                "CreateDate": iso8601(&created.key.created_at),
            }
        }))
    }

    async fn list_access_keys(&self) -> Result<Value, ApiError> {
        let owner = self.key_owner().await?;
        let keys: Vec<Value> = access_keys::list(self.svc, owner)
            .await?
            .iter()
            .map(|key| {
                let mut item = json!({
                    "AccessKeyId": key.access_key_id,
                    "Status": status_name(key.status),
                    "CreateDate": iso8601(&key.created_at),
                });
                if self.ims {
                    item["UpdateDate"] = json!(iso8601(&key.updated_at));
                }
                item
            })
            .collect();
        Ok(json!({ "AccessKeys": { "AccessKey": keys } }))
    }

    async fn update_access_key(&self) -> Result<Value, ApiError> {
        let owner = self.key_owner().await?;
        let id = self.required("UserAccessKeyId")?;
        let status = match self.required("Status")? {
            "Active" => Status::Active,
            "Inactive" => Status::Inactive,
            _ => {
                return Err(ApiError::invalid(
                    "Status",
                    "Status must be Active or Inactive.",
                ))
            }
        };
        access_keys::set_status(self.by(), owner, id, status).await?;
        Ok(json!({}))
    }

    async fn delete_access_key(&self) -> Result<Value, ApiError> {
        let owner = self.key_owner().await?;
        access_keys::delete(
            self.by(),
            owner,
            self.required("UserAccessKeyId")?,
            access_keys::DeleteGuard::AnyStatus,
        )
        .await?;
        Ok(json!({}))
    }

    async fn last_used(&self) -> Result<Value, ApiError> {
        let id = self.required("UserAccessKeyId")?;
        let owner = self.key_owner().await?;
        // The caller's own key is live and its owner's (authentication just said so), and this
        // instance knows its latest use: no database read on that common path.
        let own_key = id == self.caller.key.access_key_id
            && owner.user_id() == self.caller.key.user_id
            && owner.account_id() == self.caller.key.account_id;
        let known = self.gateway.last_used.latest(id).filter(|_| own_key);
        let (at, service) = match known {
            Some(known) => (Some(known.at), Some(known.service.to_owned())),
            None => {
                let key: access_key::Model = access_keys::list(self.svc, owner)
                    .await?
                    .into_iter()
                    .find(|k| k.access_key_id == id)
                    .ok_or_else(|| ApiError::from(access_keys::not_found(id)))?;
                // A use recorded here but not yet written counts too.
                match self.gateway.last_used.latest(id) {
                    Some(known) if key.last_used_at.is_none_or(|at| at < known.at) => {
                        (Some(known.at), Some(known.service.to_owned()))
                    }
                    _ => (key.last_used_at, key.last_used_service),
                }
            }
        };
        let mut last = json!({ "LastUsedDate": at.as_ref().map(iso8601).unwrap_or_default() });
        if self.ims {
            last["ServiceName"] = json!(service.unwrap_or_default());
        }
        Ok(json!({ "AccessKeyLastUsed": last }))
    }

    async fn key_policy(&self) -> Result<Value, ApiError> {
        let id = self.required("UserAccessKeyId")?;
        let user = self.named_user().await?;
        let policies =
            network_policy::key_policies(self.svc, &self.who, user.as_deref(), id).await?;
        Ok(json!({ "AccessKeyId": id, "AccessKeyPolicy": policies.own.document() }))
    }

    async fn set_key_policy(&self) -> Result<Value, ApiError> {
        let id = self.required("UserAccessKeyId")?;
        let policy = NetworkPolicy::parse_document(self.required("AccessKeyPolicy")?)?;
        let user = self.named_user().await?;
        network_policy::set_key_policy(self.by(), &self.who, user.as_deref(), id, &policy).await?;
        Ok(json!({ "AccessKeyId": id, "AccessKeyPolicy": policy.document() }))
    }

    async fn account_policy(&self) -> Result<Value, ApiError> {
        let policy = network_policy::account_policy(self.svc, &self.who).await?;
        Ok(json!({ "AccessKeyPolicy": policy.document() }))
    }

    async fn set_account_policy(&self) -> Result<Value, ApiError> {
        let policy = NetworkPolicy::parse_document(self.required("AccessKeyPolicy")?)?;
        network_policy::set_account_policy(self.by(), &self.who, &policy).await?;
        Ok(json!({ "AccessKeyPolicy": policy.document() }))
    }

    async fn recycled_keys(&self, only: Option<&str>) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let user = self.recycle_bin_user().await?;
        let keys: Vec<Value> = recycle_bin::recycled_keys(self.svc, self.account_id())
            .await?
            .into_iter()
            .filter(|k| only.is_none_or(|id| k.key.access_key_id == id))
            .filter(|k| user.is_none_or(|user| k.key.user_id == Some(user)))
            .map(|k| {
                json!({
                    "AccessKeyId": k.key.access_key_id,
                    "UserId": k.key.user_id.map(|id| id.to_string()).unwrap_or_default(),
                    "UserName": k.user_name,
                    "CreateDate": iso8601(&k.key.created_at),
                    "RecycleDate": iso8601(&k.recycled_at),
                    "DeleteDate": iso8601(&k.delete_date),
                })
            })
            .collect();
        match only {
            None => Ok(json!({ "AccessKeys": { "AccessKey": keys } })),
            Some(id) => keys
                .into_iter()
                .next()
                .map(|key| json!({ "AccessKey": key }))
                .ok_or_else(|| ApiError::from(recycle_bin::not_in_recycle_bin(id))),
        }
    }

    /// `UserId`, when given, must name a user of the account (not one in the recycle bin); the
    /// recycle-bin key actions are then limited to that user's keys.
    async fn recycle_bin_user(&self) -> Result<Option<i64>, ApiError> {
        if self.param("UserId").is_none() {
            return Ok(None);
        }
        let user =
            ram_users::find_by_id(self.svc, self.account_id(), self.user_id_param()?).await?;
        Ok(Some(user.id))
    }

    /// `UserAccessKeyId`, checked to be a recycled key of the user `UserId` names, if any.
    async fn recycled_key_id(&self) -> Result<&str, ApiError> {
        let id = self.required("UserAccessKeyId")?;
        if let Some(user) = self.recycle_bin_user().await? {
            let key = recycle_bin::find_recycled_key(self.svc, self.account_id(), id).await?;
            if key.user_id != Some(user) {
                return Err(recycle_bin::not_in_recycle_bin(id).into());
            }
        }
        Ok(id)
    }

    async fn restore_access_key(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let id = self.recycled_key_id().await?;
        recycle_bin::restore_key(self.by(), self.account_id(), id).await?;
        Ok(json!({}))
    }

    async fn purge_access_key(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let id = self.recycled_key_id().await?;
        recycle_bin::purge_key(self.by(), self.account_id(), id).await?;
        Ok(json!({}))
    }

    async fn recycled_users(&self, only: Option<i64>) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        let users: Vec<Value> = recycle_bin::recycled_users(self.svc, self.account_id())
            .await?
            .into_iter()
            .filter(|u| only.is_none_or(|id| u.user.id == id))
            .map(|u| {
                let mut user = user_json(&u.user);
                user["RecycleDate"] = json!(iso8601(&u.recycled_at));
                user["DeleteDate"] = json!(iso8601(&u.delete_date));
                user["AccessKeyIds"] = json!(u.access_key_ids);
                user
            })
            .collect();
        match only {
            None => Ok(json!({ "Users": { "User": users } })),
            Some(_) => users
                .into_iter()
                .next()
                .map(|user| json!({ "User": user }))
                .ok_or_else(|| ApiError::from(recycle_bin::user_not_in_recycle_bin())),
        }
    }

    async fn restore_user(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        recycle_bin::restore_user(self.by(), self.account_id(), self.user_id_param()?).await?;
        Ok(json!({}))
    }

    async fn purge_user(&self) -> Result<Value, ApiError> {
        self.authorize(Resource::Account).await?;
        recycle_bin::purge_user(self.by(), self.account_id(), self.user_id_param()?).await?;
        Ok(json!({}))
    }
}

fn bad_marker() -> ApiError {
    ApiError::invalid("Marker", "Marker must be a value from a previous response.")
}

/// A page's data with RAM's `IsTruncated` and, when there is more, the `Marker` to ask for it.
fn paged(mut data: Value, next: Option<impl ToString>) -> Value {
    data["IsTruncated"] = json!(next.is_some());
    if let Some(next) = next {
        data["Marker"] = json!(next.to_string());
    }
    data
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Active => "Active",
        Status::Inactive => "Inactive",
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "True" => Ok(true),
        "false" | "False" => Ok(false),
        _ => Err(ApiError::invalid(
            name,
            format!("{name} must be true or false."),
        )),
    }
}

fn user_json(user: &ram_user::Model) -> Value {
    json!({
        "UserId": user.id.to_string(),
        "UserName": user.name,
        "DisplayName": user.display_name,
        "MobilePhone": user.mobile_phone.clone().unwrap_or_default(),
        "Email": user.email.clone().unwrap_or_default(),
        "Comments": user.comments.clone().unwrap_or_default(),
        "CreateDate": iso8601(&user.created_at),
        "UpdateDate": iso8601(&user.updated_at),
        "LastLoginDate": user.last_login_at.as_ref().map(iso8601).unwrap_or_default(),
    })
}

/// RAM's shape. Settings this server has no counterpart for say what it does: RAM users never
/// change their own passwords or manage public keys here, and no MFA ticket is saved.
fn security_preference_json(preference: &SecurityPreference) -> Value {
    json!({
        "SecurityPreference": {
            "AccessKeyPreference": {
                "AllowUserToManageAccessKeys": preference.allow_user_to_manage_access_keys,
            },
            "LoginProfilePreference": {
                "AllowUserToChangePassword": false,
                "EnableSaveMFATicket": false,
                "LoginNetworkMasks": preference.login_network_masks_text(),
                "LoginSessionDuration": preference.login_session_hours,
            },
            "MFAPreference": {
                "AllowUserToManageMFADevices": preference.allow_user_to_manage_mfa_devices,
            },
            "PublicKeyPreference": { "AllowUserToManagePublicKeys": false },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_actions_are_recorded_as_reads() {
        assert_eq!(access_of("GetAccessKeyLastUsed"), Access::Read);
        assert_eq!(access_of("ListUsers"), Access::Read);
        assert_eq!(access_of("CreateAccessKey"), Access::Write);
        assert_eq!(access_of("SetAccessKeyPolicy"), Access::Write);
    }

    /// Every `Get…` and `List…` action in the dispatch table is named as a read.
    #[test]
    fn every_reading_action_is_named() {
        let arms = include_str!("actions.rs")
            .lines()
            .filter(|line| {
                line.trim_start().starts_with("(RAM_") || line.trim_start().starts_with("(IMS_")
            })
            .filter_map(|line| line.split('"').nth(1));
        for action in arms {
            let reads = action.starts_with("Get") || action.starts_with("List");
            assert_eq!(access_of(action) == Access::Read, reads, "{action}");
        }
    }
    /// The Audit Trail's event filter knows each action by name.
    #[test]
    fn every_action_is_a_known_event_name() {
        let arms = include_str!("actions.rs")
            .lines()
            .filter(|line| {
                line.trim_start().starts_with("(RAM_") || line.trim_start().starts_with("(IMS_")
            })
            .filter_map(|line| line.split('"').nth(1))
            .collect::<Vec<_>>();
        assert!(arms.len() > 20, "{arms:?}");
        for action in arms {
            assert!(
                crate::domain::audit::EVENT_NAMES.contains(&action),
                "{action}"
            );
        }
    }
}
