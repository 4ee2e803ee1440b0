"""The README cannot drift from the code: its examples run, its tables match the construct."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

from ses_production_access import SesProductionAccess, SesProductionAccessStackSet
from ses_production_access.construct.access import OUTPUT_DESCRIPTIONS

README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def section(heading: str) -> str:
    """The text under a '## heading', up to the next one."""
    return README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def table_rows(heading: str) -> list[list[str]]:
    """The rows of the first table under a '## heading', as lists of cell texts."""
    lines = [line for line in section(heading).splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_readme_usage_is_the_example_app() -> None:
    assert PYTHON_BLOCKS[0] == (ROOT / "app.py").read_text()


@pytest.mark.parametrize("number", range(len(PYTHON_BLOCKS)))
def test_readme_example_synthesizes(number: int, tmp_path: Path) -> None:
    # A process of its own: CDK_OUTDIR is read by the jsii process when the app starts.
    script = tmp_path / "example.py"
    script.write_text(PYTHON_BLOCKS[number])
    env = {**os.environ, "CDK_OUTDIR": str(tmp_path / "cdk.out")}
    run = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert list((tmp_path / "cdk.out").glob("*.template.json"))


def test_readme_organisation_example_is_examples_organization_py() -> None:
    # The section's first block; like every block it is also synthesized above.
    block = re.search(r"```python\n(.*?)```", section("Roll out to an organisation"), re.DOTALL)
    assert block
    assert block.group(1) == (ROOT / "examples" / "organization.py").read_text()


def test_readme_stack_set_props_table_lists_every_prop() -> None:
    documented = [
        name.strip().strip("`")
        for row in table_rows("Roll out to an organisation")
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
