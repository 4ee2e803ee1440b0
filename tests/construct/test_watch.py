"""What the watcher (on by default) puts in a stack: one schedule that runs the shared
function with the Regions of every instance, the parameter prefix, the topic, the rate and
the scheduled event's time; the custom resources keep the record too; the role may touch
only those parameters, the held requests' secrets, that topic and the default bus. And the
props' checks at synth."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from support.stacks import add, make_stack

from ses_production_access import wire
from ses_production_access.construct.size_warning import TEMPLATE_OVER_LIMIT
from ses_production_access.construct.template_yaml import cli_characters, cli_yaml
from ses_production_access.inline.code import inline_code

RESOURCE_TYPE = "Custom::SesProductionAccess"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:ses-decisions"
WATCH_ACTIONS = {
    "ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter", "sns:Publish",
    "events:PutEvents", "kms:GenerateDataKey", "kms:Decrypt", "secretsmanager:CreateSecret",
    "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
    "secretsmanager:DeleteSecret",
}  # fmt: skip
# Where the template's schedule input puts EventBridge's scheduled event's time.
TIME = "2026-12-07T12:05:00Z"


# A use case description as long as SES takes: with the watcher, over 51,200 bytes.
LONGEST_DESCRIPTION = "We send receipts to customers who asked for them. " * 100


def topic(stack: cdk.Stack, arn: str = TOPIC_ARN) -> sns.ITopic:
    return sns.Topic.from_topic_arn(stack, f"Topic{len(stack.node.children)}", arn)


def the_rule(template: Template) -> dict[str, Any]:
    rules = template.find_resources("AWS::Events::Rule")
    assert len(rules) == 1, rules
    (rule,) = rules.values()
    return dict(rule)


def input_template(template: Template) -> Any:
    """The rule's one target's input template (a string, or an Fn::Join with tokens): the
    watch input with the scheduled event's time, through an InputTransformer."""
    (target,) = the_rule(template)["Properties"]["Targets"]
    transformer = target["InputTransformer"]
    assert transformer["InputPathsMap"] == {"time": "$.time"}
    return transformer["InputTemplate"]


def schedule_input(template: Template) -> dict[str, Any]:
    """What the function gets for a run at TIME (the template must be a plain string here):
    EventBridge puts the envelope's time, a JSON string, where <time> stands."""
    text = input_template(template)
    assert isinstance(text, str), text
    parsed: dict[str, Any] = json.loads(text.replace("<time>", json.dumps(TIME)))
    return parsed


def statements(template: Template) -> list[dict[str, Any]]:
    (role,) = template.find_resources("AWS::IAM::Role").values()
    found: list[dict[str, Any]] = []
    for policy in role["Properties"]["Policies"]:
        found += policy["PolicyDocument"]["Statement"]
    return found


def watch_statements(template: Template) -> dict[str, dict[str, Any]]:
    """The watcher's statements by Sid."""
    return {s["Sid"]: s for s in statements(template) if str(s.get("Sid", "")).startswith("Watch")}


def function_code(template: Template) -> str:
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    code: str = function["Properties"]["Code"]["ZipFile"]
    return code


# --- On by default ----------------------------------------------------------------------


def test_watch_is_on_by_default() -> None:
    stack = make_stack()
    add(stack)
    template = Template.from_stack(stack)
    the_rule(template)
    assert "def watch_run(" in function_code(template)


def test_watch_false_means_no_schedule_no_permission_no_watch_code() -> None:
    stack = make_stack()
    add(stack, watch=False)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Events::Rule", 0)
    template.resource_count_is("AWS::Lambda::Permission", 0)
    (resource,) = template.find_resources(RESOURCE_TYPE).values()
    assert "ParameterPrefix" not in resource["Properties"]
    assert "TopicArn" not in resource["Properties"]
    actions = {a for s in statements(template) for a in _listed(s["Action"])}
    assert not actions & WATCH_ACTIONS
    assert "def watch_run(" not in function_code(template)


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


# --- The schedule -------------------------------------------------------------------------


