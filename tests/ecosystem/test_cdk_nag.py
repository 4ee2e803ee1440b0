"""cdk-nag 3.x: the example app passes the AwsSolutions, Serverless and NIST 800-53 rev 5
packs with nothing left for the user to suppress; the construct acknowledges only what is
inherent, each with its reason, without needing cdk-nag."""

from __future__ import annotations

import json
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from cdk_nag import NIST80053R5Checks, ServerlessChecks

from ecosystem.ecosystem_support import EXAMPLE_APP, EXAMPLE_STACK, NaggedApps, Synthesis
from ses_production_access import MailType, SesProductionAccess

# What the construct acknowledges, and a word its reason must give.
SES_READ = (
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>"
    ":{kind}/*]"
)
INHERENT = {
    # ses:GetAccount and ses:PutAccountDetails are account-level: IAM only accepts "*".
    "AwsSolutions-IAM5[Resource::*]": "ses:GetAccount",
    "Serverless-LambdaStarPermissions": "ses:GetAccount",
    "NIST.800.53.R5-IAMNoInlinePolicy": "this one role",
    "Serverless-LambdaDLQ": "ServiceTimeout",
    "NIST.800.53.R5-LambdaDLQ": "ServiceTimeout",
    "Serverless-LambdaTracing": "xray:PutTraceSegments",
    "NIST.800.53.R5-LambdaConcurrency": "quota of 10",
    "NIST.800.53.R5-LambdaInsideVPC": "NAT",
    "NIST.800.53.R5-CloudWatchLogGroupEncrypted": "log_group_encryption_key",
    # The readiness reads: every identity and configuration set of the instance's Region.
    SES_READ.format(kind="identity"): "GetEmailIdentity",
    SES_READ.format(kind="configuration-set"): "GetEmailIdentity",
    # The watcher (on by default): one parameter and at most one held request's secret per
    # Region under the stack's prefix, and a schedule whose missed run the next one catches up.
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>"
    ":parameter/ses-production-access/SesProductionAccessExample/*]": "prefix",
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>"
    ":<AWS::AccountId>:secret:/ses-production-access/SesProductionAccessExample/held/*]":
    "6 random characters",
    "Serverless-EventBusDLQ": "next run",
}
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


def test_construct_acknowledges_only_what_is_inherent_each_with_its_reason(
    example_app: Synthesis,
) -> None:
    acknowledged = acknowledgements(example_app)
    assert set(acknowledged) == set(INHERENT)
    for rule, word in INHERENT.items():
        assert word in acknowledged[rule], rule


@dataclass
class PackedApps(NaggedApps):
    """NaggedApps with more cdk-nag packs registered beside AwsSolutions."""

    packs: tuple[Any, ...] = ()

    def __call__(self, **props: Any) -> cdk.App:
        app = super().__call__(**props)
        cdk.Validations.of(app).add_plugins(*(pack(app) for pack in self.packs))
        return app


@pytest.fixture(scope="module")
def example_app_with_more_packs(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The example app synthesized with the Serverless and NIST 800-53 rev 5 packs too."""
    apps = PackedApps(
        tmp_path_factory.mktemp("more-packs") / "cdk.out",
        packs=(ServerlessChecks, NIST80053R5Checks),
    )
    error: str | None = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cdk, "App", apps)
        try:
            runpy.run_path(str(EXAMPLE_APP), run_name="__main__")
        except RuntimeError as failure:  # cdk-nag findings fail synthesis: reported below
            if "ValidationFailed" not in str(failure):
                raise
            error = str(failure)
    (app,) = apps.created
    return Synthesis(outdir=apps.outdir, app=app, error=error)


def test_example_app_has_no_finding_with_the_serverless_and_nist_800_53_r5_packs(
    example_app_with_more_packs: Synthesis,
) -> None:
    assert example_app_with_more_packs.violations() == []
    assert example_app_with_more_packs.error is None


def test_a_customer_managed_key_clears_the_log_group_finding_without_acknowledging_it(
    tmp_path: Path,
) -> None:
    app = cdk.App(outdir=str(tmp_path))
    cdk.Validations.of(app).add_plugins(NIST80053R5Checks(app))
    stack = cdk.Stack(app, "Stack", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    SesProductionAccess(
        stack, "Access", mail_type=MailType.TRANSACTIONAL, website_url="https://example.com",
        acknowledge_sending_policy=True, log_group_encryption_key=key,
    )
    try:
        app.synth()
    except RuntimeError as failure:
        if "ValidationFailed" not in str(failure):
            raise
    report_path = tmp_path / "validation-report.json"
    report: dict[str, Any] = json.loads(report_path.read_text()) if report_path.exists() else {}
    ours = [
        violation["ruleName"]
        for plugin in report.get("pluginReports", [])
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if "SesProductionAccessHandler" in construct["constructPath"]
    ]
    assert ours == []
    log_group = stack.node.find_child("SesProductionAccessHandler").node.find_child("LogGroup")
    acknowledged = [
        key
        for entry in log_group.node.metadata
        if entry.type == ACKNOWLEDGED
        for key in entry.data
    ]
    assert acknowledged == []
