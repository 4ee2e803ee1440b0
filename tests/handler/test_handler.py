"""The handler end to end: a botocore Stubber for SES (checked against the service model),
a local HTTP server on 127.0.0.1 for the CloudFormation response."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from support import EVENTS, Context, ResponseReceiver, expected_put, load_event

ACCOUNTS = EVENTS / "accounts"
PHYSICAL_ID = "ses-production-access-123456789012-eu-west-1"
SECRETS = (
    "https://private-site.example.com/landing",
    "Secret use case",
    "alice.private@example.com",
    "ops.private@example.org",
    "SECRETSIGNATURE",
)


def account(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ACCOUNTS / f"{name}.json").read_text())
    return result


class Ses:
    """A real botocore SESv2 client with a Stubber: requests are checked against the
    service model and the expected params."""

    def __init__(self) -> None:
        self.client = botocore.session.get_session().create_client(
            "sesv2",
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.stubber = Stubber(self.client)
        self.regions: list[str] = []

    def factory(self, region: str) -> Any:
        self.regions.append(region)
        return self.client

    def get_account(self, name: str) -> None:
        self.stubber.add_response("get_account", account(name), {})

    def put(self, params: dict[str, Any]) -> None:
        self.stubber.add_response("put_account_details", {}, params)

    def error(self, operation: str, code: str, status: int, message: str = "") -> None:
        self.stubber.add_client_error(
            operation, service_error_code=code, service_message=message, http_status_code=status
        )


@pytest.fixture
def ses() -> Iterator[Ses]:
    stub = Ses()
    with stub.stubber:
        yield stub
        stub.stubber.assert_no_pending_responses()


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def run(
    index: ModuleType,
    ses: Ses,
    receiver: ResponseReceiver,
    name: str = "create",
    timeout: float = 60.0,
    stack_status: str | None = "UPDATE_IN_PROGRESS",
    **overrides: Any,
) -> dict[str, Any]:
    event = load_event(name, receiver.url, **overrides)
    index.run(event, Context(timeout), ses.factory, lambda stack_id, seconds: stack_status)
    return receiver.only_response()


def with_props(name: str, **props: Any) -> dict[str, Any]:
    return {**load_event(name)["ResourceProperties"], **props}


# --- the decision table -------------------------------------------------------------


def test_create_on_a_production_account_reports_production_without_a_put(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("production")
    response = run(index, ses, response_receiver)
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PRODUCTION"
    assert response["Data"]["Max24HourSend"] == "50000"


def test_create_while_a_review_is_pending_reports_pending_without_a_put(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("pending")
    response = run(index, ses, response_receiver)
    assert (response["Status"], response["Data"]["SandboxStatus"]) == ("SUCCESS", "PENDING_REVIEW")


def test_create_after_a_denied_review_reports_denied_with_the_case_without_a_put(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("denied")
    response = run(index, ses, response_receiver)
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "DENIED"
    assert response["Data"]["CaseId"] == "173254819200123"


def test_fails_on_a_denied_review_when_fail_on_denied(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("denied")
    props = with_props("create", FailOnDenied="true")
    response = run(index, ses, response_receiver, ResourceProperties=props)
    assert response["Status"] == "FAILED"
    assert "denied production access in eu-west-1 (support case 173254819200123)" in (
        response["Reason"]
    )


def test_create_on_a_new_sandbox_account_submits_once_and_reports_the_fresh_state(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("sandbox_new")
    ses.put(expected_put())
    ses.get_account("pending")
    response = run(index, ses, response_receiver)
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == PHYSICAL_ID
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["CaseId"] == "173254819200123"
    assert ses.regions == ["eu-west-1"]


def test_a_failed_review_is_submitted_again(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("review_failed")
    ses.put(expected_put())
    ses.get_account("pending")
    assert run(index, ses, response_receiver)["Data"]["SandboxStatus"] == "PENDING_REVIEW"


def test_a_sandboxed_account_with_no_open_review_is_submitted(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("granted_but_sandboxed")
    ses.put(expected_put())
    ses.get_account("pending")
    assert run(index, ses, response_receiver)["Data"]["SandboxStatus"] == "PENDING_REVIEW"


def test_state_is_read_again_until_the_new_review_shows(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("sandbox_new")
    ses.put(expected_put())
    ses.get_account("sandbox_new")  # not yet visible: eventually consistent
    ses.get_account("pending")
    assert run(index, ses, response_receiver)["Data"]["ReviewStatus"] == "PENDING"


def test_a_read_right_after_an_accepted_request_that_shows_no_review_reports_it_pending(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    # GetAccount is eventually consistent: the accepted request's review may not show yet.
    ses.get_account("sandbox_new")
    ses.put(expected_put())
    for _ in range(1 + index.REREAD_ATTEMPTS):
        ses.get_account("sandbox_new")
    response = run(index, ses, response_receiver)
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert (response["Data"]["ReviewStatus"], response["Data"]["CaseId"]) == ("PENDING", "NONE")


def test_a_read_after_a_conflict_that_shows_no_review_reports_it_pending(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    # ConflictException says a review is open; a read that does not show it yet is stale.
    ses.get_account("sandbox_new")
    ses.error("put_account_details", "ConflictException", 409)
    for _ in range(1 + index.REREAD_ATTEMPTS):
        ses.get_account("sandbox_new")
    response = run(index, ses, response_receiver)
    assert (response["Status"], response["Data"]["SandboxStatus"]) == (
        "SUCCESS", "PENDING_REVIEW"
    )


def test_update_while_sandboxed_submits_the_new_details_with_the_same_physical_id(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("review_failed")
    ses.put({**expected_put(), "MailType": "MARKETING"})
    ses.get_account("pending")
    props = with_props("update", MailType="MARKETING")
    response = run(index, ses, response_receiver, "update", ResourceProperties=props)
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", PHYSICAL_ID)


def test_update_while_pending_does_not_submit(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("pending")
    response = run(index, ses, response_receiver, "update")
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["PhysicalResourceId"] == PHYSICAL_ID


def test_update_to_another_region_answers_with_that_regions_id(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("production")
    props = with_props("update", Region="us-east-1")
    response = run(index, ses, response_receiver, "update", ResourceProperties=props)
    assert response["PhysicalResourceId"] == "ses-production-access-123456789012-us-east-1"
    assert ses.regions == ["us-east-1"]


def test_delete_succeeds_without_calling_ses(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    response = run(index, ses, response_receiver, "delete")
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", PHYSICAL_ID)
    assert ses.regions == []


def test_delete_after_a_failed_create_succeeds_without_calling_ses(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    props = with_props("delete", MailType="PROMOTIONAL")
    response = run(index, ses, response_receiver, "delete", ResourceProperties=props)
    assert response["Status"] == "SUCCESS"
    assert ses.regions == []


# --- errors -------------------------------------------------------------------------


def test_conflict_on_put_reports_the_state_read_afterwards(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("sandbox_new")
    ses.error("put_account_details", "ConflictException", 409, "already under review")
    ses.get_account("pending")
    response = run(index, ses, response_receiver)
    assert (response["Status"], response["Data"]["SandboxStatus"]) == ("SUCCESS", "PENDING_REVIEW")


def test_throttling_is_retried_until_it_succeeds(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.error("get_account", "TooManyRequestsException", 429)
    ses.error("get_account", "TooManyRequestsException", 429)
    ses.get_account("production")
    assert run(index, ses, response_receiver)["Status"] == "SUCCESS"


def test_fails_before_the_deadline_when_throttling_never_ends(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    ses = Ses()  # without the fixture: most of the queued errors are never used
    for _ in range(40):
        ses.error("get_account", "TooManyRequestsException", 429)
    started = time.monotonic()
    with ses.stubber:
        response = run(index, ses, response_receiver, timeout=4.0)
    assert time.monotonic() - started < 4.0
    assert response["Status"] == "FAILED"
    assert "TooManyRequestsException" in response["Reason"]
    assert "Deploy again later" in response["Reason"]


def test_fails_on_bad_request_naming_the_props_without_quoting_secrets(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver, logs: Any
) -> None:
    ses.get_account("sandbox_new")
    ses.error(
        "put_account_details", "BadRequestException", 400,
        "Invalid WebsiteURL https://private-site.example.com/landing",
    )
    response = run(index, ses, response_receiver)
    assert response["Status"] == "FAILED"
    assert "ses:PutAccountDetails in eu-west-1 answered BadRequestException" in (
        response["Reason"]
    )
    assert "Check mail_type, website_url" in response["Reason"]
    assert "Invalid WebsiteURL" not in response["Reason"]  # service messages are not echoed
    for secret in SECRETS:
        assert secret not in response["Reason"]
        assert secret not in logs.text


def test_fails_on_access_denied_saying_what_to_check(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.error("get_account", "AccessDeniedException", 403, "not authorized")
    response = run(index, ses, response_receiver, "update")  # an Update: its role is old
    assert response["Status"] == "FAILED"
    assert "AccessDeniedException (HTTP 403, 1 attempts)" in response["Reason"]
    assert "Allow ses:GetAccount to the function's role." in response["Reason"]
    assert "service control policies and permissions boundary" in response["Reason"]


DENIED_MESSAGE = (
    "User: arn:aws:sts::123456789012:assumed-role/Stack-HandlerRole-1A2B3C/Stack-Function-XYZ "
    "is not authorized to perform: ses:GetAccount"
)


def test_access_denied_on_a_creates_first_calls_is_retried_while_iam_propagates(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    # The role and its policy were created seconds before (IAM is eventually consistent).
    ses.error("get_account", "AccessDeniedException", 403, DENIED_MESSAGE)
    ses.error("get_account", "AccessDeniedException", 403, DENIED_MESSAGE)
    ses.get_account("production")
    response = run(index, ses, response_receiver)
    assert (response["Status"], response["Data"]["SandboxStatus"]) == ("SUCCESS", "PRODUCTION")


class FakeClock:
    """A monotonic clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class AlwaysDenied:
    """An SES client whose every call is denied (or the first `denials` Puts), recording
    when each call started."""

    def __init__(self, clock: Any = time.monotonic, denials: int = 10**6) -> None:
        self.calls: list[tuple[str, float]] = []
        self.clock, self.denials = clock, denials

    def _denied(self, operation: str) -> None:
        from botocore.exceptions import ClientError

        self.calls.append((operation, self.clock()))
        error = {"Code": "AccessDeniedException", "Message": DENIED_MESSAGE}
        raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, operation)

    def get_account(self) -> dict[str, Any]:
        self._denied("GetAccount")
        return {}

    def put_account_details(self, **params: Any) -> dict[str, Any]:
        if len(self.calls) < self.denials:
            self._denied("PutAccountDetails")
        self.calls.append(("PutAccountDetails", self.clock()))
        return {}


