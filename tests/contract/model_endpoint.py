"""A local stand-in for one more AWS JSON API on 127.0.0.1, checked against botocore's own
model: the Account Management API's ListRegions and CloudWatch Logs Insights' queries (no
emulator has either: moto's Logs Insights has no ``stats``, its Account API no
ListRegions).

Each request is routed by the model (REST-JSON by URI, JSON 1.1 by ``X-Amz-Target``), must
be SigV4-signed for the service with the dummy key, and is checked against the input
shape; each answer is checked against the output shape before it leaves. Errors are sent
as AWS sends them (the status, ``x-amzn-ErrorType``, ``{"message": ...}``). A fault can be
set per operation: an error, or no answer at all (hang).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import botocore.session
from botocore.model import OperationModel

from contract.local_endpoint import CREDENTIAL, LocalEndpoint, signature_problem
from contract.ses_endpoint import HANG_MAX_SECONDS, validate


@dataclass(frozen=True)
class Fault:
    status: int = 0
    code: str = ""
    message: str = ""
    hang: bool = False


def error(status: int, code: str, message: str) -> Fault:
    return Fault(status=status, code=code, message=message)


def hung() -> Fault:
    return Fault(hang=True)


@dataclass(frozen=True)
class Call:
    operation: str
    region: str | None
    params: dict[str, Any] = field(default_factory=dict)


class Reply(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ModelEndpoint(LocalEndpoint):
    """Subclasses name the service and answer each operation in `answer`."""

    SERVICE = ""

    def __init__(self) -> None:
        super().__init__()
        self.model = botocore.session.get_session().get_service_model(self.SERVICE)
        self.calls: list[Call] = []
        self.faults: dict[str, Fault] = {}
        self._lock = threading.Lock()

    def count(self, operation: str) -> int:
        return sum(1 for call in list(self.calls) if call.operation == operation)

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _operation(self, http: BaseHTTPRequestHandler) -> OperationModel | None:
        if self.model.protocol == "json":
            target = http.headers.get("X-Amz-Target") or ""
            prefix = f"{self.model.metadata['targetPrefix']}."
            name = target[len(prefix):] if target.startswith(prefix) else ""
            return self.model.operation_model(name) if name in self.model.operation_names else None
        path = http.path.split("?", 1)[0]
        for name in self.model.operation_names:
            operation = self.model.operation_model(name)
            if operation.http["method"] == http.command and re.fullmatch(
                re.escape(operation.http["requestUri"]), path
            ):
                return operation
        return None

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        body = self._body(http)
        try:
            operation = self._operation(http)
            if operation is None:
                raise Reply(404, "UnknownOperationException", f"No operation at {http.path}")
            problem = signature_problem(dict(http.headers.items()), self.model.signing_name)
            if problem is not None:
                raise Reply(*problem)
            auth = CREDENTIAL.match(http.headers.get("Authorization") or "")
            params = json.loads(body or b"{}")
            with self._lock:
                self.calls.append(Call(operation.name, auth.group("region") if auth else None,
                                       params))
            problems = validate(operation.input_shape, params) if operation.input_shape else []
            if problems:
                raise Reply(400, "ValidationException", "; ".join(problems))
            fault = self.faults.get(operation.name)
            if fault is not None and fault.hang:
                self._released.wait(HANG_MAX_SECONDS)
                http.close_connection = True
                return
            if fault is not None:
                raise Reply(fault.status, fault.code, fault.message)
            output = self.answer(operation.name, params)
            shape = operation.output_shape
            problems = validate(shape, output) if shape is not None else []
            if problems:
                raise RuntimeError(f"{operation.name} output breaks the model: {problems}")
            self._send(http, 200, output)
        except Reply as reply:
            payload = {"message": reply.message}
            if self.model.protocol == "json":  # JSON 1.1 names the error in the body
                payload["__type"] = reply.code
            self._send(http, reply.status, payload, reply.code)
        except (BrokenPipeError, ConnectionResetError):
            http.close_connection = True
        except Exception as bug:  # a bug of the stand-in; visible to the tests
            self.internal_errors.append(f"{type(bug).__name__}: {bug}")
            self._send(http, 500, {"message": "stand-in bug"}, "InternalFailure")

    def _send(
        self, http: BaseHTTPRequestHandler, status: int, payload: dict[str, Any],
        code: str | None = None,
    ) -> None:
        body = json.dumps(payload).encode()
        http.send_response(status)
        kind = "application/x-amz-json-1.1" if self.model.protocol == "json" else "application/json"
        http.send_header("Content-Type", kind)
        http.send_header("Content-Length", str(len(body)))
        http.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if code:
            http.send_header("x-amzn-ErrorType", code)
        http.end_headers()
        http.wfile.write(body)


class AccountEndpoint(ModelEndpoint):
    """The Account Management API's ListRegions: each Region's opt-in status
    (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html)."""

    SERVICE = "account"

    def __init__(self, regions: dict[str, str] | None = None) -> None:
        super().__init__()
        self.regions: dict[str, str] = dict(regions or {})

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert operation == "ListRegions", operation
        wanted = params.get("RegionOptStatusContains")
        listed = [
            {"RegionName": name, "RegionOptStatus": status}
            for name, status in sorted(self.regions.items())
            if not wanted or status in wanted
        ]
        start = int(params.get("NextToken") or 0)
        size = int(params.get("MaxResults") or 20)
        page: dict[str, Any] = {"Regions": listed[start : start + size]}
        if start + size < len(listed):
            page["NextToken"] = str(start + size)
        return page


# The query the roll-up's stand-in understands: the organization command's, narrowed or not.
_NARROWED = re.compile(
    r"filter account like /\^(?P<prefix>[0-9]*)/\n\| (?P<rest>.*)", re.DOTALL
)


class LogsEndpoint(ModelEndpoint):
    """CloudWatch Logs Insights over a roll-up whose latest state per account x Region is
    given (`rows`: each the fields the latest-state query returns). It answers the
    latest-state query (`expected_query`), narrowed to an account prefix or not, with at
    most `page` rows, after `running_polls` answers of "Running"."""

    SERVICE = "logs"

    def __init__(
        self, log_group: str, expected_query: str, page: int, running_polls: int = 1
    ) -> None:
        super().__init__()
        self.log_group = log_group
        self.expected_query = expected_query
        self.page = page
        self.running_polls = running_polls
        self.rows: list[dict[str, str]] = []
        self.queries: dict[str, dict[str, Any]] = {}
        self.stopped: list[str] = []
        self.started_queries: list[str] = []

    def answer(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation == "StartQuery":
            if params.get("logGroupName") != self.log_group:
                raise Reply(400, "ResourceNotFoundException", "Log group does not exist")
            text = params["queryString"]
            narrowed = _NARROWED.fullmatch(text)
            prefix, rest = (narrowed["prefix"], narrowed["rest"]) if narrowed else ("", text)
            if rest != self.expected_query:
                raise Reply(400, "MalformedQueryException", "unexpected query")
            query_id = str(uuid.uuid4())
            with self._lock:
                self.started_queries.append(prefix)
                self.queries[query_id] = {"prefix": prefix, "polls": 0}
            return {"queryId": query_id}
        if operation == "GetQueryResults":
            query = self.queries.get(params["queryId"])
            if query is None:
                raise Reply(400, "ResourceNotFoundException", "Query does not exist")
            query["polls"] += 1
            if query["polls"] <= self.running_polls:
                return {"status": "Running", "results": []}
            matched = [r for r in self.rows if r["account"].startswith(query["prefix"])]
            matched.sort(key=lambda r: (r["account"], r["detail.Region"]))
            results = [
                [{"field": k, "value": v} for k, v in row.items()] for row in matched[: self.page]
            ]
            return {
                "status": "Complete",
                "results": results,
                "statistics": {"recordsMatched": float(len(matched)), "recordsScanned": 0.0,
                               "bytesScanned": 0.0},
            }
        if operation == "StopQuery":
            self.stopped.append(params["queryId"])
            return {"success": True}
        raise Reply(400, "UnknownOperationException", operation)
