"""A warning at synth when the stack's template outgrows CloudFormation's ``TemplateBody``.

Up to 51,200 bytes a template can be passed directly: ``cdk deploy`` then needs no
bootstrap bucket, and the template fits a StackSet's ``TemplateBody``. The watcher's code
(``watch=True``) pushes the stack past that, so the stack says so when synthesized.

The size is the template file's as synthesis writes it: after every aspect, when the node
validations run, the stack's synthesizer writes the template once more, into a scratch
folder, and the file is measured there (its public protected method ``synthesizeTemplate``,
which has no effect beyond that file).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, cast

import jsii
from aws_cdk import (
    Annotations,
    DockerImageAssetLocation,
    FileAssetLocation,
    ISynthesisSession,
    Stack,
    StackSynthesizer,
    cx_api,
)
from constructs import IConstruct, IValidation

from .. import defaults, wire
from ..inline.code import inline_code

TEMPLATE_OVER_LIMIT = "ses-production-access:templateOverTemplateBodyLimit"


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


def template_bytes(stack: Stack) -> tuple[int, int]:
    """The size of ``stack``'s template file as synthesis writes it now, but for the
    bootstrap version parameter and rule that ``DefaultStackSynthesizer`` adds when it
    writes the template (a template for accounts without the CDK bootstrap has none); and
    its size without indentation (``suppress_template_indentation``)."""
    writer = _TemplateWriter()
    writer.bind(stack)
    with tempfile.TemporaryDirectory(prefix="ses-production-access-size-") as scratch:
        # ISynthesisSession's members are read-only here (mypy wants them settable).
        writer._synthesize_template(cast(ISynthesisSession, _ScratchSession(scratch)))
        text = (Path(scratch) / stack.template_file).read_bytes()
    compact = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    return len(text), len(compact.encode("utf-8"))


def code_bytes(features: frozenset[str]) -> int:
    """What the handler's inline code with ``features`` takes in the template (escaped)."""
    return len(json.dumps(inline_code(features), ensure_ascii=False).encode("utf-8"))


@jsii.implements(IValidation)
class TemplateSizeCheck:
    """Warns on ``scope`` when the stack's template is over the TemplateBody limit."""

    def __init__(self, stack: Stack, scope: IConstruct, features: set[str]) -> None:
        self._stack = stack
        self._scope = scope
        self._features = features
        # Once: a second synthesis (assertions synthesize again) would measure the
        # bootstrap rule that the first one added to the stack.
        self._warned = False

    def validate(self) -> list[str]:
        if self._warned:
            return []
        try:
            size, compact = template_bytes(self._stack)
        except Exception:  # synthesis itself reports whatever broke this, just after
            return []
        limit = defaults.TEMPLATE_BODY_MAX_BYTES
        if size <= limit:
            return []
        features = frozenset(self._features)
        watcher = code_bytes(features) - code_bytes(features - {wire.FEATURE_WATCH})
        flat = (
            f"Give the stack suppress_template_indentation=True ({compact:,} bytes then), "
            if compact < size
            else ""
        )
        message = (
            f"The template of stack {self._stack.node.path} has {size:,} bytes (not counting "
            "a CDK bootstrap version check, which only bootstrapped accounts pass), over "
            f"CloudFormation's {limit:,}-byte limit for a template passed directly "
            f"(TemplateBody); the watcher's code (watch=True) takes {watcher:,} of them. "
            "cdk deploy uploads such a template to the CDK bootstrap bucket, so the "
            "account and Region must be bootstrapped; an account that was never "
            "bootstrapped, 'aws cloudformation deploy' without --s3-bucket, or a StackSet's "
            f"TemplateBody cannot take it. {flat}{'set' if flat else 'Set'} watch=False "
            "there, or acknowledge this warning where the template is deployed from S3."
        )
        self._warned = True
        Annotations.of(self._scope).add_warning_v2(TEMPLATE_OVER_LIMIT, message)
        return []