def test_access_denied_is_retried_only_within_the_propagation_window(index: ModuleType) -> None:
    clock = FakeClock()
    client = AlwaysDenied(clock)
    ses = index.SesAccount(
        client, "eu-west-1", 100.0, clock=clock, sleep=clock.sleep, denied_until=10.0
    )
    with pytest.raises(index.SesError) as failed:
        ses.get_account()
    starts = [t for _, t in client.calls]
    assert len(starts) >= 2
    assert all(t < 10.0 for t in starts[:-1])  # the last one ended the window
    assert starts[-1] < 10.0 + index.SES_BACKOFF_MAX_SECONDS
    assert "Allow ses:GetAccount to role Stack-HandlerRole-1A2B3C." in failed.value.advice


def test_a_denied_put_is_tried_again_only_with_time_for_its_answer(index: ModuleType) -> None:
    # The role may still be propagating when the Put goes out: a retry starts only if its
    # answer can arrive before the deadline (else the watchdog would answer FAILED while
    # SES may take it).
    clock = FakeClock()
    client = AlwaysDenied(clock)
    put_seconds = 5.0
    ses = index.SesAccount(
        client, "eu-west-1", 8.0, clock=clock, sleep=clock.sleep, put_seconds=put_seconds,
        denied_until=10.0,
    )
    before = index.AccountState.from_get_account(account("sandbox_new"))
    desired = index.parse_properties(with_props("create"), None)
    with pytest.raises(index.SesError):
        ses.put_account_details(desired, before)
    assert all(t + put_seconds <= 8.0 for _, t in client.calls)


