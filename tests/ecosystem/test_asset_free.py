"""What the README says of deploying, held to synthesized manifests: the example app (the
DefaultStackSynthesizer, as ``cdk init`` writes it) has no asset but its template, which
``cdk deploy`` uploads to the bootstrap bucket, so it needs a bootstrapped environment
whatever its size; a bootstrapless stack carries no template asset and is sent as a
TemplateBody; the plain template and the StackSet member need no bootstrap. What the CDK
CLI does with each manifest: tests/ecosystem/test_cdk_cli.py."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from ecosystem.ecosystem_support import EXAMPLE_APP, EXAMPLE_STACK, ROOT, Synthesis
from ses_production_access import MailType, SesProductionAccess, plain_template, wire
from ses_production_access.construct.size_warning import TEMPLATE_OVER_LIMIT
from ses_production_access.inline.code import inline_code

TOPIC = "arn:aws:sns:ap-southeast-2:123456789012:ses-decisions"
# The DefaultStackSynthesizer's deploy role and bootstrap bucket (aws-cdk-lib's
# DefaultStackSynthesizer.DEFAULT_DEPLOY_ROLE_ARN, DEFAULT_FILE_ASSETS_BUCKET_NAME).
DEPLOY_ROLE = "cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}"
BOOTSTRAP_BUCKET = "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"


def _function(template: dict[str, Any]) -> dict[str, Any]:
    (function,) = (r for r in template["Resources"].values()
                   if r["Type"] == "AWS::Lambda::Function")  # fmt: skip
    found: dict[str, Any] = function
    return found


def _messages(outdir: Path, stack: str) -> str:
    """The warnings and errors the cloud assembly holds for `stack` (what the CLI prints;
    the manifest may keep them in a metadata file of their own)."""
    artifact = cdk.cx_api.CloudAssembly(str(outdir)).get_stack_by_name(stack)
    return "\n".join(str(message.entry.data) for message in artifact.messages)


def _artifact(outdir: Path, stack: str) -> dict[str, Any]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    properties: dict[str, Any] = manifest["artifacts"][stack]["properties"]
    return properties


def test_the_example_app_is_deployed_from_the_bootstrap_bucket(example_app: Synthesis) -> None:
    """The README's "Deploying where nothing is bootstrapped": the CLI deploys a stack whose
    artifact names a template asset with TemplateURL, assuming the bootstrap deploy role,
    and checks the bootstrap version; so the environment must be bootstrapped."""
    artifact = _artifact(example_app.outdir, EXAMPLE_STACK)
    assert BOOTSTRAP_BUCKET in artifact["stackTemplateAssetObjectUrl"]
    assert artifact["requiresBootstrapStackVersion"] == 6
    assert DEPLOY_ROLE in artifact["assumeRoleArn"]
    assert artifact["bootstrapStackVersionSsmParameter"] == "/cdk-bootstrap/hnb659fds/version"


def test_the_example_apps_only_asset_is_its_template(example_app: Synthesis) -> None:
    manifest = json.loads((example_app.outdir / f"{EXAMPLE_STACK}.assets.json").read_text())
    sources = [entry["source"] for entry in manifest.get("files", {}).values()]
    assert sources == [{"path": f"{EXAMPLE_STACK}.template.json", "packaging": "file"}]
    assert manifest.get("dockerImages", {}) == {}


def test_the_example_function_code_is_the_inline_handler(example_app: Synthesis) -> None:
    function = _function(example_app.template())
    expected = inline_code(frozenset({wire.FEATURE_WATCH}))
    assert function["Properties"]["Code"] == {"ZipFile": expected}
    assert function["Properties"]["Handler"] == "index.handler"
    assert "aws:asset:path" not in function.get("Metadata", {})


@pytest.mark.parametrize(
    "context",
    [
        {"watch_topic_arn": TOPIC},  # environment-agnostic: the Regions are references
        {"watch_topic_arn": TOPIC, "account": "123456789012", "region": "ap-southeast-2"},
        {},
    ],
    ids=["topic", "topic-in-an-environment", "no-topic"],
)
def test_the_example_app_in_every_form_watches_hourly_and_warns_of_nothing(
    context: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the path metadata and version reporting `cdk synth` adds (cdk.json as cdk init
    writes it), as `make synth` runs it."""
    flags = {
        **json.loads((ROOT / "cdk.json").read_text())["context"],
        "aws:cdk:enable-path-metadata": True,
        "aws:cdk:version-reporting": True,
    }
    real = cdk.App
    monkeypatch.setattr(
        cdk, "App", lambda **props: real(context={**flags, **context}, outdir=str(tmp_path))
    )
    monkeypatch.delenv("CDK_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("CDK_DEFAULT_ACCOUNT", raising=False)
    runpy.run_path(str(EXAMPLE_APP), run_name="__main__")
    template = json.loads((tmp_path / f"{EXAMPLE_STACK}.template.json").read_text())
    (rule,) = (r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule")
    assert "rate(1 hour)" == rule["Properties"]["ScheduleExpression"]
    assert ("TopicArn" in json.dumps(rule["Properties"]["Targets"])) is bool(context)
    assert TEMPLATE_OVER_LIMIT not in _messages(tmp_path, EXAMPLE_STACK)


def _bootstrapless(outdir: Path, watch: bool) -> cdk.App:
    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "Bootstrapless", synthesizer=cdk.BootstraplessSynthesizer())
    SesProductionAccess(stack, "SesProductionAccess", mail_type=MailType.TRANSACTIONAL,
                        website_url="https://example.com", acknowledge_sending_policy=True,
                        watch=watch)  # fmt: skip
    app.synth()
    return app


def test_a_bootstrapless_stack_names_no_template_asset_or_bootstrap(tmp_path: Path) -> None:
    _bootstrapless(tmp_path, watch=False)
    artifact = _artifact(tmp_path, "Bootstrapless")
    assert "stackTemplateAssetObjectUrl" not in artifact
    assert "requiresBootstrapStackVersion" not in artifact
    assert not (tmp_path / "Bootstrapless.assets.json").exists() or not json.loads(
        (tmp_path / "Bootstrapless.assets.json").read_text()
    ).get("files")


def test_a_bootstrapless_stack_with_the_watcher_is_warned_and_without_it_is_not(
    tmp_path: Path,
) -> None:
    """The README's "a bootstrapless synthesizer within the size, if it fits": with the
    watcher it does not (cdk deploy would need the bootstrap bucket), without it it does."""
    _bootstrapless(tmp_path / "on", watch=True)
    assert TEMPLATE_OVER_LIMIT in _messages(tmp_path / "on", "Bootstrapless")
    _bootstrapless(tmp_path / "off", watch=False)
    assert TEMPLATE_OVER_LIMIT not in _messages(tmp_path / "off", "Bootstrapless")


def test_the_plain_template_needs_no_bootstrap() -> None:
    body = plain_template()
    assert "BootstrapVersion" not in body.get("Parameters", {})
    assert "Rules" not in body or "CheckBootstrapVersion" not in body["Rules"]
    assert "S3Bucket" not in json.dumps(_function(body)["Properties"]["Code"])