def test_watch_adds_one_hourly_rule_that_targets_the_stacks_one_function() -> None:
    stack = make_stack()
    add(stack, watch=True)
    add(stack, "Other", watch=True, region="us-east-1")
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Lambda::Function", 1)
    rule = the_rule(template)
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 hour)"
    assert rule["Properties"].get("State", "ENABLED") == "ENABLED"
    (function_id,) = template.find_resources("AWS::Lambda::Function")
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}


@pytest.mark.parametrize(
    ("interval", "expression"),
    [
        (cdk.Duration.minutes(5), "rate(5 minutes)"),
        (cdk.Duration.minutes(90), "rate(90 minutes)"),
        (cdk.Duration.hours(6), "rate(6 hours)"),
        (cdk.Duration.days(1), "rate(1 day)"),
    ],
)
def test_watch_interval_is_the_rules_rate(interval: cdk.Duration, expression: str) -> None:
    stack = make_stack()
    add(stack, watch=True, watch_interval=interval)
    rule = the_rule(Template.from_stack(stack))
    assert rule["Properties"]["ScheduleExpression"] == expression


def test_the_schedule_sends_every_region_the_prefix_and_the_topic() -> None:
    stack = make_stack()
    decisions = topic(stack)
    add(stack, watch=True, watch_topic=decisions)
    # Added after the rule exists: the Regions are read at synth.
    add(stack, "UsEast1", watch=True, watch_topic=decisions, region="us-east-1")
    assert schedule_input(Template.from_stack(stack)) == {
        "SesProductionAccessWatch": {
            "Regions": ["eu-west-1", "us-east-1"],
            "ParameterPrefix": "/ses-production-access/Stack/",
            "TopicArn": TOPIC_ARN,
            "IntervalMinutes": 60,
            "Time": TIME,
        }
    }


def test_without_a_topic_the_schedule_names_none() -> None:
    stack = make_stack()
    add(stack, watch=True)
    watch = schedule_input(Template.from_stack(stack))["SesProductionAccessWatch"]
    assert "TopicArn" not in watch
    assert watch["Regions"] == ["eu-west-1"]


def test_an_environment_agnostic_stack_watches_the_stack_region_as_a_token() -> None:
    stack = make_stack(region=None)
    add(stack, watch=True)
    joined = input_template(Template.from_stack(stack))["Fn::Join"]
    assert joined[0] == ""
    assert {"Ref": "AWS::Region"} in joined[1]
    text = "".join(p if isinstance(p, str) else "REGION" for p in joined[1])
    watch = json.loads(text.replace("<time>", json.dumps(TIME)))["SesProductionAccessWatch"]
    assert watch["Regions"] == ["REGION"]


def test_a_topic_of_the_stack_is_referenced_in_the_schedule() -> None:
    stack = make_stack()
    own = sns.Topic(stack, "Decisions")
    add(stack, watch=True, watch_topic=own)
    joined = input_template(Template.from_stack(stack))["Fn::Join"]
    topic_id = stack.get_logical_id(own.node.default_child)  # type: ignore[arg-type]
    assert {"Ref": topic_id} in joined[1]


def test_eventbridge_may_invoke_the_function_for_this_rule_only() -> None:
    stack = make_stack()
    add(stack, watch=True)
    template = Template.from_stack(stack)
    (rule_id,) = template.find_resources("AWS::Events::Rule")
    (function_id,) = template.find_resources("AWS::Lambda::Function")
    permissions = template.find_resources("AWS::Lambda::Permission")
    assert [p["Properties"] for p in permissions.values()] == [
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]},
        }
    ]


def test_the_rule_comes_after_every_custom_resource() -> None:
    stack = make_stack()
    add(stack, watch=True)
    add(stack, "UsEast1", watch=True, region="us-east-1")
    template = Template.from_stack(stack)
    resources = sorted(template.find_resources(RESOURCE_TYPE))
    assert sorted(the_rule(template)["DependsOn"]) == resources


def test_the_rule_and_its_permission_live_under_the_shared_handler() -> None:
    stack = make_stack()
    add(stack, watch=True)
    rule = stack.node.find_child("SesProductionAccessHandler").node.find_child("Watch")
    assert rule.node.find_child("Schedule") is not None


