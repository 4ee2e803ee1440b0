"""Custom resource handler of the SesProductionAccess construct.

On Create and Update it reads the account's SES state in one Region (SES v2 GetAccount),
asks for production access (PutAccountDetails) when that is still needed and allowed, and
answers CloudFormation with the resulting state. Delete never calls SES: leaving the
sandbox cannot be undone.

This module is self-contained on purpose (standard library and boto3 only, no relative
imports) so that it can ship as a file asset or inline in the template. Its sections:

1. Limits and names (mirrored from the library; a test keeps the two in step).
2. Pure decision logic: properties in, state in, action and attributes out. No I/O.
3. The SES edge: GetAccount / PutAccountDetails with bounded retries and readable errors.
4. The CloudFormation edge: exactly one response PUT per event, retried a bounded number
   of times, never logging the pre-signed ResponseURL.
5. The entry point: wires 2-4 together under a watchdog that answers FAILED before the
   Lambda timeout.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger("ses_production_access")
# Our own level: Lambda's root logger may be at WARNING, and every line here is safe to log.
logger.setLevel(logging.INFO)

# --------------------------------------------------------------------------------------
# 1. Limits and names
# --------------------------------------------------------------------------------------

MAIL_TYPES = ("MARKETING", "TRANSACTIONAL")
CONTACT_LANGUAGES = ("EN", "JA")
WEBSITE_URL_MAX_LENGTH = 1000
USE_CASE_DESCRIPTION_MAX_LENGTH = 5000
CONTACT_ADDRESSES_MAX = 4
CONTACT_ADDRESS_MIN_LENGTH = 6
CONTACT_ADDRESS_MAX_LENGTH = 254

RESPONSE_BODY_MAX_BYTES = 4096
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
)

# Resource property names (what the construct writes into the template).
PROP_REGION = "Region"
PROP_MAIL_TYPE = "MailType"
PROP_WEBSITE_URL = "WebsiteURL"
PROP_CONTACT_LANGUAGE = "ContactLanguage"
PROP_USE_CASE_DESCRIPTION = "UseCaseDescription"
PROP_CONTACTS = "AdditionalContactEmailAddresses"
PROP_FAIL_ON_DENIED = "FailOnDenied"

# How long before the Lambda timeout the watchdog answers, as a share of the remaining
# time, clamped: enough for the response PUT and its retries.
WATCHDOG_SHARE = 0.25
WATCHDOG_MIN_SECONDS = 2.0
WATCHDOG_MAX_SECONDS = 15.0
# Used when there is no Lambda context (a plain local call).
DEFAULT_REMAINING_SECONDS = 60.0

# SES call limits.
SES_CONNECT_TIMEOUT_SECONDS = 5.0
SES_READ_TIMEOUT_SECONDS = 20.0
SES_SERVER_ERROR_ATTEMPTS = 3
SES_BACKOFF_BASE_SECONDS = 0.5
SES_BACKOFF_MAX_SECONDS = 8.0
# After a successful PutAccountDetails, how often GetAccount is read again until the
# review shows up (the state is eventually consistent).
REREAD_ATTEMPTS = 3
REREAD_DELAY_SECONDS = 1.0

# Response PUT limits.
RESPONSE_ATTEMPTS = 4
RESPONSE_TIMEOUT_SECONDS = 5.0
RESPONSE_BACKOFF_SECONDS = 0.5
RESPONSE_FINAL_MARGIN_SECONDS = 0.5

# --------------------------------------------------------------------------------------
# 2. Pure decision logic
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

    def put_account_details_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "MailType": self.mail_type,
            "WebsiteURL": self.website_url,
            "ProductionAccessEnabled": True,
        }
        if self.contact_language is not None:
            params["ContactLanguage"] = self.contact_language
        if self.use_case_description is not None:
            params["UseCaseDescription"] = self.use_case_description
        if self.additional_contact_email_addresses:
            params["AdditionalContactEmailAddresses"] = list(
                self.additional_contact_email_addresses
            )
        return params


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

    @classmethod
    def from_get_account(cls, response: Mapping[str, Any]) -> AccountState:
        details = response.get("Details") or {}
        review = details.get("ReviewDetails") or {}
        quota = response.get("SendQuota") or {}
        return cls(
            production_access_enabled=bool(response.get("ProductionAccessEnabled", False)),
            has_details="Details" in response,
            review_status=review.get("Status"),
            case_id=review.get("CaseId"),
            sending_enabled=response.get("SendingEnabled"),
            enforcement_status=response.get("EnforcementStatus"),
            max_send_rate=quota.get("MaxSendRate"),
            max_24_hour_send=quota.get("Max24HourSend"),
        )


@dataclass(frozen=True)
class Outcome:
    """What the handler answers: SUCCESS with Data, or FAILED with a reason."""

    status: str
    physical_resource_id: str
    data: dict[str, str] = field(default_factory=dict)
    reason: str | None = None


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
    status = sandbox_status(state)
    if status in (PRODUCTION, PENDING_REVIEW, DENIED):
        return Action.NOTHING
    return Action.SUBMIT


def _format_number(value: float | None) -> str:
    if value is None:
        return ABSENT
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _format_bool(value: bool | None) -> str:
    return ABSENT if value is None else ("true" if value else "false")


def attributes(state: AccountState) -> dict[str, str]:
    data = {
        "SandboxStatus": sandbox_status(state),
        "ProductionAccessEnabled": _format_bool(state.production_access_enabled),
        "ReviewStatus": state.review_status or ABSENT,
        "CaseId": state.case_id or ABSENT,
        "MaxSendRate": _format_number(state.max_send_rate),
        "Max24HourSend": _format_number(state.max_24_hour_send),
        "SendingEnabled": _format_bool(state.sending_enabled),
        "EnforcementStatus": state.enforcement_status or ABSENT,
    }
    assert tuple(data) == DATA_KEYS
    return data


def denied_reason(state: AccountState, desired: Desired) -> str | None:
    """The FAILED reason when a denied review must fail the deployment, else None."""
    if not desired.fail_on_denied or sandbox_status(state) != DENIED:
        return None
    case = f" (support case {state.case_id})" if state.case_id else ""
    return (
        f"SES denied production access in {desired.region}{case}. AWS refuses a new "
        "request while the review is DENIED: reply in the support case to appeal, or set "
        "fail_on_denied=False to report DENIED without failing the deployment."
    )


def physical_resource_id(stack_id: str, region: str) -> str:
    """Stable for one account and Region, so an Update is never a replacement."""
    parts = stack_id.split(":")
    account = parts[4] if len(parts) > 4 and parts[4] else "account"
    return f"{PHYSICAL_ID_PREFIX}-{account}-{region}"


def event_physical_id(event: Mapping[str, Any], default_region: str | None) -> str:
    """The id to answer with before the properties are known to be valid: the one
    CloudFormation sent (Update, Delete), else the stable id from what is at hand."""
    sent = str(event.get("PhysicalResourceId") or "")
    if sent:
        return sent
    props = event.get("ResourceProperties") or {}
    region = str(props.get(PROP_REGION) or default_region or "")
    if not _REGION_PATTERN.match(region):
        region = "unknown-region"
    return physical_resource_id(str(event.get("StackId", "")), region)


_REGION_PATTERN = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ADDRESS_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE_STRINGS = ("true", "1", "yes")
_FALSE_STRINGS = ("false", "0", "no", "")


def _optional_string(props: Mapping[str, Any], name: str) -> str | None:
    value = props.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise PropertyError(f"{name} must be a string, got {type(value).__name__}.")
    return value


def parse_properties(props: Mapping[str, Any], default_region: str | None) -> Desired:
    """Check at deploy time what could not be checked at synth time (resolved tokens).

    Messages name the property and the fix, never a sensitive value.
    """
    region = _optional_string(props, PROP_REGION) or default_region or ""
    if not _REGION_PATTERN.match(region):
        raise PropertyError(
            f"Region {region!r} is not an AWS Region name: set region to one such as "
            "'eu-west-1', or leave it unset to use the stack's Region."
        )

    mail_type = _optional_string(props, PROP_MAIL_TYPE)
    if mail_type not in MAIL_TYPES:
        raise PropertyError(
            f"MailType {mail_type!r} is not one of {', '.join(MAIL_TYPES)}: set mail_type "
            "to MailType.MARKETING or MailType.TRANSACTIONAL."
        )

    website_url = _optional_string(props, PROP_WEBSITE_URL) or ""
    if not re.fullmatch(r"https?://[^\s/?#]+\S*", website_url, re.IGNORECASE):
        raise PropertyError(
            "WebsiteURL is not an absolute http(s) URL: set website_url to one such as "
            "'https://example.com'."
        )
    if len(website_url) > WEBSITE_URL_MAX_LENGTH:
        raise PropertyError(
            f"WebsiteURL is {len(website_url)} characters long; SES accepts at most "
            f"{WEBSITE_URL_MAX_LENGTH}: shorten website_url."
        )

    language = _optional_string(props, PROP_CONTACT_LANGUAGE)
    if language is not None and language not in CONTACT_LANGUAGES:
        raise PropertyError(
            f"ContactLanguage {language!r} is not one of {', '.join(CONTACT_LANGUAGES)}: "
            "set contact_language to ContactLanguage.EN or ContactLanguage.JA."
        )

    description = _optional_string(props, PROP_USE_CASE_DESCRIPTION)
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

    raw_contacts = props.get(PROP_CONTACTS)
    if raw_contacts is None:
        contacts: tuple[str, ...] = ()
    elif isinstance(raw_contacts, list) and all(isinstance(c, str) for c in raw_contacts):
        contacts = tuple(raw_contacts)
        _check_contacts(contacts)
    else:
        raise PropertyError(f"{PROP_CONTACTS} must be a list of strings.")

    flag = str(props.get(PROP_FAIL_ON_DENIED, "false")).strip().lower()
    if flag not in _TRUE_STRINGS + _FALSE_STRINGS:
        raise PropertyError(f"FailOnDenied {flag!r} is not a boolean: use true or false.")

    return Desired(
        region=region,
        mail_type=mail_type,
        website_url=website_url,
        contact_language=language,
        use_case_description=description,
        additional_contact_email_addresses=contacts,
        fail_on_denied=flag in _TRUE_STRINGS,
    )


def _check_contacts(contacts: Sequence[str]) -> None:
    if not 1 <= len(contacts) <= CONTACT_ADDRESSES_MAX:
        raise PropertyError(
            f"{PROP_CONTACTS} holds {len(contacts)} addresses; SES accepts 1 to "
            f"{CONTACT_ADDRESSES_MAX}: give at most {CONTACT_ADDRESSES_MAX}, or leave "
            "additional_contact_email_addresses unset."
        )
    seen: set[str] = set()
    for position, address in enumerate(contacts, start=1):
        if not (
            CONTACT_ADDRESS_MIN_LENGTH <= len(address) <= CONTACT_ADDRESS_MAX_LENGTH
            and _ADDRESS_PATTERN.match(address)
        ):
            raise PropertyError(
                f"{PROP_CONTACTS} entry {position} is not an email address of "
                f"{CONTACT_ADDRESS_MIN_LENGTH} to {CONTACT_ADDRESS_MAX_LENGTH} characters: "
                "fix additional_contact_email_addresses."
            )
        if address.lower() in seen:
            raise PropertyError(
                f"{PROP_CONTACTS} entry {position} repeats an earlier address: list "
                "each address once in additional_contact_email_addresses."
            )
        seen.add(address.lower())


def sensitive_values(event: Mapping[str, Any]) -> tuple[str, ...]:
    """Every value of the event that must never reach a log or a response: the
    pre-signed ResponseURL and the properties the SES API marks sensitive."""
    values = [str(event.get("ResponseURL") or "")]
    for key in ("ResourceProperties", "OldResourceProperties"):
        props = event.get(key) or {}
        for name in (PROP_WEBSITE_URL, PROP_USE_CASE_DESCRIPTION):
            if isinstance(props.get(name), str):
                values.append(props[name])
        url = props.get(PROP_WEBSITE_URL)
        host = urllib.parse.urlsplit(url).hostname if isinstance(url, str) else None
        if host and "." in host:
            values.append(host)
        contacts = props.get(PROP_CONTACTS)
        if isinstance(contacts, list):
            values.extend(c for c in contacts if isinstance(c, str))
    return tuple(v for v in values if v)


_URL_LIKE = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)
_ADDRESS_LIKE = re.compile(r"[^\s'\"<>(),;:]+@[^\s'\"<>(),;:]+")


def redact(text: str, secrets: Sequence[str]) -> str:
    """Remove sensitive values that a service message may echo back: the known ones in
    any letter case, and anything shaped like a URL or an email address."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = re.sub(re.escape(secret), "<redacted>", text, flags=re.IGNORECASE)
    text = _URL_LIKE.sub("<redacted>", text)
    return _ADDRESS_LIKE.sub("<redacted>", text)


