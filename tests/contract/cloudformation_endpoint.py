"""A local stand-in for CloudFormation's DescribeStacks on 127.0.0.1, holding one stack.

The handler reads its own stack's status to recognise a rollback; this answers that one
call in CloudFormation's query protocol, derived from botocore's service model:

- a request is a signed ``POST /`` of a form (``Action``, ``Version`` and the input
  members), checked against the model: the action, the API version, the input shape;
- ``StackName`` must be the stack's id, asked in the stack's Region (the credential
  scope); anything else is the ``ValidationError`` CloudFormation answers for a stack
  it does not know;
- answers are checked against the model's output shape and serialized by it as XML
  (the ``DescribeStacksResult`` wrapper, lists of ``member``), errors as the query
  protocol's ``ErrorResponse``;
- the status is settable, every request is recorded, and an error (AccessDenied) can be
  answered instead.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from typing import Any

import botocore.session
from botocore.model import Shape

from contract.local_endpoint import LocalEndpoint, signature_problem, signed_region
from contract.ses_endpoint import Fault, error, validate


def access_denied(stack_id: str) -> Fault:
    return error(
        403,
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/handler-role/fn is not authorized to "
        f"perform: cloudformation:DescribeStacks on resource: {stack_id} because no "
        "identity-based policy allows the cloudformation:DescribeStacks action",
    )


@dataclass(frozen=True)
class CloudFormationRequest:
    """One request as the stand-in received it (refused ones included)."""

    action: str | None
    region: str | None
    params: dict[str, str]
    headers: dict[str, str]
    received_at: float = field(default_factory=time.time)


class _Reply(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


class CloudFormationEndpoint(LocalEndpoint):
    """DescribeStacks of one stack (`stack_id`) on 127.0.0.1; use as a context manager."""

    OPERATIONS = ("DescribeStacks",)

    def __init__(self, stack_id: str, status: str = "CREATE_IN_PROGRESS") -> None:
        super().__init__()
        self.model = botocore.session.get_session().get_service_model("cloudformation")
        self.stack_id = stack_id
        _, _, _, self.region, _, resource = stack_id.split(":", 5)
        self.stack_name = resource.split("/")[1]
        self.created_at = datetime.now(timezone.utc).replace(microsecond=0)
        self.status = status
        # Answered instead of the stack while set (only its status, code and message).
        self.fault: Fault | None = None
        self.requests: list[CloudFormationRequest] = []
        self._lock = threading.Lock()

    def calls(self, action: str = "DescribeStacks") -> list[CloudFormationRequest]:
        return [r for r in list(self.requests) if r.action == action]

    def count(self, action: str = "DescribeStacks") -> int:
        return len(self.calls(action))

    # ---- request handling -------------------------------------------------------------

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        body = self._body(http)
        headers = dict(http.headers.items())
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        request = CloudFormationRequest(
            action=form["Action"][-1] if form.get("Action") else None,
            region=signed_region(headers),
            params={k: v[-1] for k, v in form.items() if k not in ("Action", "Version")},
            headers=headers,
        )
        with self._lock:
            self.requests.append(request)
        try:
            self._send(http, 200, self._answer(http, request, form))
        except _Reply as reply:
            self._send(http, reply.status, self._error_xml(reply))
        except Exception as bug:  # a bug of the stand-in; visible to the tests
            self.internal_errors.append(f"{type(bug).__name__}: {bug}")
            self._send(http, 500, self._error_xml(_Reply(500, "InternalFailure", "stand-in bug")))

    def _answer(
        self, http: BaseHTTPRequestHandler, request: CloudFormationRequest, form: dict[str, Any]
    ) -> bytes:
        content_type = request.headers.get("Content-Type", "")
        if http.command != "POST" or http.path != "/":
            raise _Reply(404, "UnknownOperationException", f"No operation at {http.path}")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            raise _Reply(400, "ValidationError", f"Unsupported Content-Type {content_type!r}")
        repeated = sorted(k for k, v in form.items() if len(v) > 1)
        if repeated:
            raise _Reply(400, "ValidationError", f"Parameters given twice: {repeated}")
        problem = signature_problem(request.headers, self.model.signing_name)
        if problem is not None:
            raise _Reply(*problem)
        if request.action not in self.OPERATIONS:
            raise _Reply(400, "InvalidAction", f"Could not find operation {request.action}")
        version = form.get("Version", [""])[0]
        if version != self.model.api_version:
            raise _Reply(400, "InvalidParameterValue", f"Unsupported Version {version!r}")
        operation = self.model.operation_model(request.action)
        assert operation.input_shape is not None
        problems = validate(operation.input_shape, request.params)
        if problems:
            raise _Reply(400, "ValidationError", "; ".join(problems))

        if self.fault is not None and self.fault.status:
            raise _Reply(self.fault.status, self.fault.code, self.fault.message)
        if request.params.get("StackName") != self.stack_id or request.region != self.region:
            # CloudFormation knows the stack by name too, and lists every stack without a
            # StackName; the handler must ask for its own stack by id, in its Region.
            raise _Reply(
                400,
                "ValidationError",
                f"Stack with id {request.params.get('StackName')} does not exist",
            )
        output = {
            "Stacks": [
                {
                    "StackId": self.stack_id,
                    "StackName": self.stack_name,
                    "CreationTime": self.created_at,
                    "StackStatus": self.status,
                    "DisableRollback": False,
                    "EnableTerminationProtection": False,
                }
            ]
        }
        shape = operation.output_shape
        assert shape is not None
        problems = validate(shape, output)
        if problems:
            raise RuntimeError(f"{request.action} output breaks the model: {problems}")
        response = ET.Element(f"{request.action}Response", xmlns=self._namespace)
        result = _to_xml(shape, output, shape.serialization["resultWrapper"])
        response.append(result)
        metadata = ET.SubElement(response, "ResponseMetadata")
        ET.SubElement(metadata, "RequestId").text = str(uuid.uuid4())
        return _xml_bytes(response)

    @property
    def _namespace(self) -> str:
        return str(self.model.metadata["xmlNamespace"])

    def _error_xml(self, reply: _Reply) -> bytes:
        response = ET.Element("ErrorResponse", xmlns=self._namespace)
        error_element = ET.SubElement(response, "Error")
        ET.SubElement(error_element, "Type").text = "Sender" if reply.status < 500 else "Receiver"
        ET.SubElement(error_element, "Code").text = reply.code
        ET.SubElement(error_element, "Message").text = reply.message
        ET.SubElement(response, "RequestId").text = str(uuid.uuid4())
        return _xml_bytes(response)

    def _send(self, http: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        http.send_response(status)
        http.send_header("Content-Type", "text/xml")
        http.send_header("Content-Length", str(len(body)))
        http.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        http.end_headers()
        http.wfile.write(body)


def _xml_bytes(element: ET.Element) -> bytes:
    return bytes(ET.tostring(element, encoding="utf-8", xml_declaration=True))


def _to_xml(shape: Shape, value: Any, name: str) -> ET.Element:
    """`value` as the query protocol serializes `shape` (no flattened lists or maps: the
    output of DescribeStacks has none)."""
    element = ET.Element(name)
    kind = shape.type_name
    if kind == "structure":
        for member_name, member_value in value.items():
            member = shape.members[member_name]
            element.append(
                _to_xml(member, member_value, member.serialization.get("name", member_name))
            )
    elif kind == "list":
        assert not shape.serialization.get("flattened"), shape.name
        item_name = shape.member.serialization.get("name", "member")
        for item in value:
            element.append(_to_xml(shape.member, item, item_name))
    elif kind == "timestamp":
        element.text = value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    elif kind == "boolean":
        element.text = "true" if value else "false"
    elif kind in ("string", "integer", "long", "double", "float"):
        element.text = str(value)
    else:
        raise AssertionError(f"cannot serialize {kind} {shape.name}")
    return element
