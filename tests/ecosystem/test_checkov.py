"""checkov: the example app's template, the plain template, a stack with a KMS key for the log
group and the template every stack instance of SesProductionAccessStackSet deploys show no
checkov failure; every finding the design keeps is explained by a skip the construct writes
into the resource's metadata (``Metadata.checkov.skip``), and every such skip is needed
(without it, that very check fails).

checkov pins an old boto3, so it runs from a venv of its own (``build/checkov``), made here
from the ``checkov`` dependency group of pyproject.toml the first time and kept.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms

from ecosystem.ecosystem_support import ROOT, Synthesis
from ses_production_access import (
    MailType,
    SesProductionAccess,
    plain_template,
)
from ses_production_access.construct import acknowledgements
from ses_production_access.templates import member as _member

VENV = ROOT / "build" / "checkov"
CHECKOV = VENV / "bin" / "checkov"
GROUP = "checkov"
TEMPLATES = ["example", "plain", "with_log_key", "stack_set_member"]


def pinned() -> str:
    """The checkov requirement of pyproject.toml's dependency group, pinned with '=='
    (read with a pattern: tomllib is not in Python 3.10)."""
    text = (ROOT / "pyproject.toml").read_text()
    group = re.search(rf'(?m)^{GROUP} = \["(checkov==[0-9][^"]*)"\]$', text)
    assert group, f"pyproject.toml has no pinned '{GROUP}' dependency group"
    return group.group(1)


def _install(venv: Path) -> None:
    def run(*args: str) -> None:
        done = subprocess.run(args, capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"

    run(sys.executable, "-m", "venv", "--clear", str(venv))
    python = str(venv / "bin" / "python")
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")  # --group: pip >= 25.1
    run(python, "-m", "pip", "install", "--quiet", "--group", f"{ROOT / 'pyproject.toml'}:{GROUP}")


@pytest.fixture(scope="session")
def checkov() -> Path:
    """The pinned checkov, installed once into build/checkov (a lock keeps two test runs
    from building it at once)."""
    requirement = pinned()
    stamp = VENV / ".installed"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with (VENV.parent / "checkov.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (CHECKOV.exists() and stamp.exists() and stamp.read_text() == requirement):
            _install(VENV)
            stamp.write_text(requirement)
    return CHECKOV


def _with_log_key_template(outdir: Path) -> dict[str, Any]:
    """A stack whose log group has a customer-managed key (rotated, as checkov asks)."""
    app = cdk.App(outdir=str(outdir), analytics_reporting=False)
    stack = cdk.Stack(app, "WithLogKey")
    key = kms.Key(stack, "LogKey", enable_key_rotation=True)
    SesProductionAccess(
        stack,
        "SesProductionAccess",
        mail_type=MailType.TRANSACTIONAL,
        website_url="https://example.com",
        acknowledge_sending_policy=True,
        log_group_encryption_key=key,
    )
    template: dict[str, Any] = app.synth().get_stack_by_name("WithLogKey").template
    return template


def _without_skips(template: dict[str, Any]) -> dict[str, Any]:
    bare = copy.deepcopy(template)
    for resource in bare.get("Resources", {}).values():
        resource.get("Metadata", {}).pop("checkov", None)
        if resource.get("Metadata") == {}:
            del resource["Metadata"]
    return bare


def declared_skips(template: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(logical id, check id) -> comment of every checkov skip in the template."""
    return {
        (logical_id, skip["id"]): skip["comment"]
        for logical_id, resource in template.get("Resources", {}).items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }


