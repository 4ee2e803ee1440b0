"""Session fixtures of the contract tests: synthesis (once; the installed-package stack with
the Python of a fresh venv holding the wheel), the Lambda-like runtime, and the scenario
book that runs each scenario once for every test that reads it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from wheel_install import InstalledWheel

from contract.cloud_assembly import (
    Artefact,
    Synthesized,
    example_app_command,
    files_in,
    installed_app_command,
    read_artefact,
    synthesize,
    wait_for,
)
from contract.harness import Deployment, Lab
from contract.lambda_runner import LambdaRuntime, build_boto3_layer
from contract.scenarios import EXAMPLE, INSTALLED, SCENARIOS, ScenarioBook

EXAMPLE_STACK = "SesProductionAccessExample"
INSTALLED_STACK = "SesProductionAccessInstalled"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scenario(name): the contract scenario whose record the test reads"
    )


@pytest.fixture(scope="session")
def synthesized(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Synthesized:
    """app.py, and a stack built from the wheel installed in a fresh venv, synthesized
    side by side."""
    root = tmp_path_factory.mktemp("cdk")
    report = root / "installed-report.json"
    example = synthesize(example_app_command(), root / "example.out")
    # Requested only now (tests/conftest.py, once a session), so that app.py synthesizes
    # while the wheel is built and installed.
    try:
        installed_wheel: InstalledWheel = request.getfixturevalue("installed_wheel")
    except BaseException:
        example.kill()
        example.wait()
        raise
    installed = synthesize(
        installed_app_command(installed_wheel.python, installed_wheel.dependencies, report),
        root / "installed.out",
        cwd=root,
    )
    wait_for(example, "app.py")
    wait_for(installed, "the installed-package app")
    artefacts = {
        EXAMPLE: read_artefact(root / "example.out", EXAMPLE_STACK),
        INSTALLED: read_artefact(root / "installed.out", INSTALLED_STACK),
    }
    return Synthesized(
        artefacts=artefacts,
        installed_report=json.loads(report.read_text()),
        asset_files={name: files_in(a.asset_dir) for name, a in artefacts.items()},
    )


@pytest.fixture(scope="session")
def artefacts(synthesized: Synthesized) -> dict[str, Artefact]:
    """app.py and a stack built from the installed wheel, as their cloud assemblies hold
    them."""
    return synthesized.artefacts


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> LambdaRuntime:
    return LambdaRuntime(build_boto3_layer(tmp_path_factory.mktemp("runtime") / "python"))


@pytest.fixture(scope="session")
def book(
    request: pytest.FixtureRequest, artefacts: dict[str, Artefact], runtime: LambdaRuntime
) -> Iterator[ScenarioBook]:
    scenario_book = ScenarioBook(Lab(artefacts, runtime))
    scenario_book.start(_selected_scenarios(request.session))
    yield scenario_book
    scenario_book.close()


def _selected_scenarios(session: pytest.Session) -> set[str]:
    """The scenarios the selected tests read, so that they can start at once."""
    names: set[str] = set()
    for item in session.items:
        if not str(item.path).startswith(str(Path(__file__).parent)):
            continue
        marker = item.get_closest_marker("scenario")
        if marker is not None:
            names.add(marker.args[0])
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "scenario_name" in callspec.params:
            names.add(callspec.params["scenario_name"])
    return names & set(SCENARIOS)


@pytest.fixture
def trace(request: pytest.FixtureRequest, book: ScenarioBook) -> Deployment:
    """The record of the scenario named by the test's `scenario` marker."""
    marker = request.node.get_closest_marker("scenario")
    assert marker is not None, "mark the test with @pytest.mark.scenario(name)"
    return book.get(marker.args[0])
