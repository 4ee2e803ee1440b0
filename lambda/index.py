"""Custom resource handler of the SesProductionAccess construct.

On Create and Update it reads the account's SES state in one Region (SES v2 GetAccount),
asks for production access (PutAccountDetails) when that is still needed and allowed, and
answers CloudFormation with the resulting state. Delete never calls SES: leaving the
sandbox cannot be undone.

This module is self-contained on purpose (standard library and boto3 only, no relative
imports): it ships inline in the template. Its sections:

1. Limits and names (mirrored from the library; a test keeps the two in step), and the
   registries the optional features fill.
2. Pure decisions: properties in, state in, action and answer out. No I/O. Readiness is
   judged here (the findings), from facts the SES edge reads.
3. The SES edge: GetAccount / PutAccountDetails with bounded retries and readable errors;
   the readiness reads.
4. The CloudFormation edge: one response PUT per event, bounded in attempts and time,
   never logging the pre-signed ResponseURL; the stack's status, to recognise a rollback.
5. The entry point: wires 2-4 together under a watchdog that answers before the Lambda
   timeout, whatever happens, and keeps every sensitive value out of the log.
6-10. One region per optional feature (events, notify, watch, validate, commands), each
   between `FEATURE = "name"` and `FEATURE = ""`: a template leaves out the regions its
   stack does not use, and the core reaches them only through the registries of section 1.

What the command line calls (public, kept stable for it): Action, Cancelled, Desired,
FINDINGS, FINDING_ADVICE, Progress, PropertyError, SesAccount, SesError, attributes,
check_readiness, decide, make_ses_client, parse_properties, sandbox_status, submit,
unknown_attributes.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import html
import ipaddress
import json
import logging
import os
import random
import re
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as NetworkError

logger = logging.getLogger("ses_production_access")
# Our own level: Lambda's root logger may be at WARNING, and every line here is safe to log.
logger.setLevel(logging.INFO)
# The SDK's debug records carry request and response bodies (the website URL, the
# description, the contacts): keep them out whatever level the function's log is set to.
for _name in ("botocore", "boto3", "urllib3", "s3transfer"):
    logging.getLogger(_name).setLevel(logging.WARNING)

# --------------------------------------------------------------------------------------
# 1. Limits and names
# --------------------------------------------------------------------------------------

MAIL_TYPES = ("MARKETING", "TRANSACTIONAL")
CONTACT_LANGUAGES = ("EN", "JA")
WEBSITE_URL_MAX_LENGTH = 1000
USE_CASE_DESCRIPTION_MAX_LENGTH = 5000
CONTACT_ADDRESSES_MAX = 4

RESPONSE_BODY_MAX_BYTES = 4096
PHYSICAL_ID_MAX_BYTES = 1024
PHYSICAL_ID_PREFIX = "ses-production-access"

# Sandbox status values reported in the SandboxStatus attribute.
PRODUCTION = "PRODUCTION"
PENDING_REVIEW = "PENDING_REVIEW"
DENIED = "DENIED"
SANDBOX = "SANDBOX"
# Reported for a member that GetAccount did not return (e.g. no review yet).
ABSENT = "NONE"

# Data keys: exactly the attributes the construct reads with Fn::GetAtt.
DATA_KEYS = (
    "SandboxStatus",
    "ProductionAccessEnabled",
    "ReviewStatus",
    "CaseId",
    "MaxSendRate",
    "Max24HourSend",
    "SendingEnabled",
    "EnforcementStatus",
    "Ready",
    "ReadinessFindings",
)

# Resource property names (what the construct writes into the template), and the prop
# that sets each one (named in messages so that the fix is obvious).
PROP_REGION = "Region"
PROP_MAIL_TYPE = "MailType"
PROP_WEBSITE_URL = "WebsiteURL"
PROP_CONTACT_LANGUAGE = "ContactLanguage"
PROP_USE_CASE_DESCRIPTION = "UseCaseDescription"
PROP_CONTACTS = "AdditionalContactEmailAddresses"
PROP_FAIL_ON_DENIED = "FailOnDenied"
PROP_STATUS_BUS_ARN = "StatusBusArn"


# The watcher: the schedule's input carries its settings under this key; the state of
# each Region is kept in an SSM parameter under a prefix, and a change of these members
# is told to the team.
WATCH_KEY = "SesProductionAccessWatch"
PROP_PARAMETER_PREFIX = "ParameterPrefix"
PROP_TOPIC_ARN = "TopicArn"
EVENTS_PROPERTIES = (PROP_STATUS_BUS_ARN, PROP_PARAMETER_PREFIX, PROP_TOPIC_ARN)
PROP_REPORT_ONLY = "ReportOnly"
PROP_WHEN_NOT_READY = "WhenNotReady"
# What an account that is not ready gets: the request anyway, no request (the deployment
# succeeds), or no request and a FAILED deployment.
WHEN_NOT_READY = ("SUBMIT", "HOLD", "FAIL")

# Optional features: their code stands between `FEATURE = "name"` and `FEATURE = ""`, and
# the library leaves out of a template the features its stack does not use (the template
# size limit). The core reaches a feature only through these registries.
FEATURE = ""
ENTRY_POINTS: dict[str, Callable[[Any, Any], object]] = {}
AFTER_ANSWER: list[Callable[[Mapping[str, Any], Outcome, float], None]] = []
# (properties) -> (status bus ARN, parameter prefix, topic ARN)
SETTINGS: list[Callable[[Mapping[str, Any]], tuple[str | None, str | None, str | None]]] = []
# (properties or the schedule's input, whether properties) -> raises PropertyError
CHECKS: list[Callable[[Mapping[str, Any], bool], None]] = []

# The time budget of one invocation (seconds), as shares of the remaining time, clamped:
# first SES, then reading the stack's status (to recognise a rollback), then the response
# PUT, then a margin before Lambda stops the function.
STATUS_RESERVE = (0.10, 1.0, 5.0)
RESPONSE_RESERVE = (0.15, 1.5, 8.0)
FINAL_MARGIN_SECONDS = 0.5
# Used when there is no Lambda context (a plain local call).
DEFAULT_REMAINING_SECONDS = 60.0

# SES call limits.
SES_CONNECT_TIMEOUT_SECONDS = 5.0
SES_READ_TIMEOUT_SECONDS = 20.0
SES_SERVER_ERROR_ATTEMPTS = 3
SES_BACKOFF_BASE_SECONDS = 0.5
SES_BACKOFF_MAX_SECONDS = 8.0
# How long a Create retries AccessDeniedException (its role may not have propagated yet).
IAM_PROPAGATION_SECONDS = 10.0
# After a successful PutAccountDetails, how often GetAccount is read again until the
# review shows up (the state is eventually consistent).
REREAD_ATTEMPTS = 3
REREAD_DELAY_SECONDS = 1.0

# Response PUT limits.
RESPONSE_ATTEMPTS = 4
RESPONSE_TIMEOUT_SECONDS = 5.0
RESPONSE_BACKOFF_SECONDS = 0.5
# An attempt with less time than this left is not worth starting.
RESPONSE_MIN_ATTEMPT_SECONDS = 0.25

# --------------------------------------------------------------------------------------
# 2. Pure decisions
# --------------------------------------------------------------------------------------


class PropertyError(ValueError):
    """A resource property that SES would refuse; the message says which and how to fix it."""


class Action(Enum):
    NOTHING = "NOTHING"
    SUBMIT = "SUBMIT"


@dataclass(frozen=True)
class Desired:
    """What the construct asked for, parsed from the resource properties."""

    region: str
    mail_type: str
    website_url: str
    contact_language: str | None = None
    use_case_description: str | None = None
    additional_contact_email_addresses: tuple[str, ...] = ()
    fail_on_denied: bool = False
    status_bus_arn: str | None = None
    parameter_prefix: str | None = None
    topic_arn: str | None = None
    report_only: bool = False
    when_not_ready: str | None = None

    def put_account_details_params(self) -> dict[str, Any]:
        params = {
            "MailType": self.mail_type,
            "WebsiteURL": self.website_url,
            "ProductionAccessEnabled": True,
            "ContactLanguage": self.contact_language,
            "UseCaseDescription": self.use_case_description,
            "AdditionalContactEmailAddresses": list(self.additional_contact_email_addresses),
        }
        return {name: value for name, value in params.items() if value not in (None, [])}


@dataclass(frozen=True)
class AccountState:
    """The members of GetAccount that matter here; every one is optional in the API."""

    production_access_enabled: bool = False
    has_details: bool = False
    review_status: str | None = None
    case_id: str | None = None
    sending_enabled: bool | None = None
    enforcement_status: str | None = None
    max_send_rate: float | None = None
    max_24_hour_send: float | None = None
    suppressed_reasons: tuple[str, ...] = ()

    @classmethod
    def from_get_account(cls, response: Mapping[str, Any]) -> AccountState:
        details = response.get("Details") or {}
        review = details.get("ReviewDetails") or {}
        quota = response.get("SendQuota") or {}
        return cls(  # the fields in their order
            bool(response.get("ProductionAccessEnabled", False)),
            "Details" in response,
            review.get("Status"),
            review.get("CaseId"),
            response.get("SendingEnabled"),
            response.get("EnforcementStatus"),
            quota.get("MaxSendRate"),
            quota.get("Max24HourSend"),
            tuple((response.get("SuppressionAttributes") or {}).get("SuppressedReasons") or ()),
        )

    def after_accepted_request(self) -> AccountState:
        """What an accepted request means when SES cannot be read again, or shows no review
        yet: a review is open."""
        return dataclasses.replace(
            self, has_details=True, review_status="PENDING", case_id=None
        )


@dataclass(frozen=True)
class Outcome:
    """What the handler answers: SUCCESS with Data, or FAILED with a reason (what
    happened) and advice (what to do); the advice is never cut to fit the response."""

    status: str
    physical_resource_id: str
    data: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    advice: str = ""


def sandbox_status(state: AccountState) -> str:
    if state.production_access_enabled:
        return PRODUCTION
    if state.review_status == "PENDING":
        return PENDING_REVIEW
    if state.review_status == "DENIED":
        return DENIED
    return SANDBOX


def decide(state: AccountState) -> Action:
    """Submit only when AWS would accept it and it is still needed.

    Production: nothing to ask. PENDING: AWS refuses edits under review. DENIED: AWS
    refuses a resubmission; appeals go through the support case. Anything else (no
    details yet, FAILED, or sandboxed with no open review) is submitted.
    """
    if sandbox_status(state) in (PRODUCTION, PENDING_REVIEW, DENIED):
        return Action.NOTHING
    return Action.SUBMIT


def _format_number(value: float | None) -> str:
    if value is None:
        return ABSENT
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _format_bool(value: bool | None) -> str:
    return ABSENT if value is None else ("true" if value else "false")


@dataclass(frozen=True)
class Readiness:
    """What reviewers look at, as finding codes; ready when none of them blocks."""

    findings: tuple[str, ...]
    ready: bool


def attributes(state: AccountState, readiness: Readiness | None = None) -> dict[str, str]:
    values = (
        sandbox_status(state),
        _format_bool(state.production_access_enabled),
        state.review_status or ABSENT,
        state.case_id or ABSENT,
        _format_number(state.max_send_rate),
        _format_number(state.max_24_hour_send),
        _format_bool(state.sending_enabled),
        state.enforcement_status or ABSENT,
        ABSENT if readiness is None else _format_bool(readiness.ready),
        ",".join(readiness.findings) if readiness and readiness.findings else ABSENT,
    )
    return dict(zip(DATA_KEYS, values, strict=True))


def unknown_attributes() -> dict[str, str]:
    """Data when SES could not be read: every key present (GetAtt needs it), none guessed."""
    return dict.fromkeys(DATA_KEYS, ABSENT)


def denied_outcome(state: AccountState, desired: Desired, physical_id: str) -> Outcome | None:
    """The FAILED answer when a denied review must fail the deployment, else None."""
    if not desired.fail_on_denied or sandbox_status(state) != DENIED:
        return None
    case = f" (support case {state.case_id})" if state.case_id else ""
    return Outcome(
        "FAILED",
        physical_id,
        attributes(state),
        f"SES denied production access in {desired.region}{case}.",
        "Appeal in the support case (a new request is refused), or set fail_on_denied=False.",
    )


def physical_resource_id(stack_id: str, region: str) -> str:
    """Stable for one account and Region, so an Update is never a replacement."""
    return f"{PHYSICAL_ID_PREFIX}-{account_of(stack_id) or 'account'}-{region}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def account_of(stack_id: str) -> str:
    parts = stack_id.split(":")
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else ""


def event_physical_id(event: Mapping[str, Any], default_region: str | None) -> str:
    """The id to answer with before the properties are known to be valid: the one
    CloudFormation sent (Update, Delete), else the stable id from what is at hand."""
    sent = _text(event.get("PhysicalResourceId"))
    if sent:
        return sent
    region = event_region(event, default_region) or "unknown-region"
    return physical_resource_id(_text(event.get("StackId")), region)


def event_region(event: Mapping[str, Any], default_region: str | None) -> str | None:
    """The Region an event is for, from what is at hand when its properties may be bad."""
    props = event.get("ResourceProperties")
    region = _text(props.get(PROP_REGION)) if isinstance(props, Mapping) else ""
    region = region or default_region or ""
    return region if _REGION_PATTERN.fullmatch(region) else None


def event_problem(event: Mapping[str, Any]) -> str | None:
    """The first field of a Create or Update event that it lacks or holds in a shape
    CloudFormation never sends, or None: each non-empty, a string but the properties an
    object (they hold ServiceToken at least); the last two on an Update only
    (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html). The
    ResourceProperties are parse_properties' to check, the ResponseURL run()'s."""
    kind = event.get("RequestType")
    if kind not in ("Create", "Update"):
        return "RequestType"
    fields = "StackId RequestId LogicalResourceId PhysicalResourceId OldResourceProperties"
    for name in fields.split()[: 3 + 2 * (kind == "Update")]:
        shape = Mapping if "Properties" in name else str
        if not isinstance(value := event.get(name), shape) or not value:
            return name
    return None


_REGION_PATTERN = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
_TRUE_STRINGS = ("true", "1", "yes")
_FALSE_STRINGS = ("false", "0", "no", "")


def _shown(value: str, limit: int = 40) -> str:
    """A non-sensitive bad value for a message, shortened."""
    return repr(value) if len(value) <= limit else f"{value[:limit]!r}... ({len(value)} characters)"


def invisible_character(text: str) -> str | None:
    """'character N is U+XXXX' for the first white space, control or invisible character."""
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in _INVISIBLE_CATEGORIES:
            return f"character {position} is U+{ord(character):04X}"
    return None




def _string(props: Mapping[str, Any], name: str, prop: str) -> str | None:
    value = props.get(name)
    if value is None or isinstance(value, str):
        return value
    raise PropertyError(f"{name} must be a string, got {type(value).__name__}: fix {prop}.")


def parse_properties(props: object, default_region: str | None) -> Desired:
    """The properties, each of the type it must be; their values are checked by the
    feature `validate` (CHECKS), which a stack whose values were all checked at synth
    leaves out. Messages name the property and the fix, never a sensitive value."""
    if not isinstance(props, Mapping):
        raise PropertyError(
            f"ResourceProperties is a {type(props).__name__}, not an object: give the "
            "custom resource its properties."
        )
    region = _string(props, PROP_REGION, "region") or default_region or ""
    if not _REGION_PATTERN.fullmatch(region):
        raise PropertyError(
            f"Region {_shown(region)} is not an AWS Region name: set region to one such as "
            "'eu-west-1', or leave it unset."
        )

    mail_type = _string(props, PROP_MAIL_TYPE, "mail_type") or ""

    website_url = _string(props, PROP_WEBSITE_URL, "website_url") or ""
    language = _string(props, PROP_CONTACT_LANGUAGE, "contact_language")

    description = _string(props, PROP_USE_CASE_DESCRIPTION, "use_case_description")
    raw_contacts = props.get(PROP_CONTACTS)
    if raw_contacts is None:
        contacts: tuple[str, ...] = ()
    elif isinstance(raw_contacts, list) and all(isinstance(c, str) for c in raw_contacts):
        contacts = tuple(raw_contacts)
    else:
        raise PropertyError(
            f"{PROP_CONTACTS} must be a list of strings: fix "
            "additional_contact_email_addresses."
        )

    when_not_ready = _string(props, PROP_WHEN_NOT_READY, "when_not_ready")
    if SETTINGS:
        bus, prefix, topic = SETTINGS[0](props)
    elif any(props.get(name) is not None for name in EVENTS_PROPERTIES):
        raise left_out(", ".join(EVENTS_PROPERTIES))
    else:
        bus = prefix = topic = None
    for check in CHECKS:
        check(props, True)

    return Desired(  # the fields in their order
        region,
        mail_type,
        website_url,
        language,
        description,
        contacts,
        _flag(props, PROP_FAIL_ON_DENIED, "fail_on_denied"),
        bus,
        prefix,
        topic,
        _flag(props, PROP_REPORT_ONLY, "report_only"),
        when_not_ready,
    )


def left_out(names: str) -> PropertyError:
    """For properties whose code this function's template left out."""
    return PropertyError(
        f"{names} need code this function leaves out: synthesize it with the construct."
    )


