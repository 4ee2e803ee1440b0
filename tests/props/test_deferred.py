"""The handler carries its own checks of the values (feature validate) exactly when a value
is a token at synth, which CloudFormation may resolve to anything; a stack whose values were
all checked at synth leaves them out of its inline code (the template's 51,200 bytes)."""

from __future__ import annotations

import json

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template
from support.stacks import add, make_stack

from ses_production_access import wire

TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:ses-decisions"


def features(scope: cdk.Stack) -> set[str]:
    handler = scope.node.find_child("SesProductionAccessHandler")
    found: set[str] = handler.features  # type: ignore[attr-defined]
    return found


def parameter(scope: cdk.Stack, name: str) -> str:
    return cdk.CfnParameter(scope, name, type="String").value_as_string


def test_values_checked_at_synth_leave_the_checks_out() -> None:
    scope = make_stack()
    add(
        scope, use_case_description="Receipts.", additional_contact_email_addresses=["a@b.co"],
        watch=True, watch_topic=sns.Topic.from_topic_arn(scope, "T", TOPIC_ARN),
    )  # fmt: skip
    assert wire.FEATURE_VALIDATE not in features(scope)


@pytest.mark.parametrize(
    "prop", ["website_url", "use_case_description", "contact_language", "when_not_ready"]
)
def test_a_parameter_brings_the_checks(prop: str) -> None:
    scope = make_stack()
    add(scope, **{prop: parameter(scope, "Value")})
    assert wire.FEATURE_VALIDATE in features(scope)


def test_a_lazy_value_brings_the_checks() -> None:
    scope = make_stack()
    add(scope, website_url=cdk.Lazy.string(producer=_Url()))
    assert wire.FEATURE_VALIDATE in features(scope)


@jsii.implements(cdk.IStableStringProducer)
class _Url:
    def produce(self) -> str | None:
        return "https://example.com"


def test_a_status_bus_of_the_stack_brings_the_checks() -> None:
    scope = make_stack()
    add(scope, status_bus=events.EventBus(scope, "Bus"))
    assert wire.FEATURE_VALIDATE in features(scope)


def test_a_topic_of_the_stack_brings_the_checks() -> None:
    scope = make_stack()
    add(scope, watch=True, watch_topic=sns.Topic(scope, "Topic"))
    assert wire.FEATURE_VALIDATE in features(scope)


def test_a_parameter_prefix_brings_the_checks_and_a_joined_arn() -> None:
    scope = make_stack()
    add(scope, watch=True, watch_parameter_prefix=parameter(scope, "Prefix"))
    assert wire.FEATURE_VALIDATE in features(scope)
    resources = json.dumps(Template.from_stack(scope).to_json()["Resources"])
    assert '"Fn::Sub": {' not in resources  # Fn::Sub takes a plain string only


def test_a_watcher_in_a_nested_stack_gets_arns_cloudformation_takes() -> None:
    parent = make_stack()
    nested = cdk.NestedStack(parent, "Nested")
    add(nested, watch=True)  # its default prefix holds the nested stack's name (a token)
    resources = Template.from_stack(nested).to_json()["Resources"]
    for resource in resources.values():
        for statement in json.dumps(resource).split('"Fn::Sub": ')[1:]:
            assert statement.startswith('"'), statement[:80]
