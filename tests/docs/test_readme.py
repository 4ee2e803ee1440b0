"""The README, the pages of docs/ and CONTRIBUTING.md cannot drift from the code: their
examples run, their tables match the construct, the handler and the commands, their links
resolve, and the benchmark figures are the benchmark's own report."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from support import ROOT

from ses_production_access import SesProductionAccess, SesProductionAccessStackSet
from ses_production_access.cli.common import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_PENDING,
    EXIT_PRODUCTION,
    EXIT_SANDBOX,
)
from ses_production_access.construct.access import OUTPUT_DESCRIPTIONS

README_MAX_LINES = 400  # issue 21: the README is the way in; the reference is in docs/
DOCS = ROOT / "docs"
PAGES = {path.name: path.read_text() for path in sorted(DOCS.glob("*.md"))}
README = (ROOT / "README.md").read_text()
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text()
PYTHON_BLOCK = r"```python\n(.*?)```"
PYTHON_BLOCKS = re.findall(PYTHON_BLOCK, README, re.DOTALL)
EXAMPLES = {
    f"{name}-{number}": block
    for name, text in {"README.md": README, **PAGES}.items()
    for number, block in enumerate(re.findall(PYTHON_BLOCK, text, re.DOTALL))
}
BENCHMARK_BLOCK = re.compile(r"<!-- benchmark:begin -->\n(.*?)<!-- benchmark:end -->", re.DOTALL)


def section(heading: str, text: str = README) -> str:
    """The text under a '## heading', up to the next one."""
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def table_rows(heading: str, text: str = README) -> list[list[str]]:
    """The rows of the first table under a '## heading', as lists of cell texts."""
    lines = [line for line in section(heading, text).splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def prose(markdown: str) -> str:
    """`markdown` without its fenced blocks, whose lines are code, not headings or links."""
    return re.sub(r"(?ms)^```.*?^```", "", markdown)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    found: set[str] = set()
    for heading in re.findall(r"(?m)^#{1,6} (.+)$", prose(markdown)):
        name, n = anchor(heading), 1
        while name in found:  # GitHub numbers a repeated heading: name, name-1, name-2
            name, n = f"{anchor(heading)}-{n}", n + 1
        found.add(name)
    return found


def test_readme_usage_is_the_example_app() -> None:
    assert PYTHON_BLOCKS[0] == (ROOT / "app.py").read_text()


def test_the_docs_have_the_examples_they_are_known_to_have() -> None:
    # The control of the test below: a block the pattern missed would go unsynthesized.
    for name, text in {"README.md": README, **PAGES}.items():
        assert text.count("```python\n") == len([e for e in EXAMPLES if e.startswith(f"{name}-")])
    assert len(PYTHON_BLOCKS) == 3
    assert {"organization.md-0", "organization.md-1", "watching.md-0"} <= set(EXAMPLES)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_docs_example_synthesizes(example: str, tmp_path: Path) -> None:
    # A process of its own: CDK_OUTDIR is read by the jsii process when the app starts.
    script = tmp_path / "example.py"
    script.write_text(EXAMPLES[example])
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path / "cdk.out")}
    run = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert list((tmp_path / "cdk.out").glob("*.template.json"))


def test_organisation_example_is_examples_organization_py() -> None:
    # The page's first block; like every block it is also synthesized above.
    block = re.search(PYTHON_BLOCK, section("Example", PAGES["organization.md"]), re.DOTALL)
    assert block
    assert block.group(1) == (ROOT / "examples" / "organization.py").read_text()


def test_organisation_props_table_lists_every_prop() -> None:
    documented = [
        name.strip().strip("`")
        for row in table_rows("Props", PAGES["organization.md"])
        for name in row[0].split(",")
    ]
    parameters = inspect.signature(SesProductionAccessStackSet.__init__).parameters.values()
    props = [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert documented == props


def test_readme_attribute_table_matches_the_construct() -> None:
    rows = table_rows("Attributes and outputs")
    documented = {row[0].strip("`"): row[1].strip("`") for row in rows}
    attributes = {}
    for name, member in inspect.getmembers(SesProductionAccess):
        if isinstance(member, property) and "@attribute" in (member.__doc__ or ""):
            assert member.fget is not None
            key = re.search(r'get_att_string\("(\w+)"\)', inspect.getsource(member.fget))
            assert key, name
            attributes[name] = key.group(1)
    assert documented == attributes
    assert set(documented.values()) == set(OUTPUT_DESCRIPTIONS)


def test_readme_props_table_lists_every_prop() -> None:
    documented = [row[0].strip("`") for row in table_rows("Props")]
    parameters = inspect.signature(SesProductionAccess.__init__).parameters.values()
    props = [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert documented == props


@pytest.mark.parametrize("construct", [SesProductionAccess, SesProductionAccessStackSet])
def test_every_prop_is_documented_with_its_default_in_the_docstring(construct: type) -> None:
    init = vars(construct)["__init__"]
    doc = init.__doc__ or ""
    parameters = inspect.signature(init).parameters.values()
    for parameter in parameters:
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        entry = re.search(rf":param {parameter.name}:(.*?)(?=:param |\Z)", doc, re.DOTALL)
        assert entry, parameter.name
        if parameter.default is not inspect.Parameter.empty:
            assert "Default:" in entry.group(1), parameter.name


def test_readme_types_acknowledge_sending_policy_as_the_required_bool_it_is() -> None:
    row = next(row for row in table_rows("Props") if row[0] == "`acknowledge_sending_policy`")
    assert row[1].startswith("`bool`")
    assert row[2].startswith("required keyword, no default")
    parameter = inspect.signature(SesProductionAccess.__init__).parameters[
        "acknowledge_sending_policy"
    ]
    assert parameter.default is inspect.Parameter.empty


def test_readme_says_a_change_of_region_is_a_harmless_replacement() -> None:
    row = next(row for row in table_rows("Props") if row[0] == "`region`")
    assert "replaces the resource" in row[2]
    assert "changes nothing in SES" in row[2]


def test_readme_says_the_log_group_is_retained_unless_told_otherwise() -> None:
    row = next(row for row in table_rows("Props") if row[0] == "`log_group_removal_policy`")
    assert row[2].startswith("`RETAIN`")
    caveats = section("Caveats")
    assert "log group is retained by default" in caveats


def test_readme_warns_against_exporting_the_attributes_and_says_what_to_use() -> None:
    text = " ".join(section("Attributes and outputs").split())
    assert "Do not export these attributes to another stack" in text
    assert "CloudFormation refuses to change an export that another stack imports" in text
    assert "`SANDBOX`, then `PENDING_REVIEW`, then `PRODUCTION`" in text
    assert "SSM parameter" in text
    assert "`Fn::GetAtt`" in text


def test_readme_documents_the_shared_constructs_of_the_construct() -> None:
    text = section("Attributes and outputs")
    for name in ("function", "role", "log_group"):
        assert f"`{name}`" in text
        assert isinstance(getattr(SesProductionAccess, name), property)


def test_readme_names_the_commands_that_ci_runs() -> None:
    assert "make synth" in README
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_stays_short() -> None:
    assert len(README.splitlines()) <= README_MAX_LINES


def test_docs_have_one_page_per_capability_and_the_readme_links_each() -> None:
    pages = {
        "deploy-time.md", "readiness.md", "watching.md", "organization.md", "command-line.md",
        "without-cdk.md", "iam-and-security.md", "performance.md",
    }
    assert set(PAGES) == pages
    for page in pages:
        assert f"](docs/{page}" in README, page
    assert "](CONTRIBUTING.md)" in README


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md", *(f"docs/{p}" for p in PAGES)])
def test_every_relative_link_and_anchor_resolves(name: str) -> None:
    path = ROOT / name
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(path.read_text())):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:: not this repository's
        file, _, fragment = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.is_file(), f"{name} links {target}: no such file"
        if fragment:
            found = anchors(linked.read_text())
            assert fragment in found, f"{name} links {target}: no such heading"


# A repository path in the docs' text, with an optional pytest node id (`file.py::test_x`).
REPO_PATH = re.compile(
    r"`((?:tests|benchmarks|examples|lambda|ses_production_access)/[\w./-]+?)(?:::(\w+))?`"
)
WHEEL_ONLY = "ses_production_access/_lambda/"  # where the wheel puts lambda/index.py


def named_paths(text: str) -> list[tuple[str, str]]:
    return [m for m in REPO_PATH.findall(text) if not m[0].startswith(WHEEL_ONLY)]


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md", *(f"docs/{p}" for p in PAGES)])
def test_every_file_and_test_the_docs_name_exists(name: str) -> None:
    # The docs name tests and modules in code spans, not links: a move must not strand them.
    for path, test in named_paths((ROOT / name).read_text()):
        file = ROOT / path.rstrip("/")
        assert file.exists(), f"{name} names {path}: no such file"
        if test:
            assert re.search(rf"^def {test}\(", file.read_text(), re.M), f"{name}: no {test}"


def test_named_paths_are_found_with_their_test() -> None:
    # The control of the test above.
    text = "see `tests/a/test_b.py::test_c` and `lambda/index.py`, not `x/y.py`"
    assert named_paths(text) == [("tests/a/test_b.py", "test_c"), ("lambda/index.py", "")]


def test_anchors_are_githubs_so_a_link_to_a_missing_heading_is_seen() -> None:
    # The control of the test above.
    found = anchors("# Page\n## Acknowledged findings (cdk-nag, checkov)\n## `status`\n## A\n## A")
    assert found == {"page", "acknowledged-findings-cdk-nag-checkov", "status", "a", "a-1"}
    assert "not-there" not in found


def test_docs_document_the_status_exit_codes() -> None:
    section_text = section("status", PAGES["command-line.md"])
    lines = [line for line in section_text.splitlines() if line.startswith("| ")]
    rows = {cells[1].strip(): cells[2] for cells in (line.split("|") for line in lines)}
    assert "every Region is in `PRODUCTION`" in rows[str(EXIT_PRODUCTION)]
    assert "could not be read" in rows[str(EXIT_ERROR)]
    assert "`DENIED`" in rows[str(EXIT_DENIED)]
    assert "`SANDBOX`" in rows[str(EXIT_SANDBOX)]
    assert "`PENDING`" in rows[str(EXIT_PENDING)]


def test_readiness_findings_table_is_the_handlers_findings(index: ModuleType) -> None:
    rows = table_rows("Findings", PAGES["readiness.md"])
    documented = {row[0].strip("`"): row[1] for row in rows}
    assert list(documented) == list(index.FINDINGS)
    assert documented == {code: "yes" if holds else "no" for code, holds in index.FINDINGS.items()}


def test_readme_names_every_finding_the_handler_reports(index: ModuleType) -> None:
    # The handler's FAILED reason says "see the README" for what the findings name.
    text = section("Ready before asking")
    for code in index.FINDINGS:
        assert f"`{code}`" in text, code
    assert "](docs/readiness.md#findings)" in text


def _benchmark_report(monkeypatch: pytest.MonkeyPatch) -> str:
    """The benchmark's own report of the committed results.json (what `make bench` prints)."""
    monkeypatch.setattr(sys, "path", [str(ROOT / "benchmarks"), *sys.path])
    spec = importlib.util.spec_from_file_location("report", ROOT / "benchmarks" / "report.py")
    assert spec
    assert spec.loader
    report: ModuleType = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, report)
    spec.loader.exec_module(report)
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    return str(report.report(results))


def test_performance_figures_are_the_benchmarks_own_report(monkeypatch: pytest.MonkeyPatch) -> None:
    block = BENCHMARK_BLOCK.search(PAGES["performance.md"])
    assert block, "docs/performance.md has no <!-- benchmark:begin --> block"
    assert block.group(1) == f"```text\n{_benchmark_report(monkeypatch)}```\n"


def test_the_readme_and_contributing_carry_no_benchmark_figure() -> None:
    # Figures of one run go stale: they live in results.json and the page's generated block.
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    figures = [
        f"{results['footprint']['construct']['template_bytes']:,}",
        f"{results['sizes']['plain_template_bytes']:,}",
        f"{results['sizes']['handler_inline_bytes']:,}",
        f"{results['status']['parallel_s']:.2f} s",
    ]
    for text in (README, CONTRIBUTING):
        assert [figure for figure in figures if figure in text] == []
