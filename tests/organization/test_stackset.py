"""What SesProductionAccessStackSet puts in the administrator's stack: one service-managed
StackSet whose member template is SesProductionAccess, and the status roll-up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudformation as cloudformation
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template

from ses_production_access import (
    AccountFilterType,
    CallAs,
    ConcurrencyMode,
    ContactLanguage,
    MailType,
    RegionConcurrency,
    SesProductionAccessStackSet,
)
from ses_production_access.organization import stackset as _stackset
from ses_production_access.organization.queries import latest_state_query
from ses_production_access.wire import EVENT_BUS_ARN_PATTERN

STACK_SET = "AWS::CloudFormation::StackSet"
ORGANIZATION = "o-abc123def4"
UNITS = ["ou-ab12-cdef3456", "r-ab12"]
REGIONS = ["eu-west-1", "us-east-1"]
DESCRIPTION = "Receipts for customers of the accounts of organisation o-abc123def4."
TEMPLATE_BODY_MAX_BYTES = 51_200


@dataclass
class Rollout:
    app: cdk.App
    stack: cdk.Stack
    construct: SesProductionAccessStackSet
    template: Template

    def stack_set(self) -> dict[str, Any]:
        (resource,) = self.template.find_resources(STACK_SET).values()
        return dict(resource)

    def properties(self) -> dict[str, Any]:
        props: dict[str, Any] = self.stack_set()["Properties"]
        return props

    def only(self, resource_type: str) -> tuple[str, dict[str, Any]]:
        ((logical_id, resource),) = self.template.find_resources(resource_type).items()
        return logical_id, dict(resource)


def props(**overrides: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "organizational_unit_ids": UNITS,
        "regions": REGIONS,
        "organization_id": ORGANIZATION,
        "mail_type": MailType.TRANSACTIONAL,
        "website_url": "https://example.com",
        "use_case_description": DESCRIPTION,
        "acknowledge_sending_policy": True,
    }
    given.update(overrides)
    return given


def rollout(**overrides: Any) -> Rollout:
    app = cdk.App()
    stack = cdk.Stack(app, "Admin")
    construct = SesProductionAccessStackSet(stack, "Rollout", **props(**overrides))
    return Rollout(app, stack, construct, Template.from_stack(stack))


def attempt(**overrides: Any) -> cdk.Stack:
    """A stack the construct failed to join (the test expects a ValueError)."""
    stack = cdk.Stack(cdk.App(), "Admin")
    SesProductionAccessStackSet(stack, "Rollout", **props(**overrides))
    return stack


@pytest.fixture(scope="module")
def default() -> Rollout:
    return rollout()


@pytest.fixture(scope="module")
def member(default: Rollout) -> dict[str, Any]:
    """The member template (TemplateBody, or the asset's copy: member_template)."""
    body = default.properties().get("TemplateBody")
    found: dict[str, Any] = json.loads(body) if body else default.construct.member_template
    return found


def member_resource(member: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = [r for r in member["Resources"].values() if r["Type"] == resource_type]
    found: dict[str, Any] = resource
    return found


# ---- The StackSet ------------------------------------------------------------------------


def test_one_service_managed_stack_set_with_capability_iam_and_auto_deployment(
    default: Rollout,
) -> None:
    default.template.resource_count_is(STACK_SET, 1)
    properties = default.properties()
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["Capabilities"] == ["CAPABILITY_IAM"]
    assert properties["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    assert properties["ManagedExecution"] == {"Active": True}


def test_stack_set_is_called_as_a_delegated_administrator_by_default(default: Rollout) -> None:
    assert default.properties()["CallAs"] == "DELEGATED_ADMIN"


def test_call_as_self_for_the_management_account() -> None:
    assert rollout(call_as=CallAs.SELF).properties()["CallAs"] == "SELF"


def test_operation_preferences_default_to_one_account_at_a_time_in_parallel_regions(
    default: Rollout,
) -> None:
    assert default.properties()["OperationPreferences"] == {
        "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE",
        "RegionConcurrencyType": "PARALLEL",
        "MaxConcurrentPercentage": 1,
        "FailureTolerancePercentage": 10,
    }


def test_operation_preferences_are_props() -> None:
    preferences = rollout(
        concurrency_mode=ConcurrencyMode.STRICT_FAILURE_TOLERANCE,
        region_concurrency=RegionConcurrency.SEQUENTIAL,
        max_concurrent_percentage=25,
        failure_tolerance_percentage=0,
    ).properties()["OperationPreferences"]
    assert preferences == {
        "ConcurrencyMode": "STRICT_FAILURE_TOLERANCE",
        "RegionConcurrencyType": "SEQUENTIAL",
        "MaxConcurrentPercentage": 25,
        "FailureTolerancePercentage": 0,
    }


def test_stack_instances_go_to_the_organizational_units_in_every_region(default: Rollout) -> None:
    assert default.properties()["StackInstancesGroup"] == [
        {"DeploymentTargets": {"OrganizationalUnitIds": UNITS}, "Regions": REGIONS}
    ]


def test_account_ids_narrow_the_units_to_those_accounts_by_default() -> None:
    targets = rollout(account_ids=["111111111111", "012345678901"]).properties()[
        "StackInstancesGroup"
    ][0]["DeploymentTargets"]
    assert targets == {
        "OrganizationalUnitIds": UNITS,
        "Accounts": ["111111111111", "012345678901"],
        "AccountFilterType": "INTERSECTION",
    }


def test_account_filter_difference_leaves_the_listed_accounts_out() -> None:
    targets = rollout(
        account_ids=["111111111111"], account_filter_type=AccountFilterType.DIFFERENCE
    ).properties()["StackInstancesGroup"][0]["DeploymentTargets"]
    assert targets["AccountFilterType"] == "DIFFERENCE"
    assert targets["Accounts"] == ["111111111111"]


def test_stacks_of_accounts_that_leave_can_be_retained() -> None:
    auto = rollout(retain_stacks_on_account_removal=True).properties()["AutoDeployment"]
    assert auto == {"Enabled": True, "RetainStacksOnAccountRemoval": True}


def test_auto_deployment_can_be_turned_off() -> None:
    assert rollout(auto_deployment=False).properties()["AutoDeployment"] == {"Enabled": False}


def test_stack_set_name_is_generated_from_the_path_or_given(default: Rollout) -> None:
    generated = default.properties()["StackSetName"]
    assert generated.startswith("AdminRollout")
    assert len(generated) <= 128
    assert rollout(stack_set_name="ses-production-access").properties()["StackSetName"] == (
        "ses-production-access"
    )


def test_stack_set_description_states_the_organisation(default: Rollout) -> None:
    description = default.properties()["Description"]
    assert ORGANIZATION in description
    assert "one request per account and Region" in description


def test_stack_set_hands_the_status_bus_arn_to_every_instance(default: Rollout) -> None:
    bus_id, _ = default.only("AWS::Events::EventBus")
    assert default.properties()["Parameters"] == [
        {"ParameterKey": "StatusBusArn", "ParameterValue": {"Fn::GetAtt": [bus_id, "Arn"]}}
    ]


def test_stack_set_is_created_after_the_bus_its_policy_the_rule_and_the_log_group(
    default: Rollout,
) -> None:
    depends_on = set(default.stack_set()["DependsOn"])
    # The bus through the parameter's Fn::GetAtt; a DependsOn too would be redundant.
    bus_id, _ = default.only("AWS::Events::EventBus")
    assert bus_id not in depends_on
    for resource_type in (
        "AWS::Events::EventBusPolicy",
        "AWS::Events::Rule",
        "AWS::Logs::LogGroup",
        "AWS::Logs::ResourcePolicy",
    ):
        logical_id, _ = default.only(resource_type)
        assert logical_id in depends_on, resource_type


def test_the_status_bus_arn_is_an_output_for_accounts_the_stack_set_does_not_reach(
    default: Rollout,
) -> None:
    bus_id, _ = default.only("AWS::Events::EventBus")
    outputs = default.template.find_outputs("*")
    assert [o["Value"] for o in outputs.values()] == [{"Fn::GetAtt": [bus_id, "Arn"]}]


# ---- The member template -------------------------------------------------------------------


def test_member_template_is_the_template_body_up_to_51200_bytes(
    default: Rollout, member: dict[str, Any]
) -> None:
    properties = default.properties()
    size = default.construct.member_template_bytes
    assert ("TemplateBody" in properties) is (size <= TEMPLATE_BODY_MAX_BYTES)
    assert ("TemplateURL" in properties) is (size > TEMPLATE_BODY_MAX_BYTES)
    assert member == default.construct.member_template


def test_member_template_that_fits_is_the_template_body_as_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_stackset, "TEMPLATE_BODY_MAX_BYTES", 1_000_000)
    fitted = rollout()
    properties = fitted.properties()
    assert "TemplateURL" not in properties
    body = properties["TemplateBody"]
    assert fitted.construct.member_template_bytes == len(body.encode())
    assert json.loads(body) == fitted.construct.member_template
    # Compact: no byte of the 51,200 goes to layout.
    assert body == json.dumps(json.loads(body), separators=(",", ":"))


def test_member_template_over_the_limit_is_an_asset_behind_template_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_stackset, "TEMPLATE_BODY_MAX_BYTES", 1_000)
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Admin")
    construct = SesProductionAccessStackSet(stack, "Rollout", **props())
    properties = next(iter(Template.from_stack(stack).find_resources(STACK_SET).values()))[
        "Properties"
    ]
    assert "TemplateBody" not in properties
    url = json.dumps(properties["TemplateURL"])
    assert "cdk-hnb659fds-assets" in url
    assembly = app.synth()
    (asset,) = [p for p in Path(assembly.directory).glob("asset.*.json")]
    assert json.loads(asset.read_text()) == construct.member_template
    assert asset.name.removeprefix("asset.").removesuffix(".json") in url
    notes = [str(e.data) for e in construct.node.metadata if e.type == "aws:cdk:info"]
    assert any("over CloudFormation's 1,000 for a TemplateBody" in note for note in notes)


def test_member_template_runs_the_inline_handler_with_the_status_event(
    member: dict[str, Any],
) -> None:
    function = member_resource(member, "AWS::Lambda::Function")
    code = function["Properties"]["Code"]
    assert set(code) == {"ZipFile"}
    assert "def put_status_event(" in code["ZipFile"]
    assert function["Properties"]["Handler"] == "index.handler"


def test_member_template_has_no_asset_no_bootstrap_version_and_no_cdk_metadata(
    member: dict[str, Any],
) -> None:
    assert set(member.get("Parameters", {})) == {"StatusBusArn"}
    assert "Rules" not in member
    assert "BootstrapVersion" not in json.dumps(member)
    assert "aws:cdk:" not in json.dumps(member)
    assert "AWS::CDK::Metadata" not in {r["Type"] for r in member["Resources"].values()}
    assert "aws:asset:" not in json.dumps(member)


def test_nothing_in_the_member_template_has_a_fixed_name(member: dict[str, Any]) -> None:
    # IAM is global: a fixed name collides in the second Region of an account. A name
    # that refers to another resource (a Lambda permission's FunctionName) is no fixed name.
    named = {
        logical_id: sorted(
            key for key, value in resource.get("Properties", {}).items()
            if key.endswith("Name") and isinstance(value, str)
        )
        for logical_id, resource in member["Resources"].items()
    }  # fmt: skip
    assert all(keys == [] for keys in named.values()), named


def test_each_instance_manages_ses_in_its_own_region_with_the_details_fixed(
    member: dict[str, Any],
) -> None:
    properties = member_resource(member, "Custom::SesProductionAccess")["Properties"]
    assert properties["Region"] == {"Ref": "AWS::Region"}
    assert properties["StatusBusArn"] == {"Ref": "StatusBusArn"}
    assert properties["MailType"] == "TRANSACTIONAL"
    assert properties["WebsiteURL"] == "https://example.com"
    assert properties["UseCaseDescription"] == DESCRIPTION
    assert properties["FailOnDenied"] == "false"
    # The same template on every synthesis: no change would update every instance.
    assert "SynthesizedAt" not in properties


def test_member_role_may_put_events_on_the_status_bus_and_its_default_bus_only(
    member: dict[str, Any],
) -> None:
    role = member_resource(member, "AWS::IAM::Role")
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    put = [s for s in statements if "events:PutEvents" in str(s["Action"])]
    assert [(s["Action"], s["Resource"]) for s in put] == [
        ("events:PutEvents", {"Ref": "StatusBusArn"}),
        (
            "events:PutEvents",
            {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:"
             "event-bus/default"},
        ),
    ]  # fmt: skip


def test_every_member_watches_its_account_under_its_own_stack_name(
    member: dict[str, Any],
) -> None:
    """A held request is sent by the instance's own schedule, and the roll-up hears of
    each change, with no StackSet update (docs/organization.md)."""
    properties = member_resource(member, "Custom::SesProductionAccess")["Properties"]
    assert properties["ParameterPrefix"] == {
        "Fn::Join": ["", ["/ses-production-access/", {"Ref": "AWS::StackName"}, "/"]]
    }
    member_resource(member, "AWS::Events::Rule")


def test_member_status_bus_parameter_refuses_anything_but_an_event_bus_arn(
    member: dict[str, Any], index: ModuleType
) -> None:
    parameter = member["Parameters"]["StatusBusArn"]
    assert parameter["Type"] == "String"
    assert parameter["AllowedPattern"] == EVENT_BUS_ARN_PATTERN.pattern


def test_member_template_carries_the_other_details_and_handler_settings() -> None:
    member = rollout(
        contact_language=ContactLanguage.JA,
        additional_contact_email_addresses=["ops@example.com"],
        fail_on_denied=True,
        timeout=cdk.Duration.seconds(30),
        log_retention=logs.RetentionDays.ONE_MONTH,
    ).construct.member_template
    properties = member_resource(member, "Custom::SesProductionAccess")["Properties"]
    assert properties["ContactLanguage"] == "JA"
    assert properties["AdditionalContactEmailAddresses"] == ["ops@example.com"]
    assert properties["FailOnDenied"] == "true"
    assert member_resource(member, "AWS::Lambda::Function")["Properties"]["Timeout"] == 30
    log_group = member_resource(member, "AWS::Logs::LogGroup")
    assert log_group["Properties"]["RetentionInDays"] == 30


def test_member_template_is_the_same_on_every_synthesis(default: Rollout) -> None:
    again = rollout()
    assert again.construct.member_template == default.construct.member_template
    for key in ("TemplateBody", "TemplateURL"):
        assert again.properties().get(key) == default.properties().get(key)


def test_member_template_description_states_the_organisation(member: dict[str, Any]) -> None:
    assert ORGANIZATION in member["Description"]


# ---- The roll-up ---------------------------------------------------------------------------


def test_bus_admits_put_events_from_the_organisation_only(default: Rollout) -> None:
    bus_id, _ = default.only("AWS::Events::EventBus")
    _, policy = default.only("AWS::Events::EventBusPolicy")
    properties = policy["Properties"]
    assert properties["EventBusName"] == {"Ref": bus_id}
    statement = properties["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == "*"
    assert statement["Action"] == "events:PutEvents"
    assert statement["Resource"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    # Its principals, and only the status event (EventBridge's condition keys for PutEvents:
    # events:source and events:detail-type, docs.aws.amazon.com/eventbridge/latest/userguide/
    # eb-use-conditions.html).
    assert statement["Condition"] == {
        "StringEquals": {
            "aws:PrincipalOrgID": ORGANIZATION,
            "events:source": "ses-production-access",
            "events:detail-type": "SES Production Access Status",
        }
    }


def test_rule_stores_every_status_event_in_the_log_group(default: Rollout) -> None:
    bus_id, _ = default.only("AWS::Events::EventBus")
    log_group_id, _ = default.only("AWS::Logs::LogGroup")
    policy_id, _ = default.only("AWS::Logs::ResourcePolicy")
    _, rule = default.only("AWS::Events::Rule")
    properties = rule["Properties"]
    assert properties["EventBusName"] == {"Ref": bus_id}
    assert properties["EventPattern"] == {
        "source": ["ses-production-access"],
        "detail-type": ["SES Production Access Status"],
    }
    (target,) = properties["Targets"]
    assert log_group_id in json.dumps(target["Arn"])
    assert policy_id in rule["DependsOn"]


def test_eventbridge_may_write_to_the_log_group_only(default: Rollout) -> None:
    log_group_id, _ = default.only("AWS::Logs::LogGroup")
    _, policy = default.only("AWS::Logs::ResourcePolicy")
    document = json.loads(json.dumps(policy["Properties"]["PolicyDocument"]))
    text = json.dumps(document)
    assert "events.amazonaws.com" in text
    assert "logs:PutLogEvents" in text
    assert log_group_id in text
    # For the rules of the roll-up's bus only: rule/<bus name>/* (a rule on a custom bus;
    # EventBridge user guide, "Using resource-based policies", the aws:SourceArn of a target).
    bus_id, _ = default.only("AWS::Events::EventBus")
    assert '\\"ArnLike\\":{\\"aws:SourceArn\\":\\"arn:' in text
    assert f':rule/", {{"Ref": "{bus_id}"}}, "/*' in text


def test_rule_needs_no_custom_resource_and_the_stack_no_function(default: Rollout) -> None:
    # aws-events-targets' CloudWatchLogGroup would add a Node.js custom resource (an asset).
    default.template.resource_count_is("AWS::Lambda::Function", 0)
    default.template.resource_count_is("Custom::CloudwatchLogResourcePolicy", 0)


def test_log_group_keeps_the_events_ten_years_by_default_and_is_retained(
    default: Rollout,
) -> None:
    _, log_group = default.only("AWS::Logs::LogGroup")
    assert log_group["Properties"] == {"RetentionInDays": 3653}
    assert log_group["DeletionPolicy"] == "Retain"


def test_log_group_retention_and_removal_are_props() -> None:
    _, log_group = rollout(
        status_log_retention=logs.RetentionDays.ONE_YEAR,
        status_log_group_removal_policy=cdk.RemovalPolicy.DESTROY,
    ).only("AWS::Logs::LogGroup")
    assert log_group["Properties"]["RetentionInDays"] == 365
    assert log_group["DeletionPolicy"] == "Delete"


def dashboard_body(rollout: Rollout) -> dict[str, Any]:
    _, dashboard = rollout.only("AWS::CloudWatch::Dashboard")
    assert "DashboardName" not in dashboard["Properties"]
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    # The log group's name is a Ref: put a placeholder in its place to read the JSON.
    text = "".join(p if isinstance(p, str) else "LOG_GROUP" for p in parts)
    body: dict[str, Any] = json.loads(text)
    return body


def test_dashboard_shows_the_latest_state_per_account_and_region(default: Rollout) -> None:
    body = dashboard_body(default)
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]
    latest = next(q for q in queries if "latest(detail.ReviewStatus)" in q)
    assert "SOURCE 'LOG_GROUP'" in latest
    assert "latest(detail.SandboxStatus) as SandboxStatus" in latest
    # Keyed on the envelope's account, which EventBridge sets to the sender's.
    assert "by account, detail.Region" in latest
    assert "latest(detail.Account) as ClaimedAccount" in latest


def test_dashboard_counts_accounts_and_regions_per_sandbox_status(default: Rollout) -> None:
    body = dashboard_body(default)
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]
    counted = next(q for q in queries if "count(*)" in q)
    # One row per account x Region first, then the count of them per status.
    first, second = counted.index("by account"), counted.index("by SandboxStatus")
    assert first < second


def test_dashboard_looks_back_as_far_as_the_log_group_keeps_events(default: Rollout) -> None:
    assert dashboard_body(default)["start"] == "-P3653D"
    shorter = rollout(status_log_retention=logs.RetentionDays.ONE_MONTH)
    assert dashboard_body(shorter)["start"] == "-P30D"


def test_attributes_are_the_stack_set_and_the_roll_up_resources(default: Rollout) -> None:
    construct = default.construct
    assert isinstance(construct.stack_set, cloudformation.CfnStackSet)
    assert isinstance(construct.status_bus, events.EventBus)
    assert isinstance(construct.status_log_group, logs.LogGroup)
    assert isinstance(construct.dashboard, cloudwatch.Dashboard)
    bus_id, _ = default.only("AWS::Events::EventBus")
    assert default.stack.resolve(construct.status_bus.event_bus_arn) == {
        "Fn::GetAtt": [bus_id, "Arn"]
    }


def test_construct_ids_are_stable(default: Rollout) -> None:
    paths = sorted(
        c.node.path for c in default.construct.node.find_all() if isinstance(c, cdk.CfnElement)
    )
    assert paths == sorted(
        [
            "Admin/Rollout/Resource",
            "Admin/Rollout/StatusBusArn",
            "Admin/Rollout/StatusRollup/Bus/Resource",
            "Admin/Rollout/StatusRollup/Bus/cdk-OrganizationPutEvents/Resource",
            "Admin/Rollout/StatusRollup/LogGroup/Resource",
            "Admin/Rollout/StatusRollup/LogGroup/Policy/ResourcePolicy",
            "Admin/Rollout/StatusRollup/Rule/Resource",
            "Admin/Rollout/StatusRollup/Dashboard/Resource",
        ]
    )


def warnings(rollout: Rollout) -> list[str]:
    return [
        str(entry.data)
        for construct in rollout.construct.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:warning"
    ]


def test_warns_without_a_use_case_description_for_a_burst_of_requests() -> None:
    (warning,) = warnings(rollout(use_case_description=None))
    assert "one account at a time" in warning
    assert ORGANIZATION in warning
    assert _stackset.NO_USE_CASE_DESCRIPTION in warning


def test_no_warning_with_a_use_case_description(default: Rollout) -> None:
    assert warnings(default) == []


# ---- Bad input fails at synth, naming the prop, the value and the fix ----------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organizational_unit_ids": ["ou-ab12"]}, r"organizational_unit_ids: 'ou-ab12' is not"),
        (
            {"organizational_unit_ids": ["OU-AB12-CDEF3456"]},
            r"organizational_unit_ids: 'OU-AB12-CDEF3456' is not an organisational unit id",
        ),
        ({"organizational_unit_ids": []}, r"organizational_unit_ids is empty"),
        ({"organizational_unit_ids": "ou-ab12-cdef3456"}, r"organizational_unit_ids must be a"),
        (
            {"organizational_unit_ids": ["ou-ab12-cdef3456", "ou-ab12-cdef3456"]},
            r"organizational_unit_ids lists 'ou-ab12-cdef3456' twice",
        ),
        ({"account_ids": ["11111111111"]}, r"account_ids: '11111111111' is not an AWS account"),
        ({"account_ids": [111111111111]}, r"account_ids must hold strings"),
        ({"regions": []}, r"regions is empty"),
        ({"regions": ["eu-west-1", "eu-west-1"]}, r"regions lists 'eu-west-1' twice"),
        ({"regions": ["eu-west"]}, r"regions: 'eu-west' is not an AWS Region name"),
        ({"regions": ["EU-WEST-1"]}, r"regions: 'EU-WEST-1' is not an AWS Region name"),
        ({"organization_id": "o-abc"}, r"organization_id 'o-abc' is not an AWS Organizations id"),
        ({"organization_id": "O-ABC123DEF4"}, r"organization_id 'O-ABC123DEF4' is not"),
        ({"organization_id": None}, r"organization_id must be a string"),
        ({"max_concurrent_percentage": 0}, r"max_concurrent_percentage 0 is outside 1 to 100"),
        ({"max_concurrent_percentage": 101}, r"max_concurrent_percentage 101 is outside"),
        ({"max_concurrent_percentage": 0.5}, r"max_concurrent_percentage must be a whole"),
        ({"failure_tolerance_percentage": -1}, r"failure_tolerance_percentage -1 is outside 0"),
        ({"failure_tolerance_percentage": True}, r"failure_tolerance_percentage must be a whole"),
        ({"call_as": "ADMIN"}, r"call_as 'ADMIN' is not a CallAs: use one of CallAs.SELF, "),
        ({"concurrency_mode": "SOFT"}, r"concurrency_mode 'SOFT' is not a ConcurrencyMode: "),
        ({"region_concurrency": "ALL"}, r"region_concurrency 'ALL' is not a RegionConcurrency"),
        ({"account_filter_type": "UNION", "account_ids": ["111111111111"]}, r"account_filter_type"),
        (
            {"account_filter_type": AccountFilterType.DIFFERENCE},
            r"account_filter_type is given without account_ids",
        ),
        (
            {"auto_deployment": False, "retain_stacks_on_account_removal": True},
            r"retain_stacks_on_account_removal=True needs auto_deployment=True",
        ),
        ({"auto_deployment": "true"}, r"auto_deployment must be True or False"),
        ({"stack_set_name": "1-rollout"}, r"stack_set_name '1-rollout' is not a StackSet name"),
        ({"stack_set_name": "a" * 129}, r"stack_set_name .* is not a StackSet name"),
        ({"status_log_retention": 30}, r"status_log_retention must be a RetentionDays"),
        ({"status_log_group_removal_policy": "destroy"}, r"status_log_group_removal_policy must"),
        ({"fail_on_denied": "true"}, r"fail_on_denied must be True or False"),
        # The same details and checks as SesProductionAccess.
        ({"mail_type": "PROMOTIONAL"}, r"mail_type 'PROMOTIONAL' is not a value the SES API"),
        ({"website_url": "http://localhost"}, r"website_url 'http://localhost'"),
        ({"acknowledge_sending_policy": False}, r"acknowledge_sending_policy must be True"),
        ({"additional_contact_email_addresses": ["ops"]}, r"additional_contact_email_addresses"),
        ({"timeout": cdk.Duration.seconds(5)}, r"timeout 5 seconds is outside"),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else "",
)
def test_fails_on_bad_input(overrides: dict[str, Any], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "Admin")
    with pytest.raises(ValueError, match=message):
        SesProductionAccessStackSet(stack, "Rollout", **props(**overrides))
    # Nothing is left behind for the next attempt to trip over.
    assert stack.node.try_find_child("Rollout") is None