def test_a_put_denied_while_iam_propagates_is_sent_once_it_is_allowed(
    index: ModuleType,
) -> None:
    clock = FakeClock()
    client = AlwaysDenied(clock, denials=2)
    ses = index.SesAccount(
        client, "eu-west-1", 100.0, clock=clock, sleep=clock.sleep, denied_until=10.0
    )
    before = index.AccountState.from_get_account(account("sandbox_new"))
    ses.put_account_details(index.parse_properties(with_props("create"), None), before)
    assert [name for name, _ in client.calls] == ["PutAccountDetails"] * 3  # 2 refused, 1 taken


def test_the_ses_v1_denial_code_gets_the_same_retry_and_advice(index: ModuleType) -> None:
    from botocore.exceptions import ClientError

    clock = FakeClock()
    calls: list[float] = []

    class V1:
        def get_identity_notification_attributes(self, **params: Any) -> Any:
            calls.append(clock())
            error = {"Code": "AccessDenied", "Message": DENIED_MESSAGE}  # the query API's code
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, "x")

    ses = index.SesAccount(
        None, "eu-west-1", 100.0, clock=clock, sleep=clock.sleep, v1_client=V1,
        denied_until=5.0,
    )
    with pytest.raises(index.SesError) as failed:
        ses.v1().call("GetIdentityNotificationAttributes", Identities=["example.com"])
    assert len(calls) >= 2
    assert "Allow ses:GetIdentityNotificationAttributes to role" in failed.value.advice
    assert "service control policies" in failed.value.advice


