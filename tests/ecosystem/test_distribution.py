"""What a published library ships: `python -m build` makes a wheel and an sdist that
`twine check` passes, with the declared license's text, the changelog and PyPI's metadata;
the CI workflow runs the README's test command on the version matrix."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest
import tomllib

from ecosystem.ecosystem_support import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
VERSION = PROJECT["version"]
DIST_NAME = "ses_production_access"
TIMEOUT_SECONDS = 300


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build` of the repo (sdist, then the wheel from it), offline: the build
    backend of this venv, no isolated build environment."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
    )
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob(f"{DIST_NAME}-{VERSION}-py3-none-any.whl")
    return wheel


def sdist_of(dist: Path) -> Path:
    (sdist,) = dist.glob(f"{DIST_NAME}-{VERSION}.tar.gz")
    return sdist


def wheel_metadata(dist: Path) -> Message:
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        text = wheel.read(f"{DIST_NAME}-{VERSION}.dist-info/METADATA").decode()
    return Parser().parsestr(text)


def sdist_names(dist: Path) -> set[str]:
    with tarfile.open(sdist_of(dist)) as sdist:
        prefix = f"{DIST_NAME}-{VERSION}/"
        return {name.removeprefix(prefix) for name in sdist.getnames()}


def test_twine_check_passes_on_the_wheel_and_the_sdist(dist: Path) -> None:
    files = [str(wheel_of(dist)), str(sdist_of(dist))]
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == len(files), done.stdout


def test_the_wheel_and_the_sdist_carry_the_apache_license_text(dist: Path) -> None:
    license_text = (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text
    with zipfile.ZipFile(wheel_of(dist)) as wheel:
        shipped = wheel.read(f"{DIST_NAME}-{VERSION}.dist-info/licenses/LICENSE").decode()
    assert shipped == license_text
    assert "LICENSE" in sdist_names(dist)


def test_the_metadata_declares_the_license_as_an_spdx_expression(dist: Path) -> None:
    metadata = wheel_metadata(dist)
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert "License :: OSI Approved :: Apache Software License" in metadata.get_all(
        "Classifier", []
    )


def test_the_classifiers_name_each_python_from_requires_python_to_the_newest_tested(
    dist: Path,
) -> None:
    metadata = wheel_metadata(dist)
    floor = re.fullmatch(r">=3\.(\d+)", metadata["Requires-Python"])
    assert floor is not None
    makefile = (ROOT / "Makefile").read_text()
    (newest,) = re.findall(r"PYTHON_NEWEST := \$\(call find_python,3\.(\d+)\)", makefile)
    (oldest,) = re.findall(r"PYTHON_OLDEST := \$\(call find_python,3\.(\d+)\)", makefile)
    assert int(oldest) == int(floor[1])
    declared = {
        c.removeprefix("Programming Language :: Python :: ")
        for c in metadata.get_all("Classifier", [])
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert declared == {f"3.{minor}" for minor in range(int(oldest), int(newest) + 1)}


def test_the_metadata_has_project_urls_keywords_and_the_readme(dist: Path) -> None:
    metadata = wheel_metadata(dist)
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL", []))
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
    assert "aws-cdk" in metadata["Keywords"].split(",")
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert str(metadata.get_payload()).startswith("# ses-production-access\n")


def test_the_sdist_carries_the_changelog_and_what_the_wheel_is_built_from(dist: Path) -> None:
    names = sdist_names(dist)
    assert {"CHANGELOG.md", "README.md", "pyproject.toml", "lambda/index.py"} <= names
    assert "ses_production_access/__init__.py" in names


def test_the_changelog_has_a_section_for_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(VERSION)}\b", changelog, re.MULTILINE)
    assert "## Unreleased" in changelog


def test_contributing_states_the_versioning_policy_and_the_supported_versions() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert "\n## Versioning\n" in contributing
    assert "\n## Supported versions\n" in contributing


def test_the_ci_workflow_runs_the_readme_test_command_with_the_matrix_pythons() -> None:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "run: .ci/run" in workflow
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    for python in ("3.10", "3.13"):
        assert re.search(rf"^\s+{re.escape(python)}$", workflow, re.MULTILINE), python
    assert "timeout-minutes: 30" in workflow
