"""The watcher (watch=True) in the ecosystem checks: cdk-nag's AwsSolutions, Serverless
and NIST 800-53 rev 5 packs find nothing on the construct's resources, whose watcher
findings are acknowledged with their reasons, and cfn-lint finds no error and nothing
unexplained in the template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks
from cfnlint.api import lint_all

from ses_production_access import MailType, SesProductionAccess
from ses_production_access.construct.watch import NO_TARGET_DLQ, PARAMETERS_WILDCARD

ACKNOWLEDGED = cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
# cfn-lint findings allowed in the template, each with the reason it stays.
EXPLAINED = {
    "I4010": "informational and experimental: architecture notes CDK does not write",
    "I1022": (
        "informational: CDK writes a string holding a token (the partition, the stack's "
        "Region and account in an ARN, the Regions in the schedule's input) as Fn::Join"
    ),
}


@pytest.fixture(scope="module", params=["agnostic", "eu-west-1"])
def synthesized(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, cdk.Stack]:
    """A stack with the watcher on and an encrypted topic of its own, synthesized with
    the three packs registered; environment-agnostic or in a Region."""
    outdir = tmp_path_factory.mktemp("watch-nag")
    app = cdk.App(outdir=str(outdir))
    cdk.Validations.of(app).add_plugins(
        AwsSolutionsChecks(app), ServerlessChecks(app), NIST80053R5Checks(app)
    )
    env = None if request.param == "agnostic" else cdk.Environment(
        account="123456789012", region=request.param
    )
    stack = cdk.Stack(app, "Watching", env=env)
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    topic = sns.Topic(stack, "Decisions", master_key=key, enforce_ssl=True)
    SesProductionAccess(
        stack, "Access", mail_type=MailType.TRANSACTIONAL, website_url="https://example.com",
        acknowledge_sending_policy=True, watch=True, watch_topic=topic,
    )  # fmt: skip
    try:
        app.synth()
    except RuntimeError as failure:  # findings fail synthesis; the report says which
        if "ValidationFailed" not in str(failure):
            raise
    return outdir, stack


def test_the_packs_find_nothing_on_the_construct_with_the_watcher(
    synthesized: tuple[Path, cdk.Stack],
) -> None:
    outdir, _ = synthesized
    path = outdir / "validation-report.json"
    report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    ours = [
        f"{violation['ruleName']} at {construct['constructPath']}"
        for plugin in report.get("pluginReports", [])
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if "SesProductionAccessHandler" in construct["constructPath"]
        or "/Access/" in construct["constructPath"]
    ]
    assert ours == []


def test_the_watcher_acknowledges_only_the_prefix_wildcard_and_the_targets_dlq(
    synthesized: tuple[Path, cdk.Stack],
) -> None:
    _, stack = synthesized
    handler = stack.node.find_child("SesProductionAccessHandler")
    found: dict[str, str] = {}
    for construct in handler.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == ACKNOWLEDGED:
                found.update(entry.data)
    watcher = {rule: reason for rule, reason in found.items() if reason in (
        PARAMETERS_WILDCARD, NO_TARGET_DLQ)}  # fmt: skip
    assert sorted(watcher.values()) == sorted([PARAMETERS_WILDCARD, NO_TARGET_DLQ])
    (wildcard,) = [r for r, reason in watcher.items() if reason == PARAMETERS_WILDCARD]
    assert wildcard.endswith(":parameter/ses-production-access/Watching/*]")
    (dlq,) = [r for r, why in watcher.items() if why == NO_TARGET_DLQ]
    assert "Serverless-EventBusDLQ" in dlq


def test_cfn_lint_finds_no_error_and_nothing_unexplained(
    synthesized: tuple[Path, cdk.Stack],
) -> None:
    outdir, _ = synthesized
    body = json.loads((outdir / "Watching.template.json").read_text())
    findings = [f"{m.rule.id} {m.rule.severity}: {m.message}" for m in lint_all(json.dumps(body))]
    assert [f for f in findings if f.startswith("E")] == []
    assert [f for f in findings if f.split()[0] not in EXPLAINED] == []
