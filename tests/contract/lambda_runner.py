"""Runs the synthesized function the way Lambda does: a fresh Python process per
invocation, whose import path is only the code folder plus boto3, with the template's
handler string, timeout and environment, SES (and CloudFormation's DescribeStacks, when
given) reached through the standard ``AWS_ENDPOINT_URL_SESV2`` (and
``AWS_ENDPOINT_URL_CLOUDFORMATION``) variables with dummy credentials."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import CA_FILE

from contract.cloud_assembly import Artefact
from contract.local_endpoint import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY

BOOTSTRAP = Path(__file__).resolve().parent / "lambda_bootstrap.py"
TIMED_OUT_EXIT_CODE = 124
# Lambda's init phase has its own 10 s limit, outside the function's timeout.
INIT_ALLOWANCE_SECONDS = 10.0
# The runner's last resort if the bootstrap itself failed to stop the function.
KILL_SLACK_SECONDS = 5.0
# Where traffic for anything but 127.0.0.1 would go: a closed local port, so that a
# handler that ignored AWS_ENDPOINT_URL_SESV2 fails here instead of reaching AWS.
DEAD_PROXY = "http://127.0.0.1:9"


def build_boto3_layer(target: Path) -> Path:
    """A folder with boto3 and the packages it needs, nothing else (what the Lambda
    runtime provides): symlinks into this interpreter's site-packages."""
    target.mkdir(parents=True, exist_ok=True)
    for distribution in _requirement_closure("boto3"):
        dist = importlib.metadata.distribution(distribution)
        for top in _top_level(dist):
            source = Path(str(dist.locate_file(top)))
            link = target / top
            if source.exists() and not link.exists():
                link.symlink_to(source)
    return target


def _requirement_closure(root: str) -> list[str]:
    seen: list[str] = []
    todo = [root]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.append(key)
        for requirement in importlib.metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue
            match = re.match(r"[A-Za-z0-9._-]+", requirement)
            if match:
                todo.append(match.group())
    return seen


def _top_level(dist: importlib.metadata.Distribution) -> set[str]:
    listed = dist.read_text("top_level.txt")
    if listed:
        names = {line.strip() for line in listed.splitlines() if line.strip()}
        return {n for n in names} | {f"{n}.py" for n in names}
    tops = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info")) or first in ("..", "__pycache__"):
            continue
        if len(file.parts) == 1 and not first.endswith(".py"):
            continue
        tops.add(first)
    return tops


@dataclass(frozen=True)
class Run:
    """One invocation as the runtime saw it."""

    exit_code: int
    output: str
    status: dict[str, Any] = field(default_factory=dict)
    killed_by_runner: bool = False

    @property
    def timed_out(self) -> bool:
        """Stopped at the function's timeout, as Lambda would have stopped it."""
        return (
            self.killed_by_runner
            or bool(self.status.get("timed_out"))
            or self.exit_code == TIMED_OUT_EXIT_CODE
        )

    @property
    def invoke_started(self) -> float | None:
        value = self.status.get("invoke_started")
        return float(value) if value is not None else None

    @property
    def invoke_ended(self) -> float | None:
        value = self.status.get("invoke_ended")
        return float(value) if value is not None else None


class LambdaRuntime:
    """Invokes an artefact's function; `layer` holds boto3 and its dependencies."""

    def __init__(self, layer: Path, python: str = sys.executable) -> None:
        self.layer = layer
        self.python = python

    def environment(
        self,
        artefact: Artefact,
        region: str,
        ses_url: str,
        cloudformation_url: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(artefact.code_dir),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{artefact.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": artefact.function_name(),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(artefact.memory_mib),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
            "AWS_SESSION_TOKEN": "contract-test-dummy-session-token",
            # No shared files, no instance metadata: the environment is all there is.
            "AWS_CONFIG_FILE": "/nonexistent/aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
            "AWS_EC2_METADATA_DISABLED": "true",
            "HTTP_PROXY": DEAD_PROXY,
            "HTTPS_PROXY": DEAD_PROXY,
            "http_proxy": DEAD_PROXY,
            "https_proxy": DEAD_PROXY,
            # The response receiver's test CA (the handler answers only https URLs).
            "SSL_CERT_FILE": CA_FILE,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        env.update(artefact.environment)
        env["AWS_ENDPOINT_URL_SESV2"] = ses_url
        if cloudformation_url is not None:
            env["AWS_ENDPOINT_URL_CLOUDFORMATION"] = cloudformation_url
        env.update(extra or {})
        return env

    def invoke(
        self,
        artefact: Artefact,
        event: dict[str, Any],
        region: str,
        ses_url: str,
        cloudformation_url: str | None = None,
        extra_environment: dict[str, str] | None = None,
    ) -> Run:
        with tempfile.TemporaryDirectory(prefix="lambda-invoke-") as scratch:
            event_path = Path(scratch) / "event.json"
            status_path = Path(scratch) / "status.json"
            event_path.write_text(json.dumps(event))
            command = [
                self.python,
                "-I",  # no environment variables, user site or script folder on the path
                "-S",  # no site-packages: the bootstrap sets the path
                str(BOOTSTRAP),
                str(artefact.code_dir),
                str(self.layer),
                artefact.handler,
                str(artefact.timeout_seconds),
                str(event_path),
                str(status_path),
            ]
            process = subprocess.Popen(
                command,
                cwd=scratch,
                env=self.environment(
                    artefact, region, ses_url, cloudformation_url, extra_environment
                ),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            killed = False
            limit = INIT_ALLOWANCE_SECONDS + artefact.timeout_seconds + KILL_SLACK_SECONDS
            try:
                output, _ = process.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
                killed = True
            status = json.loads(status_path.read_text()) if status_path.exists() else {}
            return Run(
                exit_code=process.returncode,
                output=output.decode("utf-8", errors="replace"),
                status=status,
                killed_by_runner=killed,
            )
