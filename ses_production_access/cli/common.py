"""What every command shares: the program's name, the exit codes, the AWS options and
session, the client that notes error codes, and the row a Region is reported in.

Standard library only (boto3 when a command runs): no command module is imported here, so
the commands import this and never each other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import wire
from ..inline.loaded import handler_module
from ..props.rules import REGION_PATTERN

PROG = "ses-production-access"

# Exit codes, for a pipeline to branch on; each command's epilog says which it uses.
# Several Regions: the first that applies, in this order; ERROR first, so that any other
# code describes every Region.
EXIT_OK = 0
EXIT_FAILED = 1  # the command could not run
EXIT_USAGE = 2  # bad usage, as argparse exits
EXIT_PRODUCTION = 0  # every Region is in production
EXIT_READY = 0  # readiness: no finding holds a request back
EXIT_ERROR = 3  # a Region could not be read (an error, or no answer in time)
EXIT_DENIED = 4  # a review was denied: only an appeal in the support case helps
EXIT_SANDBOX = 5  # in the sandbox with no review open: a request is needed
EXIT_PENDING = 6  # a review is open: wait for AWS
EXIT_CODES = {
    wire.DENIED: EXIT_DENIED,
    wire.SANDBOX: EXIT_SANDBOX,
    wire.PENDING_REVIEW: EXIT_PENDING,
    wire.PRODUCTION: EXIT_PRODUCTION,
}

# A Region's own failure (SesAccount's retries end at the deadline) is worth waiting this
# much longer for than a bare "no answer".
GRACE_SECONDS = 0.5
ERROR = "ERROR"
TIMEOUT = "TIMEOUT"
TIMEOUT_CODE = "Timeout"
# A Region the account has not enabled (an opt-in Region): reported, never read, and left
# out of the exit code. ListRegions' statuses of a Region the account may use:
# https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
NOT_ENABLED = "NOT_ENABLED"
ENABLED_OPT_STATUSES = ("ENABLED", "ENABLED_BY_DEFAULT")


@dataclass(frozen=True)
class RegionStatus:
    """One Region's row: the handler's attributes, or why they could not be read."""

    region: str
    data: Mapping[str, str]
    error_code: str | None = None
    reason: str | None = None
    # The Region's opt-in status (account:ListRegions), when it was read.
    opt_status: str | None = None

    @property
    def status(self) -> str:
        """The sandbox status; ERROR or TIMEOUT when it could not be read, NOT_ENABLED for a
        Region the account has not enabled (not read)."""
        if self.opt_status is not None and self.opt_status not in ENABLED_OPT_STATUSES:
            return NOT_ENABLED
        if self.error_code is None:
            return self.data["SandboxStatus"]
        return TIMEOUT if self.error_code == TIMEOUT_CODE else ERROR

    def as_json(self) -> dict[str, Any]:
        error = None
        if self.error_code is not None:
            error = {"Code": self.error_code, "Reason": self.reason}
        return {"Region": self.region, **self.data, "RegionOptStatus": self.opt_status,
                "Error": error}


def exit_code(statuses: Iterable[str]) -> int:
    """The exit code of rows with these statuses (ERROR and TIMEOUT for a row that could
    not be read): the first that applies, ERROR first."""
    found = set(statuses)
    if found & {ERROR, TIMEOUT}:
        return EXIT_ERROR
    for status in (wire.DENIED, wire.SANDBOX, wire.PENDING_REVIEW):
        if status in found:
            return EXIT_CODES[status]
    return EXIT_PRODUCTION


def aws_session(profile: str | None) -> Any:
    """boto3's default session, set up afresh from the environment (and the profile):
    the handler's make_ses_client creates its clients from it."""
    import boto3

    boto3.setup_default_session(profile_name=profile)
    return boto3.DEFAULT_SESSION


def error_code_of(error: BaseException) -> str:
    """The service's error code, or the SDK's exception type; never a message."""
    response = getattr(error, "response", None)
    if isinstance(response, Mapping):
        code = (response.get("Error") or {}).get("Code")
        if code:
            return str(code)
    return type(error).__name__


class NotingClient:
    """An SES client that notes the code of the last error it raised: the handler's
    SesError carries a sentence, and a pipeline wants the code."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.last_error: str | None = None
        self.answered = False  # whether that error came with an answer of the service

    def get_account(self) -> Any:
        return self._call(self._client.get_account)

    def put_account_details(self, **params: Any) -> Any:
        return self._call(lambda: self._client.put_account_details(**params))

    def __getattr__(self, name: str) -> Any:
        """Any other operation (the readiness reads), noted the same way."""
        method = getattr(self._client, name)
        return lambda **params: self._call(lambda: method(**params))

    def _call(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as error:
            self.last_error = error_code_of(error)
            self.answered = isinstance(getattr(error, "response", None), Mapping)
            raise


COLUMNS = ("Region", "Status", "Review", "Case", "Max 24 h", "Max/s", "Sending", "Enforcement")


_KEYS = ("ReviewStatus", "CaseId", "Max24HourSend", "MaxSendRate", "SendingEnabled",
         "EnforcementStatus")


def _cell(value: str) -> str:
    return "-" if value == wire.ABSENT else value


def table(rows: Sequence[RegionStatus]) -> str:
    """For people: one line per Region; a failed Region's reason after its status."""
    cells = [
        [row.region, row.status, *(_cell(row.data[key]) for key in _KEYS)]
        for row in rows
        if row.reason is None
    ]
    widths = [len(c) for c in COLUMNS]
    for line in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, line, strict=True)]
    widths[0] = max([widths[0], *(len(row.region) for row in rows)])
    widths[1] = max([widths[1], *(len(row.status) for row in rows)])

    def joined(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=False)).rstrip()

    lines = [joined(COLUMNS)]
    ok = iter(cells)
    for row in rows:
        if row.reason is None:
            lines.append(joined(next(ok)))
        else:
            reason = str(row.reason)
            code = row.error_code
            shown = reason if code is None or code in reason else f"{code}: {reason}"
            lines.append(joined([row.region, row.status, shown]))
    return "\n".join(lines)


def region_name(value: str) -> str:
    """argparse type of a Region: named like one (the construct's rule)."""
    if not REGION_PATTERN.fullmatch(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an AWS Region name: give one such as 'eu-west-1'"
        )
    return value


def positive_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds from 0 to 3600")
    return seconds


def add_aws_options(
    parser: argparse.ArgumentParser, timeout: float, *, service: str = "SES"
) -> None:
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="the AWS profile to use (default: boto3's chain: AWS_PROFILE, the environment's "
        "credentials, SSO, the instance role, ...)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=timeout,
        metavar="SECONDS",
        help=f"give up on {service} after this long (default: {timeout:g})",
    )


def start(command: str, profile: str | None, *, needs_handler: bool = True) -> Any:
    """The handler loaded (when the command uses it) and the session set up; a one-line
    error (None) otherwise."""
    try:
        if needs_handler:
            handler_module()
        else:
            import boto3  # noqa: F401  (what the handler's loading checks otherwise)
    except ImportError as error:
        print(f"{PROG} {command}: {error}", file=sys.stderr)
        return None
    try:
        return aws_session(profile)
    except Exception as error:  # botocore's ProfileNotFound, a broken config file
        kind = type(error).__name__
        shown = f" {profile!r}" if profile else ""
        print(f"{PROG} {command}: cannot use the AWS profile{shown} ({kind}).", file=sys.stderr)
        return None
