"""cdk-nag 3.x: the example app passes the AwsSolutions pack with nothing left for the user
to suppress; the construct acknowledges only what is inherent, without needing cdk-nag."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from ecosystem.ecosystem_support import EXAMPLE_STACK, Synthesis

# The one finding the construct may acknowledge: ses:GetAccount and ses:PutAccountDetails
# are account-level actions with no resource type, so IAM only accepts Resource "*".
INHERENT = {"AwsSolutions-IAM5[Resource::*]"}
# cdk-nag 3.x reads acknowledgements from this construct metadata, written by
# aws-cdk-lib's own Validations.of(scope).acknowledge(), so no cdk-nag import is needed.
ACKNOWLEDGED = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY


def acknowledgements(synthesis: Synthesis) -> dict[str, str]:
    """Rule id -> reason of every acknowledgement in the example stack: aws-cdk-lib's
    acknowledged-rules metadata (what cdk-nag 3.x honours) and, if any, cdk-nag 2.x's
    ``cdk_nag.rules_to_suppress`` resource metadata, written as ``id[applies_to]``."""
    found: dict[str, str] = {}
    stack = synthesis.app.node.find_child(EXAMPLE_STACK)
    for construct in stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == ACKNOWLEDGED:
                for key, reason in entry.data.items():
                    # acknowledge() stores an id without a known prefix as 'Annotation::id'.
                    found[key.removeprefix("Annotation::").removeprefix("annotation::")] = reason
    resources: dict[str, Any] = synthesis.template()["Resources"]
    for resource in resources.values():
        for rule in resource.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", []):
            for applies_to in rule.get("applies_to") or [None]:
                key = rule["id"] if applies_to is None else f"{rule['id']}[{applies_to}]"
                found[key] = rule.get("reason", "")
    return found


def test_example_app_synthesizes_with_the_aws_solutions_pack_and_no_finding(
    example_app: Synthesis,
) -> None:
    assert example_app.violations() == []
    assert example_app.error is None


def test_construct_acknowledges_only_the_account_level_ses_wildcard_with_a_reason(
    example_app: Synthesis,
) -> None:
    acknowledged = acknowledgements(example_app)
    assert set(acknowledged) == INHERENT
    assert all("ses:" in reason and "*" in reason for reason in acknowledged.values())
