"""The roll-up's Logs Insights queries: the dashboard's widgets and the ``organization``
command run the same text. Standard library only (the command never starts aws-cdk-lib).

Logs Insights discovers the status event's JSON fields (``account``, ``detail.Region``,
...); ``latest`` takes the value of the newest event of each account x Region. A row's
account is the envelope's, which EventBridge sets to the account that sent the event; the
``detail`` is whatever the sender wrote ("Rules with an account field do not match any events
sent from other accounts": EventBridge API reference, PutPermission), so a member can make
rows of its own account only. ``ClaimedAccount`` is the account the detail names, shown so
that a row whose detail claims another account can be told apart.
"""

from __future__ import annotations

import re

# A query returns at most this many rows (the `limit` below, Logs Insights' default:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html).
LATEST_STATE_ROWS = 10000
# The window of the dashboard and of the command: every event the log group keeps, up to
# this many days (its retention; INFINITE: this).
MAX_WINDOW_DAYS = 3653

LATEST_STATE_FIELDS = (
    "SandboxStatus",
    "ReviewStatus",
    "CaseId",
    "EnforcementStatus",
    "SendingEnabled",
    "Max24HourSend",
    "MaxSendRate",
    "ReadinessFindings",
    "Failure",  # the class of a failed deployment's failure (SandboxStatus FAILED)
)
ACCOUNT_FIELD = "account"  # the envelope's: who sent the event
REGION_FIELD = "detail.Region"
CLAIMED_ACCOUNT = "ClaimedAccount"  # the detail's Account: what the sender wrote
LAST_REPORT = "LastReport"

LATEST_STATE_QUERY = (
    "stats latest(detail.SandboxStatus) as SandboxStatus, "
    "latest(detail.ReviewStatus) as ReviewStatus, latest(detail.CaseId) as CaseId, "
    "latest(detail.EnforcementStatus) as EnforcementStatus, "
    "latest(detail.SendingEnabled) as SendingEnabled, "
    "latest(detail.Max24HourSend) as Max24HourSend, "
    "latest(detail.MaxSendRate) as MaxSendRate, "
    f"latest(detail.ReadinessFindings) as ReadinessFindings, "
    "latest(detail.Failure) as Failure, "
    f"latest(detail.Account) as {CLAIMED_ACCOUNT}, max(@timestamp) as {LAST_REPORT} "
    f"by {ACCOUNT_FIELD}, {REGION_FIELD}",
    f"sort {ACCOUNT_FIELD} asc, {REGION_FIELD} asc",
    f"limit {LATEST_STATE_ROWS}",
)
# A second stats aggregates the first one's rows: one row per account x Region first.
COUNT_PER_STATUS_QUERY = (
    f"stats latest(detail.SandboxStatus) as SandboxStatus by {ACCOUNT_FIELD}, {REGION_FIELD}",
    "stats count(*) as AccountRegions by SandboxStatus",
    "sort AccountRegions desc",
)

# An account id is 12 digits: a prefix of them narrows the query to a tenth, a hundredth...
ACCOUNT_PREFIX = re.compile(r"[0-9]{0,12}")


def latest_state_query(account_prefix: str = "") -> str:
    """The dashboard's latest-state query, narrowed to the accounts whose id starts with
    `account_prefix` (all of them when empty): the command splits an organisation whose
    rows fill a query's page into ten queries, and so on."""
    if not ACCOUNT_PREFIX.fullmatch(account_prefix):
        raise ValueError(f"{account_prefix!r} is not a prefix of an account id")
    lines = list(LATEST_STATE_QUERY)
    if account_prefix:
        lines.insert(0, f"filter {ACCOUNT_FIELD} like /^{account_prefix}/")
    return "\n| ".join(lines)  # as the dashboard's widget writes it
