"""Stopping and crashing the real server: a SIGTERM loses no audit event and lets no replay in
after the restart; a kill -9 in the middle of writes leaves a database whose every user and key
is whole, each with its audit event."""
import signal
import sqlite3
import threading
import time

from alibabacloud_ram20150501 import models as ram_models

from conftest import Server, failure, ram

N = 200


def events_of(server: Server, access_key_id: str, name: str) -> int:
    with sqlite3.connect(f"file:{server.data_dir / 'console.db'}?mode=ro", uri=True) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM audit_events WHERE access_key_id = ? AND event_name = ?",
            (access_key_id, name)).fetchone()
    return count


def test_sigterm_writes_every_event_and_a_restart_refuses_replays(start_server):
    server = start_server()
    key = server.account("lifecycle")
    client = ram(server, key, "v1")
    for _ in range(N):
        client.list_users(ram_models.ListUsersRequest())

    started = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=10) == 0
    stopped_in = time.monotonic() - started
    assert stopped_in < 10, f"stopped in {stopped_in:.1f} s"
    assert "used nonces saved" in server.log_text()
    assert events_of(server, key["AccessKeyId"], "ListUsers") == N

    again = Server(server.data_dir)
    try:
        assert "used nonces restored" in again.log_text()
        client = ram(again, key, "v1")
        assert len(client.list_users(ram_models.ListUsersRequest()).body.users.user) == 0
        assert events_of(again, key["AccessKeyId"], "ListUsers") == N, "nothing written twice"
    finally:
        again.stop()


def test_kill_9_during_writes_leaves_every_user_and_key_whole(start_server):
    server = start_server()
    key = server.account("crash")
    stop = threading.Event()

    def writer(n: int):
        client = ram(server, key, "v3")
        i = 0
        while not stop.is_set():
            name = f"w{n}-{i}"
            try:
                client.create_user(ram_models.CreateUserRequest(user_name=name))
                client.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name))
            except Exception:  # the server is gone: the writers stop
                return
            i += 1

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for w in writers:
        w.start()
    time.sleep(3)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    stop.set()
    for w in writers:
        w.join(timeout=30)

    again = Server(server.data_dir)
    try:
        assert "are refused as possible replays" in again.log_text()
        with sqlite3.connect(f"file:{again.data_dir / 'console.db'}?mode=ro", uri=True) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            users = db.execute("SELECT count(*) FROM ram_users").fetchone()[0]
            assert users > 10, f"only {users} users were written before the kill"
            mismatched = db.execute(
                "SELECT u.name, u.access_key_count, count(k.access_key_id) FROM ram_users u "
                "LEFT JOIN access_keys k ON k.user_id = u.id AND k.recycled_at IS NULL GROUP BY u.id "
                "HAVING u.access_key_count != count(k.access_key_id)").fetchall()
            assert mismatched == [], "a user's key count matches its keys"
            assert db.execute("SELECT count(*) FROM access_keys WHERE secret_ciphertext IS NULL "
                              "OR length(secret_ciphertext) = 0").fetchone() == (0,)
            # A change and its record are one: every user and key made has its event, and no
            # event names a change that was lost.
            made = {name: db.execute(
                "SELECT count(*) FROM audit_events WHERE event_name = ? AND error_code IS NULL",
                (name,)).fetchone()[0] for name in ("CreateUser", "CreateAccessKey")}
            keys_made = db.execute("SELECT count(*) FROM access_keys WHERE user_id IS NOT NULL"
                                   ).fetchone()[0]
            assert (made["CreateUser"], made["CreateAccessKey"]) == (users, keys_made)
            (last, keys) = db.execute(
                "SELECT name, access_key_count FROM ram_users ORDER BY id DESC LIMIT 1").fetchone()
        # The restarted server serves what was made, up to the last user written.
        client = ram(again, key, "v3")
        listed = client.list_access_keys(ram_models.ListAccessKeysRequest(user_name=last))
        assert len(listed.body.access_keys.access_key) == keys
        assert failure(lambda: client.create_user(ram_models.CreateUserRequest(user_name="w0-0"))) == (
            "EntityAlreadyExists.User", 409)
    finally:
        again.stop()
