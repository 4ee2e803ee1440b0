"""A plain CloudFormation template of the construct, for accounts and tools without CDK.

The template is synthesized from ``SesProductionAccess`` itself, offline and in this
process, with the request's details as CloudFormation Parameters. It has no asset (the
handler is inline), no ``BootstrapVersion`` parameter or rule and no CDK metadata, so it
deploys in an account that was never bootstrapped, directly or as a StackSet's body.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from aws_cdk import (
    App,
    Aws,
    BootstraplessSynthesizer,
    CfnCondition,
    CfnOutput,
    CfnParameter,
    CfnRule,
    CfnRuleAssertion,
    Fn,
    IResolvable,
    Stack,
    Token,
)

from ..construct.access import SesProductionAccess
from ..construct.size_warning import DEPLOYED_FROM_S3
from ..construct.watch import stack_name_prefix
from ..props.values import ContactLanguage, MailType

STACK_NAME = "SesProductionAccess"
# The template's name for the construct: logical ids derive from it, so it is kept.
CONSTRUCT_ID = "SesProductionAccess"

ACKNOWLEDGEMENT = (
    "I send email only to people who asked for it, and I handle bounces and complaints"
)
"""The only value of the acknowledgement parameter: the SES console's acknowledgement."""


@dataclass(frozen=True)
class Parameter:
    """One CloudFormation parameter of the template."""

    name: str
    label: str
    description: str
    type: str = "String"
    allowed_values: tuple[str, ...] | None = None
    default: str | None = None
    no_echo: bool = False


# In the order the console shows them. The names are the custom resource's property
# names, so that the handler's deploy-time messages name the parameter to fix.
REQUEST = "Request for production access"
OPTIONS = "Deployment"
PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    REQUEST: (
        Parameter(
            "MailType",
            "Mail type",
            "The kind of email the account mostly sends.",
            allowed_values=tuple(m.value for m in MailType),
        ),
        Parameter(
            "WebsiteURL",
            "Website URL",
            "Your website, so that AWS understands what you send: an absolute http(s) URL "
            "of at most 1000 characters.",
            no_echo=True,
        ),
        Parameter(
            "UseCaseDescription",
            "Use case description (optional)",
            "How you build your list, handle bounces and complaints, let recipients opt "
            "out and chose your sending rate (at most 5000 characters). Empty: not sent.",
            default="",
            no_echo=True,
        ),
        Parameter(
            "AdditionalContactEmailAddresses",
            "Additional contacts (optional)",
            "1 to 4 comma-separated addresses AWS writes to about the account. Empty: AWS "
            "writes to the account's own contacts.",
            type="CommaDelimitedList",
            default="",
            no_echo=True,
        ),
        Parameter(
            "ContactLanguage",
            "Contact language (optional)",
            "The language of AWS's messages to the contacts. Empty: not sent; SES uses English.",
            allowed_values=("", *(c.value for c in ContactLanguage)),
            default="",
        ),
        Parameter(
            "AcknowledgeSendingPolicy",
            "Acknowledgement",
            "Choose the one value to confirm it: the request for production access states it.",
            allowed_values=(ACKNOWLEDGEMENT,),
        ),
    ),
    OPTIONS: (
        Parameter(
            "FailOnDenied",
            "Fail on denied",
            "true: fail the deployment when the review is DENIED. false: succeed and "
            "report DENIED with the support case.",
            allowed_values=("false", "true"),
            default="false",
        ),
    ),
}


def plain_template() -> dict[str, Any]:
    """The template ``ses-production-access template`` writes, as a dict.

    Synthesized from ``SesProductionAccess`` in this process, into a temporary folder.
    The request's details are Parameters (``MailType``, ``WebsiteURL``,
    ``UseCaseDescription``, ``AdditionalContactEmailAddresses``, ``ContactLanguage``,
    ``AcknowledgeSendingPolicy``, ``FailOnDenied``); the handler is inline. No asset, no
    ``BootstrapVersion``, no CDK metadata: ``json.dumps(plain_template())`` is a valid
    ``TemplateBody`` for CreateStack or a StackSet.
    """
    with tempfile.TemporaryDirectory(prefix="ses-production-access-") as outdir:
        app = App(outdir=outdir, analytics_reporting=False)
        stack = Stack(
            app,
            STACK_NAME,
            description=_description(),
            # Refuses any asset; writes no BootstrapVersion parameter or rule.
            synthesizer=BootstraplessSynthesizer(),
            analytics_reporting=False,
        )
        # Given to CloudFormation from S3 or as a TemplateBody, never to cdk deploy.
        stack.node.set_context(DEPLOYED_FROM_S3, True)
        _build(stack)
        assembly = app.synth()
        path = Path(assembly.get_stack_artifact(stack.artifact_id).template_full_path)
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return body


