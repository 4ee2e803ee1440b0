"""The handler's code as a template carries it (the function's ``ZipFile``): the shipped
``index.py`` with the features a stack uses, made smaller by ``inline.minify``.

Making it takes about 0.1 s a feature set (parsing, rewriting and checking 90 kB of
Python), paid by the first synthesis of every process. So it is kept as Python keeps its
bytecode: a file in this package's ``__pycache__`` (or under ``sys.pycache_prefix``),
named by a digest of everything the output depends on (the handler, the minifier, the
feature set, the Python version), written only where this process may write, and read
back only if its own digest matches its text. (``PYTHONDONTWRITEBYTECODE`` is about
bytecode; an unwritable folder is what turns this off.)
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from .. import wire
from . import features as _features_module
from . import minify as _minify_module
from .minify import slim

# Bump to drop every cached file (a change in how the cache is written).
CACHE_FORMAT = "1"


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
    source = (handler_code_path() / wire.HANDLER_FILE).read_text(encoding="utf-8")
    cached = cache_file(source, needed)
    code = read_cached(cached)
    if code is None:
        code = slim(source, needed)
        write_cached(cached, code)
    return code


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_dir() -> Path:
    """Where Python would put this package's bytecode."""
    here = Path(__file__).resolve().parent
    prefix = getattr(sys, "pycache_prefix", None)
    if prefix:
        return Path(prefix) / here.relative_to(here.anchor)
    return here / "__pycache__"


def cache_file(source: str, features: frozenset[str]) -> Path:
    """The file that holds the code for `source` with `features`, made by this minifier
    on this Python."""
    minifier = "".join(
        Path(module.__file__ or "").read_text(encoding="utf-8")
        for module in (_minify_module, _features_module)
    )
    key = "\0".join(
        (CACHE_FORMAT, sys.version.split()[0], _digest(minifier), _digest(source),
         ",".join(sorted(features)))
    )  # fmt: skip
    return cache_dir() / f"inline-{_digest(key)[:40]}.py.txt"


def read_cached(path: Path) -> str | None:
    """The cached code, or None when absent, unreadable or not what was written."""
    try:
        digest, _, code = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return code if code and digest == _digest(code) else None


def write_cached(path: Path, code: str) -> None:
    """Keep `code` at `path` (its digest on the first line), atomically; nothing where
    it may not be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".inline-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(f"{_digest(code)}\n{code}")
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