def test_fails_when_access_stays_denied_naming_the_action_and_the_role(
    index: ModuleType, response_receiver: ResponseReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index, "IAM_PROPAGATION_SECONDS", 1.5)
    client = AlwaysDenied()
    event = load_event("create", response_receiver.url)
    index.run(event, Context(60.0), lambda region: client, lambda stack_id, seconds: None)
    response = response_receiver.only_response()
    calls = len(client.calls)
    assert calls >= 2
    assert response["Status"] == "FAILED"
    assert f"AccessDeniedException (HTTP 403, {calls} attempts)" in response["Reason"]
    assert "Allow ses:GetAccount to role Stack-HandlerRole-1A2B3C." in response["Reason"]
    assert "arn:aws:sts" not in response["Reason"]  # nothing else of the message


def test_an_update_answers_access_denied_at_once(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = AlwaysDenied()
    event = load_event("update", response_receiver.url)
    index.run(event, Context(60.0), lambda region: client, lambda stack_id, seconds: None)
    assert response_receiver.only_response()["Status"] == "FAILED"
    assert len(client.calls) == 1


def test_fails_on_repeated_server_errors_after_bounded_retries(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    for _ in range(3):
        ses.error("get_account", "InternalFailure", 500)
    response = run(index, ses, response_receiver)
    assert response["Status"] == "FAILED"
    assert "answered InternalFailure (HTTP 500, 3 attempts)" in response["Reason"]


def test_a_failed_read_after_an_accepted_request_reports_the_open_review(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("sandbox_new")
    ses.put(expected_put())
    for _ in range(3):
        ses.error("get_account", "InternalFailure", 500)
    response = run(index, ses, response_receiver)
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert (response["Data"]["ReviewStatus"], response["Data"]["CaseId"]) == ("PENDING", "NONE")
    assert response["Data"]["MaxSendRate"] == "1"


# --- rollbacks: CloudFormation sends an Update with the previous properties ----------


def test_an_update_that_would_fail_during_a_rollback_succeeds_with_the_state(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("denied")
    props = with_props("update", FailOnDenied="true")
    response = run(
        index, ses, response_receiver, "update",
        stack_status="UPDATE_ROLLBACK_IN_PROGRESS", ResourceProperties=props,
    )
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", PHYSICAL_ID)
    assert response["Data"]["SandboxStatus"] == "DENIED"


def test_an_update_whose_ses_call_fails_during_a_rollback_succeeds_reporting_none(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.error("get_account", "AccessDeniedException", 403, "not authorized")
    rolling_back = "UPDATE_ROLLBACK_IN_PROGRESS"
    response = run(index, ses, response_receiver, "update", stack_status=rolling_back)
    assert response["Status"] == "SUCCESS"
    assert response["Data"] == dict.fromkeys(index.DATA_KEYS, "NONE")


def test_fails_on_an_update_that_fails_outside_a_rollback(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("denied")
    props = with_props("update", FailOnDenied="true")
    response = run(index, ses, response_receiver, "update", ResourceProperties=props)
    assert response["Status"] == "FAILED"


def test_fails_on_an_update_when_the_stack_status_cannot_be_read(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.error("get_account", "AccessDeniedException", 403, "not authorized")
    response = run(index, ses, response_receiver, "update", stack_status=None)
    assert response["Status"] == "FAILED"


def test_stack_status_is_read_with_describe_stacks(index: ModuleType) -> None:
    stack_id = load_event("update")["StackId"]
    client = botocore.session.get_session().create_client(
        "cloudformation", region_name="eu-west-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        stubber.add_response(
            "describe_stacks",
            {"Stacks": [{
                "StackName": "SesProductionAccessExample", "StackId": stack_id,
                "CreationTime": "2026-11-26T05:00:00Z",
                "StackStatus": "UPDATE_ROLLBACK_IN_PROGRESS",
            }]},
            {"StackName": stack_id},
        )
        stubber.add_client_error("describe_stacks", "AccessDenied", "denied", 403)
        status = index.read_stack_status(stack_id, 5.0, client)
        assert status == "UPDATE_ROLLBACK_IN_PROGRESS"
        assert index.read_stack_status(stack_id, 5.0, client) is None


def test_fails_on_properties_ses_would_refuse_without_calling_ses(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    props = with_props("create", MailType="PROMOTIONAL")
    response = run(index, ses, response_receiver, ResourceProperties=props)
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith("MailType 'PROMOTIONAL' is not one of")
    assert ses.regions == []


def test_fails_on_an_unknown_request_type(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    response = run(index, ses, response_receiver, RequestType="Rollback")
    assert response["Status"] == "FAILED"
    assert response["Reason"] == "No valid RequestType in the event."


def test_fails_readably_on_an_unexpected_error(
    index: ModuleType, response_receiver: ResponseReceiver, logs: Any
) -> None:
    def broken_factory(region: str) -> Any:
        raise RuntimeError("boom near https://private-site.example.com/landing")

    index.run(load_event("create", response_receiver.url), Context(), broken_factory)
    response = response_receiver.only_response()
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith("Internal error (RuntimeError)")
    assert "Deploying again is safe" in response["Reason"]
    assert "private-site" not in response["Reason"]
    assert "private-site" not in logs.text


# --- the watchdog and the response edge ---------------------------------------------


class HangingClient:
    """Stands for SES never answering GetAccount (or, with hang_on="put", the Put)."""

    def __init__(self, hang_on: str = "get") -> None:
        self.release = threading.Event()
        self.hang_on = hang_on
        self.puts = 0

    def get_account(self) -> dict[str, Any]:
        if self.hang_on == "get":
            self.release.wait(30)
        return account("sandbox_new")

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]:
        if self.hang_on == "put":
            self.release.wait(30)
        self.puts += 1
        return {}


def test_watchdog_answers_failed_before_the_timeout_when_ses_hangs(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = HangingClient()
    started = time.monotonic()
    outcome = index.run(
        load_event("create", response_receiver.url), Context(5.0), lambda region: client
    )
    elapsed = time.monotonic() - started
    assert elapsed < 5.0
    response = response_receiver.only_response()
    assert response["Status"] == "FAILED"
    assert "stopped waiting for SES" in response["Reason"]
    assert "ses:GetAccount in eu-west-1 had not answered" in response["Reason"]
    assert outcome.status == "FAILED"


def test_watchdog_says_when_the_request_had_been_sent(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = HangingClient(hang_on="put")
    index.run(load_event("create", response_receiver.url), Context(5.0), lambda region: client)
    response = response_receiver.only_response()
    assert response["Status"] == "FAILED"
    assert "The request had been sent" in response["Reason"]


def test_watchdog_says_when_no_request_was_sent(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = HangingClient()
    index.run(load_event("create", response_receiver.url), Context(5.0), lambda region: client)
    assert "No request for production access was sent" in (
        response_receiver.only_response()["Reason"]
    )


def test_no_put_is_made_once_the_watchdog_has_answered(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = HangingClient()
    index.run(load_event("create", response_receiver.url), Context(5.0), lambda region: client)
    client.release.set()  # SES answers late: the account is still in the sandbox
    time.sleep(0.3)
    assert client.puts == 0
    assert len(response_receiver.attempts) == 1


def test_response_is_sent_with_an_empty_content_type_and_within_4096_bytes(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    ses.get_account("production")
    run(index, ses, response_receiver)
    (put,) = response_receiver.accepted
    assert put.headers.get("Content-Type") == ""
    assert len(put.body) <= 4096
    assert put.path.endswith("X-Amz-Signature=0123456789abcdefSECRETSIGNATURE")


def test_response_put_is_retried_after_failures(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    response_receiver.fail_first = 2
    ses.get_account("production")
    run(index, ses, response_receiver)
    assert len(response_receiver.attempts) == 3
    assert len(response_receiver.accepted) == 1


def test_response_put_gives_up_after_bounded_attempts(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver
) -> None:
    response_receiver.fail_first = 1000
    ses.get_account("production")
    index.run(load_event("create", response_receiver.url), Context(), ses.factory)
    assert len(response_receiver.attempts) == index.RESPONSE_ATTEMPTS
    assert response_receiver.accepted == []


def test_logs_never_contain_the_response_url_or_sensitive_details(
    index: ModuleType, ses: Ses, response_receiver: ResponseReceiver, logs: Any
) -> None:
    ses.get_account("sandbox_new")
    ses.put(expected_put())
    ses.get_account("pending")
    run(index, ses, response_receiver)
    assert "Requested production access in eu-west-1" in logs.text
    for secret in (*SECRETS, response_receiver.url):
        assert secret not in logs.text
