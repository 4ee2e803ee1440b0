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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from ..inline.loaded import handler_module
from .common import (
    ENABLED_OPT_STATUSES,
    EXIT_FAILED,
    EXIT_USAGE,
    GRACE_SECONDS,
    PROG,
    TIMEOUT_CODE,
    NotingClient,
    RegionStatus,
    add_aws_options,
    error_code_of,
    region_name,
    start,
    table,
)
from .common import exit_code as common_exit_code

SERVICE = "sesv2"

EXIT_EPILOG = (
    "exit codes: 0 every Region in PRODUCTION; 3 a Region could not be read (error or "
    "timeout); 4 a Region DENIED; 5 a Region in the SANDBOX with no review; 6 a review "
    "PENDING; 1 the command could not run; 2 bad usage. With several Regions the first of "
    "3, 4, 5, 6 that applies."
)

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_THREADS = 64
# --all-regions: ListRegions' page (its most) and its share of --timeout (the reads get the rest).
LIST_REGIONS_PAGE = 50
LIST_REGIONS_SHARE = 0.3


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


def exit_code(rows: Iterable[RegionStatus]) -> int:
    return common_exit_code(row.status for row in rows)


# --------------------------------------------------------------------------------------
# AWS: the session, the Regions, the reads
# --------------------------------------------------------------------------------------


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


def opt_statuses(session: Any, timeout: float) -> tuple[dict[str, str] | None, str]:
    """Each Region's opt-in status as the Account Management API lists it (ListRegions,
    every page), or (None, why not) within `timeout`: the call runs in a daemon thread, so
    one that hangs is left behind."""
    from botocore.config import Config

    found: list[dict[str, str]] = []
    problem: list[str] = []

    def work() -> None:
        try:
            config = Config(
                connect_timeout=timeout, read_timeout=timeout, retries={"total_max_attempts": 2}
            )
            # One endpoint per partition; a Region of it picks the partition.
            client = session.client(
                "account", region_name=session.region_name or "us-east-1", config=config
            )
            statuses: dict[str, str] = {}
            params: dict[str, Any] = {"MaxResults": LIST_REGIONS_PAGE}
            while True:
                page = client.list_regions(**params)
                for region in page.get("Regions") or []:
                    statuses[str(region["RegionName"])] = str(region["RegionOptStatus"])
                token = page.get("NextToken")
                if not token:
                    break
                params["NextToken"] = token
            found.append(statuses)
        except Exception as error:
            problem.append(error_code_of(error))

    worker = threading.Thread(target=work, name="status-regions", daemon=True)
    worker.start()
    worker.join(timeout)
    if found:
        return found[0], ""
    return None, problem[0] if problem else f"no answer within {timeout:g} s"


def _not_enabled(region: str, opt_status: str) -> RegionStatus:
    unknown: dict[str, str] = handler_module().unknown_attributes()
    reason = (
        f"the account has not enabled this opt-in Region ({opt_status}): not read; enable "
        "it (account:EnableRegion) to use SES there"
    )
    return RegionStatus(region, unknown, None, reason, opt_status)


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
    *,
    deadline: float | None = None,
) -> list[RegionStatus]:
    """GetAccount in every Region at once; one row each, in the order given, within about
    `timeout` seconds (or by `deadline`, of time.monotonic) whatever the Regions do."""
    index = handler_module()
    factory: ClientFactory = client_factory or index.make_ses_client
    if deadline is None:
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


def summary(rows: Sequence[RegionStatus]) -> str:
    counts = Counter(row.status for row in rows)
    parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    return f"{len(rows)} Region{'s' if len(rows) != 1 else ''}: {parts}."


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "status",
        help="show where the account stands in one or more Regions",
        description=(
            "Read SES GetAccount in each Region at once and print one row per Region: "
            "sandbox status, review, support case, sending quota, enforcement. Read-only: "
            "needs ses:GetAccount, and account:ListRegions with --all-regions."
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
        "configured Region's partition; a Region the account has not enabled "
        "(account:ListRegions) is shown NOT_ENABLED, not read, and left out of the exit code",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line, for pipelines"
    )
    add_aws_options(parser, DEFAULT_TIMEOUT_SECONDS)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    session = start("status", args.profile)
    if session is None:
        return EXIT_FAILED
    deadline = time.monotonic() + args.timeout
    opted: dict[str, str] = {}
    if args.all_regions:
        regions = ses_regions(session)
        if not regions:
            print(
                f"{PROG} status: botocore's endpoint data has no SES v2 Region in the "
                f"partition of {session.region_name}.",
                file=sys.stderr,
            )
            return EXIT_FAILED
        listed, why = opt_statuses(session, args.timeout * LIST_REGIONS_SHARE)
        if listed is None:
            print(
                f"{PROG} status: the account's Regions could not be listed "
                f"(account:ListRegions: {why}): every SES Region is read, and an opt-in "
                "Region the account has not enabled shows as ERROR. Allow "
                "account:ListRegions to leave those out.",
                file=sys.stderr,
            )
        else:
            # A Region ListRegions does not name is read: nothing says it is not enabled.
            opted = {r: listed[r] for r in regions if r in listed}
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
    enabled = [r for r in regions if opted.get(r, ENABLED_OPT_STATUSES[0]) in ENABLED_OPT_STATUSES]
    read = {row.region: row for row in read_regions(enabled, args.timeout, deadline=deadline)}
    rows = [
        read[r] if r in read else _not_enabled(r, opted[r]) for r in regions
    ]
    rows = [replace(row, opt_status=opted.get(row.region)) for row in rows]
    if args.json:
        for row in rows:
            print(json.dumps(row.as_json()))
    else:
        print(table(rows))
        print(summary(rows))
    sys.stdout.flush()
    return exit_code(rows)
