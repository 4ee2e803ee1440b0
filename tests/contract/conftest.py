"""Session fixtures of the contract tests: synthesis (once; the installed-package stack with
the Python of a fresh venv holding the wheel; the plain template with the console script),
the Lambda-like runtime, and the scenario book that runs each scenario once for every test
that reads it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.wheel_install import InstalledWheel

from contract.cloud_assembly import (
    Artefact,
    Synthesized,
    example_app_command,
    files_in,
    installed_app_command,
    read_artefact,
    read_template,
    synthesize,
    wait_for,
    write_plain_template,
)
from contract.harness import PLAIN_PARAMETERS, PLAIN_STACK, Deployment, Lab
from contract.lambda_runner import LambdaRuntime, build_boto3_layer
from contract.member_template import organization_app_command, read_member
from contract.scenarios import (
    EXAMPLE,
    INSTALLED,
    LIFECYCLE,
    LIFECYCLE_ARTEFACTS,
    MEMBER,
    PLAIN,
    SCENARIOS,
    ScenarioBook,
    on,
)
from contract.status_bus import EventBridgeServer, RollupBus, eventbridge_server

EXAMPLE_STACK = "SesProductionAccessExample"
INSTALLED_STACK = "SesProductionAccessInstalled"
# The bus the member template's lifecycle scenarios report to.
LIFECYCLE_BUS = "ses-production-access-roll-up"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scenario(name): the contract scenario whose record the test reads"
    )


@pytest.fixture(scope="session")
def eventbridge() -> Iterator[EventBridgeServer]:
    """moto's EventBridge (and SQS, to read a bus's events back), for the session."""
    with eventbridge_server() as server:
        yield server


@pytest.fixture(scope="session")
def lifecycle_bus(eventbridge: EventBridgeServer) -> RollupBus:
    """The central bus of the member template's lifecycle scenarios."""
    return eventbridge.bus(LIFECYCLE_BUS)


@pytest.fixture(scope="session")
def synthesized(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    lifecycle_bus: RollupBus,
) -> Synthesized:
    """app.py, a stack built from the wheel installed in a fresh venv, the plain template
    of the console script and the organisation rollout's member template (from
    examples/organization.py), synthesized side by side."""
    root = tmp_path_factory.mktemp("cdk")
    report = root / "installed-report.json"
    plain_path = root / "plain" / "template.json"
    plain_path.parent.mkdir()
    example = synthesize(example_app_command(), root / "example.out")
    plain = write_plain_template(plain_path)
    organization = synthesize(organization_app_command(), root / "organization.out")
    # Requested only now (tests/conftest.py, once a session), so that app.py synthesizes
    # while the wheel is built and installed.
    try:
        installed_wheel: InstalledWheel = request.getfixturevalue("installed_wheel")
    except BaseException:
        for process in (example, plain, organization):
            process.kill()
            process.wait()
        raise
    installed = synthesize(
        installed_app_command(installed_wheel.python, installed_wheel.dependencies, report),
        root / "installed.out",
        cwd=root,
    )
    wait_for(example, "app.py")
    wait_for(installed, "the installed-package app")
    wait_for(plain, "ses-production-access template")
    wait_for(organization, "examples/organization.py")
    # The acknowledgement: the one value the template allows, as the console offers it.
    declared = json.loads(plain_path.read_text())["Parameters"]
    (acknowledgement,) = declared["AcknowledgeSendingPolicy"]["AllowedValues"]
    parameters = {**PLAIN_PARAMETERS, "AcknowledgeSendingPolicy": acknowledgement}
    artefacts = {
        EXAMPLE: read_artefact(root / "example.out", EXAMPLE_STACK),
        INSTALLED: read_artefact(root / "installed.out", INSTALLED_STACK),
        PLAIN: read_template(plain_path, PLAIN_STACK, parameters),
        # The StackSet hands every instance the roll-up bus's ARN.
        MEMBER: read_member(root / "organization.out", {"StatusBusArn": lifecycle_bus.arn}),
    }
    return Synthesized(
        artefacts=artefacts,
        installed_report=json.loads(report.read_text()),
        code_files={name: files_in(a.code_dir) for name, a in artefacts.items()},
    )


@pytest.fixture(scope="session")
def artefacts(synthesized: Synthesized) -> dict[str, Artefact]:
    """app.py, a stack built from the installed wheel and the plain template, as their
    templates hold them."""
    return synthesized.artefacts


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> LambdaRuntime:
    return LambdaRuntime(build_boto3_layer(tmp_path_factory.mktemp("runtime") / "python"))


@pytest.fixture(scope="session")
def book(
    request: pytest.FixtureRequest,
    artefacts: dict[str, Artefact],
    runtime: LambdaRuntime,
    eventbridge: EventBridgeServer,
) -> Iterator[ScenarioBook]:
    # The member template's function reaches the session's EventBridge.
    environments = {MEMBER: eventbridge.environment()}
    scenario_book = ScenarioBook(Lab(artefacts, runtime, environments, eventbridge))
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
        callspec = getattr(item, "callspec", None)
        if marker is not None:
            artefact = callspec.params.get("lifecycle_artefact", EXAMPLE) if callspec else EXAMPLE
            names.add(on(marker.args[0], artefact))
        if callspec is not None and "scenario_name" in callspec.params:
            names.add(callspec.params["scenario_name"])
    return names & set(SCENARIOS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked with a lifecycle scenario runs once per artefact the lifecycle
    scenarios run on."""
    marker = metafunc.definition.get_closest_marker("scenario")
    lifecycle = marker is not None and marker.args[0] in LIFECYCLE
    if lifecycle and "lifecycle_artefact" in metafunc.fixturenames:
        metafunc.parametrize("lifecycle_artefact", LIFECYCLE_ARTEFACTS, indirect=True)


@pytest.fixture
def lifecycle_artefact(request: pytest.FixtureRequest) -> str:
    """The artefact a lifecycle scenario's test reads (app.py unless parametrized)."""
    return str(getattr(request, "param", EXAMPLE))


@pytest.fixture
def trace(
    request: pytest.FixtureRequest, book: ScenarioBook, lifecycle_artefact: str
) -> Deployment:
    """The record of the scenario named by the test's `scenario` marker (for a lifecycle
    scenario, its run on the test's artefact)."""
    marker = request.node.get_closest_marker("scenario")
    assert marker is not None, "mark the test with @pytest.mark.scenario(name)"
    return book.get(on(marker.args[0], lifecycle_artefact))
