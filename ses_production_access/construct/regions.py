"""One instance per Region and stack: each Region of an account has one sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol

from aws_cdk import Stack

from ..props.tokens import is_unresolved
from .arns import stack_region

# Id of the warning for two Regions that synthesis cannot tell apart: users acknowledge
# it with Annotations.of(instance).acknowledge_warning(REGION_MAY_REPEAT, reason).
REGION_MAY_REPEAT = "ses-production-access:regionMayRepeat"
_STACK_REGION = {"Ref": "AWS::Region"}


def _resolved(stack: Stack, region: str) -> object:
    """``stack.resolve(region)``; a plain name is its own answer (no jsii round trip)."""
    return stack.resolve(region) if is_unresolved(region) else region


def _known(stack: Stack, resolved: object) -> object:
    """The Region as synthesis knows it (``resolved`` by `_resolved`): a name, or what the
    template will hold.

    ``Aws.REGION`` in a stack with a literal Region is that Region, since the pseudo
    parameter resolves to the deploying stack's Region."""
    if resolved == _STACK_REGION and not is_unresolved(stack_region(stack)):
        return stack_region(stack)
    return resolved


def _described(known: object) -> str:
    if isinstance(known, str):
        return known
    if known == _STACK_REGION:
        return "the stack's Region (the stack is environment-agnostic)"
    return f"a Region known only at deploy time ({json.dumps(known)})"


class Placed(Protocol):
    """An instance already in the stack: its Region, and its construct path (read only
    for a message)."""

    @property
    def region(self) -> str: ...

    @property
    def path(self) -> str: ...


def check_unique(stack: Stack, region: str, others: Iterable[Placed]) -> list[str]:
    """Raise ValueError when another instance of the stack surely manages ``region``;
    return a warning for each one that synthesis cannot tell apart from it."""
    others = list(others)
    if not others:  # the stack's first instance: nothing to resolve
        return []
    resolved = _resolved(stack, region)
    mine = _known(stack, resolved)
    # Aws.REGION given for a stack whose Region is a name: say why they are the same.
    alias = "" if isinstance(resolved, str) else f" (Aws.REGION is {mine})"
    warnings: list[str] = []
    for other in others:
        theirs = _known(stack, _resolved(stack, other.region))
        if theirs == mine:
            shown = mine if isinstance(mine, str) else _described(mine)
            raise ValueError(
                f"region: {other.path} already requests production access for {shown} in this "
                f"stack{alias if isinstance(mine, str) else ''}; each Region has one "
                "sandbox, so give this SesProductionAccess another region or remove one of "
                "the two."
            )
        if isinstance(mine, str) and isinstance(theirs, str):
            continue
        warnings.append(
            f"region: cannot tell at synth time whether {_described(mine)} and the Region of "
            f"{other.path}, {_described(theirs)}, differ; if they are the same, both request "
            "production access for one sandbox. Give the stack an env with a Region, or both "
            "instances a Region name; acknowledge this warning if they always differ."
        )
    return warnings
