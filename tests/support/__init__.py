"""Test helpers shared by the suites: the handler module, events, a response receiver."""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import trustme

ROOT = Path(__file__).resolve().parents[2]
HANDLER_PATH = ROOT / "lambda" / "index.py"
EVENTS = ROOT / "tests" / "events"

# A ResponseURL shaped like CloudFormation's pre-signed S3 URL; its query is the secret.
RESPONSE_PATH = (
    "/cloudformation-custom-resource-response-useast1/arn%3Aaws%3Acloudformation/"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdefSECRETSIGNATURE"
)


# The handler answers only https ResponseURLs, as CloudFormation's are: the receiver below
# serves TLS with a certificate from this test CA, which every process of the tests trusts
# through OpenSSL's SSL_CERT_FILE (urllib's default context reads it).
_CA = trustme.CA()
_SERVER_CERT = _CA.issue_cert("127.0.0.1", "localhost")
CA_FILE = str(Path(tempfile.mkdtemp(prefix="test-ca-")) / "ca.pem")
_CA.cert_pem.write_to_path(CA_FILE)
os.environ["SSL_CERT_FILE"] = CA_FILE


def load_handler_module() -> ModuleType:
    """lambda/index.py as a fresh module (it is not a package, and 'index' is a common name)."""
    spec = importlib.util.spec_from_file_location("ses_production_access_handler", HANDLER_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_event(
    name: str, response_url: str = "https://127.0.0.1:9/never", **overrides: Any
) -> dict[str, Any]:
    """A CloudFormation event from tests/events/NAME.json with its ResponseURL set."""
    event = json.loads((EVENTS / f"{name}.json").read_text())
    event["ResponseURL"] = response_url
    for key, value in overrides.items():
        event[key] = value
    return copy.deepcopy(event)


def expected_put() -> dict[str, Any]:
    """The PutAccountDetails request that the create event's properties must produce."""
    params: dict[str, Any] = json.loads((EVENTS / "put_account_details.json").read_text())
    return params


@dataclass
class Context:
    """A Lambda context whose remaining time counts down from timeout_seconds."""

    timeout_seconds: float = 60.0
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.timeout_seconds - (time.monotonic() - self.started)) * 1000))


@dataclass
class RecordedPut:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)  # epoch seconds

    def json(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body)
        return result


class ResponseReceiver:
    """Stands in for the pre-signed S3 URL on 127.0.0.1, over TLS: records every PUT
    (headers and body); the first `fail_first` PUTs are answered 500."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.attempts: list[RecordedPut] = []
        self.accepted: list[RecordedPut] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                put = RecordedPut(self.path, dict(self.headers.items()), self.rfile.read(length))
                receiver.attempts.append(put)
                if len(receiver.attempts) <= receiver.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.accepted.append(put)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        _SERVER_CERT.configure_cert(context)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"https://127.0.0.1:{port}{RESPONSE_PATH}"

    def __enter__(self) -> ResponseReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def only_response(self) -> dict[str, Any]:
        assert len(self.accepted) == 1, f"expected one response, got {len(self.accepted)}"
        return self.accepted[0].json()

