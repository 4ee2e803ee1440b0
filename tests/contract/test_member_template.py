"""The organisation rollout's member template (the StackSet's, from examples/organization.py)
deployed as a stack instance: its inline function runs the lifecycle scenarios like the
other templates (test_lifecycle.py), and reports each Create and Update to the central bus,
moto's EventBridge in another Region, reached through AWS_ENDPOINT_URL_EVENTBRIDGE."""

from __future__ import annotations

from typing import Any

import pytest

from contract.cloud_assembly import Artefact, ParameterRefused
from contract.harness import ACCOUNT, STACK_REGION, Deployment
from contract.scenarios import LIFECYCLE, MEMBER, MEMBER_REPORT_BUS, ScenarioBook, on
from contract.status_bus import BUS_REGION, EventBridgeServer, RollupBus

REPORT = "member_reports_to_the_roll_up"
SENT = "Status event sent to the"
NOT_SENT = ("The status event was not sent", "The status event was refused")
MEMBER_LIFECYCLE = [on(name, MEMBER) for name in LIFECYCLE]


@pytest.fixture(scope="module")
def member(artefacts: dict[str, Artefact]) -> Artefact:
    return artefacts[MEMBER]


@pytest.fixture(scope="module")
def reported(
    book: ScenarioBook, eventbridge: EventBridgeServer
) -> tuple[Deployment, list[dict[str, Any]]]:
    """The scenario, and every event its bus received (read once: reading consumes)."""
    trace = book.get(REPORT)
    return trace, eventbridge.queue_of(MEMBER_REPORT_BUS).events()


# ---- The template ----------------------------------------------------------------------------


def test_member_function_carries_the_status_event_and_may_put_events(member: Artefact) -> None:
    code = (member.code_dir / "index.py").read_text()
    assert "def put_status_event(" in code
    assert "events:PutEvents" in member.allowed_actions
    assert member.properties["StatusBusArn"] == {"Ref": "StatusBusArn"}


def test_member_instance_manages_ses_in_its_own_region(member: Artefact) -> None:
    for region in ("eu-west-1", "ap-southeast-2"):
        assert member.resource_properties(region, ACCOUNT)["Region"] == region


def test_fails_deployment_of_a_status_bus_parameter_that_is_not_an_arn(member: Artefact) -> None:
    with pytest.raises(ParameterRefused, match="StatusBusArn"):
        member.resource_properties(STACK_REGION, ACCOUNT, {"StatusBusArn": "roll-up"})


# ---- The roll-up event -----------------------------------------------------------------------


@pytest.mark.scenario(REPORT)
def test_every_create_and_update_sends_one_status_event_to_the_central_bus(
    reported: tuple[Deployment, list[dict[str, Any]]],
) -> None:
    trace, events = reported
    # And the Delete, while the stack is deleted: the Region is REMOVED from the roll-up.
    assert [e["detail"]["Trigger"] for e in events] == ["Create", "Update", "Delete"]
    for event in events:
        assert event["source"] == "ses-production-access"
        assert event["detail-type"] == "SES Production Access Status"
        # Sent in the bus's own Region, where alone the bus exists.
        assert event["region"] == BUS_REGION
    for request_type in ("Create", "Update", "Delete"):
        assert trace.last(request_type).response()["Status"] == "SUCCESS"


@pytest.mark.scenario(REPORT)
def test_the_status_event_says_which_account_and_region_and_where_it_stands(
    reported: tuple[Deployment, list[dict[str, Any]]],
) -> None:
    trace, events = reported
    created, updated, removed = (e["detail"] for e in events)
    assert removed["SandboxStatus"] == "REMOVED"
    for detail in (created, updated, removed):
        assert (detail["Account"], detail["Region"]) == (ACCOUNT, trace.ses_region)
    case_id = trace.ses.account(trace.ses_region).case_id
    assert (created["SandboxStatus"], created["ReviewStatus"], created["CaseId"]) == (
        "PENDING_REVIEW", "PENDING", case_id,
    )  # fmt: skip
    assert (updated["SandboxStatus"], updated["ProductionAccessEnabled"]) == (
        "PRODUCTION", "true",
    )  # fmt: skip
    # The same state the custom resource answered with.
    data = trace.last("Update").response()["Data"]
    assert {key: updated[key] for key in data} == data


@pytest.mark.scenario(REPORT)
def test_the_status_event_carries_no_sensitive_value(
    reported: tuple[Deployment, list[dict[str, Any]]],
) -> None:
    trace, events = reported
    text = repr(events)
    secrets = [s for invocation in trace.invocations for s in invocation.secrets()]
    assert secrets
    assert [secret for secret in secrets if secret in text] == []


@pytest.mark.scenario(REPORT)
def test_a_delete_while_the_stack_is_deleted_says_the_region_is_removed(
    reported: tuple[Deployment, list[dict[str, Any]]],
) -> None:
    trace, events = reported
    (removed,) = [e for e in events if e["detail"]["Trigger"] == "Delete"]
    assert removed["detail"]["SandboxStatus"] == "REMOVED"
    assert trace.last("Delete").output.count(SENT) == 1


# ---- Every lifecycle scenario on the member template reports -----------------------------------


@pytest.mark.parametrize("scenario_name", MEMBER_LIFECYCLE)
def test_each_answered_create_and_update_of_the_member_reports_once(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    for invocation in trace.invocations:
        answered = [put.json() for put in invocation.accepted]
        told = any(a.get("Data") or a.get("Status") == "FAILED" for a in answered)
        if invocation.request_type in ("Create", "Update") and told:
            assert invocation.output.count(SENT) == 1, invocation.output
        elif invocation.request_type == "Delete" and answered and (
            invocation.stack_status.startswith("DELETE_")
        ):
            assert invocation.output.count(SENT) == 1, invocation.output  # REMOVED
        else:
            assert SENT not in invocation.output
        for failure in NOT_SENT:
            assert failure not in invocation.output


def test_the_lifecycle_bus_received_every_event_the_member_said_it_sent(
    book: ScenarioBook, lifecycle_bus: RollupBus
) -> None:
    traces = [book.get(name) for name in MEMBER_LIFECYCLE]
    said = sum(i.output.count(SENT) for trace in traces for i in trace.invocations)
    events = lifecycle_bus.events()
    assert said > 0
    assert len(events) == said
    assert {e["detail"]["Account"] for e in events} == {ACCOUNT}
