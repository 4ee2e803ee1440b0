"""1. Template footprint: resources, functions, roles, template and asset bytes, invocations;
the sizes that the 51,200-byte TemplateBody limit is about."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from common import (
    CLI,
    HANDLER_SOURCE,
    SYNTH_TIMEOUT_S,
    cdk_env,
)
from stacks import STACK_NAME


def _tree_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _zipped_bytes(path: Path) -> int:
    """The size of the asset as the CDK uploads it (a deflated zip of the folder)."""
    if path.is_file():
        return path.stat().st_size
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            archive.write(file, file.relative_to(path).as_posix())
    return len(buffer.getvalue())


def _lambda_invocations(resources: dict[str, Any]) -> int:
    """Lambda invocations per Create/Update of the job: one per custom resource, plus one
    when its service token is a Provider framework function that calls the user's function."""
    total = 0
    for resource in resources.values():
        kind = resource["Type"]
        if not (kind.startswith("Custom::") or kind == "AWS::CloudFormation::CustomResource"):
            continue
        total += 1
        token = resource.get("Properties", {}).get("ServiceToken", {})
        target = token.get("Fn::GetAtt", [None])[0] if isinstance(token, dict) else None
        function = resources.get(target or "", {})
        variables = function.get("Properties", {}).get("Environment", {}).get("Variables", {})
        if "USER_ON_EVENT_FUNCTION_ARN" in variables:
            total += 1
            if "USER_IS_COMPLETE_FUNCTION_ARN" in variables:
                total += 1
    return total


def footprint(outdir: Path) -> dict[str, Any]:
    template_path = outdir / f"{STACK_NAME}.template.json"
    template = json.loads(template_path.read_text())
    resources: dict[str, Any] = template.get("Resources", {})
    types = Counter(r["Type"] for r in resources.values() if r["Type"] != "AWS::CDK::Metadata")
    manifest = json.loads((outdir / f"{STACK_NAME}.assets.json").read_text())
    assets = []
    for entry in manifest.get("files", {}).values():
        source = entry["source"]
        if source.get("path") == template_path.name:
            continue  # the template itself is counted as template bytes
        path = outdir / source["path"]
        assets.append(
            {
                "name": entry.get("displayName", source["path"]),
                "raw_bytes": _tree_bytes(path),
                "zipped_bytes": _zipped_bytes(path),
            }
        )
    return {
        "resources": sum(types.values()),
        "resource_types": dict(sorted(types.items())),
        "lambda_functions": types.get("AWS::Lambda::Function", 0),
        "iam_roles": types.get("AWS::IAM::Role", 0),
        "iam_policies": types.get("AWS::IAM::Policy", 0),
        "outputs": len(template.get("Outputs", {})),
        "template_bytes": template_path.stat().st_size,
        "assets": assets,
        "asset_raw_bytes": sum(a["raw_bytes"] for a in assets),
        "asset_zipped_bytes": sum(a["zipped_bytes"] for a in assets),
        "lambda_invocations_per_event": _lambda_invocations(resources),
    }


def inline_code_dir(outdir: Path, target: Path) -> Path:
    """`target` holding the function's inline code of the stack in `outdir` as index.py,
    as CloudFormation deploys it."""
    template = json.loads((outdir / f"{STACK_NAME}.template.json").read_text())
    (function,) = (
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    )
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.py").write_text(function["Properties"]["Code"]["ZipFile"])
    return target


def sizes(construct_outdir: Path, work: Path) -> dict[str, int]:
    """Bytes that count against CloudFormation's TemplateBody limit, and the handler's."""
    plain = work / "plain-template.json"
    done = subprocess.run(  # noqa: S603  (our own console script)
        [str(CLI), "template", "--output", str(plain)],
        cwd=work,
        env=cdk_env(),
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"ses-production-access template failed:\n{done.stderr[-4000:]}")
    inline = inline_code_dir(construct_outdir, work / "inline-size") / "index.py"
    return {
        "plain_template_bytes": plain.stat().st_size,
        "handler_source_bytes": HANDLER_SOURCE.stat().st_size,
        "handler_inline_bytes": inline.stat().st_size,
    }
