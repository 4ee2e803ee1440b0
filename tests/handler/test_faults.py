"""The handler's fault paths, one class of defect per test: every event answered once and in
time, never a stuck rollback, nothing sensitive in any log, every bad input refused by name.

SES is a botocore Stubber, a client that hangs, or the contract suite's SES v2 stand-in on
127.0.0.1 where the SDK's own wire traffic matters; CloudFormation's receiver is a local
TLS server.
"""

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
from botocore.exceptions import NoCredentialsError, ParamValidationError
from botocore.stub import Stubber
from contract.local_endpoint import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY
from contract.ses_endpoint import SesEndpoint
from support import EVENTS, Context, ResponseReceiver, expected_put, load_event

ACCOUNTS = EVENTS / "accounts"
CASES: dict[str, dict[str, list[str]]] = json.loads(
    (EVENTS / "validation_cases.json").read_text()
)
SECRETS = (
    "https://private-site.example.com/landing",
    "Secret use case",
    "alice.private@example.com",
    "ops.private@example.org",
    "SECRETSIGNATURE",
)
ROLLING_BACK = "UPDATE_ROLLBACK_IN_PROGRESS"


def account(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ACCOUNTS / f"{name}.json").read_text())
    return result


class ScriptedClient:
    """SES as a list of answers per operation: a dict is returned, an exception raised,
    "hang" waits until released."""

    def __init__(self, gets: list[Any], puts: list[Any] | None = None) -> None:
        self.gets = list(gets)
        self.puts = list(puts or [])
        self.calls: list[str] = []
        self.release = threading.Event()

    def _next(self, answers: list[Any]) -> dict[str, Any]:
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if answer == "hang":
            self.release.wait(30)
            return {}
        if isinstance(answer, BaseException):
            raise answer
        result: dict[str, Any] = answer
        return result

    def get_account(self) -> dict[str, Any]:
        self.calls.append("GetAccount")
        return self._next(self.gets)

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("PutAccountDetails")
        return self._next(self.puts)


def throttled() -> Exception:
    from botocore.exceptions import ClientError

    error: Exception = ClientError(
        {
            "Error": {"Code": "TooManyRequestsException", "Message": "slow down"},
            "ResponseMetadata": {"HTTPStatusCode": 429},
        },
        "GetAccount",
    )
    return error


def invoke(
    index: ModuleType,
    client: Any,
    receiver: ResponseReceiver,
    name: str = "create",
    timeout: float = 5.0,
    stack_status: Any = None,
    **overrides: Any,
) -> Any:
    event = load_event(name, receiver.url, **overrides)
    status = stack_status or (lambda stack_id, seconds: "UPDATE_IN_PROGRESS")
    return index.run(event, Context(timeout), lambda region: client, status)


