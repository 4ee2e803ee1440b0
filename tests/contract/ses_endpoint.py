"""A local stand-in for the SES v2 account API on 127.0.0.1.

No emulator implements GetAccount and PutAccountDetails, so this one speaks their real
REST-JSON wire format (``GET /v2/email/account``, ``POST /v2/email/account/details``),
derived from botocore's own service model:

- requests are routed by the model's HTTP bindings and checked against its input shapes,
  enum values, minimum and maximum lengths and patterns included (botocore's client-side
  validator skips enums, maximum lengths and patterns; the real service does not);
- the Region comes from the SigV4 credential scope, and each Region keeps its own
  account state (sandbox, details, review status and case id, quotas);
- answers are checked against the model's output shapes before they leave (a bug in the
  stand-in must not look like a bug in the handler);
- errors are REST-JSON errors as AWS sends them: the status code, an
  ``x-amzn-ErrorType`` header and a ``{"message": ...}`` body;
- it can be told to misbehave per operation: throttling, conflicts, any error status, a
  slow or hung answer, a dropped connection, or a change of state just before answering
  (another party racing the handler).
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import botocore.session
from botocore.model import OperationModel, Shape

from contract.local_endpoint import CREDENTIAL, LocalEndpoint, signature_problem

# Re-exported: the credentials the Lambda-like process is given (benchmarks import them here).
from contract.local_endpoint import DUMMY_ACCESS_KEY_ID as DUMMY_ACCESS_KEY_ID
from contract.local_endpoint import DUMMY_SECRET_ACCESS_KEY as DUMMY_SECRET_ACCESS_KEY

SANDBOX_MAX_24_HOUR_SEND = 200.0
SANDBOX_MAX_SEND_RATE = 1.0
PRODUCTION_MAX_24_HOUR_SEND = 50000.0
PRODUCTION_MAX_SEND_RATE = 14.0

# A hung answer waits this long at most (or until the endpoint is closed).
HANG_MAX_SECONDS = 60.0

_DETAIL_MEMBERS = (
    "MailType",
    "WebsiteURL",
    "ContactLanguage",
    "UseCaseDescription",
    "AdditionalContactEmailAddresses",
)
_case_numbers = itertools.count(177000000000001)


def new_case_id() -> str:
    """A support case id shaped like AWS's (a long decimal number)."""
    return str(next(_case_numbers))


# --------------------------------------------------------------------------------------
# Account state, one per Region
# --------------------------------------------------------------------------------------


@dataclass
class Identity:
    """An identity as ListEmailIdentities and GetEmailIdentity report it."""

    identity_type: str = "DOMAIN"  # DOMAIN, EMAIL_ADDRESS or MANAGED_DOMAIN
    verification_status: str = "SUCCESS"
    sending_enabled: bool = True
    dkim_status: str = "SUCCESS"
    mail_from_status: str = "SUCCESS"


def _ready_identities() -> dict[str, Identity]:
    return {"mail.contract-example.org": Identity()}


