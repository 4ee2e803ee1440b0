"""The plain template (``ses-production-access template``) deployed without CDK: its
parameters resolved as CloudFormation resolves them, its inline handler run as Lambda
runs it. The lifecycle scenarios run on it too (test_lifecycle.py)."""

from __future__ import annotations

import dataclasses

import pytest

from contract.cloud_assembly import Artefact, ParameterRefused
from contract.harness import ACCOUNT, PLAIN_PARAMETERS, STACK_REGION, Deployment
from contract.scenarios import EXAMPLE, PLAIN
from ses_production_access import wire
from ses_production_access.inline.code import inline_code

PUT = "PutAccountDetails"
OPTIONAL = ("UseCaseDescription", "AdditionalContactEmailAddresses", "ContactLanguage")


@pytest.fixture(scope="module")
def plain(artefacts: dict[str, Artefact]) -> Artefact:
    return artefacts[PLAIN]


# ---- Parameters, as CloudFormation resolves them ----------------------------------------


def test_plain_template_hands_the_parameter_values_to_the_function(plain: Artefact) -> None:
    properties = plain.resource_properties(STACK_REGION, ACCOUNT)
    assert properties["Region"] == STACK_REGION
    for name in ("MailType", "WebsiteURL", "UseCaseDescription", "ContactLanguage"):
        assert properties[name] == PLAIN_PARAMETERS[name], name
    # A CommaDelimitedList arrives as a list, each member trimmed.
    assert properties["AdditionalContactEmailAddresses"] == [
        "postmaster@plain-example.org",
        "abuse@plain-example.org",
    ]
    assert properties["FailOnDenied"] == "false"  # the parameter's default


def test_plain_template_leaves_out_the_properties_of_empty_optional_parameters(
    plain: Artefact,
) -> None:
    properties = plain.resource_properties(STACK_REGION, ACCOUNT, dict.fromkeys(OPTIONAL, ""))
    assert not set(OPTIONAL) & set(properties)
    assert properties["MailType"] == PLAIN_PARAMETERS["MailType"]


def test_plain_template_passes_fail_on_denied_through(plain: Artefact) -> None:
    properties = plain.resource_properties(STACK_REGION, ACCOUNT, {"FailOnDenied": "true"})
    assert properties["FailOnDenied"] == "true"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MailType", "PROMOTIONAL"),
        ("ContactLanguage", "JP"),
        ("FailOnDenied", "yes"),
        ("AcknowledgeSendingPolicy", "I agree"),
    ],
)
def test_fails_deployment_of_a_value_outside_the_parameters_allowed_values(
    plain: Artefact, name: str, value: str
) -> None:
    with pytest.raises(ParameterRefused, match=name):
        plain.resource_properties(STACK_REGION, ACCOUNT, {name: value})


def test_fails_deployment_without_the_required_parameters(artefacts: dict[str, Artefact]) -> None:
    bare = dataclasses.replace(artefacts[PLAIN], parameters={})
    with pytest.raises(ParameterRefused, match="MailType"):
        bare.resource_properties(STACK_REGION, ACCOUNT)


def test_plain_template_runs_the_constructs_handler_with_its_deploy_time_checks(
    artefacts: dict[str, Artefact],
) -> None:
    # Its values are parameters, so the handler checks them (feature validate); the
    # example app's were checked at synth. Both watch (the default).
    plain_code = (artefacts[PLAIN].code_dir / "index.py").read_text()
    assert plain_code == inline_code(frozenset({wire.FEATURE_VALIDATE, wire.FEATURE_WATCH}))
    example_code = (artefacts[EXAMPLE].code_dir / "index.py").read_text()
    assert example_code == inline_code(frozenset({wire.FEATURE_WATCH}))
    assert artefacts[PLAIN].handler == artefacts[EXAMPLE].handler == "index.handler"


# ---- Deployed ---------------------------------------------------------------------------


@pytest.mark.scenario("plain_create_on_fresh_sandbox")
def test_plain_create_puts_the_parameter_values(trace: Deployment) -> None:
    (put,) = trace.ses.calls(PUT)
    assert put.json() == {
        "ProductionAccessEnabled": True,
        "MailType": PLAIN_PARAMETERS["MailType"],
        "WebsiteURL": PLAIN_PARAMETERS["WebsiteURL"],
        "UseCaseDescription": PLAIN_PARAMETERS["UseCaseDescription"],
        "AdditionalContactEmailAddresses": [
            "postmaster@plain-example.org",
            "abuse@plain-example.org",
        ],
        "ContactLanguage": "EN",
    }
    assert trace.last("Create").response()["Status"] == "SUCCESS"


@pytest.mark.scenario("plain_create_with_empty_optional_parameters")
def test_plain_create_with_empty_optional_parameters_sends_none_of_them(
    trace: Deployment,
) -> None:
    (put,) = trace.ses.calls(PUT)
    assert put.json() == {
        "ProductionAccessEnabled": True,
        "MailType": PLAIN_PARAMETERS["MailType"],
        "WebsiteURL": PLAIN_PARAMETERS["WebsiteURL"],
    }
    response = trace.last("Create").response()
    assert response["Status"] == "SUCCESS"
    assert response["Data"]["SandboxStatus"] == "PENDING_REVIEW"


@pytest.mark.scenario("plain_create_with_a_bad_contact_address")
def test_fails_plain_create_with_a_bad_contact_address_naming_the_parameter(
    trace: Deployment,
) -> None:
    assert trace.ses.count(PUT) == 0
    response = trace.last("Create").response()
    assert response["Status"] == "FAILED"
    assert "AdditionalContactEmailAddresses" in response["Reason"]
    assert "entry 2" in response["Reason"]
    assert "postmaster" not in response["Reason"]
    assert trace.last("Delete").response()["Status"] == "SUCCESS"


@pytest.mark.scenario("plain_create_with_review_denied_and_fail_on_denied")
def test_fails_plain_create_on_denied_review_when_fail_on_denied_is_true(
    trace: Deployment,
) -> None:
    assert trace.ses.count(PUT) == 0
    response = trace.last("Create").response()
    assert response["Status"] == "FAILED"
    case_id = trace.ses.account(trace.ses_region).case_id
    assert case_id
    assert case_id in response["Reason"]
