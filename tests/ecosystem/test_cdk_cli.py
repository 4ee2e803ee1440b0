"""The pinned CDK CLI (package.json and package-lock.json) synthesizes the example app,
offline and with no AWS credentials."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ecosystem.ecosystem_support import EXAMPLE_STACK, ROOT

CLI = "aws-cdk"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli_environment(home: Path) -> dict[str, str]:
    """This environment minus every AWS credential and config, with the venv's python3
    first on PATH (cdk.json runs ``python3 app.py``)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        CDK_DISABLE_CLI_TELEMETRY="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    return env


def npx_cdk(*args: str, home: Path) -> Run:
    """``npx cdk ARGS`` from the repo root; --no-install: the pinned CLI or nothing."""
    done = subprocess.run(
        ["npx", "--no-install", "cdk", *args],
        cwd=ROOT,
        env=cli_environment(home),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-home")


def pinned_versions() -> dict[str, str]:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return {
        "package.json": package["devDependencies"][CLI],
        "package-lock.json (root)": lock["packages"][""]["devDependencies"][CLI],
        "package-lock.json (resolved)": lock["packages"][f"node_modules/{CLI}"]["version"],
    }


def test_cli_version_is_pinned_exactly_in_package_json_and_its_lock_file() -> None:
    versions = pinned_versions()
    assert re.fullmatch(r"\d+\.\d+\.\d+", versions["package.json"]), versions
    assert set(versions.values()) == {versions["package.json"]}, versions


def test_npx_cdk_runs_the_pinned_cli_version(home: Path) -> None:
    run = npx_cdk("--version", home=home)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == pinned_versions()["package.json"]


def test_cdk_synth_of_the_example_app_writes_its_stack_without_credentials(
    tmp_path: Path, home: Path
) -> None:
    # The suite's one `cdk synth`.
    run = npx_cdk("synth", "--no-notices", "-o", str(tmp_path / "cdk.out"), home=home)
    assert run.returncode == 0, run.stderr
    template: dict[str, Any] = json.loads(
        (tmp_path / "cdk.out" / f"{EXAMPLE_STACK}.template.json").read_text()
    )
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"Custom::SesProductionAccess", "AWS::Lambda::Function"} <= types
