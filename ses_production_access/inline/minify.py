"""The handler's code as it goes inline into the template (the function's ``ZipFile``).

The shipped ``index.py`` is read at synth time and written back by the standard
library's ``ast`` and ``tokenize``, smaller but the same program (CloudFormation's
51,200-byte ``TemplateBody`` limit): without docstrings and comments, without type
annotations (nothing reads them at run time) and the imports only they used, indented by
one space a level, with no space the syntax does not need, a block of one simple
statement on its opening line and a body's simple statements in a row on one line, and
without the optional features the stack does not use. Every name, string and call stays
as shipped: plain Python a reviewer can read in the console, no compression, no encoding.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable

from .. import wire
from .features import without_features


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


def _used_imports(body: list[ast.stmt]) -> list[ast.stmt]:
    """`body` without the names it imports but never uses (those that only annotations
    used, or only a feature left out). A dotted `import a.b` stays: `a.b.c` needs it."""
    used = {n.id for s in body for n in ast.walk(s) if isinstance(n, ast.Name)}
    kept: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            statement.names = [
                a for a in statement.names if "." in a.name or (a.asname or a.name) in used
            ]
            if not statement.names:
                continue
        kept.append(statement)
    return kept


def slim(source: str, features: Iterable[str] = wire.FEATURES) -> str:
    """`source` as the template carries it (see the module's docstring)."""
    tree = _Slimmer().visit(without_features(ast.parse(source), features))
    tree.body = _used_imports([_unannotated(s) for s in tree.body if not _typing_only(s)])
    code = ast.unparse(ast.fix_missing_locations(tree))
    # ast.unparse writes every statement on one line and no string over several, so
    # leading spaces are indentation only: four a level, written here as one.
    code = re.sub(r"(?m)^(?:    )+", lambda m: " " * (len(m.group()) // 4), code) + "\n"
    # The same program or nothing: a tokenizer that splits differently (a Python to
    # come) leaves the code as ast.unparse wrote it.
    try:
        tight = tighten(code)
        same = ast.dump(ast.parse(tight)) == ast.dump(ast.parse(code))
    except (SyntaxError, tokenize.TokenError):
        same = False
    return tight if same else code


# A line that opens a block (or decorates one): never joined to the line before it.
_COMPOUND = re.compile(
    r" *(?:(?:if|elif|else|for|while|try|except|finally|with|def|class|async|match|case)\b|@)"
)
_FSTRING_START = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END = getattr(tokenize, "FSTRING_END", None)


def _tight_line(tokens: list[tokenize.TokenInfo]) -> str:
    """One logical line's tokens with a space only where two words would merge; an
    f-string (several tokens from Python 3.12) is copied as written."""
    parts: list[str] = []
    depth = 0
    number = False  # whether the last token written is a number
    for token in tokens:
        if token.type == _FSTRING_START:
            depth += 1
        if depth:
            if token.type == _FSTRING_START and depth == 1:
                start = token.start
            if token.type == _FSTRING_END and depth == 1:
                # ast.unparse never writes a string over two lines: one line holds it.
                _append(parts, token.line[start[1] : token.end[1]], number)
                number = False
            if token.type == _FSTRING_END:
                depth -= 1
            continue
        _append(parts, token.string, number)
        number = token.type == tokenize.NUMBER
    return "".join(parts)


def _bare_targets(tokens: list[tokenize.TokenInfo]) -> list[tokenize.TokenInfo]:
    """``for (a,b) in`` and ``(a,b)=`` as ``for a,b in`` and ``a,b=``: Python 3.10's
    ast.unparse writes a tuple target in parentheses, later Pythons without, so the code is
    the same bytes on each."""
    dropped: set[int] = set()
    for at, token in enumerate(tokens):
        if token.string != "(" or not (at == 0 or tokens[at - 1].string == "for"):
            continue
        depth = 0
        for end in range(at, len(tokens)):
            depth += {"(": 1, ")": -1}.get(tokens[end].string, 0)
            if depth == 0:
                follows = tokens[end + 1].string if end + 1 < len(tokens) else ""
                if follows == ("=" if at == 0 else "in"):
                    dropped |= {at, end}
                break
    return [token for at, token in enumerate(tokens) if at not in dropped]


def _append(parts: list[str], text: str, after_number: bool) -> None:
    if parts:
        before, after = parts[-1][-1], text[0]
        # `return x`, `1 if`, `1 .real`: two words (or a number and a dot) keep a space.
        word = (before.isalnum() or before == "_") and (after.isalnum() or after == "_")
        if word or (after_number and after == "."):
            parts.append(" ")
    parts.append(text)


def _simple(text: str) -> bool:
    """A line that is one or more simple statements (no block opens or ends in it)."""
    return not _COMPOUND.match(text) and not text.endswith(":")


def tighten(code: str) -> str:
    """`code` with no space the syntax does not need, and a block of one simple statement
    on its opening line (`if x:return y`): the same program, about 6% smaller."""
    lines: list[tuple[int, str]] = []
    tokens: list[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            if tokens:
                indent = len(tokens[0].line) - len(tokens[0].line.lstrip(" "))
                lines.append((indent, _tight_line(_bare_targets(tokens))))
            tokens = []
        elif token.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
            tokens.append(token)
    # Simple statements in a row at one level share a line (`a=1;b=2`).
    merged: list[tuple[int, str]] = []
    for indent, text in lines:
        if (
            merged
            and merged[-1][0] == indent > 0  # in a body: the module's names stay a line each
            and _simple(merged[-1][1])
            and _simple(text)
        ):
            merged[-1] = (indent, f"{merged[-1][1]};{text}")
        else:
            merged.append((indent, text))
    lines = merged
    joined: list[str] = []
    at = 0
    while at < len(lines):
        indent, text = lines[at]
        body = lines[at + 1] if at + 1 < len(lines) else None
        after = lines[at + 2][0] if at + 2 < len(lines) else -1
        if (
            text.endswith(":")
            and not text.startswith(("class ", "@"))
            and body is not None
            and body[0] > indent
            and _simple(body[1])
            and after <= indent
        ):
            joined.append(" " * indent + text + body[1])
            at += 2
            continue
        joined.append(" " * indent + text)
        at += 1
    return "\n".join(joined) + "\n"
