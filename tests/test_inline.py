"""The handler goes inline into the template: the shipped index.py without docstrings and
comments, the same program otherwise, valid for the Lambda runtime."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from types import ModuleType

from support import HANDLER_PATH

from ses_production_access import _inline


def _without_docstrings(tree: ast.Module) -> str:
    """The tree's dump with every statement that is only a string left out (written
    here independently of the library's stripping)."""

    class Drop(ast.NodeTransformer):
        def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return None
            return node

    cleaned = Drop().visit(tree)
    for node in ast.walk(cleaned):
        if getattr(node, "body", None) == []:
            node.body = [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(cleaned)


def _load(code: str, name: str) -> ModuleType:
    """`code` run as a module, registered as Lambda's import would (dataclasses look it up)."""
    module = ModuleType(name)
    sys.modules[name] = module
    exec(compile(code, "index.py", "exec"), module.__dict__)
    return module


def test_inline_code_is_the_shipped_handler_with_the_same_syntax_tree() -> None:
    shipped = ast.parse(HANDLER_PATH.read_text())
    inline = ast.parse(_inline.inline_code())
    assert _without_docstrings(inline) == _without_docstrings(shipped)


def test_inline_code_has_no_docstring_and_no_comment() -> None:
    code = _inline.inline_code()
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    assert [t.string for t in tokens if t.type == tokenize.COMMENT] == []
    strings_as_statements = [
        node
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    assert strings_as_statements == []


def test_inline_code_is_smaller_than_the_shipped_handler() -> None:
    assert len(_inline.inline_code().encode()) < len(HANDLER_PATH.read_bytes())


def test_handler_never_reads_its_docstrings() -> None:
    # Dropping them changes nothing the code can observe.
    assert "__doc__" not in HANDLER_PATH.read_text()


def test_inline_code_compiles_without_warnings_and_defines_the_handler() -> None:
    code = _inline.inline_code()
    with warnings.catch_warnings():
        # An invalid escape or similar is a SyntaxWarning on python3.14: an error here.
        warnings.simplefilter("error")
        compile(code, "index.py", "exec")
    assert callable(_load(code, "ses_production_access_inline_handler").handler)


def test_inline_code_defines_what_the_shipped_handler_defines(index: ModuleType) -> None:
    module = _load(_inline.inline_code(), "ses_production_access_inline_handler")
    shipped = {name for name in vars(index) if not name.startswith("__")}
    inline = {name for name in vars(module) if not name.startswith("__")}
    assert inline == shipped
    for name in shipped:
        value = getattr(index, name)
        if isinstance(value, (str, int, float, tuple, frozenset)):
            assert getattr(module, name) == value, name


def test_inline_code_is_plain_text_a_reviewer_can_read() -> None:
    code = _inline.inline_code()
    assert all(line.isprintable() for line in code.splitlines())
    assert "def handler(event" in code
    assert "import base64" not in code
    assert "import zlib" not in code


def test_inline_code_is_read_once_per_process() -> None:
    assert _inline.inline_code() is _inline.inline_code()


def test_strip_keeps_a_body_that_was_only_a_docstring() -> None:
    stripped = _inline.strip_docstrings('class A:\n    """Doc."""\n\n\ndef f():\n    """Doc."""\n')
    assert stripped == "class A:\n    pass\n\ndef f():\n    pass\n"
