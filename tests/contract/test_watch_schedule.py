"""The watcher as synthesized (issue 10, "Tests" bullet 2): a stack with watch=True
(watching_app.py), its schedule's input taken from the template, drives the template's
inline function in the Lambda-like process against the local SES stand-in, with moto's
SSM, SNS and EventBridge (on 127.0.0.1, an independent peer) for the record and the
telling. What the team is told is read back from SQS queues subscribed to the topic and
routed from the default bus."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from support.moto_server import MOTO_ACCOUNT, moto_server

from contract import ses_endpoint as ses
from contract.cloud_assembly import (
    SCHEDULED_AT,
    Artefact,
    example_app_command,
    read_artefact,
    synthesize,
    wait_for,
    watching_app_command,
)
from contract.harness import ACCOUNT, STACK_REGION, Deployment, Invocation, Lab
from contract.lambda_runner import LambdaRuntime

WATCHING = "watching"
WATCHING_STACK = "SesProductionAccessWatching"
PREFIX = f"/ses-production-access/{WATCHING_STACK}/"
TOPIC_NAME = "ses-decisions"  # watching_app.py's topic, in the stack's account and Region
STATUS_BUS_REGION = "us-east-1"  # and its status bus
STATUS_BUS = f"arn:aws:events:{STATUS_BUS_REGION}:{ACCOUNT}:event-bus/ses-status"
DEAD_ENDPOINT = "http://127.0.0.1:9"
GET = "GetAccount"
# app.py, the example, as `cdk synth -c watch_topic_arn=...` runs it with that topic.
EXAMPLE = "example"
EXAMPLE_STACK = "SesProductionAccessExample"
EXAMPLE_PREFIX = f"/ses-production-access/{EXAMPLE_STACK}/"
EXAMPLE_TOPIC = f"arn:aws:sns:{STACK_REGION}:{ACCOUNT}:{TOPIC_NAME}"


@pytest.fixture(scope="module")
def watching(tmp_path_factory: pytest.TempPathFactory) -> Artefact:
    """watching_app.py synthesized as the CLI would."""
    outdir = tmp_path_factory.mktemp("watching") / "cdk.out"
    wait_for(synthesize(watching_app_command(), outdir), "watching_app.py")
    return read_artefact(outdir, WATCHING_STACK)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Artefact:
    """app.py synthesized as `cdk synth -c watch_topic_arn=<the test's topic>` would."""
    outdir = tmp_path_factory.mktemp("example-watching") / "cdk.out"
    context = {"watch_topic_arn": EXAMPLE_TOPIC}
    wait_for(synthesize(example_app_command(), outdir, context=context), "app.py")
    return read_artefact(outdir, EXAMPLE_STACK)


@pytest.fixture(scope="module")
def lab(watching: Artefact, example: Artefact, runtime: LambdaRuntime) -> Lab:
    return Lab({WATCHING: watching, EXAMPLE: example}, runtime)


class Inbox:
    """An SQS queue of moto's, read back as parsed bodies."""

    def __init__(self, client: Any, name: str) -> None:
        self.sqs = client
        self.url = client.create_queue(QueueName=name)["QueueUrl"]
        attributes = client.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        self.arn: str = attributes["Attributes"]["QueueArn"]

    def read(self) -> list[dict[str, Any]]:
        """Every message received since the last read."""
        received: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return received
            for message in messages:
                received.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])


@dataclass
class Peers:
    """moto's SSM, SNS and EventBridge: the topic of watching_app.py with a queue
    subscribed, and rules on the default bus and the status bus that route the status
    events to queues."""

    url: str
    ssm: Any
    emails: Inbox
    events: Inbox
    status_bus: Inbox

    def environment(self) -> dict[str, str]:
        """What the function is given: the standard per-service endpoint variables."""
        return {
            "AWS_ENDPOINT_URL_SSM": self.url,
            "AWS_ENDPOINT_URL_SNS": self.url,
            "AWS_ENDPOINT_URL_EVENTBRIDGE": self.url,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": self.url,
        }

    def parameter(self, region: str, prefix: str = PREFIX) -> dict[str, Any] | None:
        try:
            value = self.ssm.get_parameter(Name=f"{prefix}{region}")["Parameter"]["Value"]
        except self.ssm.exceptions.ParameterNotFound:
            return None
        record: dict[str, Any] = json.loads(value)
        return record


