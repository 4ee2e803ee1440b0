"""The handler's optional features: a region of ``lambda/index.py`` between
``FEATURE = "name"`` and ``FEATURE = ""`` is left out of a template whose stack does not use
it (the names are in ``wire``)."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from .. import wire

# In index.py, `FEATURE = "name"` opens the region of an optional feature and
# `FEATURE = ""` closes it; the core reaches a feature only through registries.
FEATURE_MARKER = "FEATURE"


def _marker(statement: ast.stmt) -> str | None:
    """The feature a `FEATURE = "..."` statement opens ("" closes), else None."""
    if (
        isinstance(statement, ast.Assign)
        and [getattr(t, "id", None) for t in statement.targets] == [FEATURE_MARKER]
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    ):
        return statement.value.value
    return None


def without_features(tree: ast.Module, keep: Iterable[str]) -> ast.Module:
    """The module without the regions of the features not in `keep` (markers dropped,
    but for the first, which defines the name)."""
    kept_features = set(keep)
    body: list[ast.stmt] = []
    current = ""
    for statement in tree.body:
        feature = _marker(statement)
        if feature is not None:
            if feature and feature not in wire.FEATURES:
                raise ValueError(f"{wire.HANDLER_FILE} marks an unknown feature {feature!r}")
            if not body or all(_marker(s) is None for s in body):
                body.append(statement)  # FEATURE = "" once, as the module defines it
            current = feature
            continue
        if not current or current in kept_features:
            body.append(statement)
    tree.body = body
    return tree
