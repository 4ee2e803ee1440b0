"""The construct on every supported aws-cdk-lib (ses_production_access/compat.py): a newer
API where the installed release has it, the same template by an older means where not."""

from __future__ import annotations

import re
from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template
from support import ROOT
from support.stacks import make_stack

from ses_production_access import compat, defaults
from ses_production_access.inline import minify

README = (ROOT / "README.md").read_text()
PYPROJECT = (ROOT / "pyproject.toml").read_text()


def test_the_runtime_is_the_newest_of_the_handler_runtimes_that_aws_cdk_lib_offers() -> None:
    offered = [name for name in defaults.HANDLER_RUNTIMES if hasattr(lambda_.Runtime, name)]
    assert defaults.HANDLER_RUNTIME.name == getattr(lambda_.Runtime, offered[0]).name


def test_the_handler_runtimes_are_listed_newest_first() -> None:
    versions = [tuple(map(int, re.findall(r"\d+", name))) for name in defaults.HANDLER_RUNTIMES]
    assert versions == sorted(versions, reverse=True)


def test_fails_when_aws_cdk_lib_offers_none_of_the_runtimes_naming_them_and_the_fix() -> None:
    with pytest.raises(ImportError, match=r"none of the Lambda runtimes PYTHON_3_99, PYTHON_4_0"):
        compat.newest_runtime(("PYTHON_3_99", "PYTHON_4_0"))
    with pytest.raises(ImportError, match="install a newer aws-cdk-lib"):
        compat.newest_runtime(("PYTHON_3_99",))


def test_add_resource_dependency_writes_depends_on() -> None:
    stack = make_stack(region=None)
    first = cdk.CfnResource(stack, "First", type="AWS::SNS::Topic")
    second = cdk.CfnResource(stack, "Second", type="AWS::SNS::Topic")
    compat.add_resource_dependency(second, first)
    resources = Template.from_stack(stack).find_resources("AWS::SNS::Topic")
    assert resources["Second"]["DependsOn"] == ["First"]


def test_acknowledge_records_nothing_and_fails_nothing_without_validations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Releases before 2.252 have no Validations.acknowledge: nothing to write to."""
    monkeypatch.setattr(compat, "HAS_VALIDATIONS", False)
    stack = make_stack(region=None)
    topic = cdk.CfnResource(stack, "Topic", type="AWS::SNS::Topic")
    before = list(topic.node.metadata)
    compat.acknowledge(topic, {"AwsSolutions-SNS2": "a reason"})
    assert topic.node.metadata == before


def test_acknowledge_records_the_rule_and_its_reason_where_aws_cdk_lib_has_validations() -> None:
    stack = make_stack(region=None)
    topic = cdk.CfnResource(stack, "Topic", type="AWS::SNS::Topic")
    compat.acknowledge(topic, {"AwsSolutions-SNS2": "a reason"})
    assert ("a reason" in str(topic.node.metadata)) is compat.HAS_VALIDATIONS


# What README "Supported versions" says each feature needs: the first aws-cdk-lib with it.
FIRST_RELEASE_WITH: dict[str, tuple[tuple[int, int, int], Callable[[], bool]]] = {
    "Runtime.PYTHON_3_14": ((2, 222, 0), lambda: hasattr(lambda_.Runtime, "PYTHON_3_14")),
    "Validations.acknowledge": ((2, 252, 0), lambda: compat.HAS_VALIDATIONS),
    "CfnResource.add_resource_dependency": (
        (2, 262, 0),
        lambda: hasattr(cdk.CfnResource, "add_resource_dependency"),
    ),
}


def installed_aws_cdk_lib() -> tuple[int, ...]:
    return tuple(int(part) for part in compat.aws_cdk_lib_version().split(".")[:3])


@pytest.mark.parametrize("feature", FIRST_RELEASE_WITH)
def test_the_installed_aws_cdk_lib_has_a_feature_exactly_from_its_documented_release(
    feature: str,
) -> None:
    first, present = FIRST_RELEASE_WITH[feature]
    assert present() is (installed_aws_cdk_lib() >= first)


@pytest.mark.parametrize("feature", FIRST_RELEASE_WITH)
def test_readme_names_the_release_of_each_feature(feature: str) -> None:
    section = README.split("## Supported versions\n", 1)[1].split("\n## ", 1)[0]
    first, _ = FIRST_RELEASE_WITH[feature]
    assert ".".join(map(str, first)) in section
    assert feature.split()[-1].split(".")[-1] in section


def test_readme_names_the_floor_of_pyproject() -> None:
    (floor,) = re.findall(r'"aws-cdk-lib>=([\d.]+),<3"', PYPROJECT)
    section = README.split("## Supported versions\n", 1)[1]
    assert section.startswith(f"\n- **aws-cdk-lib {floor} ")
    # The floor environment of `make test` installs exactly the floor; it has what the
    # floor is for (the watcher grants the role the key of an encrypted watch_topic).
    assert hasattr(sns.ITopic, "master_key")
    assert f'"aws-cdk-lib=={floor}"' in PYPROJECT


def test_inline_code_writes_tuple_targets_without_parentheses_on_every_python() -> None:
    """Python 3.10's ast.unparse parenthesizes them; the template is the same bytes."""
    code = "for (a, b) in pairs:\n    print((a, b))\n(c, d) = (1, 2)\n"
    assert minify.tighten(code) == "for a,b in pairs:print((a,b))\nc,d=(1,2)\n"
