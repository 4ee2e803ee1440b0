"""``ses-production-access status``: where the account stands in one or more Regions.

    ses-production-access status [--region R ...] [--all-regions] [--json]
                                 [--timeout SECONDS] [--profile NAME]

SES v2 ``GetAccount`` is read in every Region at once (a pool of threads, one Region each)
through the handler's own SES edge (``SesAccount``: bounded retries, readable errors, never a
service message) and reported with its own attributes, the values the construct's outputs
carry. Every Region is bounded by one deadline: a Region that has not answered by then is
reported as timed out and left behind, so the command ends in bounded time.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _input_rules
from ._cli import EXIT_FAILED, PROG
from ._shipped_handler import handler_module

SERVICE = "sesv2"

# Exit codes, for a pipeline to branch on (1, EXIT_FAILED: the command could not run; 2: bad
# usage, as argparse exits). Several Regions: the first that applies, in this order; ERROR
# first, so that any other code describes every Region.
EXIT_PRODUCTION = 0  # every Region is in production
EXIT_USAGE = 2
EXIT_ERROR = 3  # a Region could not be read (an error, or no answer in time)
EXIT_DENIED = 4  # a review was denied: only an appeal in the support case helps
EXIT_SANDBOX = 5  # in the sandbox with no review open: a request is needed
EXIT_PENDING = 6  # a review is open: wait for AWS
EXIT_CODES = {
    "DENIED": EXIT_DENIED,
    "SANDBOX": EXIT_SANDBOX,
    "PENDING_REVIEW": EXIT_PENDING,
    "PRODUCTION": EXIT_PRODUCTION,
}
EXIT_EPILOG = (
    "exit codes: 0 every Region in PRODUCTION; 3 a Region could not be read (error or "
    "timeout); 4 a Region DENIED; 5 a Region in the SANDBOX with no review; 6 a review "
    "PENDING; 1 the command could not run; 2 bad usage. With several Regions the first of "
    "3, 4, 5, 6 that applies."
)

DEFAULT_TIMEOUT_SECONDS = 10.0
# A Region's own failure (SesAccount's retries end at the deadline) is worth waiting this
# much longer for than a bare "no answer".
GRACE_SECONDS = 0.5
MAX_THREADS = 64

ERROR = "ERROR"
TIMEOUT = "TIMEOUT"
TIMEOUT_CODE = "Timeout"

# What a person can do about the common failures (the codes botocore or SES report).
_INVALID_HERE = (
    "the credentials are not valid in this Region: is it an opt-in Region the account has "
    "not enabled?"
)
HINTS = {
    "AccessDeniedException": (
        "the caller may not call ses:GetAccount here: check its IAM policy, service "
        "control policies and permissions boundary"
    ),
    "UnrecognizedClientException": _INVALID_HERE,
    "InvalidClientTokenId": _INVALID_HERE,
    "ExpiredTokenException": "the credentials have expired: sign in again",
    "NoCredentialsError": (
        "no credentials found: use --profile, set AWS_PROFILE or sign in (aws sso login)"
    ),
    "EndpointConnectionError": "SES could not be reached in this Region",
    "ConnectTimeoutError": "SES could not be reached in this Region",
}

ClientFactory = Callable[[str], Any]


@dataclass(frozen=True)
class RegionStatus:
    """One Region's row: the handler's attributes, or why they could not be read."""

    region: str
    data: Mapping[str, str]
    error_code: str | None = None
    reason: str | None = None

    @property
    def status(self) -> str:
        """The sandbox status; ERROR or TIMEOUT when it could not be read."""
        if self.error_code is None:
            return self.data["SandboxStatus"]
        return TIMEOUT if self.error_code == TIMEOUT_CODE else ERROR

    def as_json(self) -> dict[str, Any]:
        error = None
        if self.error_code is not None:
            error = {"Code": self.error_code, "Reason": self.reason}
        return {"Region": self.region, **self.data, "Error": error}


def exit_code(rows: Iterable[RegionStatus]) -> int:
    statuses = {row.status for row in rows}
    if statuses & {ERROR, TIMEOUT}:
        return EXIT_ERROR
    for status in ("DENIED", "SANDBOX", "PENDING_REVIEW"):
        if status in statuses:
            return EXIT_CODES[status]
    return EXIT_PRODUCTION


# --------------------------------------------------------------------------------------
# AWS: the session, the Regions, the reads
# --------------------------------------------------------------------------------------


def aws_session(profile: str | None) -> Any:
    """boto3's default session, set up afresh from the environment (and the profile):
    the handler's make_ses_client creates its clients from it."""
    import boto3

    boto3.setup_default_session(profile_name=profile)
    return boto3.DEFAULT_SESSION


def ses_regions(session: Any) -> list[str]:
    """Every Region where botocore's endpoint data has SES v2, in the partition of the
    configured Region (credentials of one partition are not valid in another)."""
    region = session.region_name
    partition = "aws"
    if region:
        try:
            partition = session.get_partition_for_region(region)
        except Exception:  # a Region botocore does not know: the commercial partition
            partition = "aws"
    return sorted(session.get_available_regions(SERVICE, partition_name=partition))


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


def _failed(region: str, code: str, reason: str) -> RegionStatus:
    hint = HINTS.get(code)
    text = f"{reason.rstrip('.')}: {hint}." if hint else reason
    unknown: dict[str, str] = handler_module().unknown_attributes()
    return RegionStatus(region, unknown, code, text)