def _flag(props: Mapping[str, Any], name: str, prop: str) -> bool:
    value = props.get(name, "false")
    flag = value.strip().lower() if isinstance(value, str) else None
    if flag not in _TRUE_STRINGS + _FALSE_STRINGS:
        raise PropertyError(
            f"{name} {_shown(str(value))} is not a boolean: set {prop} to true or false."
        )
    return flag in _TRUE_STRINGS


def sensitive_values(event: Mapping[str, Any]) -> tuple[str, ...]:
    """Every value of the event that must never reach a log or a response: the
    pre-signed ResponseURL and the properties the SES API marks sensitive, with the parts
    of them a service or a library may echo on their own (the URL's host and path, the
    opening words of the description)."""
    values = [_text(event.get("ResponseURL"))]
    for key in ("ResourceProperties", "OldResourceProperties"):
        props = event.get(key)
        if not isinstance(props, Mapping):
            continue
        url = _text(props.get(PROP_WEBSITE_URL))
        description = _text(props.get(PROP_USE_CASE_DESCRIPTION))
        # A service that cuts what it echoes still shows the description's opening.
        values += [url, description, description[:10]]
        try:
            parts = urllib.parse.urlsplit(url)
            values += [parts.hostname or "", parts.path if len(parts.path) > 1 else ""]
        except ValueError:
            pass
        contacts = props.get(PROP_CONTACTS)
        if isinstance(contacts, list):
            values += [c for c in contacts if isinstance(c, str)]
    return tuple(v for v in values if len(v) >= 3)


def _encodings(secret: str) -> set[str]:
    """The forms in which a library or a service may echo a value."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        urllib.parse.quote(secret),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
    }


_URL_LIKE = re.compile(r"[a-z][a-z0-9+.-]*(://|%3A%2F%2F)[^\s'\"<>]+", re.IGNORECASE)
_ADDRESS_LIKE = re.compile(r"[^\s'\"<>(),;:]+(@|%40|&#64;|\\u0040)[^\s'\"<>(),;:]+")


def redact(text: str, secrets: Sequence[str]) -> str:
    """Mask the sensitive values in every form they may be echoed in (any letter case,
    JSON, percent and HTML encoded), and anything shaped like a URL or an email address."""
    forms = {form for secret in secrets if secret for form in _encodings(secret)}
    for form in sorted(forms, key=len, reverse=True):
        text = re.sub(re.escape(form), "<redacted>", text, flags=re.IGNORECASE)
    text = _URL_LIKE.sub("<redacted>", text)
    return _ADDRESS_LIKE.sub("<redacted>", text)


@dataclass(frozen=True)
class Budget:
    """Seconds of one invocation: SES work, then the stack status, then the response."""

    ses: float
    status: float
    response: float


def _reserve(remaining: float, share_min_max: tuple[float, float, float]) -> float:
    share, low, high = share_min_max
    return min(high, max(low, remaining * share))


def plan_budget(remaining: float) -> Budget:
    """Split the remaining time so that whatever SES does, the stack status can still be
    read (a rollback must not fail) and the response sent before Lambda stops us."""
    status = _reserve(remaining, STATUS_RESERVE)
    response = _reserve(remaining, RESPONSE_RESERVE)
    ses = max(0.0, remaining - FINAL_MARGIN_SECONDS - status - response)
    return Budget(ses, status, response)


def needs_stack_status(event: Mapping[str, Any], outcome: Outcome) -> bool:
    return outcome.status == "FAILED" and event.get("RequestType") == "Update"


def settle(outcome: Outcome, stack_status: str | None) -> Outcome:
    """An Update that would fail while its stack is rolling back answers SUCCESS instead:
    a FAILED rollback leaves the stack in UPDATE_ROLLBACK_FAILED, which only a person can
    mend, while the state is read again on the next deployment anyway."""
    if outcome.status != "FAILED" or not stack_status or "ROLLBACK_IN_PROGRESS" not in stack_status:
        return outcome
    logger.warning(
        "Stack is in %s: answering SUCCESS instead of: %s", stack_status, outcome.reason
    )
    return Outcome("SUCCESS", outcome.physical_resource_id, outcome.data or unknown_attributes())


@dataclass
class Progress:
    """What the worker has done, for the watchdog to say what happened. Every SES call
    passes through `enter`; once the watchdog has closed it, none starts (the lock makes
    "not closed, so start" and "close, then read what happened" exclusive)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    started: list[str] = field(default_factory=list)
    # The state read before a PutAccountDetails that SES accepted, once it has.
    accepted_from: AccountState | None = None
    doing: str = "SES had not been called"
    problem: str = ""  # the last fault that was retried
    # A PutAccountDetails started and not yet answered: its outcome is not known.
    put_in_flight: bool = False

    def enter(self, operation: str, doing: str) -> None:
        with self.lock:
            if self.closed:
                raise Cancelled(operation)
            self.started.append(operation)
            self.doing = doing
            self.put_in_flight = operation == "PutAccountDetails"

    def put_done(self, accepted_from: AccountState | None) -> None:
        """The Put's answer, recorded even after the gate closed (the watchdog waits a
        little for it: an accepted request must not be answered FAILED)."""
        with self.lock:
            self.put_in_flight = False
            if accepted_from is not None:
                self.accepted_from = accepted_from

    def note(self, problem: str) -> None:
        with self.lock:
            self.problem = problem

    def summary(self) -> str:
        return f"{self.doing} (before: {self.problem})" if self.problem else self.doing

    def close(self) -> Progress:
        """Close the gate; a snapshot of what had happened by then."""
        with self.lock:
            self.closed = True
        return self.snapshot()

    def snapshot(self) -> Progress:
        with self.lock:
            return dataclasses.replace(self, lock=threading.Lock(), started=list(self.started))


def accepted_outcome(before: AccountState, physical_id: str) -> Outcome:
    """After an accepted request no answer may be FAILED: a review is open."""
    return Outcome("SUCCESS", physical_id, attributes(before.after_accepted_request()))


def fallback_outcome(progress: Progress, physical_id: str, reason: str, advice: str) -> Outcome:
    """The answer when the work did not finish (watchdog, internal error)."""
    if progress.accepted_from is not None:
        logger.warning("%s The request was accepted: reporting the open review.", reason)
        return accepted_outcome(progress.accepted_from, physical_id)
    if "PutAccountDetails" in progress.started:
        sent = "The request had been sent; whether SES took it is unknown."
    else:
        sent = "No request for production access was sent."
    return Outcome("FAILED", physical_id, reason=f"{reason} {sent}", advice=advice)


