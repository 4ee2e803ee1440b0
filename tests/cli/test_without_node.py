"""The commands where pipelines run them: a machine with Python, boto3 and credentials but
no Node.js on the PATH. ``status``, ``request``, ``readiness`` and ``organization`` run
(the installed console script, in a process of its own) and print no traceback;
``template``, which needs aws-cdk-lib, says in one line what to install."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from contract.model_endpoint import LogsEndpoint
from support.cli import HOME_REGION, Cli, command_line

from cli.test_request import REQUEST
from ses_production_access.cli.common import EXIT_FAILED, EXIT_PRODUCTION, EXIT_SANDBOX
from ses_production_access.organization.queries import LATEST_STATE_ROWS, latest_state_query


@pytest.fixture
def no_node(tmp_path: Path) -> str:
    """A PATH without node (the console script names its Python itself)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    assert shutil.which("node", path=str(empty)) is None
    return str(empty)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    with command_line(monkeypatch, capsys) as command:
        command.environment(JSII_NODE=None)
        yield command


def test_status_runs_without_node(cli: Cli, no_node: str) -> None:
    ran = cli.script("status", "--region", HOME_REGION, path=no_node)
    assert ran.code == EXIT_SANDBOX, ran.err
    assert ran.out.splitlines()[-1] == "1 Region: 1 SANDBOX."
    assert ran.err == ""


def test_request_dry_run_runs_without_node(cli: Cli, no_node: str) -> None:
    ran = cli.script(*REQUEST, "--dry-run", path=no_node)
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.out + ran.err
    assert cli.ses.count("PutAccountDetails") == 0


def test_readiness_runs_without_node(cli: Cli, no_node: str) -> None:
    ran = cli.script("readiness", "--region", HOME_REGION, path=no_node)
    assert ran.code in (0, 5), ran.err
    assert "Traceback" not in ran.out + ran.err
    assert cli.ses.count("GetAccount") == 1


def test_organization_runs_without_node(cli: Cli, no_node: str) -> None:
    query = latest_state_query()
    with LogsEndpoint("rollup", query, LATEST_STATE_ROWS) as logs:
        cli.environment(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs.url)
        ran = cli.script("organization", "--log-group", "rollup", path=no_node)
    assert ran.code == EXIT_PRODUCTION, ran.err
    assert ran.err == ""
    assert logs.count("StartQuery") == 1


def test_fails_template_without_node_in_one_line_naming_what_to_install(
    cli: Cli, no_node: str
) -> None:
    ran = cli.script("template", path=no_node)
    assert ran.code == EXIT_FAILED
    assert ran.out == ""
    assert ran.err == (
        "ses-production-access template: needs Node.js, which aws-cdk-lib runs on, and found "
        "no 'node' on the PATH: install Node.js (https://nodejs.org/), or set JSII_NODE to its "
        "path. status, request, readiness and organization do not need it.\n"
    )
