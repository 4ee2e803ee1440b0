"""The handler's code as a template carries it (the function's ``ZipFile``): the shipped
``index.py`` with the features a stack uses, made smaller by ``inline.minify``."""

from __future__ import annotations

import functools
from pathlib import Path

from .. import wire
from .minify import slim


def handler_code_path() -> Path:
    """The folder holding ``index.py``: inside the installed wheel, or ``lambda/`` of a
    source checkout (the wheel copies ``lambda/`` to ``ses_production_access/_lambda``)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_lambda", package.parent / "lambda"):
        if (candidate / wire.HANDLER_FILE).is_file():
            return candidate
    raise FileNotFoundError(
        f"The SesProductionAccess handler ({wire.HANDLER_FILE}) is missing from {package}: "
        "reinstall the ses-production-access package."
    )



@functools.cache
def inline_code(features: frozenset[str] = frozenset(wire.FEATURES)) -> str:
    """The handler as a template carries it, with `features`; built once per process."""
    unknown = set(features) - set(wire.FEATURES)
    if unknown:
        raise ValueError(f"unknown handler features {sorted(unknown)}: known are {wire.FEATURES}")
    needed = features | {wire.NEEDS[f] for f in features if f in wire.NEEDS}
    return slim((handler_code_path() / wire.HANDLER_FILE).read_text(encoding="utf-8"), needed)
