"""Running the ``ses-production-access`` command against the local SES v2 stand-in: in this
process (``main``) or as the installed console script, with dummy credentials and nothing of
the caller's AWS configuration."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from contract.model_endpoint import AccountEndpoint
from contract.ses_endpoint import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, SesEndpoint

from ses_production_access.cli.main import main

SCRIPT = Path(sys.executable).parent / "ses-production-access"
HOME_REGION = "eu-west-1"
# Variables of the caller's shell that would change what boto3 does.
AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


# Every commercial Region botocore knows for SES v2, as ListRegions lists them when the
# account has enabled them all (a test disables those it needs to).
ENABLED_REGIONS = {
    region: "ENABLED_BY_DEFAULT" for region in boto3.Session().get_available_regions("sesv2")
}


def aws_environment(
    ses_url: str, region: str | None = HOME_REGION, account_url: str | None = None
) -> dict[str, str]:
    """What boto3 needs to call the stand-ins and nothing else."""
    env = {
        "AWS_ENDPOINT_URL_SESV2": ses_url,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1",
    }
    if region is not None:
        env["AWS_DEFAULT_REGION"] = region
    if account_url is not None:
        env["AWS_ENDPOINT_URL_ACCOUNT"] = account_url
    return env


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str
    seconds: float

    def lines(self) -> list[str]:
        return self.out.splitlines()


@dataclass
class Cli:
    """The command against one SES stand-in (and the Account API's)."""

    ses: SesEndpoint
    account: AccountEndpoint
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    env: dict[str, str] = field(default_factory=dict)

    def environment(self, **changes: str | None) -> None:
        """Set (a string) or remove (None) variables of the command's environment."""
        for name, value in changes.items():
            if value is None:
                self.env.pop(name, None)
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.env[name] = value
                self.monkeypatch.setenv(name, value)

    def run(self, *args: str) -> Ran:
        """main() in this process."""
        self.capsys.readouterr()
        started = time.monotonic()
        try:
            code = main(list(args))
        except SystemExit as exited:  # argparse
            code = int(exited.code or 0)
        seconds = time.monotonic() - started
        captured = self.capsys.readouterr()
        return Ran(code, captured.out, captured.err, seconds)

    def script(self, *args: str, timeout: float = 120, path: str | None = None) -> Ran:
        """The installed console script in a process of its own (`path`: its PATH)."""
        env = {
            "PATH": path if path is not None else os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            **self.env,
        }
        started = time.monotonic()
        done = subprocess.run(
            [str(SCRIPT), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@contextmanager
def command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Cli]:
    """A stand-in, the environment pointing at it, and boto3's default session put back
    afterwards (the command sets it up afresh)."""
    session = boto3.DEFAULT_SESSION
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    try:
        with SesEndpoint() as ses, AccountEndpoint(ENABLED_REGIONS) as account:
            cli = Cli(ses, account, monkeypatch, capsys)
            cli.environment(**aws_environment(ses.url, account_url=account.url))
            yield cli
            assert ses.internal_errors == []
            assert account.internal_errors == []
    finally:
        boto3.DEFAULT_SESSION = session


def put_bodies(ses: SesEndpoint, region: str | None = None) -> list[Mapping[str, Any]]:
    return [request.json() for request in ses.calls("PutAccountDetails", region)]