@dataclass
class RegionAccount:
    """What GetAccount (and the readiness reads) report for one Region of the account.
    Fresh: the sandbox, ready for review (a verified domain with DKIM and a custom MAIL
    FROM, the account-level suppression list on for bounces and complaints)."""

    production_access_enabled: bool = False
    sending_enabled: bool = True
    enforcement_status: str = "HEALTHY"
    max_24_hour_send: float = SANDBOX_MAX_24_HOUR_SEND
    max_send_rate: float = SANDBOX_MAX_SEND_RATE
    sent_last_24_hours: float = 0.0
    details: dict[str, Any] | None = None
    review_status: str | None = None
    case_id: str | None = None
    identities: dict[str, Identity] = field(default_factory=_ready_identities)
    suppressed_reasons: list[str] = field(default_factory=lambda: ["BOUNCE", "COMPLAINT"])
    # Configuration set name -> its event destinations, as the API reports them.
    configuration_sets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def not_ready(self) -> RegionAccount:
        """Nothing reviewers look at: no identity, no bounce or complaint handling."""
        self.identities = {}
        self.suppressed_reasons = []
        self.configuration_sets = {}
        return self

    def _with_details(self) -> None:
        if self.details is None:
            self.details = {"MailType": "TRANSACTIONAL", "WebsiteURL": "https://earlier.example"}

    def review(self, status: str) -> RegionAccount:
        """Details on file and a review in this status (PENDING, GRANTED, DENIED, FAILED)."""
        self._with_details()
        self.review_status = status
        self.case_id = new_case_id()
        if status == "GRANTED":
            self.grant()
        return self

    def grant(self) -> RegionAccount:
        """What AWS does when the review is granted: out of the sandbox, higher quotas."""
        self._with_details()
        self.production_access_enabled = True
        self.review_status = "GRANTED"
        self.case_id = self.case_id or new_case_id()
        self.max_24_hour_send = PRODUCTION_MAX_24_HOUR_SEND
        self.max_send_rate = PRODUCTION_MAX_SEND_RATE
        return self

    def get_account_output(self) -> dict[str, Any]:
        output: dict[str, Any] = {
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": self.enforcement_status,
            "ProductionAccessEnabled": self.production_access_enabled,
            "SendQuota": {
                "Max24HourSend": self.max_24_hour_send,
                "MaxSendRate": self.max_send_rate,
                "SentLast24Hours": self.sent_last_24_hours,
            },
            "SendingEnabled": self.sending_enabled,
            "SuppressionAttributes": {"SuppressedReasons": list(self.suppressed_reasons)},
        }
        if self.details is not None:
            details = dict(self.details)
            if self.review_status is not None:
                review = {"Status": self.review_status}
                if self.case_id is not None:
                    review["CaseId"] = self.case_id
                details["ReviewDetails"] = review
            output["Details"] = details
        return output


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour of one request. With neither `status`, `hang` nor `drop`
    the request is then answered normally (after `delay` and `effect`)."""

    status: int = 0
    code: str = ""
    message: str = ""
    delay: float = 0.0
    hang: bool = False
    drop: bool = False
    effect: Callable[[RegionAccount], None] | None = None


def error(status: int, code: str, message: str) -> Fault:
    return Fault(status=status, code=code, message=message)


def throttled() -> Fault:
    return error(
        429, "TooManyRequestsException", "Too many requests have been made to the operation."
    )


def conflict() -> Fault:
    return error(
        409, "ConflictException", "There is already an ongoing account details update under review."
    )


def bad_request(message: str) -> Fault:
    return error(400, "BadRequestException", message)


def access_denied(operation: str) -> Fault:
    return error(
        403,
        "AccessDeniedException",
        f"User: arn:aws:sts::123456789012:assumed-role/handler-role/fn is not authorized to "
        f"perform: ses:{operation} with an explicit deny in a service control policy",
    )


def server_error() -> Fault:
    return error(
        500, "InternalFailure", "The request processing has failed because of an unknown error."
    )


def hung() -> Fault:
    return Fault(hang=True)


def slow(seconds: float) -> Fault:
    return Fault(delay=seconds)


def dropped() -> Fault:
    return Fault(drop=True)


def racing(effect: Callable[[RegionAccount], None]) -> Fault:
    """Another party changes the account just before this request is answered."""
    return Fault(effect=effect)


# --------------------------------------------------------------------------------------
# Model-driven validation
# --------------------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def validate(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every way `value` breaks `shape`, phrased like AWS's validation errors. Sensitive
    values are not quoted (AWS does not quote them either)."""
    problems: list[str] = []
    sensitive = bool(shape.metadata.get("sensitive"))
    shown = "Value" if sensitive else f"Value {value!r}"
    where = f" at '{path}'" if path else ""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"Value{where} must be an object"]
        for name in shape.required_members:
            if value.get(name) is None:
                problems.append(
                    f"Value null at '{_join(path, name)}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"Unknown member '{_join(path, name)}'")
            elif member_value is not None:
                problems.extend(validate(member, member_value, _join(path, name)))
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{shown}{where} must be a list"]
        problems.extend(_length_problems(shape, len(value), shown, where))
        for position, item in enumerate(value, start=1):
            problems.extend(validate(shape.member, item, f"{path}.{position}.member"))
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{shown}{where} must be a string"]
        enum = shape.metadata.get("enum")
        if enum and value not in enum:
            problems.append(
                f"{shown}{where} failed to satisfy constraint: Member must satisfy enum "
                f"value set: [{', '.join(enum)}]"
            )
        problems.extend(_length_problems(shape, len(value), shown, where))
        pattern = shape.metadata.get("pattern")
        if pattern and not re.match(pattern, value):
            problems.append(
                f"{shown}{where} failed to satisfy constraint: Member must satisfy regular "
                f"expression pattern: {pattern}"
            )
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{shown}{where} must be a boolean")
    elif kind in ("double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{shown}{where} must be a number")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{shown}{where} must be an integer")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{shown}{where} must be an object"]
        for key, item in value.items():
            problems.extend(validate(shape.key, key, path))
            problems.extend(validate(shape.value, item, f"{path}.{key}"))
    return problems


