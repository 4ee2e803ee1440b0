"""Rules the library's source keeps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from support import ROOT

LIBRARY_FILES = sorted((ROOT / "ses_production_access").rglob("*.py"))


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_library_has_no_assert_statement(path: Path) -> None:
    # python -O strips asserts, and a bare AssertionError tells the user nothing: internal
    # expectations are handled, or raise an error that says what is wrong.
    tree = ast.parse(path.read_text())
    lines = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    assert lines == [], f"{path}: assert on lines {lines}"
