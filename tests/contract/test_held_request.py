"""Deploy once, on every path: a request held back at Create (the account not ready) is sent
by a later scheduled run of the template's own function once the account is ready, exactly
once, and followed to AWS's decision. For each template a user deploys: app.py (the
example), the plain template and a StackSet member. The schedule's input is the template's
own (its InputTransformer given EventBridge's scheduled event); SSM, SNS, EventBridge and
Secrets Manager are moto's on 127.0.0.1 (independent peers), SES is the local stand-in,
whose PutAccountDetails is checked against botocore's model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from support.moto_server import moto_server

from contract import ses_endpoint as ses
from contract.cloud_assembly import Artefact
from contract.harness import ACCOUNT, PLAIN_PARAMETERS, STACK_REGION, Deployment, Lab
from contract.lambda_runner import LambdaRuntime
from contract.scenarios import EXAMPLE, MEMBER, PLAIN

PUT = "PutAccountDetails"
# The template's prefix: app.py's stack name; the plain template's and a member's own.
PREFIXES = {
    EXAMPLE: "/ses-production-access/SesProductionAccessExample/",
    PLAIN: "/ses-production-access/{stack}/",
    MEMBER: "/ses-production-access/{stack}/",
}
# The first hour of ACCOUNT's four-hour slot (123456789012 % 4 == 0), and the hour after.
DUE = "2026-12-07T12:05:00Z"
NOT_DUE = "2026-12-07T13:05:00Z"
NEXT_SLOT = "2026-12-07T16:05:00Z"  # four hours later: ACCOUNT's slot again
STATUS_BUS_NAME = "ses-status"
STATUS_BUS_REGION = "us-east-1"


def _client(service: str, url: str, region: str = STACK_REGION) -> Any:
    return boto3.client(
        service, region_name=region, endpoint_url=url,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


@dataclass
class Peers:
    """moto: the records, the held requests, the default bus and the status bus (each
    routed to a queue), as a read-only principal and the roll-up see them."""

    url: str
    default_bus: str  # queue URLs
    status_bus: str
    status_bus_arn: str

    def environment(self) -> dict[str, str]:
        services = ("SSM", "SNS", "EVENTBRIDGE", "SECRETS_MANAGER")
        return {f"AWS_ENDPOINT_URL_{name}": self.url for name in services}

    def record(self, name: str) -> dict[str, Any] | None:
        ssm = _client("ssm", self.url)
        try:
            value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
        except ssm.exceptions.ParameterNotFound:
            return None
        found: dict[str, Any] = json.loads(value)
        return found

    def secrets(self) -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = _client("secretsmanager", self.url).list_secrets()[
            "SecretList"
        ]
        return listed

    def events(self, queue_url: str, region: str = STACK_REGION) -> list[dict[str, Any]]:
        sqs = _client("sqs", self.url, region)
        received: list[dict[str, Any]] = []
        while messages := sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", []):
            for message in messages:
                received.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return received

    def readable(self) -> str:
        """Everything a principal with the ReadOnlyAccess policy could read here: every
        SSM parameter's value (ssm:GetParameter*), every secret's name, description and
        tags (secretsmanager:ListSecrets, DescribeSecret; not GetSecretValue), and what
        the buses carried (the events' targets)."""
        ssm = _client("ssm", self.url)
        names = [p["Name"] for p in ssm.describe_parameters()["Parameters"]]
        values = [ssm.get_parameter(Name=n)["Parameter"]["Value"] for n in names]
        events = self.events(self.default_bus) + self.events(self.status_bus, STATUS_BUS_REGION)
        return json.dumps([values, self.secrets(), events], default=str)


def route(url: str, region: str, bus: str) -> str:
    """The status events on `bus` go to a new queue; its URL."""
    sqs, events = _client("sqs", url, region), _client("events", url, region)
    queue = sqs.create_queue(QueueName=f"{bus}-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    events.put_rule(Name=f"{bus}-rule", EventBusName=bus,
                    EventPattern=json.dumps({"source": ["ses-production-access"]}))  # fmt: skip
    events.put_targets(Rule=f"{bus}-rule", EventBusName=bus,
                       Targets=[{"Id": "q", "Arn": arn["Attributes"]["QueueArn"]}])  # fmt: skip
    return str(queue)


@pytest.fixture
def peers() -> Iterator[Peers]:
    with moto_server() as url:
        _client("ssm", url).describe_parameters()  # load moto's backends before any run
        _client("secretsmanager", url).list_secrets()
        central = _client("events", url, STATUS_BUS_REGION)
        bus_arn = central.create_event_bus(Name=STATUS_BUS_NAME)["EventBusArn"]
        yield Peers(
            url,
            route(url, STACK_REGION, "default"),
            route(url, STATUS_BUS_REGION, STATUS_BUS_NAME),
            str(bus_arn),
        )


@pytest.fixture(scope="module")
def lab(artefacts: dict[str, Artefact], runtime: LambdaRuntime) -> Lab:
    return Lab(artefacts, runtime)


@dataclass
class Held:
    """One template deployed once (Create) on an account that was not ready."""

    name: str
    deployment: Deployment

    @property
    def prefix(self) -> str:
        return PREFIXES[self.name].format(stack=self.deployment.stack_id.split("/")[1])

    @property
    def ses(self) -> ses.SesEndpoint:
        return self.deployment.ses

    def puts(self) -> int:
        return self.deployment.ses.count(PUT)


@pytest.fixture(params=[EXAMPLE, PLAIN, MEMBER])
def held(request: pytest.FixtureRequest, lab: Lab, peers: Peers) -> Iterator[Held]:
    name: str = request.param
    parameters = {"StatusBusArn": peers.status_bus_arn} if name == MEMBER else None
    with lab.deploy(name, parameters=parameters, environment=peers.environment()) as deployed:
        deployed.ses.account(STACK_REGION).not_ready()
        create = deployed.create()
        assert create.response()["Status"] == "SUCCESS", create.output
        assert create.response()["Data"]["SandboxStatus"] == "SANDBOX"
        assert create.response()["Data"]["Ready"] == "false"
        assert deployed.ses.count(PUT) == 0
        yield Held(name, deployed)


def becomes_ready(endpoint: ses.SesEndpoint) -> None:
    """What the team does in the hour after the deployment: a verified domain with DKIM
    and a custom MAIL FROM, bounces and complaints on the suppression list."""
    account = endpoint.account(STACK_REGION)
    account.identities = {"mail.contract-example.org": ses.Identity()}
    account.suppressed_reasons = ["BOUNCE", "COMPLAINT"]


def run(held: Held | Deployment, at: str = DUE) -> None:
    """One scheduled run; it ends normally and logs none of the held request's values."""
    deployment = held.deployment if isinstance(held, Held) else held
    invocation = deployment.scheduled(at)
    assert invocation.run.exit_code == 0, invocation.output
    assert not invocation.run.timed_out, invocation.output
    assert "Traceback" not in invocation.output
    for value in deployment.invocations[0].secrets()[3:]:  # the Create's sensitive properties
        assert value not in invocation.output


def test_the_held_request_is_kept_where_a_read_only_principal_cannot_read_it(
    held: Held, peers: Peers
) -> None:
    (secret,) = peers.secrets()
    prefix = held.prefix
    assert secret["Name"] == f"{prefix}held/{STACK_REGION}"
    record = peers.record(f"{prefix}{STACK_REGION}")
    assert record is not None
    assert record["HeldRequest"] is True
    assert record["ReadinessFindings"] == "NO_VERIFIED_IDENTITY,NO_BOUNCE_COMPLAINT_HANDLING"
    readable = peers.readable()
    for value in held.deployment.last("Create").secrets()[3:]:  # the properties' sensitive values
        assert value not in readable


def test_a_run_while_the_account_is_not_ready_sends_nothing(
    held: Held, peers: Peers
) -> None:
    run(held)
    assert held.puts() == 0
    assert len(peers.secrets()) == 1
    record = peers.record(f"{held.prefix}{STACK_REGION}")
    assert record is not None
    assert (record["SandboxStatus"], record["HeldRequest"]) == ("SANDBOX", True)


def test_once_ready_the_next_run_sends_exactly_one_request_with_its_details(
    held: Held, peers: Peers
) -> None:
    becomes_ready(held.ses)
    run(held)
    (put,) = held.ses.calls(PUT)
    sent = put.json()
    properties = held.deployment.properties
    assert sent["WebsiteURL"] == properties["WebsiteURL"]
    assert sent["MailType"] == properties["MailType"]
    assert sent["ProductionAccessEnabled"] is True
    if "AdditionalContactEmailAddresses" in properties:
        assert sent["AdditionalContactEmailAddresses"] == (
            properties["AdditionalContactEmailAddresses"]
        )
    assert peers.secrets() == []  # AWS has the request: the details go
    record = peers.record(f"{held.prefix}{STACK_REGION}")
    assert record is not None
    assert (record["SandboxStatus"], record["HeldRequest"]) == ("PENDING_REVIEW", False)

    run(held)
    run(held)
    assert held.puts() == 1  # later runs send none


def test_the_request_waits_for_the_accounts_slot(held: Held, peers: Peers) -> None:
    becomes_ready(held.ses)
    run(held, NOT_DUE)
    assert held.puts() == 0
    run(held, DUE)
    assert held.puts() == 1


def test_each_change_is_told_once_and_the_roll_up_follows_to_production(
    held: Held, peers: Peers
) -> None:
    peers.events(peers.default_bus)  # the deployment's first look is only recorded
    becomes_ready(held.ses)
    run(held)
    run(held)
    held.ses.account(STACK_REGION).grant()
    run(held)
    run(held)
    told = [e["detail"]["SandboxStatus"] for e in peers.events(peers.default_bus)]
    assert told == ["PENDING_REVIEW", "PRODUCTION"]
    if held.name == MEMBER:
        rows = [e["detail"] for e in peers.events(peers.status_bus, STATUS_BUS_REGION)]
        # The roll-up's row of this account x Region is its latest status event.
        assert [(r["Trigger"], r["SandboxStatus"]) for r in rows][-2:] == [
            ("Schedule", "PENDING_REVIEW"), ("Schedule", "PRODUCTION"),
        ]  # fmt: skip
        assert rows[-1]["Account"] == ACCOUNT


def test_a_failed_run_sends_nothing_twice_and_the_next_catches_up(
    held: Held, peers: Peers
) -> None:
    becomes_ready(held.ses)
    # Every attempt of one run: SES answers 500 (AWS did not take the request).
    held.ses.script(PUT, ses.server_error(), ses.server_error(), ses.server_error())
    run(held)
    refused = held.puts()
    assert refused == 3
    assert len(peers.secrets()) == 1  # still kept for the next run
    run(held)  # the same slot, minutes later: the claim may still be in flight
    assert held.puts() == refused
    run(held, NEXT_SLOT)  # the account's next slot: the stale claim is taken over
    assert held.puts() == refused + 1
    assert peers.secrets() == []


def test_delete_removes_the_held_request_and_the_record(held: Held, peers: Peers) -> None:
    assert held.deployment.delete().response()["Status"] == "SUCCESS"
    assert peers.secrets() == []
    assert peers.record(f"{held.prefix}{STACK_REGION}") is None


def test_the_plain_templates_parameters_are_the_held_requests_values(
    lab: Lab, peers: Peers
) -> None:
    with lab.deploy(PLAIN, environment=peers.environment()) as deployed:
        deployed.ses.account(STACK_REGION).not_ready()
        deployed.create()
        becomes_ready(deployed.ses)
        run(deployed)
        (put,) = deployed.ses.calls(PUT)
        assert put.json()["UseCaseDescription"] == PLAIN_PARAMETERS["UseCaseDescription"]
        assert put.json()["ContactLanguage"] == PLAIN_PARAMETERS["ContactLanguage"]


def test_a_run_that_cannot_reach_the_store_sends_nothing_and_the_next_catches_up(
    held: Held, peers: Peers
) -> None:
    becomes_ready(held.ses)
    record_before = peers.record(f"{held.prefix}{STACK_REGION}")
    held.deployment.environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:9"
    run(held)
    assert held.puts() == 0
    assert peers.record(f"{held.prefix}{STACK_REGION}") == record_before  # nothing unverified
    held.deployment.environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = peers.url
    run(held)
    assert held.puts() == 1
