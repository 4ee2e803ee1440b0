"""``ses-production-access organization``: the latest state of every account x Region of a
rollout, from its status roll-up (the log group every instance reports to).

    ses-production-access organization (--log-group NAME | --stack NAME) [--region R]
                                       [--days N] [--json] [--timeout SECONDS] [--profile NAME]

It runs the dashboard's own Logs Insights query (``organization.queries``) with
``StartQuery`` and ``GetQueryResults``. A query returns at most 10,000 rows: a page that
comes back full is asked again as ten queries, one per next digit of the account id, and so
on, so that an organisation of any size is read whole. The whole read is bounded by one
deadline; queries still running then are stopped (``StopQuery``). With ``--stack``, the log
group is found among the administrator stack's resources (``ListStackResources``) by the
logical id the roll-up's construct ids give it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import wire
from ..organization.queries import (
    ACCOUNT_FIELD,
    CLAIMED_ACCOUNT,
    LAST_REPORT,
    LATEST_STATE_FIELDS,
    LATEST_STATE_ROWS,
    MAX_WINDOW_DAYS,
    REGION_FIELD,
    latest_state_query,
)
from .common import (
    EXIT_ERROR,
    EXIT_FAILED,
    GRACE_SECONDS,
    PROG,
    add_aws_options,
    error_code_of,
    exit_code,
    region_name,
    start,
)

DEFAULT_TIMEOUT_SECONDS = 120.0
# StartQuery allows 30 queries at once per account, dashboards' included (StartQuery's API
# reference): a split organisation runs a few at a time and leaves room for the others.
MAX_QUERIES_AT_ONCE = 5
FIRST_POLL_SECONDS = 0.2
MAX_POLL_SECONDS = 2.0
# GetQueryResults' statuses that end a query without its rows.
ENDED_WITHOUT_ROWS = ("Failed", "Cancelled", "Timeout", "Unknown")
BUSY_CODES = ("LimitExceededException", "ThrottlingException")
ACCOUNT_ID_LENGTH = 12
# The roll-up's log group in the administrator's stack: construct ids are public API, so its
# logical id is <the StackSet construct's id>StatusRollupLogGroup<8 hex digits of the path>.
ROLLUP_LOGICAL_ID = re.compile(r"StatusRollupLogGroup[0-9A-F]{8}")
ROLLUP_TYPE = "AWS::Logs::LogGroup"
STACK_HINTS = {
    "ValidationError": "no such stack in this Region: give the administrator's stack and Region",
    "AccessDenied": "the caller may not list the stack's resources: allow "
    "cloudformation:ListStackResources on it",
}
STACK_HINTS["AccessDeniedException"] = STACK_HINTS["AccessDenied"]

EXIT_EPILOG = (
    "exit codes: those of 'status' over every account x Region: 0 all in PRODUCTION (or "
    "none has reported); 3 the roll-up could not be read, or a row has no known status; 4 a "
    "row DENIED; 5 a row in the SANDBOX with no review; 6 a review PENDING; 1 the command "
    "could not run; 2 bad usage."
)

HINTS = {
    "ResourceNotFoundException": (
        "no such log group in this Region: give the roll-up's log group "
        "(SesProductionAccessStackSet.status_log_group) and the administrator's Region"
    ),
    "AccessDeniedException": (
        "the caller may not query the log group: allow logs:StartQuery on it, "
        "logs:GetQueryResults and logs:StopQuery"
    ),
    "MalformedQueryException": "Logs Insights refused the query",
}


class QueryError(Exception):
    """The roll-up could not be read; the message says why, in one sentence."""


@dataclass(frozen=True)
class RollupRow:
    """One account x Region: the latest values its instance reported."""

    account: str  # the envelope's: the account that sent the events
    region: str
    values: Mapping[str, str]
    claimed: str = ""  # the account the latest event's detail names

    @property
    def status(self) -> str:
        return self.values.get("SandboxStatus", wire.ABSENT)

    @property
    def forged(self) -> bool:
        """The latest event's detail claims another account than the one that sent it."""
        return self.claimed not in ("", self.account)

    def as_json(self) -> dict[str, str]:
        return {"Account": self.account, "Region": self.region, **self.values}