def _client(service: str, url: str, region: str = STACK_REGION) -> Any:
    return boto3.client(
        service, region_name=region, endpoint_url=url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


@pytest.fixture
def peers() -> Iterator[Peers]:
    with moto_server() as url:
        sqs, sns, events = (_client(s, url) for s in ("sqs", "sns", "events"))
        topic_arn = sns.create_topic(Name=TOPIC_NAME)["TopicArn"]
        assert topic_arn == f"arn:aws:sns:{STACK_REGION}:{ACCOUNT}:{TOPIC_NAME}"
        emails = Inbox(sqs, "emails")
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=emails.arn)
        bus = Inbox(sqs, "default-bus")
        route(events, "default", bus)
        central = _client("events", url, STATUS_BUS_REGION)
        central.create_event_bus(Name=STATUS_BUS.rsplit("/", 1)[1])
        status_bus = Inbox(_client("sqs", url, STATUS_BUS_REGION), "status-bus")
        route(central, STATUS_BUS.rsplit("/", 1)[1], status_bus)
        ssm = _client("ssm", url)
        # moto's server loads a service's backend on its first request, which can take longer
        # than the handler's 2.5 s SSM read timeout on a loaded machine; SSM never does that.
        ssm.describe_parameters()
        yield Peers(url, ssm, emails, bus, status_bus)


def route(events: Any, bus_name: str, inbox: Inbox) -> None:
    """The status events on `bus_name` go to `inbox`."""
    events.put_rule(
        Name=f"to-{inbox.arn.rsplit(':', 1)[1]}", EventBusName=bus_name,
        EventPattern=json.dumps({"source": ["ses-production-access"]}),
    )  # fmt: skip
    events.put_targets(
        Rule=f"to-{inbox.arn.rsplit(':', 1)[1]}", EventBusName=bus_name,
        Targets=[{"Id": "queue", "Arn": inbox.arn}],
    )  # fmt: skip


@pytest.fixture
def deployment(lab: Lab, peers: Peers) -> Iterator[Deployment]:
    with lab.deploy(WATCHING, environment=peers.environment()) as deployed:
        yield deployed


def tick(deployment: Deployment) -> Invocation:
    """One scheduled run; it must end normally, well within the function's timeout."""
    run = deployment.scheduled()
    assert run.run.exit_code == 0, run.output
    assert not run.run.timed_out, run.output
    assert run.attempts == [], "a scheduled run answers no custom resource event"
    return run


def state(record: dict[str, Any] | None) -> tuple[str, str, str]:
    assert record is not None, "no parameter"
    return record["SandboxStatus"], record["ReviewStatus"], record["CaseId"]


# --- The template ---------------------------------------------------------------------


def test_the_template_schedules_the_one_function_hourly_with_the_watch_input(
    watching: Artefact,
) -> None:
    (schedule,) = watching.schedules(STACK_REGION, ACCOUNT)
    assert schedule.expression == "rate(1 hour)"
    assert schedule.state == "ENABLED"
    assert schedule.invoke_permitted
    assert schedule.depends_on == (watching.resource_id,)
    assert schedule.event == {
        "SesProductionAccessWatch": {
            "Regions": [STACK_REGION],
            "ParameterPrefix": PREFIX,
            "TopicArn": f"arn:aws:sns:{STACK_REGION}:{ACCOUNT}:{TOPIC_NAME}",
            "StatusBusArn": STATUS_BUS,
            "IntervalMinutes": 60,
            "Time": SCHEDULED_AT,  # the envelope's time, through the rule's InputTransformer
        }
    }
    functions = [r for r in watching.template["Resources"].values()
                 if r["Type"] == "AWS::Lambda::Function"]  # fmt: skip
    assert len(functions) == 1


def test_the_custom_resource_keeps_the_record_under_the_same_prefix(watching: Artefact) -> None:
    properties = watching.resource_properties(STACK_REGION, ACCOUNT)
    assert properties["ParameterPrefix"] == PREFIX
    assert properties["TopicArn"] == f"arn:aws:sns:{STACK_REGION}:{ACCOUNT}:{TOPIC_NAME}"
    assert {"ssm:PutParameter", "sns:Publish", "events:PutEvents"} <= watching.allowed_actions


