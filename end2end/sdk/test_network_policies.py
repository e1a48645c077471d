"""Network access policies through the official IMS SDK, against real servers: account- and
key-level allow lists with IPv4, IPv6 and CIDR entries, which one wins, invalid documents, and the
source address behind a trusted proxy. Each test has its own server: a policy that shuts its
caller out cannot leak into another test."""
import json

import pytest
from alibabacloud_ims20190815 import models as ims_models
from alibabacloud_tea_openapi import utils_models as um
from darabonba.runtime import RuntimeOptions

from alibabacloud_ram20150501 import models as ram_models

from conftest import failure, ims, ram

DENIED = ("AccessKeyId.AccessPolicyDenied", 400)
SEED_MESSAGE = "code: 400, Specified access key denied due to access policy."


def policy(status: str, *ips: str) -> str:
    return json.dumps({"Version": 1, "Status": status,
                       "Statements": [{"Type": "ClassicWhiteList", "IPList": list(ips)}]})


def set_account_policy(client, document: str):
    return client.set_access_key_policy_for_account(
        ims_models.SetAccessKeyPolicyForAccountRequest(access_key_policy=document)).body


def set_key_policy(client, key_id: str, document: str):
    return client.set_access_key_policy(ims_models.SetAccessKeyPolicyRequest(
        user_access_key_id=key_id, access_key_policy=document)).body


def account_policy(client) -> dict:
    return json.loads(client.get_access_key_policy_for_account(
        ims_models.GetAccessKeyPolicyForAccountRequest()).body.access_key_policy)


def error_text(call) -> str:
    try:
        call()
    except Exception as e:  # the SDK's own exception type
        return str(e)
    raise AssertionError("the call succeeded")


def key_of(created) -> dict:
    return {"AccessKeyId": created.access_key_id, "AccessKeySecret": created.access_key_secret}


def test_account_and_key_policies_decide_who_gets_in_and_the_key_level_one_wins(start_server):
    server = start_server()
    owner = server.account("netco")
    a = ims(server, owner)
    assert account_policy(a) == {"Version": 1, "Status": "Inactive", "Statements": []}, "no policy at first"

    # A second owner key with its own policy: the loopback address only.
    b_key = key_of(a.create_access_key(ims_models.CreateAccessKeyRequest()).body.access_key)
    b = ims(server, b_key)
    set_key_policy(a, b_key["AccessKeyId"], policy("Active", "127.0.0.1"))
    got = b.get_access_key_policy(ims_models.GetAccessKeyPolicyRequest(
        user_access_key_id=b_key["AccessKeyId"])).body
    assert got.access_key_id == b_key["AccessKeyId"]
    assert json.loads(got.access_key_policy)["Statements"][0]["IPList"] == ["127.0.0.1"]

    # The account allows only other networks: A, governed by it, is refused with the seed's message.
    echoed = set_account_policy(a, policy("Active", "10.0.0.0/8", "2001:db8::/32"))
    assert json.loads(echoed.access_key_policy)["Status"] == "Active"
    assert failure(lambda: account_policy(a)) == DENIED
    assert SEED_MESSAGE in error_text(lambda: account_policy(a))
    # B's own active policy replaces the account's for B.
    assert account_policy(b)["Statements"][0]["IPList"] == ["10.0.0.0/8", "2001:db8::/32"]

    # A CIDR block and a single address that hold 127.0.0.1 let A back in.
    set_account_policy(b, policy("Active", "127.0.0.0/8"))
    assert account_policy(a)["Statements"][0]["IPList"] == ["127.0.0.0/8"]
    set_account_policy(b, policy("Active", "192.0.2.1", "127.0.0.1"))
    assert account_policy(a)["Status"] == "Active"

    # An inactive key policy no longer applies: B falls under the account's again.
    set_account_policy(a, policy("Active", "192.0.2.1"))
    assert failure(lambda: account_policy(a)) == DENIED
    set_key_policy(b, b_key["AccessKeyId"], policy("Inactive", "127.0.0.1"))
    assert failure(lambda: account_policy(b)) == DENIED


def test_ipv6_entries_match_an_ipv6_caller(start_server):
    server = start_server("::1")
    client = ims(server, server.account("v6co"))
    set_account_policy(client, policy("Active", "::1"))
    assert account_policy(client)["Statements"][0]["IPList"] == ["::1"]
    set_account_policy(client, policy("Active", "::/127"))
    assert account_policy(client)["Status"] == "Active"
    # IPv4 loopback and another IPv6 network do not hold ::1.
    set_account_policy(client, policy("Active", "127.0.0.1", "2001:db8::/32"))
    assert failure(lambda: account_policy(client)) == DENIED