def parse_row(fields: Sequence[Mapping[str, str]]) -> RollupRow:
    """A GetQueryResults row (a list of {field, value}); a field without a value (Logs
    Insights leaves null ones out) is NONE, as in the construct's attributes."""
    found = {f.get("field", ""): f.get("value", "") for f in fields}
    values = {name: found.get(name) or wire.ABSENT for name in (*LATEST_STATE_FIELDS, LAST_REPORT)}
    return RollupRow(
        found.get(ACCOUNT_FIELD, ""),
        found.get(REGION_FIELD, ""),
        values,
        found.get(CLAIMED_ACCOUNT, ""),
    )


def _failure(error: Exception) -> QueryError:
    code = error_code_of(error)
    hint = HINTS.get(code)
    return QueryError(f"{code}: {hint}." if hint else f"the query failed ({code}).")


def rollup_log_group(client: Any, stack: str) -> str:
    """The name of the status roll-up's log group in the administrator stack `stack`, found
    by its logical id over every page of ListStackResources; QueryError when the stack has
    none, or more than one (two rollouts in one stack: then --log-group says which)."""
    found: list[tuple[str, str]] = []
    token = None
    try:
        while True:
            page = client.list_stack_resources(
                StackName=stack, **({"NextToken": token} if token else {})
            )
            found += [
                (str(r.get("LogicalResourceId")), str(r.get("PhysicalResourceId") or ""))
                for r in page.get("StackResourceSummaries") or []
                if r.get("ResourceType") == ROLLUP_TYPE
                and ROLLUP_LOGICAL_ID.search(str(r.get("LogicalResourceId")))
            ]
            token = page.get("NextToken")
            if not token:
                break
    except Exception as error:
        code = error_code_of(error)
        hint = STACK_HINTS.get(code)
        said = f"{code}: {hint}." if hint else f"could not be read ({code})."
        raise QueryError(f"stack {stack}: {said}") from None
    names = [name for _, name in found if name]
    if len(names) == 1:
        return names[0]
    if not names:
        raise QueryError(
            f"stack {stack} has no status roll-up (a SesProductionAccessStackSet's log "
            "group): give the administrator's stack, or --log-group."
        )
    raise QueryError(
        f"stack {stack} has {len(names)} status roll-ups: give --log-group, one of "
        f"{', '.join(sorted(names))}."
    )