TRUNCATED = " [truncated]"


def _utf8_prefix(text: str, max_bytes: int) -> str:
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def build_response_body(event: Mapping[str, Any], outcome: Outcome) -> bytes:
    """The response document, at most RESPONSE_BODY_MAX_BYTES: the reason is shortened
    first, then Data is dropped (a FAILED answer needs none)."""
    body: dict[str, Any] = {
        "Status": outcome.status,
        "PhysicalResourceId": _utf8_prefix(outcome.physical_resource_id, 1024),
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": outcome.data,
    }
    reason = outcome.reason or ""
    if outcome.status == "FAILED" and not reason:
        reason = "The custom resource failed; see the function's log group."
    if reason:
        body["Reason"] = reason
    encoded = json.dumps(body).encode("utf-8")
    if len(encoded) > RESPONSE_BODY_MAX_BYTES and body.get("Reason"):
        # JSON escapes every non-ASCII character, so each character cut saves >= 1 byte.
        excess = len(encoded) - RESPONSE_BODY_MAX_BYTES
        keep = max(0, len(body["Reason"]) - excess - len(TRUNCATED))
        body["Reason"] = body["Reason"][:keep] + TRUNCATED
        encoded = json.dumps(body).encode("utf-8")
    if len(encoded) > RESPONSE_BODY_MAX_BYTES and outcome.status == "FAILED" and body["Data"]:
        body["Data"] = {}
        encoded = json.dumps(body).encode("utf-8")
    return encoded


