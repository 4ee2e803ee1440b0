"""``ses-production-access organization``: the latest state of every account x Region from
the rollout's status roll-up, read with the dashboard's Logs Insights query, whole past one
query's 10,000 rows, bounded in time, with the exit codes of ``status``. Driven against a
local stand-in of Logs Insights (botocore's model of StartQuery, GetQueryResults and
StopQuery)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from contract.model_endpoint import LogsEndpoint, error, hung
from support.cli import HOME_REGION, Cli, command_line
from support.moto_server import moto_server

from ses_production_access.cli.common import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_PENDING,
    EXIT_PRODUCTION,
    EXIT_SANDBOX,
    EXIT_USAGE,
)
from ses_production_access.cli.organization import QueryError, latest_states
from ses_production_access.organization.queries import LATEST_STATE_ROWS, latest_state_query

LOG_GROUP = "Admin-RolloutStatusRollupLogGroupA1B2C3-abcdef"


@pytest.fixture
def logs() -> Iterator[LogsEndpoint]:
    with LogsEndpoint(LOG_GROUP, latest_state_query(), LATEST_STATE_ROWS) as endpoint:
        yield endpoint
        assert endpoint.internal_errors == []


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], logs: LogsEndpoint
) -> Iterator[Cli]:
    with command_line(monkeypatch, capsys) as command:
        command.environment(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs.url)
        yield command


def report(account: str, region: str, status: str = "PRODUCTION", **values: str) -> dict[str, str]:
    """A row as the latest-state query returns it (Logs Insights leaves null fields out)."""
    row = {
        "account": account,  # the envelope's: the sender
        "ClaimedAccount": account,  # what its detail says
        "detail.Region": region,
        "SandboxStatus": status,
        "LastReport": "2026-12-01 10:00:00.000",
    }
    return {**row, **values}


def rows(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def run(cli: Cli, *args: str) -> Any:
    return cli.run("organization", "--log-group", LOG_GROUP, "--timeout", "10", *args)


def test_organization_prints_one_row_per_account_and_region_sorted_with_a_summary(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.rows = [
        report("222222222222", "us-east-1", "SANDBOX"),
        report("111111111111", "eu-west-1", "PRODUCTION", ReviewStatus="GRANTED", CaseId="42"),
        report("111111111111", "ap-south-1", "PENDING_REVIEW"),
    ]
    ran = run(cli)
    header, *lines, total = ran.lines()
    assert header.split() == ["Account", "Region", "Status", "Review", "Case", "Enforcement",
                              "Sending", "Last", "report"]
    assert [line.split()[:5] for line in lines] == [
        ["111111111111", "ap-south-1", "PENDING_REVIEW", "-", "-"],
        ["111111111111", "eu-west-1", "PRODUCTION", "GRANTED", "42"],
        ["222222222222", "us-east-1", "SANDBOX", "-", "-"],
    ]
    assert total == (
        "3 account x Region rows in 2 accounts: 1 PENDING_REVIEW, 1 PRODUCTION, 1 SANDBOX."
    )
    assert ran.err == ""


def test_organization_prints_one_json_object_per_row_with_the_queried_fields(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.rows = [report("111111111111", "eu-west-1", MaxSendRate="14")]
    ran = run(cli, "--json")
    assert rows(ran.out) == [{
        "Account": "111111111111", "Region": "eu-west-1", "SandboxStatus": "PRODUCTION",
        "ReviewStatus": "NONE", "CaseId": "NONE", "EnforcementStatus": "NONE",
        "SendingEnabled": "NONE", "Max24HourSend": "NONE", "MaxSendRate": "14",
        "ReadinessFindings": "NONE", "Failure": "NONE", "LastReport": "2026-12-01 10:00:00.000",
    }]  # fmt: skip


def test_organization_queries_the_log_group_over_the_window_in_the_region_given(
    cli: Cli, logs: LogsEndpoint
) -> None:
    run(cli, "--region", "us-east-1", "--days", "30")
    (start,) = [call for call in logs.calls if call.operation == "StartQuery"]
    assert start.region == "us-east-1"
    assert start.params["logGroupName"] == LOG_GROUP
    assert start.params["endTime"] - start.params["startTime"] == 30 * 86400


def test_organization_reads_past_one_querys_page_by_splitting_on_the_account_id(
    cli: Cli, logs: LogsEndpoint
) -> None:
    # 10,500 account x Region rows: one query's page (10,000) is not enough.
    logs.rows = [
        report(f"{n:012d}", region)
        for n in range(0, 525 * 1_900_000_000, 1_900_000_000)
        for region in [f"eu-west-{i}" for i in range(1, 21)]
    ]
    ran = run(cli, "--json", "--timeout", "60")  # a generous bound: this is not a timing test
    assert ran.code == EXIT_PRODUCTION, ran.err
    found = [(row["Account"], row["Region"]) for row in rows(ran.out)]
    expected = sorted((r["account"], r["detail.Region"]) for r in logs.rows)
    assert found == expected
    assert logs.started_queries[0] == ""
    assert sorted(logs.started_queries[1:]) == [str(d) for d in range(10)]


def test_organization_says_so_when_no_account_has_reported(cli: Cli) -> None:
    ran = run(cli, "--days", "7")
    assert ran.code == EXIT_PRODUCTION
    assert ran.out == f"No account x Region has reported to {LOG_GROUP} in the last 7 days.\n"


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["PRODUCTION", "PENDING_REVIEW"], EXIT_PENDING),
        (["PENDING_REVIEW", "SANDBOX"], EXIT_SANDBOX),
        (["SANDBOX", "DENIED"], EXIT_DENIED),
        (["DENIED", "NONE"], EXIT_ERROR),
    ],
)
def test_organization_exit_code_is_that_of_status_over_every_row(
    cli: Cli, logs: LogsEndpoint, states: list[str], expected: int
) -> None:
    logs.rows = [report(f"{n:012d}", HOME_REGION, state) for n, state in enumerate(states)]
    assert run(cli).code == expected


def test_fails_organization_on_a_log_group_that_does_not_exist_in_one_line(cli: Cli) -> None:
    ran = cli.run("organization", "--log-group", "not-the-rollup")
    assert ran.code == EXIT_ERROR
    assert ran.err == (
        f"ses-production-access organization: not-the-rollup in {HOME_REGION}: "
        "ResourceNotFoundException: no such log group in this Region: give the roll-up's log "
        "group (SesProductionAccessStackSet.status_log_group) and the administrator's Region.\n"
    )


def test_fails_organization_when_the_query_is_denied_naming_the_permissions(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.faults["StartQuery"] = error(400, "AccessDeniedException", "User is not authorized")
    ran = run(cli)
    assert ran.code == EXIT_ERROR
    assert "AccessDeniedException: the caller may not query the log group: allow " in ran.err
    assert "User is not authorized" not in ran.err


def test_fails_organization_when_logs_insights_ends_the_query_failed(
    cli: Cli, logs: LogsEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = logs.answer

    def failing(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = real(operation, params)
        return {"status": "Failed"} if operation == "GetQueryResults" else answer

    monkeypatch.setattr(logs, "answer", failing)
    ran = run(cli)
    assert ran.code == EXIT_ERROR
    assert ran.err.endswith(": Logs Insights ended the query Failed.\n")


def test_organization_stops_a_query_still_running_at_the_timeout(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.running_polls = 10**6
    ran = cli.run("organization", "--log-group", LOG_GROUP, "--timeout", "1.5")
    assert ran.code == EXIT_ERROR
    assert "no answer in time" in ran.err
    assert ran.seconds < 1.5 + 3
    assert len(logs.stopped) == 1


def test_organization_is_bounded_by_the_timeout_when_logs_insights_hangs(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.faults["GetQueryResults"] = hung()
    ran = cli.run("organization", "--log-group", LOG_GROUP, "--timeout", "1.5")
    assert ran.code == EXIT_ERROR
    assert ran.seconds < 1.5 + 2
    assert "Traceback" not in ran.err


def test_fails_organization_without_a_log_group_as_bad_usage(cli: Cli) -> None:
    assert cli.run("organization").code == EXIT_USAGE


def test_fails_organization_with_a_window_beyond_the_roll_ups(cli: Cli) -> None:
    ran = cli.run("organization", "--log-group", LOG_GROUP, "--days", "4000")
    assert ran.code == EXIT_USAGE
    assert "'4000' is not a number of days from 1 to 3653" in ran.err



class _StillRunning:
    """A Logs Insights client whose one query never ends (no I/O)."""

    def __init__(self) -> None:
        self.stopped: list[str] = []

    def start_query(self, **_: Any) -> dict[str, str]:
        return {"queryId": "q-1"}

    def get_query_results(self, **_: Any) -> dict[str, str]:
        return {"status": "Running"}

    def stop_query(self, *, queryId: str) -> dict[str, bool]:
        self.stopped.append(queryId)
        return {"success": True}


def test_organization_never_waits_between_polls_past_the_deadline() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = _StillRunning()
    with pytest.raises(QueryError, match="no answer in time"):
        latest_states(client, LOG_GROUP, (0, 1), 1.5, clock=lambda: now[0], sleep=sleep)
    assert now[0] == pytest.approx(1.5)
    assert max(slept) <= 0.8
    assert client.stopped == ["q-1"]


def test_organization_help_gives_the_permissions_exit_codes_and_what_the_timeout_bounds(
    cli: Cli,
) -> None:
    ran = cli.run("organization", "--help")
    assert ran.code == 0
    text = " ".join(ran.out.split())
    assert "logs:StartQuery on the log group, logs:GetQueryResults and logs:StopQuery" in text
    assert "give up on Logs Insights after this long (default: 120)" in text
    assert "0 all in PRODUCTION" in text
    assert "4 a row DENIED" in text


# ---- --stack: the roll-up's log group found in the administrator's stack ---------------
# moto's CloudFormation (an independent peer) holds the stack and its resources.


def _log_group(logical_id: str, name: str) -> dict[str, Any]:
    return {logical_id: {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name}}}


@pytest.fixture
def cloudformation(cli: Cli) -> Iterator[Any]:
    """A boto3 CloudFormation client on a fresh moto server the command is pointed at."""
    import boto3

    with moto_server() as url:
        cli.environment(AWS_ENDPOINT_URL_CLOUDFORMATION=url)
        yield boto3.client(
            "cloudformation", region_name=HOME_REGION, endpoint_url=url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip


def _stack(client: Any, name: str, resources: dict[str, Any]) -> None:
    body = {"Resources": resources}
    client.create_stack(StackName=name, TemplateBody=json.dumps(body))


def test_organization_finds_the_roll_ups_log_group_in_the_administrators_stack(
    cli: Cli, logs: LogsEndpoint, cloudformation: Any
) -> None:
    _stack(cloudformation, "Admin", {
        **_log_group("SesProductionAccessStatusRollupLogGroup6A4B2C1D", LOG_GROUP),
        **_log_group("SesProductionAccessHandlerLogGroup0F1E2D3C", "another-log-group"),
    })  # fmt: skip
    logs.rows = [report("111111111111", "eu-west-1")]
    ran = cli.run("organization", "--stack", "Admin", "--timeout", "20")
    assert ran.code == EXIT_PRODUCTION, ran.err
    started = [c.params["logGroupName"] for c in logs.calls if c.operation == "StartQuery"]
    assert started == [LOG_GROUP]
    assert ran.lines()[-1] == "1 account x Region rows in 1 account: 1 PRODUCTION."


def test_fails_organization_on_a_stack_without_a_roll_up_naming_the_fix(
    cli: Cli, logs: LogsEndpoint, cloudformation: Any
) -> None:
    _stack(cloudformation, "Other", _log_group("AppLogGroup6A4B2C1D", "app"))
    ran = cli.run("organization", "--stack", "Other", "--timeout", "20")
    assert ran.code == EXIT_ERROR
    assert ran.err == (
        "ses-production-access organization: Other in eu-west-1: stack Other has no status "
        "roll-up (a SesProductionAccessStackSet's log group): give the administrator's "
        "stack, or --log-group.\n"
    )
    assert logs.count("StartQuery") == 0


def test_fails_organization_on_a_stack_with_two_roll_ups_listing_their_log_groups(
    cli: Cli, logs: LogsEndpoint, cloudformation: Any
) -> None:
    _stack(cloudformation, "Admin", {
        **_log_group("EuropeStatusRollupLogGroup6A4B2C1D", "rollup-europe"),
        **_log_group("AmericasStatusRollupLogGroup1D2C3B4A", "rollup-americas"),
    })  # fmt: skip
    ran = cli.run("organization", "--stack", "Admin", "--timeout", "20")
    assert ran.code == EXIT_ERROR
    assert ran.err.endswith(
        "has 2 status roll-ups: give --log-group, one of rollup-americas, rollup-europe.\n"
    )


def test_fails_organization_on_a_stack_that_does_not_exist_in_one_line(
    cli: Cli, cloudformation: Any
) -> None:
    ran = cli.run("organization", "--stack", "Missing", "--timeout", "20")
    assert ran.code == EXIT_ERROR
    assert ran.err == (
        "ses-production-access organization: Missing in eu-west-1: stack Missing: "
        "ValidationError: no such stack in this Region: give the administrator's stack and "
        "Region.\n"
    )


def test_fails_organization_with_both_a_log_group_and_a_stack_as_bad_usage(cli: Cli) -> None:
    ran = cli.run("organization", "--log-group", LOG_GROUP, "--stack", "Admin")
    assert ran.code == EXIT_USAGE
    assert "not allowed with argument" in ran.err


def test_organization_escapes_what_members_sent_so_no_row_is_forged(
    cli: Cli, logs: LogsEndpoint
) -> None:
    """A Region or case id is whatever a member wrote: a newline would print a row of its
    own, an escape sequence would drive the terminal."""
    forged = "eu-west-1\n999999999999  us-east-1  PRODUCTION"
    logs.rows = [
        report("111111111111", forged, "SANDBOX", CaseId="\x1b[2J\x1b]0;owned\x07"),
    ]
    ran = run(cli)
    _header, line, total = ran.lines()
    assert "\x1b" not in ran.out
    assert "\\n999999999999" in line
    assert "\\x1b[2J" in line
    assert total.endswith("1 SANDBOX.")


class _FullPages:
    """A Logs Insights client whose every query returns a full page of one account's rows
    (no I/O): made-up Regions, as a member could write them."""

    def __init__(self) -> None:
        self.prefixes: list[str] = []

    ACCOUNT = "111111111111"

    def start_query(self, *, queryString: str, **_: Any) -> dict[str, str]:
        found = re.search(r"like /\^([0-9]+)/", queryString)
        self.prefixes.append(found.group(1) if found else "")
        return {"queryId": str(len(self.prefixes) - 1)}

    def get_query_results(self, *, queryId: str) -> dict[str, Any]:
        row = [{"field": "account", "value": self.ACCOUNT},
               {"field": "detail.Region", "value": "xx-made-up-1"}]  # fmt: skip
        mine = self.ACCOUNT.startswith(self.prefixes[int(queryId)])
        return {"status": "Complete", "results": [row] * LATEST_STATE_ROWS if mine else []}

    def stop_query(self, *, queryId: str) -> dict[str, bool]:
        return {"success": True}


def test_fails_organization_when_one_account_alone_fills_a_page() -> None:
    """The deepest split is a whole account id: a full page there is never shown as the
    whole roll-up (docs/command-line.md)."""
    client = _FullPages()
    with pytest.raises(QueryError, match=r"111111111111 alone fills a page of 10,000 rows"):
        latest_states(client, LOG_GROUP, (0, 1), float("inf"), sleep=lambda s: None)
    assert "111111111111" in client.prefixes  # split down to the whole account id


def test_organization_keys_each_row_on_the_account_that_sent_it(
    cli: Cli, logs: LogsEndpoint
) -> None:
    """EventBridge sets an event's envelope account to the sender's; the detail is what the
    sender wrote. A member that claims another account in its detail makes no row of that
    account: its own row is set apart, out of the table and the exit code."""
    victim, forger = "111111111111", "222222222222"
    logs.rows = [
        report(victim, "eu-west-1", "SANDBOX"),
        {**report(forger, "eu-west-1", "PRODUCTION"), "ClaimedAccount": victim},
    ]
    ran = run(cli)
    _header, line, total = ran.lines()
    assert line.split()[:3] == [victim, "eu-west-1", "SANDBOX"]
    assert total == "1 account x Region rows in 1 account: 1 SANDBOX."
    assert ran.code == EXIT_SANDBOX
    assert f"not shown: account {forger} reported eu-west-1 as account {victim}" in ran.err


def test_a_failed_deployment_is_a_row_that_counts_and_a_removed_one_does_not(
    cli: Cli, logs: LogsEndpoint
) -> None:
    logs.rows = [
        report("111111111111", "eu-west-1", "PRODUCTION"),
        report("222222222222", "eu-west-1", "FAILED", Failure="ACCESS_DENIED"),
        report("333333333333", "eu-west-1", "REMOVED"),
    ]
    ran = run(cli)
    _header, _production, failed, removed, total = ran.lines()
    assert failed.split()[:4] == ["222222222222", "eu-west-1", "FAILED", "(ACCESS_DENIED)"]
    assert removed.split()[:3] == ["333333333333", "eu-west-1", "REMOVED"]
    assert total.endswith("1 FAILED, 1 PRODUCTION, 1 REMOVED.")
    assert ran.code == EXIT_ERROR  # the failure counts
    logs.rows = [logs.rows[0], logs.rows[2]]
    assert run(cli).code == EXIT_PRODUCTION  # the removal does not
