"""What the local AWS stand-ins share: an HTTP/1.1 server on 127.0.0.1 in its own
thread, and the check of the SigV4 Authorization header botocore signs with."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

# Credentials the Lambda-like process is given; the stand-ins refuse any other key.
DUMMY_ACCESS_KEY_ID = "AKIACONTRACTTEST0000"
DUMMY_SECRET_ACCESS_KEY = "contract-test-dummy-secret-key"

CREDENTIAL = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/"
    r"(?P<service>[a-z0-9-]+)/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$"
)

_Endpoint = TypeVar("_Endpoint", bound="LocalEndpoint")


def signature_problem(headers: Mapping[str, str], signing_name: str) -> tuple[int, str, str] | None:
    """(status, error code, message) as AWS answers a request it cannot authenticate, or
    None when the request is signed for `signing_name` with the dummy key."""
    auth = CREDENTIAL.match(headers.get("Authorization") or "")
    if auth is None or not headers.get("X-Amz-Date"):
        return (
            403,
            "MissingAuthenticationTokenException",
            "Request is missing a valid SigV4 Authorization header.",
        )
    if auth.group("key") != DUMMY_ACCESS_KEY_ID:
        return (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    if auth.group("service") != signing_name:
        return (
            403,
            "InvalidSignatureException",
            f"Credential should be scoped to correct service: '{signing_name}'.",
        )
    return None


def signed_region(headers: Mapping[str, str]) -> str | None:
    """The Region of the SigV4 credential scope."""
    auth = CREDENTIAL.match(headers.get("Authorization") or "")
    return auth.group("region") if auth else None


class LocalEndpoint:
    """A threaded HTTP/1.1 server on 127.0.0.1; subclasses answer every request in
    `_serve`. Use as a context manager."""

    def __init__(self) -> None:
        self.internal_errors: list[str] = []
        # Set on close: anything waiting on purpose (a slow or hung answer) stops.
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self: _Endpoint) -> _Endpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @staticmethod
    def _body(http: BaseHTTPRequestHandler) -> bytes:
        length = int(http.headers.get("Content-Length") or 0)
        return http.rfile.read(length) if length else b""

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                endpoint._serve(self)

            def do_POST(self) -> None:
                endpoint._serve(self)

            def do_PUT(self) -> None:
                endpoint._serve(self)

            def do_DELETE(self) -> None:
                endpoint._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
