"""The watcher end to end: scheduled runs of the handler against scripted SES answers, with
moto's SSM, SNS and EventBridge on 127.0.0.1 as independent peers. What the team is told is
read back from SQS queues subscribed to the topic and routed from the buses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from support import EVENTS, Context, ResponseReceiver, load_event
from support.moto_server import MOTO_ACCOUNT, moto_environment, moto_server

ACCOUNTS = EVENTS / "accounts"
HOME = "eu-west-1"  # the function's Region: its parameters, topic and default bus
PREFIX = "/ses-production-access/Example/"
STATUS_BUS = f"arn:aws:events:us-east-1:{MOTO_ACCOUNT}:event-bus/ses-status"


def account(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ACCOUNTS / f"{name}.json").read_text())
    return result


@dataclass
class FunctionContext(Context):
    invoked_function_arn: str = f"arn:aws:lambda:{HOME}:{MOTO_ACCOUNT}:function:handler"


@dataclass
class Ses:
    """GetAccount per Region from a script; each call recorded."""

    script: dict[str, list[Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def client(self, region: str) -> Any:
        ses = self

        class Client:
            def get_account(self) -> dict[str, Any]:
                ses.calls.append(region)
                answers = ses.script[region]
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if isinstance(answer, Exception):
                    raise answer
                return account(answer)

            def put_account_details(self, **kwargs: Any) -> dict[str, Any]:
                return {}

        return Client()


class Inbox:
    """An SQS queue in `region`, read back as parsed bodies."""

    def __init__(self, region: str, name: str) -> None:
        self.sqs = boto3.client("sqs", region_name=region)
        self.url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        self.arn = attributes["Attributes"]["QueueArn"]
        self.received: list[dict[str, Any]] = []

    def read(self) -> list[dict[str, Any]]:
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return self.received
            for message in messages:
                self.received.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


@dataclass
class World:
    url: str
    topic_arn: str
    topic: Inbox
    default_bus: Inbox
    status_bus: Inbox

    def parameter(self, region: str) -> dict[str, Any] | None:
        ssm = boto3.client("ssm", region_name=HOME)
        try:
            value = ssm.get_parameter(Name=f"{PREFIX}{region}")["Parameter"]["Value"]
        except ClientError:
            return None
        result: dict[str, Any] = json.loads(value)
        return result


def route(bus_region: str, bus_name: str, inbox: Inbox) -> None:
    events = boto3.client("events", region_name=bus_region)
    events.put_rule(
        Name=f"to-{bus_name}", EventBusName=bus_name,
        EventPattern=json.dumps({"source": ["ses-production-access"]}),
    )
    events.put_targets(
        Rule=f"to-{bus_name}", EventBusName=bus_name, Targets=[{"Id": "q", "Arn": inbox.arn}]
    )


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with moto_server() as url:
        for name, value in moto_environment(url).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("AWS_REGION", HOME)
        topic_arn = boto3.client("sns", region_name=HOME).create_topic(Name="ses")["TopicArn"]
        topic = Inbox(HOME, "topic")
        boto3.client("sns", region_name=HOME).subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=topic.arn
        )
        default_bus = Inbox(HOME, "default-bus")
        route(HOME, "default", default_bus)
        boto3.client("events", region_name="us-east-1").create_event_bus(Name="ses-status")
        status_bus = Inbox("us-east-1", "status-bus")
        route("us-east-1", "ses-status", status_bus)
        yield World(url, topic_arn, topic, default_bus, status_bus)


def schedule_input(world: World, *regions: str) -> dict[str, Any]:
    """What the schedule sends: the shape the library writes into the rule's input."""
    return {
        "SesProductionAccessWatch": {
            "Regions": list(regions), "ParameterPrefix": PREFIX,
            "TopicArn": world.topic_arn, "StatusBusArn": STATUS_BUS,
        }
    }


def tick(index: ModuleType, world: World, ses: Ses, *regions: str) -> Any:
    raw = schedule_input(world, *regions)["SesProductionAccessWatch"]
    return index.watch_run(raw, FunctionContext(30.0), ses.client)


