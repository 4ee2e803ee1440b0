"""A warning at synth when ``cdk deploy`` would refuse the stack's template unbootstrapped.

Only a stack whose synthesizer uploads no template (``LegacyStackSynthesizer``,
``BootstraplessSynthesizer``) is deployed with ``TemplateBody``, and only while the
template, as the CDK CLI serialises it (YAML, ``template_yaml``), has at most 50 x 1,024
characters; above that the CLI needs a bootstrapped environment. A stack with the
``DefaultStackSynthesizer`` (what ``cdk init`` writes) is always deployed from the bootstrap
bucket (``TemplateURL``, up to 1 MB), so no size of its template is worth a warning.

The template is measured as synthesis writes it: after every aspect, when the node
validations run, a scratch synthesizer writes it once more, into a scratch folder (the
public protected method ``synthesizeTemplate``, which has no effect beyond that file).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, cast

import jsii
from aws_cdk import (
    Annotations,
    BootstraplessSynthesizer,
    DockerImageAssetLocation,
    FileAssetLocation,
    ISynthesisSession,
    LegacyStackSynthesizer,
    Stack,
    StackSynthesizer,
    cx_api,
)
from constructs import IConstruct, IValidation

from .. import wire
from ..inline.code import inline_code
from .template_yaml import CLI_TEMPLATE_BODY_MAX_CHARACTERS, cli_characters, cli_yaml

TEMPLATE_OVER_LIMIT = "ses-production-access:templateOverTemplateBodyLimit"
"""The warning's id (acknowledge it with ``Annotations.of(scope).acknowledge_warning``)."""


@jsii.implements(ISynthesisSession)
class _ScratchSession:
    """Where the extra copy of the template goes."""

    def __init__(self, outdir: str) -> None:
        self._outdir = outdir
        self._assembly = cx_api.CloudAssemblyBuilder(outdir)

    # Properties, not attributes: jsii reads an interface's members through getters.
    @property
    def outdir(self) -> str:
        return self._outdir

    @property
    def assembly(self) -> cx_api.CloudAssemblyBuilder:
        return self._assembly

    @property
    def validate_on_synth(self) -> bool | None:
        return False


class _TemplateWriter(StackSynthesizer):
    """Bound to the stack only to write its template once more. A stack's own synthesizer
    cannot do it here: a reusable one (DefaultStackSynthesizer) is bound as a copy, which
    jsii hands back to Python as the unbound original."""

    def synthesize(self, session: ISynthesisSession) -> None:
        raise NotImplementedError("only writes a template")

    def add_file_asset(self, **asset: Any) -> FileAssetLocation:
        raise NotImplementedError("only writes a template")

    def add_docker_image_asset(self, **asset: Any) -> DockerImageAssetLocation:
        raise NotImplementedError("only writes a template")


def template_text(stack: Stack) -> str:
    """``stack``'s template as synthesis writes it now (JSON)."""
    writer = _TemplateWriter()
    writer.bind(stack)
    with tempfile.TemporaryDirectory(prefix="ses-production-access-size-") as scratch:
        # ISynthesisSession's members are read-only here (mypy wants them settable).
        writer._synthesize_template(cast(ISynthesisSession, _ScratchSession(scratch)))
        return (Path(scratch) / stack.template_file).read_text(encoding="utf-8")


# Set on a stack (``node.set_context``) whose template is never given to ``cdk deploy``: the
# plain template and the StackSet member, which go from S3 (docs/without-cdk.md).
DEPLOYED_FROM_S3 = "ses-production-access:deployedFromS3"
# What DefaultStackSynthesizer and CliCredentialsStackSynthesizer add to a stack when they
# check the bootstrap version (generate_bootstrap_version_rule, on by default).
BOOTSTRAP_VERSION_PARAMETER = "BootstrapVersion"


def may_send_template_body(stack: Stack) -> bool:
    """Whether ``cdk deploy`` might send the stack's template as ``TemplateBody``, from what
    the tree shows: a stack with a bootstrap version check is deployed from the bootstrap
    bucket. Reading ``stack.synthesizer`` itself is left to ``sends_template_body``: for a
    synthesizer made in Python, jsii prints a line of its own when it is read."""
    return (
        stack.node.try_get_context(DEPLOYED_FROM_S3) is None
        and stack.node.try_find_child(BOOTSTRAP_VERSION_PARAMETER) is None
    )


def sends_template_body(stack: Stack) -> bool:
    """Whether ``cdk deploy`` sends the stack's template as ``TemplateBody``: its
    synthesizer adds no template asset (the cloud assembly then has no
    ``stackTemplateAssetObjectUrl``)."""
    return isinstance(stack.synthesizer, BootstraplessSynthesizer | LegacyStackSynthesizer)


def code_bytes(features: frozenset[str]) -> int:
    """What the handler's inline code with ``features`` takes in the template (escaped)."""
    return len(json.dumps(inline_code(features), ensure_ascii=False).encode("utf-8"))


@jsii.implements(IValidation)
class TemplateSizeCheck:
    """Warns on ``scope`` when ``cdk deploy`` could send the stack's template only to a
    bootstrapped environment although its synthesizer uploads none."""

    def __init__(self, stack: Stack, scope: IConstruct, features: set[str]) -> None:
        self._stack = stack
        self._scope = scope
        self._features = features
        # Once: a second synthesis (assertions synthesize again) would measure it again.
        self._warned = False

    def validate(self) -> list[str]:
        if self._warned or not may_send_template_body(self._stack):
            return []
        try:
            template = json.loads(template_text(self._stack))
            characters = cli_characters(template)
            # CloudFormation counts the body it is sent in bytes (UTF-8): a template of
            # Japanese text can pass the CLI's count and still be refused.
            size = len(cli_yaml(template).encode("utf-8"))
        except Exception:  # synthesis itself reports whatever broke this, just after
            return []
        limit = CLI_TEMPLATE_BODY_MAX_CHARACTERS
        if max(characters, size) <= limit or not sends_template_body(self._stack):
            return []
        features = frozenset(self._features)
        watcher = code_bytes(features) - code_bytes(features - {wire.FEATURE_WATCH})
        message = (
            f"cdk deploy sends the template of stack {self._stack.node.path} as "
            f"{characters:,} characters of YAML ({size:,} bytes), over the {limit:,} it "
            "sends as a TemplateBody (CloudFormation takes as many bytes): its synthesizer "
            f"({type(self._stack.synthesizer).__name__}) uploads no template, so it cannot "
            "be deployed into an environment that was never bootstrapped ('cdk bootstrap' "
            "is required). Use the "
            "DefaultStackSynthesizer in a bootstrapped environment; or, where nothing can "
            "be bootstrapped, deploy the plain template from S3 (ses-production-access "
            f"template); or give watch=False (the watcher's code takes about {watcher:,} "
            "bytes; a held request then waits for the next deployment)."
        )
        self._warned = True
        Annotations.of(self._scope).add_warning_v2(TEMPLATE_OVER_LIMIT, message)
        return []
