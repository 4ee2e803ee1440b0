"""4. The command line: its start-up next to `python -c "import boto3"` (`status --help`, and
`status` for one Region against a local SES endpoint); `status --all-regions` against a local
SES endpoint that answers each call after 200 ms, next to the same calls one Region after
another; `status` with one Region hanging and one refusing, bounded by `--timeout`; and
`organization` over a roll-up of 10,000 account x Region rows from a local Logs Insights."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from common import (
    CLI,
    median,
)
from invocation import (
    _child_env,
)

STATUS_DELAY_S = 0.2  # each GetAccount is answered after this long
STATUS_TIMEOUT_S = 30.0
STATUS_HOME_REGION = "eu-west-1"
STARTUP_SAMPLES = 7  # fresh processes per command, interleaved; the medians are compared
BOUNDED_TIMEOUT_S = 3.0  # `status --timeout` with one Region hanging, one refusing
ROLLUP_ACCOUNTS = 500  # x ROLLUP_REGIONS: one full Logs Insights page (10,000 rows)
ROLLUP_REGIONS = 20


@contextmanager
def _aws_environment(ses_url: str, account_url: str = "") -> Iterator[dict[str, str]]:
    """This process's environment pointed at the local SES endpoint (and Account API, for
    --all-regions' ListRegions; restored after); yields the same for a child process."""
    child = {
        **_child_env(ses_url, STATUS_HOME_REGION),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    if account_url:
        child["AWS_ENDPOINT_URL_ACCOUNT"] = account_url
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        os.environ.pop(name, None)
    os.environ.update({k: v for k, v in child.items() if k.startswith("AWS_")})
    try:
        yield child
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _script_wall(
    args: Sequence[str], env: dict[str, str], command: Sequence[str] = (str(CLI),)
) -> tuple[float, int, int]:
    """(wall seconds, exit code, lines printed) of the console script (or `command`)."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
        [*command, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return time.perf_counter() - started, done.returncode, len(done.stdout.splitlines())


def status_bench() -> dict[str, Any]:
    """`status --all-regions` against a local SES endpoint that answers each GetAccount
    after STATUS_DELAY_S, next to the same reads one Region after another."""
    import boto3
    from contract.model_endpoint import AccountEndpoint
    from contract.ses_endpoint import SesEndpoint, slow

    from ses_production_access.cli import common
    from ses_production_access.cli import status as status_command

    default_session = boto3.DEFAULT_SESSION
    with (
        SesEndpoint() as ses,
        AccountEndpoint() as account,
        _aws_environment(ses.url, account.url) as child_env,
    ):
        ses.always("GetAccount", slow(STATUS_DELAY_S))
        regions = status_command.ses_regions(common.aws_session(None))
        # Every SES Region enabled: --all-regions reads them all, as the figure always did.
        account.regions = dict.fromkeys(regions, "ENABLED_BY_DEFAULT")
        status_command.read_regions(regions[:1], STATUS_TIMEOUT_S)  # the handler, the SDK's models
        started = time.perf_counter()
        parallel_rows = status_command.read_regions(regions, STATUS_TIMEOUT_S)
        parallel = time.perf_counter() - started
        started = time.perf_counter()
        sequential_rows = [
            row
            for region in regions
            for row in status_command.read_regions([region], STATUS_TIMEOUT_S)
        ]
        sequential = time.perf_counter() - started
        script_all = _script_wall(["status", "--all-regions", "--json"], child_env)
        script_one = _script_wall(["status", "--json"], child_env)
        failed = [r.region for r in parallel_rows + sequential_rows if r.error_code is not None]
    boto3.DEFAULT_SESSION = default_session
    if failed or script_all[2] != len(regions):
        raise RuntimeError(f"status against the local endpoint failed: {failed or script_all}")
    return {
        "regions": len(regions),
        "answer_delay_s": STATUS_DELAY_S,
        "parallel_s": parallel,
        "sequential_s": sequential,
        "speed_up": sequential / parallel,
        "script_all_regions_wall_s": script_all[0],
        "script_all_regions_exit_code": script_all[1],
        "script_one_region_wall_s": script_one[0],
    }


def startup_bench(samples: int = STARTUP_SAMPLES) -> dict[str, Any]:
    """Fresh-process wall times, interleaved so that the machine's load hits each alike:
    `python -c "import boto3"` (the floor a boto3 command cannot go under), `status --help`,
    and `status` for one Region against a local SES endpoint that answers at once."""
    import sys

    from contract.ses_endpoint import SesEndpoint

    walls: dict[str, list[float]] = {"import_boto3": [], "status_help": [], "status_one": []}
    with SesEndpoint() as ses, _aws_environment(ses.url) as child_env:
        ses.account(STATUS_HOME_REGION).grant()
        runs = {
            "import_boto3": (["-c", "import boto3"], (sys.executable,)),
            "status_help": (["status", "--help"], (str(CLI),)),
            "status_one": (["status", "--region", STATUS_HOME_REGION, "--json"], (str(CLI),)),
        }
        for _ in range(samples):
            for name, (args, command) in runs.items():
                wall, code, _lines = _script_wall(args, child_env, command)
                if code != 0:
                    raise RuntimeError(f"{name} exited {code}")
                walls[name].append(wall)
    floor = median(walls["import_boto3"])
    return {
        "samples": samples,
        "walls_s": walls,
        "import_boto3_s": floor,
        "status_help_s": median(walls["status_help"]),
        "status_one_region_s": median(walls["status_one"]),
        "status_help_ratio": median(walls["status_help"]) / floor,
        "status_one_region_ratio": median(walls["status_one"]) / floor,
    }


def bounded_bench(timeout: float = BOUNDED_TIMEOUT_S) -> dict[str, Any]:
    """`status` for three Regions, one hanging and one refusing (AccessDenied), with
    `--timeout`: its wall time, next to the bound the command promises (the timeout, its
    grace, and one start-up)."""
    from contract.ses_endpoint import SesEndpoint, access_denied, hung

    from ses_production_access.cli import common

    hanging, refusing = "ap-south-1", "us-east-1"
    with SesEndpoint() as ses, _aws_environment(ses.url) as child_env:
        ses.account(STATUS_HOME_REGION).grant()
        ses.in_region(hanging, hung())
        ses.in_region(refusing, access_denied("GetAccount"))
        regions = [STATUS_HOME_REGION, hanging, refusing]
        args = ["status", "--json", "--timeout", f"{timeout:g}"]
        wall, code, lines = _script_wall(
            [*args, *(part for region in regions for part in ("--region", region))], child_env
        )
    if lines != len(regions) or code != common.EXIT_ERROR:
        raise RuntimeError(f"status with a hanging Region: exit {code}, {lines} rows")
    return {
        "regions": len(regions),
        "timeout_s": timeout,
        "grace_s": common.GRACE_SECONDS,
        "wall_s": wall,
        "exit_code": code,
    }


def organization_bench() -> dict[str, Any]:
    """`organization --json` over a roll-up of ROLLUP_ACCOUNTS x ROLLUP_REGIONS rows served
    by a local Logs Insights stand-in (each query complete at its first poll): a full page,
    so the command asks again by account-id digit. Its wall time, the queries it started and
    the rows it printed."""
    from contract.model_endpoint import LogsEndpoint
    from contract.ses_endpoint import SesEndpoint

    from ses_production_access.cli import common
    from ses_production_access.organization.queries import LATEST_STATE_ROWS, latest_state_query

    log_group = "Benchmark-RolloutStatusRollup"
    with (
        SesEndpoint() as ses,
        _aws_environment(ses.url) as child_env,
        LogsEndpoint(log_group, latest_state_query(), LATEST_STATE_ROWS) as logs,
    ):
        logs.rows = [
            {
                "account": f"{n * 1_999_999_999 % 10**12:012d}",
                "detail.Region": f"eu-west-{region}",
                "SandboxStatus": "PRODUCTION",
                "LastReport": "2026-12-01 10:00:00.000",
            }
            for n in range(ROLLUP_ACCOUNTS)
            for region in range(1, ROLLUP_REGIONS + 1)
        ]
        env = {**child_env, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": logs.url}
        args = ["organization", "--log-group", log_group, "--json", "--timeout", "60"]
        wall, code, lines = _script_wall(args, env)
        queries = len(logs.started_queries)
    rows = ROLLUP_ACCOUNTS * ROLLUP_REGIONS
    if lines != rows or code != common.EXIT_PRODUCTION:
        raise RuntimeError(f"organization over {rows} rows: exit {code}, {lines} rows printed")
    return {"rows": rows, "accounts": ROLLUP_ACCOUNTS, "queries": queries, "wall_s": wall}