def latest_states(
    client: Any,
    log_group: str,
    window: tuple[int, int],
    deadline: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[RollupRow]:
    """Every account x Region's row, sorted; QueryError when the roll-up cannot be read
    whole by `deadline` (a part of an organisation is never shown as the whole)."""
    start_time, end_time = window
    pending = [""]  # account id prefixes still to query
    running: dict[str, str] = {}  # query id -> its prefix
    rows: list[RollupRow] = []
    interval = FIRST_POLL_SECONDS
    try:
        while pending or running:
            if clock() >= deadline:
                raise QueryError("no answer in time: Logs Insights was still running the query.")
            while pending and len(running) < MAX_QUERIES_AT_ONCE:
                prefix = pending[0]
                try:
                    answer = client.start_query(
                        logGroupName=log_group,
                        startTime=start_time,
                        endTime=end_time,
                        queryString=latest_state_query(prefix),
                    )
                except Exception as error:
                    if error_code_of(error) in BUSY_CODES and running:
                        break  # the account's queries are at their limit: after ours end
                    raise _failure(error) from None
                running[str(answer["queryId"])] = pending.pop(0)
            for query_id, prefix in list(running.items()):
                try:
                    answer = client.get_query_results(queryId=query_id)
                except Exception as error:
                    raise _failure(error) from None
                status = answer.get("status")
                if status in ENDED_WITHOUT_ROWS:
                    raise QueryError(f"Logs Insights ended the query {status}.")
                if status != "Complete":
                    continue
                del running[query_id]
                found = [parse_row(fields) for fields in answer.get("results") or []]
                if len(found) < LATEST_STATE_ROWS:
                    rows.extend(found)
                elif len(prefix) < ACCOUNT_ID_LENGTH:
                    pending.extend(f"{prefix}{digit}" for digit in "0123456789")
                else:
                    # One account with a full page: more rows than its Regions can make (a
                    # member writing made-up Regions, say). What is shown would be a part.
                    raise QueryError(
                        f"account {printable(prefix)} alone fills a page of "
                        f"{LATEST_STATE_ROWS:,} rows: the roll-up cannot be read whole."
                    )
            if running:
                # Never past the deadline: the query is stopped and said in time.
                sleep(max(0.0, min(interval, deadline - clock())))
                interval = min(interval * 2, MAX_POLL_SECONDS)
    finally:
        for query_id in running:
            # Best effort: a query Logs Insights is left running ends by itself (60 minutes).
            with contextlib.suppress(Exception):
                client.stop_query(queryId=query_id)
    return sorted(rows, key=lambda row: (row.account, row.region))


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

COLUMNS = ("Account", "Region", "Status", "Review", "Case", "Enforcement", "Sending",
           "Last report")
_KEYS = ("SandboxStatus", "ReviewStatus", "CaseId", "EnforcementStatus", "SendingEnabled",
         LAST_REPORT)


def printable(value: str) -> str:
    """``value`` with every control, format or line-separator character escaped (``\\n``,
    ``\\x1b``): what members sent must not forge a row or drive the terminal."""
    return "".join(
        character.encode("unicode_escape").decode("ascii")
        if unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp") or character == "\\"
        else character
        for character in value
    )


def _shown(row: RollupRow, key: str) -> str:
    value = row.values[key]
    failure = row.values.get("Failure", wire.ABSENT)
    if key == "SandboxStatus" and value == FAILED and failure != wire.ABSENT:
        return f"{FAILED} ({failure})"
    return "-" if value == wire.ABSENT else value


def table(rows: Sequence[RollupRow]) -> str:
    cells = [
        [printable(value) for value in (
            row.account, row.region, *(_shown(row, key) for key in _KEYS),
        )]
        for row in rows
    ]  # fmt: skip
    widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(COLUMNS)]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
        for line in [list(COLUMNS), *cells]
    )


def summary(rows: Sequence[RollupRow], log_group: str, days: int) -> str:
    if not rows:
        return f"No account x Region has reported to {log_group} in the last {days} days."
    accounts = len({row.account for row in rows})
    counts = Counter(row.status for row in rows)
    parts = ", ".join(f"{n} {printable(status)}" for status, n in sorted(counts.items()))
    plural = "s" if accounts != 1 else ""
    return f"{len(rows)} account x Region rows in {accounts} account{plural}: {parts}."


# What a deployment tells the roll-up besides a state (the handler's status event).
FAILED = "FAILED"  # a Create or Update failed: an error of the organisation
REMOVED = "REMOVED"  # the resource was deleted (the account left, a Region was dropped)


def statuses(rows: Iterable[RollupRow]) -> list[str]:
    """What `status` would report of each row: a row with no known status (a failed
    deployment's included) is an error; a removed one counts for nothing."""
    return [
        row.status if row.status in wire.SANDBOX_STATUSES else "ERROR"
        for row in rows
        if row.status != REMOVED
    ]


# --------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------


