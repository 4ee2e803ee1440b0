"""The member template of the organisation rollout, as an artefact: read from the cloud
assembly of examples/organization.py, the way CloudFormation StackSets gets it (the
StackSet's TemplateBody, or the file asset its TemplateURL names), and deployed with the
StackSet's parameter values."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from contract.cloud_assembly import ROOT, Artefact, artefact_of

ORGANIZATION_APP = ROOT / "examples" / "organization.py"
ADMIN_STACK = "SesProductionAccessOrganization"
STACK_SET = "AWS::CloudFormation::StackSet"
# A stack instance's name: StackSets names it StackSet-<stack set name>-<id>.
MEMBER_STACK = "StackSet-SesProductionAccess-0123abcd-4567-89ef-0123-456789abcdef"


def organization_app_command() -> list[str]:
    """examples/organization.py, as a user runs it, with this interpreter."""
    return [sys.executable, str(ORGANIZATION_APP)]


def member_template_of(outdir: Path) -> dict[str, Any]:
    """The member template the StackSet of the administrator's stack deploys."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    template_file = manifest["artifacts"][ADMIN_STACK]["properties"]["templateFile"]
    admin = json.loads((outdir / template_file).read_text())
    (stack_set,) = [r for r in admin["Resources"].values() if r["Type"] == STACK_SET]
    properties = stack_set["Properties"]
    if "TemplateBody" in properties:
        body: dict[str, Any] = json.loads(properties["TemplateBody"])
        return body
    # TemplateURL: the asset whose object key the URL names.
    assets = json.loads((outdir / f"{ADMIN_STACK}.assets.json").read_text())
    url = json.dumps(properties["TemplateURL"])
    for asset in assets["files"].values():
        keys = [d["objectKey"] for d in asset["destinations"].values()]
        if any(key in url for key in keys):
            found: dict[str, Any] = json.loads((outdir / asset["source"]["path"]).read_text())
            return found
    raise AssertionError(f"no asset of {ADMIN_STACK} is the StackSet's TemplateURL {url}")


def read_member(outdir: Path, parameters: Mapping[str, str]) -> Artefact:
    """The member template's custom resource, deployed with the StackSet's `parameters`."""
    return artefact_of(
        member_template_of(outdir), MEMBER_STACK, outdir / "member.code", parameters
    )
