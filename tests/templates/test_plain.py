"""The plain CloudFormation template (``ses-production-access template``): synthesized from
the construct, with the request's details as parameters, deployable without CDK and
without a bootstrapped account, directly or as a StackSet's body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ses_production_access import wire
from ses_production_access.construct.access import OUTPUT_DESCRIPTIONS
from ses_production_access.inline.code import inline_code
from ses_production_access.templates.plain import ACKNOWLEDGEMENT, plain_template, template_json

OPTIONAL = ("UseCaseDescription", "AdditionalContactEmailAddresses", "ContactLanguage")
SENSITIVE = ("WebsiteURL", "UseCaseDescription", "AdditionalContactEmailAddresses")


@pytest.fixture(scope="module")
def body() -> dict[str, Any]:
    return plain_template()


def _of_type(body: dict[str, Any], kind: str) -> dict[str, Any]:
    matches = [r for r in body["Resources"].values() if r["Type"] == kind]
    assert len(matches) == 1, kind
    resource: dict[str, Any] = matches[0]
    return resource


def _custom_resource(body: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _of_type(body, "Custom::SesProductionAccess")["Properties"]
    return properties


def test_template_has_the_request_details_as_parameters(body: dict[str, Any]) -> None:
    assert list(body["Parameters"]) == [
        "MailType",
        "WebsiteURL",
        "UseCaseDescription",
        "AdditionalContactEmailAddresses",
        "ContactLanguage",
        "AcknowledgeSendingPolicy",
        "FailOnDenied",
    ]


def test_template_parameters_allow_only_the_values_ses_accepts(body: dict[str, Any]) -> None:
    parameters = body["Parameters"]
    assert parameters["MailType"]["AllowedValues"] == ["MARKETING", "TRANSACTIONAL"]
    assert parameters["ContactLanguage"]["AllowedValues"] == ["", "EN", "JA"]
    assert parameters["FailOnDenied"]["AllowedValues"] == ["false", "true"]
    assert parameters["FailOnDenied"]["Default"] == "false"
    assert parameters["AdditionalContactEmailAddresses"]["Type"] == "CommaDelimitedList"


def test_template_acknowledgement_has_one_allowed_value_stating_it(body: dict[str, Any]) -> None:
    acknowledgement = body["Parameters"]["AcknowledgeSendingPolicy"]
    assert acknowledgement["AllowedValues"] == [ACKNOWLEDGEMENT]
    assert "Default" not in acknowledgement  # the person deploying must choose it
    assert "asked for" in ACKNOWLEDGEMENT
    assert "bounces and complaints" in ACKNOWLEDGEMENT


def test_template_requires_mail_type_and_website_url(body: dict[str, Any]) -> None:
    parameters = body["Parameters"]
    assert "Default" not in parameters["MailType"]
    assert "Default" not in parameters["WebsiteURL"]
    for name in OPTIONAL:
        assert parameters[name]["Default"] == "", name


def test_template_hides_the_values_ses_marks_sensitive(body: dict[str, Any]) -> None:
    noecho = {name for name, spec in body["Parameters"].items() if spec.get("NoEcho")}
    assert noecho == set(SENSITIVE)


def test_template_sends_an_optional_parameter_only_when_given(body: dict[str, Any]) -> None:
    properties = _custom_resource(body)
    for name in OPTIONAL:
        condition, value, otherwise = properties[name]["Fn::If"]
        assert value == {"Ref": name}
        assert otherwise == {"Ref": "AWS::NoValue"}
        assert name in json.dumps(body["Conditions"][condition])


def test_template_passes_the_required_parameters_through(body: dict[str, Any]) -> None:
    properties = _custom_resource(body)
    for name in ("MailType", "WebsiteURL", "FailOnDenied"):
        assert properties[name] == {"Ref": name}, name
    assert properties["Region"] == {"Ref": "AWS::Region"}


def test_template_reads_the_state_only_when_a_parameter_changes(body: dict[str, Any]) -> None:
    assert "SynthesizedAt" not in _custom_resource(body)
    assert plain_template() == body  # the same on every synthesis


def test_template_has_no_bootstrap_version_parameter_or_rule(body: dict[str, Any]) -> None:
    assert "BootstrapVersion" not in body["Parameters"]
    assert "CheckBootstrapVersion" not in body.get("Rules", {})
    assert "cdk-bootstrap" not in json.dumps(body)


def test_template_has_no_cdk_metadata(body: dict[str, Any]) -> None:
    types = {resource["Type"] for resource in body["Resources"].values()}
    assert "AWS::CDK::Metadata" not in types
    assert "aws:cdk:" not in json.dumps(body)


def test_template_has_no_asset_and_carries_the_handler_inline(body: dict[str, Any]) -> None:
    function = _of_type(body, "AWS::Lambda::Function")["Properties"]
    # Its values are parameters: the handler checks them at deploy time (feature validate);
    # the watcher, on by default, sends a held request (feature watch).
    features = frozenset({wire.FEATURE_VALIDATE, wire.FEATURE_WATCH})
    assert function["Code"] == {"ZipFile": inline_code(features)}
    assert function["Handler"] == "index.handler"
    assert "S3Bucket" not in json.dumps(body)


def test_template_has_the_constructs_resources_with_the_watcher(body: dict[str, Any]) -> None:
    assert sorted(r["Type"] for r in body["Resources"].values()) == [
        "AWS::Events::Rule",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::Lambda::Permission",
        "AWS::Logs::LogGroup",
        "Custom::SesProductionAccess",
    ]


def test_the_watchers_records_are_under_the_stacks_own_name(body: dict[str, Any]) -> None:
    """Two stacks of the template in one account and Region never share a record or a
    held request."""
    resource = _of_type(body, "Custom::SesProductionAccess")["Properties"]
    assert resource["ParameterPrefix"] == {
        "Fn::Join": ["", ["/ses-production-access/", {"Ref": "AWS::StackName"}, "/"]]
    }


def test_template_outputs_the_state_under_the_attribute_names(body: dict[str, Any]) -> None:
    assert list(body["Outputs"]) == list(OUTPUT_DESCRIPTIONS)
    resource_id = next(
        k for k, r in body["Resources"].items() if r["Type"] == "Custom::SesProductionAccess"
    )
    for key, output in body["Outputs"].items():
        assert output["Value"] == {"Fn::GetAtt": [resource_id, key]}


def test_template_groups_and_labels_the_parameters_for_the_console(
    body: dict[str, Any],
) -> None:
    interface = body["Metadata"]["AWS::CloudFormation::Interface"]
    grouped = [name for group in interface["ParameterGroups"] for name in group["Parameters"]]
    assert sorted(grouped) == sorted(body["Parameters"])
    assert set(interface["ParameterLabels"]) == set(body["Parameters"])


# CloudFormation takes a template of up to 1 MB from S3 (CreateStack API reference,
# TemplateURL: "a maximum size of 1 MB"; docs/without-cdk.md says who deploys it from there).
TEMPLATE_URL_MAX_BYTES = 1024 * 1024


def test_template_is_within_what_cloudformation_takes_from_s3(body: dict[str, Any]) -> None:
    assert len(template_json(body).encode("utf-8")) <= TEMPLATE_URL_MAX_BYTES


def test_template_rule_states_the_stack_needs_the_acknowledgement(body: dict[str, Any]) -> None:
    (rule,) = body["Rules"].values()
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {
        "Fn::Equals": [{"Ref": "AcknowledgeSendingPolicy"}, ACKNOWLEDGEMENT]
    }
