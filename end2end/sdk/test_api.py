"""The signed API through the official Alibaba Cloud Python SDKs, against a real server: every
action in V3 (ACS3-HMAC-SHA256) and V1 (HMAC-SHA1) mode and through the legacy AcsClient, and
each failure of the spec's error table, asserting the code and HTTP status the SDK reports."""
import base64
import datetime
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from alibabacloud_ims20190815 import models as ims_models
from alibabacloud_ram20150501 import models as ram_models

from conftest import failure, ims, ram

MODES = ["v3", "v1"]


@pytest.mark.parametrize("mode", MODES)
def test_users_and_their_keys_through_every_ram_action(server, owner, mode):
    client = ram(server, owner, mode)
    name = f"ci-bot-{mode}"
    created = client.create_user(ram_models.CreateUserRequest(
        user_name=name, display_name="CI robot", email="ci@acme.example.com", mobile_phone="86-13900001111",
        comments="builds")).body.user
    assert (created.user_name, created.display_name, created.email) == (name, "CI robot", "ci@acme.example.com")
    assert created.create_date.endswith("Z")

    got = client.get_user(ram_models.GetUserRequest(user_name=name)).body.user
    assert got.user_id == created.user_id and got.comments == "builds"
    updated = client.update_user(ram_models.UpdateUserRequest(
        user_name=name, new_display_name="Build robot", new_comments="")).body.user
    assert (updated.display_name, updated.comments, updated.email) == ("Build robot", "", "ci@acme.example.com")

    key = client.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name)).body.access_key
    assert key.access_key_id.startswith("LTAI") and len(key.access_key_id) == 24
    assert len(key.access_key_secret) == 30 and key.status == "Active"
    listed = client.list_access_keys(ram_models.ListAccessKeysRequest(user_name=name)).body.access_keys.access_key
    assert [k.access_key_id for k in listed] == [key.access_key_id]
    assert "AccessKeySecret" not in json.dumps(listed[0].to_map()), "a secret is shown only when created"

    # Never used yet; the caller's own key (no UserName) was used by this very call.
    never = client.get_access_key_last_used(ram_models.GetAccessKeyLastUsedRequest(
        user_name=name, user_access_key_id=key.access_key_id)).body.access_key_last_used
    assert never.last_used_date == ""
    own = client.get_access_key_last_used(ram_models.GetAccessKeyLastUsedRequest(
        user_access_key_id=owner["AccessKeyId"])).body.access_key_last_used
    used = datetime.datetime.strptime(own.last_used_date, "%Y-%m-%dT%H:%M:%SZ")
    assert abs(datetime.datetime.utcnow() - used) < datetime.timedelta(seconds=30)

    as_bot = ram(server, {"AccessKeyId": key.access_key_id, "AccessKeySecret": key.access_key_secret}, mode)
    assert failure(lambda: as_bot.list_users(ram_models.ListUsersRequest())) == ("NoPermission", 403)

    client.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_name=name, user_access_key_id=key.access_key_id, status="Inactive"))
    assert failure(lambda: as_bot.list_users(ram_models.ListUsersRequest())) == ("InvalidAccessKeyId.Inactive", 400)
    client.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_name=name, user_access_key_id=key.access_key_id, status="Active"))

    assert failure(lambda: client.delete_user(ram_models.DeleteUserRequest(user_name=name))) == (
        "DeleteConflict.User.AccessKey", 409)
    client.delete_access_key(ram_models.DeleteAccessKeyRequest(user_name=name, user_access_key_id=key.access_key_id))
    assert failure(lambda: as_bot.list_users(ram_models.ListUsersRequest())) == (
        "InvalidAccessKeyId.NotFound", 404), "a recycled key stops working at once"
    client.delete_user(ram_models.DeleteUserRequest(user_name=name))
    assert failure(lambda: client.get_user(ram_models.GetUserRequest(user_name=name))) == ("EntityNotExist.User", 404)


