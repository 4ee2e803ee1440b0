"""The handler goes inline into the template: the shipped index.py without docstrings,
comments and annotations, indented by one space, without the optional features the stack
does not use; the same program otherwise, valid for the Lambda runtime."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from types import ModuleType

import pytest
from support import HANDLER_PATH

from ses_production_access import wire
from ses_production_access.inline import minify
from ses_production_access.inline.code import inline_code
from ses_production_access.inline.minify import slim, tighten

ALL = frozenset(wire.FEATURES)
NONE: frozenset[str] = frozenset()


def _reference(source: str, features: frozenset[str]) -> str:
    """What the inline code must be, as a syntax-tree dump, written here independently of
    the library: regions of features not kept, string statements and annotations dropped
    (but a class body's annotated fields)."""
    tree = ast.parse(source)
    body: list[ast.stmt] = []
    current: object = ""
    marked = False
    for statement in tree.body:
        is_marker = (
            isinstance(statement, ast.Assign)
            and ast.unparse(statement.targets[0]) == "FEATURE"
            and isinstance(statement.value, ast.Constant)
        )
        if is_marker:
            assert isinstance(statement, ast.Assign)
            assert isinstance(statement.value, ast.Constant)
            if not marked:
                body.append(statement)
                marked = True
            current = statement.value.value
            continue
        if not current or current in features:
            body.append(statement)
    # Protocol classes and the __future__ import serve type checkers only.
    tree.body = [
        s
        for s in body
        if not (isinstance(s, ast.ImportFrom) and s.module == "__future__")
        and not (isinstance(s, ast.ClassDef) and "Protocol" in map(ast.unparse, s.bases))
    ]

    class Drop(ast.NodeTransformer):
        in_function = 0

        def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return None
            return node

        def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
            node.returns = None
            for argument in ast.walk(node.args):
                if isinstance(argument, ast.arg):
                    argument.annotation = None
            self.in_function += 1
            self.generic_visit(node)
            self.in_function -= 1
            return node

        def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
            if self.in_function and node.value is not None:
                return ast.Assign(targets=[node.target], value=node.value)
            if self.in_function:
                return ast.Pass()
            return node

    cleaned = Drop().visit(tree)
    cleaned.body = [
        ast.Assign(targets=[s.target], value=s.value)
        if isinstance(s, ast.AnnAssign) and s.value is not None
        else s
        for s in cleaned.body
    ]
    for node in ast.walk(cleaned):
        if getattr(node, "body", None) == []:
            node.body = [ast.Pass()]  # type: ignore[attr-defined]
    # An imported name nothing reads any more (annotations only, or a feature left out)
    # is not imported; a dotted module import stays.
    read = {n.id for n in ast.walk(cleaned) if isinstance(n, ast.Name)}
    imports: list[ast.stmt] = []
    for s in cleaned.body:
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            s.names = [a for a in s.names if "." in a.name or (a.asname or a.name) in read]
            if not s.names:
                continue
        imports.append(s)
    cleaned.body = imports
    return ast.dump(ast.parse(ast.unparse(ast.fix_missing_locations(cleaned))))


def _load(code: str, name: str) -> ModuleType:
    """`code` run as a module, registered as Lambda's import would (dataclasses look it up)."""
    module = ModuleType(name)
    sys.modules[name] = module
    exec(compile(code, "index.py", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("features", [NONE, frozenset({"notify"}), ALL])
def test_inline_code_is_the_shipped_handler_with_only_the_features_asked_for(
    features: frozenset[str],
) -> None:
    inline = ast.dump(ast.parse(inline_code(features)))
    # The notify and watch features call the events feature's code.
    needed = features | ({"events"} if features & {"notify", "watch"} else set())
    assert inline == _reference(HANDLER_PATH.read_text(), needed)


def test_inline_code_has_no_docstring_no_comment_and_no_annotation() -> None:
    code = inline_code(ALL)
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    assert [t.string for t in tokens if t.type == tokenize.COMMENT] == []
    tree = ast.parse(code)
    for node in ast.walk(tree):
        assert not (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if isinstance(node, ast.FunctionDef):
            assert node.returns is None
            assert all(a.annotation is None for a in ast.walk(node.args) if isinstance(a, ast.arg))


def test_inline_code_is_indented_by_one_space_a_level() -> None:
    code = inline_code(ALL)
    assert "\n def handler(" not in code
    assert "\ndef handler(event,context):\n for key,entry in ENTRY_POINTS.items():" in code


def test_inline_code_has_no_space_the_syntax_does_not_need() -> None:
    code = inline_code(ALL)
    assert "def run(event,context,client_factory=make_ses_client," in code
    assert "import boto3;" in code or "import boto3\n" in code
    assert " .client(" not in code  # a space before a dot only after a number


def test_a_block_of_one_simple_statement_shares_its_opening_line() -> None:
    slimmed = slim(
        "def f(a):\n    if a:\n        return 1\n    b = 2\n    c = 3\n    return b\n"
    )
    assert slimmed == "def f(a):\n if a:return 1\n b=2;c=3;return b\n"


def test_the_modules_own_names_keep_a_line_each() -> None:
    assert slim("a = 1\nb = 2\n") == "a=1\nb=2\n"


def test_words_and_numbers_keep_the_space_they_need() -> None:
    code = "x = 1 if y else 2\nz = (1).real + 1 .real\nw = not x in [1]\n"
    tight = tighten(code)
    assert tight == "x=1 if y else 2\nz=(1).real+1 .real\nw=not x in[1]\n"
    assert ast.dump(ast.parse(tight)) == ast.dump(ast.parse(code))


def test_code_the_tightening_would_change_is_left_as_unparse_wrote_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(minify, "tighten", lambda code: code.replace("b = 2", "b = 3"))
    assert slim("a = 1\nb = 2\n") == "a = 1\nb = 2\n"
    monkeypatch.setattr(minify, "tighten", lambda code: code + "def (\n")
    assert slim("a = 1\n") == "a = 1\n"


def test_an_import_nothing_reads_is_left_out() -> None:
    slimmed = slim(
        "import os\nfrom typing import Any, Protocol\nimport urllib.parse\n"
        "from dataclasses import dataclass\n@dataclass\nclass A:\n    x: Any = os.sep\n"
    )
    assert slimmed == (
        "import os\nfrom typing import Any\nimport urllib.parse\n"
        "from dataclasses import dataclass\n@dataclass\nclass A:\n x:Any=os.sep\n"
    )


def test_each_feature_costs_nothing_when_left_out() -> None:
    sizes = [len(inline_code(f)) for f in (NONE, frozenset({"notify"}), ALL)]
    assert sizes[0] < sizes[1] < sizes[2] < len(HANDLER_PATH.read_bytes())


@pytest.mark.parametrize(
    "features", [NONE, frozenset({"notify"}), frozenset({"validate"}), ALL]
)
def test_inline_code_compiles_without_warnings_and_defines_the_handler(
    features: frozenset[str],
) -> None:
    code = inline_code(features)
    with warnings.catch_warnings():
        # An invalid escape or similar is a SyntaxWarning on python3.14: an error here.
        warnings.simplefilter("error")
        compile(code, "index.py", "exec")
    module = _load(code, f"ses_production_access_inline_{'_'.join(sorted(features))}")
    assert callable(module.handler)
    assert ("watch" in features) is bool(module.ENTRY_POINTS)
    assert len(module.AFTER_ANSWER) == len(features & {"notify", "watch"})
    assert callable(module.check_readiness)  # core: every instance reads readiness


def test_the_core_defines_what_the_shipped_handler_defines_but_the_features(
    index: ModuleType,
) -> None:
    module = _load(inline_code(ALL), "ses_production_access_inline_all")
    # The __future__ import, a Protocol, and names only annotations read.
    typing_only = {"annotations", "SesClient", "Protocol", "Callable", "Sequence"}
    shipped = {name for name in vars(index) if not name.startswith("__")} - typing_only
    inline = {name for name in vars(module) if not name.startswith("__")}
    assert inline == shipped
    for name in shipped:
        value = getattr(index, name)
        if isinstance(value, (str, int, float, tuple, frozenset)):
            assert getattr(module, name) == value, name


def test_inline_code_is_plain_text_a_reviewer_can_read() -> None:
    code = inline_code(ALL)
    assert all(line.isprintable() for line in code.splitlines())
    assert "def handler(event" in code
    assert "import base64" not in code
    assert "import zlib" not in code


def test_inline_code_is_built_once_per_process_and_feature_set() -> None:
    assert inline_code(NONE) is inline_code(frozenset())


def test_fails_on_an_unknown_feature() -> None:
    with pytest.raises(ValueError, match=r"unknown handler features \['mail'\]"):
        inline_code(frozenset({"mail"}))


def test_a_dataclass_keeps_its_fields() -> None:
    slimmed = slim(
        "from dataclasses import dataclass\n@dataclass\nclass A:\n    '''Doc.'''\n"
        "    x: int = 1\n\n\ndef f(a: int) -> int:\n    '''Doc.'''\n    b: int = a\n    return b\n",
        features=(),
    )
    assert slimmed == (
        "from dataclasses import dataclass\n@dataclass\nclass A:\n x:int=1\n"
        "def f(a):b=a;return b\n"
    )
