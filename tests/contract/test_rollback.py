"""Rollbacks: an Update that would fail while its stack rolls back answers SUCCESS, so the
stack never ends in UPDATE_ROLLBACK_FAILED; the stack's status is read with
cloudformation:DescribeStacks only when an Update would fail."""

from __future__ import annotations

import pytest

from contract.harness import STACK_REGION, Deployment, Invocation
from contract.scenarios import ScenarioBook

# Each: create, an Update that fails (stack UPDATE_IN_PROGRESS), then its rollback.
ROLLBACKS = ("rollback_after_denied_update", "rollback_after_update_with_ses_denied")
SUCCESSFUL_UPDATES = (
    "update_with_changed_details_and_no_open_review",
    "update_with_review_pending",
)


def _forward(trace: Deployment) -> Invocation:
    updates = [i for i in trace.invocations if i.stack_status == "UPDATE_IN_PROGRESS"]
    assert len(updates) == 1, [i.stack_status for i in trace.invocations]
    return updates[0]


def _rollback(trace: Deployment) -> Invocation:
    rollback = trace.last("Update")
    assert rollback.stack_status == "UPDATE_ROLLBACK_IN_PROGRESS"
    # As CloudFormation sends it: back to the properties the failed Update replaced.
    assert rollback.event["ResourceProperties"] == _forward(trace).event["OldResourceProperties"]
    return rollback


@pytest.mark.parametrize("scenario_name", ROLLBACKS)
def test_a_failing_update_outside_a_rollback_reads_its_stack_once_and_fails(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    update = _forward(trace)
    assert update.response()["Status"] == "FAILED"
    assert [(r.action, r.params) for r in update.stack_requests] == [
        ("DescribeStacks", {"StackName": trace.stack_id})
    ]


@pytest.mark.scenario("rollback_after_denied_update")
def test_the_stack_status_is_read_in_the_stacks_region_not_the_ses_region(
    trace: Deployment,
) -> None:
    assert trace.ses_region != STACK_REGION  # the installed stack manages us-east-1
    assert {r.region for r in trace.cloudformation.requests} == {STACK_REGION}


@pytest.mark.scenario("rollback_after_denied_update")
def test_a_rollback_that_would_fail_on_a_denied_review_answers_success_with_the_state(
    trace: Deployment,
) -> None:
    rollback = _rollback(trace)
    assert rollback.stack_requests  # it did read the status
    response = rollback.response()
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == trace.last("Create").response()["PhysicalResourceId"]
    data = response["Data"]
    assert trace.artefact.get_atts <= set(data), sorted(trace.artefact.get_atts - set(data))
    assert data["SandboxStatus"] == "DENIED"
    assert data["ReviewStatus"] == "DENIED"
    assert data["CaseId"] == trace.ses.account(trace.ses_region).case_id


@pytest.mark.scenario("rollback_after_update_with_ses_denied")
def test_a_rollback_that_cannot_read_ses_answers_success_with_every_attribute_none(
    trace: Deployment,
) -> None:
    rollback = _rollback(trace)
    assert rollback.ses_calls("GetAccount")  # it did try SES
    response = rollback.response()
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == trace.last("Create").response()["PhysicalResourceId"]
    data = response["Data"]
    assert trace.artefact.get_atts <= set(data), sorted(trace.artefact.get_atts - set(data))
    assert set(data.values()) == {"NONE"}


@pytest.mark.scenario("rollback_with_unreadable_stack_status")
def test_a_rollback_fails_as_it_would_when_the_stack_status_cannot_be_read(
    trace: Deployment,
) -> None:
    rollback = _rollback(trace)
    assert rollback.stack_requests  # asked, and answered AccessDenied
    response = rollback.response()
    assert response["Status"] == "FAILED"
    assert "AccessDeniedException" in response["Reason"]


@pytest.mark.parametrize("scenario_name", SUCCESSFUL_UPDATES)
def test_a_successful_update_never_reads_the_stack_status(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    update = trace.last("Update")
    assert update.response()["Status"] == "SUCCESS"
    assert update.stack_requests == []


@pytest.mark.parametrize("scenario_name", ROLLBACKS)
def test_every_cloudformation_call_is_an_action_the_functions_role_allows(
    book: ScenarioBook, scenario_name: str
) -> None:
    trace = book.get(scenario_name)
    called = {f"cloudformation:{r.action}" for r in trace.cloudformation.requests}
    assert called
    assert called <= trace.artefact.allowed_actions, sorted(called - trace.artefact.allowed_actions)