def test_the_legacy_acs_client_signs_and_is_understood(server, owner):
    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkram.request.v20150501.CreateUserRequest import CreateUserRequest
    from aliyunsdkram.request.v20150501.ListUsersRequest import ListUsersRequest

    client = AcsClient(owner["AccessKeyId"], owner["AccessKeySecret"], "cn-hangzhou")

    def call(request):
        request.set_endpoint(server.endpoint)
        request.set_protocol_type("http")
        return json.loads(client.do_action_with_exception(request))

    create = CreateUserRequest()
    create.set_UserName("legacy-bot")
    assert call(create)["User"]["UserName"] == "legacy-bot"
    names = [u["UserName"] for u in call(ListUsersRequest())["Users"]["User"]]
    assert "legacy-bot" in names
    try:
        call(create)
        raise AssertionError("a duplicate user was created")
    except ServerException as e:
        assert (e.get_error_code(), e.get_http_status()) == ("EntityAlreadyExists.User", 409)


@pytest.mark.parametrize("mode", MODES)
def test_list_users_pages_with_marker_and_max_items(server, mode):
    key = server.account(f"pages-{mode}")
    client = ram(server, key, mode)
    for i in range(7):
        client.create_user(ram_models.CreateUserRequest(user_name=f"u{i}"))
    seen, marker, pages = [], None, 0
    while True:
        body = client.list_users(ram_models.ListUsersRequest(max_items=3, marker=marker)).body
        seen += [u.user_name for u in body.users.user]
        pages += 1
        if not body.is_truncated:
            break
        marker = body.marker
    assert seen == [f"u{i}" for i in range(7)] and pages == 3
    assert failure(lambda: client.list_users(ram_models.ListUsersRequest(max_items=1001))) == (
        "InvalidParameter.MaxItems", 400)


@pytest.mark.parametrize("mode", MODES)
def test_an_endpoint_given_with_its_scheme_is_understood(server, mode):
    """An endpoint of `http://host:port` makes the SDK send that whole string as `Host` (and sign
    it, in V3): the server takes it as that host."""
    from alibabacloud_ram20150501.client import Client as RamClient
    from alibabacloud_tea_openapi import models as om
    key = server.account(f"scheme-{mode}")
    cfg = om.Config(access_key_id=key["AccessKeyId"], access_key_secret=key["AccessKeySecret"],
                    endpoint=f"http://{server.endpoint}")
    if mode == "v1":
        cfg.signature_algorithm = "v2"
    client = RamClient(cfg)
    client.create_user(ram_models.CreateUserRequest(user_name="by-scheme"))
    names = [u.user_name for u in client.list_users(ram_models.ListUsersRequest()).body.users.user]
    assert names == ["by-scheme"]