def test_watch_puts_the_watcher_and_the_status_event_in_the_functions_code() -> None:
    stack = make_stack()
    add(stack, watch=True)
    code = function_code(Template.from_stack(stack))
    assert "def watch_run(" in code
    assert "def put_status_event(" in code
    assert code == inline_code(frozenset(_handler_features(stack)))


def _handler_features(stack: cdk.Stack) -> set[str]:
    handler = stack.node.find_child("SesProductionAccessHandler")
    features: set[str] = handler.features  # type: ignore[attr-defined]
    assert wire.FEATURE_WATCH in features
    return features


# --- The record a deployment keeps ----------------------------------------------------


def test_each_custom_resource_gets_the_prefix_and_the_topic() -> None:
    stack = make_stack()
    decisions = topic(stack)
    add(stack, watch=True, watch_topic=decisions)
    add(stack, "UsEast1", watch=True, watch_topic=decisions, region="us-east-1")
    for resource in Template.from_stack(stack).find_resources(RESOURCE_TYPE).values():
        assert resource["Properties"]["ParameterPrefix"] == "/ses-production-access/Stack/"
        assert resource["Properties"]["TopicArn"] == TOPIC_ARN


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("/mail/ses-state", "/mail/ses-state/"),
        ("/mail/ses-state/", "/mail/ses-state/"),
        ("/a.b/c_d/e-f/", "/a.b/c_d/e-f/"),
    ],
)
def test_a_given_prefix_is_used_as_a_path_ending_with_a_slash(given: str, used: str) -> None:
    stack = make_stack()
    add(stack, watch=True, watch_parameter_prefix=given)
    template = Template.from_stack(stack)
    assert schedule_input(template)["SesProductionAccessWatch"]["ParameterPrefix"] == used
    (resource,) = template.find_resources(RESOURCE_TYPE).values()
    assert resource["Properties"]["ParameterPrefix"] == used


def test_the_default_prefix_names_the_stack() -> None:
    stack = cdk.Stack(cdk.App(), "Mail-Prod", env=cdk.Environment(region="eu-west-1"))
    add(stack, watch=True)
    watch = schedule_input(Template.from_stack(stack))["SesProductionAccessWatch"]
    assert watch["ParameterPrefix"] == "/ses-production-access/Mail-Prod/"


# --- IAM ------------------------------------------------------------------------------


def _arn(statement: dict[str, Any]) -> str:
    """A statement's one resource, with ${AWS::Partition} for the partition."""
    resource = statement["Resource"]
    if isinstance(resource, str):
        return resource
    if "Fn::Sub" in resource:
        sub: str = resource["Fn::Sub"]
        return sub
    parts = resource["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else "${" + p["Ref"] + "}" for p in parts)


def test_the_role_may_touch_only_the_parameters_under_the_prefix_in_its_region() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_parameter_prefix="/mail/ses/")
    parameters = watch_statements(Template.from_stack(stack))["WatchParameters"]
    assert sorted(parameters["Action"]) == [
        "ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter",
    ]  # fmt: skip
    assert _arn(parameters) == (
        "arn:${AWS::Partition}:ssm:eu-west-1:123456789012:parameter/mail/ses/*"
    )


def test_the_role_may_put_events_on_the_default_bus_of_its_region_only() -> None:
    stack = make_stack()
    add(stack, watch=True)
    bus = watch_statements(Template.from_stack(stack))["WatchDefaultBus"]
    assert bus["Action"] == "events:PutEvents"
    assert _arn(bus) == "arn:${AWS::Partition}:events:eu-west-1:123456789012:event-bus/default"


def test_the_role_may_publish_to_the_topic_only() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_topic=topic(stack))
    found = watch_statements(Template.from_stack(stack))
    assert found["WatchTopic"]["Action"] == "sns:Publish"
    assert found["WatchTopic"]["Resource"] == TOPIC_ARN
    assert "WatchTopicKey" not in found


