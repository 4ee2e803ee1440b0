"""Every import of a package, those inside functions too, as a graph, and its cycles.

Stdlib only. An edge A -> B is any `import`/`from ... import` in A (at any depth, but not
under `if TYPE_CHECKING:`) that names module B of the package; `from . import x` is an edge
to the submodule x when x is a module, else to the package's __init__.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path


def modules(root: Path) -> dict[str, Path]:
    package = root.name
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    assert package in found, f"{root} has no __init__.py"
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """(node, inside_function) for every import not under `if TYPE_CHECKING:`."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                stack.extend((c, in_function) for c in child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_function
            nested = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            stack.append((child, nested))


def edges(found: dict[str, Path]) -> dict[str, dict[str, bool]]:
    """module -> {imported module: whether only inside a function}."""
    graph: dict[str, dict[str, bool]] = {name: {} for name in found}
    for name, path in found.items():
        is_package = path.name == "__init__.py"
        here = name if is_package else name.rpartition(".")[0]
        for node, in_function in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = here
                for _ in range(max(node.level - 1, 0)):
                    base = base.rpartition(".")[0]
                module = node.module or ""
                absolute = (f"{base}.{module}" if module else base) if node.level else module
                for alias in node.names:
                    sub = f"{absolute}.{alias.name}"
                    targets.append(sub if sub in found else absolute)
            for target in targets:
                # `import a.b.c` also imports a and a.b: the longest known prefix counts.
                while target and target not in found:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    before = graph[name].get(target, True)
                    graph[name][target] = before and in_function
    return graph


def cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan), plus self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def closure(graph: dict[str, dict[str, bool]], start: str, *, late: bool = True) -> set[str]:
    """The modules ``start`` imports, directly or not; with ``late=False``, only through
    imports at a module's top level (what importing ``start`` runs)."""
    seen = {start}
    todo = [start]
    while todo:
        for target, inside in graph[todo.pop()].items():
            if (late or not inside) and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def imports_of(path: Path) -> set[str]:
    """The top-level names of every package ``path`` imports, at any depth (relative
    imports left out)."""
    found: set[str] = set()
    for node, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found