def watchdog_outcome(progress: Progress, physical_id: str, waited: float) -> Outcome:
    return fallback_outcome(
        progress,
        physical_id,
        f"The function stopped waiting for SES after {waited:.0f} s: {progress.summary()}.",
        "Deploying again is safe (it never submits twice); if it persists, raise timeout.",
    )


def internal_error_outcome(progress: Progress, physical_id: str, error: BaseException) -> Outcome:
    # The type only: its message or a traceback could quote a secret.
    return fallback_outcome(
        progress,
        physical_id,
        f"Internal error ({type(error).__name__}) in the SesProductionAccess handler.",
        "Deploying again is safe; if it persists, report it with the function's log.",
    )


def response_url_problem(url: object) -> str | None:
    """Why the event's ResponseURL cannot be answered, or None. Never quotes it."""
    if not isinstance(url, str) or not url:
        return "is missing"
    if invisible_character(url):
        return "holds white space or control characters"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        return "is malformed"
    if parts.scheme != "https" or not parts.hostname:
        return "is not an https URL"
    return None


TRUNCATED = " [...]"


def _encoded(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body).encode("utf-8")


def _utf8_prefix(text: str, max_bytes: int) -> str:
    # "replace": a lone surrogate (JSON can carry one) must not raise here.
    return text.encode("utf-8", "replace")[:max_bytes].decode("utf-8", "ignore")