@pytest.mark.parametrize("mode", MODES)
def test_ims_keys_by_principal_name_and_the_recycle_bin(server, mode):
    key = server.account(f"ims-{mode}")
    alias = f"ims-{mode}"
    client, ram_client = ims(server, key, mode), ram(server, key, mode)
    user = ram_client.create_user(ram_models.CreateUserRequest(user_name="deployer")).body.user
    upn = f"deployer@{alias}.onaliyun.com"
    created = client.create_access_key(ims_models.CreateAccessKeyRequest(user_principal_name=upn)).body.access_key
    listed = client.list_access_keys(ims_models.ListAccessKeysRequest(user_principal_name=upn)).body
    assert [k.access_key_id for k in listed.access_keys.access_key] == [created.access_key_id]
    assert listed.access_keys.access_key[0].update_date.endswith("Z")

    # With no user named, the call is about the caller: the owner's own keys.
    own = client.list_access_keys(ims_models.ListAccessKeysRequest()).body.access_keys.access_key
    assert [k.access_key_id for k in own] == [key["AccessKeyId"]]
    last = client.get_access_key_last_used(ims_models.GetAccessKeyLastUsedRequest(
        user_access_key_id=key["AccessKeyId"])).body.access_key_last_used
    assert last.service_name in ("ims", "ram") and last.last_used_date.endswith("Z")

    client.delete_access_key(ims_models.DeleteAccessKeyRequest(
        user_principal_name=upn, user_access_key_id=created.access_key_id))
    bin_ = client.list_access_keys_in_recycle_bin(ims_models.ListAccessKeysInRecycleBinRequest()).body
    recycled = bin_.access_keys.access_key
    assert [k.access_key_id for k in recycled] == [created.access_key_id]
    recycle = datetime.datetime.strptime(recycled[0].recycle_date, "%Y-%m-%dT%H:%M:%SZ")
    delete = datetime.datetime.strptime(recycled[0].delete_date, "%Y-%m-%dT%H:%M:%SZ")
    assert delete - recycle == datetime.timedelta(days=30)
    # UserId narrows the bin to one user's keys; it must name a user of this account.
    other = ram_client.create_user(ram_models.CreateUserRequest(user_name="other")).body.user
    def in_bin_of(user_id):
        return [k.access_key_id for k in client.list_access_keys_in_recycle_bin(
            ims_models.ListAccessKeysInRecycleBinRequest(user_id=user_id)).body.access_keys.access_key]
    assert (in_bin_of(user.user_id), in_bin_of(other.user_id)) == ([created.access_key_id], [])
    for unknown in ("999999999", "deployer"):
        assert failure(lambda: in_bin_of(unknown)) == ("EntityNotExist.User", 404), unknown
    assert failure(lambda: client.restore_access_key_from_recycle_bin(
        ims_models.RestoreAccessKeyFromRecycleBinRequest(user_id=other.user_id,
                                                         user_access_key_id=created.access_key_id))) == (
        "EntityNotExist.RecycleBin.AccessKey", 404), "another user's key is not restored through this one"
    client.restore_access_key_from_recycle_bin(ims_models.RestoreAccessKeyFromRecycleBinRequest(
        user_id=user.user_id, user_access_key_id=created.access_key_id))
    again = client.list_access_keys(ims_models.ListAccessKeysRequest(user_principal_name=upn)).body
    assert [k.access_key_id for k in again.access_keys.access_key] == [created.access_key_id]
    assert failure(lambda: client.restore_access_key_from_recycle_bin(
        ims_models.RestoreAccessKeyFromRecycleBinRequest(user_id=user.user_id,
                                                         user_access_key_id=created.access_key_id))) == (
        "EntityNotExist.RecycleBin.AccessKey", 404)


@pytest.mark.parametrize("mode", MODES)
def test_refusals_carry_the_documented_code_and_status(server, mode):
    key = server.account(f"refusals-{mode}")
    client = ram(server, key, mode)
    wrong = ram(server, {**key, "AccessKeySecret": key["AccessKeySecret"][:-1] + "x"}, mode)
    assert failure(lambda: wrong.list_users(ram_models.ListUsersRequest())) == ("SignatureDoesNotMatch", 400)
    unknown = ram(server, {**key, "AccessKeyId": "LTAI" + "0" * 20}, mode)
    assert failure(lambda: unknown.list_users(ram_models.ListUsersRequest())) == ("InvalidAccessKeyId.NotFound", 404)
    assert failure(lambda: client.create_user(ram_models.CreateUserRequest())) == ("MissingUserName", 400)
    assert failure(lambda: client.create_user(ram_models.CreateUserRequest(user_name="bad name!"))) == (
        "InvalidParameter.UserName.InvalidChars", 400)
    assert failure(lambda: client.create_user(ram_models.CreateUserRequest(user_name="x" * 65))) == (
        "InvalidParameter.UserName.Length", 400)
    client.create_user(ram_models.CreateUserRequest(user_name="dup"))
    assert failure(lambda: client.create_user(ram_models.CreateUserRequest(user_name="dup"))) == (
        "EntityAlreadyExists.User", 409)
    for _ in range(2):
        client.create_access_key(ram_models.CreateAccessKeyRequest(user_name="dup"))
    assert failure(lambda: client.create_access_key(ram_models.CreateAccessKeyRequest(user_name="dup"))) == (
        "LimitExceeded.User.AccessKey", 409)
    assert failure(lambda: client.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_name="dup", user_access_key_id="LTAI" + "1" * 20, status="Inactive"))) == (
        "EntityNotExist.User.AccessKey", 404)


