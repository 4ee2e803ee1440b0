"""``ses-production-access readiness``: the handler's readiness checks in one Region, never
a request; driven against the local SES v2 stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from contract.ses_endpoint import access_denied, hung
from support.cli import HOME_REGION, Cli, command_line, put_bodies

from ses_production_access.cli.common import EXIT_ERROR, EXIT_SANDBOX


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    with command_line(monkeypatch, capsys) as command:
        yield command


def test_a_ready_account_exits_0_and_sends_nothing(cli: Cli) -> None:
    ran = cli.run("readiness", "--region", HOME_REGION)
    assert ran.code == 0, ran.err
    assert f"{HOME_REGION}: ready." in ran.out
    assert put_bodies(cli.ses) == []


def test_an_account_that_is_not_ready_lists_its_findings_and_exits_5(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).not_ready()
    ran = cli.run("readiness", "--region", HOME_REGION)
    assert ran.code == EXIT_SANDBOX
    assert "NO_VERIFIED_IDENTITY (holds a request back)" in ran.out
    assert "NO_BOUNCE_COMPLAINT_HANDLING (holds a request back)" in ran.out


def test_readiness_is_checked_in_production_too(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).grant()
    ran = cli.run("readiness", "--region", HOME_REGION, "--json")
    assert json.loads(ran.out) == {"Region": HOME_REGION, "Ready": True, "Findings": []}


def test_json_names_each_finding_with_its_advice(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).not_ready()
    report = json.loads(cli.run("readiness", "--region", HOME_REGION, "--json").out)
    assert report["Ready"] is False
    assert [f["Code"] for f in report["Findings"]] == [
        "NO_VERIFIED_IDENTITY", "NO_BOUNCE_COMPLAINT_HANDLING",
    ]
    assert all(f["Advice"] for f in report["Findings"])


def test_access_denied_on_the_account_read_exits_3_with_the_code(cli: Cli) -> None:
    cli.ses.always("GetAccount", access_denied("GetAccount"))
    ran = cli.run("readiness", "--region", HOME_REGION)
    assert ran.code == EXIT_ERROR
    assert "AccessDeniedException" in ran.err
    assert "Traceback" not in ran.err


def test_a_hanging_region_is_given_up_in_bounded_time(cli: Cli) -> None:
    cli.ses.always("GetAccount", hung())
    ran = cli.run("readiness", "--region", HOME_REGION, "--timeout", "2")
    assert ran.code == EXIT_ERROR
    assert "no answer within 2 s" in ran.err
