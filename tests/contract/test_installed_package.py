"""The installed-package stack is built from the wheel: the process that synthesized it
imported the package from the fresh venv the wheel is installed in, read nothing of the
source tree, and the function's inline code is the handler the wheel ships, stripped."""

from __future__ import annotations

import zipfile
from pathlib import Path

from support.wheel_install import WHEEL_HANDLER, InstalledWheel

from contract.cloud_assembly import ROOT, Synthesized
from contract.scenarios import INSTALLED
from ses_production_access.inline.minify import slim


def _in(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder)


def test_installed_stack_is_synthesized_by_the_fresh_venvs_python(
    synthesized: Synthesized, installed_wheel: InstalledWheel
) -> None:
    report = synthesized.installed_report
    assert Path(report["executable"]) == installed_wheel.python
    assert not installed_wheel.venv.is_relative_to(ROOT)


def test_installed_stack_imports_the_package_and_handler_from_the_wheel(
    synthesized: Synthesized, installed_wheel: InstalledWheel
) -> None:
    report = synthesized.installed_report
    assert _in(report["package"], installed_wheel.site_packages), report["package"]
    assert Path(report["handler_folder"]).resolve() == installed_wheel.handler().parent
    assert str(ROOT) not in report["sys_path"]
    assert report["opened_in_repo"] == []


def test_installed_stacks_inline_code_is_the_stripped_handler_the_wheel_ships(
    synthesized: Synthesized, installed_wheel: InstalledWheel
) -> None:
    assert synthesized.code_files[INSTALLED] == ("index.py",)
    code = (synthesized.artefacts[INSTALLED].code_dir / "index.py").read_text()
    with zipfile.ZipFile(installed_wheel.wheel) as archive:
        shipped = archive.read(WHEEL_HANDLER)
    assert installed_wheel.handler().read_bytes() == shipped
    # The venv's Python is this one: ast.unparse writes the same text. The watcher is on by
    # default (feature watch, which needs events).
    assert code == slim(shipped.decode("utf-8"), features=("watch", "events"))
