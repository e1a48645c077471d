"""Leak restrictive protection through the official SDK, against a real server: pasted text
reported to the leak-report endpoint flags only the pairs whose secret really matches, and a
flagged key fails every call with the seed's message."""
import json
import urllib.error
import urllib.request

from alibabacloud_ims20190815 import models as ims_models

from conftest import failure, ims

LEAKED = ("Forbidden.AccessKeyLeakage", 403)


def report(server, text: str) -> dict:
    request = urllib.request.Request(f"http://{server.endpoint}/leak-reports", data=text.encode(), method="POST")
    return json.load(urllib.request.urlopen(request))


def test_a_report_flags_only_genuine_pairs_and_a_flagged_key_fails_with_the_seed_message(start_server):
    server = start_server()
    owner = server.account("leakco")
    client = ims(server, owner)
    created = client.create_access_key(ims_models.CreateAccessKeyRequest()).body.access_key
    pasted = {"AccessKeyId": created.access_key_id, "AccessKeySecret": created.access_key_secret}
    text = (
        f"export ALIBABA_CLOUD_ACCESS_KEY_ID={pasted['AccessKeyId']}\n"
        f"export ALIBABA_CLOUD_ACCESS_KEY_SECRET={pasted['AccessKeySecret']}\n"
        f"# and the owner's ID with a made-up secret: {owner['AccessKeyId']} {'Z' * 30}\n"
    )
    assert report(server, text)["FlaggedAccessKeyIds"] == [pasted["AccessKeyId"]]

    leaked = ims(server, pasted)
    request = ims_models.ListAccessKeysRequest()
    assert failure(lambda: leaked.list_access_keys(request)) == LEAKED
    try:
        leaked.list_access_keys(request)
    except Exception as e:  # the SDK's own exception type
        assert "Forbidden : There is a risk of leakage of this AccessKey." in str(e)
    else:
        raise AssertionError("a call with the leaked key succeeded")
    # The owner's key, named without its secret, still works.
    keys = client.list_access_keys(request).body.access_keys.access_key
    assert {k.access_key_id for k in keys} == {owner["AccessKeyId"], pasted["AccessKeyId"]}
    # A report with no genuine pair flags nothing.
    assert report(server, f"{owner['AccessKeyId']}:{'a' * 30}")["FlaggedAccessKeyIds"] == []


def test_a_long_log_is_searched_to_its_end_and_a_report_past_the_limit_is_refused_plainly(start_server):
    server = start_server()
    owner = server.account("logco")
    client = ims(server, owner)
    created = client.create_access_key(ims_models.CreateAccessKeyRequest()).body.access_key
    # 3 MiB of build log with the pair on its last line.
    log = "step ok: compiled module\n" * (3 * 1024 * 1024 // 25)
    log += f"AK={created.access_key_id} SK={created.access_key_secret}\n"
    assert report(server, log)["FlaggedAccessKeyIds"] == [created.access_key_id]

    try:
        report(server, "x" * (5 * 1024 * 1024))
        raise AssertionError("a 5 MiB report was accepted")
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        assert (e.code, body["Code"]) == (413, "InvalidParameter.Body")
        assert "at most 4 MiB" in body["Message"] and body["RequestId"]
