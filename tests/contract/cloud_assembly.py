"""Synthesis into a temporary cdk.out, and what a deployment would take from it.

Everything the contract tests run comes from the cloud assembly, not from the source
tree: the function's handler string, runtime, timeout, environment and code (the asset
folder that cdk.out holds), the custom resource's properties, and every ``Fn::GetAtt``
that reads the custom resource.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INSTALLED_APP = Path(__file__).resolve().parent / "installed_app.py"
RESOURCE_TYPE = "Custom::SesProductionAccess"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
SYNTH_TIMEOUT_SECONDS = 120

# Attribute names of Fn::Sub strings: ${Logical.Attribute}.
_SUB_GETATT = re.compile(r"\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}")


@dataclass(frozen=True)
class Artefact:
    """One stack's custom resource and its function, as cdk.out holds them."""

    stack_name: str
    template: dict[str, Any]
    resource_id: str
    resource_type: str
    properties: dict[str, Any]
    function_id: str
    handler: str
    runtime: str
    timeout_seconds: int
    memory_mib: int
    environment: dict[str, str]
    asset_dir: Path
    get_atts: frozenset[str]
    allowed_actions: frozenset[str] = frozenset()
    service_timeout_seconds: int | None = None

    def resource_properties(self, region: str, account: str) -> dict[str, Any]:
        """The properties as CloudFormation hands them to the function: intrinsics
        resolved, every scalar a string."""
        context = _Intrinsics(self, region, account)
        resolved = context.resolve(self.properties)
        stringified: dict[str, Any] = _stringify(resolved)
        return stringified

    def function_arn(self, region: str, account: str) -> str:
        return f"arn:aws:lambda:{region}:{account}:function:{self.function_name()}"

    def function_name(self) -> str:
        # CloudFormation's generated name: stack name, logical id, a random suffix.
        return f"{self.stack_name}-{self.function_id}-AbCdEf123456"[:64]


@dataclass(frozen=True)
class Synthesized:
    """The cloud assemblies of the contract stacks, and what the process that synthesized
    the installed-package stack reported about the package it imported."""

    artefacts: dict[str, Artefact]
    installed_report: dict[str, Any]
    # Each artefact's asset folder as synthesis left it (running the function later writes
    # __pycache__ into it).
    asset_files: dict[str, tuple[str, ...]]


class _Intrinsics:
    def __init__(self, artefact: Artefact, region: str, account: str) -> None:
        self.artefact = artefact
        self.pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": artefact.stack_name,
        }
        self.region = region
        self.account = account

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                if arg in self.pseudo:
                    return self.pseudo[arg]
                if arg == self.artefact.function_id:
                    return self.artefact.function_name()
                raise ValueError(f"cannot resolve Ref {arg!r}")
            if key == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                if logical == self.artefact.function_id and attribute == "Arn":
                    return self.artefact.function_arn(self.region, self.account)
                raise ValueError(f"cannot resolve Fn::GetAtt {arg!r}")
            if key == "Fn::Join":
                separator, parts = arg
                return separator.join(str(self.resolve(p)) for p in parts)
            if key.startswith("Fn::"):
                raise ValueError(f"the contract harness does not resolve {key}")
        return {k: self.resolve(v) for k, v in value.items()}