@pytest.fixture
def debug_root_log() -> Iterator[list[str]]:
    """The root logger at DEBUG with one handler, as Lambda's logging configuration
    sets it when an operator asks for DEBUG: every formatted line it writes."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    root = logging.getLogger()
    handler = Collect()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# --- 1. every answer to an Update applies the rollback rule ---------------------------


def test_an_update_answered_by_the_watchdog_during_a_rollback_succeeds(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient(["hang"])
    outcome = invoke(
        index, client, response_receiver, "update",
        stack_status=lambda stack_id, seconds: ROLLING_BACK,
    )
    response = response_receiver.only_response()
    assert (outcome.status, response["Status"]) == ("SUCCESS", "SUCCESS")
    assert response["Data"] == dict.fromkeys(index.DATA_KEYS, "NONE")


def test_an_update_with_an_internal_error_during_a_rollback_succeeds(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient([RuntimeError("bug")])
    invoke(
        index, client, response_receiver, "update",
        stack_status=lambda stack_id, seconds: ROLLING_BACK,
    )
    assert response_receiver.only_response()["Status"] == "SUCCESS"


def test_the_watchdog_leaves_time_to_read_a_slow_stack_status(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    def slow_status(stack_id: str, seconds: float) -> str:
        time.sleep(0.6)
        return ROLLING_BACK

    started = time.monotonic()
    invoke(index, ScriptedClient(["hang"]), response_receiver, "update", stack_status=slow_status)
    assert response_receiver.only_response()["Status"] == "SUCCESS"
    assert response_receiver.accepted[0].received_at - time.time() < 0
    assert time.monotonic() - started < 5.0


def test_the_watchdog_says_ses_was_throttling_not_silent(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient([throttled(), throttled(), "hang"])
    invoke(index, client, response_receiver)
    reason = response_receiver.only_response()["Reason"]
    assert "SES throttled ses:GetAccount in eu-west-1 (TooManyRequestsException" in reason
    assert "ses:GetAccount in eu-west-1 had not answered (attempt 3)" in reason


# --- 2. no FAILED after an accepted request ------------------------------------------


def test_a_hang_after_an_accepted_request_reports_the_open_review(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient([account("sandbox_new"), "hang"], [{}])
    invoke(index, client, response_receiver)
    response = response_receiver.only_response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"
    assert response["Data"]["MaxSendRate"] == "1"


def test_an_internal_error_after_an_accepted_request_reports_the_open_review(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient([account("sandbox_new"), RuntimeError("bug")], [{}])
    invoke(index, client, response_receiver)
    response = response_receiver.only_response()
    assert (response["Status"], response["Data"]["ReviewStatus"]) == ("SUCCESS", "PENDING")


# --- 3. nothing sensitive in the log at DEBUG ----------------------------------------


def test_debug_logging_never_shows_the_request_or_the_account_details(
    index: ModuleType, response_receiver: ResponseReceiver, debug_root_log: list[str]
) -> None:
    from botocore.config import Config

    with SesEndpoint() as ses:
        ses.account("eu-west-1")

        def client(region: str) -> Any:
            return botocore.session.get_session().create_client(
                "sesv2", region_name=region, endpoint_url=ses.url,
                aws_access_key_id=DUMMY_ACCESS_KEY_ID,
                aws_secret_access_key=DUMMY_SECRET_ACCESS_KEY,
                config=Config(retries={"total_max_attempts": 1}),
            )

        event = load_event("create", response_receiver.url)
        index.run(event, Context(10.0), client, lambda stack_id, seconds: None)
        assert ses.count("PutAccountDetails") == 1
    text = "\n".join(debug_root_log)
    assert "Requested production access in eu-west-1" in text
    for secret in (*SECRETS, response_receiver.url):
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text


# --- 4. redaction covers every form a value can be echoed in --------------------------


@pytest.mark.parametrize(
    "echo",
    [
        "https%3A%2F%2Fprivate-site.example.com%2Flanding",
        "https:\\/\\/private-site.example.com\\/landing",
        "alice.private\\u0040example.com",
        "alice.private&#64;example.com",
        "alice.private%40example.com",
        "Secret use",
        "private-site.example.com/landing",
        "/landing",
        "<redacted>/landing",
    ],
)
def test_redaction_masks_encoded_and_partial_echoes(index: ModuleType, echo: str) -> None:
    secrets = index.sensitive_values(load_event("create"))
    redacted = index.redact(f"value {echo} refused", secrets)
    for fragment in ("private-site", "landing", "alice", "Secret use"):
        assert fragment not in redacted


def test_a_service_message_is_never_echoed(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    from botocore.exceptions import ClientError

    refusal = ClientError(
        {
            "Error": {"Code": "BadRequestException", "Message": "Bad host PRIVATE%2DSITE"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "PutAccountDetails",
    )
    invoke(index, ScriptedClient([account("sandbox_new")], [refusal]), response_receiver)
    reason = response_receiver.only_response()["Reason"]
    assert "BadRequestException" in reason
    assert "PRIVATE" not in reason


def test_records_of_other_loggers_are_redacted_on_the_runtimes_handlers(
    index: ModuleType, response_receiver: ResponseReceiver, debug_root_log: list[str]
) -> None:
    client = ScriptedClient([account("production")])
    invoke(index, client, response_receiver)
    logging.getLogger("some.library").warning(
        "echo %s", "https%3A%2F%2Fprivate-site.example.com%2Flanding"
    )
    assert "private-site" not in "\n".join(debug_root_log)


# --- 5. nothing escapes the handler --------------------------------------------------


@pytest.mark.parametrize("name", ["create", "update"])
@pytest.mark.parametrize("props", [["MailType"], "MailType=MARKETING", 42, None])
def test_fails_readably_on_resource_properties_that_are_not_an_object(
    index: ModuleType, response_receiver: ResponseReceiver, name: str, props: Any
) -> None:
    client = ScriptedClient([account("sandbox_new")])
    invoke(index, client, response_receiver, name, ResourceProperties=props)
    response = response_receiver.only_response()
    assert response["Status"] == "FAILED"
    assert "ResourceProperties" in response["Reason"]
    assert client.calls == []


# --- 5a. an event that breaks the custom resource protocol leads to no request ---------

# The fields each request type carries (docs.aws.amazon.com/AWSCloudFormation/latest/
# UserGuide/crpg-ref-requests.html and crpg-ref-requesttypes-update.html): a non-empty
# string each, the properties an object. ResourceProperties and ResponseURL of a Create
# and an Update are tested apart (their own answers).
MISSING = object()  # the field left out of the event
NOT_A_STRING = {
    "missing": MISSING,
    "null": None,
    "empty": "",
    "list": ["x"],
    "number": 42,
    "object": {"x": "y"},
}
NOT_AN_OBJECT = {
    "missing": MISSING,
    "null": None,
    # The case: the JSON of the properties, in a string.
    "string": json.dumps(load_event("update")["OldResourceProperties"]),
    "list": [["MailType", "MARKETING"]],
    "number": 42,
}


def malformed(strings: tuple[str, ...], objects: tuple[str, ...]) -> list[Any]:
    """(field, value): each field x each shape CloudFormation never sends it in."""
    return [
        pytest.param(field, value, id=f"{field}-{shape}")
        for fields, shapes in ((strings, NOT_A_STRING), (objects, NOT_AN_OBJECT))
        for field in fields
        for shape, value in shapes.items()
    ]


CREATE_FIELDS = malformed(("RequestType", "StackId", "RequestId", "LogicalResourceId"), ())
UPDATE_FIELDS = malformed(
    ("StackId", "RequestId", "LogicalResourceId", "PhysicalResourceId"), ("OldResourceProperties",)
)
DELETE_FIELDS = malformed(
    ("StackId", "RequestId", "LogicalResourceId", "PhysicalResourceId"), ("ResourceProperties",)
)


def send_malformed(
    index: ModuleType,
    client: ScriptedClient,
    receiver: ResponseReceiver,
    name: str,
    field: str,
    value: Any,
    stack_status: str = "UPDATE_IN_PROGRESS",
) -> dict[str, Any]:
    """The `name` event with `field` set to `value` (or left out), on a sandbox account
    that a well-formed Create or Update would send a request for: the answer."""
    event = load_event(name, receiver.url)
    if value is MISSING:
        del event[field]
    else:
        event[field] = value
    index.run(event, Context(5.0), lambda region: client, lambda stack_id, seconds: stack_status)
    return receiver.only_response()


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [pytest.param("create", *p.values, id=f"create-{p.id}") for p in CREATE_FIELDS]
    + [pytest.param("update", *p.values, id=f"update-{p.id}") for p in UPDATE_FIELDS],
)
def test_fails_without_calling_ses_on_an_event_with_a_malformed_field(
    index: ModuleType, response_receiver: ResponseReceiver, name: str, field: str, value: Any
) -> None:
    client = ScriptedClient([account("sandbox_new")], [{}])
    response = send_malformed(index, client, response_receiver, name, field, value)
    assert response["Status"] == "FAILED"
    assert response["Reason"] == f"No valid {field} in the event."
    assert client.calls == []


@pytest.mark.parametrize(("field", "value"), UPDATE_FIELDS)
def test_a_malformed_update_during_a_rollback_succeeds_without_calling_ses(
    index: ModuleType, response_receiver: ResponseReceiver, field: str, value: Any
) -> None:
    client = ScriptedClient([account("sandbox_new")], [{}])
    response = send_malformed(
        index, client, response_receiver, "update", field, value, ROLLING_BACK
    )
    assert response["Status"] == "SUCCESS"  # the rollback rule: never a stuck rollback
    assert client.calls == []


@pytest.mark.parametrize(("field", "value"), DELETE_FIELDS)
def test_a_malformed_delete_succeeds_without_calling_ses(
    index: ModuleType, response_receiver: ResponseReceiver, field: str, value: Any
) -> None:
    client = ScriptedClient([account("sandbox_new")], [{}])
    response = send_malformed(index, client, response_receiver, "delete", field, value)
    assert response["Status"] == "SUCCESS"  # a Delete never blocks a stack's deletion
    assert client.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:99999/x?X-Amz-Signature=SECRETSIGNATURE",
        "https://[::1/x?X-Amz-Signature=SECRETSIGNATURE",
        "https://exa mple.com/x?X-Amz-Signature=SECRETSIGNATURE",
        "https://bücher.example/x?X-Amz-Signature=SECRETSIGNATURE",
    ],
)
def test_a_response_url_urllib_refuses_raises_nothing_and_is_never_logged(
    index: ModuleType, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = ScriptedClient([account("production")])
    event = load_event("create", url)
    index.run(event, Context(3.0), lambda region: client, lambda stack_id, seconds: None)
    assert "SECRETSIGNATURE" not in caplog.text


def test_an_event_that_is_not_an_object_raises_nothing(index: ModuleType) -> None:
    assert index.run(["not", "an", "event"], Context(3.0), lambda region: None) is None


# --- 6. SES is not changed when no answer can be sent ---------------------------------


@pytest.mark.parametrize("name", ["create", "update"])
@pytest.mark.parametrize(
    "url",
    [
        *("", None, MISSING, ["https://x"], 42, {"x": "y"}),
        *("http://127.0.0.1:9/x", "ftp://example.com/x", "https://"),
    ],
)
def test_nothing_is_changed_when_the_event_cannot_be_answered(
    index: ModuleType, name: str, url: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = ScriptedClient([account("sandbox_new")], [{}])
    event = load_event(name)
    event["ResponseURL"] = url
    if url is MISSING:
        del event["ResponseURL"]
    assert index.run(event, Context(3.0), lambda region: client) is None
    assert client.calls == []
    assert "ResponseURL" in caplog.text
    assert "nothing was changed" in caplog.text


# --- 7. the response PUT stays within the Lambda deadline ----------------------------


def test_the_response_put_gives_up_before_the_deadline_when_the_receiver_is_dead(
    index: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = ScriptedClient([account("production")])
    event = load_event("create", "https://127.0.0.1:9/dead?X-Amz-Signature=SECRETSIGNATURE")
    started = time.monotonic()
    index.run(event, Context(3.0), lambda region: client)
    assert time.monotonic() - started < 3.0
    failures = [r for r in caplog.records if "Response PUT attempt" in r.getMessage()]
    assert f"after {len(failures)} attempt(s)" in caplog.text


def test_send_response_never_sleeps_past_its_deadline(index: ModuleType) -> None:
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    sent = index.send_response(
        "https://127.0.0.1:9/x", b"{}", give_up_at=1.0, clock=lambda: clock[0], sleep=sleep
    )
    assert sent is False
    assert clock[0] <= 1.0


# --- 8. patterns are matched whole ----------------------------------------------------


@pytest.mark.parametrize("region", CASES["region"]["invalid"])
def test_fails_on_an_invalid_region_at_deploy_time(index: ModuleType, region: str) -> None:
    props = {**load_event("create")["ResourceProperties"], "Region": region}
    with pytest.raises(index.PropertyError, match=r"^Region .* is not an AWS Region name"):
        index.parse_properties(props, None)


@pytest.mark.parametrize("region", CASES["region"]["valid"])
def test_accepts_a_valid_region_at_deploy_time(index: ModuleType, region: str) -> None:
    props = {**load_event("create")["ResourceProperties"], "Region": region}
    assert index.parse_properties(props, None).region == region


# --- 13 (deploy side). what must never be sent ----------------------------------------


@pytest.mark.parametrize("url", CASES["website_url"]["invalid"])
def test_fails_on_a_website_url_that_must_never_be_sent(index: ModuleType, url: str) -> None:
    props = {**load_event("create")["ResourceProperties"], "WebsiteURL": url}
    with pytest.raises(index.PropertyError, match=r"^WebsiteURL .*: set website_url"):
        index.parse_properties(props, None)


@pytest.mark.parametrize("url", CASES["website_url"]["valid"])
def test_accepts_a_reachable_website_url(index: ModuleType, url: str) -> None:
    props = {**load_event("create")["ResourceProperties"], "WebsiteURL": url}
    assert index.parse_properties(props, None).website_url == url


@pytest.mark.parametrize("address", CASES["contact"]["invalid"])
def test_fails_on_a_contact_no_mail_server_would_take(index: ModuleType, address: str) -> None:
    props = {
        **load_event("create")["ResourceProperties"],
        "AdditionalContactEmailAddresses": [address],
    }
    with pytest.raises(index.PropertyError, match=r"^AdditionalContactEmailAddresses entry 1"):
        index.parse_properties(props, None)


@pytest.mark.parametrize("address", CASES["contact"]["valid"])
def test_accepts_a_deliverable_contact(index: ModuleType, address: str) -> None:
    props = {
        **load_event("create")["ResourceProperties"],
        "AdditionalContactEmailAddresses": [address],
    }
    parsed = index.parse_properties(props, None)
    assert parsed.additional_contact_email_addresses == (address,)


def test_deploy_time_messages_never_quote_the_website_url(index: ModuleType) -> None:
    for url in CASES["website_url"]["invalid"]:
        props = {**load_event("create")["ResourceProperties"], "WebsiteURL": url}
        with pytest.raises(index.PropertyError) as raised:
            index.parse_properties(props, None)
        message = str(raised.value)
        if url not in ("", "example.com", "https://", "https://example"):  # the advice's words
            assert url not in message


# --- 9. only network and server faults are retried ------------------------------------


@pytest.mark.parametrize(
    "error",
    [NoCredentialsError(), ParamValidationError(report="MailType is required")],
)
def test_fails_at_once_on_a_local_sdk_error(
    index: ModuleType, response_receiver: ResponseReceiver, error: Exception
) -> None:
    client = ScriptedClient([error])
    invoke(index, client, response_receiver)
    reason = response_receiver.only_response()["Reason"]
    assert client.calls == ["GetAccount"]
    assert f"could not be made ({type(error).__name__})" in reason
    assert "could not be reached" not in reason


def test_a_network_fault_is_retried_and_reported_as_unreachable(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    from botocore.exceptions import EndpointConnectionError

    client = ScriptedClient([EndpointConnectionError(endpoint_url="https://x")])
    invoke(index, client, response_receiver)
    assert client.calls == ["GetAccount"] * 3
    assert "could not be reached" in response_receiver.only_response()["Reason"]


# --- 10. the response fits 4096 bytes and keeps its advice ----------------------------


def test_a_long_non_ascii_reason_is_cut_in_bytes_and_keeps_its_advice(
    index: ModuleType,
) -> None:
    outcome = index.Outcome("FAILED", "pid", reason="é" * 5000, advice="Fix mail_type.")
    encoded = index.build_response_body(load_event("create"), outcome)
    reason = json.loads(encoded)["Reason"]
    assert len(encoded) <= 4096
    assert reason.endswith("Fix mail_type.")
    assert reason.count("é") > 450  # as much as fits (6 bytes each once JSON-escaped)


@pytest.mark.parametrize(
    "overrides",
    [
        {"MailType": "ü" * 5000},
        {"Region": "\U0001f600" * 3000},
        {"ContactLanguage": "日本語" * 2000},
    ],
)
def test_fails_within_4096_bytes_on_any_property_cloudformation_can_send(
    index: ModuleType, response_receiver: ResponseReceiver, overrides: dict[str, Any]
) -> None:
    props = {**load_event("create")["ResourceProperties"], **overrides}
    invoke(index, ScriptedClient([account("production")]), response_receiver,
           ResourceProperties=props)
    (put,) = response_receiver.accepted
    assert len(put.body) <= 4096
    assert ": set " in put.json()["Reason"]


def test_the_create_fixture_request_still_matches(index: ModuleType) -> None:
    props = load_event("create")["ResourceProperties"]
    assert index.parse_properties(props, None).put_account_details_params() == expected_put()


def test_stubbed_ses_still_drives_a_full_create(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = botocore.session.get_session().create_client(
        "sesv2", region_name="eu-west-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        stubber.add_response("get_account", account("sandbox_new"), {})
        stubber.add_response("put_account_details", {}, expected_put())
        stubber.add_response("get_account", account("pending"), {})
        invoke(index, client, response_receiver)
        stubber.assert_no_pending_responses()
    assert response_receiver.only_response()["Data"]["SandboxStatus"] == "PENDING_REVIEW"


# --- found by an independent review ----------------------------------------------------


class SlowClient(ScriptedClient):
    """GetAccount and PutAccountDetails that take their time (seconds per call)."""

    def __init__(self, gets: list[Any], get_seconds: float, put_seconds: float) -> None:
        super().__init__(gets, [{}])
        self.get_seconds, self.put_seconds = get_seconds, put_seconds
        self.put_answered_at: float | None = None

    def get_account(self) -> dict[str, Any]:
        time.sleep(self.get_seconds)
        return super().get_account()

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]:
        time.sleep(self.put_seconds)
        self.put_answered_at = time.monotonic()
        return super().put_account_details(**kwargs)


def test_a_put_answered_just_after_the_watchdog_is_reported_as_the_open_review(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    # 5 s: SES has 2 s. The Put starts at about 1.8 s and is answered at about 2.2 s.
    client = SlowClient([account("sandbox_new")], get_seconds=1.8, put_seconds=0.4)
    invoke(index, client, response_receiver)
    response = response_receiver.only_response()
    assert client.put_answered_at is not None
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"


def test_no_put_is_started_without_time_for_its_answer(index: ModuleType) -> None:
    client = ScriptedClient([account("sandbox_new")], [{}])
    ses = index.SesAccount(client, "eu-west-1", time.monotonic() + 1.0, put_seconds=10.0)
    state = index.AccountState.from_get_account(account("sandbox_new"))
    with pytest.raises(index.SesError, match="no request was sent"):
        ses.put_account_details(index.parse_properties(load_event("create")[
            "ResourceProperties"], None), state)
    assert client.calls == []


def test_the_default_clients_calls_are_bounded_by_the_budget(index: ModuleType) -> None:
    client = index.make_ses_client("eu-west-1", seconds=1.75)
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (1.75, 1.75)


def test_a_denial_read_after_an_accepted_request_never_fails_the_deployment(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    client = ScriptedClient([account("sandbox_new"), account("denied")], [{}])
    props = {**load_event("create")["ResourceProperties"], "FailOnDenied": "true"}
    invoke(index, client, response_receiver, ResourceProperties=props)
    assert response_receiver.only_response()["Status"] == "SUCCESS"


def test_a_physical_id_with_a_lone_surrogate_is_still_answered(
    index: ModuleType, response_receiver: ResponseReceiver
) -> None:
    invoke(index, ScriptedClient([account("production")]), response_receiver, "delete",
           PhysicalResourceId="id-\ud800")
    assert response_receiver.only_response()["Status"] == "SUCCESS"


def test_a_receiver_that_never_answers_is_given_up_at_the_deadline(index: ModuleType) -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)  # accepts the connection, never answers (not even the handshake)
        url = f"https://127.0.0.1:{server.getsockname()[1]}/x"
        started = time.monotonic()
        sent = index.send_response(url, b"{}", give_up_at=started + 1.5)
    assert sent is False
    assert time.monotonic() - started < 2.5


def test_a_scheduled_run_ends_before_its_deadline_when_ses_hangs(index: ModuleType) -> None:
    class NoRecords:
        def read(self, name: str) -> None:
            return None

        def write(self, name: str, record: Any) -> None:
            pass

    class Context:
        invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:f"

        def __init__(self) -> None:
            self.started = time.monotonic()

        def get_remaining_time_in_millis(self) -> int:
            return int((3.0 - (time.monotonic() - self.started)) * 1000)

    client = ScriptedClient(["hang"])
    started = time.monotonic()
    raw = {"Regions": ["eu-west-1", "us-east-1"], "ParameterPrefix": "/p/"}
    assert index.watch_run(raw, Context(), lambda region: client, NoRecords()) == {}
    assert time.monotonic() - started < 3.0
    client.release.set()