@pytest.mark.parametrize("prop", ["website_url", "use_case_description", "mail_type"])
def test_fails_on_a_detail_that_is_a_token(prop: str) -> None:
    stack = cdk.Stack(cdk.App(), "Admin")
    token = cdk.CfnParameter(stack, "Detail").value_as_string
    with pytest.raises(ValueError, match=rf"^{prop} is a token: .*give {prop} a plain value"):
        SesProductionAccessStackSet(stack, "Rollout", **props(**{prop: token}))


def test_fails_on_a_token_region() -> None:
    with pytest.raises(ValueError, match=r"^regions is a token .*give regions a plain value"):
        attempt(regions=[cdk.Aws.REGION])


def test_a_root_id_targets_the_whole_organisation() -> None:
    targets = rollout(organizational_unit_ids=["r-ab12"]).properties()["StackInstancesGroup"]
    assert targets[0]["DeploymentTargets"] == {"OrganizationalUnitIds": ["r-ab12"]}


# --- readiness, passed to every member ---------------------------------------------------


def _member_resource(made: Rollout) -> dict[str, Any]:
    (resource,) = [
        r for r in made.construct.member_template["Resources"].values()
        if r["Type"] == "Custom::SesProductionAccess"
    ]
    result: dict[str, Any] = resource["Properties"]
    return result


