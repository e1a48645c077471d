"""A real server from the built binary, on a fresh data directory, and SDK clients for it."""
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from alibabacloud_ims20190815.client import Client as ImsClient
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi import models as om

ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = os.environ.get("SERVER_BIN", str(ROOT / "target" / "debug" / "server"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, api_host: str = "127.0.0.1", **env: str):
        self.data_dir = data_dir
        self.api_port = free_port()
        self.endpoint = f"[{api_host}]:{self.api_port}" if ":" in api_host else f"{api_host}:{self.api_port}"
        self.env = {
            **os.environ,
            "ACCESSKEY_DATA_DIR": str(data_dir),
            "ACCESSKEY_LISTEN": f"127.0.0.1:{free_port()}",
            "ACCESSKEY_API_LISTEN": self.endpoint,
            "ACCESSKEY_LOG": "info",
            **env,
        }
        self.log = open(data_dir / "server.log", "w+")
        self.process = subprocess.Popen([SERVER_BIN, "serve"], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{self.endpoint}/health", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"the server did not start: {self.log_text()}")
                time.sleep(0.1)

    def cli(self, *args: str, stdin: str = "") -> dict:
        out = subprocess.run([SERVER_BIN, *args], env=self.env, input=stdin, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    def account(self, alias: str) -> dict:
        """An account owner with an AccessKey pair of its own."""
        self.cli("account", "create", "--alias", alias, "--email", f"owner@{alias}.example.com",
                 "--phone", "86-13800005678", stdin="correct horse battery\n")
        return self.cli("access-key", "create", "--account", alias)

    def wait_for_event(self, name: str, timeout: float = 15.0):
        """Polls the SQLite database until an audit event named `name` has been written."""
        deadline = time.time() + timeout
        while True:
            with sqlite3.connect(f"file:{self.data_dir / 'console.db'}?mode=ro", uri=True) as db:
                (found,) = db.execute("SELECT count(*) FROM audit_events WHERE event_name = ?", (name,)).fetchone()
            if found:
                return
            if time.time() > deadline:
                raise AssertionError(f"no {name} event was written within {timeout} s")
            time.sleep(0.05)

    def log_text(self) -> str:
        self.log.flush()
        return (self.data_dir / "server.log").read_text()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def server():
    with tempfile.TemporaryDirectory() as tmp:
        s = Server(Path(tmp))
        yield s
        s.stop()


@pytest.fixture(scope="session")
def start_server():
    """Starts extra servers (another address, other settings); all stop at the session's end."""
    started = []
    with tempfile.TemporaryDirectory() as tmp:
        def start(api_host: str = "127.0.0.1", **env: str) -> Server:
            data_dir = Path(tmp) / str(len(started))
            data_dir.mkdir()
            started.append(Server(data_dir, api_host, **env))
            return started[-1]
        yield start
        for s in started:
            s.stop()


@pytest.fixture(scope="session")
def owner(server) -> dict:
    return server.account("acme")


def config(server, key: dict, mode: str) -> om.Config:
    cfg = om.Config(access_key_id=key["AccessKeyId"], access_key_secret=key["AccessKeySecret"],
                    endpoint=server.endpoint, protocol="http")
    if mode == "v1":
        cfg.signature_algorithm = "v2"
    return cfg


def ram(server, key: dict, mode: str = "v3") -> RamClient:
    return RamClient(config(server, key, mode))


def ims(server, key: dict, mode: str = "v3") -> ImsClient:
    return ImsClient(config(server, key, mode))


def failure(call) -> tuple:
    """Runs a call that must fail; returns the SDK's (code, HTTP status)."""
    try:
        call()
    except Exception as e:  # the SDKs raise their own exception types
        status = getattr(e, "status_code", None) or getattr(e, "get_http_status", lambda: None)()
        code = getattr(e, "code", None) or getattr(e, "get_error_code", lambda: None)()
        return code, status
    raise AssertionError("the call succeeded")