# --- Scheduled runs -------------------------------------------------------------------


def test_sandbox_then_pending_then_granted_tells_the_topic_and_the_bus_exactly_twice(
    deployment: Deployment, peers: Peers
) -> None:
    account = deployment.ses.account(STACK_REGION)
    tick(deployment)
    assert state(peers.parameter(STACK_REGION)) == ("SANDBOX", "NONE", "NONE")
    assert peers.emails.read() == []  # the first look is only recorded

    account.review("PENDING")
    tick(deployment)
    case = str(account.case_id)
    assert state(peers.parameter(STACK_REGION)) == ("PENDING_REVIEW", "PENDING", case)
    tick(deployment)  # no change, no message
    account.grant()
    tick(deployment)
    record = peers.parameter(STACK_REGION)
    assert state(record) == ("PRODUCTION", "GRANTED", case)
    assert record is not None
    assert record["PreviousSandboxStatus"] == "PENDING_REVIEW"
    assert record["Max24HourSend"] == "50000"
    assert record["Undelivered"] == []

    emails = peers.emails.read()
    assert [e["Subject"] for e in emails] == [
        f"Amazon SES {STACK_REGION} ({MOTO_ACCOUNT}): PENDING_REVIEW",
        f"Amazon SES {STACK_REGION} ({MOTO_ACCOUNT}): PRODUCTION",
    ]
    assert f"support case {case}" in emails[1]["Message"]
    assert "You may now send to any recipient" in emails[1]["Message"]
    events = peers.events.read()
    assert [e["detail-type"] for e in events] == ["SES Production Access Status"] * 2
    assert [e["source"] for e in events] == ["ses-production-access"] * 2
    assert [e["detail"]["SandboxStatus"] for e in events] == ["PENDING_REVIEW", "PRODUCTION"]
    assert events[1]["detail"]["Trigger"] == "Schedule"
    assert events[1]["detail"]["Account"] == ACCOUNT
    assert events[1]["detail"]["Region"] == STACK_REGION
    assert "Undelivered" not in events[1]["detail"]
    central = peers.status_bus.read()
    assert [e["detail"] for e in central] == [e["detail"] for e in events]

    before = deployment.ses.count(GET)
    tick(deployment)  # final: no SES call, nothing told
    assert deployment.ses.count(GET) == before
    assert peers.emails.read() == []
    assert peers.events.read() == []
    assert peers.status_bus.read() == []


def test_ses_failing_on_one_run_is_caught_up_on_the_next(
    deployment: Deployment, peers: Peers
) -> None:
    account = deployment.ses.account(STACK_REGION)
    account.review("PENDING")
    tick(deployment)
    account.grant()
    # Every attempt the handler makes on one run: SES answers 500.
    deployment.ses.script(GET, ses.server_error(), ses.server_error(), ses.server_error())
    failed = tick(deployment)
    assert len(failed.ses_calls(GET)) == 3
    assert "next run" in failed.output
    assert "Traceback" not in failed.output
    assert state(peers.parameter(STACK_REGION))[0] == "PENDING_REVIEW"  # the last known state
    assert peers.emails.read() == []

    tick(deployment)
    assert state(peers.parameter(STACK_REGION))[0] == "PRODUCTION"
    assert [e["Subject"][-10:] for e in peers.emails.read()] == ["PRODUCTION"]
    assert [e["detail"]["SandboxStatus"] for e in peers.events.read()] == ["PRODUCTION"]


def test_a_topic_out_of_reach_on_one_run_is_told_on_the_next_and_the_bus_only_once(
    deployment: Deployment, peers: Peers
) -> None:
    account = deployment.ses.account(STACK_REGION)
    account.review("PENDING")
    tick(deployment)
    account.grant()
    deployment.environment["AWS_ENDPOINT_URL_SNS"] = DEAD_ENDPOINT
    tick(deployment)
    record = peers.parameter(STACK_REGION)
    assert record is not None
    assert record["Undelivered"] == ["Topic"]
    deployment.environment["AWS_ENDPOINT_URL_SNS"] = peers.url
    calls = deployment.ses.count(GET)
    tick(deployment)
    assert deployment.ses.count(GET) == calls  # final already: the catch-up reads no SES
    assert [e["Subject"][-10:] for e in peers.emails.read()] == ["PRODUCTION"]
    assert len(peers.events.read()) == 1
    assert len(peers.status_bus.read()) == 1
    assert peers.parameter(STACK_REGION)["Undelivered"] == []  # type: ignore[index]