def test_members_hold_their_request_until_ready_by_default() -> None:
    from ses_production_access import WhenNotReady

    default = _member_resource(rollout())
    assert default["WhenNotReady"] == WhenNotReady.HOLD.value
    made = rollout(when_not_ready=WhenNotReady.SUBMIT, report_only=True)
    submitting = _member_resource(made)
    assert (submitting["WhenNotReady"], submitting["ReportOnly"]) == ("SUBMIT", "true")


def test_members_get_the_four_questions_as_their_description() -> None:
    from ses_production_access import UseCase

    use_case = UseCase(
        mailing_list="Customers of each account.", bounces_and_complaints="Suppression list.",
        opt_out="A link in every message.", sending_rate="Under 1,000 a day.",
    )
    made = rollout(use_case=use_case, use_case_description=None)
    rendered = _member_resource(made)["UseCaseDescription"]
    assert rendered == use_case.render()


def test_fails_on_a_stackset_with_both_use_case_and_use_case_description() -> None:
    from ses_production_access import UseCase

    use_case = UseCase(
        mailing_list="a", bounces_and_complaints="b", opt_out="c", sending_rate="d"
    )
    with pytest.raises(ValueError, match=r"^use_case and use_case_description are both set"):
        attempt(use_case=use_case, use_case_description="text")


def test_the_organization_command_runs_the_dashboards_latest_state_query(
    default: Rollout,
) -> None:
    body = dashboard_body(default)
    queries = [w["properties"]["query"] for w in body["widgets"] if w["type"] == "log"]
    assert f"SOURCE 'LOG_GROUP' | {latest_state_query()}" in queries