# --------------------------------------------------------------------------------------
# 3. The SES edge
# --------------------------------------------------------------------------------------


class SesError(Exception):
    """An SES call that failed for good; str() is a readable reason without secrets."""


class ConflictError(Exception):
    """PutAccountDetails answered 409: a review is already open (a race, not a failure)."""


class Cancelled(Exception):
    """The watchdog has already answered; no further change may be made."""


class Gate:
    """Every SES call passes through it; once the watchdog closes it, none starts. The
    lock makes "not closed, so start" and "close, then see what started" exclusive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._closed = False
        self.started: list[str] = []

    def enter(self, operation: str) -> None:
        with self._lock:
            if self._closed:
                raise Cancelled(operation)
            self.started.append(operation)

    def close(self) -> tuple[str, ...]:
        """Close the gate and return the operations that were started before."""
        with self._lock:
            self._closed = True
            return tuple(self.started)

    @property
    def closed(self) -> bool:
        return self._closed


class SesClient(Protocol):
    def get_account(self) -> dict[str, Any]: ...

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]: ...


_THROTTLING_CODES = ("TooManyRequestsException", "ThrottlingException", "Throttling")

_ERROR_ADVICE = {
    "BadRequestException": (
        "SES refused the request as invalid: check mail_type, website_url, "
        "contact_language, use_case_description and additional_contact_email_addresses."
    ),
    "AccessDeniedException": (
        "The function's role may not call this action: check that no service control "
        "policy or permissions boundary denies ses:GetAccount and ses:PutAccountDetails, "
        "and that SES is available in the Region."
    ),
    "NotFoundException": "SES found nothing to act on in this Region.",
}


def _error_code(error: Exception) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a ClientError; the class name for other errors."""
    response = getattr(error, "response", None) or {}
    err = response.get("Error") or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    return str(err.get("Code") or type(error).__name__), str(err.get("Message") or ""), status


