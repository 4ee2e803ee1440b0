"""Every SES action the role is granted, in every template the library writes (the example
app, the plain template, the StackSet member) and in the commands' documented policy, is
granted on the resource type AWS's Service Authorization Reference gives it: IAM evaluates
an action with no resource type against "*", so a statement naming ARNs for it never
matches and the call is denied in a real account (no stand-in here evaluates IAM)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from support import ROOT

from ecosystem.ecosystem_support import Synthesis
from ses_production_access import MailType
from ses_production_access.templates import member as _member
from ses_production_access.templates.plain import plain_template

# The Service Authorization Reference, "Actions, resources, and condition keys for Amazon
# SES" (service-authorization/latest/reference/list_amazonses.html) and "... for Amazon
# Simple Email Service v2" (list_amazonsimpleemailservicev2.html), column "Resource types":
# None where it is empty (the action is evaluated against "*"). Copied here on purpose, not
# imported from the library: the test must be able to disagree with it.
RESOURCE_TYPES: dict[str, str | None] = {
    "ses:GetAccount": None,
    "ses:PutAccountDetails": None,
    "ses:ListEmailIdentities": None,
    "ses:ListConfigurationSets": None,
    "ses:GetIdentityNotificationAttributes": None,  # SES v1
    "ses:GetEmailIdentity": "identity",
    "ses:GetConfigurationSetEventDestinations": "configuration-set",
}
SES_ARN = re.compile(r"arn:[^:]+:ses:[^:]+:[^:]+:(?P<type>[a-z-]+)/.+")
# The commands' other actions, from the same reference ("... for Amazon CloudWatch Logs"
# list_amazoncloudwatchlogs.html, "... for AWS CloudFormation" list_awscloudformation.html):
# StartQuery on log-group, GetQueryResults and StopQuery with no resource type,
# ListStackResources on stack. account:ListRegions is granted on "*", which matches whatever
# its resource type is (the caller's own account).
OTHER_RESOURCE_TYPES: dict[str, str | None] = {
    "logs:StartQuery": "log-group",
    "logs:GetQueryResults": None,
    "logs:StopQuery": None,
    "cloudformation:ListStackResources": "stack",
    "account:ListRegions": None,
}
OTHER_ARN = re.compile(r"arn:[^:]+:(?P<service>[a-z]+):[^:]*:[^:]*:(?P<type>[a-z-]+)[:/].+")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _text(resource: Any) -> str:
    """A resource as a string: Fn::Sub's body, or Fn::Join's parts with tokens as 'X'."""
    if isinstance(resource, str):
        return resource
    if "Fn::Sub" in resource:
        return re.sub(r"\$\{[^}]*\}", "X", str(resource["Fn::Sub"]))
    separator, parts = resource["Fn::Join"]
    return str(separator).join(p if isinstance(p, str) else "X" for p in parts)


def statements(template: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            for policy in properties.get("Policies", []):
                yield from policy["PolicyDocument"]["Statement"]
        if resource["Type"] == "AWS::IAM::Policy":
            yield from properties["PolicyDocument"]["Statement"]


def wrong_grants(found: Iterator[dict[str, Any]]) -> list[str]:
    """Each SES grant that does not match its action's resource type; and every action of
    the table must be granted (an empty list could also mean no SES statement at all)."""
    wrong: list[str] = []
    granted: set[str] = set()
    for statement in found:
        assert statement["Effect"] == "Allow"
        for action in _listed(statement["Action"]):
            if not action.startswith("ses:"):
                continue
            assert action in RESOURCE_TYPES, f"{action}: add its resource type, with the source"
            granted.add(action)
            for resource in _listed(statement["Resource"]):
                text = _text(resource)
                match = SES_ARN.fullmatch(text)
                expected = RESOURCE_TYPES[action]
                if expected is None and text != "*":
                    wrong.append(f"{action} on {text}: it has no resource type, so only '*'")
                if expected is not None and (not match or match["type"] != expected):
                    wrong.append(f"{action} on {text}: its resource type is {expected}")
    assert granted == set(RESOURCE_TYPES), "every SES action the function calls is granted"
    return wrong


def test_the_example_apps_role_grants_each_ses_action_on_its_resource_type(
    example_app: Synthesis,
) -> None:
    assert wrong_grants(statements(example_app.template())) == []


def test_the_plain_templates_role_grants_each_ses_action_on_its_resource_type() -> None:
    assert wrong_grants(statements(plain_template())) == []


def test_the_stack_set_members_role_grants_each_ses_action_on_its_resource_type() -> None:
    member = _member.member_template(
        "o-abc123def4",
        {
            "mail_type": MailType.TRANSACTIONAL,
            "website_url": "https://example.com",
            "acknowledge_sending_policy": True,
        },
    )
    assert wrong_grants(statements(member)) == []


def test_the_commands_documented_policy_grants_each_ses_action_on_its_resource_type() -> None:
    page = (ROOT / "docs" / "command-line.md").read_text()
    block = page.split("<!-- commands-policy -->\n```json\n", 1)[1].split("```", 1)[0]
    assert wrong_grants(iter(json.loads(block)["Statement"])) == []


def test_the_commands_documented_policy_grants_their_other_actions_on_their_resource_types(
) -> None:
    page = (ROOT / "docs" / "command-line.md").read_text()
    block = page.split("<!-- commands-policy -->\n```json\n", 1)[1].split("```", 1)[0]
    granted: dict[str, list[str]] = {}
    for statement in json.loads(block)["Statement"]:
        for action in _listed(statement["Action"]):
            if not action.startswith("ses:"):
                granted.setdefault(action, []).extend(_listed(statement["Resource"]))
    assert set(granted) == set(OTHER_RESOURCE_TYPES)
    for action, resources in granted.items():
        expected = OTHER_RESOURCE_TYPES[action]
        for resource in resources:
            match = OTHER_ARN.fullmatch(resource)
            if expected is None:
                assert resource == "*", action
            else:
                assert match, (action, resource)
                assert (match["service"], match["type"]) == (action.split(":")[0], expected)


def test_fails_when_an_action_is_not_granted_though_others_are_granted_twice() -> None:
    # Two Regions' grants must not hide a missing action.
    grants = [
        {"Effect": "Allow", "Action": sorted(RESOURCE_TYPES)[1:], "Resource": "*"}
        for _ in range(2)
    ]
    with pytest.raises(AssertionError, match="every SES action the function calls is granted"):
        wrong_grants(iter(grants))


RIGHT: list[dict[str, Any]] = [
    {"Effect": "Allow", "Action": [a for a, t in RESOURCE_TYPES.items() if t is None],
     "Resource": "*"},
    {"Effect": "Allow", "Action": "ses:GetEmailIdentity",
     "Resource": "arn:aws:ses:eu-west-1:123456789012:identity/*"},
    {"Effect": "Allow", "Action": "ses:GetConfigurationSetEventDestinations",
     "Resource": "arn:aws:ses:eu-west-1:123456789012:configuration-set/*"},
]


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("ses:GetIdentityNotificationAttributes", {"Fn::Sub": "arn:aws:ses:r:a:identity/*"}),
        ("ses:GetEmailIdentity", {"Fn::Sub": "arn:aws:ses:r:a:configuration-set/*"}),
        ("ses:GetEmailIdentity", "*"),
    ],
)
def test_fails_on_a_grant_off_its_resource_type(action: str, resource: Any) -> None:
    # The control: right grants pass, and one more off its resource type is seen.
    assert wrong_grants(iter(RIGHT)) == []
    grants: list[dict[str, Any]] = [
        *RIGHT, {"Effect": "Allow", "Action": action, "Resource": resource}
    ]
    assert len(wrong_grants(iter(grants))) == 1