def test_an_encrypted_topic_lets_the_role_use_its_key_and_nothing_else() -> None:
    stack = make_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    add(stack, watch=True, watch_topic=sns.Topic(stack, "Decisions", master_key=key))
    found = watch_statements(Template.from_stack(stack))["WatchTopicKey"]
    key_id = stack.get_logical_id(key.node.default_child)  # type: ignore[arg-type]
    assert sorted(found["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert found["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}


KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_the_key_of_a_topic_imported_by_arn_is_given_with_watch_topic_master_key() -> None:
    # Publishing to an SSE-KMS topic needs kms:GenerateDataKey* and kms:Decrypt on its key
    # (Amazon SNS developer guide, "Managing Amazon SNS encryption keys"); the wildcard is
    # spelled out (no wildcard action) as the one AWS's own guides grant an SNS publisher:
    # kms:GenerateDataKey and kms:Decrypt (AWS End User Messaging SMS user guide, "Amazon
    # SNS access policy"; Amazon GameLift, "Set up an SNS topic with server-side
    # encryption"). KMS authorises on the key's ARN, and only through SNS in the topic's
    # Region: kms:ViaService is the endpoint's name, sns.REGION.amazonaws.com (AWS KMS
    # developer guide, "AWS KMS condition keys"), .com.cn in China (AWS::URLSuffix).
    stack = make_stack()
    key = kms.Key.from_key_arn(stack, "TopicKey", KEY_ARN)
    add(stack, watch=True, watch_topic=topic(stack), watch_topic_master_key=key)
    found = watch_statements(Template.from_stack(stack))["WatchTopicKey"]
    assert sorted(found["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert found["Resource"] == KEY_ARN
    assert found["Condition"] == {
        "StringEquals": {
            "kms:ViaService": {"Fn::Join": ["", ["sns.eu-west-1.", {"Ref": "AWS::URLSuffix"}]]}
        }
    }


def test_the_key_of_a_topic_imported_with_its_key_arn_needs_no_prop() -> None:
    stack = make_stack()
    decisions = sns.Topic.from_topic_attributes(
        stack, "Decisions", topic_arn=TOPIC_ARN, key_arn=KEY_ARN
    )
    add(stack, watch=True, watch_topic=decisions)
    assert watch_statements(Template.from_stack(stack))["WatchTopicKey"]["Resource"] == KEY_ARN


def test_the_condition_names_the_region_of_a_topic_whose_arn_is_a_token() -> None:
    stack = make_stack()
    arn = cdk.CfnParameter(stack, "TopicArn").value_as_string
    key = kms.Key.from_key_arn(stack, "TopicKey", KEY_ARN)
    add(stack, watch=True, watch_topic=topic(stack, arn), watch_topic_master_key=key)
    condition = watch_statements(Template.from_stack(stack))["WatchTopicKey"]["Condition"]
    via = json.dumps(condition["StringEquals"]["kms:ViaService"])
    assert "Fn::Select" in via
    assert '"TopicArn"' in via


def test_fails_on_an_alias_given_as_the_topics_key() -> None:
    stack = make_stack()
    alias = kms.Key.from_key_arn(
        stack, "TopicKey", "arn:aws:kms:eu-west-1:123456789012:alias/ses-decisions"
    )
    with pytest.raises(ValueError, match=(
        r"^watch_topic_master_key 'arn:aws:kms:eu-west-1:123456789012:alias/ses-decisions' is "
        r"not a KMS key's ARN: KMS authorises on the key, not an alias, so give "
        r"arn:aws:kms:REGION:ACCOUNT:key/KEY_ID \(kms.Key.from_key_arn\)\.$"
    )):
        add(stack, watch=True, watch_topic=topic(stack), watch_topic_master_key=alias)


def test_fails_on_an_alias_object_given_as_the_topics_key() -> None:
    stack = make_stack()
    alias = kms.Alias.from_alias_name(stack, "TopicKey", "alias/ses-decisions")
    with pytest.raises(ValueError, match=(
        r"^watch_topic_master_key alias/ses-decisions is not a KMS key's ARN: KMS authorises "
        r"on the key, not an alias"
    )):
        add(stack, watch=True, watch_topic=topic(stack), watch_topic_master_key=alias)


def test_fails_on_a_topic_encrypted_with_an_alias_of_a_customer_key() -> None:
    stack = make_stack()
    alias = kms.Alias.from_alias_name(stack, "Alias", "alias/ses-decisions")
    decisions = sns.Topic(stack, "Decisions", master_key=alias)
    with pytest.raises(ValueError, match=r"^watch_topic's master_key alias/ses-decisions is not"):
        add(stack, watch=True, watch_topic=decisions)


def test_the_aws_managed_sns_key_needs_no_grant() -> None:
    # Its key policy lets any principal of the account use it through SNS (Amazon SNS
    # developer guide, "Key management": the AWS managed key for Amazon SNS).
    stack = make_stack()
    managed = kms.Alias.from_alias_name(stack, "Managed", "alias/aws/sns")
    add(stack, watch=True, watch_topic=sns.Topic(stack, "Decisions", master_key=managed))
    assert "WatchTopicKey" not in watch_statements(Template.from_stack(stack))


def test_fails_on_a_topic_key_without_a_topic() -> None:
    stack = make_stack()
    key = kms.Key.from_key_arn(stack, "TopicKey", KEY_ARN)
    with pytest.raises(ValueError, match=r"^watch_topic_master_key is set but watch_topic is not"):
        add(stack, watch=True, watch_topic_master_key=key)


def test_fails_on_a_topic_key_that_is_not_the_topics_own() -> None:
    stack = make_stack()
    decisions = sns.Topic.from_topic_attributes(
        stack, "Decisions", topic_arn=TOPIC_ARN, key_arn=KEY_ARN
    )
    other = kms.Key.from_key_arn(stack, "Other", KEY_ARN.replace("1234abcd", "9999abcd"))
    with pytest.raises(ValueError, match=r"differs from watch_topic's own master_key"):
        add(stack, watch=True, watch_topic=decisions, watch_topic_master_key=other)


def test_fails_on_a_topic_key_that_is_not_a_key() -> None:
    stack = make_stack()
    with pytest.raises(ValueError, match=r"^watch_topic_master_key must be a kms.IKey"):
        add(stack, watch=True, watch_topic=topic(stack), watch_topic_master_key=KEY_ARN)


def test_instances_of_a_stack_share_one_topic_key() -> None:
    stack = make_stack()
    key = kms.Key.from_key_arn(stack, "TopicKey", KEY_ARN)
    add(stack, watch=True, watch_topic=topic(stack), watch_topic_master_key=key)
    with pytest.raises(ValueError, match=r"^watch_topic_master_key \(no key\) differs from"):
        add(stack, "Other", region="us-east-1", watch=True, watch_topic=topic(stack))


def test_no_watch_action_is_allowed_on_every_resource() -> None:
    stack = make_stack(region=None)
    add(stack, watch=True, watch_topic=topic(stack))
    for statement in statements(Template.from_stack(stack)):
        if set(_listed(statement["Action"])) & WATCH_ACTIONS:
            assert statement["Resource"] != "*", statement
            assert "*" not in _listed(statement["Resource"]), statement
            assert not any("*" in a for a in _listed(statement["Action"])), statement


def test_the_watcher_adds_no_policy_resource_to_the_role() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_topic=topic(stack))
    Template.from_stack(stack).resource_count_is("AWS::IAM::Policy", 0)


def test_the_watchers_permissions_reach_a_pre_created_role(tmp_path: Path) -> None:
    from aws_cdk import aws_iam as iam

    app = cdk.App(outdir=str(tmp_path))
    stack = make_stack(app)
    iam.Role.customize_roles(
        stack,
        use_precreated_roles={"Stack/SesProductionAccessHandler/Role": "ses-production-access"},
    )
    add(stack, watch=True, watch_topic=topic(stack))
    app.synth()
    report = (tmp_path / "iam-policy-report.txt").read_text()
    for action in ("ssm:PutParameter", "sns:Publish", "events:PutEvents"):
        assert action in report


# --- The template size ----------------------------------------------------------------


def _warnings(stack: cdk.Stack) -> list[str]:
    found = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp(".*TemplateBody.*")
    )
    return [str(w.entry.data) for w in found]


def _cli_characters(tmp_path: Path, name: str) -> int:
    written = json.loads((tmp_path / f"{name}.template.json").read_text())
    return cli_characters(written)


@pytest.mark.parametrize(
    "synthesizer", [cdk.BootstraplessSynthesizer, cdk.LegacyStackSynthesizer]
)
def test_a_stack_that_cdk_deploy_sends_as_a_template_body_is_warned_over_the_limit(
    tmp_path: Path, synthesizer: type
) -> None:
    """Such a synthesizer uploads no template: the CDK CLI sends its YAML as TemplateBody up
    to 50 x 1,024 characters and needs a bootstrapped environment above (aws-cdk-cli,
    template-body-parameter.ts; tests/ecosystem/test_cdk_cli.py holds the measure to it)."""
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Plain", synthesizer=synthesizer())
    add(stack, use_case_description=LONGEST_DESCRIPTION)
    app.synth()
    characters = _cli_characters(tmp_path, "Plain")
    assert characters > 51_200
    (warning,) = _warnings(stack)
    assert f"as {characters:,} characters of YAML (" in warning
    assert "over the 51,200 it sends as a TemplateBody" in warning
    assert f"({synthesizer.__name__})" in warning
    assert "'cdk bootstrap' is required" in warning
    assert TEMPLATE_OVER_LIMIT in warning
    watcher = len(json.dumps(inline_code(frozenset(_handler_features(stack))))) - len(
        json.dumps(inline_code(frozenset(_handler_features(stack)) - {wire.FEATURE_WATCH}))
    )
    assert f"takes about {watcher:,} bytes" in warning


@pytest.mark.parametrize("rule", [True, False])
def test_no_size_warning_for_a_stack_deployed_from_the_bootstrap_bucket(rule: bool) -> None:
    """The DefaultStackSynthesizer adds the template as an asset (manifest.json's
    stackTemplateAssetObjectUrl): cdk deploy uses TemplateURL whatever its size."""
    app = cdk.App()
    synthesizer = cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=rule)
    stack = cdk.Stack(app, "Big", synthesizer=synthesizer)
    for region in ("eu-west-1", "us-east-1"):
        add(stack, region, region=region, use_case_description=LONGEST_DESCRIPTION)
    assert _warnings(stack) == []


