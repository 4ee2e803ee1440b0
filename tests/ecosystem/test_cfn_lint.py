"""cfn-lint: the example app's template and the plain template of
``ses-production-access template`` have no error and no unexplained warning."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import lint_all

from ecosystem.ecosystem_support import Synthesis
from ses_production_access import plain_template

# Findings allowed in the template, each with the reason it stays. Errors never are.
EXPLAINED = {
    "I1022": (
        "informational: prefers Fn::Sub to an Fn::Join with an empty delimiter, which is "
        "how aws-cdk-lib's Stack.format_arn writes the readiness reads' ARNs; an Fn::Sub "
        "would put ${...} into the cdk-nag 2.x suppression metadata that names those "
        "ARNs, which cfn-lint reports as error E1029."
    ),
    "I4010": (
        "informational and experimental: asks for optional Metadata.com.aws.cloudformation."
        "Context notes describing the architecture, which CDK does not write"
    ),
}


@pytest.fixture(scope="module", params=["example", "plain"])
def findings(request: pytest.FixtureRequest) -> list[str]:
    """Every cfn-lint finding (all rules, informational and experimental included, all
    Regions: both templates are environment-agnostic) as 'RULE severity: message'."""
    if request.param == "example":
        example_app: Synthesis = request.getfixturevalue("example_app")
        body = example_app.template()
    else:
        body = plain_template()
    matches = lint_all(json.dumps(body))
    return [f"{m.rule.id} {m.rule.severity}: {m.message}" for m in matches]


def test_template_has_no_cfn_lint_error(findings: list[str]) -> None:
    assert [finding for finding in findings if finding.startswith("E")] == []


def test_template_has_no_unexplained_cfn_lint_finding(findings: list[str]) -> None:
    assert [finding for finding in findings if finding.split()[0] not in EXPLAINED] == []
