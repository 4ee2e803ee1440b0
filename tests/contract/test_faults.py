"""The synthesized handler when SES or the response URL misbehaves (issue 3, lines 6-10)."""

from __future__ import annotations

import pytest

from contract.harness import Deployment
from contract.scenarios import ScenarioBook

PUT = "PutAccountDetails"
GET = "GetAccount"


def _watchdog_budget(deployment: Deployment) -> float:
    """Seconds the function may take before Lambda stops it."""
    return float(deployment.artefact.timeout_seconds)


# ---- 6. Throttling ------------------------------------------------------------------


@pytest.mark.scenario("throttled_then_succeeds")
def test_create_succeeds_after_throttling_within_the_time_budget(trace: Deployment) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls(GET)) >= 4  # three 429s, then the answers
    assert len(create.ses_calls(PUT)) == 1
    assert create.response()["Status"] == "SUCCESS"
    assert create.seconds_to_response() < _watchdog_budget(trace)
    assert not create.run.timed_out


@pytest.mark.scenario("throttled_forever")
def test_fails_create_before_the_timeout_when_ses_throttles_forever(trace: Deployment) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls(GET)) >= 2  # it did retry
    response = create.response()
    assert response["Status"] == "FAILED"
    assert "TooManyRequestsException" in response["Reason"]
    assert "Deploy again later" in response["Reason"]
    assert create.seconds_to_response() < _watchdog_budget(trace)
    assert not create.run.timed_out


# ---- 7. Conflict --------------------------------------------------------------------


@pytest.mark.scenario("conflict_on_put")
def test_conflict_on_put_reports_success_with_the_review_read_afterwards(
    trace: Deployment,
) -> None:
    create = trace.last("Create")
    assert len(create.ses_calls(PUT)) == 1
    assert create.ses_calls(GET)[-1].received_at > create.ses_calls(PUT)[0].received_at
    response = create.response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["CaseId"] == "177999999999999"  # the other party's review


# ---- 8. Errors that fail the deployment ----------------------------------------------


@pytest.mark.parametrize(
    ("scenario_name", "problem", "fix"),
    [
        ("bad_request", "BadRequestException", "Check mail_type, website_url"),
        ("access_denied", "AccessDeniedException", "service control policies"),
        ("server_error", "InternalFailure", "Deploy again"),
    ],
)
def test_fails_create_once_with_a_reason_naming_problem_and_fix(
    book: ScenarioBook, scenario_name: str, problem: str, fix: str
) -> None:
    trace = book.get(scenario_name)
    create = trace.last("Create")
    assert len(create.attempts) == 1
    response = create.response()
    assert response["Status"] == "FAILED"
    assert problem in response["Reason"]
    assert fix in response["Reason"]
    leaked = [secret for secret in create.secrets() if secret in response["Reason"]]
    assert leaked == []


@pytest.mark.scenario("server_error")
def test_server_errors_are_retried_a_few_times_before_failing(trace: Deployment) -> None:
    calls = len(trace.last("Create").ses_calls(GET))
    assert 2 <= calls <= 5


@pytest.mark.scenario("access_denied")
def test_access_denied_on_a_create_is_retried_while_iam_propagates_then_names_the_role(
    trace: Deployment,
) -> None:
    # The role is seconds old on a Create (IAM is eventually consistent): retried within
    # about 10 seconds, then answered FAILED naming the action and the role.
    create = trace.last("Create")
    assert len(create.ses_calls(GET)) >= 2
    assert "Allow ses:GetAccount to role handler-role." in create.response()["Reason"]


# ---- 9. SES hangs -------------------------------------------------------------------


@pytest.mark.scenario("ses_hangs")
def test_fails_create_by_the_watchdog_before_the_timeout_when_ses_hangs(
    trace: Deployment,
) -> None:
    create = trace.last("Create")
    response = create.response()
    assert response["Status"] == "FAILED"
    # The SES client's own timeouts are bounded by the budget: SES that never answers is
    # reported by them, or by the watchdog if they have not fired yet.
    assert (
        "ses:GetAccount in us-east-1 could not be reached (ReadTimeoutError" in response["Reason"]
        or "stopped waiting for SES" in response["Reason"]
    )
    assert "No request for production access was sent" in response["Reason"] or (
        "could not be reached" in response["Reason"]
    )
    assert create.seconds_to_response() < _watchdog_budget(trace)
    assert not create.run.timed_out
    assert create.run.exit_code == 0
    answered = create.accepted[0].received_at
    assert all(r.received_at < answered for r in trace.ses.requests)  # nothing after FAILED
    assert trace.ses.count(PUT) == 0


# ---- Network faults that heal ---------------------------------------------------------


@pytest.mark.scenario("dropped_connection_then_succeeds")
def test_create_succeeds_after_a_dropped_connection(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.response()["Status"] == "SUCCESS"
    assert len(create.ses_calls(PUT)) == 1


@pytest.mark.scenario("slow_answer")
def test_create_succeeds_when_ses_answers_slowly(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.response()["Status"] == "SUCCESS"
    assert len(create.ses_calls(PUT)) == 1


# ---- 10. The response PUT fails -------------------------------------------------------


@pytest.mark.scenario("response_put_fails_twice")
def test_response_put_is_retried_until_exactly_one_success(trace: Deployment) -> None:
    create = trace.last("Create")
    assert len(create.attempts) == 3
    assert len(create.accepted) == 1
    assert create.response()["Status"] == "SUCCESS"
    bodies = {put.body for put in create.attempts}
    assert len(bodies) == 1  # the same answer each time


@pytest.mark.scenario("response_put_always_fails")
def test_response_put_gives_up_after_bounded_retries_and_exits(trace: Deployment) -> None:
    create = trace.last("Create")
    assert create.accepted == []
    assert 2 <= len(create.attempts) <= 4  # docs/deploy-time.md promises at most 4 tries
    assert not create.run.timed_out
    assert create.run.exit_code == 0
    started, ended = create.run.invoke_started, create.run.invoke_ended
    assert started is not None
    assert ended is not None
    assert ended - started < 30.0
