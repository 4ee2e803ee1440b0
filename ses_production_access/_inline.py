"""The handler's code as it goes inline into the template (the function's ``ZipFile``).

The shipped ``index.py`` is read at synth time and written back by the standard
library's ``ast``, smaller but the same program: without docstrings and comments, without
type annotations (nothing reads them at run time), indented by one space a level, and
without the optional features the stack does not use (CloudFormation's 51,200-byte
``TemplateBody`` limit). The result is plain Python a reviewer can read in the console:
no compression, no encoding.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable
from pathlib import Path

# CloudFormation writes ZipFile code to index.py: the handler string must be index.*.
HANDLER_MODULE = "index"
HANDLER_FILE = f"{HANDLER_MODULE}.py"
# In index.py, `FEATURE = "name"` opens the region of an optional feature and
# `FEATURE = ""` closes it; the core reaches a feature only through registries.
FEATURE_MARKER = "FEATURE"
NOTIFY = "notify"  # the status event on a bus
WATCH = "watch"  # the scheduled watcher (needs NOTIFY)
READINESS = "readiness"  # the readiness checks before a request, and report-only mode
FEATURES = (NOTIFY, WATCH, READINESS)


def handler_code_path() -> Path:
    """The folder holding ``index.py``: inside the installed wheel, or ``lambda/`` of a
    source checkout (the wheel copies ``lambda/`` to ``ses_production_access/_lambda``)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_lambda", here.parent / "lambda"):
        if (candidate / HANDLER_FILE).is_file():
            return candidate
    raise FileNotFoundError(
        f"The SesProductionAccess handler ({HANDLER_FILE}) is missing from {here}: "
        "reinstall the ses-production-access package."
    )


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
            if feature and feature not in FEATURES:
                raise ValueError(f"{HANDLER_FILE} marks an unknown feature {feature!r}")
            if not body or all(_marker(s) is None for s in body):
                body.append(statement)  # FEATURE = "" once, as the module defines it
            current = feature
            continue
        if not current or current in kept_features:
            body.append(statement)
    tree.body = body
    return tree


class _Slimmer(ast.NodeTransformer):
    """Drops docstrings (string statements) and annotations. A class body keeps its
    annotated fields (dataclasses read them) but not its docstring."""

    def _body(self, statements: list[ast.stmt]) -> list[ast.stmt]:
        kept = [
            s
            for s in statements
            if not (
                isinstance(s, ast.Expr)
                and isinstance(s.value, ast.Constant)
                and isinstance(s.value.value, str)
            )
        ]
        return kept or [ast.Pass()]

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if isinstance(statements, list) and statements:
                setattr(node, name, self._body(statements))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        arguments = node.args
        for argument in ast.walk(arguments):
            if isinstance(argument, ast.arg):
                argument.annotation = None
        self.generic_visit(node)
        for statement in ast.walk(node):
            for name in ("body", "orelse", "finalbody"):
                statements = getattr(statement, name, None)
                if isinstance(statements, list):
                    setattr(statement, name, [_unannotated(s) for s in statements])
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]


def _unannotated(statement: ast.stmt) -> ast.stmt:
    """`x: T = v` as `x = v`; a bare `x: T` (no value) as nothing but a pass."""
    if isinstance(statement, ast.AnnAssign) and statement.simple:
        if statement.value is None:
            return ast.Pass()
        plain = ast.Assign(targets=[statement.target], value=statement.value)
        return ast.copy_location(plain, statement)
    return statement


def _typing_only(statement: ast.stmt) -> bool:
    """A Protocol class or the __future__ import: read by type checkers only, and with the
    annotations gone nothing refers to them."""
    if isinstance(statement, ast.ImportFrom):
        return statement.module == "__future__"
    return isinstance(statement, ast.ClassDef) and any(
        getattr(base, "id", None) == "Protocol" for base in statement.bases
    )


def slim(source: str, features: Iterable[str] = FEATURES) -> str:
    """`source` as the template carries it (see the module's docstring)."""
    tree = _Slimmer().visit(without_features(ast.parse(source), features))
    tree.body = [_unannotated(s) for s in tree.body if not _typing_only(s)]
    code = ast.unparse(ast.fix_missing_locations(tree))
    # ast.unparse writes every statement on one line and no string over several, so
    # leading spaces are indentation only: four a level, written here as one.
    return re.sub(r"(?m)^(?:    )+", lambda m: " " * (len(m.group()) // 4), code) + "\n"


@functools.cache
def inline_code(features: frozenset[str] = frozenset(FEATURES)) -> str:
    """The handler as a template carries it, with `features`; built once per process."""
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"unknown handler features {sorted(unknown)}: known are {FEATURES}")
    return slim((handler_code_path() / HANDLER_FILE).read_text(encoding="utf-8"), features)
