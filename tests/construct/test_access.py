"""What SesProductionAccess puts in a stack."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template
from support.stacks import add, make_stack

from ses_production_access import ContactLanguage, MailType, defaults
from ses_production_access.construct.access import OUTPUT_DESCRIPTIONS

RESOURCE_TYPE = "Custom::SesProductionAccess"


def custom_resource_properties(template: Template) -> dict[str, Any]:
    resources = template.find_resources(RESOURCE_TYPE)
    assert len(resources) == 1
    props: dict[str, Any] = next(iter(resources.values()))["Properties"]
    return props


def test_deploys_one_python_function_with_the_latest_runtime() -> None:
    stack = make_stack()
    add(stack)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Lambda::Function", 1)
    # python3.14 on aws-cdk-lib 2.222 and later (README "Supported versions").
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Runtime": defaults.HANDLER_RUNTIME.name, "Handler": "index.handler"},
    )


def test_runtime_is_the_latest_python_that_aws_cdk_lib_offers() -> None:
    versions = [
        tuple(int(part) for part in name.split("_")[1:])
        for name in dir(lambda_.Runtime)
        if re.fullmatch(r"PYTHON_3_\d+", name)
    ]
    latest = "python" + ".".join(str(part) for part in max(versions))
    assert defaults.HANDLER_RUNTIME.name == latest


def test_the_function_is_the_service_token_of_a_custom_resource_with_a_service_timeout() -> None:
    stack = make_stack()
    add(stack)
    template = Template.from_stack(stack)
    template.resource_count_is(RESOURCE_TYPE, 1)
    props = custom_resource_properties(template)
    function_id = next(iter(template.find_resources("AWS::Lambda::Function")))
    assert props["ServiceToken"] == {"Fn::GetAtt": [function_id, "Arn"]}
    # Function timeout 120 s + 2 minutes of slack: well under CloudFormation's hour.
    assert props["ServiceTimeout"] == "240"


def test_stack_holds_log_group_role_function_custom_resource_and_the_schedule() -> None:
    stack = make_stack()
    add(stack)
    resources = Template.from_stack(stack).to_json()["Resources"]
    assert sorted(r["Type"] for r in resources.values()) == sorted(
        [RESOURCE_TYPE, "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Logs::LogGroup",
         "AWS::Events::Rule", "AWS::Lambda::Permission"]
    )  # fmt: skip


def test_without_the_watcher_the_stack_holds_only_four_resources() -> None:
    stack = make_stack()
    add(stack, watch=False)
    resources = Template.from_stack(stack).to_json()["Resources"]
    assert sorted(r["Type"] for r in resources.values()) == sorted(
        [RESOURCE_TYPE, "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Logs::LogGroup"]
    )


def test_role_allows_ses_reads_requests_its_stacks_status_and_its_own_log_group() -> None:
    stack = make_stack()
    add(stack, watch=False)  # the watcher's statements: tests/construct/test_watch.py
    template = Template.from_stack(stack)
    log_group_id = next(iter(template.find_resources("AWS::Logs::LogGroup")))
    role = next(iter(template.find_resources("AWS::IAM::Role").values()))
    assert "ManagedPolicyArns" not in role["Properties"]
    (policy,) = role["Properties"]["Policies"]
    statements = policy["PolicyDocument"]["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        (
            [
                "ses:GetAccount",
                "ses:ListEmailIdentities",
                "ses:ListConfigurationSets",
                "ses:GetIdentityNotificationAttributes",
            ],
            "*",
        ),
        ("cloudformation:DescribeStacks", {"Ref": "AWS::StackId"}),
        (
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            {"Fn::GetAtt": [log_group_id, "Arn"]},
        ),
        (
            "ses:GetEmailIdentity",
            {"Fn::Sub": "arn:${AWS::Partition}:ses:eu-west-1:123456789012:identity/*"},
        ),
        (
            "ses:GetConfigurationSetEventDestinations",
            {"Fn::Sub": "arn:${AWS::Partition}:ses:eu-west-1:123456789012:configuration-set/*"},
        ),
        ("ses:PutAccountDetails", "*"),
    ]
    template.resource_count_is("AWS::IAM::Policy", 0)


def test_function_logs_to_a_log_group_with_a_retention() -> None:
    stack = make_stack()
    add(stack)
    template = Template.from_stack(stack)
    log_group_id = next(iter(template.find_resources("AWS::Logs::LogGroup")))
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 365})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"LoggingConfig": {"LogGroup": {"Ref": log_group_id}}}
    )


def test_log_retention_prop_sets_the_log_groups_retention() -> None:
    stack = make_stack()
    add(stack, log_retention=logs.RetentionDays.ONE_WEEK)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Logs::LogGroup", {"RetentionInDays": 7}
    )


def test_timeout_prop_sets_the_function_timeout_and_the_service_timeout() -> None:
    stack = make_stack()
    add(stack, timeout=cdk.Duration.seconds(30))
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::Function", {"Timeout": 30})
    assert custom_resource_properties(template)["ServiceTimeout"] == "150"


def test_two_instances_for_two_regions_share_one_function() -> None:
    stack = make_stack()
    add(stack, "Ireland")
    add(stack, "Frankfurt", region="eu-central-1")
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Lambda::Function", 1)
    template.resource_count_is("AWS::IAM::Role", 1)
    template.resource_count_is("AWS::Logs::LogGroup", 1)
    template.resource_count_is(RESOURCE_TYPE, 2)


def test_properties_carry_the_api_values_and_the_region() -> None:
    stack = make_stack()
    add(
        stack,
        mail_type=MailType.MARKETING,
        contact_language=ContactLanguage.JA,
        use_case_description="Newsletters to subscribers who opted in.",
        additional_contact_email_addresses=["ops@example.com", "legal@example.com"],
        region="us-east-1",
        refresh_on_deploy=False,
    )
    props = custom_resource_properties(Template.from_stack(stack))
    props.pop("ServiceToken")
    props.pop("ServiceTimeout")
    assert props == {
        "Region": "us-east-1",
        "MailType": "MARKETING",
        "WebsiteURL": "https://example.com",
        "ContactLanguage": "JA",
        "UseCaseDescription": "Newsletters to subscribers who opted in.",
        "AdditionalContactEmailAddresses": ["ops@example.com", "legal@example.com"],
        "FailOnDenied": "false",
        "WhenNotReady": "HOLD",
        "ParameterPrefix": "/ses-production-access/Stack/",
    }


def test_plain_string_enum_values_are_accepted() -> None:
    stack = make_stack()
    add(stack, mail_type="MARKETING", contact_language="EN")
    props = custom_resource_properties(Template.from_stack(stack))
    assert (props["MailType"], props["ContactLanguage"]) == ("MARKETING", "EN")


def test_optional_props_left_unset_are_not_sent() -> None:
    stack = make_stack()
    add(stack)
    props = custom_resource_properties(Template.from_stack(stack))
    for name in ("ContactLanguage", "UseCaseDescription", "AdditionalContactEmailAddresses"):
        assert name not in props


def test_region_defaults_to_the_stacks_region() -> None:
    stack = make_stack(region="ap-southeast-2")
    access = add(stack)
    assert access.region == "ap-southeast-2"
    assert custom_resource_properties(Template.from_stack(stack))["Region"] == "ap-southeast-2"


def test_region_of_an_environment_agnostic_stack_is_resolved_at_deploy_time() -> None:
    stack = make_stack(region=None)
    add(stack)
    props = custom_resource_properties(Template.from_stack(stack))
    assert props["Region"] == {"Ref": "AWS::Region"}


def test_fail_on_denied_is_passed_as_a_string_flag() -> None:
    stack = make_stack()
    add(stack, fail_on_denied=True)
    assert custom_resource_properties(Template.from_stack(stack))["FailOnDenied"] == "true"


def test_refresh_on_deploy_changes_a_property_at_every_synthesis() -> None:
    first, second = make_stack(), make_stack()
    add(first)
    add(second)
    a = custom_resource_properties(Template.from_stack(first))["SynthesizedAt"]
    b = custom_resource_properties(Template.from_stack(second))["SynthesizedAt"]
    assert a != b


def test_refresh_on_deploy_false_gives_the_same_template_every_time() -> None:
    first, second = make_stack(), make_stack()
    add(first, refresh_on_deploy=False)
    add(second, refresh_on_deploy=False)
    assert Template.from_stack(first).to_json() == Template.from_stack(second).to_json()
    assert "SynthesizedAt" not in custom_resource_properties(Template.from_stack(first))


def test_attributes_are_getatt_tokens_on_the_custom_resource() -> None:
    stack = make_stack()
    access = add(stack)
    resource_id = next(iter(Template.from_stack(stack).find_resources(RESOURCE_TYPE)))
    attributes = {
        "sandbox_status": "SandboxStatus",
        "production_access_enabled": "ProductionAccessEnabled",
        "review_status": "ReviewStatus",
        "case_id": "CaseId",
        "max_send_rate": "MaxSendRate",
        "max_24_hour_send": "Max24HourSend",
        "sending_enabled": "SendingEnabled",
        "enforcement_status": "EnforcementStatus",
        "ready": "Ready",
        "readiness_findings": "ReadinessFindings",
    }
    assert set(attributes.values()) == set(OUTPUT_DESCRIPTIONS)
    for name, key in attributes.items():
        token = getattr(access, name)
        assert cdk.Token.is_unresolved(token)
        assert stack.resolve(token) == {"Fn::GetAtt": [resource_id, key]}


def test_outputs_report_every_attribute_by_default() -> None:
    stack = make_stack()
    add(stack)
    template = Template.from_stack(stack)
    resource_id = next(iter(template.find_resources(RESOURCE_TYPE)))
    outputs = template.find_outputs("*")
    values = sorted(o["Value"]["Fn::GetAtt"][1] for o in outputs.values())
    assert values == sorted(OUTPUT_DESCRIPTIONS)
    for output in outputs.values():
        assert output["Value"]["Fn::GetAtt"][0] == resource_id
        assert output["Description"]


def test_create_outputs_false_adds_no_outputs() -> None:
    stack = make_stack()
    add(stack, create_outputs=False)
    assert Template.from_stack(stack).find_outputs("*") == {}


def test_output_ids_stay_unique_for_several_instances() -> None:
    stack = make_stack()
    add(stack, "Ireland")
    add(stack, "Frankfurt", region="eu-central-1")
    outputs = Template.from_stack(stack).find_outputs("*")
    assert len(outputs) == 2 * len(OUTPUT_DESCRIPTIONS)
    sandbox = Template.from_stack(stack).find_outputs(
        "*", {"Value": {"Fn::GetAtt": [Match.any_value(), "SandboxStatus"]}}
    )
    assert len(sandbox) == 2


def test_the_handler_needs_no_asset() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Stack", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    add(stack)
    assembly = app.synth()
    assert list(Path(assembly.directory).glob("asset.*")) == []


def test_construct_ids_are_stable() -> None:
    # Construct ids are public API: a rename would replace resources in users' stacks.
    stack = make_stack()
    add(stack)
    paths = sorted(
        c.node.path for c in stack.node.find_all() if isinstance(c, cdk.CfnElement)
    )
    assert paths == sorted(
        [
            "Stack/Access/Resource/Default",
            "Stack/Access/SandboxStatus",
            "Stack/Access/ProductionAccessEnabled",
            "Stack/Access/ReviewStatus",
            "Stack/Access/CaseId",
            "Stack/Access/MaxSendRate",
            "Stack/Access/Max24HourSend",
            "Stack/Access/SendingEnabled",
            "Stack/Access/EnforcementStatus",
            "Stack/Access/Ready",
            "Stack/Access/ReadinessFindings",
            "Stack/SesProductionAccessHandler/LogGroup/Resource",
            "Stack/SesProductionAccessHandler/Role/Resource",
            "Stack/SesProductionAccessHandler/Function/Resource",
            "Stack/SesProductionAccessHandler/Watch/Schedule/Resource",
            "Stack/SesProductionAccessHandler/Watch/Schedule/"
            "AllowEventRuleStackSesProductionAccessHandlerFunction840C6A93",
        ]
    )


@pytest.mark.parametrize("prop", ["timeout", "log_retention"])
def test_fails_when_instances_in_one_stack_disagree_on_shared_settings(prop: str) -> None:
    values = {
        "timeout": (cdk.Duration.seconds(60), cdk.Duration.seconds(90)),
        "log_retention": (logs.RetentionDays.ONE_WEEK, logs.RetentionDays.ONE_MONTH),
    }[prop]
    stack = make_stack()
    add(stack, "Ireland", **{prop: values[0]})
    with pytest.raises(ValueError, match=rf"^{prop} .*give them the same {prop}"):
        add(stack, "Frankfurt", region="eu-central-1", **{prop: values[1]})
