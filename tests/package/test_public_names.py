"""The public names of ``ses_production_access``, imported on first use (PEP 562)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import ses_production_access

CDK = ("aws_cdk", "jsii", "constructs")


def test_the_public_names_are_the_homes_names() -> None:
    assert sorted(ses_production_access.__all__) == sorted(ses_production_access._HOMES)


@pytest.mark.parametrize("name", ses_production_access.__all__)
def test_each_public_name_is_the_object_of_its_home(name: str) -> None:
    home = importlib.import_module(
        f"ses_production_access.{ses_production_access._HOMES[name]}"
    )
    assert getattr(ses_production_access, name) is getattr(home, name)


def test_fails_on_a_name_the_package_does_not_have() -> None:
    with pytest.raises(ImportError):
        exec("from ses_production_access import SesProductionAccessHandler", {})


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"{code}\nimport sys\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(CDK)!r}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return list(eval(run.stdout.strip().splitlines()[-1]))


def test_importing_the_package_starts_no_aws_cdk_lib() -> None:
    assert _loaded_after("import ses_production_access") == []


@pytest.mark.parametrize("command", ["status", "request", "readiness"])
def test_a_commands_help_starts_no_aws_cdk_lib(command: str) -> None:
    code = (
        "from ses_production_access.cli.main import main\n"
        f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code) == []


def test_the_probe_sees_aws_cdk_lib_when_a_construct_is_used() -> None:
    assert "aws_cdk" in _loaded_after("from ses_production_access import SesProductionAccess")
