"""The package's imports, those inside functions too, form no cycle; the commands reach
no aws-cdk-lib module but through the ``template`` command."""

from __future__ import annotations

from pathlib import Path

from support import ROOT

from package.import_graph import closure, cycles, edges, imports_of, modules

PACKAGE = "ses_production_access"
CDK = {"aws_cdk", "jsii", "constructs"}
# What each command's module may reach (the `template` command imports templates.plain
# inside its function: synthesis needs aws-cdk-lib).
COMMANDS = [f"{PACKAGE}.cli.{name}" for name in ("status", "request", "readiness", "common")]


def test_the_package_has_no_import_cycle_counting_imports_inside_functions() -> None:
    assert cycles(edges(modules(ROOT / PACKAGE))) == []


def test_the_checker_sees_a_cycle_closed_inside_a_function(tmp_path: Path) -> None:
    package = tmp_path / "p"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    assert cycles(edges(modules(package))) == [["p.a", "p.b"]]


def test_no_command_reaches_aws_cdk_lib() -> None:
    found = modules(ROOT / PACKAGE)
    graph = edges(found)
    for command in COMMANDS:
        reached = closure(graph, command)
        cdk = {m for m in reached if imports_of(found[m]) & CDK}
        assert cdk == set(), command


def test_the_checker_sees_a_module_that_imports_aws_cdk_lib() -> None:
    found = modules(ROOT / PACKAGE)
    assert imports_of(found[f"{PACKAGE}.construct.access"]) & CDK
    assert f"{PACKAGE}.templates.plain" in closure(edges(found), f"{PACKAGE}.cli.main")