def test_permissions_bind_a_ram_users_key_and_accounts_stay_apart(server):
    key = server.account("perm")
    owner_client = ram(server, key)
    owner_client.create_user(ram_models.CreateUserRequest(user_name="plain"))
    plain_key = owner_client.create_access_key(ram_models.CreateAccessKeyRequest(user_name="plain")).body.access_key
    plain = ram(server, {"AccessKeyId": plain_key.access_key_id, "AccessKeySecret": plain_key.access_key_secret})
    assert failure(lambda: plain.list_users(ram_models.ListUsersRequest())) == ("NoPermission", 403)
    assert failure(lambda: plain.list_access_keys(ram_models.ListAccessKeysRequest())) == ("NoPermission", 403)
    owner_client.set_security_preference(ram_models.SetSecurityPreferenceRequest(
        allow_user_to_manage_access_keys=True))
    pref = owner_client.get_security_preference().body.security_preference
    assert pref.access_key_preference.allow_user_to_manage_access_keys is True
    own = plain.list_access_keys(ram_models.ListAccessKeysRequest()).body.access_keys.access_key
    assert [k.access_key_id for k in own] == [plain_key.access_key_id], "its own keys, once allowed"
    assert failure(lambda: plain.create_user(ram_models.CreateUserRequest(user_name="nope"))) == ("NoPermission", 403)

    # Another account's key never reaches this account's users or keys.
    other = ram(server, server.account("perm-other"))
    assert failure(lambda: other.get_user(ram_models.GetUserRequest(user_name="plain"))) == ("EntityNotExist.User", 404)
    assert failure(lambda: other.update_access_key(ram_models.UpdateAccessKeyRequest(
        user_access_key_id=plain_key.access_key_id, status="Inactive"))) == ("EntityNotExist.User.AccessKey", 404)
    assert plain.list_access_keys(ram_models.ListAccessKeysRequest()).body.access_keys.access_key[0].status == "Active"


@pytest.mark.parametrize("mode", ["v3", "v1"])
def test_the_security_preference_keeps_what_is_set_and_refuses_what_it_cannot_do(server, mode):
    client = ram(server, server.account(f"pref-{mode}"), mode)
    before = client.get_security_preference().body.security_preference
    assert before.login_profile_preference.login_network_masks == ""
    assert before.login_profile_preference.login_session_duration == 8
    assert before.mfapreference.allow_user_to_manage_mfadevices is True

    client.set_security_preference(ram_models.SetSecurityPreferenceRequest(
        login_network_masks="10.0.0.0/8; 203.0.113.7;2001:db8::/32", login_session_duration=2,
        allow_user_to_manage_mfadevices=False, allow_user_to_change_password=False))
    pref = client.get_security_preference().body.security_preference
    assert pref.login_profile_preference.login_network_masks == "10.0.0.0/8;203.0.113.7/32;2001:db8::/32"
    assert pref.login_profile_preference.login_session_duration == 2
    assert pref.mfapreference.allow_user_to_manage_mfadevices is False
    assert pref.access_key_preference.allow_user_to_manage_access_keys is False, "not named, not changed"

    for bad, code in [
        (dict(login_session_duration=25), "InvalidParameter.LoginSessionDuration"),
        (dict(login_session_duration=0), "InvalidParameter.LoginSessionDuration"),
        (dict(login_network_masks="10.0.0.0/33"), "InvalidParameter.LoginNetworkMasks"),
        (dict(login_network_masks=";".join(f"10.{i}.0.0/16" for i in range(41))), "InvalidParameter.LoginNetworkMasks"),
        (dict(allow_user_to_change_password=True), "InvalidParameter.AllowUserToChangePassword"),
        (dict(allow_user_to_manage_public_keys=True), "InvalidParameter.AllowUserToManagePublicKeys"),
        (dict(enable_save_mfaticket=True), "InvalidParameter.EnableSaveMFATicket"),
        # Checked before anything is written: the valid half of a bad call changes nothing.
        (dict(allow_user_to_manage_access_keys=True, login_session_duration=99), "InvalidParameter.LoginSessionDuration"),
    ]:
        assert failure(lambda: client.set_security_preference(ram_models.SetSecurityPreferenceRequest(**bad))) == (
            code, 400), bad
    assert client.get_security_preference().body.security_preference.to_map() == pref.to_map()
    # An empty list lifts the restriction.
    client.set_security_preference(ram_models.SetSecurityPreferenceRequest(login_network_masks=""))
    assert client.get_security_preference().body.security_preference.login_profile_preference.login_network_masks == ""


