"""SesProductionAccess's status_bus: the central bus a stack reports to (the roll-up)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk.assertions import Template
from support.stacks import add, make_stack

RESOURCE_TYPE = "Custom::SesProductionAccess"
BUS_ARN = "arn:aws:events:us-east-1:111111111111:event-bus/ses-production-access"
OTHER_BUS_ARN = "arn:aws:events:eu-central-1:222222222222:event-bus/other"


def resource_properties(template: Template) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template.find_resources(RESOURCE_TYPE).values()]


def statements(template: Template) -> list[dict[str, Any]]:
    (role,) = template.find_resources("AWS::IAM::Role").values()
    (policy,) = role["Properties"]["Policies"]
    found: list[dict[str, Any]] = policy["PolicyDocument"]["Statement"]
    return found


def put_events_statements(template: Template) -> list[dict[str, Any]]:
    return [s for s in statements(template) if "events:PutEvents" in str(s["Action"])]


def inline_code(template: Template) -> str:
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    code: str = function["Properties"]["Code"]["ZipFile"]
    return code


def test_status_bus_arn_is_written_as_the_status_bus_arn_property() -> None:
    stack = make_stack()
    add(stack, status_bus=BUS_ARN)
    (props,) = resource_properties(Template.from_stack(stack))
    assert props["StatusBusArn"] == BUS_ARN


def test_an_event_bus_is_written_as_its_arn() -> None:
    stack = make_stack()
    bus = events.EventBus(stack, "Bus")
    add(stack, status_bus=bus)
    template = Template.from_stack(stack)
    bus_id = next(iter(template.find_resources("AWS::Events::EventBus")))
    (props,) = resource_properties(template)
    assert props["StatusBusArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}


def test_the_role_may_put_events_on_that_bus_only() -> None:
    stack = make_stack()
    add(stack, status_bus=BUS_ARN)
    found = put_events_statements(Template.from_stack(stack))
    # And the watcher's own, on the default bus of the function's Region.
    (statement,) = [s for s in found if s.get("Sid") != "WatchDefaultBus"]
    assert statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == BUS_ARN
    assert statement["Effect"] == "Allow"


def test_the_template_then_carries_the_status_event_code() -> None:
    stack = make_stack()
    add(stack, status_bus=BUS_ARN)
    code = inline_code(Template.from_stack(stack))
    assert "def put_status_event(" in code
    assert "def send_status_event(" in code


def test_without_a_status_bus_no_property_no_permission_and_no_status_event_code() -> None:
    stack = make_stack()
    add(stack, watch=False)  # the watcher puts events on the default bus
    template = Template.from_stack(stack)
    (props,) = resource_properties(template)
    assert "StatusBusArn" not in props
    assert put_events_statements(template) == []
    assert "put_status_event" not in inline_code(template)


def test_instances_reporting_to_one_bus_share_one_statement() -> None:
    stack = make_stack()
    bus = events.EventBus(stack, "Bus")
    # Two buses in one stack: without the watcher (whose scheduled run tells one bus).
    add(stack, "Ireland", status_bus=bus, watch=False)
    add(stack, "Virginia", region="us-east-1", status_bus=bus, watch=False)
    add(stack, "Frankfurt", region="eu-central-1", status_bus=BUS_ARN, watch=False)
    add(stack, "Paris", region="eu-west-3", status_bus=BUS_ARN, watch=False)
    resources = [s["Resource"] for s in put_events_statements(Template.from_stack(stack))]
    assert len(resources) == 2
    assert BUS_ARN in resources


def test_instances_reporting_to_two_buses_get_one_statement_each() -> None:
    stack = make_stack()
    add(stack, "Ireland", status_bus=BUS_ARN, watch=False)
    add(stack, "Frankfurt", region="eu-central-1", status_bus=OTHER_BUS_ARN, watch=False)
    found = put_events_statements(Template.from_stack(stack))
    assert sorted(s["Resource"] for s in found) == sorted([BUS_ARN, OTHER_BUS_ARN])
    assert len({s["Sid"] for s in found}) == 2


def test_an_instance_without_a_bus_keeps_no_property_beside_one_with() -> None:
    stack = make_stack()
    add(stack, "Ireland", status_bus=BUS_ARN)
    add(stack, "Frankfurt", region="eu-central-1")
    properties = resource_properties(Template.from_stack(stack))
    found = sorted((p["Region"], p.get("StatusBusArn")) for p in properties)
    assert found == [("eu-central-1", None), ("eu-west-1", BUS_ARN)]


def test_a_token_is_written_through_for_the_handler_to_check() -> None:
    stack = make_stack()
    parameter = cdk.CfnParameter(stack, "Bus")
    add(stack, status_bus=parameter.value_as_string)
    (props,) = resource_properties(Template.from_stack(stack))
    assert props["StatusBusArn"] == {"Ref": "Bus"}


@pytest.mark.parametrize(
    "value",
    [
        "ses-production-access",  # a name: the handler would not know the Region
        "arn:aws:events:us-east-1:111111111111:rule/ses-production-access",
        "arn:aws:events:us-east-1:1111:event-bus/short-account",
        "arn:aws:sns:us-east-1:111111111111:event-bus/wrong-service",
        f" {BUS_ARN}",
        f"{BUS_ARN}\n",
    ],
)
def test_fails_on_a_status_bus_that_is_not_an_event_bus_arn(value: str) -> None:
    stack = make_stack()
    with pytest.raises(ValueError, match=r"^status_bus .* is not an event bus ARN: give the full"):
        add(stack, status_bus=value)
    assert stack.node.try_find_child("Access") is None


def test_fails_on_a_status_bus_of_the_wrong_type() -> None:
    stack = make_stack()
    with pytest.raises(ValueError, match=r"^status_bus must be an events.IEventBus or an event"):
        add(stack, status_bus=42)
