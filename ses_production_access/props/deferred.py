"""Props that were tokens at construction, checked again when the app is synthesized.

A ``Lazy`` resolves to a plain value only at synthesis; aws-cdk-lib runs node validations
then (``node.add_validation``), and their messages fail ``cdk synth``. Values that still
hold a CloudFormation expression (a parameter, an attribute) are left to the handler.
"""

from __future__ import annotations

from collections.abc import Sequence

import jsii
from aws_cdk import Stack
from constructs import IConstruct, IValidation

from .checks import Check


def _plain(value: object) -> bool:
    """True for a str, or a list of str: nothing left for CloudFormation to resolve."""
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@jsii.implements(IValidation)
class ResolvedValueChecks:
    """Runs each check on its value as resolved at synthesis."""

    def __init__(self, scope: IConstruct, checks: Sequence[tuple[object, Check]]) -> None:
        self._scope = scope
        self._checks = list(checks)

    def validate(self) -> list[str]:
        stack = Stack.of(self._scope)
        errors: list[str] = []
        for value, check in self._checks:
            resolved = stack.resolve(value)
            if not _plain(resolved):
                continue
            try:
                check(resolved)
            except ValueError as error:
                errors.append(str(error))
        return errors
