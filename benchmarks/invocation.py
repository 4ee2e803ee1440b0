"""3. The handler: cold start and warm invocations against a local SES v2 endpoint, and SES
calls per deployment for each account state; the same for a minimal Provider handler."""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    ACCOUNT_STATES,
    AWS_CUSTOM_RESOURCE_CALLS,
    CHILD_TIMEOUT_S,
    HANDLER_CHILD,
    HANDLERS,
    SES_OPERATIONS,
    log,
    run_child,
    spread,
)
from support import CA_FILE, ResponseReceiver, load_event


@dataclass
class Endpoints:
    """The contract tests' SES v2 endpoint and a CloudFormation response receiver."""

    ses: Any
    receiver: ResponseReceiver


@contextmanager
def endpoints(state: str, region: str) -> Iterator[Endpoints]:
    from contract.ses_endpoint import SesEndpoint

    with SesEndpoint() as ses, ResponseReceiver() as receiver:
        account = ses.account(region)
        if state == "production":
            account.grant()
        elif state == "pending":
            account.review("PENDING")
        elif state != "sandbox":
            raise ValueError(state)
        yield Endpoints(ses, receiver)


def _child_env(ses_url: str, region: str) -> dict[str, str]:
    """What a Lambda function's environment would hold, pointed at 127.0.0.1; nothing of
    the caller's AWS configuration leaks in."""
    from contract.ses_endpoint import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL_SESV2": ses_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1",
        # The response receiver's test CA: the handler answers only https URLs.
        "SSL_CERT_FILE": CA_FILE,
    }


def invoke_child(
    handler: str, endpoints_: Endpoints, region: str, invocations: int, work: Path
) -> dict[str, Any]:
    """One fresh process: import the handler, invoke it `invocations` times (first cold)."""
    event_file = work / "event.json"
    event_file.write_text(json.dumps(load_event("create", response_url=endpoints_.receiver.url)))
    # The code as the Lambda package holds it: no .pyc, so the module is compiled at
    # import as on Lambda; -B keeps it that way.
    code = work / f"code-{handler}"
    if not code.exists():
        shutil.copytree(
            HANDLERS[handler]["code"], code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    config: dict[str, Any] = {
        **HANDLERS[handler],
        "code": str(code),
        "site": sysconfig.get_paths()["purelib"],
        "event": str(event_file),
        "invocations": invocations,
    }
    calls_before = {op: endpoints_.ses.count(op) for op in SES_OPERATIONS}
    puts_before = len(endpoints_.receiver.accepted)
    spawned_at = time.time()
    result, wall = run_child(
        ["-I", "-S", "-B", str(HANDLER_CHILD), json.dumps(config)],
        f"{handler} handler process",
        work,
        _child_env(endpoints_.ses.url, region),
        CHILD_TIMEOUT_S,
    )
    result["process_wall_s"] = wall
    result["interpreter_start_s"] = result["started_at"] - spawned_at
    result["ses_calls"] = {op: endpoints_.ses.count(op) - calls_before[op] for op in SES_OPERATIONS}
    result["response_puts"] = len(endpoints_.receiver.accepted) - puts_before
    return result


def handler_bench(cold_runs: int, warm_invocations: int, work: Path) -> dict[str, Any]:
    event = load_event("create")
    region = str(event["ResourceProperties"]["Region"])
    cold: dict[str, list[dict[str, Any]]] = {h: [] for h in HANDLERS}
    with endpoints("production", region) as production:
        for run in range(cold_runs):
            for handler in HANDLERS:
                cold[handler].append(
                    invoke_child(handler, production, region, 1 + warm_invocations, work)
                )
            log(f"handler: cold start {run + 1}/{cold_runs} done")

    timing: dict[str, Any] = {}
    for handler, samples in cold.items():
        first = [s["invocations_s"][0] for s in samples]
        imports = [s["import_s"] for s in samples]
        warm = [d for s in samples for d in s["invocations_s"][1:]]
        invocations = sum(len(s["invocations_s"]) for s in samples)
        get_calls = sum(s["ses_calls"]["GetAccount"] for s in samples)
        timing[handler] = {
            "interpreter_start_s": spread([s["interpreter_start_s"] for s in samples]),
            "import_s": spread(imports),
            "first_invocation_s": spread(first),
            "cold_total_s": spread([i + f for i, f in zip(imports, first, strict=True)]),
            "process_wall_s": spread([s["process_wall_s"] for s in samples]),
            "warm_invocation_s": spread(warm),
            "boto3_imported_by_module_import": samples[0]["boto3_imported_by_module_import"],
            "statuses": sorted({st for s in samples for st in s["statuses"]}),
            "ses_calls_per_invocation_in_production": get_calls / invocations,
        }

    per_state: dict[str, dict[str, Any]] = {h: {} for h in HANDLERS}
    for state in ACCOUNT_STATES:
        for handler in HANDLERS:
            with endpoints(state, region) as ends:
                sample = invoke_child(handler, ends, region, 1, work)
            per_state[handler][state] = {
                "ses_calls": sample["ses_calls"],
                "total_ses_calls": sum(sample["ses_calls"].values()),
                "status": sample["statuses"][0],
                "sandbox_status": sample["data"].get("SandboxStatus"),
                "response_puts": sample["response_puts"],
            }
        log(f"handler: SES calls in state {state} counted")
    per_state["aws_custom_resource"] = {
        state: {
            "ses_calls": dict(AWS_CUSTOM_RESOURCE_CALLS),
            "total_ses_calls": sum(AWS_CUSTOM_RESOURCE_CALLS.values()),
            "derived": True,
        }
        for state in ACCOUNT_STATES
    }
    return {"timing": timing, "ses_calls_per_deploy": per_state, "region": region}