def test_sandbox_then_pending_then_granted_tells_each_channel_exactly_twice(
    index: ModuleType, world: World
) -> None:
    ses = Ses({"eu-west-1": ["sandbox_new", "pending", "pending", "production"]})
    reports = [tick(index, world, ses, "eu-west-1") for _ in range(4)]
    assert [r["eu-west-1"] for r in reports] == [
        "SANDBOX", "PENDING_REVIEW", "PENDING_REVIEW", "PRODUCTION",
    ]
    emails = world.topic.read()
    assert [e["Subject"] for e in emails] == [
        f"Amazon SES eu-west-1 ({MOTO_ACCOUNT}): PENDING_REVIEW",
        f"Amazon SES eu-west-1 ({MOTO_ACCOUNT}): PRODUCTION",
    ]
    assert "You may now send to any recipient" in emails[1]["Message"]
    for inbox in (world.default_bus, world.status_bus):
        events = inbox.read()
        assert [e["detail"]["SandboxStatus"] for e in events] == ["PENDING_REVIEW", "PRODUCTION"]
        assert events[1]["detail"]["PreviousSandboxStatus"] == "PENDING_REVIEW"
        assert events[1]["detail"]["Trigger"] == "Schedule"
        assert events[1]["detail-type"] == "SES Production Access Status"
    parameter = world.parameter("eu-west-1")
    assert parameter is not None
    assert (parameter["SandboxStatus"], parameter["ReviewStatus"]) == ("PRODUCTION", "GRANTED")
    assert parameter["Undelivered"] == []


def test_a_final_region_costs_no_ses_call(index: ModuleType, world: World) -> None:
    ses = Ses({"eu-west-1": ["production"]})
    tick(index, world, ses, "eu-west-1")
    tick(index, world, ses, "eu-west-1")
    assert ses.calls == ["eu-west-1"]


def test_every_watched_region_has_its_own_parameter(index: ModuleType, world: World) -> None:
    ses = Ses({"eu-west-1": ["production"], "us-east-1": ["pending"]})
    tick(index, world, ses, "eu-west-1", "us-east-1")
    assert world.parameter("eu-west-1")["SandboxStatus"] == "PRODUCTION"  # type: ignore[index]
    assert world.parameter("us-east-1")["SandboxStatus"] == "PENDING_REVIEW"  # type: ignore[index]