def test_no_size_warning_with_the_default_synthesizer_however_large() -> None:
    stack = make_stack()
    add(stack, use_case_description=LONGEST_DESCRIPTION)
    assert _warnings(stack) == []


def test_no_size_warning_for_a_bootstrapless_stack_within_the_limit(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Small", synthesizer=cdk.BootstraplessSynthesizer())
    add(stack, watch=False)
    app.synth()
    assert _cli_characters(tmp_path, "Small") <= 51_200
    assert _warnings(stack) == []


def test_the_warning_can_be_acknowledged() -> None:
    stack = cdk.Stack(cdk.App(), "Plain", synthesizer=cdk.BootstraplessSynthesizer())
    add(stack, use_case_description=LONGEST_DESCRIPTION)
    cdk.Annotations.of(stack).acknowledge_warning(TEMPLATE_OVER_LIMIT, "deployed from S3")
    assert _warnings(stack) == []


# --- Checks at synth ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"watch": "true"}, r"watch must be True or False, got str 'true'"),
        (
            {"watch": False, "watch_interval": cdk.Duration.hours(2)},
            r"watch_interval is set but watch is False",
        ),
        (
            {"watch": False, "watch_topic": "arn"},
            r"watch_topic is set but watch is False: .* set watch=True",
        ),
        (
            {"watch": False, "watch_parameter_prefix": "/x/"},
            r"watch_parameter_prefix is set but watch is False",
        ),
    ],
)
def test_fails_on_watch_props_without_watch(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        add(make_stack(), **props)


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        (60, r"watch_interval must be a Duration such as Duration.hours\(1\), got int 60"),
        (cdk.Duration.seconds(90), r"not a whole number of minutes: .*Duration.minutes\(1\) or "
         r"Duration.minutes\(2\)"),
        (cdk.Duration.minutes(4), r"4 minutes is outside .* from 5 minutes to 1 day"),
        (cdk.Duration.hours(25), r"watch_interval 1 day 1 hour is outside"),
        (cdk.Duration.days(2), r"watch_interval 2 days is outside"),
    ],
)
def test_fails_on_a_bad_watch_interval(interval: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        add(make_stack(), watch=True, watch_interval=interval)


def test_fails_on_a_token_watch_interval() -> None:
    stack = make_stack()
    minutes = cdk.CfnParameter(stack, "Minutes", type="Number").value_as_number
    with pytest.raises(ValueError, match="watch_interval must be a concrete Duration"):
        add(stack, watch=True, watch_interval=cdk.Duration.minutes(minutes))


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("ses/state/", r"does not start with '/'"),
        ("/ses state/", r"holds a character SSM refuses"),
        ("/ses:state/", r"holds a character SSM refuses"),
        ("/ses//state/", r"holds an empty level \('//'\)"),
        ("/", r"has no level"),
        ("/aws/ses/", r"starts with 'aws' or 'ssm'"),
        ("/SSM-state/", r"starts with 'aws' or 'ssm'"),
        ("/" + "a/" * 15, r"has 15 levels; .* at most 15"),
        ("/" + "a" * 901, r"is 902 characters long"),
        (42, r"must be a string such as '/ses-production-access/', got int 42"),
    ],
)
def test_fails_on_a_bad_watch_parameter_prefix(prefix: object, message: str) -> None:
    with pytest.raises(ValueError, match=rf"watch_parameter_prefix.*{message}"):
        add(make_stack(), watch=True, watch_parameter_prefix=prefix)


