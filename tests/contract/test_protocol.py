"""What holds in every scenario: the custom resource response protocol, nothing secret
in the logs, an answer before the function's timeout (issue 3, lines 11 and 12)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from contract.cloud_assembly import Artefact
from contract.harness import Deployment
from contract.scenarios import SCENARIOS, UNANSWERABLE, ScenarioBook

RESPONSE_BODY_MAX_BYTES = 4096
PHYSICAL_ID_MAX_BYTES = 1024
ALL = sorted(SCENARIOS)


# ---- 11. Every response ---------------------------------------------------------------


@pytest.mark.parametrize("scenario_name", ALL)
def test_every_response_fits_the_custom_resource_protocol(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    puts = [(invocation, put) for invocation in trace.invocations for put in invocation.attempts]
    assert bool(puts) is (scenario_name not in UNANSWERABLE), "a response was (not) sent"
    for invocation, put in puts:
        event = invocation.event
        url = urlsplit(event["ResponseURL"])
        assert put.path == f"{url.path}?{url.query}"
        assert len(put.body) <= RESPONSE_BODY_MAX_BYTES
        body = json.loads(put.body)
        assert body["Status"] in ("SUCCESS", "FAILED")
        for key in ("StackId", "RequestId", "LogicalResourceId"):
            assert body[key] == event[key], key
        physical_id = body["PhysicalResourceId"]
        assert isinstance(physical_id, str)
        assert 0 < len(physical_id.encode()) <= PHYSICAL_ID_MAX_BYTES
        if body["Status"] == "FAILED":
            assert body.get("Reason")
        assert all(isinstance(v, str) for v in body.get("Data", {}).values())
        content_types = [v for k, v in put.headers.items() if k.lower() == "content-type"]
        assert content_types in ([], [""])


@pytest.mark.scenario("oversized_error_message")
def test_an_oversized_reason_is_shortened_to_fit_the_response(trace: Deployment) -> None:
    put = trace.last("Create").accepted[0]
    assert len(put.body) <= RESPONSE_BODY_MAX_BYTES
    response = put.json()
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith("ses:PutAccountDetails")
    assert "BadRequestException" in response["Reason"]


@pytest.mark.parametrize("scenario_name", ALL)
def test_every_update_and_delete_keeps_the_physical_id_it_was_sent(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    for invocation in trace.invocations:
        if invocation.request_type == "Create":
            continue
        for put in invocation.attempts:
            assert put.json()["PhysicalResourceId"] == invocation.event["PhysicalResourceId"]


# ---- 12. Nothing secret in the logs ---------------------------------------------------


@pytest.mark.parametrize("scenario_name", ALL)
def test_nothing_printed_reveals_the_response_url_or_sensitive_properties(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    for invocation in trace.invocations:
        assert invocation.output.strip(), "the handler printed nothing"
        leaked = [secret for secret in invocation.secrets() if secret in invocation.output]
        assert leaked == [], f"{invocation.request_type} printed {leaked}"


# ---- Every invocation ends in time -----------------------------------------------------


@pytest.mark.parametrize("scenario_name", ALL)
def test_every_invocation_returns_before_the_function_timeout(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    for invocation in trace.invocations:
        assert not invocation.run.timed_out, invocation.output
        assert invocation.run.exit_code == 0, invocation.output


# ---- The template and the code agree ---------------------------------------------------


@pytest.mark.parametrize("scenario_name", ALL)
def test_every_ses_call_is_an_action_the_functions_role_allows(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    allowed = trace.artefact.allowed_actions
    called = {f"ses:{r.operation}" for r in trace.ses.requests}
    assert called <= allowed, f"not allowed: {sorted(called - allowed)}"


@pytest.mark.parametrize("artefact_name", ["example", "installed", "plain"])
def test_cloudformation_waits_longer_than_the_function_may_run(
    artefacts: dict[str, Artefact], artefact_name: str
) -> None:
    artefact = artefacts[artefact_name]
    assert artefact.service_timeout_seconds is not None
    assert artefact.service_timeout_seconds > artefact.timeout_seconds
