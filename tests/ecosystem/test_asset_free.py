"""The example app needs no asset: the handler is inline, so the stack deploys without the
CDK bootstrap bucket, and its template fits CloudFormation's direct TemplateBody limit."""

from __future__ import annotations

import json
from typing import Any

from ecosystem.ecosystem_support import EXAMPLE_STACK, Synthesis
from ses_production_access import _inline

TEMPLATE_BODY_MAX_BYTES = 51_200  # CreateStack / CreateStackSet TemplateBody (facts.md)


def _function(example_app: Synthesis) -> dict[str, Any]:
    resources = example_app.template()["Resources"].values()
    (function,) = (r for r in resources if r["Type"] == "AWS::Lambda::Function")
    found: dict[str, Any] = function
    return found


def test_example_template_fits_the_direct_template_body_limit(example_app: Synthesis) -> None:
    size = (example_app.outdir / f"{EXAMPLE_STACK}.template.json").stat().st_size
    assert size <= TEMPLATE_BODY_MAX_BYTES, f"the example template has {size:,} bytes"


def test_example_asset_manifest_lists_only_the_template(example_app: Synthesis) -> None:
    manifest = json.loads((example_app.outdir / f"{EXAMPLE_STACK}.assets.json").read_text())
    sources = [entry["source"] for entry in manifest.get("files", {}).values()]
    assert sources == [{"path": f"{EXAMPLE_STACK}.template.json", "packaging": "file"}]
    assert manifest.get("dockerImages", {}) == {}


def test_example_function_code_is_the_inline_handler(example_app: Synthesis) -> None:
    function = _function(example_app)
    expected = _inline.inline_code(frozenset({_inline.READINESS}))
    assert function["Properties"]["Code"] == {"ZipFile": expected}
    assert function["Properties"]["Handler"] == "index.handler"
    assert "aws:asset:path" not in function.get("Metadata", {})
