"""The function, role and log group that every SesProductionAccess of a stack shares:
reachable from each instance, configurable, and working with pre-created roles."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Annotations, Match, Template
from support.stacks import add, make_stack

from ses_production_access import SesProductionAccess

ROLE_PATH = "Stack/SesProductionAccessHandler/Role"
LOGS_KEY_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
]


# --- Pre-created roles (iam.Role.customize_roles) ---


def test_synthesizes_with_pre_created_roles_and_uses_the_named_role(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = make_stack(app)
    iam.Role.customize_roles(stack, use_precreated_roles={ROLE_PATH: "ses-production-access"})
    add(stack)
    app.synth()
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::IAM::Role", 0)
    function = next(iter(template.find_resources("AWS::Lambda::Function").values()))
    role_arn = json.dumps(function["Properties"]["Role"])
    assert ":role/ses-production-access" in role_arn


def test_pre_created_roles_report_lists_the_policy_the_security_team_must_create(
    tmp_path: Path,
) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = make_stack(app)
    iam.Role.customize_roles(stack, use_precreated_roles={ROLE_PATH: "ses-production-access"})
    add(stack)
    app.synth()
    report = json.loads((tmp_path / "iam-policy-report.json").read_text())
    (role,) = [r for r in report["roles"] if r["roleConstructPath"] == ROLE_PATH]
    text = json.dumps(role)
    for action in ("ses:GetAccount", "ses:PutAccountDetails", "cloudformation:DescribeStacks",
                   "logs:CreateLogStream", "logs:PutLogEvents"):
        assert action in text
    assert role["roleName"] == "ses-production-access"


def test_without_a_role_name_the_cli_is_told_which_role_to_pre_create(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = make_stack(app)
    iam.Role.customize_roles(stack)
    add(stack)
    app.synth()
    Annotations.from_stack(stack).has_error(
        f"/{ROLE_PATH}", Match.string_like_regexp("precreated role name")
    )
    assert "ses:PutAccountDetails" in (tmp_path / "iam-policy-report.txt").read_text()


# --- The shared constructs as documented properties ---


def test_function_role_and_log_group_are_the_shared_ones_of_every_instance() -> None:
    stack = make_stack()
    ireland = add(stack, "Ireland")
    frankfurt = add(stack, "Frankfurt", region="eu-central-1")
    assert isinstance(ireland.function, lambda_.Function)
    assert isinstance(ireland.role, iam.Role)
    assert isinstance(ireland.log_group, logs.LogGroup)
    assert ireland.function is frankfurt.function
    assert ireland.role is frankfurt.role
    assert ireland.log_group is frankfurt.log_group
    assert ireland.function.node.path == "Stack/SesProductionAccessHandler/Function"
    assert ireland.role.node.path == ROLE_PATH
    assert ireland.log_group.node.path == "Stack/SesProductionAccessHandler/LogGroup"


@pytest.mark.parametrize("name", ["function", "role", "log_group"])
def test_shared_properties_say_they_are_shared_by_every_instance(name: str) -> None:
    member = getattr(SesProductionAccess, name)
    assert isinstance(member, property)
    assert member.fset is None
    assert "Shared by every SesProductionAccess in the stack" in (member.__doc__ or "")


def test_users_can_harden_the_shared_function_through_the_property() -> None:
    stack = make_stack()
    access = add(stack)
    access.function.add_environment("EXTRA", "1")
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::Function", {"Environment": {"Variables": {"EXTRA": "1"}}}
    )


# --- The log group: KMS key and removal policy ---


def test_log_group_is_retained_by_default() -> None:
    stack = make_stack()
    add(stack)
    Template.from_stack(stack).has_resource(
        "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )


def test_log_group_removal_policy_prop_sets_the_deletion_policy() -> None:
    stack = make_stack()
    add(stack, log_group_removal_policy=cdk.RemovalPolicy.DESTROY)
    Template.from_stack(stack).has_resource(
        "AWS::Logs::LogGroup", {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}
    )


def test_log_group_encryption_key_encrypts_the_log_group() -> None:
    stack = make_stack()
    key = kms.Key(stack, "Key")
    add(stack, log_group_encryption_key=key)
    template = Template.from_stack(stack)
    key_id = next(iter(template.find_resources("AWS::KMS::Key")))
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}
    )


def test_log_group_encryption_key_lets_cloudwatch_logs_use_the_key() -> None:
    stack = make_stack()
    key = kms.Key(stack, "Key")
    add(stack, log_group_encryption_key=key)
    Template.from_stack(stack).has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with([
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
                        "Action": LOGS_KEY_ACTIONS,
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": {
                                    "Fn::Join": [
                                        "",
                                        [
                                            "arn:",
                                            {"Ref": "AWS::Partition"},
                                            ":logs:eu-west-1:123456789012:log-group:*",
                                        ],
                                    ]
                                }
                            }
                        },
                    }
                ])
            }
        },
    )


def test_an_imported_key_gets_a_warning_that_its_policy_must_allow_cloudwatch_logs() -> None:
    stack = make_stack()
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/abcd")
    add(stack, log_group_encryption_key=key)
    Annotations.from_stack(stack).has_warning(
        "/Stack/SesProductionAccessHandler/LogGroup",
        Match.string_like_regexp(
            r"log_group_encryption_key .* is imported.*logs\.eu-west-1\.amazonaws\.com"
        ),
    )


def test_fails_on_a_key_of_another_region() -> None:
    stack = make_stack()
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/abcd")
    with pytest.raises(
        ValueError, match=r"^log_group_encryption_key Stack/Key is in us-east-1.*eu-west-1"
    ):
        add(stack, log_group_encryption_key=key)


# --- Shared settings agree across the instances of a stack ---


@pytest.mark.parametrize(
    ("prop", "first", "second"),
    [
        ("log_group_removal_policy", cdk.RemovalPolicy.DESTROY, cdk.RemovalPolicy.RETAIN),
        ("log_group_removal_policy", cdk.RemovalPolicy.DESTROY, None),
        ("log_group_encryption_key", "key", None),
        ("log_group_encryption_key", "key", "other key"),
    ],
)
def test_fails_when_instances_disagree_on_the_log_group(
    prop: str, first: object, second: object
) -> None:
    stack = make_stack()
    keys = {"key": kms.Key(stack, "Key"), "other key": kms.Key(stack, "OtherKey"), None: None}
    values = [keys.get(v, v) if isinstance(v, str) or v is None else v for v in (first, second)]
    add(stack, "Ireland", **{prop: values[0]})
    with pytest.raises(ValueError, match=rf"^{prop} .*share one log group.*same {prop}"):
        add(stack, "Frankfurt", region="eu-central-1", **{prop: values[1]})


def test_two_imports_of_one_key_arn_agree() -> None:
    stack = make_stack()
    arn = "arn:aws:kms:eu-west-1:123456789012:key/abcd"
    add(stack, "Ireland", log_group_encryption_key=kms.Key.from_key_arn(stack, "A", arn))
    add(stack, "Frankfurt", region="eu-central-1",
        log_group_encryption_key=kms.Key.from_key_arn(stack, "B", arn))


# --- The shared construct id ---


def test_fails_when_another_construct_holds_the_shared_id() -> None:
    stack = make_stack()
    cdk.CfnOutput(stack, "SesProductionAccessHandler", value="mine")
    with pytest.raises(
        ValueError,
        match=r"^SesProductionAccessHandler: .*taken by Stack/SesProductionAccessHandler "
        r"\(CfnOutput\).*reserves that id .*rename the other construct",
    ):
        add(stack)


def test_a_nested_construct_named_like_the_handler_is_no_conflict() -> None:
    stack = make_stack()
    group = cdk.Resource(stack, "Group")
    cdk.CfnOutput(group, "SesProductionAccessHandler", value="mine")
    add(stack)
