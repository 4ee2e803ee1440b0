"""The library side of readiness: the four questions as a UseCase, when_not_ready,
report_only, the readiness reads in the role, and the order after the stack's SES
resources."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_ses as ses
from aws_cdk.assertions import Template
from support.stacks import add, make_stack

from ses_production_access import UseCase, WhenNotReady

RESOURCE_TYPE = "Custom::SesProductionAccess"
ANSWERS = {
    "mailing_list": "Customers who sign up.",
    "bounces_and_complaints": "The suppression list.",
    "opt_out": "A link in every message.",
    "sending_rate": "Under 1,000 a day.",
}


def properties(scope: cdk.Stack) -> dict[str, Any]:
    (resource,) = Template.from_stack(scope).find_resources(RESOURCE_TYPE).values()
    result: dict[str, Any] = resource["Properties"]
    return result


def statements(scope: cdk.Stack) -> list[dict[str, Any]]:
    (role,) = Template.from_stack(scope).find_resources("AWS::IAM::Role").values()
    result: list[dict[str, Any]] = role["Properties"]["Policies"][0]["PolicyDocument"][
        "Statement"
    ]
    return result


def actions(scope: cdk.Stack) -> set[str]:
    found: set[str] = set()
    for statement in statements(scope):
        action = statement["Action"]
        found.update([action] if isinstance(action, str) else action)
    return found


def test_the_four_answers_render_under_the_pages_questions() -> None:
    scope = make_stack()
    add(scope, use_case=UseCase(**ANSWERS, additional="Transactional only."))
    description = properties(scope)["UseCaseDescription"]
    assert description == (
        "How do you plan to build or acquire your mailing list?\nCustomers who sign up.\n\n"
        "How do you plan to handle bounces and complaints?\nThe suppression list.\n\n"
        "How can recipients opt out of receiving email from you?\nA link in every message."
        "\n\nHow did you choose the sending rate or sending quota that you specified in this "
        "request?\nUnder 1,000 a day.\n\n"
        "Anything else reviewers should know\nTransactional only."
    )


def test_fails_on_an_empty_answer_naming_it() -> None:
    with pytest.raises(ValueError, match=r"^use_case\.opt_out must be a non-empty answer"):
        add(make_stack(), use_case=UseCase(**{**ANSWERS, "opt_out": "  "}))


def test_fails_on_a_use_case_over_5000_characters_naming_the_answer_to_shorten() -> None:
    long = UseCase(**{**ANSWERS, "bounces_and_complaints": "x" * 4900})
    with pytest.raises(ValueError, match=r"shorten use_case\.bounces_and_complaints"):
        add(make_stack(), use_case=long)


def test_fails_on_both_use_case_and_use_case_description() -> None:
    with pytest.raises(ValueError, match=r"^use_case and use_case_description are both set"):
        add(make_stack(), use_case=UseCase(**ANSWERS), use_case_description="Receipts.")


def test_fails_on_a_use_case_that_is_not_one() -> None:
    with pytest.raises(ValueError, match=r"^use_case must be a UseCase, got dict"):
        add(make_stack(), use_case=ANSWERS)


def test_hold_is_the_default_when_not_ready() -> None:
    scope = make_stack()
    add(scope)
    assert properties(scope)["WhenNotReady"] == "HOLD"
    assert "ReportOnly" not in properties(scope)


@pytest.mark.parametrize("policy", list(WhenNotReady))
def test_when_not_ready_is_written_as_the_api_value(policy: WhenNotReady) -> None:
    scope = make_stack()
    add(scope, when_not_ready=policy)
    assert properties(scope)["WhenNotReady"] == policy.value


def test_fails_on_an_unknown_when_not_ready() -> None:
    with pytest.raises(ValueError, match=r"^when_not_ready 'WAIT' is not a WhenNotReady"):
        add(make_stack(), when_not_ready="WAIT")


def test_fails_at_synth_on_a_lazy_when_not_ready_that_resolves_to_an_unknown_value() -> None:
    # A Lazy resolves only at synthesis: checked then, as the request's other props are.
    scope = make_stack()
    add(scope, when_not_ready=cdk.Lazy.string(_Wait()))
    with pytest.raises(RuntimeError, match=r"when_not_ready 'WAIT' is not a WhenNotReady"):
        Template.from_stack(scope)


@jsii.implements(cdk.IStableStringProducer)
class _Wait:
    """A Lazy's producer: 'WAIT', which no WhenNotReady is, known only at synthesis."""

    def produce(self) -> str:
        return "WAIT"


