"""Least privilege through the official Python SDKs (V3 and V1): custom policies and their
versions, groups, attachments, and what the policy engine then allows and refuses, with the
error codes RAM's API reference documents for each."""
import json

import pytest
from alibabacloud_ram20150501 import models as m

from conftest import failure, ram

MODES = ["v3", "v1"]


def doc(*statements) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def account(server, alias: str) -> tuple:
    """A new account: its ID (for ARNs) and an owner's RAM client."""
    created = server.cli("account", "create", "--alias", alias, "--email", f"owner@{alias}.example.com",
                         "--phone", "86-13800005678", stdin="correct horse battery\n")
    key = server.cli("access-key", "create", "--account", alias)
    return created["AccountId"], key


def user_with_key(server, owner, name: str, mode: str):
    owner.create_user(m.CreateUserRequest(user_name=name))
    key = owner.create_access_key(m.CreateAccessKeyRequest(user_name=name)).body.access_key
    return ram(server, {"AccessKeyId": key.access_key_id, "AccessKeySecret": key.access_key_secret}, mode), key


def refusal(call):
    """The SDK's exception of a call that must fail."""
    try:
        call()
    except Exception as e:  # the SDK's own exception types
        return e
    raise AssertionError("the call succeeded")


@pytest.mark.parametrize("mode", MODES)
def test_custom_policies_and_their_versions(server, mode):
    _, key = account(server, f"pol-{mode}")
    owner = ram(server, key, mode)
    name = "ReadUsers"
    first = doc(allow(["ram:ListUsers", "ram:GetUser"]))
    created = owner.create_policy(m.CreatePolicyRequest(
        policy_name=name, policy_document=first, description="look, do not touch")).body.policy
    assert (created.policy_name, created.policy_type, created.default_version) == (name, "Custom", "v1")
    assert failure(lambda: owner.create_policy(m.CreatePolicyRequest(policy_name=name, policy_document=first))) == (
        "EntityAlreadyExists.Policy", 409)
    assert failure(lambda: owner.create_policy(m.CreatePolicyRequest(
        policy_name="AdministratorAccess", policy_document=first))) == ("EntityAlreadyExists.Policy", 409)
    assert failure(lambda: owner.create_policy(m.CreatePolicyRequest(
        policy_name="bad_name", policy_document=first))) == ("InvalidParameter.PolicyName.InvalidChars", 400)
    bad = refusal(lambda: owner.create_policy(m.CreatePolicyRequest(
        policy_name="Broken", policy_document=doc(allow("ram:ListUsers"), {"Effect": "Permit", "Action": "*",
                                                                            "Resource": "*"}))))
    assert (bad.code, bad.status_code) == ("MalformedPolicyDocument", 400)
    assert "Statement 2, Effect" in bad.message, bad.message

    got = owner.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom")).body
    assert json.loads(got.default_policy_version.policy_document) == json.loads(first)
    assert (got.policy.description, got.policy.attachment_count) == ("look, do not touch", 0)
    system = owner.get_policy(m.GetPolicyRequest(policy_name="AliyunRAMReadOnlyAccess", policy_type="System")).body
    assert "ram:List*" in system.default_policy_version.policy_document
    assert failure(lambda: owner.get_policy(m.GetPolicyRequest(policy_name="Nope", policy_type="Custom"))) == (
        "EntityNotExist.Policy", 404)

    owner.create_policy(m.CreatePolicyRequest(policy_name="Second", policy_document=first))
    page = owner.list_policies(m.ListPoliciesRequest(policy_type="Custom", max_items=1)).body
    assert page.is_truncated and [p.policy_name for p in page.policies.policy] == [name]
    rest = owner.list_policies(m.ListPoliciesRequest(policy_type="Custom", marker=page.marker)).body
    assert not rest.is_truncated and [p.policy_name for p in rest.policies.policy] == ["Second"]
    everything = owner.list_policies(m.ListPoliciesRequest()).body.policies.policy
    assert [p.policy_type for p in everything] == ["System"] * 3 + ["Custom"] * 2

    updated = owner.update_policy_description(m.UpdatePolicyDescriptionRequest(
        policy_name=name, new_description="readers")).body.policy
    assert updated.description == "readers"

    for i in range(2, 6):
        v = owner.create_policy_version(m.CreatePolicyVersionRequest(
            policy_name=name, policy_document=doc(allow(f"ram:Get{i}*")), set_as_default=False)).body.policy_version
        assert (v.version_id, v.is_default_version) == (f"v{i}", False)
    assert failure(lambda: owner.create_policy_version(m.CreatePolicyVersionRequest(
        policy_name=name, policy_document=first))) == ("LimitExceeded.Policy.Version", 409)
    rotated = owner.create_policy_version(m.CreatePolicyVersionRequest(
        policy_name=name, policy_document=first, set_as_default=True,
        rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded")).body.policy_version
    assert (rotated.version_id, rotated.is_default_version) == ("v6", True)
    versions = owner.list_policy_versions(m.ListPolicyVersionsRequest(
        policy_name=name, policy_type="Custom")).body.policy_versions.policy_version
    assert [v.version_id for v in versions] == ["v1", "v3", "v4", "v5", "v6"], "v2, the oldest non-default, went"
    v3 = owner.get_policy_version(m.GetPolicyVersionRequest(
        policy_name=name, policy_type="Custom", version_id="v3")).body.policy_version
    assert "ram:Get3*" in v3.policy_document
    owner.set_default_policy_version(m.SetDefaultPolicyVersionRequest(policy_name=name, version_id="v1"))
    assert failure(lambda: owner.delete_policy_version(m.DeletePolicyVersionRequest(
        policy_name=name, version_id="v1"))) == ("DeleteConflict.Policy.Version.Default", 409)
    assert failure(lambda: owner.get_policy_version(m.GetPolicyVersionRequest(
        policy_name=name, policy_type="Custom", version_id="v2"))) == ("EntityNotExist.Policy.Version", 404)
    assert failure(lambda: owner.delete_policy(m.DeletePolicyRequest(policy_name=name))) == (
        "DeleteConflict.Policy.Version", 409)
    for v in ["v3", "v4", "v5", "v6"]:
        owner.delete_policy_version(m.DeletePolicyVersionRequest(policy_name=name, version_id=v))

    owner.create_user(m.CreateUserRequest(user_name="reader"))
    owner.attach_policy_to_user(m.AttachPolicyToUserRequest(policy_type="Custom", policy_name=name, user_name="reader"))
    assert failure(lambda: owner.delete_policy(m.DeletePolicyRequest(policy_name=name))) == (
        "DeleteConflict.Policy.User", 409)
    owner.create_group(m.CreateGroupRequest(group_name="readers"))
    owner.attach_policy_to_group(m.AttachPolicyToGroupRequest(policy_type="Custom", policy_name=name,
                                                              group_name="readers"))
    entities = owner.list_entities_for_policy(m.ListEntitiesForPolicyRequest(
        policy_type="Custom", policy_name=name)).body
    assert [u.user_name for u in entities.users.user] == ["reader"]
    assert [g.group_name for g in entities.groups.group] == ["readers"]
    for_user = owner.list_policies_for_user(m.ListPoliciesForUserRequest(user_name="reader")).body.policies.policy
    assert [(p.policy_name, p.policy_type) for p in for_user] == [(name, "Custom")]
    owner.detach_policy_from_user(m.DetachPolicyFromUserRequest(policy_type="Custom", policy_name=name,
                                                                user_name="reader"))
    assert failure(lambda: owner.delete_policy(m.DeletePolicyRequest(policy_name=name))) == (
        "DeleteConflict.Policy.Group", 409)
    owner.detach_policy_from_group(m.DetachPolicyFromGroupRequest(policy_type="Custom", policy_name=name,
                                                                  group_name="readers"))
    owner.delete_policy(m.DeletePolicyRequest(policy_name=name))
    assert failure(lambda: owner.get_policy(m.GetPolicyRequest(policy_name=name, policy_type="Custom"))) == (
        "EntityNotExist.Policy", 404)
    assert failure(lambda: owner.attach_policy_to_user(m.AttachPolicyToUserRequest(
        policy_type="System", policy_name="RootAccess", user_name="reader"))) == ("EntityNotExist.Policy", 404)


@pytest.mark.parametrize("mode", MODES)
def test_groups_and_their_members(server, mode):
    _, key = account(server, f"grp-{mode}")
    owner = ram(server, key, mode)
    created = owner.create_group(m.CreateGroupRequest(group_name="dev", comments="developers")).body.group
    assert (created.group_name, created.comments) == ("dev", "developers")
    assert failure(lambda: owner.create_group(m.CreateGroupRequest(group_name="dev"))) == (
        "EntityAlreadyExists.Group", 409)
    assert failure(lambda: owner.create_group(m.CreateGroupRequest(group_name="dev team"))) == (
        "InvalidParameter.GroupName.InvalidChars", 400)
    owner.create_group(m.CreateGroupRequest(group_name="ops"))
    page = owner.list_groups(m.ListGroupsRequest(max_items=1)).body
    assert page.is_truncated and [g.group_name for g in page.groups.group] == ["dev"]
    rest = owner.list_groups(m.ListGroupsRequest(marker=page.marker)).body
    assert not rest.is_truncated and [g.group_name for g in rest.groups.group] == ["ops"]
    renamed = owner.update_group(m.UpdateGroupRequest(group_name="dev", new_group_name="developers",
                                                      new_comments="all of them")).body.group
    assert (renamed.group_name, renamed.comments) == ("developers", "all of them")
    assert failure(lambda: owner.get_group(m.GetGroupRequest(group_name="dev"))) == ("EntityNotExist.Group", 404)
    assert owner.get_group(m.GetGroupRequest(group_name="developers")).body.group.comments == "all of them"

    for name in ["ann", "bob"]:
        owner.create_user(m.CreateUserRequest(user_name=name))
        owner.add_user_to_group(m.AddUserToGroupRequest(group_name="developers", user_name=name))
    assert failure(lambda: owner.add_user_to_group(m.AddUserToGroupRequest(
        group_name="developers", user_name="ann"))) == ("EntityAlreadyExists.Group.User", 409)
    assert failure(lambda: owner.add_user_to_group(m.AddUserToGroupRequest(
        group_name="developers", user_name="nobody"))) == ("EntityNotExist.User", 404)
    members = owner.list_users_for_group(m.ListUsersForGroupRequest(group_name="developers", max_items=1)).body
    assert members.is_truncated and [u.user_name for u in members.users.user] == ["ann"]
    more = owner.list_users_for_group(m.ListUsersForGroupRequest(group_name="developers", marker=members.marker)).body
    assert [u.user_name for u in more.users.user] == ["bob"]
    groups = owner.list_groups_for_user(m.ListGroupsForUserRequest(user_name="ann")).body.groups.group
    assert [g.group_name for g in groups] == ["developers"]

    assert failure(lambda: owner.delete_group(m.DeleteGroupRequest(group_name="developers"))) == (
        "DeleteConflict.Group.User", 409)
    for name in ["ann", "bob"]:
        owner.remove_user_from_group(m.RemoveUserFromGroupRequest(group_name="developers", user_name=name))
    assert failure(lambda: owner.remove_user_from_group(m.RemoveUserFromGroupRequest(
        group_name="developers", user_name="ann"))) == ("EntityNotExist.Group.User", 404)
    owner.attach_policy_to_group(m.AttachPolicyToGroupRequest(policy_type="System",
                                                              policy_name="AliyunRAMReadOnlyAccess",
                                                              group_name="developers"))
    listed = owner.list_policies_for_group(m.ListPoliciesForGroupRequest(group_name="developers")).body
    assert [p.policy_name for p in listed.policies.policy] == ["AliyunRAMReadOnlyAccess"]
    assert failure(lambda: owner.delete_group(m.DeleteGroupRequest(group_name="developers"))) == (
        "DeleteConflict.Group.Policy", 409)
    owner.detach_policy_from_group(m.DetachPolicyFromGroupRequest(policy_type="System",
                                                                  policy_name="AliyunRAMReadOnlyAccess",
                                                                  group_name="developers"))
    owner.delete_group(m.DeleteGroupRequest(group_name="developers"))
    assert failure(lambda: owner.get_group(m.GetGroupRequest(group_name="developers"))) == (
        "EntityNotExist.Group", 404)


@pytest.mark.parametrize("mode", MODES)
def test_what_a_policy_allows_is_all_a_key_may_do(server, mode):
    account_id, key = account(server, f"enf-{mode}")
    owner = ram(server, key, mode)
    users = f"acs:ram:*:{account_id}:user/*"
    owner.create_policy(m.CreatePolicyRequest(
        policy_name="ListAndGetUsers", policy_document=doc(allow(["ram:ListUsers", "ram:GetUser"], users))))
    reader, reader_key = user_with_key(server, owner, "reader", mode)
    owner.attach_policy_to_user(m.AttachPolicyToUserRequest(policy_type="Custom", policy_name="ListAndGetUsers",
                                                            user_name="reader"))
    names = [u.user_name for u in reader.list_users(m.ListUsersRequest()).body.users.user]
    assert names == ["reader"]
    assert reader.get_user(m.GetUserRequest(user_name="reader")).body.user.user_name == "reader"
    refused = refusal(lambda: reader.create_user(m.CreateUserRequest(user_name="intruder")))
    assert (refused.code, refused.status_code) == ("NoPermission", 403)
    detail = refused.access_denied_detail
    assert detail["AuthAction"] == "ram:CreateUser"
    assert (detail["AuthPrincipalType"], detail["AuthPrincipalDisplayName"]) == ("SubUser", "reader")
    assert (detail["NoPermissionType"], detail["PolicyType"]) == ("ImplicitDeny", "AccountLevelIdentityBasedPolicy")
    # A refused call is still the key in use.
    used = owner.get_access_key_last_used(m.GetAccessKeyLastUsedRequest(
        user_name="reader", user_access_key_id=reader_key.access_key_id)).body.access_key_last_used
    assert used.last_used_date != ""

    # An explicit Deny wins over AliyunRAMFullAccess.
    admin, _ = user_with_key(server, owner, "admin", mode)
    owner.attach_policy_to_user(m.AttachPolicyToUserRequest(policy_type="System", policy_name="AliyunRAMFullAccess",
                                                            user_name="admin"))
    owner.create_policy(m.CreatePolicyRequest(policy_name="NeverDeleteUsers", policy_document=doc(
        {"Effect": "Deny", "Action": "ram:DeleteUser", "Resource": "*"})))
    owner.attach_policy_to_user(m.AttachPolicyToUserRequest(policy_type="Custom", policy_name="NeverDeleteUsers",
                                                            user_name="admin"))
    admin.create_user(m.CreateUserRequest(user_name="temp"))
    denied = refusal(lambda: admin.delete_user(m.DeleteUserRequest(user_name="temp")))
    assert (denied.code, denied.access_denied_detail["NoPermissionType"]) == ("NoPermission", "ExplicitDeny")
    assert "NeverDeleteUsers" in denied.message

    # A condition the caller does not meet: only from 10.0.0.0/8, and the tests call from 127.0.0.1.
    owner.create_policy(m.CreatePolicyRequest(policy_name="OfficeOnly", policy_document=doc(
        allow("ram:ListGroups", "*", Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
        allow("ram:GetGroup", "*", Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8", "127.0.0.0/8"]}}))))
    owner.create_group(m.CreateGroupRequest(group_name="office"))
    owner.attach_policy_to_user(m.AttachPolicyToUserRequest(policy_type="Custom", policy_name="OfficeOnly",
                                                            user_name="reader"))
    assert failure(lambda: reader.list_groups(m.ListGroupsRequest())) == ("NoPermission", 403)
    assert reader.get_group(m.GetGroupRequest(group_name="office")).body.group.group_name == "office"

    # Policies through a group count, and detaching takes effect on the next call.
    assert failure(lambda: reader.list_policies(m.ListPoliciesRequest())) == ("NoPermission", 403)
    owner.attach_policy_to_group(m.AttachPolicyToGroupRequest(policy_type="System",
                                                              policy_name="AliyunRAMReadOnlyAccess",
                                                              group_name="office"))
    owner.add_user_to_group(m.AddUserToGroupRequest(group_name="office", user_name="reader"))
    assert len(reader.list_policies(m.ListPoliciesRequest()).body.policies.policy) == 6
    owner.detach_policy_from_group(m.DetachPolicyFromGroupRequest(policy_type="System",
                                                                  policy_name="AliyunRAMReadOnlyAccess",
                                                                  group_name="office"))
    assert failure(lambda: reader.list_policies(m.ListPoliciesRequest())) == ("NoPermission", 403)
    owner.detach_policy_from_user(m.DetachPolicyFromUserRequest(policy_type="Custom", policy_name="ListAndGetUsers",
                                                                user_name="reader"))
    assert failure(lambda: reader.list_users(m.ListUsersRequest())) == ("NoPermission", 403)
