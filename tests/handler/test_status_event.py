"""The status event a Create or Update sends to the central bus (the organisation roll-up),
against moto's EventBridge on 127.0.0.1: the event is routed by a rule on the bus to an
SQS queue, and read back from there."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from support import EVENTS, Context, ResponseReceiver, load_event
from support.moto_server import MOTO_ACCOUNT, moto_environment, moto_server

ACCOUNTS = EVENTS / "accounts"
BUS_REGION = "us-east-1"  # the bus lives elsewhere than the SES Region (eu-west-1)
BUS_ARN = f"arn:aws:events:{BUS_REGION}:{MOTO_ACCOUNT}:event-bus/ses-status"
SENSITIVE = ("private-site", "Secret use case", "alice.private", "ops.private")


@dataclass
class Bus:
    url: str
    queue_url: str

    def events(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=BUS_REGION, endpoint_url=self.url)
        messages = sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[Bus]:
    with moto_server() as url:
        for name, value in moto_environment(url).items():
            monkeypatch.setenv(name, value)
        events = boto3.client("events", region_name=BUS_REGION)
        sqs = boto3.client("sqs", region_name=BUS_REGION)
        events.create_event_bus(Name="ses-status")
        queue = sqs.create_queue(QueueName="roll-up")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        events.put_rule(
            Name="all", EventBusName="ses-status",
            EventPattern=json.dumps({"source": ["ses-production-access"]}),
        )
        events.put_targets(
            Rule="all", EventBusName="ses-status",
            Targets=[{"Id": "queue", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        yield Bus(url, queue)


class Ses:
    def __init__(self, *answers: str) -> None:
        self.answers = [json.loads((ACCOUNTS / f"{a}.json").read_text()) for a in answers]

    def get_account(self) -> dict[str, Any]:
        return dict(self.answers.pop(0) if len(self.answers) > 1 else self.answers[0])

    def put_account_details(self, **kwargs: Any) -> dict[str, Any]:
        return {}


def deploy(
    index: ModuleType, receiver: ResponseReceiver, ses: Ses, name: str = "create", **props: Any
) -> Any:
    event = load_event(name, receiver.url)
    event["ResourceProperties"].update(props)
    return index.run(event, Context(10.0), lambda region: ses, lambda stack_id, s: None)


def test_a_create_sends_one_status_event_to_the_bus_in_its_region(
    index: ModuleType, response_receiver: ResponseReceiver, bus: Bus
) -> None:
    deploy(index, response_receiver, Ses("sandbox_new", "pending"), StatusBusArn=BUS_ARN)
    (event,) = bus.events()
    assert (event["source"], event["detail-type"]) == (
        "ses-production-access", "SES Production Access Status",
    )
    detail = event["detail"]
    assert (detail["Account"], detail["Region"], detail["Trigger"]) == (
        MOTO_ACCOUNT, "eu-west-1", "Create",
    )
    assert detail["SandboxStatus"] == "PENDING_REVIEW"
    assert set(index.DATA_KEYS) <= set(detail)


def test_an_update_sends_its_status_event_too(
    index: ModuleType, response_receiver: ResponseReceiver, bus: Bus
) -> None:
    deploy(index, response_receiver, Ses("production"), "update", StatusBusArn=BUS_ARN)
    (event,) = bus.events()
    assert (event["detail"]["Trigger"], event["detail"]["SandboxStatus"]) == (
        "Update", "PRODUCTION",
    )


def test_the_status_event_carries_no_sensitive_value(
    index: ModuleType, response_receiver: ResponseReceiver, bus: Bus
) -> None:
    deploy(index, response_receiver, Ses("sandbox_new", "pending"), StatusBusArn=BUS_ARN)
    text = json.dumps(bus.events())
    for value in SENSITIVE:
        assert value not in text


def test_no_status_event_without_a_bus(
    index: ModuleType, response_receiver: ResponseReceiver, bus: Bus
) -> None:
    deploy(index, response_receiver, Ses("production"))
    assert bus.events() == []


def test_a_delete_tells_the_roll_up_the_region_is_removed(index: ModuleType) -> None:
    """The account left the OU, a Region was dropped, the stack was deleted: its last row
    must not stay as if it were still managed (organization shows it removed, out of the
    exit code). The contract suite sends it through the CloudFormation stand-in."""
    event = load_event("delete", "https://example.com")
    event["ResourceProperties"]["StatusBusArn"] = BUS_ARN
    notice = index.status_notice(event, index.Outcome("SUCCESS", "id"), "eu-west-1",
                                 "DELETE_IN_PROGRESS")  # fmt: skip
    assert notice is not None
    bus, detail = notice
    assert bus == BUS_ARN
    assert {k: detail[k] for k in ("Account", "Region", "SandboxStatus", "Trigger")} == {
        "Account": MOTO_ACCOUNT, "Region": "eu-west-1", "SandboxStatus": "REMOVED",
        "Trigger": "Delete",
    }  # fmt: skip


@pytest.mark.parametrize(
    "stack_status", [None, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"]
)
def test_a_delete_in_an_update_or_unread_stack_sends_nothing(
    index: ModuleType, stack_status: str | None
) -> None:
    """A renamed construct is a Create, then the old resource's Delete during the update's
    cleanup, for the same account and Region: the live row must not turn REMOVED."""
    event = load_event("delete", "https://example.com")
    event["ResourceProperties"]["StatusBusArn"] = BUS_ARN
    outcome = index.Outcome("SUCCESS", "id")
    assert index.status_notice(event, outcome, "eu-west-1", stack_status) is None


def test_a_create_refused_for_its_properties_is_still_a_failed_row(index: ModuleType) -> None:
    event = load_event("create", "https://example.com")
    event["ResourceProperties"].update(StatusBusArn=BUS_ARN, ContactLanguage="JP")
    outcome = index.Outcome("FAILED", "id", reason="ContactLanguage 'JP' is not ...")
    notice = index.status_notice(event, outcome, "eu-west-1")
    assert notice is not None
    assert (notice[1]["SandboxStatus"], notice[1]["Failure"]) == ("FAILED", "PROPERTIES")


def test_a_delete_while_the_stack_rolls_back_keeps_the_failures_row(index: ModuleType) -> None:
    """After a failed Create, CloudFormation deletes the resource while the stack is in
    ROLLBACK_IN_PROGRESS: the roll-up keeps the failure, not a removal."""
    event = load_event("delete", "https://example.com")
    event["ResourceProperties"]["StatusBusArn"] = BUS_ARN
    outcome = index.Outcome("SUCCESS", "id")
    assert index.status_notice(event, outcome, "eu-west-1", "ROLLBACK_IN_PROGRESS") is None
    assert index.status_notice(event, outcome, "eu-west-1", "DELETE_IN_PROGRESS") is not None


def test_a_failed_create_is_a_row_with_the_class_of_its_failure(
    index: ModuleType, response_receiver: ResponseReceiver, bus: Bus
) -> None:
    """A service control policy denying ses:GetAccount, say: the account must not be
    absent from the roll-up (organization would then exit 0)."""
    from botocore.exceptions import ClientError

    denied = ClientError({"Error": {"Code": "AccessDeniedException"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetAccount")  # fmt: skip

    class Denied(Ses):
        def get_account(self) -> dict[str, Any]:
            raise denied

    outcome = deploy(index, response_receiver, Denied("sandbox_new"), "update",
                     StatusBusArn=BUS_ARN)  # fmt: skip
    assert outcome.status == "FAILED"
    (event,) = bus.events()
    detail = event["detail"]
    assert (detail["SandboxStatus"], detail["Failure"], detail["Trigger"]) == (
        "FAILED", "ACCESS_DENIED", "Update",
    )
    text = json.dumps(detail)
    for value in SENSITIVE:
        assert value not in text


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("No valid StackId in the event.", "EVENT"),
        ("Not ready for production access in eu-west-1: NO_VERIFIED_IDENTITY; no request "
         "was sent.", "NOT_READY"),
        ("SES denied production access in eu-west-1 (support case 1).", "REVIEW_DENIED"),
        ("ses:GetAccount in eu-west-1 answered AccessDeniedException (HTTP 403, 1 attempts).",
         "ACCESS_DENIED"),
        ("SES throttled ses:GetAccount in eu-west-1 (TooManyRequestsException, 9 attempts).",
         "THROTTLED"),
        ("The function stopped waiting for SES after 110 s: x.", "TIMEOUT"),
        ("Internal error (KeyError) in the SesProductionAccess handler.", "INTERNAL"),
        ("ses:GetAccount in eu-west-1 answered InternalFailure (HTTP 500, 3 attempts).",
         "SES_ERROR"),
        ("WebsiteURL is not a URL: set website_url to ...", "PROPERTIES"),
    ],
)
def test_a_failure_is_told_by_its_class_never_its_reason(
    index: ModuleType, reason: str, kind: str
) -> None:
    assert index.failure_class(reason) == kind


def test_a_bus_that_refuses_never_fails_the_deployment(
    index: ModuleType,
    response_receiver: ResponseReceiver,
    bus: Bus,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    missing = BUS_ARN.replace("ses-status", "no-such-bus")
    outcome = deploy(index, response_receiver, Ses("production"), StatusBusArn=missing)
    assert outcome.status == "SUCCESS"
    assert response_receiver.only_response()["Status"] == "SUCCESS"
    assert "The status event was not sent" in caplog.text


def test_an_unreachable_bus_is_given_up_within_the_functions_time(
    index: ModuleType, response_receiver: ResponseReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    started = time.monotonic()
    event = load_event("create", response_receiver.url)
    event["ResourceProperties"]["StatusBusArn"] = BUS_ARN
    index.run(event, Context(5.0), lambda region: Ses("production"), lambda s, t: None)
    assert time.monotonic() - started < 5.0
    assert response_receiver.only_response()["Status"] == "SUCCESS"


def test_fails_on_a_status_bus_arn_that_is_not_one(index: ModuleType) -> None:
    props = {**load_event("create")["ResourceProperties"], "StatusBusArn": "ses-status"}
    message = r"^StatusBusArn 'ses-status' is not the central bus"
    with pytest.raises(index.PropertyError, match=message):
        index.parse_properties(props, None)


def test_put_events_request_matches_the_eventbridge_model(index: ModuleType) -> None:
    import botocore.session
    from botocore.stub import Stubber

    client = botocore.session.get_session().create_client(
        "events", region_name=BUS_REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    record = {"Account": MOTO_ACCOUNT, "Region": "eu-west-1", "SandboxStatus": "X"}
    detail = index.status_detail("Create", record)
    with Stubber(client) as stubber:
        stubber.add_response(
            "put_events",
            {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]},
            {"Entries": [{
                "Source": "ses-production-access",
                "DetailType": "SES Production Access Status",
                "Detail": json.dumps(detail),
                "EventBusName": BUS_ARN,
            }]},
        )
        assert index.put_status_event(BUS_ARN, detail, 2.0, client) is True


# --- One shape for the deployment and the watcher (issue 21) ---------------------------


def test_the_status_event_detail_names_the_trigger_without_the_watchers_bookkeeping(
    index: ModuleType,
) -> None:
    record = {"Account": MOTO_ACCOUNT, "Region": "eu-west-1", "SandboxStatus": "SANDBOX",
              "ObservedAt": "2026-12-06T00:00:00Z", "Undelivered": ["Topic"]}  # fmt: skip
    assert index.status_detail("Schedule", record) == {
        "Account": MOTO_ACCOUNT, "Region": "eu-west-1", "SandboxStatus": "SANDBOX",
        "ObservedAt": "2026-12-06T00:00:00Z", "Trigger": "Schedule",
    }  # fmt: skip
    assert record["Undelivered"] == ["Topic"]  # the record itself is left as it was


def test_a_deployment_and_the_watcher_send_the_detail_status_detail_shapes(
    index: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def put(bus: str, detail: dict[str, Any], seconds: float) -> bool:
        sent.append((bus, detail))
        return True

    monkeypatch.setattr(index, "put_status_event", put)
    event = {**load_event("create"), "ResourceProperties": {
        **load_event("create")["ResourceProperties"], "StatusBusArn": BUS_ARN}}  # fmt: skip
    data = {"SandboxStatus": "SANDBOX", "ReviewStatus": "NONE"}
    notice = index.status_notice(event, index.Outcome("SUCCESS", "id", data), "eu-west-1")
    assert notice is not None
    account = index.account_of(event["StackId"])
    region = event["ResourceProperties"].get("Region", "eu-west-1")
    expected = {"Account": account, "Region": region, **data}
    assert notice == (BUS_ARN, index.status_detail("Create", expected))

    watch = index.Watch(("eu-west-1",), "/p/")
    record = {**expected, "ObservedAt": "2026-12-06T00:00:00Z", "Undelivered": ["DefaultBus"]}
    assert index.deliver("DefaultBus", record, watch, "Schedule", 1.0) is True
    assert sent == [("default", index.status_detail("Schedule", record))]