def signed_v1(server, key: dict, params: dict, timestamp: str = None, nonce: str = None) -> tuple:
    """A hand-signed V1 call (to control the nonce and the timestamp): (status, JSON body)."""
    params = {
        "Format": "JSON", "Version": "2015-05-01", "AccessKeyId": key["AccessKeyId"],
        "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "SignatureNonce": nonce or uuid.uuid4().hex,
        "Timestamp": timestamp or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **params,
    }
    enc = lambda s: urllib.parse.quote(s, safe="-_.~")  # noqa: E731
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = f"GET&%2F&{enc(query)}"
    digest = hmac.new((key["AccessKeySecret"] + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    url = f"http://{server.endpoint}/?{query}&Signature={enc(base64.b64encode(digest).decode())}"
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_replayed_nonces_skewed_clocks_and_unknown_actions_are_refused(server):
    key = server.account("replay")
    status, body = signed_v1(server, key, {"Action": "ListUsers"}, nonce="once-only")
    assert status == 200 and body["RequestId"] == body["RequestId"].upper()
    status, body = signed_v1(server, key, {"Action": "ListUsers"}, nonce="once-only")
    assert (status, body["Code"]) == (400, "SignatureNonceUsed")
    skewed = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    status, body = signed_v1(server, key, {"Action": "ListUsers"}, timestamp=skewed)
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Expired")
    status, body = signed_v1(server, key, {"Action": "ListUsers"}, timestamp="yesterday")
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Format")
    status, body = signed_v1(server, key, {"Action": "LaunchRockets"})
    assert (status, body["Code"]) == (404, "InvalidApi.NotFound")
    status, body = signed_v1(server, key, {"Action": "ListUsers", "Version": "1999-01-01"})
    assert (status, body["Code"]) == (404, "InvalidApi.NotFound")
    assert body["RequestId"] and body["Message"]
    # HostId names this server's API address; no Recommend link to Alibaba's troubleshooting site.
    assert body["HostId"] == server.endpoint
    assert "Recommend" not in body
    try:
        urllib.request.urlopen(f"http://{server.endpoint}/?Action=ListUsers&Version=2015-05-01")
        raise AssertionError("an unsigned call succeeded")
    except urllib.error.HTTPError as e:
        assert (e.code, json.loads(e.read())["Code"]) == (400, "MissingAccessKeyId")
    try:
        urllib.request.urlopen(f"http://{server.endpoint}/v1/users")
        raise AssertionError("a call to another path succeeded")
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        assert (e.code, body["Code"]) == (404, "InvalidApi.NotFound") and "/v1/users" in body["Message"]
        assert body["RequestId"]


def test_no_secret_in_the_database_or_the_log(server, owner):
    client = ram(server, owner)
    client.create_user(ram_models.CreateUserRequest(user_name="scan-bot"))
    secret = client.create_access_key(ram_models.CreateAccessKeyRequest(user_name="scan-bot")).body.access_key
    # The scan means most once the call's audit event (written off the request path) is on disk.
    server.wait_for_event("CreateAccessKey")
    for path in server.data_dir.iterdir():
        data = path.read_bytes()
        assert secret.access_key_secret.encode() not in data, path
        assert owner["AccessKeySecret"].encode() not in data, path
