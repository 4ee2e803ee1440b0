"""A deployment of one synthesized custom resource against the local stand-ins, driven
with CloudFormation's lifecycle events, and a record of everything that happened."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from support import RecordedPut, ResponseReceiver

from contract.cloud_assembly import Artefact
from contract.cloudformation_endpoint import CloudFormationEndpoint, CloudFormationRequest
from contract.lambda_runner import LambdaRuntime, Run
from contract.ses_endpoint import SesEndpoint, SesRequest
from contract.status_bus import EventBridgeServer

ACCOUNT = "123456789012"
# The Region the stack (and so the function) is deployed to.
STACK_REGION = "eu-west-1"
# The plain template's stack, deployed with these values as `--parameter-overrides` gives
# them (FailOnDenied keeps its default; the acknowledgement is the template's one choice).
PLAIN_STACK = "SesProductionAccessPlain"
PLAIN_PARAMETERS = {
    "MailType": "TRANSACTIONAL",
    "WebsiteURL": "https://www.plain-example.org/signup",
    "UseCaseDescription": "Order confirmations for customers of www.plain-example.org.",
    "AdditionalContactEmailAddresses": "postmaster@plain-example.org, abuse@plain-example.org",
    "ContactLanguage": "EN",
}


@dataclass(frozen=True)
class Invocation:
    """One lifecycle event delivered to the function, and what followed."""

    event: dict[str, Any]
    run: Run
    timeout_seconds: int
    attempts: list[RecordedPut]  # every response PUT received during the invocation
    accepted: list[RecordedPut]  # those the receiver accepted
    ses_requests: list[SesRequest]
    stack_status: str  # what DescribeStacks answered during the invocation
    stack_requests: list[CloudFormationRequest]  # those the CloudFormation stand-in received

    @property
    def request_type(self) -> str:
        return str(self.event["RequestType"])

    @property
    def output(self) -> str:
        return self.run.output

    def response(self) -> dict[str, Any]:
        """The one response CloudFormation accepted for this event."""
        assert len(self.accepted) == 1, (
            f"{self.request_type}: expected one accepted response, got {len(self.accepted)} "
            f"(of {len(self.attempts)} attempts); output:\n{self.output}"
        )
        return self.accepted[0].json()

    def seconds_to_response(self) -> float:
        """From the start of the invocation to the accepted response's arrival."""
        started = self.run.invoke_started
        assert started is not None, f"the invocation never started:\n{self.output}"
        return self.accepted[0].received_at - started

    def ses_calls(self, operation: str) -> list[SesRequest]:
        return [r for r in self.ses_requests if r.operation == operation]

    def secrets(self) -> list[str]:
        """Values that must never be printed: the pre-signed URL (and its signature) and
        the properties the SES API marks sensitive."""
        url = str(self.event["ResponseURL"])
        values: list[Any] = [url, url.split("://", 1)[-1].split("/", 1)[-1], url.split("?")[-1]]
        for key in ("ResourceProperties", "OldResourceProperties"):
            props = self.event.get(key)
            props = props if isinstance(props, dict) else {}
            values += [props.get("WebsiteURL"), props.get("UseCaseDescription")]
            values += list(props.get("AdditionalContactEmailAddresses") or [])
        return [str(v) for v in values if v]


def new_stack_id(stack_name: str) -> str:
    return f"arn:aws:cloudformation:{STACK_REGION}:{ACCOUNT}:stack/{stack_name}/{uuid.uuid4()}"


