"""The pinned CDK CLI (package.json and package-lock.json) synthesizes the example app,
offline and with no AWS credentials."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ecosystem.ecosystem_support import EXAMPLE_STACK, ROOT

CLI = "aws-cdk"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli_environment(home: Path) -> dict[str, str]:
    """This environment minus every AWS credential and config, with the venv's python3
    first on PATH (cdk.json runs ``python3 app.py``)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        CDK_DISABLE_CLI_TELEMETRY="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    return env


def npx_cdk(*args: str, home: Path) -> Run:
    """``npx cdk ARGS`` from the repo root; --no-install: the pinned CLI or nothing."""
    done = subprocess.run(
        ["npx", "--no-install", "cdk", *args],
        cwd=ROOT,
        env=cli_environment(home),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-home")


def pinned_versions() -> dict[str, str]:
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return {
        "package.json": package["devDependencies"][CLI],
        "package-lock.json (root)": lock["packages"][""]["devDependencies"][CLI],
        "package-lock.json (resolved)": lock["packages"][f"node_modules/{CLI}"]["version"],
    }


def test_cli_version_is_pinned_exactly_in_package_json_and_its_lock_file() -> None:
    versions = pinned_versions()
    assert re.fullmatch(r"\d+\.\d+\.\d+", versions["package.json"]), versions
    assert set(versions.values()) == {versions["package.json"]}, versions


def test_npx_cdk_runs_the_pinned_cli_version(home: Path) -> None:
    run = npx_cdk("--version", home=home)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == pinned_versions()["package.json"]


def test_cdk_synth_of_the_example_app_writes_its_stack_without_credentials(
    tmp_path: Path, home: Path
) -> None:
    # The suite's one `cdk synth`.
    run = npx_cdk("synth", "--no-notices", "-o", str(tmp_path / "cdk.out"), home=home)
    assert run.returncode == 0, run.stderr
    template: dict[str, Any] = json.loads(
        (tmp_path / "cdk.out" / f"{EXAMPLE_STACK}.template.json").read_text()
    )
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"Custom::SesProductionAccess", "AWS::Lambda::Function"} <= types


# --- What the CLI sends: TemplateBody or TemplateURL ------------------------------------

BODY_PARAMETER = Path(__file__).resolve().parent / "cli_body_parameter.js"
# Strings a YAML writer must quote, escape or write as a block, beside what templates hold.
AWKWARD = {
    "Values": ["", "\U0001f4e7 counts twice in JavaScript", "yes", "No", "~", "0755", "12:30",
               "1e3", ".5", "2026-12-07", "<<", "- x",
               "-x", "?", ": a", "a: b", "a #b", "a#b", "#x", 'say "hi"', "it's \"x\"",
               "tab\tin", "ctl\u0001x", "nbsp\u00a0x", "é ü", "trail ", " lead", "x:", "---x",
               "...", "line1\nline2", "line1\nline2\n", "line1\nline2\n\n", "  indented\nx\n",
               "a\n\nb\n", "end\n  ", "[x]", "{x}", "*a", "&a", "!t", "%p", "@a", "`b", "|",
               ">", "a,b", "Fn::GetAtt", 1, 2.5, -3, True, False, None, [], {},
               [[1, [2, 3]], {"k": [{"a": 1, "b": {"c": []}}]}]],
    "Key: with colon": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b/*"]]},
    "yes": 1,
    "": 2,
    "multi\nline": 3,
}  # fmt: skip


def cli_body_parameter(
    template: dict[str, Any], tmp_path: Path, *, asset_url: str = "", bootstrapped: bool
) -> dict[str, Any]:
    """The pinned CLI's own makeBodyParameter for ``template``, offline."""
    outdir = tmp_path / f"out-{bootstrapped}"
    outdir.mkdir()
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    done = subprocess.run(
        ["node", str(BODY_PARAMETER), str(path), str(outdir), asset_url,
         "yes" if bootstrapped else "no"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _bootstrapless_template(watch: bool, tmp_path: Path) -> dict[str, Any]:
    import aws_cdk as cdk

    from ses_production_access import MailType, SesProductionAccess

    app = cdk.App(outdir=str(tmp_path / f"synth-{watch}"))
    stack = cdk.Stack(app, "Small", synthesizer=cdk.BootstraplessSynthesizer())
    SesProductionAccess(stack, "SesProductionAccess", mail_type=MailType.TRANSACTIONAL,
                        website_url="https://example.com", acknowledge_sending_policy=True,
                        watch=watch)  # fmt: skip
    template: dict[str, Any] = app.synth().get_stack_by_name("Small").template
    return template


@pytest.mark.parametrize("name", ["plain", "awkward", "bootstrapless"])
def test_the_size_warning_measures_the_yaml_the_cli_measures(name: str, tmp_path: Path) -> None:
    from ses_production_access import plain_template
    from ses_production_access.construct.template_yaml import cli_characters

    template: dict[str, Any]
    if name == "plain":
        template = plain_template()
    elif name == "awkward":
        template = AWKWARD
    else:
        template = _bootstrapless_template(False, tmp_path)
    sent = cli_body_parameter(template, tmp_path, bootstrapped=True)
    assert sent["yamlLength"] == cli_characters(template)


def test_without_a_template_asset_the_cli_sends_a_small_template_as_its_body(
    tmp_path: Path,
) -> None:
    from ses_production_access.construct.template_yaml import cli_characters

    template = _bootstrapless_template(False, tmp_path)
    assert cli_characters(template) <= 51_200
    sent = cli_body_parameter(template, tmp_path, bootstrapped=False)
    expected = {"parameter": "TemplateBody", "error": None, "yamlLength": cli_characters(template)}
    assert sent == expected


def test_without_a_template_asset_the_cli_refuses_a_large_one_unbootstrapped(
    tmp_path: Path,
) -> None:
    from ses_production_access.construct.template_yaml import cli_characters

    template = _bootstrapless_template(True, tmp_path)
    assert cli_characters(template) > 51_200
    sent = cli_body_parameter(template, tmp_path, bootstrapped=False)
    assert sent["error"] == 'Template too large to deploy ("cdk bootstrap" is required)'


def test_with_a_template_asset_the_cli_deploys_from_its_url(tmp_path: Path) -> None:
    sent = cli_body_parameter(
        {"Resources": {}}, tmp_path,
        asset_url="s3://cdk-hnb659fds-assets-123456789012-eu-west-1/x.json", bootstrapped=False,
    )  # fmt: skip
    assert sent["parameter"] == "TemplateURL"


def test_make_synth_prints_no_size_warning(tmp_path: Path, home: Path) -> None:
    """`make synth` on a fresh clone: cdk synth of app.py with cdk.json as cdk init writes
    it (path metadata on) says nothing of the template's size."""
    run = npx_cdk("synth", "--no-notices", "-q", "-o", str(tmp_path / "cdk.out"), home=home)
    assert run.returncode == 0, run.stderr
    assert "templateOverTemplateBodyLimit" not in run.stdout + run.stderr
    assert "TemplateBody" not in run.stdout + run.stderr
