"""The wheel: built from the repo, installed into a fresh virtual environment outside it,
it synthesizes the example app with nothing from the source tree, the handler it ships read
into the template at synth, and its console script writes the plain template."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.wheel_install import PACKAGE, WHEEL_HANDLER, InstalledWheel

from ecosystem.ecosystem_support import EXAMPLE_APP, EXAMPLE_STACK, ROOT
from ses_production_access.inline.minify import slim

HANDLER = ROOT / "lambda" / "index.py"

# Runs in the fresh venv (python -I: no PYTHONPATH, no script folder, no user site), in a
# folder outside the repo, and records every file or folder Python opens in the repo
# outside the venv's dependencies, then runs a copy of the example app.
SYNTH = """
import json, os, runpy, sys

repo, dependencies, report = sys.argv[1:4]
opened_in_repo = []


def audit(event, args):
    if event in ("open", "os.listdir", "os.scandir") and isinstance(args[0], (str, bytes)):
        path = os.path.abspath(os.fsdecode(args[0]))
        in_dependencies = path == dependencies or path.startswith(dependencies + os.sep)
        if path.startswith(repo + os.sep) and not in_dependencies:
            opened_in_repo.append(path)


sys.addaudithook(audit)
runpy.run_path("app.py", run_name="__main__")

import ses_production_access
from ses_production_access.inline.code import handler_code_path

with open(report, "w") as out:
    json.dump(
        {
            "package": ses_production_access.__file__,
            "handler_folder": str(handler_code_path()),
            "sys_path": sys.path,
            "opened_in_repo": opened_in_repo,
            "cdk_nag_imported": "cdk_nag" in sys.modules,
        },
        out,
    )
"""


@dataclass(frozen=True)
class Installed:
    venv: Path
    outdir: Path
    report: dict[str, Any]


@pytest.fixture(scope="module")
def wheel(installed_wheel: InstalledWheel) -> Path:
    """``pip wheel`` of the repo with the venv's build backend (hatchling), offline; built
    once a session by tests/support/wheel_install.py."""
    return installed_wheel.wheel


@pytest.fixture(scope="module")
def installed(
    installed_wheel: InstalledWheel, tmp_path_factory: pytest.TempPathFactory
) -> Installed:
    """The wheel in a fresh venv (see tests/support/wheel_install.py: its dependencies come from the
    repo's venv through a plain .pth path line), and the example app synthesized there."""
    work = tmp_path_factory.mktemp("wheel-user")
    assert not work.resolve().is_relative_to(ROOT)
    assert not installed_wheel.venv.is_relative_to(ROOT)
    dependencies = installed_wheel.dependencies

    (work / "app.py").write_text(EXAMPLE_APP.read_text())
    (work / "synth.py").write_text(SYNTH)
    outdir = work / "cdk.out"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(CDK_OUTDIR=str(outdir), JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    done = subprocess.run(
        [str(installed_wheel.python), "-I", "synth.py", str(ROOT), str(dependencies),
         str(work / "report.json")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((work / "report.json").read_text())
    return Installed(venv=installed_wheel.venv, outdir=outdir, report=report)


def inline_code(template: dict[str, Any]) -> str:
    """The function's code as the template carries it."""
    (function,) = (
        resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    )
    code: str = function["Properties"]["Code"]["ZipFile"]
    return code


def test_wheel_ships_the_type_marker_and_the_handler(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert f"{PACKAGE}/py.typed" in names
        assert archive.read(WHEEL_HANDLER) == HANDLER.read_bytes()


def test_wheel_holds_the_package_sources_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if ".dist-info/" not in name}
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / PACKAGE).rglob("*.py")}
    assert names == modules | {f"{PACKAGE}/py.typed", WHEEL_HANDLER}


def test_installed_package_is_imported_from_the_fresh_venv(installed: Installed) -> None:
    assert Path(installed.report["package"]).resolve().is_relative_to(installed.venv)
    assert Path(installed.report["handler_folder"]).resolve().is_relative_to(installed.venv)


def test_synthesis_from_the_wheel_reads_nothing_from_the_source_tree(
    installed: Installed,
) -> None:
    assert installed.report["opened_in_repo"] == []
    assert str(ROOT) not in installed.report["sys_path"]


def test_inline_code_is_the_stripped_form_of_the_shipped_handler(
    installed: Installed, installed_wheel: InstalledWheel
) -> None:
    template = json.loads((installed.outdir / f"{EXAMPLE_STACK}.template.json").read_text())
    shipped = installed_wheel.handler().read_text()
    # The example app watches (the watcher sends the status event: feature events).
    assert inline_code(template) == slim(shipped, features=("watch", "events"))
    assert not list(installed.outdir.glob("asset.*"))


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith("/entry_points.txt")]
        lines = archive.read(entry_points).decode().splitlines()
    assert "[console_scripts]" in lines
    assert "ses-production-access = ses_production_access.cli.main:main" in lines


def test_installed_console_script_writes_the_plain_template_outside_the_repo(
    installed_wheel: InstalledWheel, tmp_path: Path
) -> None:
    script = installed_wheel.venv / "bin" / "ses-production-access"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    done = subprocess.run(
        [str(script), "template", "--output", "plain.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    template = json.loads((tmp_path / "plain.json").read_text())
    shipped = installed_wheel.handler().read_text()
    # Its values are parameters: the deploy-time checks go with it (feature validate); the
    # watcher is on by default (feature watch, which needs events).
    assert inline_code(template) == slim(shipped, features=("validate", "watch", "events"))
    assert "WebsiteURL" in template["Parameters"]


def test_construct_synthesizes_without_importing_cdk_nag(installed: Installed) -> None:
    assert installed.report["cdk_nag_imported"] is False
