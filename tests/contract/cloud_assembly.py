"""Synthesis into a temporary cdk.out, and what a deployment would take from it.

Everything the contract tests run comes from the template, not from the source tree:
the function's handler string, runtime, timeout, environment and code (the inline
``Code.ZipFile``, written to ``index.py`` as CloudFormation does), the custom resource's
properties, and every ``Fn::GetAtt`` that reads the custom resource. The plain template of
``ses-production-access template`` is read the same way, with its parameters resolved as
CloudFormation resolves them (``Ref``, ``Fn::If``, ``Conditions``, ``AWS::NoValue``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INSTALLED_APP = Path(__file__).resolve().parent / "installed_app.py"
WATCHING_APP = Path(__file__).resolve().parent / "watching_app.py"
RESOURCE_TYPE = "Custom::SesProductionAccess"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
EVENTS_RULE = "AWS::Events::Rule"
SYNTH_TIMEOUT_SECONDS = 120

# Attribute names of Fn::Sub strings: ${Logical.Attribute}.
_SUB_GETATT = re.compile(r"\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}")
# CloudFormation writes a Python function's ZipFile code to this file.
INLINE_MODULE = "index"


class ParameterRefused(ValueError):
    """CloudFormation would refuse these parameter values before creating anything."""


class _NoValue:
    """AWS::NoValue: the property (or list item) is left out."""


NO_VALUE = _NoValue()


@dataclass(frozen=True)
class _FromSsm:
    """A parameter whose value CloudFormation reads from SSM: unknown here."""

    name: str


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
    code_dir: Path  # the function's code as Lambda unpacks it: index.py from Code.ZipFile
    get_atts: frozenset[str]
    allowed_actions: frozenset[str] = frozenset()
    service_timeout_seconds: int | None = None
    # The values the stack is deployed with (a template with Parameters).
    parameters: dict[str, str] = field(default_factory=dict)

    def resource_properties(
        self, region: str, account: str, parameters: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The properties as CloudFormation hands them to the function: parameters
        (`parameters` over the artefact's own) and intrinsics resolved, every scalar a
        string. Raises ParameterRefused where CloudFormation would refuse the values."""
        given = {**self.parameters, **(parameters or {})}
        context = _Intrinsics(self, region, account, parameter_values(self.template, given))
        resolved = context.resolve(self.properties)
        stringified: dict[str, Any] = _stringify(resolved)
        return stringified

    def function_arn(self, region: str, account: str) -> str:
        return f"arn:aws:lambda:{region}:{account}:function:{self.function_name()}"

    def function_name(self) -> str:
        # CloudFormation's generated name: stack name, logical id, a random suffix.
        return f"{self.stack_name}-{self.function_id}-AbCdEf123456"[:64]

    def schedules(
        self, region: str, account: str, parameters: Mapping[str, str] | None = None
    ) -> list[Schedule]:
        """Every EventBridge rule of the template with a schedule whose target is the
        function, its input resolved as CloudFormation resolves it (a rule sends its
        Input, a JSON text, as the event), with `parameters` over the artefact's own."""
        given = {**self.parameters, **(parameters or {})}
        context = _Intrinsics(self, region, account, parameter_values(self.template, given))
        resources: dict[str, Any] = self.template["Resources"]
        found = []
        for logical_id, resource in resources.items():
            if resource["Type"] != EVENTS_RULE:
                continue
            properties = resource["Properties"]
            for target in properties.get("Targets", []):
                if target["Arn"] != {"Fn::GetAtt": [self.function_id, "Arn"]}:
                    continue
                if "InputTransformer" in target:
                    transformer = target["InputTransformer"]
                    template = context.resolve(transformer["InputTemplate"])
                    paths = dict(transformer.get("InputPathsMap", {}))
                else:
                    template, paths = context.resolve(target["Input"]), {}
                found.append(
                    Schedule(
                        rule_id=logical_id,
                        expression=properties.get("ScheduleExpression"),
                        state=properties.get("State", "ENABLED"),
                        input_template=template,
                        input_paths=paths,
                        depends_on=tuple(resource.get("DependsOn", ())),
                        invoke_permitted=_invoke_permitted(resources, self.function_id, logical_id),
                    )
                )
        return found


# When the test's scheduled runs happen unless a test says otherwise: the first hour of a
# four-hour slot of ACCOUNT (123456789012 % 4 == 0), in which its held request may go out.
SCHEDULED_AT = "2026-12-07T12:05:00Z"


