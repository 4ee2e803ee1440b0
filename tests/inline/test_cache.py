"""The inline code is kept between processes as Python keeps bytecode (issue 23: the first
synthesis of a process no longer pays for making it): the same text as the minifier writes,
under a name that changes with anything the text depends on, and never trusted blindly."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ses_production_access.inline import code as inline
from ses_production_access.inline.minify import slim

FEATURES = frozenset({"events", "watch"})


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of the test's own, and no code made earlier in the process."""
    folder = tmp_path / "__pycache__"
    monkeypatch.setattr(inline, "cache_dir", lambda: folder)
    inline.inline_code.cache_clear()
    yield folder
    inline.inline_code.cache_clear()


def source() -> str:
    return (inline.handler_code_path() / "index.py").read_text(encoding="utf-8")


def test_the_first_use_writes_what_the_minifier_makes_and_the_next_process_reads_it(
    cache: Path,
) -> None:
    made = inline.inline_code(FEATURES)
    assert made == slim(source(), FEATURES)
    (written,) = cache.iterdir()
    inline.inline_code.cache_clear()  # as a new process would start
    assert inline.read_cached(written) == made
    assert inline.inline_code(FEATURES) == made


def test_each_feature_set_has_its_own_file(cache: Path) -> None:
    inline.inline_code(FEATURES)
    inline.inline_code(frozenset())
    assert len(list(cache.iterdir())) == 2


def test_a_changed_handler_is_kept_under_another_name() -> None:
    edited = source() + "\n# an edit\n"
    assert inline.cache_file(edited, FEATURES) != inline.cache_file(source(), FEATURES)
    assert inline.cache_file(source(), FEATURES) != inline.cache_file(source(), frozenset())


def test_a_cache_file_that_is_not_what_was_written_is_made_again(cache: Path) -> None:
    made = inline.inline_code(FEATURES)
    (written,) = cache.iterdir()
    digest, _, text = written.read_text(encoding="utf-8").partition("\n")
    written.write_text(f"{digest}\n{text.replace('SANDBOX', 'SANDB0X')}", encoding="utf-8")
    inline.inline_code.cache_clear()
    assert inline.read_cached(written) is None
    assert inline.inline_code(FEATURES) == made
    assert inline.read_cached(written) == made  # written again, whole


def test_a_truncated_or_empty_cache_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "inline.py.txt"
    inline.write_cached(path, "x = 1\n")
    whole = path.read_text(encoding="utf-8")
    path.write_text(whole[:-3], encoding="utf-8")
    assert inline.read_cached(path) is None
    path.write_text("", encoding="utf-8")
    assert inline.read_cached(path) is None
    assert inline.read_cached(tmp_path / "absent.py.txt") is None


def test_a_folder_it_may_not_write_costs_only_the_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(inline, "cache_dir", lambda: blocked / "__pycache__")
    inline.inline_code.cache_clear()
    try:
        assert inline.inline_code(FEATURES) == slim(source(), FEATURES)
    finally:
        inline.inline_code.cache_clear()
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_goes_where_python_puts_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    package = Path(inline.__file__).resolve().parent
    monkeypatch.setattr(sys, "pycache_prefix", None)
    assert inline.cache_dir() == package / "__pycache__"
    monkeypatch.setattr(sys, "pycache_prefix", "/tmp/prefix")
    assert inline.cache_dir() == Path("/tmp/prefix") / package.relative_to(package.anchor)
