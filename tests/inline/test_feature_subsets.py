"""Every handler the library can emit resolves its names: for each subset of the optional
features (``wire.FEATURES``, with what each needs), the inline code compiles and every name
a function, class or the module reads is defined by the module, an enclosing function or
the builtins. A feature region that reaches into another feature, or core code that reaches
into a feature, would otherwise fail only when a stack without that feature runs the path."""

from __future__ import annotations

import builtins
import itertools
import symtable
import warnings

import pytest

from ses_production_access import wire
from ses_production_access.inline.code import inline_code

SUBSETS = sorted(
    {
        frozenset(chosen) | {wire.NEEDS[f] for f in chosen if f in wire.NEEDS}
        for size in range(len(wire.FEATURES) + 1)
        for chosen in itertools.combinations(wire.FEATURES, size)
    },
    key=lambda s: (len(s), sorted(s)),
)


def unresolved_names(code: str) -> set[str]:
    """The names read somewhere in `code` that nothing defines: looked up as globals (in a
    function or class body, or at module level) but neither bound at module level nor
    builtins."""
    top = symtable.symtable(code, "index.py", "exec")
    defined = {
        s.get_name()
        for s in top.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    } | set(dir(builtins))
    missing: set[str] = set()
    tables = [top]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            if not symbol.is_referenced():
                continue
            looked_up_globally = symbol.is_global() or (
                table.get_type() in ("module", "class")
                and not (symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace())
                and not symbol.is_free()
            )
            if looked_up_globally and symbol.get_name() not in defined:
                missing.add(symbol.get_name())
    return missing


def test_every_feature_subset_is_a_distinct_handler() -> None:
    # NEEDS folds some subsets together; what is left is every handler a stack can get.
    assert frozenset() in SUBSETS
    assert frozenset(wire.FEATURES) in SUBSETS
    assert len({inline_code(s) for s in SUBSETS}) == len(SUBSETS)


@pytest.mark.parametrize("features", SUBSETS, ids=lambda s: "+".join(sorted(s)) or "core")
def test_the_inline_code_of_each_feature_subset_compiles_and_resolves_its_names(
    features: frozenset[str],
) -> None:
    code = inline_code(features)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(code, "index.py", "exec")
    assert unresolved_names(code) == set()


def test_fails_on_a_name_only_a_left_out_feature_defines() -> None:
    # The control: a function of the core that calls what only a feature defines.
    code = "FEATURE=''\ndef core():\n return feature_only()\nclass A:\n x=also_missing\n"
    assert unresolved_names(code) == {"feature_only", "also_missing"}


def test_a_name_an_enclosing_function_or_the_builtins_define_resolves() -> None:
    code = "import os\ndef outer():\n y=1\n def inner():\n  return y,len(os.sep)\n return inner\n"
    assert unresolved_names(code) == set()
