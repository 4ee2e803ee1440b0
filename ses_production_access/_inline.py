"""The handler's code as it goes inline into the template (the function's ``ZipFile``).

The shipped ``index.py`` is read at synth time, its docstrings and comments are dropped
with the standard library's ``ast`` (the template must stay within CloudFormation's
51,200-byte ``TemplateBody`` limit), and the result is plain Python a reviewer can read
in the console: no compression, no encoding.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

# CloudFormation writes ZipFile code to index.py: the handler string must be index.*.
HANDLER_MODULE = "index"
HANDLER_FILE = f"{HANDLER_MODULE}.py"


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


def strip_docstrings(source: str) -> str:
    """`source` without comments (``ast`` keeps none) and without string statements
    (docstrings): the same syntax tree otherwise, written back by ``ast.unparse``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            statements = getattr(node, name, None)
            if not isinstance(statements, list):
                continue
            kept = [s for s in statements if not _is_string_statement(s)]
            if name == "body" and not kept:
                kept = [ast.Pass()]  # a body that was only its docstring still needs one
            setattr(node, name, kept)
    return ast.unparse(tree) + "\n"


def _is_string_statement(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


@functools.cache
def inline_code() -> str:
    """The handler as the template carries it; read and stripped once per process."""
    return strip_docstrings((handler_code_path() / HANDLER_FILE).read_text(encoding="utf-8"))
