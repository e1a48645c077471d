//! What the console shows and sends: the DTOs shared by the server functions and the pages.
//! None of them ever carries an AccessKey secret except [`NewAccessKey`], the create response.
use serde::{Deserialize, Serialize};

/// Who is signed in, as the top bar and the avatar menu show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub account_alias: String,
    /// The owner's e-mail, or a RAM user's logon name.
    pub sign_in_name: String,
    pub is_owner: bool,
    /// A RAM user's own name (`None` for the owner): whose keys "current AccessKey pair" means.
    pub user_name: Option<String>,
    /// May open the Users and Recycle Bin pages.
    pub can_view_users: bool,
    /// A virtual MFA device is bound: its codes replace the phone's for creating keys.
    pub mfa_bound: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKeyStatus {
    Active,
    Inactive,
}

impl AccessKeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }
}

/// One row of an AccessKey table: metadata only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyRow {
    pub access_key_id: String,
    pub status: AccessKeyStatus,
    /// Times arrive formatted by the server (UTC), so the browser build needs no date library.
    pub created: String,
    /// `None`: never used.
    pub last_used: Option<String>,
    /// Used within the window in which deleting it would likely break an application.
    pub used_recently: bool,
    /// Reported as leaked: every call with it fails, for good.
    pub leaked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyList {
    pub keys: Vec<AccessKeyRow>,
    /// How many keys this owner may hold at once.
    pub limit: u32,
    /// The viewer may create, disable, enable and delete these keys (not only look).
    pub can_manage: bool,
    /// A RAM user's deleted key goes to the recycle bin; the account's own is deleted for good.
    pub delete_recycles: bool,
}

impl AccessKeyList {
    pub fn at_limit(&self) -> bool {
        self.keys.len() as u32 >= self.limit
    }
}

/// A row of the Users page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub name: String,
    /// `name@alias.onaliyun.com`.
    pub logon_name: String,
    pub display_name: String,
    pub created: String,
    pub last_login: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    pub users: Vec<UserRow>,
    /// Where the next page starts, if there is one.
    pub next_marker: Option<i64>,
    /// Where the previous page ends, if there is one.
    pub previous_marker: Option<i64>,
    /// How many users come before this page, and how many there are in all (a search: how many
    /// matched).
    pub offset: u64,
    pub total: u64,
    pub page_size: u32,
    pub can_manage: bool,
    /// The search named one of the account's own (root) AccessKey pairs, which no RAM user owns.
    pub account_key: bool,
}

/// A user's page: Basic Information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub row: UserRow,
    pub email: Option<String>,
    pub mobile_phone: Option<String>,
    pub comments: Option<String>,
    pub has_console_password: bool,
    /// The system policy catalogue, each marked attached or not.
    pub policies: Vec<PolicyRow>,
    /// The viewer may change this user (and delete it).
    pub can_manage: bool,
}

/// Basic Information as edited; empty optional fields clear the value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEdit {
    pub display_name: String,
    pub email: String,
    pub mobile_phone: String,
    pub comments: String,
}

/// One policy on a user's Permissions tab: the system policies and the account's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub name: String,
    /// `System` or `Custom`.
    pub policy_type: String,
    pub description: String,
    /// Attached to the user itself.
    pub attached: bool,
    /// The user's groups that have it attached.
    pub via_groups: Vec<String>,
}

/// The account's Security Settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    /// "Allow RAM users to manage their own AccessKey pairs".
    pub allow_user_to_manage_access_keys: bool,
    /// "Allow RAM users to manage their own MFA devices".
    pub allow_user_to_manage_mfa_devices: bool,
    /// Networks RAM users may sign in from, `;`-separated; empty: any.
    pub login_network_masks: String,
    pub login_session_hours: i32,
    pub can_manage: bool,
}

/// What Security Settings saves; `None` leaves a setting as it is. Text as typed: the server
/// checks it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettingsChanges {
    pub allow_user_to_manage_access_keys: Option<bool>,
    pub allow_user_to_manage_mfa_devices: Option<bool>,
    pub login_network_masks: Option<String>,
    pub login_session_hours: Option<String>,
}

/// The Create User form; empty optional fields mean "not set".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserForm {
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub mobile_phone: String,
    pub comments: String,
    /// Empty: the user cannot sign in to the console.
    pub console_password: String,
}

/// The Recycle Bin page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycleBin {
    pub keys: Vec<RecycledKeyRow>,
    pub users: Vec<RecycledUserRow>,
    pub can_manage: bool,
}

/// A RAM user's key deleted on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycledKeyRow {
    pub access_key_id: String,
    pub user_name: String,
    pub deleted: String,
    /// When it is purged for good (30 days after deletion).
    pub purged: String,
}

/// A deleted RAM user, with the keys it had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycledUserRow {
    pub user_id: i64,
    pub name: String,
    pub access_key_ids: Vec<String>,
    pub deleted: String,
    pub purged: String,
}

/// The create response: the only place a secret ever travels.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessKey {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub status: AccessKeyStatus,
    pub created: String,
}

/// Redacts the secret, so a stray `{:?}` can never log it.
impl std::fmt::Debug for NewAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccessKey")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field("status", &self.status)
            .field("created", &self.created)
            .finish()
    }
}

