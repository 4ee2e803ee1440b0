"""examples/organization.py as a new user runs it (``python examples/organization.py``,
honouring CDK_OUTDIR, offline): the administrator's template has one service-managed
StackSet whose member template runs the inline handler, and the roll-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

EXAMPLE = ROOT / "examples" / "organization.py"
STACK = "SesProductionAccessOrganization"


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    template: dict[str, Any]

    def resources(self, resource_type: str) -> list[dict[str, Any]]:
        return [r for r in self.template["Resources"].values() if r["Type"] == resource_type]

    def member_template(self) -> dict[str, Any]:
        """From TemplateBody, or from the asset behind TemplateURL."""
        (stack_set,) = self.resources("AWS::CloudFormation::StackSet")
        properties = stack_set["Properties"]
        if "TemplateBody" in properties:
            body: dict[str, Any] = json.loads(properties["TemplateBody"])
            return body
        (asset,) = self.outdir.glob("asset.*.json")
        assert asset.stem.removeprefix("asset.") in json.dumps(properties["TemplateURL"])
        found: dict[str, Any] = json.loads(asset.read_text())
        return found


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    # Outside the repo, with nothing of AWS's in the environment: no account is needed.
    workdir = tmp_path_factory.mktemp("organization-example")
    outdir = workdir / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env["CDK_OUTDIR"] = str(outdir)
    run = subprocess.run(
        [sys.executable, str(EXAMPLE)], cwd=workdir, env=env, capture_output=True, text=True,
        check=False, timeout=180,
    )
    assert run.returncode == 0, run.stderr
    template = json.loads((outdir / f"{STACK}.template.json").read_text())
    return Synthesized(outdir, template)


def test_writes_one_service_managed_stack_set_with_auto_deployment_and_capability_iam(
    synthesized: Synthesized,
) -> None:
    (stack_set,) = synthesized.resources("AWS::CloudFormation::StackSet")
    properties = stack_set["Properties"]
    assert properties["PermissionModel"] == "SERVICE_MANAGED"
    assert properties["AutoDeployment"]["Enabled"] is True
    assert properties["Capabilities"] == ["CAPABILITY_IAM"]


def test_the_member_template_has_the_inline_handler_and_no_asset_or_bootstrap_version(
    synthesized: Synthesized,
) -> None:
    member = synthesized.member_template()
    text = json.dumps(member)
    (function,) = [r for r in member["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert set(function["Properties"]["Code"]) == {"ZipFile"}
    assert "def put_status_event(" in function["Properties"]["Code"]["ZipFile"]
    assert "BootstrapVersion" not in text
    assert "aws:asset:" not in text


def test_the_bus_policy_admits_the_organisation_only(synthesized: Synthesized) -> None:
    (policy,) = synthesized.resources("AWS::Events::EventBusPolicy")
    condition = policy["Properties"]["Statement"]["Condition"]
    assert condition["StringEquals"]["aws:PrincipalOrgID"] == "o-abc123def4"


def test_the_dashboard_and_the_rule_exist(synthesized: Synthesized) -> None:
    assert len(synthesized.resources("AWS::CloudWatch::Dashboard")) == 1
    (rule,) = synthesized.resources("AWS::Events::Rule")
    assert rule["Properties"]["EventPattern"]["source"] == ["ses-production-access"]


def test_the_administrators_stack_is_environment_agnostic(synthesized: Synthesized) -> None:
    manifest = json.loads((synthesized.outdir / "manifest.json").read_text())
    environment = manifest["artifacts"][STACK]["environment"]
    assert environment == "aws://unknown-account/unknown-region"