def _join(path: str, name: str) -> str:
    return f"{path}.{_lower_first(name)}" if path else _lower_first(name)


def _length_problems(shape: Shape, length: int, shown: str, where: str) -> list[str]:
    problems = []
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and length < low:
        problems.append(
            f"{shown}{where} failed to satisfy constraint: Member must have length greater "
            f"than or equal to {low}"
        )
    if high is not None and length > high:
        problems.append(
            f"{shown}{where} failed to satisfy constraint: Member must have length less "
            f"than or equal to {high}"
        )
    return problems


# --------------------------------------------------------------------------------------
# The endpoint
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SesRequest:
    """One request as the endpoint received it (faulted ones included)."""

    operation: str | None
    region: str | None
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)

    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body) if self.body else {}
        return parsed


class _Reply(Exception):
    def __init__(self, status: int, payload: dict[str, Any], code: str | None = None) -> None:
        super().__init__(code or str(status))
        self.status = status
        self.payload = payload
        self.code = code


class SesEndpoint(LocalEndpoint):
    """SES v2's account API on 127.0.0.1; use as a context manager."""

    OPERATIONS = (
        "GetAccount",
        "PutAccountDetails",
        # What the readiness checks read.
        "ListEmailIdentities",
        "GetEmailIdentity",
        "ListConfigurationSets",
        "GetConfigurationSetEventDestinations",
    )

    def __init__(self) -> None:
        super().__init__()
        self.model = botocore.session.get_session().get_service_model("sesv2")
        # (method, path pattern from the model's URI template, operation)
        self._routes: list[tuple[str, re.Pattern[str], OperationModel]] = []
        for name in self.OPERATIONS:
            operation = self.model.operation_model(name)
            template = re.escape(operation.http["requestUri"])
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", template)
            self._routes.append((operation.http["method"], re.compile(pattern), operation))
        self.accounts: dict[str, RegionAccount] = {}
        self.requests: list[SesRequest] = []
        self._scripted: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque
        )
        self._always: dict[str, Fault] = {}
        self._regional: dict[str, Fault] = {}
        self._lock = threading.Lock()

    # ---- configuration ----------------------------------------------------------------

    def account(self, region: str) -> RegionAccount:
        """The account's state in `region` (created fresh, in the sandbox, on first use)."""
        with self._lock:
            return self.accounts.setdefault(region, RegionAccount())

    def script(self, operation: str, *faults: Fault) -> None:
        """The next requests of `operation` misbehave in this order, then it is normal."""
        assert operation in self.OPERATIONS, operation
        with self._lock:
            self._scripted[operation].extend(faults)

    def always(self, operation: str, fault: Fault) -> None:
        """Every request of `operation` misbehaves this way (after any scripted faults)."""
        assert operation in self.OPERATIONS, operation
        with self._lock:
            self._always[operation] = fault

    def in_region(self, region: str, fault: Fault) -> None:
        """Every request signed for `region` misbehaves this way, before any other fault
        (one Region hanging or refused while the others answer)."""
        with self._lock:
            self._regional[region] = fault

    def calls(self, operation: str, region: str | None = None) -> list[SesRequest]:
        return [
            r
            for r in list(self.requests)
            if r.operation == operation and (region is None or r.region == region)
        ]

    def count(self, operation: str, region: str | None = None) -> int:
        return len(self.calls(operation, region))

    # ---- request handling -------------------------------------------------------------

    def _next_fault(self, operation: str) -> Fault | None:
        with self._lock:
            queue = self._scripted[operation]
            if queue:
                return queue.popleft()
            return self._always.get(operation)

    def _serve(self, http: BaseHTTPRequestHandler) -> None:
        body = self._body(http)
        path = http.path.split("?", 1)[0]
        operation, uri_params = self._route(http.command, path)
        auth = CREDENTIAL.match(http.headers.get("Authorization") or "")
        request = SesRequest(
            operation=operation.name if operation else None,
            region=auth.group("region") if auth else None,
            method=http.command,
            path=http.path,
            headers=dict(http.headers.items()),
            body=body,
        )
        with self._lock:
            self.requests.append(request)
        try:
            payload = self._answer(operation, auth, request, uri_params)
            self._send(http, 200, payload)
        except _Reply as reply:
            self._send(http, reply.status, reply.payload, reply.code)
        except _Drop:
            http.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (its read timeout) before a slow answer: as SES sees it.
            http.close_connection = True
        except Exception as bug:  # a bug of the stand-in; visible to the tests
            self.internal_errors.append(f"{type(bug).__name__}: {bug}")
            self._send(http, 500, {"message": "stand-in bug"}, "InternalFailure")

    def _route(
        self, method: str, path: str
    ) -> tuple[OperationModel | None, dict[str, str]]:
        for route_method, pattern, operation in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return operation, {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
        return None, {}

    def _answer(
        self,
        operation: OperationModel | None,
        auth: re.Match[str] | None,
        request: SesRequest,
        uri_params: dict[str, str],
    ) -> dict[str, Any]:
        if operation is None:
            raise _Reply(
                404,
                {"message": f"No operation at {request.method} {request.path}"},
                "UnknownOperationException",
            )
        problem = signature_problem(request.headers, self.model.signing_name)
        if problem is not None or auth is None:
            status, code, message = problem or (403, "MissingAuthenticationTokenException", "")
            raise _Reply(status, {"message": message}, code)
        region = auth.group("region")

        regional = self._regional.get(region)
        if regional is not None:
            self._misbehave(regional, region)
        fault = self._next_fault(operation.name)
        if fault is not None:
            self._misbehave(fault, region)

        params = self._parse_input(operation, request, uri_params)
        if operation.name == "GetAccount":
            output = self.account(region).get_account_output()
        elif operation.name == "PutAccountDetails":
            output = self._put_account_details(region, params)
        else:
            output = self._read(operation.name, self.account(region), params)
        problems = validate(operation.output_shape, output) if operation.output_shape else []
        if problems:
            raise RuntimeError(f"{operation.name} output breaks the model: {problems}")
        return output

    def _misbehave(self, fault: Fault, region: str) -> None:
        if fault.delay:
            self._released.wait(fault.delay)
        if fault.hang:
            self._released.wait(HANG_MAX_SECONDS)
            raise _Drop
        if fault.drop:
            raise _Drop
        if fault.effect is not None:
            fault.effect(self.account(region))
        if fault.status:
            raise _Reply(fault.status, {"message": fault.message}, fault.code)

    def _parse_input(
        self, operation: OperationModel, request: SesRequest, uri_params: dict[str, str]
    ) -> dict[str, Any]:
        shape = operation.input_shape
        in_uri = {
            name: uri_params[member.serialization.get("name", name)]
            for name, member in (shape.members.items() if shape else [])
            if member.serialization.get("location") == "uri"
        }
        if shape is not None and in_uri and set(in_uri) == set(shape.members):
            problems = validate(shape, in_uri)
            if problems:
                raise _Reply(400, {"message": "; ".join(problems)}, "BadRequestException")
            return in_uri
        if shape is None or not shape.members:
            if request.body.strip() not in (b"", b"{}"):
                raise _Reply(
                    400, {"message": "This operation takes no body."}, "BadRequestException"
                )
            return {}
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("application/json"):
            raise _Reply(
                400,
                {"message": f"Unsupported Content-Type {content_type!r}"},
                "BadRequestException",
            )
        try:
            params = json.loads(request.body or b"{}")
        except ValueError:
            raise _Reply(400, {"message": "Body is not JSON."}, "SerializationException") from None
        problems = validate(shape, params)
        if problems:
            count = len(problems)
            raise _Reply(
                400,
                {
                    "message": f"{count} validation error{'s' if count > 1 else ''} detected: "
                    + "; ".join(problems)
                },
                "BadRequestException",
            )
        result: dict[str, Any] = params
        return result

    def _read(
        self, operation: str, account: RegionAccount, params: dict[str, Any]
    ) -> dict[str, Any]:
        """The readiness reads, from the Region's identities and configuration sets."""
        if operation == "GetEmailIdentity":
            identity = account.identities.get(params["EmailIdentity"])
            if identity is None:
                raise _Reply(404, {"message": "Email identity not found."}, "NotFoundException")
            return {
                "IdentityType": identity.identity_type,
                "VerifiedForSendingStatus": identity.verification_status == "SUCCESS",
                "VerificationStatus": identity.verification_status,
                "DkimAttributes": {"SigningEnabled": True, "Status": identity.dkim_status},
                "MailFromAttributes": {
                    "MailFromDomain": f"bounce.{params['EmailIdentity']}",
                    "MailFromDomainStatus": identity.mail_from_status,
                    "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
                },
            }
        if operation == "GetConfigurationSetEventDestinations":
            name = params["ConfigurationSetName"]
            if name not in account.configuration_sets:
                raise _Reply(404, {"message": "Configuration set not found."}, "NotFoundException")
            return {"EventDestinations": account.configuration_sets[name]}
        if operation == "ListConfigurationSets":
            names = sorted(account.configuration_sets)
            return self._page(names, params, "ConfigurationSets")
        listed = [
            {
                "IdentityType": identity.identity_type,
                "IdentityName": name,
                "SendingEnabled": identity.sending_enabled,
                "VerificationStatus": identity.verification_status,
            }
            for name, identity in account.identities.items()
        ]
        return self._page(listed, params, "EmailIdentities")

    @staticmethod
    def _page(items: list[Any], params: dict[str, Any], key: str) -> dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        size = int(params.get("PageSize") or 100)
        page: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            page["NextToken"] = str(start + size)
        return page

    def _put_account_details(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            account = self.accounts.setdefault(region, RegionAccount())
            if account.review_status in ("PENDING", "DENIED"):
                raise _Reply(
                    409,
                    {"message": "There is already an ongoing account details update under review."},
                    "ConflictException",
                )
            account.details = {k: params[k] for k in _DETAIL_MEMBERS if k in params}
            if params.get("ProductionAccessEnabled") and not account.production_access_enabled:
                account.review_status = "PENDING"
                account.case_id = new_case_id()
        return {}

    def _send(
        self,
        http: BaseHTTPRequestHandler,
        status: int,
        payload: dict[str, Any],
        code: str | None = None,
    ) -> None:
        body = json.dumps(payload).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(body)))
        http.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if code:
            http.send_header(
                "x-amzn-ErrorType", f"{code}:http://internal.amazon.com/coral/com.amazonaws.sesv2/"
            )
        http.end_headers()
        http.wfile.write(body)


class _Drop(Exception):
    """Close the connection without an answer."""


def sesv2_client(endpoint: SesEndpoint, region: str) -> Any:
    """A botocore client of the stand-in (for the stand-in's own tests)."""
    from botocore.config import Config

    return botocore.session.get_session().create_client(
        "sesv2",
        region_name=region,
        endpoint_url=endpoint.url,
        aws_access_key_id=DUMMY_ACCESS_KEY_ID,
        aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=5, connect_timeout=2),
    )
