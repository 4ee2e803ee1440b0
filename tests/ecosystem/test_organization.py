"""The organisation rollout (examples/organization.py) through cfn-lint and cdk-nag: the
administrator's template and the member template every stack instance deploys have no
error and no unexplained finding; cdk-nag's AwsSolutions, Serverless and NIST 800-53 rev 5
packs run on the administrator's app and on the app the library synthesizes the member
template in."""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks
from cfnlint.api import lint_all
from contract.member_template import member_template_of

from ecosystem.ecosystem_support import REAL_APP, ROOT
from ses_production_access import MailType
from ses_production_access.construct import acknowledgements
from ses_production_access.templates import member as _member

ORGANIZATION_APP = ROOT / "examples" / "organization.py"
ADMIN_STACK = "SesProductionAccessOrganization"
PACKS: tuple[Callable[[cdk.App], Any], ...] = (
    AwsSolutionsChecks,
    ServerlessChecks,
    NIST80053R5Checks,
)

# Findings allowed, each with the reason it stays. Errors never are.
EXPLAINED = {
    "I4010": (
        "informational and experimental: asks for optional Metadata.com.aws.cloudformation."
        "Context notes describing the architecture, which CDK does not write"
    ),
    "I1022": (
        "informational: aws-cdk-lib writes Fn::Join for a string holding a token (the "
        "dashboard's body, the log group's resource policy, the rule target's ARN)"
    ),
}


@dataclass
class NaggedApps:
    """Stands in for an App class: the real App with every pack registered, writing to a
    folder of ours (the member template's app writes to a scratch folder otherwise)."""

    root: Path
    created: list[tuple[cdk.App, Path]] = field(default_factory=list)

    def __call__(self, **props: Any) -> cdk.App:
        outdir = self.root / f"app{len(self.created)}"
        context = json.loads((ROOT / "cdk.json").read_text()).get("context", {})
        app = REAL_APP(**{"context": context, **props, "outdir": str(outdir)})
        cdk.Validations.of(app).add_plugins(*(pack(app) for pack in PACKS))
        self.created.append((app, outdir))
        return app


@dataclass(frozen=True)
class Nagged:
    admin: Path  # the administrator's cloud assembly
    member: Path  # the member template's
    error: str | None

    def admin_template(self) -> dict[str, Any]:
        template: dict[str, Any] = json.loads(
            (self.admin / f"{ADMIN_STACK}.template.json").read_text()
        )
        return template

    def member_template(self) -> dict[str, Any]:
        """As the StackSet gets it: TemplateBody, or the asset behind TemplateURL."""
        return member_template_of(self.admin)


def violations(outdir: Path) -> list[str]:
    path = outdir / "validation-report.json"
    report: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return [
        f"{violation['ruleName']} at {construct['constructPath']}"
        for plugin in report.get("pluginReports", [])
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]


@pytest.fixture(scope="module")
def nagged(tmp_path_factory: pytest.TempPathFactory) -> Nagged:
    """examples/organization.py run in this process with every pack on its App and on
    the App the library synthesizes the member template in."""
    apps = NaggedApps(tmp_path_factory.mktemp("organization"))
    error: str | None = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cdk, "App", apps)
        patch.setattr(_member, "App", apps)
        try:
            runpy.run_path(str(ORGANIZATION_APP), run_name="__main__")
        except RuntimeError as failure:  # cdk-nag findings fail synthesis: reported below
            if "ValidationFailed" not in str(failure):
                raise
            error = str(failure)
    # The administrator's App first; the member template's is made in the construct.
    (admin_app, admin_out), (member_app, member_out) = apps.created
    assert member_app is not admin_app
    return Nagged(admin=admin_out, member=member_out, error=error)


def test_the_member_template_passes_every_pack(nagged: Nagged) -> None:
    assert violations(nagged.member) == []
    assert nagged.error is None


def test_the_administrators_app_passes_every_pack(nagged: Nagged) -> None:
    assert violations(nagged.admin) == []
    assert nagged.error is None


def test_the_packs_do_run_on_the_member_templates_app(tmp_path: Path) -> None:
    # The control: without the handler's acknowledgements, the same packs on the same app
    # report the findings that the design accepts.
    apps = NaggedApps(tmp_path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_member, "App", apps)
        patch.setattr(acknowledgements, "acknowledge", lambda *_args: None)
        with pytest.raises(RuntimeError, match="ValidationFailed"):
            _member.member_template(
                "o-abc123def4",
                {
                    "mail_type": MailType.TRANSACTIONAL,
                    "website_url": "https://example.com",
                    "acknowledge_sending_policy": True,
                },
            )
    ((_, outdir),) = apps.created
    found = {violation.split()[0] for violation in violations(outdir)}
    assert {
        "AwsSolutions-IAM5[Resource::*]",
        "Serverless-LambdaDLQ",
        "NIST.800.53.R5-LambdaDLQ",
    } <= found


def lint(body: dict[str, Any]) -> list[str]:
    return [f"{m.rule.id} {m.rule.severity}: {m.message}" for m in lint_all(json.dumps(body))]


@pytest.mark.parametrize("which", ["admin", "member"])
def test_template_has_no_cfn_lint_error_and_no_unexplained_finding(
    nagged: Nagged, which: str
) -> None:
    body = nagged.admin_template() if which == "admin" else nagged.member_template()
    findings = lint(body)
    assert [f for f in findings if f.startswith("E")] == []
    assert [f for f in findings if f.split()[0] not in EXPLAINED] == []