def _scan(checkov: Path, folder: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """checkov over every template in `folder`: file name -> {passed, failed, skipped}."""
    done = subprocess.run(
        [str(checkov), "--directory", str(folder), "--framework", "cloudformation",
         "--skip-download", "--output", "json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-3000:]
    reports = json.loads(done.stdout)
    by_file: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        assert report["check_type"] == "cloudformation"
        for outcome in ("passed", "failed", "skipped"):
            for check in report["results"][f"{outcome}_checks"]:
                name = Path(check["file_path"]).name
                by_file.setdefault(name, {"passed": [], "failed": [], "skipped": []})
                by_file[name][outcome].append(check)
        assert report["results"]["parsing_errors"] == []
    return by_file


@pytest.fixture(scope="module")
def scans(
    checkov: Path, example_app: Synthesis, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Each template scanned as synthesized and without its checkov skips, in one run."""
    folder = tmp_path_factory.mktemp("checkov")
    templates = {
        "example": example_app.template(),
        "plain": plain_template(),
        "with_log_key": _with_log_key_template(tmp_path_factory.mktemp("with-log-key")),
        # What every stack instance of SesProductionAccessStackSet deploys.
        "stack_set_member": _member.member_template(
            "o-abcdefghij",
            {
                "mail_type": MailType.TRANSACTIONAL,
                "website_url": "https://example.com",
                "acknowledge_sending_policy": True,
            },
        ),
    }
    for name, template in templates.items():
        (folder / f"{name}.template.json").write_text(json.dumps(template, indent=1))
        (folder / f"{name}-bare.template.json").write_text(
            json.dumps(_without_skips(template), indent=1)
        )
    return {"templates": templates, "found": _scan(checkov, folder)}


def _findings(checks: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(check["resource"].split(".", 1)[1], check["check_id"]) for check in checks}


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_has_no_checkov_failure(scans: dict[str, Any], name: str) -> None:
    result = scans["found"][f"{name}.template.json"]
    assert _findings(result["failed"]) == set()
    assert result["passed"], "checkov ran no check at all"


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_checkov_skip_is_needed_and_explained(scans: dict[str, Any], name: str) -> None:
    declared = declared_skips(scans["templates"][name])
    # Without the skips, exactly the skipped checks fail: none is stale or missing.
    assert _findings(scans["found"][f"{name}-bare.template.json"]["failed"]) == set(declared)
    skipped = scans["found"][f"{name}.template.json"]["skipped"]
    assert {
        (check["resource"].split(".", 1)[1], check["check_id"]):
        check["check_result"]["suppress_comment"]
        for check in skipped
    } == declared  # fmt: skip


def test_the_construct_explains_concurrency_dlq_vpc_and_the_log_group_key(
    scans: dict[str, Any],
) -> None:
    declared = declared_skips(scans["templates"]["example"])
    comments = {check: comment for (_, check), comment in declared.items()}
    assert comments == {
        "CKV_AWS_115": acknowledgements.CHECKOV_NO_RESERVED_CONCURRENCY,
        "CKV_AWS_116": acknowledgements.CHECKOV_NO_DLQ,
        "CKV_AWS_117": acknowledgements.CHECKOV_NO_VPC,
        "CKV_AWS_158": acknowledgements.CHECKOV_LOG_ENCRYPTION,
    }
    assert "quota 10" in comments["CKV_AWS_115"]
    assert "ServiceTimeout" in comments["CKV_AWS_116"]
    assert "NAT" in comments["CKV_AWS_117"]


def test_the_log_group_skip_is_left_out_when_a_key_is_given(scans: dict[str, Any]) -> None:
    declared = declared_skips(scans["templates"]["with_log_key"])
    assert "CKV_AWS_158" not in {check for _, check in declared}
    passed = _findings(scans["found"]["with_log_key.template.json"]["passed"])
    assert any(check == "CKV_AWS_158" for _, check in passed)


@pytest.mark.parametrize("name", ["example", "plain"])
def test_checkov_skips_cost_few_template_bytes(scans: dict[str, Any], name: str) -> None:
    # Every byte counts against CloudFormation's 51,200-byte TemplateBody limit.
    template = scans["templates"][name]
    full = len(json.dumps(template, indent=1).encode())
    bare = len(json.dumps(_without_skips(template), indent=1).encode())
    assert full - bare <= 700