def build_response_body(event: Mapping[str, Any], outcome: Outcome) -> bytes:
    """The response document, at most RESPONSE_BODY_MAX_BYTES for anything CloudFormation
    sends: what happened is shortened first (measured in encoded bytes), then Data is
    dropped from a FAILED answer; the advice is kept."""
    body: dict[str, Any] = {
        "Status": outcome.status,
        "PhysicalResourceId": _utf8_prefix(outcome.physical_resource_id, PHYSICAL_ID_MAX_BYTES)
        or PHYSICAL_ID_PREFIX,
        "StackId": _text(event.get("StackId")),
        "RequestId": _text(event.get("RequestId")),
        "LogicalResourceId": _text(event.get("LogicalResourceId")),
        "NoEcho": False,
        "Data": outcome.data,
    }
    reason, advice = outcome.reason, outcome.advice
    if outcome.status == "FAILED" and not reason:
        reason = "The custom resource failed; see the function's log group."
    if not reason and not advice:
        return _encoded(body)
    if outcome.status == "FAILED" and outcome.data:
        # Data only matters to GetAtt after SUCCESS; it goes before the reason is cut.
        full = {**body, "Reason": " ".join(filter(None, (reason, advice)))}
        if len(_encoded(full)) > RESPONSE_BODY_MAX_BYTES:
            body["Data"] = {}
    keep = len(reason)
    while True:
        cut = reason if keep == len(reason) else reason[:keep] + TRUNCATED
        body["Reason"] = " ".join(filter(None, (cut, advice)))
        excess = len(_encoded(body)) - RESPONSE_BODY_MAX_BYTES
        if excess <= 0 or keep == 0:
            break
        # A character takes at most 12 encoded bytes (a JSON-escaped surrogate pair).
        keep = max(0, keep - max(1, excess // 12))
    if excess > 0:  # only with ids larger than CloudFormation sends: keep the answer short
        body["Reason"] = "See the function's log group."
    return _encoded(body)






# Readiness: what reviewers look at, read before a request (and in report-only mode).

# Finding code: whether it holds a request back. A check that could not run is a finding
# of its own; it holds a request back only when nothing else read can decide what it
# decides (why each holds or not: docs/readiness.md, "Findings"; advice: FINDING_ADVICE).
FINDINGS = {
    "NO_VERIFIED_IDENTITY": True,
    "NO_VERIFIED_DOMAIN": False,
    "DKIM_NOT_SET_UP": False,
    "NO_CUSTOM_MAIL_FROM": False,
    "NO_BOUNCE_COMPLAINT_HANDLING": True,
    "BOUNCES_BY_EMAIL_ONLY": False,
    "IDENTITIES_UNREADABLE": True,
    "IDENTITY_DETAILS_UNREADABLE": False,
    "EVENT_DESTINATIONS_UNREADABLE": False,
    "NOTIFICATIONS_UNREADABLE": False,
}
BOTH = {"BOUNCE", "COMPLAINT"}
# Bounds: calls and time stay small however many identities the account has.
READINESS_PAGE_SIZE = 1000
READINESS_MAX_PAGES = 3
READINESS_MAX_DOMAINS = 10
READINESS_MAX_SETS = 10
NOTIFICATION_IDENTITIES_MAX = 100


@dataclass(frozen=True)
class ReadinessFacts:
    domains: tuple[str, ...] = ()  # verified for sending
    addresses: tuple[str, ...] = ()  # verified for sending
    dkim: tuple[str, ...] = ()  # domains whose DKIM works
    mail_from: tuple[str, ...] = ()  # domains with a working custom MAIL FROM
    # Bounces and complaints reach something that acts on them: the suppression list, an
    # event destination or notification topics (else SES emails them to the sender).
    bounce_handling: bool = False
    unreadable: tuple[str, ...] = ()  # the *_UNREADABLE findings of the checks that failed


def judge(facts: ReadinessFacts) -> Readiness:
    """The findings (in FINDINGS' order) and whether the account is ready."""
    failed = set(facts.unreadable)
    identity = bool(facts.domains or facts.addresses)
    if identity:  # a listing cut short after a verified identity showed has decided
        failed.discard("IDENTITIES_UNREADABLE")
    known = "IDENTITIES_UNREADABLE" not in failed
    details = known and "IDENTITY_DETAILS_UNREADABLE" not in failed
    # A verified identity's bounces and complaints reach its sender by email when nothing
    # else takes them, forwarding turned off or not (SES v2 API reference,
    # PutEmailIdentityFeedbackAttributes): received, but nothing acts on them.
    found = {
        "NO_VERIFIED_IDENTITY": known and not identity,
        "NO_VERIFIED_DOMAIN": bool(facts.addresses) and not facts.domains,
        "DKIM_NOT_SET_UP": details and len(facts.dkim) < len(facts.domains),
        "NO_CUSTOM_MAIL_FROM": details and bool(facts.domains) and not facts.mail_from,
        "NO_BOUNCE_COMPLAINT_HANDLING": known and not identity and not facts.bounce_handling,
        "BOUNCES_BY_EMAIL_ONLY": identity and not facts.bounce_handling,
    }
    findings = tuple(code for code in FINDINGS if found.get(code) or code in failed)
    return Readiness(findings, not any(FINDINGS[code] for code in findings))


def held_outcome(
    desired: Desired, state: AccountState, readiness: Readiness, physical_id: str
) -> Outcome | None:
    """The answer when no request is sent although one could be: report-only, or an
    account that is not ready under HOLD (SUCCESS) or FAIL (FAILED). None: go on."""
    data = attributes(state, readiness)
    if desired.report_only or readiness.ready or desired.when_not_ready == "SUBMIT":
        return Outcome("SUCCESS", physical_id, data) if desired.report_only else None
    if desired.when_not_ready == "HOLD":
        logger.warning("Not ready in %s: the request is held back", desired.region)
        return Outcome("SUCCESS", physical_id, data)
    return Outcome(
        "FAILED",
        physical_id,
        data,
        f"Not ready for production access in {desired.region}: "
        f"{', '.join(readiness.findings)}; no request was sent.",
        "Fix what the findings name (see the README), or set when_not_ready to SUBMIT (a "
        "DENIED review is final).",
    )



# --------------------------------------------------------------------------------------
# 3. The SES edge
# --------------------------------------------------------------------------------------


class SesError(Exception):
    """An SES call that failed for good: what happened, and what to do."""

    def __init__(self, reason: str, advice: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.advice = advice


class TooLate(SesError):
    """Too little time is left for a Put's answer: nothing was sent."""


class ConflictError(Exception):
    """PutAccountDetails answered 409: a review is already open (a race, not a failure)."""


class Cancelled(Exception):
    """The watchdog has already answered; no further change may be made."""


class SesClient(Protocol):
    def get_account(self) -> dict[str, Any]: ...

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]: ...


_THROTTLING_CODES = ("TooManyRequestsException", "ThrottlingException", "Throttling")

_ERROR_ADVICE = {
    "BadRequestException": "Check mail_type, website_url and the contacts.",
    "AccessDeniedException": (
        "Check its policy, service control policies and permissions boundary, and that SES "
        "is in the Region."
    ),
    "NotFoundException": "Check the Region.",
    "NoCredentialsError": "Check the function's execution role.",
    "ParamValidationError": "Check the construct's props.",
}


def _role(error: ClientError) -> str:
    """The role an AccessDeniedException names: its ARN is safe to show (nothing else of a
    service message is ever used)."""
    found = re.search(r"assumed-role/([\w+=,.@-]+)/", str(error))
    return f"role {found[1]}" if found else "the function's role"


def _error_code(error: ClientError) -> tuple[str, int]:
    """(code, HTTP status) of a ClientError. Its message is never used: a service may
    echo a sensitive value in it, in a form that cannot be reliably masked."""
    response = getattr(error, "response", None) or {}
    code = str((response.get("Error") or {}).get("Code") or "UnknownError")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    return code, int(status)


class SesAccount:
    """GetAccount and PutAccountDetails for one Region, within a deadline.

    Throttling is retried with jittered backoff until the deadline; server errors and
    network faults 3 times in all; anything else (the service's refusals, a request the
    SDK cannot make) fails at once with a readable reason.
    """

    def __init__(
        self,
        client: SesClient,
        region: str,
        deadline: float,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        v1_client: Callable[[], Any] | None = None,
        put_seconds: float = 0.0,
        denied_until: float = 0.0,
    ) -> None:
        self._put_seconds = put_seconds  # the longest a Put can take with this client
        # Until then AccessDeniedException is retried: IAM is eventually consistent, and a
        # Create runs with a role created seconds before.
        self._denied_until = denied_until
        self._client = client
        self._v1_client = v1_client
        self._region = region
        self._deadline = deadline
        self._progress = progress or Progress()
        self._clock = clock
        self._sleep = sleep

    def get_account(self) -> AccountState:
        response = self._call("GetAccount", self._client.get_account)
        return AccountState.from_get_account(response)

    def put_account_details(self, desired: Desired, before: AccountState) -> None:
        """Send the request only if its answer can arrive before the deadline: a request
        SES takes after the watchdog answered FAILED would be a review nobody is told of."""
        if self._clock() + self._put_seconds > self._deadline:
            raise TooLate(
                f"Too little time was left for ses:PutAccountDetails in {self._region}: "
                "no request was sent.",
                "Deploy again; if it persists, raise the construct's timeout.",
            )
        params = desired.put_account_details_params()
        try:
            self._call("PutAccountDetails", lambda: self._client.put_account_details(**params))
        except BaseException:
            self._progress.put_done(None)
            raise
        self._progress.put_done(before)

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Any other read, by its API name, under the same retries and deadline."""
        method = getattr(self._client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
        return self._call(operation, lambda: method(**params))

    def v1(self) -> SesAccount:
        """The same Region through the SES (v1) API, for what SES v2 does not show."""
        client = self._v1_client() if self._v1_client else make_ses_client(self._region, "ses")
        return self._copy(client, self._deadline)

    def for_reads(self) -> SesAccount:
        """The same account for the readiness reads: none starts too late for a Put."""
        return self._copy(self._client, self._deadline - self._put_seconds)

    def _copy(self, client: Any, deadline: float) -> SesAccount:
        return SesAccount(
            client, self._region, deadline, self._progress, self._clock, self._sleep,
            self._v1_client, self._put_seconds, self._denied_until,
        )

    def pause(self, seconds: float) -> bool:
        """Wait if the deadline allows it; False when it does not."""
        if self._progress.closed or self._clock() + seconds >= self._deadline:
            return False
        self._sleep(seconds)
        return True

    def _call(self, operation: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        name = f"ses:{operation} in {self._region}"
        attempt = 0
        while True:
            attempt += 1
            if self._clock() >= self._deadline:
                raise SesError(f"No time was left for {name}.", "Raise the construct's timeout.")
            self._progress.enter(operation, f"{name} had not answered (attempt {attempt})")
            try:
                return call()
            except ClientError as error:
                code, status = _error_code(error)
                if code == "ConflictException" and operation == "PutAccountDetails":
                    raise ConflictError(operation) from error
                throttled = code in _THROTTLING_CODES or status == 429
                denied = code in ("AccessDeniedException", "AccessDenied")  # v2, v1
                retry = (
                    throttled
                    or (denied and self._clock() < self._denied_until)
                    or (status >= 500 and attempt < SES_SERVER_ERROR_ATTEMPTS)
                )
                problem = (
                    f"SES throttled {name} ({code}, {attempt} attempts)"
                    if throttled
                    else f"{name} answered {code} (HTTP {status}, {attempt} attempts)"
                )
                advice = self._advice("AccessDeniedException" if denied else code, throttled)
                if denied:
                    advice = f"Allow ses:{operation} to {_role(error)}. {advice}"
            except (NetworkError, HTTPClientError) as error:
                # No HTTP answer at all: refused, dropped, timed out. Worth another try.
                retry = attempt < SES_SERVER_ERROR_ATTEMPTS
                kind = type(error).__name__
                problem = f"{name} could not be reached ({kind}, {attempt} attempts)"
                advice = "Check that SES is in the Region and reachable, then deploy again."
            except BotoCoreError as error:
                # Made here, before anything was sent: another try would fail the same way.
                code = type(error).__name__
                raise SesError(
                    f"{name} could not be made ({code}).",
                    _ERROR_ADVICE.get(code, "Deploy again; if it persists, report it."),
                ) from error
            self._progress.note(problem)
            delay = min(
                SES_BACKOFF_MAX_SECONDS, SES_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
            ) * random.uniform(0.5, 1.0)
            # A Put is tried again only if its answer can still arrive in time.
            late = self._put_seconds if operation == "PutAccountDetails" else 0.0
            if retry and self._clock() + delay + late < self._deadline:
                logger.warning("%s; retrying in %.1f s", problem, delay)
                self._sleep(delay)
                continue
            raise SesError(f"{problem}.", advice)

    @staticmethod
    def _advice(code: str, throttled: bool) -> str:
        if throttled:
            return (
                "Deploy again later, or deploy fewer stacks at once."
            )
        return _ERROR_ADVICE.get(
            code, "Deploy again; if it persists, check the AWS Health Dashboard."
        )


def aws_client(
    service: str, region: str, connect: float, read: float, attempts: int = 1
) -> Any:
    """A boto3 client whose calls end in time: each attempt within `connect` + `read`
    seconds. AWS_ENDPOINT_URL_<SERVICE> is honoured by boto3 itself."""
    import boto3  # only the invocations that call AWS pay for importing boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=connect, read_timeout=read, retries={"total_max_attempts": attempts}
    )
    return boto3.client(service, region_name=region, config=config)


def make_ses_client(
    region: str, service: str = "sesv2", seconds: float = SES_READ_TIMEOUT_SECONDS
) -> SesClient:
    """A boto3 SES v2 (or v1) client whose own retries are off (SesAccount retries within
    the deadline)."""
    client: SesClient = aws_client(
        service, region, min(SES_CONNECT_TIMEOUT_SECONDS, seconds), seconds
    )
    return client


# Reading what reviewers look at.

def check_readiness(
    ses: SesAccount, desired: Desired, state: AccountState, physical_id: str
) -> tuple[Readiness, Outcome | None]:
    """Identities, DKIM, MAIL FROM and bounce and complaint handling, within bounds (a read
    that fails is a finding of its own, never a failure), and the answer when that means
    no request."""
    readiness = judge(_readiness_facts(ses, state))
    logger.info("Readiness in %s: %s", desired.region, ", ".join(readiness.findings) or "ready")
    return readiness, held_outcome(desired, state, readiness, physical_id)


def _listed(
    ses: SesAccount, operation: str, key: str, size: int, failed: list[str], code: str
) -> list[Any]:
    """The `key` list of up to READINESS_MAX_PAGES pages of `operation`, by NextToken: what
    was read before a page failed counts (`code` noted)."""
    found: list[Any] = []
    token = None
    for _ in range(READINESS_MAX_PAGES):
        page = _read(failed, code, functools.partial(
            ses.call, operation, PageSize=size, **({"NextToken": token} if token else {})
        ), {})
        found += page.get(key) or []
        token = page.get("NextToken")
        if not token:
            break
    return found


def _read(failed: list[str], code: str, read: Callable[[], Any], default: Any) -> Any:
    """`read()`, or `default` with `code` noted when SES refuses it or does not answer."""
    try:
        return read()
    except SesError as error:
        logger.warning("%s: %s", code, error.reason)
        failed.append(code)
        return default


def _readiness_facts(ses: SesAccount, state: AccountState) -> ReadinessFacts:
    ses = ses.for_reads()
    failed: list[str] = []
    identities = _listed(
        ses, "ListEmailIdentities", "EmailIdentities", READINESS_PAGE_SIZE, failed,
        "IDENTITIES_UNREADABLE",
    )
    usable = [
        i for i in identities
        if i.get("SendingEnabled") and i.get("VerificationStatus") == "SUCCESS"
    ]
    domains = [i["IdentityName"] for i in usable if i.get("IdentityType") != "EMAIL_ADDRESS"]
    addresses = [i["IdentityName"] for i in usable if i.get("IdentityType") == "EMAIL_ADDRESS"]
    dkim, mail_from = [], []
    checked = domains[:READINESS_MAX_DOMAINS]
    for domain in checked:
        details = _read(failed, "IDENTITY_DETAILS_UNREADABLE", functools.partial(
            ses.call, "GetEmailIdentity", EmailIdentity=domain
        ), None)
        if details is None:
            break
        if (details.get("DkimAttributes") or {}).get("Status") == "SUCCESS":
            dkim.append(domain)
        if (details.get("MailFromAttributes") or {}).get("MailFromDomainStatus") == "SUCCESS":
            mail_from.append(domain)
    handled = BOTH <= set(state.suppressed_reasons) or _destinations(ses, failed)
    if not handled and usable:
        topics = _read(failed, "NOTIFICATIONS_UNREADABLE", lambda: ses.v1().call(
            "GetIdentityNotificationAttributes",
            Identities=(domains + addresses)[:NOTIFICATION_IDENTITIES_MAX],
        ).get("NotificationAttributes") or {}, {})
        handled = any(a.get("BounceTopic") and a.get("ComplaintTopic") for a in topics.values())
    return ReadinessFacts(
        tuple(checked), tuple(addresses), tuple(dkim), tuple(mail_from), handled, tuple(failed)
    )


def _destinations(ses: SesAccount, failed: list[str]) -> bool:
    """A configuration set whose enabled event destinations, together, take both; a set
    that cannot be read is passed over (noted)."""
    code = "EVENT_DESTINATIONS_UNREADABLE"
    for name in _listed(
        ses, "ListConfigurationSets", "ConfigurationSets", READINESS_MAX_SETS, failed, code
    ):
        answer = _read(failed, code, functools.partial(
            ses.call, "GetConfigurationSetEventDestinations", ConfigurationSetName=name
        ), {})
        matching: set[str] = set()
        for destination in answer.get("EventDestinations") or []:
            if destination.get("Enabled"):
                matching.update(destination.get("MatchingEventTypes") or ())
        if BOTH <= matching:
            return True
    return False


# --------------------------------------------------------------------------------------
# 4. The CloudFormation edge
# --------------------------------------------------------------------------------------


def send_response(
    url: str,
    body: bytes,
    give_up_at: float,
    attempts: int = RESPONSE_ATTEMPTS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """PUT the response to the pre-signed URL: at most `attempts` tries, none started or
    waited for past `give_up_at` (on `clock`), then give up.

    The URL is a secret (anyone holding it can answer for the stack): it is never logged,
    and nothing raised here escapes (an exception's text could quote it).
    """
    made = 0
    for attempt in range(1, attempts + 1):
        timeout = min(RESPONSE_TIMEOUT_SECONDS, give_up_at - clock())
        if timeout < RESPONSE_MIN_ATTEMPT_SECONDS:
            break
        made = attempt
        # In a thread joined until the deadline: urlopen's timeout bounds each socket
        # operation, not the whole request (nor the name lookup).
        problem = bounded(functools.partial(_put_once, url, body, timeout), give_up_at - clock())
        if problem is None:
            problem = "no answer in time"
        elif not problem:
            return True
        logger.warning("Response PUT attempt %d of %d failed: %s", attempt, attempts, problem)
        delay = RESPONSE_BACKOFF_SECONDS * 2 ** (attempt - 1)
        if attempt < attempts:
            sleep(max(0.0, min(delay, give_up_at - clock() - RESPONSE_MIN_ATTEMPT_SECONDS)))
    logger.error("Giving up on the response after %d attempt(s)", made)
    return False


def _put_once(url: str, body: bytes, timeout: float) -> str:
    """One PUT of the response: "" when accepted, else what went wrong (never the URL)."""
    try:
        request = urllib.request.Request(
            url,
            data=body,
            method="PUT",
            # S3 signed the URL without a content type; urllib would add one otherwise.
            headers={"Content-Type": "", "Content-Length": str(len(body))},
        )
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            logger.info("Response accepted with HTTP %s", answer.status)
            return ""
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except Exception as error:
        return type(getattr(error, "reason", error)).__name__


def read_stack_status(stack_id: str, seconds: float = 5.0, client: Any = None) -> str | None:
    """The stack's status (to recognise a rollback), or None when it cannot be read."""
    try:
        if client is None:
            half = seconds / 2
            client = aws_client("cloudformation", stack_id.split(":")[3], half, half)
        stacks = client.describe_stacks(StackName=stack_id).get("Stacks") or [{}]
        status = stacks[0].get("StackStatus")
        return str(status) if status else None
    except Exception as error:
        logger.warning("Could not read the stack's status: %s", type(error).__name__)
        return None


def bounded(call: Callable[[], Any], seconds: float) -> Any:
    """call() in a daemon thread, or None if it has not returned within `seconds`."""
    box: list[Any] = []

    def target() -> None:
        try:
            box.append(call())
        except Exception as error:
            logger.warning("%s", type(error).__name__)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(max(0.0, seconds))
    return box[0] if box else None








# --------------------------------------------------------------------------------------
# 5. The entry point
# --------------------------------------------------------------------------------------


def process(
    event: Mapping[str, Any],
    ses_factory: Callable[[Desired], SesAccount],
    default_region: str | None,
    progress: Progress,
) -> Outcome:
    """Run one lifecycle event to an Outcome (before the rollback rule)."""
    request_type = event.get("RequestType")
    fallback_id = event_physical_id(event, default_region)

    if request_type == "Delete":
        # Leaving the sandbox cannot be undone; a Delete (also after a failed Create)
        # changes nothing in SES and keeps the id CloudFormation sent.
        return Outcome("SUCCESS", fallback_id)
    if problem := event_problem(event):  # a broken event must never lead to a request
        return Outcome("FAILED", fallback_id, reason=f"No valid {problem} in the event.")

    try:
        desired = parse_properties(event.get("ResourceProperties"), default_region)
    except PropertyError as error:
        return Outcome("FAILED", fallback_id, reason=str(error))

    physical_id = physical_resource_id(_text(event.get("StackId")), desired.region)
    ses = ses_factory(desired)
    try:
        state = ses.get_account()
        action = decide(state)
        logger.info(
            "%s in %s: sandbox status %s, review %s, action %s",
            request_type, desired.region, sandbox_status(state),
            state.review_status or ABSENT, action.value,
        )
        readiness = held = None
        if action is Action.SUBMIT and (desired.when_not_ready or desired.report_only):
            readiness, held = check_readiness(ses, desired, state, physical_id)
            if held:
                return held
        if action is Action.SUBMIT:
            state = submit(ses, desired, state, progress)
    except TooLate as error:
        if readiness is None:
            return Outcome("FAILED", physical_id, reason=error.reason, advice=error.advice)
        # The readiness reads took the time: held, as an account that is not ready is.
        logger.warning("%s The request is held back.", error.reason)
        return Outcome("SUCCESS", physical_id, attributes(state, readiness))
    except SesError as error:
        return Outcome("FAILED", physical_id, reason=error.reason, advice=error.advice)
    except PropertyError as error:
        return Outcome("FAILED", physical_id, reason=str(error))

    # After an accepted request no answer is FAILED, even if the review was denied at once.
    denied = None if progress.accepted_from else denied_outcome(state, desired, physical_id)
    return denied or Outcome("SUCCESS", physical_id, attributes(state, readiness))


def submit(
    ses: SesAccount, desired: Desired, before: AccountState, progress: Progress
) -> AccountState:
    """Ask for production access, then read the state back (the request command calls it)."""
    if desired.report_only:  # never, whatever led here
        return before
    try:
        ses.put_account_details(desired, before)
        logger.info("Requested production access in %s", desired.region)
    except ConflictError:
        # Someone else (another stack, the console) opened a review in between.
        logger.info("A review is already open in %s", desired.region)
    try:
        state = ses.get_account()
        for _ in range(REREAD_ATTEMPTS):
            if decide(state) is Action.NOTHING or not ses.pause(REREAD_DELAY_SECONDS):
                break
            state = ses.get_account()
    except SesError as error:
        # A review is open (AWS accepted the request, or said one is): failing (and rolling
        # back the user's stack) would be wrong. Report it with what was read before.
        logger.warning("Reading the state after the request failed: %s", error.reason)
        return before.after_accepted_request()
    # GetAccount is eventually consistent: a read that shows no open review yet is stale.
    return state.after_accepted_request() if decide(state) is Action.SUBMIT else state


class _RedactingFilter(logging.Filter):
    """On the runtime's log handlers: whatever logs through them (this module, the SDK,
    a library), the event's sensitive values are masked and no traceback is printed."""

    secrets: tuple[str, ...] = ()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return False
        if record.exc_info and record.exc_info[0]:
            message = f"{message} ({record.exc_info[0].__name__})"
        record.msg, record.args = redact(message, self.secrets), ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


_LOG_FILTER = _RedactingFilter()


def guard_logs(secrets: Sequence[str]) -> None:
    """Install the redacting filter on every handler of the root logger (the runtime's)."""
    _LOG_FILTER.secrets = tuple(secrets)
    for handler_ in logging.getLogger().handlers:
        handler_.addFilter(_LOG_FILTER)  # once: addFilter skips a filter it has


def _remaining_seconds(context: Any) -> float:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return getter() / 1000 if callable(getter) else DEFAULT_REMAINING_SECONDS


def handler(event: Any, context: Any) -> None:
    """Lambda entry point: the custom resource's service token, and the schedule's target
    (its input is an object whose one key names an entry point)."""
    for key, entry in ENTRY_POINTS.items():
        if isinstance(event, Mapping) and key in event:
            entry(event[key], context)
            return
    run(event, context)


def run(
    event: Any,
    context: Any,
    client_factory: Callable[[str], SesClient] = make_ses_client,
    stack_status: Callable[[str, float], str | None] = read_stack_status,
    v1_client_factory: Callable[[str], Any] | None = None,
) -> Outcome | None:
    """Answer one event at most once, before the Lambda timeout, and return the answer
    (None when the event cannot be answered: then nothing is changed either).

    Nothing raises out of here: an exception would leave the stack waiting for the
    ServiceTimeout, and the runtime would log its text.
    """
    started = time.monotonic()
    remaining = _remaining_seconds(context)
    give_up_at = started + remaining - FINAL_MARGIN_SECONDS
    try:
        if not isinstance(event, Mapping):
            logger.error("Not a CloudFormation event (%s): nothing to answer", type(event).__name__)
            return None
        guard_logs(sensitive_values(event))
        budget = plan_budget(remaining)
        keys = ("RequestType", "LogicalResourceId", "RequestId")
        logger.info("%s %s (RequestId %s)", *(_shown(_text(event.get(k))) for k in keys))
        problem = response_url_problem(event.get("ResponseURL"))
        if problem:
            # No answer can reach CloudFormation: changing SES now would be a change
            # nobody is told about. The stack fails at its ServiceTimeout.
            logger.error("The event's ResponseURL %s: nothing was changed or answered", problem)
            return None
        default_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        outcome = _work(
            event, client_factory, default_region, Progress(), budget, started, v1_client_factory
        )
        if needs_stack_status(event, outcome):
            stack_id = _text(event.get("StackId"))
            outcome = settle(
                outcome, bounded(lambda: stack_status(stack_id, budget.status), budget.status)
            )
    except Exception as error:
        # The event is a Mapping here: the first statement returns for anything else.
        logger.error("Unexpected error %s", type(error).__name__)
        outcome = internal_error_outcome(Progress(), event_physical_id(event, None), error)
    logger.info("Answering %s", outcome.status)
    try:
        body = build_response_body(event, outcome)
    except Exception as error:
        logger.error("Could not build the response (%s)", type(error).__name__)
        body = build_response_body(
            {}, internal_error_outcome(Progress(), PHYSICAL_ID_PREFIX, error)
        )
    send_response(_text(event.get("ResponseURL")), body, give_up_at)
    # After the answer, so that it can never hold or fail the deployment.
    for position, hook in enumerate(AFTER_ANSWER):
        share = (give_up_at - time.monotonic()) / (len(AFTER_ANSWER) - position)
        if share > RESPONSE_MIN_ATTEMPT_SECONDS:
            bounded(functools.partial(hook, event, outcome, share / 3), share)
    return outcome


def _work(
    event: Mapping[str, Any],
    client_factory: Callable[[str], SesClient],
    default_region: str | None,
    progress: Progress,
    budget: Budget,
    started: float,
    v1_client_factory: Callable[[str], Any] | None = None,
) -> Outcome:
    """process() in a worker thread under the watchdog."""
    deadline = started + budget.ses
    fallback_id = event_physical_id(event, default_region)
    create = event.get("RequestType") == "Create"
    denied_until = started + IAM_PROPAGATION_SECONDS if create else 0.0

    put_seconds = 0.0
    if client_factory is make_ses_client:
        # Calls bounded by the budget, so that a Put started in time is answered in time.
        call_seconds = min(SES_READ_TIMEOUT_SECONDS, max(1.0, budget.ses / 4))
        client_factory = functools.partial(make_ses_client, seconds=call_seconds)
        put_seconds = call_seconds + min(SES_CONNECT_TIMEOUT_SECONDS, call_seconds)

    def ses_factory(desired: Desired) -> SesAccount:
        region = desired.region
        v1 = functools.partial(v1_client_factory, region) if v1_client_factory else None
        return SesAccount(
            client_factory(region), region, deadline, progress, v1_client=v1,
            put_seconds=put_seconds, denied_until=denied_until,
        )

    result: list[Outcome] = []

    def work() -> None:
        try:
            result.append(process(event, ses_factory, default_region, progress))
        except Cancelled:
            pass
        except Exception as error:
            logger.error("Unexpected error %s", type(error).__name__)
            result.append(internal_error_outcome(progress, fallback_id, error))

    worker = threading.Thread(target=work, name="ses-production-access", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    snapshot = progress.close()
    if snapshot.put_in_flight:
        # A Put SES may be taking: wait a little for its answer, from the status reserve.
        worker.join(budget.status / 2)
        snapshot = progress.snapshot()
    if result:
        return result[0]
    return watchdog_outcome(snapshot, fallback_id, time.monotonic() - started)


# --------------------------------------------------------------------------------------
# 6. Feature "events": the status event's sending, and the bus, topic and prefix settings
# --------------------------------------------------------------------------------------

FEATURE = "events"

# The status event: where the account stands, for a central bus (the roll-up) and the
# watcher; the settings of the bus, the topic and the parameters.

def _watch_settings(props: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(status bus ARN, parameter prefix, topic ARN), None when unset."""
    return (
        _string(props, PROP_STATUS_BUS_ARN, "status_bus") or None,
        _string(props, PROP_PARAMETER_PREFIX, "watch_parameter_prefix") or None,
        _string(props, PROP_TOPIC_ARN, "watch_topic") or None,
    )


SETTINGS.append(_watch_settings)

# The status event: sent to a central bus after every Create and Update (and by the
# watcher on a change), so that an organisation sees every account x Region in one place.
EVENT_SOURCE = "ses-production-access"

EVENT_DETAIL_TYPE = "SES Production Access Status"

EVENT_ATTEMPTS = 2


def status_detail(trigger: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The status event's detail, for a deployment and the watcher alike: the ``record``
    its caller made (Account, Region and the state, none of it sensitive; the watcher's
    also ObservedAt and PreviousSandboxStatus) with why (Trigger), without the watcher's
    bookkeeping (Undelivered, Owner)."""
    detail = {**record, "Trigger": trigger}
    for bookkeeping in ("Undelivered", "Owner"):
        detail.pop(bookkeeping, None)
    return detail


# Telling a bus.

def _failure(error: Exception) -> str:
    """What went wrong, for the log: the error code or the type, never a message."""
    return _error_code(error)[0] if isinstance(error, ClientError) else type(error).__name__


def put_status_event(
    bus_arn: str, detail: Mapping[str, Any], seconds: float, client: Any = None
) -> bool:
    """One status event on the bus (an ARN, or "default": the function's own Region's),
    in the bus's own Region. Best effort: False (logged) when not taken; never raises."""
    try:
        if client is None:
            region = bus_arn.split(":")[3] if bus_arn.startswith("arn:") else None
            region = region or os.environ.get("AWS_REGION") or ""
            client = aws_client("events", region, seconds / 2, seconds / 2, EVENT_ATTEMPTS)
        answer = client.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": EVENT_DETAIL_TYPE,
                    "Detail": json.dumps(detail),
                    "EventBusName": bus_arn,
                }
            ]
        )
        failed = [e.get("ErrorCode") for e in answer.get("Entries", []) if e.get("ErrorCode")]
        if answer.get("FailedEntryCount") or failed:
            logger.warning("The status event was refused: %s", ", ".join(map(str, failed)))
            return False
        logger.info("Status event sent to the %s bus", bus_arn.rsplit("/", 1)[-1])
        return True
    except Exception as error:
        logger.warning("The status event was not sent: %s", _failure(error))
        return False

FEATURE = ""


# --------------------------------------------------------------------------------------
# 7. Feature "notify": the status event on a central bus after each answer (needs events)
# --------------------------------------------------------------------------------------

FEATURE = "notify"

# What the roll-up hears besides a state: a deployment that failed (a row that counts in
# the exit code), and a resource removed (the account left the OU, a Region was dropped).
FAILED_STATUS = "FAILED"
REMOVED_STATUS = "REMOVED"
# The class of a failure, from its reason (never the reason itself): the first that applies.
FAILURE_CLASSES = (
    ("No valid ", "EVENT"),
    ("Not ready for production access", "NOT_READY"),
    ("SES denied production access", "REVIEW_DENIED"),
    ("AccessDenied", "ACCESS_DENIED"),
    ("throttled", "THROTTLED"),
    ("stopped waiting", "TIMEOUT"),
    ("No time was left", "TIMEOUT"),
    ("Too little time", "TIMEOUT"),
    ("Internal error", "INTERNAL"),
    ("ses:", "SES_ERROR"),
)


def failure_class(reason: str) -> str:
    """What kind of failure a FAILED answer's reason tells of; a property SES would refuse
    when none of the others applies (its reason names the property)."""
    return next((kind for text, kind in FAILURE_CLASSES if text in reason), "PROPERTIES")


def status_notice(
    event: Mapping[str, Any],
    outcome: Outcome,
    default_region: str | None,
    stack_status: str | None = None,
) -> tuple[str, dict[str, str]] | None:
    """(bus ARN, detail) of the status event an answer sends, or None: the state after a
    Create or Update, the failure's class after a FAILED one, REMOVED after a Delete
    unless its stack is rolling back (the failure that led there stays the row)."""
    request_type = _text(event.get("RequestType"))
    props = event.get("ResourceProperties")
    try:
        desired = parse_properties(props, default_region)
        bus, region = desired.status_bus_arn, desired.region
    except PropertyError:
        # Properties SES would refuse: still a failure the roll-up must count.
        bus = _text(props.get(PROP_STATUS_BUS_ARN)) if isinstance(props, Mapping) else ""
        region = event_region(event, default_region) or ""
        if not bus.startswith("arn:") or not region or outcome.status != "FAILED":
            return None
    if not bus:
        return None
    record: dict[str, str] = {"Account": account_of(_text(event.get("StackId"))),
                              "Region": region}
    if request_type == "Delete":
        # Only when the stack itself goes (the account left the OU, a Region dropped from
        # a StackSet, the stack deleted): a rename or an instance moved between resources
        # deletes the old resource in an update, and a rollback's Delete keeps the failure.
        if stack_status is None or not stack_status.startswith("DELETE_"):
            return None
        record["SandboxStatus"] = REMOVED_STATUS
    elif request_type not in ("Create", "Update"):
        return None
    elif outcome.status == "FAILED":
        record.update(SandboxStatus=FAILED_STATUS, Failure=failure_class(outcome.reason))
    elif outcome.data:
        record.update(outcome.data)
    else:
        return None
    return bus, status_detail(request_type, record)


# After the answer: the status event.

def send_status_event(event: Mapping[str, Any], outcome: Outcome, seconds: float) -> None:
    region = os.environ.get("AWS_REGION")
    stack_status = None
    if event.get("RequestType") == "Delete":
        if status_notice(event, outcome, region, "DELETE_IN_PROGRESS") is None:
            return  # no bus: no need to read the stack
        seconds /= 2
        stack_status = read_stack_status(_text(event.get("StackId")), seconds)
    notice = status_notice(event, outcome, region, stack_status)
    if notice:
        put_status_event(*notice, seconds)


AFTER_ANSWER.append(send_status_event)

FEATURE = ""


# --------------------------------------------------------------------------------------
# 8. Feature "watch": the scheduled watcher (needs events)
# --------------------------------------------------------------------------------------

FEATURE = "watch"

# The watcher: the schedule's input carries its settings; each Region's state is kept in
# an SSM parameter under a prefix, and a change of these members is told to the team.

WATCHED_KEYS = ("SandboxStatus", "ReviewStatus", "EnforcementStatus", "SendingEnabled")

FINAL_STATUSES = ("PRODUCTION", "DENIED")
# A final review is not the end (enforcement, a paused account, an appeal that turns
# DENIED into GRANTED): a final Region is read again once its record is this old.
FINAL_REREAD_SECONDS = 24 * 60 * 60

# The schedule's input also carries the rate and, from EventBridge's own envelope, the
# time the run was scheduled for.
WATCH_INTERVAL = "IntervalMinutes"
WATCH_TIME = "Time"

# AWS asks that production access be requested for one account at a time: the held
# requests of an organisation's accounts go out in the runs of each account's own slot,
# spread over this many hours (and, within a run, by the minute each stack's rule was
# created: a rate schedule counts from its rule's creation).
SPREAD_HOURS = 4
# The record's flag: a held request is kept for this Region (in Secrets Manager).
HELD_KEY = "HeldRequest"
# The record's owner: the custom resource (stack and logical id) that last deployed its
# Region. Its Delete alone removes the record: a renamed construct (a Create under the new
# logical id, then the Delete of the old one) or another stack of the same prefix keeps it.
OWNER_KEY = "Owner"
# A claim younger than this is a run still sending the request (the longest a function
# runs, and the time GetAccount takes to show the review it opened): no other run claims it.
CLAIM_SECONDS = 15 * 60

TOPIC, DEFAULT_BUS, STATUS_BUS = "Topic", "DefaultBus", "StatusBus"

NEXT_STEPS = {
    "PRODUCTION": (
        "You may now send to any recipient within the quota above; AWS pauses sending at "
        "a 10% bounce or 0.5% complaint rate."
    ),
    "PENDING_REVIEW": "AWS is reviewing the request; it usually answers within 24 hours.",
    "DENIED": (
        "Reply in the support case to appeal: the API refuses a new request while DENIED."
    ),
    "SANDBOX": (
        "No review is open. A request held back until the account is ready is sent by a "
        "later scheduled run, once nothing holds it back (see the readiness findings)."
    ),
}


@dataclass(frozen=True)
class Watch:
    """The scheduled run's settings (the schedule's input)."""

    regions: tuple[str, ...]
    parameter_prefix: str
    topic_arn: str | None = None
    status_bus_arn: str | None = None
    interval_minutes: int = 60
    # When EventBridge scheduled this run (epoch seconds), or None (an older template).
    scheduled_at: float | None = None

    def channels(self, trigger: str) -> tuple[str, ...]:
        """Where a change goes. After a deployment the status bus has had its event."""
        return tuple(
            channel
            for channel, wanted in (
                (TOPIC, self.topic_arn is not None),
                (DEFAULT_BUS, True),
                (STATUS_BUS, self.status_bus_arn is not None and trigger == "Schedule"),
            )
            if wanted
        )


def parse_watch(raw: object) -> Watch:
    if not isinstance(raw, Mapping):
        raise PropertyError(f"{WATCH_KEY} is not an object: the schedule's input is damaged.")
    regions = raw.get("Regions")
    if not isinstance(regions, list) or not all(
        isinstance(r, str) and _REGION_PATTERN.fullmatch(r) for r in regions
    ):
        raise PropertyError(f"{WATCH_KEY}.Regions must be a list of AWS Region names.")
    bus, prefix, topic = _watch_settings(raw)
    for check in CHECKS:
        check(raw, False)
    if prefix is None:
        raise PropertyError(f"{WATCH_KEY}.{PROP_PARAMETER_PREFIX} is required.")
    interval = raw.get(WATCH_INTERVAL, 60)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise PropertyError(f"{WATCH_KEY}.{WATCH_INTERVAL} must be a whole number of minutes.")
    return Watch(
        tuple(dict.fromkeys(regions)), prefix, topic, bus, interval,
        epoch_seconds(raw.get(WATCH_TIME)),
    )


def epoch_seconds(stamp: object) -> float | None:
    """An EventBridge or record time ("2026-12-07T10:00:00Z") in epoch seconds, or None."""
    if not isinstance(stamp, str):
        return None
    try:
        return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return None


def parameter_name(prefix: str, region: str) -> str:
    return f"{prefix.rstrip('/')}/{region}"


def held_request_name(prefix: str, region: str) -> str:
    """The Secrets Manager secret that keeps a Region's held request."""
    return f"{prefix.rstrip('/')}/held/{region}"


def needs_ses(record: Mapping[str, Any] | None, now: float) -> bool:
    """A Region whose review is final (PRODUCTION, DENIED) is read once a day; any other
    at every run."""
    if record is None or record.get("SandboxStatus") not in FINAL_STATUSES:
        return True
    if record.get(HELD_KEY):  # a held request still to delete
        return True
    observed = epoch_seconds(record.get("ObservedAt"))
    return observed is None or now - observed >= FINAL_REREAD_SECONDS


def request_due(account: str, scheduled_at: float | None, interval_minutes: int) -> bool:
    """Whether a held request may go out in this run: each account has one slot in every
    SPREAD_HOURS (by its number), so that an organisation's accounts that became ready at
    once do not all ask in the same run. Every slot comes round, whatever the rate."""
    if scheduled_at is None:
        return True
    slots = max(1, SPREAD_HOURS * 60 // interval_minutes)
    run = int(scheduled_at // (interval_minutes * 60))
    number = int(account) if account.isdigit() else 0
    return run % slots == number % slots


@dataclass(frozen=True)
class Observation:
    record: dict[str, Any]  # what the parameter holds from now on
    send: tuple[str, ...]  # the channels to tell
    previous: str | None  # the sandbox status before the change


def observe(
    record: Mapping[str, Any] | None,
    data: Mapping[str, str],
    account: str,
    region: str,
    channels: Sequence[str],
    now: str,
    held: bool = False,
    owner: str | None = None,
) -> Observation:
    """Compare what was known with what SES says now. The first observation is only
    recorded; a change goes to every channel; channels a change could not reach before
    are tried again (a newer change supersedes them). ``held``: a held request is kept
    for the Region; ``owner``: the resource that deploys it now (a scheduled run keeps
    the recorded one)."""
    fresh = {"Account": account, "Region": region, **data, HELD_KEY: held, "ObservedAt": now}
    owner = owner or (record or {}).get(OWNER_KEY)
    if owner:
        fresh[OWNER_KEY] = owner
    if record is None:
        return Observation({**fresh, "Undelivered": []}, (), None)
    changed = any(record.get(key) != data.get(key) for key in WATCHED_KEYS)
    retry = [c for c in record.get("Undelivered") or [] if c in channels]
    send = tuple(channels) if changed else tuple(retry)
    previous = record.get("SandboxStatus") if changed else record.get("PreviousSandboxStatus")
    kept = {**fresh, "PreviousSandboxStatus": previous} if previous else fresh
    return Observation({**kept, "Undelivered": list(send)}, send, previous)


def notification(record: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, message) of the email a person reads."""
    values = {**dict.fromkeys((*DATA_KEYS, "Account", "Region"), ABSENT), **record}
    status = values["SandboxStatus"]
    was = values.get("PreviousSandboxStatus")
    case = values["CaseId"]
    lines = [
        "Amazon SES in account {Account}, Region {Region} is now {SandboxStatus}".format_map(
            values
        )
        + (f" (was {was})." if was else "."),
        f"Review: {values['ReviewStatus']}"
        + (f", support case {case}." if case != ABSENT else "."),
        "Sending quota: {Max24HourSend} messages per 24 hours, {MaxSendRate} per second. "
        "Sending enabled: {SendingEnabled}. Enforcement: {EnforcementStatus}.".format_map(values),
        "",
        NEXT_STEPS.get(status, ""),
    ]
    if values["EnforcementStatus"] in ("PROBATION", "SHUTDOWN"):
        lines.append(
            "Sending is under enforcement: check the bounce and complaint rates (SES "
            "console, reputation)."
        )
    subject = "Amazon SES {Region} ({Account}): {SandboxStatus}".format_map(values)
    return subject[:100], "\n".join(lines)


# Keeping the record and telling the team.

# The record's members, by the type each must have (any may be absent).
RECORD_STRINGS = (
    *DATA_KEYS, "Account", "Region", "ObservedAt", "PreviousSandboxStatus", OWNER_KEY,
)


def readable_record(record: object) -> bool:
    """Whether a parameter's JSON is a record this code wrote: an object whose members have
    their types (a record of another shape would fail every run that reads it)."""
    if not isinstance(record, dict):
        return False
    strings = all(isinstance(record.get(key, ""), str) for key in RECORD_STRINGS)
    undelivered = record.get("Undelivered", [])
    channels = isinstance(undelivered, list) and all(isinstance(c, str) for c in undelivered)
    return strings and channels and isinstance(record.get(HELD_KEY, False), bool)


class Records:
    """The SSM parameters that hold each Region's last known state (JSON)."""

    def __init__(self, client: Any) -> None:
        self._ssm = client

    def read(self, name: str) -> dict[str, Any] | None:
        try:
            value = self._ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except ClientError as error:
            if _failure(error) == "ParameterNotFound":
                return None
            raise
        try:
            record = json.loads(value)
        except ValueError:
            record = None
        if not readable_record(record):
            # Unreadable (written by hand, say): as if absent, so that this run rewrites it.
            logger.warning("The record %s is unreadable: it is written anew", name)
            return None
        return dict(record)

    def write(self, name: str, record: Mapping[str, Any]) -> None:
        self._ssm.put_parameter(
            Name=name, Value=json.dumps(record), Type="String", Overwrite=True, Tier="Standard"
        )

    def delete(self, name: str) -> None:
        try:
            self._ssm.delete_parameter(Name=name)
        except ClientError as error:
            if _failure(error) != "ParameterNotFound":
                raise


class HeldRequests:
    """The requests a deployment held back, one Secrets Manager secret per Region: the
    website URL, the use case and the contacts are sensitive, and neither a read-only
    principal (the ReadOnlyAccess policy grants no secretsmanager:GetSecretValue) nor the
    template's readers should get them from here (docs/watching.md, "The held request")."""

    def __init__(self, client: Any) -> None:
        self._secrets = client

    def read(self, name: str) -> tuple[dict[str, Any], str] | None:
        """(the request's properties, the secret's version id), or None when none is kept."""
        try:
            answer = self._secrets.get_secret_value(SecretId=name)
        except ClientError as error:
            if _failure(error) == "ResourceNotFoundException":
                return None
            raise
        try:
            properties = json.loads(answer["SecretString"])
        except (KeyError, ValueError):
            properties = None
        if not isinstance(properties, dict):
            logger.warning("The held request %s is unreadable: it waits for a deployment", name)
            return None
        return properties, str(answer.get("VersionId", ""))

    def keep(self, name: str, properties: Mapping[str, Any]) -> None:
        text = json.dumps(dict(properties))
        try:
            self._secrets.put_secret_value(SecretId=name, SecretString=text)
        except ClientError as error:
            if _failure(error) != "ResourceNotFoundException":
                raise
            self._secrets.create_secret(
                Name=name, SecretString=text,
                Description="SesProductionAccess: a request for SES production access held "
                "back until the account is ready.",
            )

    def claim(
        self, name: str, properties: Mapping[str, Any], version: str, now: float
    ) -> bool:
        """Take the right to send the request read at ``version``: one run alone wins.
        Secrets Manager refuses a second version under one ClientRequestToken with other
        content (PutSecretValue, ResourceExistsException), and the token is the version's;
        a version that is itself a claim younger than CLAIM_SECONDS is a run still sending."""
        claimed_at = properties.get("ClaimedAt")
        if isinstance(claimed_at, (int, float)) and 0 <= now - claimed_at < CLAIM_SECONDS:
            return False
        token = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}#{version}"))
        claimed = {**properties, "ClaimedBy": str(uuid.uuid4()), "ClaimedAt": now}
        try:
            self._secrets.put_secret_value(
                SecretId=name, SecretString=json.dumps(claimed), ClientRequestToken=token
            )
        except ClientError as error:
            if _failure(error) == "ResourceExistsException":
                return False
            raise
        return True

    def forget(self, name: str) -> None:
        """Delete at once (no recovery window): the details are not kept longer than needed."""
        try:
            self._secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        except ClientError as error:
            if _failure(error) != "ResourceNotFoundException":
                raise


def held_properties(desired: Desired) -> dict[str, Any]:
    """What a held request keeps: the resource properties it was parsed from."""
    values = {
        PROP_REGION: desired.region,
        PROP_MAIL_TYPE: desired.mail_type,
        PROP_WEBSITE_URL: desired.website_url,
        PROP_CONTACT_LANGUAGE: desired.contact_language,
        PROP_USE_CASE_DESCRIPTION: desired.use_case_description,
        PROP_CONTACTS: list(desired.additional_contact_email_addresses) or None,
        PROP_WHEN_NOT_READY: desired.when_not_ready,
    }
    return {name: value for name, value in values.items() if value is not None}


def is_held(outcome: Outcome, desired: Desired) -> bool:
    """Whether a deployment's answer leaves a request for the schedule to send: it
    succeeded in the sandbox with no review open, and it may request."""
    return (
        outcome.status == "SUCCESS"
        and outcome.data.get("SandboxStatus") == SANDBOX
        and not desired.report_only
    )


def deliver(
    channel: str, record: Mapping[str, Any], watch: Watch, trigger: str, seconds: float
) -> bool:
    """Tell one channel about a change; False (logged) when it did not take it."""
    detail = status_detail(trigger, record)
    if channel == DEFAULT_BUS:
        return put_status_event("default", detail, seconds)
    if channel == STATUS_BUS and watch.status_bus_arn:
        return put_status_event(watch.status_bus_arn, detail, seconds)
    try:
        topic = watch.topic_arn or ""
        subject, message = notification(record)
        aws_client("sns", topic.split(":")[3], seconds / 2, seconds / 2).publish(
            TopicArn=topic, Subject=subject, Message=message
        )
        logger.info("Change in %s published to the topic", record.get("Region"))
        return True
    except Exception as error:
        logger.warning("The topic was not told: %s", _failure(error))
        return False


def record_change(
    records: Records,
    watch: Watch,
    region: str,
    data: Mapping[str, str],
    account: str,
    trigger: str,
    seconds: float,
    record: Mapping[str, Any] | None,
    now: float,
    held: bool = False,
    owner: str | None = None,
) -> Observation:
    """Record what SES says now (`record` was known) and tell each channel of a change
    at most once: the record says "told" before the telling, and names afterwards any
    channel that failed."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
    seen = observe(record, data, account, region, watch.channels(trigger), stamp, held, owner)
    name = parameter_name(watch.parameter_prefix, region)
    records.write(name, {**seen.record, "Undelivered": []})
    failed = [c for c in seen.send if not deliver(c, seen.record, watch, trigger, seconds)]
    if failed:
        records.write(name, {**seen.record, "Undelivered": failed})
    return seen


# The scheduled run, and the record a deployment keeps.

def watch_run(
    raw: Any,
    context: Any,
    client_factory: Callable[[str], SesClient] = make_ses_client,
    records: Records | None = None,
    held: HeldRequests | None = None,
) -> dict[str, str]:
    """One scheduled run: each watched Region's state, compared with what was last known,
    any change told, and a held request sent once nothing holds it back. Faults are
    logged and left to the next run, which starts from the last recorded state. Returns
    the sandbox status of each Region it could read."""
    started = time.monotonic()
    deadline = started + _remaining_seconds(context) - FINAL_MARGIN_SECONDS
    report: dict[str, str] = {}
    try:
        watch = parse_watch(raw)
        account = "".join(_text(getattr(context, "invoked_function_arn", "")).split(":")[4:5])
        home = os.environ["AWS_REGION"]
        records = records or Records(aws_client("ssm", home, 2.5, 2.5, 2))
        held = held or HeldRequests(aws_client("secretsmanager", home, 2.5, 2.5, 2))
    except Exception as error:
        problem = error if isinstance(error, PropertyError) else _failure(error)
        logger.error("Cannot watch: %s", problem)
        return report
    for region in watch.regions:
        left = deadline - time.monotonic()
        if left < 1.0:
            logger.warning("No time left to read %s: the next run reads it", region)
            continue
        # Bounded as a whole: a call that hangs past its own timeouts is left behind, and
        # the next run reads that Region again.
        status = bounded(
            functools.partial(
                _watch_region, watch, region, records, held, client_factory, account,
                deadline - left / 2, left,
            ),
            left,
        )
        if status is None:
            logger.warning("Watching %s timed out: the next run tries again", region)
        elif status:
            report[region] = status
    logger.info("Watched %s", ", ".join(f"{r}: {s}" for r, s in report.items()) or "nothing")
    return report


def _watch_region(
    watch: Watch,
    region: str,
    records: Records,
    held: HeldRequests,
    client_factory: Callable[[str], SesClient],
    account: str,
    ses_deadline: float,
    left: float,
) -> str:
    """One Region of a scheduled run: its sandbox status, or "" when it failed (logged)."""
    now = watch.scheduled_at if watch.scheduled_at is not None else time.time()
    try:
        record = records.read(parameter_name(watch.parameter_prefix, region))
        # A held request may be kept: said by the record, or a record that cannot say.
        kept = record is None or bool(record.get(HELD_KEY)) or record.get(
            "SandboxStatus") == SANDBOX
        if needs_ses(record, now):
            ses = SesAccount(client_factory(region), region, ses_deadline)
            state, readiness = ses.get_account(), None
            name = held_request_name(watch.parameter_prefix, region)
            if decide(state) is Action.SUBMIT:  # the secret, not the record, says what is kept
                due = request_due(account, watch.scheduled_at, watch.interval_minutes)
                state, readiness, kept = ask_again(ses, held, name, state, due, now)
            else:  # AWS has it, or has decided: the details go
                kept = forget_held(held, name, kept)
            data = attributes(state, readiness)
        elif record and record.get("Undelivered"):
            data = {key: str(record.get(key, ABSENT)) for key in DATA_KEYS}
            # Telling again is no new read of SES: the daily read of a final Region stays due.
            now = epoch_seconds(record.get("ObservedAt")) or now
        else:
            return str(record and record.get("SandboxStatus"))
        seen = record_change(
            records, watch, region, data, account, "Schedule",
            min(RESPONSE_TIMEOUT_SECONDS, left / 4), record, now, kept,
        )
        return str(seen.record["SandboxStatus"])
    except SesError as error:
        logger.warning("%s The next run reads it again.", error.reason)
    except Exception as error:
        logger.warning("Watching %s failed (%s): the next run tries again", region, _failure(error))
    return ""


def ask_again(
    ses: SesAccount, held: HeldRequests, name: str, state: AccountState, due: bool,
    now: float | None = None,
) -> tuple[AccountState, Readiness | None, bool]:
    """A sandboxed Region with no review open: send its held request, if one is kept,
    once readiness holds nothing back and the run is the account's slot. Returns the
    state, the readiness read (None when nothing is kept) and whether a request is still
    kept."""
    found = held.read(name)
    if found is None:
        return state, None, False
    properties, version = found
    added = sensitive_values({"ResourceProperties": properties})
    guard_logs(tuple(dict.fromkeys((*_LOG_FILTER.secrets, *added))))
    try:
        desired = parse_properties(properties, None)
    except PropertyError as error:
        logger.warning("The held request cannot be sent (%s): it waits for a deployment", error)
        return state, None, True
    readiness, refused = check_readiness(ses, desired, state, "")
    if refused is not None or not due:
        return state, readiness, True
    if not held.claim(name, properties, version, time.time() if now is None else now):
        logger.info("Another run sends the held request in %s", desired.region)
        return state, readiness, True
    # submit() reports the review it opened even before GetAccount shows it.
    state = submit(ses, desired, state, Progress())
    held.forget(name)
    return state, readiness, False


def keep_held(held: HeldRequests, name: str, desired: Desired) -> bool:
    """Keep a held request for the schedule; whether it is kept (a failure is logged)."""
    try:
        held.keep(name, held_properties(desired))
    except Exception as error:
        logger.warning("The held request was not kept (%s): it waits for a deployment",
                       _failure(error))
        return False
    logger.info("The request in %s is held: a scheduled run sends it", desired.region)
    return True


def forget_held(held: HeldRequests, name: str, kept: bool) -> bool:
    """Delete a held request that may be kept; whether one may still be kept (a failed
    delete is tried again by the next run)."""
    if not kept:
        return False
    try:
        held.forget(name)
    except Exception as error:
        logger.warning("The held request was not deleted (%s): the next run tries again",
                       _failure(error))
        return True
    return False


def record_after_answer(event: Mapping[str, Any], outcome: Outcome, seconds: float) -> None:
    """With the watcher on, a deployment keeps its Region's record too (and tells of a
    change it finds), keeps a request it held back for the schedule to send, and a
    Delete removes both."""
    default_region = os.environ.get("AWS_REGION")
    try:
        desired = parse_properties(event.get("ResourceProperties"), default_region)
    except PropertyError:
        return
    if desired.parameter_prefix is None:
        return
    home = default_region or desired.region
    records = Records(aws_client("ssm", home, seconds / 4, seconds / 4))
    held = HeldRequests(aws_client("secretsmanager", home, seconds / 4, seconds / 4))
    name = held_request_name(desired.parameter_prefix, desired.region)
    parameter = parameter_name(desired.parameter_prefix, desired.region)
    request_type = _text(event.get("RequestType"))
    owner = resource_owner(event)
    if request_type == "Delete":
        record = records.read(parameter)
        if record is not None and record.get(OWNER_KEY, owner) != owner:
            logger.info("The record of %s belongs to another resource: kept", desired.region)
            return
        held.forget(name)  # first: a record without it never names a secret left behind
        records.delete(parameter)
    elif outcome.data and outcome.data.get("SandboxStatus", ABSENT) != ABSENT:
        watch = Watch((desired.region,), desired.parameter_prefix, desired.topic_arn)
        account = account_of(_text(event.get("StackId")))
        record = records.read(parameter)
        if is_held(outcome, desired):
            kept = keep_held(held, name, desired)
        else:
            kept = forget_held(held, name, record is None or bool(record.get(HELD_KEY)))
        record_change(
            records, watch, desired.region, outcome.data, account, request_type, seconds,
            record, time.time(), kept, owner,
        )


def resource_owner(event: Mapping[str, Any]) -> str:
    """The custom resource an event is for: its stack and logical id."""
    return f"{_text(event.get('StackId'))}/{_text(event.get('LogicalResourceId'))}"


ENTRY_POINTS[WATCH_KEY] = watch_run
AFTER_ANSWER.append(record_after_answer)

FEATURE = ""


# --------------------------------------------------------------------------------------
# 9. Feature "validate": deploy-time checks of values that were tokens at synth
# --------------------------------------------------------------------------------------

FEATURE = "validate"

# The checks of values a stack could not check at synth (CloudFormation parameters and
# other tokens): a stack whose values were all checked at synth leaves them out.
CONTACT_ADDRESS_MIN_LENGTH = 6
CONTACT_ADDRESS_MAX_LENGTH = 254
CONTACT_LOCAL_PART_MAX_LENGTH = 64
HOST_NAME_MAX_LENGTH = 253
# Names that never resolve on the public internet, so a reviewer could never open them.
LOCAL_TOP_LEVEL_DOMAINS = (
    "localhost", "local", "localdomain", "internal", "invalid", "test", "example", "onion",
)
LOCAL_DOMAIN_SUFFIXES = (".home.arpa",)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART_PATTERN = re.compile(rf"{_ATEXT}(\.{_ATEXT})*")
# A bracketed IPv6 literal (it holds a colon: Python before 3.11.4 reads any bracketed host),
# or a name with no bracket; then an optional port.
_HOST_PORT_PATTERN = re.compile(r"(\[[^\[\]]*:[^\[\]]*\]|[^\[\]:]*)(:[0-9]*)?")
_LABEL_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def host_name_problem(host: str) -> str | None:
    """Why a DNS name is not one a reviewer (or a mail server) could reach, or None."""
    if invisible_character(host):  # the idna codec would silently drop some of them
        return "is not a valid host name"
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return "is not a valid host name"
    labels = name.split(".")
    if (
        len(name) > HOST_NAME_MAX_LENGTH
        or len(labels) < 2
        or not all(_LABEL_PATTERN.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return "is not a valid host name"
    lowered = name.lower()
    if labels[-1].lower() in LOCAL_TOP_LEVEL_DOMAINS or lowered.endswith(LOCAL_DOMAIN_SUFFIXES):
        return "is a local name that nobody outside your network can reach"
    return None


def website_url_problem(url: str) -> str | None:
    """Why SES should not be sent this website URL, or None. Never quotes the URL."""
    if not 1 <= len(url) <= WEBSITE_URL_MAX_LENGTH:
        return f"must be 1 to {WEBSITE_URL_MAX_LENGTH} characters long"
    invisible = invisible_character(url)
    if invisible:
        return f"holds a white space or invisible character ({invisible})"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return "is malformed (its host or port cannot be read)"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "is not an absolute http(s) URL"
    if not _HOST_PORT_PATTERN.fullmatch(parts.netloc.rpartition("@")[2]):
        return "is malformed (its host or port cannot be read)"
    if "@" in parts.netloc:
        return (
            "holds a user name or password: that would put a credential in the template "
            "and in the request"
        )
    if (port is not None and not 1 <= port <= 65535) or parts.netloc.endswith(":"):
        return "has an invalid port"
    host = parts.hostname
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        problem = host_name_problem(host)
        return f"host {problem}" if problem else None
    if not address.is_global:
        return "host is a private, loopback or reserved address that nobody can reach"
    return None


def contact_address_problem(address: str) -> str | None:
    """Why an address is not one AWS could write to, or None."""
    if not CONTACT_ADDRESS_MIN_LENGTH <= len(address) <= CONTACT_ADDRESS_MAX_LENGTH:
        return (
            f"is not {CONTACT_ADDRESS_MIN_LENGTH} to {CONTACT_ADDRESS_MAX_LENGTH} "
            "characters long"
        )
    local, at, domain = address.rpartition("@")
    if not at or not _LOCAL_PART_PATTERN.fullmatch(local):
        return "is not an address such as 'ops@example.com'"
    if len(local) > CONTACT_LOCAL_PART_MAX_LENGTH:
        return f"has more than {CONTACT_LOCAL_PART_MAX_LENGTH} characters before the @"
    problem = host_name_problem(domain)
    return f"domain {problem}" if problem else None


_PARAMETER_PREFIX_PATTERN = re.compile(r"/[A-Za-z0-9_.\-/]{0,900}")
_TOPIC_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:sns:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?"
)
_EVENT_BUS_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:events:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:event-bus/[A-Za-z0-9._/-]{1,256}"
)
# (property, the prop that sets it, its pattern, what it must be)
_SETTING_PATTERNS = (
    (PROP_STATUS_BUS_ARN, "status_bus", _EVENT_BUS_ARN_PATTERN,
     "the central bus (arn:aws:events:REGION:ACCOUNT:event-bus/NAME)"),
    (PROP_PARAMETER_PREFIX, "watch_parameter_prefix", _PARAMETER_PREFIX_PATTERN,
     "an SSM parameter path such as '/ses-production-access/'"),
    (PROP_TOPIC_ARN, "watch_topic", _TOPIC_ARN_PATTERN,
     "an SNS topic (arn:aws:sns:REGION:ACCOUNT:NAME)"),
)


def _choice(
    props: Mapping[str, Any],
    name: str,
    allowed: Sequence[str],
    prop: str,
    enum: str,
    required: bool = False,
) -> Any:
    """One of `allowed` (None when unset and not required), else a PropertyError."""
    value = _string(props, name, prop)
    if value in allowed or (value is None and not required):
        return value
    shown = "missing" if value is None else _shown(value)
    members = " or ".join(f"{enum}.{member}" for member in allowed)
    raise PropertyError(
        f"{name} {shown} is not one of {', '.join(allowed)}: set {prop} to {members}."
    )


def check_values(props: Mapping[str, Any], resource: bool = True) -> None:
    """Raise PropertyError for a value SES, EventBridge, SSM or SNS should not get: the
    settings, and for the resource's properties (type-checked already) the details."""
    for name, prop, pattern, expected in _SETTING_PATTERNS:
        value = props.get(name)
        if value and not pattern.fullmatch(value):
            raise PropertyError(f"{name} {_shown(value)} is not {expected}: fix {prop}.")
    if not resource:
        return
    _choice(props, PROP_MAIL_TYPE, MAIL_TYPES, "mail_type", "MailType", True)
    problem = website_url_problem(props.get(PROP_WEBSITE_URL) or "")
    if problem:
        raise PropertyError(
            f"WebsiteURL {problem}: set website_url to the public address of your "
            "website, such as 'https://example.com'."
        )
    _choice(
        props, PROP_CONTACT_LANGUAGE, CONTACT_LANGUAGES, "contact_language", "ContactLanguage"
    )
    description = props.get(PROP_USE_CASE_DESCRIPTION)
    contacts = props.get(PROP_CONTACTS)
    if description is not None and not description.strip():
        raise PropertyError(
            "UseCaseDescription is empty: describe how you send email, or leave "
            "use_case_description unset."
        )
    if description is not None and len(description) > USE_CASE_DESCRIPTION_MAX_LENGTH:
        raise PropertyError(
            f"UseCaseDescription is {len(description)} characters long; SES accepts at "
            f"most {USE_CASE_DESCRIPTION_MAX_LENGTH}: shorten use_case_description."
        )
    if contacts is not None:
        _check_contacts(contacts)
    _choice(props, PROP_WHEN_NOT_READY, WHEN_NOT_READY, "when_not_ready", "WhenNotReady")


def _check_contacts(contacts: Sequence[str]) -> None:
    if not 1 <= len(contacts) <= CONTACT_ADDRESSES_MAX:
        raise PropertyError(
            f"{PROP_CONTACTS} holds {len(contacts)} addresses; SES accepts 1 to "
            f"{CONTACT_ADDRESSES_MAX}: give at most {CONTACT_ADDRESSES_MAX}, or leave "
            "additional_contact_email_addresses unset."
        )
    seen: set[str] = set()
    for position, address in enumerate(contacts, start=1):
        problem = contact_address_problem(address)
        if problem:
            raise PropertyError(
                f"{PROP_CONTACTS} entry {position} {problem}: fix "
                "additional_contact_email_addresses."
            )
        if address.lower() in seen:
            raise PropertyError(
                f"{PROP_CONTACTS} entry {position} repeats an earlier address: list "
                "each address once in additional_contact_email_addresses."
            )
        seen.add(address.lower())


CHECKS.append(check_values)

FEATURE = ""


# --------------------------------------------------------------------------------------
# 10. Feature "commands": what only the command line reads (the findings' advice)
# --------------------------------------------------------------------------------------

FEATURE = "commands"

# What only the command line reads: no template includes it.

# One line of advice for each finding (FINDINGS), printed with it.
FINDING_ADVICE = {
    "NO_VERIFIED_IDENTITY": "Verify the domain (or an address) you send from.",
    "NO_VERIFIED_DOMAIN": "Verify your sending domain, not only addresses.",
    "DKIM_NOT_SET_UP": "Set up DKIM (Easy DKIM) for every verified domain.",
    "NO_CUSTOM_MAIL_FROM": "Give a verified domain a custom MAIL FROM domain.",
    "NO_BOUNCE_COMPLAINT_HANDLING": (
        "Handle bounces and complaints: the suppression list, an event destination or "
        "notification topics."
    ),
    "BOUNCES_BY_EMAIL_ONLY": (
        "Bounces and complaints only reach you by email: act on them with the suppression "
        "list, an event destination or notification topics."
    ),
    "IDENTITIES_UNREADABLE": "Let the function's role call ses:ListEmailIdentities.",
    "IDENTITY_DETAILS_UNREADABLE": "Let the function's role call ses:GetEmailIdentity.",
    "EVENT_DESTINATIONS_UNREADABLE": (
        "Let the function's role call ses:GetConfigurationSetEventDestinations."
    ),
    "NOTIFICATIONS_UNREADABLE": (
        "Let the function's role call ses:GetIdentityNotificationAttributes (SES v1)."
    ),
}

FEATURE = ""