@dataclass(frozen=True)
class Schedule:
    """A rule that sends the function an event on a schedule."""

    rule_id: str
    expression: str | None
    state: str
    # The target's Input, or its InputTransformer's InputTemplate, with intrinsics resolved.
    input_template: str
    # The InputTransformer's InputPathsMap: placeholder -> JSON path in the scheduled event.
    input_paths: dict[str, str]
    depends_on: tuple[str, ...]
    invoke_permitted: bool  # a Lambda permission lets events.amazonaws.com, for this rule

    def event_at(self, time: str, account: str = "123456789012") -> dict[str, Any]:
        """What the function receives for the scheduled event EventBridge makes at
        ``time`` (its envelope: "Scheduled Event", source aws.events): each placeholder of
        the template replaced by the envelope's value, as JSON (EventBridge user guide,
        "Amazon EventBridge input transformation")."""
        envelope = {"time": time, "account": account, "source": "aws.events",
                    "detail-type": "Scheduled Event", "detail": {}}  # fmt: skip
        text = self.input_template
        for name, path in self.input_paths.items():
            assert path.startswith("$."), path
            text = text.replace(f"<{name}>", json.dumps(envelope[path[2:]]))
        event: dict[str, Any] = json.loads(text)
        return event

    @property
    def event(self) -> dict[str, Any]:
        """What the function receives for a run at SCHEDULED_AT."""
        return self.event_at(SCHEDULED_AT)


def _invoke_permitted(resources: Mapping[str, Any], function_id: str, rule_id: str) -> bool:
    return any(
        r["Type"] == "AWS::Lambda::Permission"
        and r["Properties"].get("Action") == "lambda:InvokeFunction"
        and r["Properties"].get("Principal") == "events.amazonaws.com"
        and r["Properties"].get("FunctionName") == {"Fn::GetAtt": [function_id, "Arn"]}
        and r["Properties"].get("SourceArn") == {"Fn::GetAtt": [rule_id, "Arn"]}
        for r in resources.values()
    )


@dataclass(frozen=True)
class Synthesized:
    """The cloud assemblies of the contract stacks, and what the process that synthesized
    the installed-package stack reported about the package it imported."""

    artefacts: dict[str, Artefact]
    installed_report: dict[str, Any]
    # Each artefact's code folder as read from its template (running the function later
    # writes __pycache__ into it).
    code_files: dict[str, tuple[str, ...]]