@pytest.mark.parametrize("document, code", [
    ("not json", "InvalidParameter.AccessKeyPolicy.Format"),
    (json.dumps({"Version": 2, "Status": "Active", "Statements": []}), "InvalidParameter.AccessKeyPolicy.Version"),
    (json.dumps({"Version": 1, "Status": "Enabled", "Statements": []}), "InvalidParameter.AccessKeyPolicy.Status"),
    (json.dumps({"Version": 1, "Status": "Active", "Statements": [{"Type": "Deny", "IPList": ["10.0.0.1"]}]}),
     "InvalidParameter.AccessKeyPolicy.StatementType"),
    (policy("Active", "10.0.0.256"), "InvalidParameter.AccessKeyPolicy.IPList"),
    (policy("Active", "10.0.0.0/33"), "InvalidParameter.AccessKeyPolicy.IPList"),
    (policy("Active", "2001:db8::g"), "InvalidParameter.AccessKeyPolicy.IPList"),
    (policy("Active"), "InvalidParameter.AccessKeyPolicy.IPList"),
])
def test_invalid_policies_are_refused_and_change_nothing(server, owner, document, code):
    client = ims(server, owner)
    assert failure(lambda: set_account_policy(client, document)) == (code, 400)
    assert failure(lambda: set_key_policy(client, owner["AccessKeyId"], document)) == (code, 400)
    assert account_policy(client)["Status"] == "Inactive"


def test_only_the_owner_and_ram_administrators_set_the_account_policy(start_server):
    server = start_server()
    owner = server.account("readers")
    admin = ram(server, owner)
    admin.create_user(ram_models.CreateUserRequest(user_name="net-reader"))
    reader_key = key_of(admin.create_access_key(
        ram_models.CreateAccessKeyRequest(user_name="net-reader")).body.access_key)
    reader = ims(server, reader_key)
    assert failure(lambda: account_policy(reader)) == ("NoPermission", 403)
    assert failure(lambda: set_account_policy(reader, policy("Active", "10.0.0.1"))) == ("NoPermission", 403)
    # Nor its own key's while the account does not let RAM users manage their keys.
    assert failure(lambda: set_key_policy(reader, reader_key["AccessKeyId"], policy("Active", "10.0.0.1"))) == (
        "NoPermission", 403)
    # Nor once RAM users may manage their own keys: a key's own policy would replace the
    # account's allow list, so it takes the permission to manage that.
    admin.set_security_preference(ram_models.SetSecurityPreferenceRequest(allow_user_to_manage_access_keys=True))
    assert reader.list_access_keys(ims_models.ListAccessKeysRequest()).body.access_keys is not None
    assert failure(lambda: set_key_policy(reader, reader_key["AccessKeyId"], policy("Active", "10.0.0.1"))) == (
        "NoPermission", 403)
    # A RAM administrator with AliyunRAMFullAccess may.
    server.cli("user", "create", "--account", "readers", "--name", "net-admin", "--policy", "AliyunRAMFullAccess")
    net_admin = ims(server, server.cli("access-key", "create", "--account", "readers", "--user", "net-admin"))
    set_account_policy(net_admin, policy("Active", "127.0.0.1"))
    assert account_policy(net_admin)["Status"] == "Active"


def call_with_headers(client, action: str, headers: dict):
    params = um.Params(action=action, version="2019-08-15", protocol="HTTP", pathname="/", method="POST",
                       auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    return client.call_api(params, um.OpenApiRequest(headers=headers), RuntimeOptions())


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(start_server):
    behind_proxy = start_server(ACCESSKEY_TRUSTED_PROXIES="127.0.0.1")
    client = ims(behind_proxy, behind_proxy.account("proxied"))
    set_account_policy(client, policy("Active", "203.0.113.0/24"))
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert call_with_headers(client, "GetAccessKeyPolicyForAccount", forwarded)["statusCode"] == 200
    assert failure(lambda: account_policy(client)) == DENIED, "the proxy's own address is not listed"

    direct = start_server()
    client = ims(direct, direct.account("direct"))
    set_account_policy(client, policy("Active", "203.0.113.0/24"))
    assert failure(lambda: call_with_headers(client, "GetAccessKeyPolicyForAccount", forwarded)) == DENIED, \
        "a client cannot choose its own address"