def _read_one(
    region: str, factory: ClientFactory, lock: threading.Lock, deadline: float, progress: Any
) -> RegionStatus | None:
    index = handler_module()
    try:
        with lock:  # boto3's default session is not safe to create clients from at once
            client = NotingClient(factory(region))
        state = index.SesAccount(client, region, deadline, progress).get_account()
        data: dict[str, str] = index.attributes(state)
        return RegionStatus(region, data)
    except index.Cancelled:
        return None  # too late: already reported as timed out
    except index.SesError as error:
        return _failed(region, client.last_error or "SesError", str(error.reason))
    except Exception as error:  # outside SesAccount (making the client): the type only
        kind = type(error).__name__
        return _failed(region, kind, f"reading SES in {region} failed ({kind}).")


def read_regions(
    regions: Sequence[str],
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    client_factory: ClientFactory | None = None,
) -> list[RegionStatus]:
    """GetAccount in every Region at once; one row each, in the order given, within about
    `timeout` seconds whatever the Regions do."""
    index = handler_module()
    factory: ClientFactory = client_factory or index.make_ses_client
    deadline = time.monotonic() + timeout
    progress = {region: index.Progress() for region in regions}
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for region in regions:
        todo.put(region)
    answers: queue.SimpleQueue[RegionStatus | None] = queue.SimpleQueue()
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                region = todo.get_nowait()
            except queue.Empty:
                return
            answers.put(_read_one(region, factory, lock, deadline, progress[region]))

    # Daemon threads: a Region that hangs is left behind and never holds the exit.
    for number in range(min(len(regions), MAX_THREADS)):
        threading.Thread(target=worker, name=f"status-{number}", daemon=True).start()

    found: dict[str, RegionStatus] = {}
    for _ in regions:
        left = deadline + GRACE_SECONDS - time.monotonic()
        try:
            answer = answers.get(timeout=max(0.0, left))
        except queue.Empty:
            break
        if answer is not None:
            found[answer.region] = answer
    for region in regions:
        if region not in found:
            # Closed: the Region's thread starts no further call (no retry after this).
            where = progress[region].close().summary()
            found[region] = _failed(
                region, TIMEOUT_CODE, f"no answer within {timeout:g} s: {where}."
            )
    return [found[region] for region in regions]


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

COLUMNS = ("Region", "Status", "Review", "Case", "Max 24 h", "Max/s", "Sending", "Enforcement")
_KEYS = ("ReviewStatus", "CaseId", "Max24HourSend", "MaxSendRate", "SendingEnabled",
         "EnforcementStatus")


def _shown(value: str) -> str:
    return "-" if value == "NONE" else value


def table(rows: Sequence[RegionStatus]) -> str:
    """For people: one line per Region; a failed Region's reason after its status."""
    cells = [
        [row.region, row.status, *(_shown(row.data[key]) for key in _KEYS)]
        for row in rows
        if row.error_code is None
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
        if row.error_code is None:
            lines.append(joined(next(ok)))
        else:
            reason = str(row.reason)
            shown = reason if str(row.error_code) in reason else f"{row.error_code}: {reason}"
            lines.append(joined([row.region, row.status, shown]))
    return "\n".join(lines)


def summary(rows: Sequence[RegionStatus]) -> str:
    counts = Counter(row.status for row in rows)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{len(rows)} Region{'s' if len(rows) != 1 else ''}: {parts}."


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def region_name(value: str) -> str:
    """argparse type of a Region: named like one (the construct's rule)."""
    if not _input_rules.REGION_PATTERN.fullmatch(value):
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


def add_aws_options(parser: argparse.ArgumentParser, timeout: float) -> None:
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
        help=f"give up on SES after this long (default: {timeout:g})",
    )


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "status",
        help="show where the account stands in one or more Regions",
        description=(
            "Read SES GetAccount in each Region at once and print one row per Region: "
            "sandbox status, review, support case, sending quota, enforcement. Read-only: "
            "needs ses:GetAccount."
        ),
        epilog=EXIT_EPILOG,
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--region",
        dest="regions",
        action="append",
        type=region_name,
        metavar="REGION",
        help="a Region to read; repeat for more (default: the configured Region: "
        "AWS_DEFAULT_REGION or the profile's)",
    )
    where.add_argument(
        "--all-regions",
        action="store_true",
        help="every Region where SES v2 has an endpoint (botocore's endpoint data), in the "
        "configured Region's partition",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line, for pipelines"
    )
    add_aws_options(parser, DEFAULT_TIMEOUT_SECONDS)
    parser.set_defaults(run=run)


def start(command: str, profile: str | None) -> Any:
    """The handler loaded and the session set up; a one-line error (None) otherwise."""
    try:
        handler_module()
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


def run(args: argparse.Namespace) -> int:
    session = start("status", args.profile)
    if session is None:
        return EXIT_FAILED
    if args.all_regions:
        regions = ses_regions(session)
        if not regions:
            print(
                f"{PROG} status: botocore's endpoint data has no SES v2 Region in the "
                f"partition of {session.region_name}.",
                file=sys.stderr,
            )
            return EXIT_FAILED
    elif args.regions:
        regions = list(dict.fromkeys(args.regions))
    elif session.region_name:
        regions = [session.region_name]
    else:
        print(
            f"{PROG} status: no Region: give --region REGION or --all-regions, or configure "
            "one (AWS_DEFAULT_REGION or the profile's region).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    rows = read_regions(regions, args.timeout)
    if args.json:
        for row in rows:
            print(json.dumps(row.as_json()))
    else:
        print(table(rows))
        print(summary(rows))
    sys.stdout.flush()
    return exit_code(rows)