def test_a_prefix_of_fourteen_levels_is_the_deepest_allowed() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_parameter_prefix="/" + "a/" * 14)
    assert schedule_input(Template.from_stack(stack))


def test_fails_on_a_watch_topic_that_is_not_a_topic() -> None:
    with pytest.raises(ValueError, match=r"watch_topic must be an sns.ITopic .* got str"):
        add(make_stack(), watch=True, watch_topic=TOPIC_ARN)


@pytest.mark.parametrize(
    "arn", ["arn:aws:sns:eu-west-1:12345:t", "arn:aws:sqs:eu-west-1:123456789012:t"]
)
def test_fails_on_a_watch_topic_whose_arn_is_not_a_topics(arn: str) -> None:
    stack = make_stack()
    topic = sns.Topic.from_topic_arn(stack, "Odd", arn)
    with pytest.raises(ValueError, match=r"watch_topic's ARN .* is not an SNS topic's"):
        add(stack, watch=True, watch_topic=topic)


def test_fails_on_a_fifo_watch_topic() -> None:
    stack = make_stack()
    fifo = sns.Topic.from_topic_arn(stack, "Fifo", f"{TOPIC_ARN}.fifo")
    with pytest.raises(ValueError, match=r"watch_topic Stack/Fifo is a FIFO topic"):
        add(stack, watch=True, watch_topic=fifo)


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ({}, {"watch": False}, r"watch False differs from the True of another"),
        ({"watch": False}, {}, r"watch True differs from the False of another"),
        (
            {"watch": True},
            {"watch": True, "watch_interval": cdk.Duration.minutes(30)},
            r"watch_interval 30 minutes differs from the 1 hour of another",
        ),
        (
            {"watch": True},
            {"watch": True, "watch_parameter_prefix": "/other/"},
            r"watch_parameter_prefix '/other/' differs from the "
            r"'/ses-production-access/Stack/'",
        ),
    ],
)
def test_fails_when_instances_of_a_stack_disagree_on_the_watcher(
    first: dict[str, Any], second: dict[str, Any], message: str
) -> None:
    stack = make_stack()
    add(stack, **first)
    with pytest.raises(ValueError, match=rf"{message}.*share one function and one schedule"):
        add(stack, "UsEast1", region="us-east-1", **second)