def template_json(body: dict[str, Any] | None = None) -> str:
    """The template as the ``template`` command writes it: compact JSON, one line (every
    byte counts against CloudFormation's 51,200-byte ``TemplateBody`` limit; the
    handler's code keeps its own lines)."""
    body = plain_template() if body is None else body
    return json.dumps(body, separators=(",", ":")) + "\n"


def _description() -> str:
    try:
        version = f" {metadata.version('ses-production-access')}"
    except metadata.PackageNotFoundError:
        version = ""
    return (
        "Requests Amazon SES production access for this account in this stack's Region "
        f"and reports where it stands (ses-production-access{version})."
    )


def _build(stack: Stack) -> None:
    params = {
        spec.name: CfnParameter(
            stack,
            spec.name,
            type=spec.type,
            description=spec.description,
            allowed_values=list(spec.allowed_values) if spec.allowed_values else None,
            default=spec.default,
            no_echo=spec.no_echo or None,
        )
        for specs in PARAMETERS.values()
        for spec in specs
    }
    contacts = params["AdditionalContactEmailAddresses"].value_as_list

    SesProductionAccess(
        stack,
        CONSTRUCT_ID,
        mail_type=params["MailType"].value_as_string,
        website_url=params["WebsiteURL"].value_as_string,
        use_case_description=Token.as_string(
            _if_given(stack, "UseCaseDescription", params["UseCaseDescription"].value_as_string)
        ),
        additional_contact_email_addresses=Token.as_list(
            # Empty: the list parameter is [""] or [], joined "" either way.
            _if_given(stack, "AdditionalContactEmailAddresses", contacts, Fn.join("", contacts))
        ),
        contact_language=Token.as_string(
            _if_given(stack, "ContactLanguage", params["ContactLanguage"].value_as_string)
        ),
        fail_on_denied=params["FailOnDenied"].value_as_string,
        # A static template: the state is read again whenever a parameter changes.
        refresh_on_deploy=False,
        # The person deploying acknowledges it with the parameter (a rule checks it).
        acknowledge_sending_policy=True,
        # One stack may be deployed under many names in an account: a prefix each.
        watch_parameter_prefix=stack_name_prefix(),
    )

    # CloudFormation refuses any other value already (AllowedValues); the rule states
    # that the stack exists only with the acknowledgement given.
    CfnRule(
        stack,
        "SendingPolicyAcknowledged",
        assertions=[
            CfnRuleAssertion(
                assert_=Fn.condition_equals(
                    params["AcknowledgeSendingPolicy"].value_as_string, ACKNOWLEDGEMENT
                ),
                assert_description="Choose the acknowledgement to request production access.",
            )
        ],
    )

    # Outputs under the attribute names (SandboxStatus, ...), not CDK's hashed ids.
    for child in stack.node.find_all():
        if isinstance(child, CfnOutput):
            child.override_logical_id(child.node.id)

    stack.template_options.metadata = {
        "AWS::CloudFormation::Interface": {
            "ParameterGroups": [
                {"Label": {"default": group}, "Parameters": [spec.name for spec in specs]}
                for group, specs in PARAMETERS.items()
            ],
            "ParameterLabels": {
                spec.name: {"default": spec.label}
                for specs in PARAMETERS.values()
                for spec in specs
            },
        }
    }


def _if_given(stack: Stack, name: str, value: Any, text: str | None = None) -> IResolvable:
    """`value` when the optional parameter `name` is not empty, else no property at all
    (AWS::NoValue): an empty optional parameter is not sent to SES."""
    given = CfnCondition(
        stack,
        f"Has{name}",
        expression=Fn.condition_not(Fn.condition_equals(text if text is not None else value, "")),
    )
    return Fn.condition_if(given.logical_id, value, Aws.NO_VALUE)
