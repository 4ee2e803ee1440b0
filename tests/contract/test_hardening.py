"""The fault paths of the hardening issue, run as Lambda runs the synthesized function:
a watchdog during a rollback, a hang after an accepted request, DEBUG logging, malformed
properties, a dead receiver with a short budget, a ResponseURL that is not https."""

from __future__ import annotations

import pytest

from contract.harness import Deployment

GET, PUT = "GetAccount", "PutAccountDetails"


@pytest.mark.scenario("watchdog_during_rollback")
def test_a_rollback_answered_by_the_watchdog_succeeds_before_the_timeout(
    trace: Deployment,
) -> None:
    rollback = trace.last("Update")
    assert rollback.stack_status == "UPDATE_ROLLBACK_IN_PROGRESS"
    response = rollback.response()
    assert response["Status"] == "SUCCESS"
    assert set(response["Data"].values()) == {"NONE"}
    assert [r.action for r in rollback.stack_requests] == ["DescribeStacks"]
    assert rollback.seconds_to_response() < trace.artefact.timeout_seconds
    assert not rollback.run.timed_out


@pytest.mark.scenario("hang_after_accepted_put")
def test_a_hang_after_an_accepted_request_reports_the_open_review(trace: Deployment) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls(PUT)) == 1
    response = create.response()
    assert response["Status"] == "SUCCESS"
    assert (response["Data"]["SandboxStatus"], response["Data"]["ReviewStatus"]) == (
        "PENDING_REVIEW", "PENDING",
    )
    assert not create.run.timed_out


@pytest.mark.scenario("debug_logging")
def test_debug_logging_prints_no_sensitive_value_and_no_sdk_body(trace: Deployment) -> None:
    assert [i.response()["Status"] for i in trace.invocations] == ["SUCCESS", "SUCCESS", "FAILED"]
    for invocation in trace.invocations:
        output = invocation.output
        assert "[DEBUG]" not in output or "ses_production_access" not in output
        assert "Making request for OperationModel" not in output  # botocore's DEBUG records
        for secret in invocation.secrets():
            assert secret not in output
            assert secret.replace("/", "\\/") not in output


@pytest.mark.scenario("malformed_properties")
def test_malformed_properties_get_a_readable_failed_answer(trace: Deployment) -> None:
    bad_create, _, create = trace.invocations
    response = bad_create.response()
    assert response["Status"] == "FAILED"
    assert "ResourceProperties is a list, not an object" in response["Reason"]
    assert bad_create.ses_requests == []
    assert create.response()["Status"] == "SUCCESS"


@pytest.mark.scenario("malformed_properties")
def test_a_malformed_update_gets_a_failed_answer_and_no_request(trace: Deployment) -> None:
    _, bad_update, create = trace.invocations
    response = bad_update.response()
    assert response["Status"] == "FAILED"
    assert response["Reason"] == "No valid OldResourceProperties in the event."
    assert bad_update.ses_requests == []
    # The same account gets the request from the well-formed Create that follows.
    assert "PutAccountDetails" in [r.operation for r in create.ses_requests]


@pytest.mark.scenario("dead_receiver_short_budget")
def test_a_dead_receiver_is_given_up_before_the_timeout(trace: Deployment) -> None:
    create = trace.last("Create")
    assert not create.run.timed_out
    assert create.run.exit_code == 0
    started, ended = create.run.invoke_started, create.run.invoke_ended
    assert started is not None
    assert ended is not None
    assert ended - started < trace.artefact.timeout_seconds
    assert "Giving up on the response after" in create.output
    assert "SECRETSIGNATURE" not in create.output


@pytest.mark.scenario("http_response_url")
def test_an_event_that_cannot_be_answered_changes_nothing(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.ses_requests == []
    assert create.attempts == []
    assert "ResponseURL is not an https URL: nothing was changed" in create.output