def test_fails_when_instances_of_a_stack_name_different_topics() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_topic=topic(stack))
    other = topic(stack, TOPIC_ARN + "-other")
    with pytest.raises(ValueError, match=r"watch_topic Stack/Topic\d differs from the Stack/"):
        add(stack, "UsEast1", region="us-east-1", watch=True, watch_topic=other)


def test_two_imports_of_one_topic_agree() -> None:
    stack = make_stack()
    add(stack, watch=True, watch_topic=topic(stack))
    add(stack, "UsEast1", region="us-east-1", watch=True, watch_topic=topic(stack))
    assert the_rule(Template.from_stack(stack))


def test_a_refused_instance_leaves_nothing_behind() -> None:
    stack = make_stack()
    add(stack, watch=True)
    with pytest.raises(ValueError, match="watch_interval"):
        add(stack, "Bad", watch=True, watch_interval=cdk.Duration.minutes(30), region="us-east-1")
    add(stack, "Good", watch=True, region="us-east-1")
    assert schedule_input(Template.from_stack(stack))["SesProductionAccessWatch"]["Regions"] == [
        "eu-west-1", "us-east-1",
    ]  # fmt: skip


# --- The status bus (the organisation roll-up) ----------------------------------------

STATUS_BUS = "arn:aws:events:us-east-1:111111111111:event-bus/ses-production-access"