class Deployment:
    """The custom resource of one artefact, with its own SES endpoint, CloudFormation
    stand-in (its stack) and response receiver, sent Create, Update and Delete events as
    CloudFormation sends them. `parameters` override the artefact's parameter values."""

    def __init__(
        self,
        artefact: Artefact,
        runtime: LambdaRuntime,
        ses: SesEndpoint,
        cloudformation: CloudFormationEndpoint,
        receiver: ResponseReceiver,
        parameters: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.artefact = artefact
        self.runtime = runtime
        self.ses = ses
        self.cloudformation = cloudformation
        self.receiver = receiver
        self.stack_id = cloudformation.stack_id
        self.parameters = dict(parameters or {})
        self.properties = artefact.resource_properties(STACK_REGION, ACCOUNT, parameters)
        # Added to the function's environment (as a Lambda setting would be).
        self.environment = dict(environment or {})
        self.physical_id: str | None = None
        self.invocations: list[Invocation] = []
        self._before_update: dict[str, Any] | None = None

    @property
    def ses_region(self) -> str:
        """The Region whose SES account the resource manages."""
        return str(self.properties["Region"])

    def event(self, request_type: str, **fields: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": self.properties["ServiceToken"],
            "ResponseURL": self.receiver.url,
            "StackId": self.stack_id,
            "RequestId": str(uuid.uuid4()),
            "LogicalResourceId": self.artefact.resource_id,
            "ResourceType": self.artefact.resource_type,
            "ResourceProperties": copy.deepcopy(self.properties),
        }
        event.update(fields)
        return event

    def create(self) -> Invocation:
        self.cloudformation.status = "CREATE_IN_PROGRESS"
        return self.send(self.event("Create"))

    def update(self, **changes: Any) -> Invocation:
        """An Update whose new properties differ from the current ones by `changes`."""
        old = copy.deepcopy(self.properties)
        self.properties.update(changes)
        assert self.physical_id, "update before any answer"
        self._before_update = old
        self.cloudformation.status = "UPDATE_IN_PROGRESS"
        return self.send(
            self.event("Update", OldResourceProperties=old, PhysicalResourceId=self.physical_id)
        )

    def roll_back(self) -> Invocation:
        """What CloudFormation sends after a failed Update: the stack rolling back, an
        Update back to the properties before it."""
        assert self._before_update is not None, "roll back before any update"
        new = self.properties
        self.properties = self._before_update
        self._before_update = None
        assert self.physical_id, "roll back before any answer"
        self.cloudformation.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        return self.send(
            self.event(
                "Update",
                OldResourceProperties=copy.deepcopy(new),
                PhysicalResourceId=self.physical_id,
            )
        )

    def delete(self, physical_id: str | None = None) -> Invocation:
        """A Delete as CloudFormation sends it: while the stack rolls back after a failed
        Create, else while it is deleted (the stack's status the function may read)."""
        physical_id = physical_id or self.physical_id
        assert physical_id, "delete before any answer"
        creates = [i for i in self.invocations if i.event.get("RequestType") == "Create"]
        failed = bool(creates) and bool(creates[-1].accepted) and (
            creates[-1].accepted[-1].json()["Status"] == "FAILED"
        )
        self.cloudformation.status = "ROLLBACK_IN_PROGRESS" if failed else "DELETE_IN_PROGRESS"
        return self.send(self.event("Delete", PhysicalResourceId=physical_id))

    def scheduled(self, at: str | None = None) -> Invocation:
        """What the template's one schedule sends the function for a run at ``at`` (by
        default SCHEDULED_AT); no custom resource event: nothing is answered."""
        (schedule,) = self.artefact.schedules(STACK_REGION, ACCOUNT, self.parameters)
        return self.send(schedule.event_at(at) if at else schedule.event)

    def send(self, event: dict[str, Any]) -> Invocation:
        attempts_before = len(self.receiver.attempts)
        accepted_before = len(self.receiver.accepted)
        requests_before = len(self.ses.requests)
        stack_requests_before = len(self.cloudformation.requests)
        stack_status = self.cloudformation.status
        run = self.runtime.invoke(
            self.artefact, event, STACK_REGION, self.ses.url, self.cloudformation.url,
            self.environment,
        )
        invocation = Invocation(
            event=event,
            run=run,
            timeout_seconds=self.artefact.timeout_seconds,
            attempts=list(self.receiver.attempts[attempts_before:]),
            accepted=list(self.receiver.accepted[accepted_before:]),
            ses_requests=list(self.ses.requests[requests_before:]),
            stack_status=stack_status,
            stack_requests=list(self.cloudformation.requests[stack_requests_before:]),
        )
        assert not self.ses.internal_errors, f"SES stand-in bug: {self.ses.internal_errors}"
        assert not self.cloudformation.internal_errors, (
            f"CloudFormation stand-in bug: {self.cloudformation.internal_errors}"
        )
        self.invocations.append(invocation)
        if invocation.accepted:
            self.physical_id = invocation.accepted[-1].json()["PhysicalResourceId"]
        return invocation

    def last(self, request_type: str | None = None) -> Invocation:
        matching = [i for i in self.invocations if request_type in (None, i.request_type)]
        assert matching, f"no {request_type} invocation"
        return matching[-1]


class Lab:
    """Makes deployments of the session's artefacts against fresh stand-ins. An artefact's
    `environments` entry is the function's environment unless a deployment says otherwise
    (the member template's: the session's EventBridge, `eventbridge`)."""

    def __init__(
        self,
        artefacts: dict[str, Artefact],
        runtime: LambdaRuntime,
        environments: Mapping[str, Mapping[str, str]] | None = None,
        eventbridge: EventBridgeServer | None = None,
    ) -> None:
        self.artefacts = artefacts
        self.runtime = runtime
        self.environments = dict(environments or {})
        self.eventbridge = eventbridge

    @contextmanager
    def deploy(
        self,
        artefact: str,
        fail_puts: int = 0,
        parameters: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> Iterator[Deployment]:
        chosen = self.artefacts[artefact]
        environment = {**self.environments.get(artefact, {}), **(environment or {})}
        with (
            SesEndpoint() as ses,
            CloudFormationEndpoint(new_stack_id(chosen.stack_name)) as cloudformation,
            ResponseReceiver(fail_first=fail_puts) as receiver,
        ):
            yield Deployment(
                chosen, self.runtime, ses, cloudformation, receiver, parameters, environment
            )
