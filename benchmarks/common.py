"""What every benchmark shares: paths, labels, limits, logging, medians, child processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TESTS = ROOT / "tests"
STACKS = BENCH / "stacks.py"
HANDLER_CHILD = BENCH / "handler_child.py"
DEFAULT_JSON = BENCH / "results.json"

sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(TESTS))

LABELS = {
    "empty": "empty stack",
    "construct": "SesProductionAccess",
    "aws_custom_resource": "2 x AwsCustomResource",
    "provider": "Provider + Python fn",
}
HANDLERS: dict[str, dict[str, str]] = {
    # The construct's own handler: the inline code of the synthesized construct stack,
    # written to index.py as CloudFormation does (see inline_code_dir).
    "construct": {"code": "", "module": "index", "entry": "run"},
    # The Provider variant's minimal on_event function.
    "provider": {
        "code": str(BENCH / "provider_handler"),
        "module": "index",
        "entry": "on_event",
    },
}
ACCOUNT_STATES = ("production", "pending", "sandbox")
SES_OPERATIONS = ("GetAccount", "PutAccountDetails")
# What the AwsCustomResource pair sends per Create/Update, whatever the account's state:
# its two SDK calls, unconditionally (derived from the template, not run: the handler is
# Node.js code that needs the Lambda runtime's AWS SDK).
AWS_CUSTOM_RESOURCE_CALLS = {"GetAccount": 1, "PutAccountDetails": 1}

RESOURCE_LIMIT = 5
# CloudFormation's limit for a template from S3 (TemplateURL: CreateStack API reference).
TEMPLATE_URL_MAX_BYTES = 1024 * 1024
HANDLER_SOURCE = ROOT / "lambda" / "index.py"
CLI = Path(sys.executable).parent / "ses-production-access"
ALTERNATIVES_STATED = {"aws_custom_resource": 6, "provider": 7}
SYNTH_RATIO_LIMIT = 1.10
STARTUP_RATIO_LIMIT = 1.3  # a command's start-up next to `python -c "import boto3"`
SYNTH_TIMEOUT_S = 300
CHILD_TIMEOUT_S = 120
SUITE_TIMEOUT_S = 3600


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"median": median(values), "min": min(values), "max": max(values), "n": len(values)}


def cdk_env(outdir: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDK_")}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    if outdir is not None:
        env["CDK_OUTDIR"] = str(outdir)
    return env


def last_json_line(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            parsed: dict[str, Any] = json.loads(line)
            return parsed
    raise RuntimeError(f"no JSON line in the output:\n{text[-2000:]}")


def run_child(
    args: Sequence[str], what: str, cwd: Path, env: dict[str, str], timeout: float
) -> tuple[dict[str, Any], float]:
    """Run one of our own scripts; return the last JSON line it printed and its wall time."""
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603  (our own scripts, fixed arguments)
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{proc.stderr[-4000:]}")
    return last_json_line(proc.stdout), wall