def parameter_values(template: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, Any]:
    """Each declared parameter's value as CloudFormation resolves it: the given value,
    else the default; a CommaDelimitedList split at commas with each member trimmed.
    Raises ParameterRefused as CloudFormation refuses the stack: an undeclared or missing
    parameter, a value outside AllowedValues or AllowedPattern, or of the wrong length."""
    declared: dict[str, Any] = template.get("Parameters", {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ParameterRefused(f"Parameters: {unknown} do not exist in the template")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given:
            raw = given[name]
        elif "Default" in spec:
            raw = str(spec["Default"])
        else:
            raise ParameterRefused(f"Parameters: [{name}] must have values")
        kind = spec.get("Type", "String")
        if kind == "String":
            members = [raw]
            values[name] = raw
        elif kind == "CommaDelimitedList":
            members = [member.strip() for member in raw.split(",")]
            values[name] = members
        elif kind.startswith("AWS::SSM::Parameter::Value<"):
            # CDK's BootstrapVersion: read from SSM, which the harness does not model.
            values[name] = _FromSsm(name)
            continue
        else:
            raise ValueError(f"the contract harness does not resolve parameters of type {kind}")
        for member in members:
            _check_parameter(name, spec, member)
    return values


def _check_parameter(name: str, spec: Mapping[str, Any], value: str) -> None:
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in allowed:
        raise ParameterRefused(f"Parameter '{name}' must be one of AllowedValues")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and not re.fullmatch(pattern, value):
        raise ParameterRefused(f"Parameter '{name}' must match pattern {pattern}")
    if not int(spec.get("MinLength", 0)) <= len(value) <= int(spec.get("MaxLength", 1 << 30)):
        raise ParameterRefused(f"Parameter '{name}' has a length outside its limits")


class _Intrinsics:
    def __init__(
        self, artefact: Artefact, region: str, account: str, parameters: Mapping[str, Any]
    ) -> None:
        self.artefact = artefact
        self.pseudo: dict[str, Any] = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": artefact.stack_name,
            "AWS::NoValue": NO_VALUE,
        }
        self.parameters = parameters
        self.conditions: dict[str, Any] = artefact.template.get("Conditions", {})
        self.region = region
        self.account = account

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self.resolve(v) for v in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                if arg in self.pseudo:
                    return self.pseudo[arg]
                if arg in self.parameters:
                    value = self.parameters[arg]
                    if isinstance(value, _FromSsm):
                        raise ValueError(f"cannot resolve Ref {arg!r}: its value is in SSM")
                    return value
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
                return separator.join(str(p) for p in self._list(parts))
            if key == "Fn::Select":
                index, items = arg
                return self._list(items)[int(self.resolve(index))]
            if key == "Fn::If":
                condition, if_true, if_false = arg
                return self.resolve(if_true if self.condition(condition) else if_false)
            if key.startswith("Fn::"):
                raise ValueError(f"the contract harness does not resolve {key}")
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def _list(self, value: Any) -> list[Any]:
        resolved = self.resolve(value)
        assert isinstance(resolved, list), f"not a list: {value!r}"
        return resolved

    def condition(self, name: str) -> bool:
        """A condition of the template's Conditions section, evaluated."""
        if name not in self.conditions:
            raise ValueError(f"no condition {name!r} in the template")
        return self._evaluate(self.conditions[name])

    def _evaluate(self, expression: Any) -> bool:
        ((key, arg),) = expression.items()
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::Equals":
            left, right = (self.resolve(a) for a in arg)
            return bool(left == right)
        if key == "Fn::Not":
            (inner,) = arg
            return not self._evaluate(inner)
        if key == "Fn::And":
            return all(self._evaluate(inner) for inner in arg)
        if key == "Fn::Or":
            return any(self._evaluate(inner) for inner in arg)
        raise ValueError(f"the contract harness does not evaluate the condition function {key}")


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
    return artefact_of(template, stack_name, outdir / f"{stack_name}.code")


def read_template(path: Path, stack_name: str, parameters: Mapping[str, str]) -> Artefact:
    """The custom resource of the template file at `path`, deployed as stack `stack_name`
    with `parameters`."""
    template = json.loads(path.read_text())
    return artefact_of(template, stack_name, path.parent / f"{stack_name}.code", parameters)


def artefact_of(
    template: dict[str, Any],
    stack_name: str,
    code_dir: Path,
    parameters: Mapping[str, str] | None = None,
) -> Artefact:
    """The custom resource of `template` and its function, whose inline code is written
    to `code_dir`."""
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
        code_dir=_inline_code(fprops, code_dir),
        get_atts=get_atts_of(template, resource_id),
        allowed_actions=_allowed_actions(resources, fprops.get("Role")),
        service_timeout_seconds=(
            int(properties["ServiceTimeout"]) if "ServiceTimeout" in properties else None
        ),
        parameters=dict(parameters or {}),
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


def _inline_code(function_properties: Mapping[str, Any], code_dir: Path) -> Path:
    """`code_dir` holding the function's inline code as CloudFormation deploys it: the
    ZipFile text as index.py, nothing else."""
    code = function_properties["Code"]
    assert set(code) == {"ZipFile"}, f"the function's code is not inline: {sorted(code)}"
    handler_module = str(function_properties["Handler"]).rsplit(".", 1)[0]
    assert handler_module == INLINE_MODULE, f"inline code runs only as {INLINE_MODULE}.*"
    text = code["ZipFile"]
    assert isinstance(text, str), f"the inline code is not plain text: {text!r}"
    code_dir.mkdir(parents=True)
    (code_dir / f"{INLINE_MODULE}.py").write_text(text, encoding="utf-8")
    return code_dir


def synthesize(
    command: Sequence[str],
    outdir: Path,
    cwd: Path = ROOT,
    context: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start synthesizing (as ``cdk synth`` would run the app, with ``-c KEY=VALUE`` for
    each of `context`) into `outdir`; the caller waits, so that two apps can synthesize at
    once."""
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
        CDK_CONTEXT_JSON=json.dumps({**cdk_json.get("context", {}), **(context or {})}),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return subprocess.Popen(
        list(command), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def write_plain_template(output: Path) -> subprocess.Popen[bytes]:
    """Start ``ses-production-access template --output OUTPUT``, the console script this
    venv installed, as a user would run it: outside the repo, nothing of CDK's or AWS's
    in the environment."""
    script = Path(sys.executable).parent / "ses-production-access"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDK_", "AWS_"))}
    return subprocess.Popen(
        [str(script), "template", "--output", str(output)],
        cwd=output.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(process: subprocess.Popen[bytes], what: str) -> None:
    output, _ = process.communicate(timeout=SYNTH_TIMEOUT_SECONDS)
    if process.returncode != 0:
        raise AssertionError(f"synthesizing {what} failed:\n{output.decode(errors='replace')}")


def example_app_command() -> list[str]:
    """app.py as cdk.json's "app" runs it, with this interpreter."""
    return [sys.executable, str(ROOT / "app.py")]


def watching_app_command() -> list[str]:
    """watching_app.py (the watcher on), with this interpreter."""
    return [sys.executable, str(WATCHING_APP)]


# Runs installed_app.py in the interpreter of the venv the wheel is installed in, then
# reports where the package (and so the handler file read into the function's inline code)
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
from ses_production_access.inline.code import handler_code_path

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
    tests/support/wheel_install.py): isolated mode, so that neither the source tree nor this
    folder is on the import path. The process writes what it imported to `report`."""
    return [
        str(python), "-I", "-c", _INSTALLED_RUNNER,
        str(INSTALLED_APP), str(ROOT), str(dependencies), str(report),
    ]  # fmt: skip