def test_the_schedule_tells_the_status_bus_the_instances_name() -> None:
    stack = make_stack()
    add(stack, watch=True, status_bus=STATUS_BUS)
    add(stack, "UsEast1", watch=True, region="us-east-1", status_bus=STATUS_BUS)
    template = Template.from_stack(stack)
    watch = schedule_input(template)["SesProductionAccessWatch"]
    assert watch["StatusBusArn"] == STATUS_BUS
    allowed = [s for s in statements(template) if s["Resource"] == STATUS_BUS]
    assert [s["Action"] for s in allowed] == ["events:PutEvents"]


def test_without_a_status_bus_the_schedule_names_none() -> None:
    stack = make_stack()
    add(stack, watch=True)
    assert "StatusBusArn" not in schedule_input(Template.from_stack(stack))[
        "SesProductionAccessWatch"
    ]


def test_fails_when_watching_instances_name_different_status_buses() -> None:
    stack = make_stack()
    add(stack, watch=True, status_bus=STATUS_BUS)
    add(stack, "UsEast1", watch=True, region="us-east-1", status_bus=STATUS_BUS + "-other")
    with pytest.raises(RuntimeError, match=r"status_bus: the instances of stack Stack that "
                       r"watch .* name 2 different buses .* give them the same status_bus"):
        Template.from_stack(stack)


# --- In step with the handler ---------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "/ses-production-access/Stack/",
        "/a.b/c_d/e-f/",
        "/" + "a/" * 14,
        "/" + "a" * 900,  # the longest both accept
    ],
)
def test_a_prefix_the_library_accepts_the_handler_accepts(index: ModuleType, prefix: str) -> None:
    from ses_production_access.props.rules import parameter_prefix_problem

    assert parameter_prefix_problem(prefix) is None
    assert index._PARAMETER_PREFIX_PATTERN.fullmatch(prefix)
    assert index.parameter_name(prefix, "eu-west-1") == f"{prefix.rstrip('/')}/eu-west-1"


def test_a_prefix_too_long_for_the_handler_is_refused_at_synth(index: ModuleType) -> None:
    from ses_production_access.props.rules import parameter_prefix_problem

    prefix = "/" + "a" * 901
    assert not index._PARAMETER_PREFIX_PATTERN.fullmatch(prefix)
    assert parameter_prefix_problem(prefix)


def test_a_template_within_the_clis_count_but_over_in_bytes_is_warned(tmp_path: Path) -> None:
    """The CLI counts characters (UTF-16 units); CloudFormation refuses a TemplateBody over
    51,200 bytes: a use case in Japanese takes three bytes a character."""
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Japanese", synthesizer=cdk.BootstraplessSynthesizer())
    add(stack, watch=False, contact_language="JA", use_case_description="日" * 4000)
    app.synth()
    written = json.loads((tmp_path / "Japanese.template.json").read_text())
    assert cli_characters(written) <= 51_200 < len(cli_yaml(written).encode("utf-8"))
    (warning,) = _warnings(stack)
    assert "bytes), over the 51,200" in warning
