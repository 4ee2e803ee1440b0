"""The template every stack instance of ``SesProductionAccessStackSet`` deploys.

Synthesized from ``SesProductionAccess`` itself, offline and in this process, the way the
plain template is (``templates/plain.py``): a separate App whose stack has no bootstrap version
parameter or rule, no CDK metadata and no asset (the handler is inline). The request's
details are fixed in it; the one parameter is the central bus's ARN, which the
administrator's stack knows only at deploy time. Nothing in it has a fixed name: IAM names
are global, and one account deploys the template once per Region.
"""

from __future__ import annotations

import json
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from aws_cdk import App, BootstraplessSynthesizer, CfnOutput, CfnParameter, Stack

from ..construct.access import SesProductionAccess
from ..construct.size_warning import DEPLOYED_FROM_S3
from ..construct.watch import stack_name_prefix
from ..wire import EVENT_BUS_ARN_PATTERN, PROP_STATUS_BUS_ARN
from .plain import CONSTRUCT_ID, STACK_NAME

STATUS_BUS_PARAMETER = PROP_STATUS_BUS_ARN
"""The member template's one parameter: the roll-up bus's ARN."""


def member_template(organization_id: str, details: dict[str, Any]) -> dict[str, Any]:
    """The member template as a dict. ``details`` are SesProductionAccess's props, already
    checked, with plain values only (no token of another app can resolve in this one)."""
    with tempfile.TemporaryDirectory(prefix="ses-production-access-member-") as outdir:
        app = App(outdir=outdir, analytics_reporting=False)
        stack = Stack(
            app,
            STACK_NAME,
            description=_description(organization_id),
            # Refuses any asset; writes no BootstrapVersion parameter or rule.
            synthesizer=BootstraplessSynthesizer(),
            analytics_reporting=False,
        )
        # Given to CloudFormation from S3 or as a TemplateBody, never to cdk deploy.
        stack.node.set_context(DEPLOYED_FROM_S3, True)
        bus = CfnParameter(
            stack,
            STATUS_BUS_PARAMETER,
            type="String",
            description=(
                "The organisation's central event bus (the roll-up), which this stack "
                "reports the account's state to: arn:aws:events:REGION:ACCOUNT:event-bus/NAME."
            ),
            allowed_pattern=EVENT_BUS_ARN_PATTERN.pattern,
            constraint_description="an event bus ARN: arn:aws:events:REGION:ACCOUNT:event-bus/NAME",
        )
        SesProductionAccess(
            stack,
            CONSTRUCT_ID,
            **details,
            status_bus=bus.value_as_string,
            # Every account x Region deploys its own stack instance: one prefix each.
            watch_parameter_prefix=stack_name_prefix(),
            # The StackSet's template stays the same from one synthesis to the next: a
            # change would update every stack instance of the organisation.
            refresh_on_deploy=False,
        )
        # Outputs under the attribute names (SandboxStatus, ...), as in the plain template.
        for child in stack.node.find_all():
            if isinstance(child, CfnOutput):
                child.override_logical_id(child.node.id)
        assembly = app.synth()
        path = Path(assembly.get_stack_artifact(stack.artifact_id).template_full_path)
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def template_text(body: dict[str, Any]) -> str:
    """The member template as the StackSet receives it: compact JSON, so that more of
    CloudFormation's 51,200 bytes for a TemplateBody are left to the handler's code."""
    return json.dumps(body, separators=(",", ":"), sort_keys=False)


def _description(organization_id: str) -> str:
    try:
        version = f" {metadata.version('ses-production-access')}"
    except metadata.PackageNotFoundError:
        version = ""
    return (
        "Requests Amazon SES production access for this account in this stack's Region, "
        f"rolled out to the accounts of organisation {organization_id} by a StackSet, and "
        f"reports where it stands to the organisation's central bus (ses-production-access"
        f"{version})."
    )