def test_ses_down_on_one_run_is_caught_up_on_the_next(index: ModuleType, world: World) -> None:
    down = ClientError(
        {"Error": {"Code": "AccessDeniedException"}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        "GetAccount",
    )
    ses = Ses({"eu-west-1": ["pending", down, "production"]})
    tick(index, world, ses, "eu-west-1")
    assert tick(index, world, ses, "eu-west-1") == {}
    assert world.parameter("eu-west-1")["SandboxStatus"] == "PENDING_REVIEW"  # type: ignore[index]
    tick(index, world, ses, "eu-west-1")
    assert [e["Subject"][-10:] for e in world.topic.read()] == ["PRODUCTION"]


def test_a_channel_that_failed_is_told_on_the_next_run_and_the_others_not_again(
    index: ModuleType, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ses = Ses({"eu-west-1": ["pending", "production"]})
    tick(index, world, ses, "eu-west-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:9")  # SNS unreachable
    tick(index, world, ses, "eu-west-1")
    assert world.parameter("eu-west-1")["Undelivered"] == ["Topic"]  # type: ignore[index]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", world.url)
    tick(index, world, ses, "eu-west-1")
    assert [e["Subject"][-10:] for e in world.topic.read()] == ["PRODUCTION"]
    assert len(world.default_bus.read()) == 1
    assert len(world.status_bus.read()) == 1
    assert ses.calls == ["eu-west-1", "eu-west-1"]  # the catch-up needed no SES call


def test_a_damaged_schedule_input_is_logged_and_changes_nothing(
    index: ModuleType, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    ses = Ses({"eu-west-1": ["production"]})
    assert index.watch_run({"Regions": "eu-west-1"}, FunctionContext(30.0), ses.client) == {}
    assert ses.calls == []
    assert "Cannot watch" in caplog.text


def test_the_handler_dispatches_a_scheduled_event_to_the_watcher(
    index: ModuleType, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert index.ENTRY_POINTS[index.WATCH_KEY] is index.watch_run
    seen: list[Any] = []
    monkeypatch.setitem(index.ENTRY_POINTS, index.WATCH_KEY, lambda raw, c: seen.append(raw))
    index.handler(schedule_input(world, "eu-west-1"), FunctionContext(30.0))
    assert seen == [schedule_input(world, "eu-west-1")["SesProductionAccessWatch"]]


# --- the deployment keeps the record too -------------------------------------------


def deploy(
    index: ModuleType, world: World, receiver: ResponseReceiver, ses: Ses, name: str
) -> None:
    event = load_event(name, receiver.url)
    event["ResourceProperties"].update(ParameterPrefix=PREFIX, TopicArn=world.topic_arn)
    index.run(event, FunctionContext(10.0), ses.client, lambda stack_id, seconds: None)


def test_a_create_records_its_region_and_tells_nobody(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    deploy(index, world, response_receiver, Ses({"eu-west-1": ["pending"]}), "create")
    assert world.parameter("eu-west-1")["SandboxStatus"] == "PENDING_REVIEW"  # type: ignore[index]
    assert world.topic.read() == []


def test_an_update_that_finds_a_decision_tells_the_team(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    deploy(index, world, response_receiver, Ses({"eu-west-1": ["pending"]}), "create")
    deploy(index, world, response_receiver, Ses({"eu-west-1": ["production"]}), "update")
    assert [e["Subject"][-10:] for e in world.topic.read()] == ["PRODUCTION"]
    assert [e["detail"]["Trigger"] for e in world.default_bus.read()] == ["Update"]


def test_a_delete_removes_its_regions_parameter(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    deploy(index, world, response_receiver, Ses({"eu-west-1": ["pending"]}), "create")
    deploy(index, world, response_receiver, Ses({"eu-west-1": ["pending"]}), "delete")
    assert world.parameter("eu-west-1") is None


@pytest.mark.parametrize(
    "damaged",
    ["not JSON", "[1, 2]", '{"Undelivered": 5}', '{"SandboxStatus": 7}', '{"HeldRequest": "no"}'],
)
def test_an_unreadable_record_is_treated_as_absent_and_written_anew_once(
    index: ModuleType, world: World, caplog: pytest.LogCaptureFixture, damaged: str
) -> None:
    """A parameter written by hand (or by anything else) must not stop the Region: the run
    reads SES, writes a record of its own, and says so once."""
    boto3.client("ssm", region_name=HOME).put_parameter(
        Name=f"{PREFIX}eu-west-1", Value=damaged, Type="String", Overwrite=True
    )
    ses = Ses({"eu-west-1": ["pending"]})
    assert tick(index, world, ses, "eu-west-1") == {"eu-west-1": "PENDING_REVIEW"}
    assert world.parameter("eu-west-1")["SandboxStatus"] == "PENDING_REVIEW"  # type: ignore[index]
    assert tick(index, world, ses, "eu-west-1") == {"eu-west-1": "PENDING_REVIEW"}
    assert caplog.text.count("is unreadable: it is written anew") == 1
    assert world.topic.read() == []  # as a first look: nothing told


def _deploy_as(
    index: ModuleType, world: World, receiver: ResponseReceiver, name: str, logical_id: str,
    stack: str = "SesProductionAccessExample",
) -> None:  # fmt: skip
    event = load_event(name, receiver.url)
    event["ResourceProperties"].update(ParameterPrefix=PREFIX, TopicArn=world.topic_arn)
    event["LogicalResourceId"] = logical_id
    event["StackId"] = event["StackId"].replace("/SesProductionAccessExample/", f"/{stack}/")
    ses = Ses({"eu-west-1": ["pending"]})
    index.run(event, FunctionContext(10.0), ses.client, lambda stack_id, seconds: None)


def test_a_renamed_construct_keeps_its_regions_record(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    """A rename is a Create under the new logical id, then the Delete of the old one (same
    physical id): the old resource's Delete must not remove what the new one keeps."""
    _deploy_as(index, world, response_receiver, "create", "Old")
    _deploy_as(index, world, response_receiver, "create", "New")
    _deploy_as(index, world, response_receiver, "delete", "Old")
    assert world.parameter("eu-west-1")["SandboxStatus"] == "PENDING_REVIEW"  # type: ignore[index]
    _deploy_as(index, world, response_receiver, "delete", "New")
    assert world.parameter("eu-west-1") is None


def test_another_stack_of_the_same_prefix_keeps_the_record_on_its_delete(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    _deploy_as(index, world, response_receiver, "create", "Access", stack="Mail")
    _deploy_as(index, world, response_receiver, "create", "Access", stack="OtherMail")
    _deploy_as(index, world, response_receiver, "delete", "Access", stack="Mail")
    assert world.parameter("eu-west-1") is not None


def test_the_owner_is_bookkeeping_and_never_in_a_status_event(
    index: ModuleType, world: World, response_receiver: ResponseReceiver
) -> None:
    _deploy_as(index, world, response_receiver, "create", "Access")
    record = world.parameter("eu-west-1")
    assert record is not None
    assert record["Owner"].endswith("/SesProductionAccessExample/5b6f1c20-0000-11ef-9f5e-"
                                    "0a1b2c3d4e5f/Access")  # fmt: skip
    tick(index, world, Ses({"eu-west-1": ["production"]}), "eu-west-1")
    (event,) = world.default_bus.read()
    assert "Owner" not in event["detail"]
    assert world.parameter("eu-west-1")["Owner"] == record["Owner"]  # type: ignore[index]