def days_back(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of days from 1 to {MAX_WINDOW_DAYS}"
        )
    return days


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "organization",
        help="show the latest state of every account x Region of a rollout",
        description=(
            "Read the status roll-up of SesProductionAccessStackSet (the log group every "
            "instance reports to) with the dashboard's Logs Insights query and print one row "
            "per account x Region, sorted, and a summary. Read-only: needs logs:StartQuery on "
            "the log group, logs:GetQueryResults and logs:StopQuery (with --stack, "
            "cloudformation:ListStackResources on the stack too)."
        ),
        epilog=EXIT_EPILOG,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--log-group",
        metavar="NAME",
        help="the roll-up's log group (the StackSet construct's status_log_group)",
    )
    where.add_argument(
        "--stack",
        metavar="NAME",
        help="or the administrator's stack (name or id), whose roll-up's log group is found "
        "with cloudformation:ListStackResources",
    )
    parser.add_argument(
        "--region",
        type=region_name,
        metavar="REGION",
        help="the administrator's Region, where the roll-up is (default: the configured one)",
    )
    parser.add_argument(
        "--days",
        type=days_back,
        default=MAX_WINDOW_DAYS,
        metavar="N",
        help="read the events of the last N days (default: every event the log group keeps, "
        f"up to {MAX_WINDOW_DAYS}, as the dashboard does)",
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per row, for pipelines"
    )
    add_aws_options(parser, DEFAULT_TIMEOUT_SECONDS, service="Logs Insights")
    parser.set_defaults(run=run)


def _read(session: Any, args: argparse.Namespace, region: str) -> tuple[str, list[RollupRow]]:
    """The roll-up's log group and its rows, within --timeout whatever CloudFormation and
    Logs Insights do (the read runs in a daemon thread: a call that hangs is left behind)."""
    from botocore.config import Config

    deadline = time.monotonic() + args.timeout
    seconds = min(args.timeout, 10.0)
    config = Config(
        connect_timeout=seconds, read_timeout=seconds, retries={"total_max_attempts": 3}
    )
    found: list[tuple[str, list[RollupRow]]] = []
    problem: list[QueryError] = []

    def work() -> None:
        try:
            log_group = args.log_group
            if log_group is None:
                stacks = session.client("cloudformation", region_name=region, config=config)
                log_group = rollup_log_group(stacks, args.stack)
            client = session.client("logs", region_name=region, config=config)
            end = int(time.time())
            window = (end - args.days * 86400, end)
            found.append((log_group, latest_states(client, log_group, window, deadline)))
        except QueryError as error:
            problem.append(error)
        except Exception as error:  # making the client, credentials: the type only
            problem.append(QueryError(f"the roll-up could not be read ({error_code_of(error)})."))

    worker = threading.Thread(target=work, name="organization", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()) + GRACE_SECONDS)
    if problem:
        raise problem[0]
    if not found:
        raise QueryError(f"no answer within {args.timeout:g} s.")
    return found[0]


def run(args: argparse.Namespace) -> int:
    session = start("organization", args.profile, needs_handler=False)
    if session is None:
        return EXIT_FAILED
    region = args.region or session.region_name
    if not region:
        print(
            f"{PROG} organization: no Region: give --region REGION (the administrator's) or "
            "configure one (AWS_DEFAULT_REGION or the profile's region).",
            file=sys.stderr,
        )
        return 2
    try:
        log_group, rows = _read(session, args, region)
    except QueryError as error:
        where = args.log_group or args.stack
        print(f"{PROG} organization: {where} in {region}: {error}", file=sys.stderr)
        return EXIT_ERROR
    forged = [row for row in rows if row.forged]
    rows = [row for row in rows if not row.forged]
    for row in forged:
        print(
            f"{PROG} organization: not shown: account {printable(row.account)} reported "
            f"{printable(row.region)} as account {printable(row.claimed)}.",
            file=sys.stderr,
        )
    if args.json:
        for row in rows:
            print(json.dumps(row.as_json()))
    else:
        if rows:
            print(table(rows))
        print(summary(rows, log_group, args.days))
    sys.stdout.flush()
    return exit_code(statuses(rows))