class SesAccount:
    """GetAccount and PutAccountDetails for one Region, within a deadline.

    Throttling is retried with jittered backoff until the deadline; server errors and
    network faults a few times; everything else fails at once with a readable reason.
    """

    def __init__(
        self,
        client: SesClient,
        region: str,
        deadline: float,
        secrets: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        gate: Gate | None = None,
    ) -> None:
        self._client = client
        self._region = region
        self._deadline = deadline
        self._secrets = tuple(secrets)
        self._clock = clock
        self._sleep = sleep
        self._gate = gate or Gate()

    def get_account(self) -> AccountState:
        response = self._call("GetAccount", self._client.get_account)
        return AccountState.from_get_account(response)

    def put_account_details(self, desired: Desired) -> None:
        params = desired.put_account_details_params()
        self._call("PutAccountDetails", lambda: self._client.put_account_details(**params))

    def pause(self, seconds: float) -> bool:
        """Wait if the deadline allows it; False when it does not."""
        if self._gate.closed or self._clock() + seconds >= self._deadline:
            return False
        self._sleep(seconds)
        return True

    def _call(self, operation: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        attempt = 0
        while True:
            self._gate.enter(operation)
            attempt += 1
            try:
                return call()
            except (ClientError, BotoCoreError) as error:
                code, message, status = _error_code(error)
                if code == "ConflictException" and operation == "PutAccountDetails":
                    raise ConflictError(message) from error
                throttled = code in _THROTTLING_CODES or status == 429
                # No HTTP answer at all (connection refused or dropped, read timeout).
                transient = status >= 500 or isinstance(error, BotoCoreError)
                if throttled or (transient and attempt < SES_SERVER_ERROR_ATTEMPTS):
                    delay = min(
                        SES_BACKOFF_MAX_SECONDS, SES_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
                    ) * random.uniform(0.5, 1.0)
                    if self._clock() + delay < self._deadline:
                        logger.warning(
                            "%s in %s answered %s (attempt %d); retrying in %.1f s",
                            operation, self._region, code, attempt, delay,
                        )
                        self._sleep(delay)
                        continue
                raise SesError(self._reason(operation, code, message, status, attempt)) from error

    def _reason(
        self, operation: str, code: str, message: str, status: int, attempts: int
    ) -> str:
        if code in _THROTTLING_CODES:
            advice = (
                f"SES kept throttling the account after {attempts} attempts within the "
                "function's time budget: deploy again later, or deploy fewer stacks at once."
            )
        elif code in _ERROR_ADVICE:
            advice = _ERROR_ADVICE[code]
        elif status >= 500:
            advice = (
                f"SES answered HTTP {status} to {attempts} attempts: deploy again; if it "
                "persists, check the AWS Health Dashboard."
            )
        elif not message:
            advice = (
                f"SES could not be reached or did not answer after {attempts} attempts: "
                "check the Region and the function's network access, then deploy again."
            )
        else:
            advice = "SES failed: deploy again; if it persists, check the AWS Health Dashboard."
        detail = f": {redact(message, self._secrets)}" if message else ""
        return f"ses:{operation} in {self._region} failed with {code}{detail}. {advice}"


def make_ses_client(region: str) -> SesClient:
    """A boto3 SESv2 client whose own retries are off (SesAccount retries within the
    deadline). AWS_ENDPOINT_URL_SESV2 is honoured by boto3 itself."""
    import boto3  # only Create and Update pay for importing boto3
    from botocore.config import Config

    client: SesClient = boto3.client(
        "sesv2",
        region_name=region,
        config=Config(
            connect_timeout=SES_CONNECT_TIMEOUT_SECONDS,
            read_timeout=SES_READ_TIMEOUT_SECONDS,
            retries={"total_max_attempts": 1},
        ),
    )
    return client


# --------------------------------------------------------------------------------------
# 4. The CloudFormation edge
# --------------------------------------------------------------------------------------


def send_response(
    url: str,
    body: bytes,
    give_up_at: float | None = None,
    attempts: int = RESPONSE_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """PUT the response to the pre-signed URL: at most `attempts` tries, none started
    after `give_up_at` (time.monotonic()), then give up.

    The URL is a secret (anyone holding it can answer for the stack): it is never logged.
    """
    for attempt in range(1, attempts + 1):
        timeout = RESPONSE_TIMEOUT_SECONDS
        if give_up_at is not None:
            timeout = min(timeout, give_up_at - time.monotonic())
            if timeout <= 0:
                break
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
                return True
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            problem = type(getattr(error, "reason", error)).__name__
        logger.warning("Response PUT attempt %d of %d failed: %s", attempt, attempts, problem)
        if attempt < attempts:
            sleep(RESPONSE_BACKOFF_SECONDS * 2 ** (attempt - 1))
    logger.error("Giving up on the response PUT after %d attempts", attempt)
    return False


def read_stack_status(stack_id: str, client: Any = None) -> str | None:
    """The stack's status (to recognise a rollback), or None when it cannot be read."""
    try:
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.client(
                "cloudformation",
                region_name=stack_id.split(":")[3],
                config=Config(connect_timeout=3, read_timeout=5, retries={"total_max_attempts": 2}),
            )
        stacks = client.describe_stacks(StackName=stack_id).get("Stacks") or [{}]
        status = stacks[0].get("StackStatus")
        return str(status) if status else None
    except (ClientError, BotoCoreError, IndexError) as error:
        logger.warning("Could not read the stack's status: %s", type(error).__name__)
        return None


# --------------------------------------------------------------------------------------
# 5. The entry point
# --------------------------------------------------------------------------------------


def unknown_attributes() -> dict[str, str]:
    """Data when SES could not be read: every key present (GetAtt needs it), none guessed."""
    return dict.fromkeys(DATA_KEYS, ABSENT)


def process(
    event: Mapping[str, Any],
    ses_factory: Callable[[Desired], SesAccount],
    default_region: str | None,
    stack_status: Callable[[str], str | None] | None = None,
) -> Outcome:
    """Run one lifecycle event to an Outcome. Raises only on a bug; the caller reports it.

    An Update that would fail while its stack is rolling back answers SUCCESS instead: a
    FAILED rollback leaves the stack in UPDATE_ROLLBACK_FAILED, which only a person can
    mend, while the state is read again on the next deployment anyway.
    """
    outcome = _process(event, ses_factory, default_region)
    if outcome.status == "FAILED" and event.get("RequestType") == "Update" and stack_status:
        status = stack_status(str(event.get("StackId", "")))
        if status is not None and "ROLLBACK_IN_PROGRESS" in status:
            logger.warning("Stack is in %s: SUCCESS instead of: %s", status, outcome.reason)
            data = outcome.data or unknown_attributes()
            return Outcome("SUCCESS", outcome.physical_resource_id, data)
    return outcome


def _process(
    event: Mapping[str, Any],
    ses_factory: Callable[[Desired], SesAccount],
    default_region: str | None,
) -> Outcome:
    request_type = event.get("RequestType")
    fallback_id = event_physical_id(event, default_region)

    if request_type == "Delete":
        # Leaving the sandbox cannot be undone; a Delete (also after a failed Create)
        # changes nothing in SES and keeps the id CloudFormation sent.
        return Outcome("SUCCESS", fallback_id)
    if request_type not in ("Create", "Update"):
        return Outcome(
            "FAILED",
            fallback_id,
            reason=f"Unknown RequestType {request_type!r}: expected Create, Update or Delete.",
        )

    try:
        desired = parse_properties(event.get("ResourceProperties") or {}, default_region)
    except PropertyError as error:
        return Outcome("FAILED", fallback_id, reason=str(error))

    physical_id = physical_resource_id(str(event.get("StackId", "")), desired.region)
    ses = ses_factory(desired)
    try:
        state = ses.get_account()
        action = decide(state)
        logger.info(
            "%s in %s: sandbox status %s, review %s, action %s",
            request_type, desired.region, sandbox_status(state),
            state.review_status or ABSENT, action.value,
        )
        if action is Action.SUBMIT:
            state = _submit(ses, desired, state)
    except SesError as error:
        return Outcome("FAILED", physical_id, reason=str(error))

    failure = denied_reason(state, desired)
    if failure:
        return Outcome("FAILED", physical_id, data=attributes(state), reason=failure)
    return Outcome("SUCCESS", physical_id, data=attributes(state))


def _submit(ses: SesAccount, desired: Desired, before: AccountState) -> AccountState:
    try:
        ses.put_account_details(desired)
        logger.info("Requested production access in %s", desired.region)
    except ConflictError:
        # Someone else (another stack, the console) opened a review in between.
        logger.info("A review is already open in %s; reading its state", desired.region)
        return ses.get_account()
    try:
        state = ses.get_account()
        for _ in range(REREAD_ATTEMPTS):
            if decide(state) is Action.NOTHING or not ses.pause(REREAD_DELAY_SECONDS):
                break
            state = ses.get_account()
    except SesError as error:
        # AWS accepted the request, so a review is open: failing (and rolling back the
        # user's stack) would be wrong. Report it with what was read before the request.
        logger.warning("Reading the state after the request failed: %s", error)
        return dataclasses.replace(
            before, has_details=True, review_status="PENDING", case_id=None
        )
    return state


def _remaining_seconds(context: Any) -> float:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return getter() / 1000.0 if callable(getter) else DEFAULT_REMAINING_SECONDS


def handler(event: dict[str, Any], context: Any) -> None:
    """Lambda entry point: the custom resource's service token."""
    run(event, context)


def run(
    event: Mapping[str, Any],
    context: Any,
    client_factory: Callable[[str], SesClient] = make_ses_client,
    stack_status: Callable[[str], str | None] = read_stack_status,
) -> Outcome:
    """Answer one event exactly once, before the Lambda timeout, and return the answer."""
    started = time.monotonic()
    remaining = _remaining_seconds(context)
    margin = min(WATCHDOG_MAX_SECONDS, max(WATCHDOG_MIN_SECONDS, remaining * WATCHDOG_SHARE))
    deadline = started + max(0.0, remaining - margin)
    default_region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    logger.info(
        "%s %s (RequestId %s)",
        event.get("RequestType"), event.get("LogicalResourceId"), event.get("RequestId"),
    )

    gate = Gate()
    secrets = sensitive_values(event)

    def ses_factory(desired: Desired) -> SesAccount:
        return SesAccount(
            client_factory(desired.region),
            desired.region,
            deadline,
            secrets=secrets,
            gate=gate,
        )

    result: list[Outcome] = []

    def work() -> None:
        try:
            result.append(process(event, ses_factory, default_region, stack_status))
        except Cancelled:
            pass
        except Exception as error:  # any bug still gets a readable FAILED
            # The type only: its message or a traceback could quote a secret.
            logger.error("Unexpected error %s", type(error).__name__)
            result.append(
                Outcome(
                    "FAILED",
                    event_physical_id(event, default_region),
                    reason=(
                        f"Internal error ({type(error).__name__}) in the SesProductionAccess "
                        "handler: deploying again is safe (the state is read first); if it "
                        "persists, report it with the function's log."
                    ),
                )
            )

    worker = threading.Thread(target=work, name="ses-production-access", daemon=True)
    worker.start()
    worker.join(timeout=max(0.0, deadline - time.monotonic()))
    if result:
        outcome = result[0]
    else:
        started_calls = gate.close()
        submitted = (
            "The request for production access had been sent: it is under review."
            if "PutAccountDetails" in started_calls
            else "No request for production access was sent."
        )
        outcome = Outcome(
            "FAILED",
            event_physical_id(event, default_region),
            reason=(
                f"SES did not answer within {deadline - started:.0f} s: the watchdog stopped "
                f"waiting before the function's timeout. {submitted} Deploying again reads "
                "the state first and never submits twice."
            ),
        )
    logger.info("Answering %s", outcome.status)
    send_response(
        str(event.get("ResponseURL", "")),
        build_response_body(event, outcome),
        # Stop trying just before the Lambda timeout; the runtime would kill us anyway.
        give_up_at=started + remaining - RESPONSE_FINAL_MARGIN_SECONDS,
    )
    return outcome