# --- With the deployment --------------------------------------------------------------


def test_the_deployment_records_a_decision_reaches_the_team_once_and_delete_removes_it(
    deployment: Deployment, peers: Peers
) -> None:
    create = deployment.create()
    assert create.response()["Status"] == "SUCCESS"
    account = deployment.ses.account(STACK_REGION)
    record = peers.parameter(STACK_REGION)
    assert state(record)[0] == create.response()["Data"]["SandboxStatus"]
    assert peers.emails.read() == []  # a deployment's first look is only recorded

    account.grant()
    tick(deployment)
    tick(deployment)
    assert state(peers.parameter(STACK_REGION))[:2] == ("PRODUCTION", "GRANTED")
    emails = peers.emails.read()
    assert [e["Subject"][-10:] for e in emails] == ["PRODUCTION"]
    assert [e["detail"]["Trigger"] for e in peers.events.read()] == ["Schedule"]
    # The roll-up heard of the Create from the deployment itself, then of the decision.
    central = peers.status_bus.read()
    assert [(e["detail"]["Trigger"], e["detail"]["SandboxStatus"]) for e in central] == [
        ("Create", create.response()["Data"]["SandboxStatus"]), ("Schedule", "PRODUCTION"),
    ]  # fmt: skip

    assert deployment.delete().response()["Status"] == "SUCCESS"
    assert peers.parameter(STACK_REGION) is None


# --- The example app, as a new user tries it (issue 10, "Done when") ------------------


def test_the_example_app_schedules_its_one_function(example: Artefact) -> None:
    (schedule,) = example.schedules(STACK_REGION, ACCOUNT)
    assert schedule.expression == "rate(1 hour)"
    assert schedule.invoke_permitted
    assert schedule.event == {
        "SesProductionAccessWatch": {
            "Regions": [STACK_REGION],
            "ParameterPrefix": EXAMPLE_PREFIX,
            "TopicArn": EXAMPLE_TOPIC,
            "IntervalMinutes": 60,
            "Time": SCHEDULED_AT,
        }
    }
    functions = [r for r in example.template["Resources"].values()
                 if r["Type"] == "AWS::Lambda::Function"]  # fmt: skip
    assert len(functions) == 1


def test_the_example_app_tells_the_team_of_the_review_decision_once(
    lab: Lab, peers: Peers
) -> None:
    with lab.deploy(EXAMPLE, environment=peers.environment()) as deployment:
        create = deployment.create()
        assert create.response()["Status"] == "SUCCESS"
        assert create.response()["Data"]["SandboxStatus"] == "PENDING_REVIEW"
        assert deployment.ses.count("PutAccountDetails") == 1
        record = peers.parameter(STACK_REGION, EXAMPLE_PREFIX)
        assert state(record)[0] == "PENDING_REVIEW"
        assert peers.emails.read() == []  # the deployment's first look is only recorded

        deployment.ses.account(STACK_REGION).grant()  # AWS decides
        tick(deployment)
        tick(deployment)  # nothing new: nothing told again
        record = peers.parameter(STACK_REGION, EXAMPLE_PREFIX)
        assert state(record)[:2] == ("PRODUCTION", "GRANTED")
        assert record is not None
        assert record["PreviousSandboxStatus"] == "PENDING_REVIEW"
        emails = peers.emails.read()
        assert [e["Subject"] for e in emails] == [
            f"Amazon SES {STACK_REGION} ({MOTO_ACCOUNT}): PRODUCTION"
        ]
        assert "You may now send to any recipient" in emails[0]["Message"]
        events = peers.events.read()
        assert [e["detail"]["SandboxStatus"] for e in events] == ["PRODUCTION"]
        assert events[0]["detail"]["Trigger"] == "Schedule"
        assert peers.status_bus.read() == []  # the example names no status bus