/// What the Phone Verification dialog says after a code was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationSent {
    pub masked_phone: String,
    pub expires_in_secs: u32,
    pub resend_after_secs: u32,
}

/// The first-run form that creates the account owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSetup {
    pub alias: String,
    pub email: String,
    pub mobile_phone: String,
    pub password: String,
    pub confirm_password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let key = NewAccessKey {
            access_key_id: "LTAI0123456789abcdefABCD".to_owned(),
            access_key_secret: "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t".to_owned(),
            status: AccessKeyStatus::Active,
            created: "2026-11-22 09:00:00 UTC".to_owned(),
        };
        let debug = format!("{key:?}");
        assert!(debug.contains("LTAI0123456789abcdefABCD"));
        assert!(!debug.contains("s3cr3t"), "{debug}");
    }
}

/// A network access policy as the editor shows it: the account's (no `access_key_id`) or one
/// key's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkPolicyView {
    pub access_key_id: Option<String>,
    /// The key's RAM user, for a RAM user's key.
    pub user: Option<String>,
    pub active: bool,
    pub entries: Vec<String>,
    /// In plain words, what governs the key's calls now (or the account's keys).
    pub applies: String,
    pub can_manage: bool,
    /// Addresses that called with the key recently (from the audit trail), newest first.
    pub recent_sources: Vec<SourceAddress>,
}

/// One address that used a key, for "Review historical API calls".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceAddress {
    pub ip: String,
    pub calls: u64,
    pub last_seen: String,
    /// Already allowed by the policy being edited.
    pub allowed: bool,
}

/// The Audit Trail page's filters, as they travel in its URL (every field may be empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// `YYYY-MM-DDTHH:MM`, UTC.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub event_name: String,
    /// A RAM user's name, or `root` for the account owner.
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub access_key_id: String,
    /// `Read`, `Write` or empty.
    #[serde(default)]
    pub rw: String,
    /// `Success`, `Failure` or empty.
    #[serde(default)]
    pub result: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventRow {
    pub time: String,
    pub event_name: String,
    /// `ApiCall` or `ConsoleOperation`.
    pub event_type: String,
    pub rw: String,
    /// The RAM user's name, or `root` for the account owner.
    pub user: String,
    /// The key the call was signed with.
    pub access_key_id: Option<String>,
    /// The key the operation was about.
    pub referenced_access_key_id: Option<String>,
    pub source_ip: Option<String>,
    /// `None`: succeeded.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub request_parameters: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEventPage {
    pub events: Vec<AuditEventRow>,
    /// The marker of the next page, if there is one.
    pub next: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaStatus {
    pub bound: bool,
    /// Why the signed-in identity may not bind or unbind its device, when it may not (a RAM user
    /// while the account's security settings say no).
    pub why_not_manageable: Option<String>,
}

/// A virtual MFA device's key, shown while binding it (and never again).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEnrollment {
    /// Base32, for typing into an authenticator app by hand.
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The same as a QR code (an SVG document made by the server).
    pub qr_svg: String,
}

/// Redacts the key, so a stray `{:?}` can never log it.
impl std::fmt::Debug for MfaEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaEnrollment { .. }")
    }
}

/// A row of the Policies page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub name: String,
    /// `System` or `Custom`.
    pub policy_type: String,
    pub description: String,
    pub default_version: String,
    /// Users and groups it is attached to.
    pub attachments: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyList {
    pub policies: Vec<PolicySummary>,
    pub can_create: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionRow {
    pub version_id: String,
    pub is_default: bool,
    pub created: String,
    pub document: String,
}

/// A policy's page: its document in force, its versions and where it is attached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDetail {
    pub summary: PolicySummary,
    pub document: String,
    pub versions: Vec<PolicyVersionRow>,
    /// "User ann", "Group developers".
    pub attached_to: Vec<String>,
    pub can_manage: bool,
}

/// A new custom policy, as the Create Policy form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPolicyForm {
    pub name: String,
    pub description: String,
    pub document: String,
}

/// What the server says of a policy document being written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentCheck {
    /// None: the document is valid.
    pub problem: Option<String>,
    /// The statement the problem is in, from 1.
    pub statement: Option<u32>,
}

/// A Check access question: who (empty: the account owner), what, on what.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessQuestion {
    pub user: String,
    pub action: String,
    /// An ARN, or empty for the account as a whole.
    pub resource: String,
    pub source_ip: String,
    /// An unticked checkbox sends nothing.
    #[serde(default)]
    pub mfa_present: bool,
}

/// Check access's answer, and what decided it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessAnswer {
    pub allowed: bool,
    /// "Allowed", "Denied by an explicit Deny", "Denied: no statement allows it".
    pub decision: String,
    pub resource: String,
    /// The policy that decided, with where it comes from, and the statement.
    pub policy: Option<String>,
    pub statement: Option<u32>,
}

/// A row of the Groups page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub name: String,
    pub comments: String,
    pub created: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupList {
    pub groups: Vec<GroupRow>,
    pub can_manage: bool,
}

/// A member of a group, as the group's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub name: String,
    pub display_name: String,
    pub joined: String,
}

/// A group's page: its members and its policies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub row: GroupRow,
    pub members: Vec<GroupMember>,
    /// Every policy, each attached to the group or not (`via_groups` is empty here).
    pub policies: Vec<PolicyRow>,
    pub can_manage: bool,
}