def test_report_only_grants_no_put_account_details() -> None:
    scope = make_stack()
    add(scope, report_only=True)
    assert properties(scope)["ReportOnly"] == "true"
    assert "ses:PutAccountDetails" not in actions(scope)
    assert {"ses:GetAccount", "ses:ListEmailIdentities", "ses:GetEmailIdentity"} <= actions(scope)


def test_one_requesting_instance_is_enough_for_put_account_details() -> None:
    scope = make_stack()
    add(scope, report_only=True)
    add(scope, "Other", region="us-east-1")
    assert "ses:PutAccountDetails" in actions(scope)


def test_fails_on_report_only_that_is_not_a_bool() -> None:
    with pytest.raises(ValueError, match=r"^report_only must be True or False, got str"):
        add(make_stack(), report_only="yes")


def test_readiness_reads_are_scoped_to_identities_and_configuration_sets_per_region() -> None:
    # Each action on its own resource type (Service Authorization Reference, Amazon SES v2:
    # GetEmailIdentity takes identity, GetConfigurationSetEventDestinations
    # configuration-set).
    scope = make_stack()
    add(scope)
    add(scope, "Other", region="us-east-1")
    scoped = [
        (s["Action"], s["Resource"]["Fn::Sub"])
        for s in statements(scope)
        if s["Action"] in ("ses:GetEmailIdentity", "ses:GetConfigurationSetEventDestinations")
    ]
    assert scoped == [
        ("ses:GetEmailIdentity", "arn:${AWS::Partition}:ses:eu-west-1:123456789012:identity/*"),
        (
            "ses:GetConfigurationSetEventDestinations",
            "arn:${AWS::Partition}:ses:eu-west-1:123456789012:configuration-set/*",
        ),
        ("ses:GetEmailIdentity", "arn:${AWS::Partition}:ses:us-east-1:123456789012:identity/*"),
        (
            "ses:GetConfigurationSetEventDestinations",
            "arn:${AWS::Partition}:ses:us-east-1:123456789012:configuration-set/*",
        ),
    ]


def test_the_request_waits_for_the_stacks_ses_resources_defined_after_it() -> None:
    scope = make_stack()
    add(scope)
    ses.EmailIdentity(scope, "Domain", identity=ses.Identity.domain("example.com"))
    ses.ConfigurationSet(scope, "Set")
    template = Template.from_stack(scope)
    (resource,) = template.find_resources(RESOURCE_TYPE).values()
    ses_ids = set(template.find_resources("AWS::SES::EmailIdentity")) | set(
        template.find_resources("AWS::SES::ConfigurationSet")
    )
    assert ses_ids <= set(resource["DependsOn"])


# --- The readiness reads, named alike wherever they are listed ---


def test_the_readiness_command_names_every_read_the_role_is_granted() -> None:
    import argparse

    from ses_production_access.cli import readiness
    from ses_production_access.construct.function import (
        ACCOUNT_LEVEL_READS,
        RESOURCE_LEVEL_READS,
    )

    commands = argparse.ArgumentParser().add_subparsers()
    readiness.register(commands)
    description = commands.choices["readiness"].description or ""
    for action in (*ACCOUNT_LEVEL_READS, *RESOURCE_LEVEL_READS):
        assert action in description, action


def test_the_wildcard_reason_names_every_account_level_action_the_role_is_granted() -> None:
    from ses_production_access.construct.acknowledgements import SES_WILDCARD
    from ses_production_access.construct.function import ACCOUNT_LEVEL_READS, REQUEST_STATEMENT

    for action in (*ACCOUNT_LEVEL_READS, REQUEST_STATEMENT["Action"]):
        assert str(action) in SES_WILDCARD, action