def _stringify(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    return value


def files_in(folder: Path) -> tuple[str, ...]:
    """Every file and folder under `folder`, relative to it, sorted."""
    return tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")))


def get_atts_of(template: Mapping[str, Any], logical_id: str) -> frozenset[str]:
    """Every attribute of `logical_id` that the template reads with Fn::GetAtt (list or
    dotted form) or Fn::Sub."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, arg in node.items():
                if key == "Fn::GetAtt":
                    logical, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
                    if logical == logical_id:
                        found.add(str(attribute))
                elif key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) else arg
                    for logical, attribute in _SUB_GETATT.findall(str(text)):
                        if logical == logical_id:
                            found.add(attribute)
                walk(arg)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(template)
    return frozenset(found)


def read_artefact(outdir: Path, stack_name: str) -> Artefact:
    """The custom resource of `stack_name` in the cloud assembly at `outdir`."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    stack = manifest["artifacts"][stack_name]
    assert stack["type"] == "aws:cloudformation:stack", stack["type"]
    template = json.loads((outdir / stack["properties"]["templateFile"]).read_text())
    resources: dict[str, Any] = template["Resources"]

    custom = [k for k, r in resources.items() if r["Type"] == RESOURCE_TYPE]
    assert len(custom) == 1, f"expected one {RESOURCE_TYPE} in {stack_name}, found {custom}"
    resource_id = custom[0]
    properties: dict[str, Any] = resources[resource_id]["Properties"]
    token = properties["ServiceToken"]
    assert isinstance(token, dict), f"ServiceToken is not a function reference: {token!r}"
    function_id = token["Fn::GetAtt"][0]
    function = resources[function_id]
    assert function["Type"] == LAMBDA_FUNCTION, function["Type"]
    fprops = function["Properties"]

    return Artefact(
        stack_name=stack_name,
        template=template,
        resource_id=resource_id,
        resource_type=resources[resource_id]["Type"],
        properties=properties,
        function_id=function_id,
        handler=fprops["Handler"],
        runtime=fprops["Runtime"],
        timeout_seconds=int(fprops.get("Timeout", 3)),
        memory_mib=int(fprops.get("MemorySize", 128)),
        environment=dict((fprops.get("Environment") or {}).get("Variables") or {}),
        asset_dir=_asset_dir(outdir, stack, fprops["Code"], function),
        get_atts=get_atts_of(template, resource_id),
        allowed_actions=_allowed_actions(resources, fprops.get("Role")),
        service_timeout_seconds=(
            int(properties["ServiceTimeout"]) if "ServiceTimeout" in properties else None
        ),
    )


def _allowed_actions(resources: Mapping[str, Any], role_ref: Any) -> frozenset[str]:
    """The actions the function's role allows, from its inline policies and from any
    AWS::IAM::Policy attached to it (Resource scoping is not modelled)."""
    assert isinstance(role_ref, dict), f"the function's role is not in the template: {role_ref!r}"
    role_id = role_ref["Fn::GetAtt"][0]
    documents = [p["PolicyDocument"] for p in resources[role_id]["Properties"].get("Policies", [])]
    for resource in resources.values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource[
            "Properties"
        ].get("Roles", []):
            documents.append(resource["Properties"]["PolicyDocument"])
    actions: set[str] = set()
    for document in documents:
        for statement in document["Statement"]:
            if statement.get("Effect") != "Allow":
                continue
            listed = statement.get("Action", [])
            actions.update([listed] if isinstance(listed, str) else listed)
    return frozenset(actions)


def _asset_dir(
    outdir: Path, stack: Mapping[str, Any], code: Mapping[str, Any], function: Mapping[str, Any]
) -> Path:
    """The folder cdk.out holds for the function's code: from the asset metadata when
    the CLI added it, else from the asset manifest entry whose object key the template
    names."""
    metadata_path = (function.get("Metadata") or {}).get("aws:asset:path")
    if metadata_path:
        return outdir / str(metadata_path)
    if "ZipFile" in code:
        raise AssertionError("inline code: the harness expects a file asset")
    key = code["S3Key"]
    asset_manifests = [a for a in stack.get("dependencies", []) if a.endswith(".assets")]
    manifest = json.loads((outdir / "manifest.json").read_text())
    for name in asset_manifests:
        assets = json.loads(
            (outdir / manifest["artifacts"][name]["properties"]["file"]).read_text()
        )
        for entry in assets.get("files", {}).values():
            destinations = entry.get("destinations", {}).values()
            if any(d.get("objectKey") == key for d in destinations):
                source = entry["source"]
                assert source.get("packaging") == "zip", source
                return outdir / str(source["path"])
    raise AssertionError(f"no asset in {outdir} has the object key {key}")


def synthesize(command: Sequence[str], outdir: Path, cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    """Start synthesizing (as ``cdk synth`` would run the app) into `outdir`; the caller
    waits, so that two apps can synthesize at once."""
    cdk_json = json.loads((ROOT / "cdk.json").read_text())
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CDK_", "AWS_"))
        and k != "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
    }
    env.update(
        CDK_OUTDIR=str(outdir),
        # The context the CLI passes from cdk.json.
        CDK_CONTEXT_JSON=json.dumps(cdk_json.get("context", {})),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return subprocess.Popen(
        list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def wait_for(process: subprocess.Popen[bytes], what: str) -> None:
    output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise AssertionError(f"synthesizing {what} failed:\n{output.decode(errors='replace')}")


def example_app_command() -> list[str]:
    """app.py as cdk.json's "app" runs it, with this interpreter."""
    return [sys.executable, str(ROOT / "app.py")]


# Runs installed_app.py in the interpreter of the venv the wheel is installed in, then
# reports where the package (and so the handler folder that became the function's asset)
# came from, and every file or folder of the repo Python opened outside the venv's
# dependencies and installed_app.py itself.
_INSTALLED_RUNNER = """
import json, os, runpy, sys

app, repo, dependencies, report = sys.argv[1:5]
opened_in_repo = []


def audit(event, args):
    if event in ("open", "os.listdir", "os.scandir") and isinstance(args[0], (str, bytes)):
        path = os.path.abspath(os.fsdecode(args[0]))
        in_dependencies = path == dependencies or path.startswith(dependencies + os.sep)
        if path.startswith(repo + os.sep) and not in_dependencies and path != app:
            opened_in_repo.append(path)


sys.addaudithook(audit)
runpy.run_path(app, run_name="__main__")

import ses_production_access
from ses_production_access._handler import handler_code_path

with open(report, "w") as out:
    json.dump(
        {
            "executable": sys.executable,
            "package": ses_production_access.__file__,
            "handler_folder": str(handler_code_path()),
            "sys_path": sys.path,
            "opened_in_repo": opened_in_repo,
        },
        out,
    )
"""


def installed_app_command(python: Path, dependencies: Path, report: Path) -> list[str]:
    """A stack built from the package installed in `python`'s venv (the wheel's, see
    tests/wheel_install.py): isolated mode, so that neither the source tree nor this
    folder is on the import path. The process writes what it imported to `report`."""
    return [
        str(python), "-I", "-c", _INSTALLED_RUNNER,
        str(INSTALLED_APP), str(ROOT), str(dependencies), str(report),
    ]  # fmt: skip
