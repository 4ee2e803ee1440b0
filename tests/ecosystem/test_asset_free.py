"""The example app needs no asset: the handler is inline, so the stack deploys without the
CDK bootstrap bucket, and its template fits CloudFormation's direct TemplateBody limit, in
every form the example takes (with the watcher and a topic, in an environment or not)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from ecosystem.ecosystem_support import EXAMPLE_APP, EXAMPLE_STACK, ROOT, Synthesis
from ses_production_access import wire
from ses_production_access.inline.code import inline_code

TEMPLATE_BODY_MAX_BYTES = 51_200  # CreateStack / CreateStackSet TemplateBody (facts.md)
TOPIC = "arn:aws:sns:ap-southeast-2:123456789012:ses-decisions"


def _function(example_app: Synthesis) -> dict[str, Any]:
    resources = example_app.template()["Resources"].values()
    (function,) = (r for r in resources if r["Type"] == "AWS::Lambda::Function")
    found: dict[str, Any] = function
    return found


def test_example_template_fits_the_direct_template_body_limit(example_app: Synthesis) -> None:
    size = (example_app.outdir / f"{EXAMPLE_STACK}.template.json").stat().st_size
    assert size <= TEMPLATE_BODY_MAX_BYTES, f"the example template has {size:,} bytes"


@pytest.mark.parametrize(
    "context",
    [
        {"watch_topic_arn": TOPIC},  # environment-agnostic: the Regions are references
        {"watch_topic_arn": TOPIC, "account": "123456789012", "region": "ap-southeast-2"},
        {},
    ],
    ids=["topic", "topic-in-an-environment", "no-topic"],
)
def test_example_template_fits_the_limit_in_every_form_it_takes(
    context: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = json.loads((ROOT / "cdk.json").read_text())["context"]
    real = cdk.App
    monkeypatch.setattr(
        cdk, "App", lambda **props: real(context={**flags, **context}, outdir=str(tmp_path))
    )
    monkeypatch.delenv("CDK_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("CDK_DEFAULT_ACCOUNT", raising=False)
    runpy.run_path(str(EXAMPLE_APP), run_name="__main__")
    template = tmp_path / f"{EXAMPLE_STACK}.template.json"
    size = template.stat().st_size
    assert size <= TEMPLATE_BODY_MAX_BYTES, f"the example template has {size:,} bytes"
    resources = json.loads(template.read_text())["Resources"].values()
    (rule,) = (r for r in resources if r["Type"] == "AWS::Events::Rule")
    assert "rate(1 hour)" == rule["Properties"]["ScheduleExpression"]
    assert ("TopicArn" in json.dumps(rule["Properties"]["Targets"])) is bool(context)


def test_example_asset_manifest_lists_only_the_template(example_app: Synthesis) -> None:
    manifest = json.loads((example_app.outdir / f"{EXAMPLE_STACK}.assets.json").read_text())
    sources = [entry["source"] for entry in manifest.get("files", {}).values()]
    assert sources == [{"path": f"{EXAMPLE_STACK}.template.json", "packaging": "file"}]
    assert manifest.get("dockerImages", {}) == {}


def test_example_function_code_is_the_inline_handler(example_app: Synthesis) -> None:
    function = _function(example_app)
    expected = inline_code(frozenset({wire.FEATURE_WATCH}))
    assert function["Properties"]["Code"] == {"ZipFile": expected}
    assert function["Properties"]["Handler"] == "index.handler"
    assert "aws:asset:path" not in function.get("Metadata", {})
