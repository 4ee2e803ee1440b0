"""The wheel: built from the repo, installed into a fresh virtual environment outside it,
it synthesizes the example app with nothing from the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk
import pytest

from ecosystem.ecosystem_support import EXAMPLE_APP, EXAMPLE_STACK, ROOT

PACKAGE = "ses_production_access"
HANDLER = ROOT / "lambda" / "index.py"
# aws-cdk-lib, constructs and their dependencies come from the repo's venv (installing
# them afresh takes ~100 MB of downloads). Its folder is added by a plain path line of a
# .pth file, so the .pth files inside it, among them the editable install of this repo,
# are not run: the fresh venv cannot import the package from the source tree.
DEPENDENCIES = Path(aws_cdk.__file__).resolve().parents[1]

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
from ses_production_access._handler import handler_code_path

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
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of the repo with the venv's build backend (hatchling), offline."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        timeout=120,
    )  # fmt: skip
    (built,) = dist.glob(f"{PACKAGE}-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel in a fresh venv, and the example app synthesized there."""
    work = tmp_path_factory.mktemp("wheel-user")
    assert not work.resolve().is_relative_to(ROOT)
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=120,
    )  # fmt: skip
    site_packages = subprocess.run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site_packages) / "zz_dependencies.pth").write_text(f"{DEPENDENCIES}\n")

    (work / "app.py").write_text(EXAMPLE_APP.read_text())
    (work / "synth.py").write_text(SYNTH)
    outdir = work / "cdk.out"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(CDK_OUTDIR=str(outdir), JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    done = subprocess.run(
        [str(python), "-I", "synth.py", str(ROOT), str(DEPENDENCIES), str(work / "report.json")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads((work / "report.json").read_text())
    return Installed(venv=env_dir.resolve(), outdir=outdir, report=report)


def function_asset(outdir: Path) -> Path:
    """The folder in cdk.out that becomes the function's code."""
    template = json.loads((outdir / f"{EXAMPLE_STACK}.template.json").read_text())
    (function,) = (
        resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    )
    key: str = function["Properties"]["Code"]["S3Key"]
    return outdir / f"asset.{key.removesuffix('.zip')}"


def test_wheel_ships_the_type_marker_and_the_handler(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert f"{PACKAGE}/py.typed" in names
        assert archive.read(f"{PACKAGE}/_lambda/index.py") == HANDLER.read_bytes()


def test_wheel_holds_the_package_sources_and_nothing_else(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = {name for name in archive.namelist() if ".dist-info/" not in name}
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / PACKAGE).glob("*.py")}
    assert names == modules | {f"{PACKAGE}/py.typed", f"{PACKAGE}/_lambda/index.py"}


def test_installed_package_is_imported_from_the_fresh_venv(installed: Installed) -> None:
    assert Path(installed.report["package"]).resolve().is_relative_to(installed.venv)
    assert Path(installed.report["handler_folder"]).resolve().is_relative_to(installed.venv)


def test_synthesis_from_the_wheel_reads_nothing_from_the_source_tree(
    installed: Installed,
) -> None:
    assert installed.report["opened_in_repo"] == []
    assert str(ROOT) not in installed.report["sys_path"]


def test_function_asset_holds_exactly_the_handler(installed: Installed) -> None:
    asset = function_asset(installed.outdir)
    assert sorted(p.relative_to(asset).as_posix() for p in asset.rglob("*")) == ["index.py"]
    assert (asset / "index.py").read_bytes() == HANDLER.read_bytes()


def test_construct_synthesizes_without_importing_cdk_nag(installed: Installed) -> None:
    assert installed.report["cdk_nag_imported"] is False
