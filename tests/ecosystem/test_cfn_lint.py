"""cfn-lint: the example app's template has no error and no unexplained warning."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import lint_all

from ecosystem.ecosystem_support import Synthesis

# Findings allowed in the template, each with the reason it stays. Errors never are.
EXPLAINED = {
    "I4010": (
        "informational and experimental: asks for optional Metadata.com.aws.cloudformation."
        "Context notes describing the architecture, which CDK does not write"
    ),
}


@pytest.fixture(scope="module")
def findings(example_app: Synthesis) -> list[str]:
    """Every cfn-lint finding (all rules, informational and experimental included, all
    Regions: the example stack is environment-agnostic) as 'RULE severity: message'."""
    matches = lint_all(json.dumps(example_app.template()))
    return [f"{m.rule.id} {m.rule.severity}: {m.message}" for m in matches]


def test_example_template_has_no_cfn_lint_error(findings: list[str]) -> None:
    assert [finding for finding in findings if finding.startswith("E")] == []


def test_example_template_has_no_unexplained_cfn_lint_finding(findings: list[str]) -> None:
    assert [finding for finding in findings if finding.split()[0] not in EXPLAINED] == []
