"""What SesProductionAccess costs next to the aws-cdk-lib alternatives, measured in one run.

    .venv/bin/python benchmarks/run.py [--runs N] [--quick] [--skip-suite] [--json PATH]
                                       [--markdown]

1. Template footprint of the same job done three ways (``benchmarks/stacks.py``): resources
   added to an empty stack, Lambda functions, IAM roles, template bytes with and without the
   job (the empty stack), asset bytes, and the Lambda invocations per deployment that the
   template implies. Plus the sizes that CloudFormation's 51,200-byte ``TemplateBody`` limit
   is about: the plain template (``ses-production-access template``) and the handler, as
   shipped and as inlined.
2. Synthesis time: every variant synthesized in a fresh process (medians of ``--runs``
   samples, round-robin) and its ratio to the empty stack; plus the in-process cost of each
   variant's own constructs once the one-off start-up is paid.
3. The handler: cold start (fresh ``python -I -S`` process: import, then a first Create
   against the contract tests' local SES v2 endpoint) and warm invocations; SES API calls
   per deployment for each account state. The same for a minimal Provider handler.
4. ``ses-production-access status --all-regions``: wall time against a local SES endpoint
   that answers each call after 200 ms, next to the same calls one Region after another.
5. The test suite's wall time.

Prints the tables and writes everything (raw samples included) as JSON. Nothing here talks
to AWS: the SES endpoint and the CloudFormation response receiver listen on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TESTS = ROOT / "tests"
STACKS = BENCH / "stacks.py"
HANDLER_CHILD = BENCH / "handler_child.py"
DEFAULT_JSON = BENCH / "results.json"

sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(TESTS))

from stacks import STACK_NAME, VARIANTS  # noqa: E402
from support import CA_FILE, ResponseReceiver, load_event  # noqa: E402

LABELS = {
    "empty": "empty stack",
    "construct": "SesProductionAccess",
    "aws_custom_resource": "2 x AwsCustomResource",
    "provider": "Provider + Python fn",
}
HANDLERS: dict[str, dict[str, str]] = {
    # The construct's own handler: the inline code of the synthesized construct stack,
    # written to index.py as CloudFormation does (see inline_code_dir).
    "construct": {"code": "", "module": "index", "entry": "run"},
    # The Provider variant's minimal on_event function.
    "provider": {
        "code": str(BENCH / "provider_handler"),
        "module": "index",
        "entry": "on_event",
    },
}
ACCOUNT_STATES = ("production", "pending", "sandbox")
SES_OPERATIONS = ("GetAccount", "PutAccountDetails")
# What the AwsCustomResource pair sends per Create/Update, whatever the account's state:
# its two SDK calls, unconditionally (derived from the template, not run: the handler is
# Node.js code that needs the Lambda runtime's AWS SDK).
AWS_CUSTOM_RESOURCE_CALLS = {"GetAccount": 1, "PutAccountDetails": 1}

RESOURCE_LIMIT = 5
TEMPLATE_BODY_MAX_BYTES = 51_200  # CreateStack / CreateStackSet TemplateBody
TEMPLATE_AIM_BYTES = 40_000  # room left for the features still to come
HANDLER_SOURCE = ROOT / "lambda" / "index.py"
CLI = Path(sys.executable).parent / "ses-production-access"
ALTERNATIVES_STATED = {"aws_custom_resource": 6, "provider": 7}
SYNTH_RATIO_LIMIT = 1.10
SYNTH_TIMEOUT_S = 300
CHILD_TIMEOUT_S = 120
SUITE_TIMEOUT_S = 3600


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"median": median(values), "min": min(values), "max": max(values), "n": len(values)}


# --------------------------------------------------------------------------------------
# 1. Template footprint
# --------------------------------------------------------------------------------------


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
        env=_cdk_env(),
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


# --------------------------------------------------------------------------------------
# 2. Synthesis time
# --------------------------------------------------------------------------------------


def _cdk_env(outdir: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CDK_")}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    if outdir is not None:
        env["CDK_OUTDIR"] = str(outdir)
    return env


def _last_json_line(text: str) -> dict[str, Any]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            parsed: dict[str, Any] = json.loads(line)
            return parsed
    raise RuntimeError(f"no JSON line in the output:\n{text[-2000:]}")


def run_child(
    args: Sequence[str], what: str, cwd: Path, env: dict[str, str], timeout: float
) -> tuple[dict[str, Any], float]:
    """Run one of our own scripts; return the last JSON line it printed and its wall time."""
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603  (our own scripts, fixed arguments)
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{proc.stderr[-4000:]}")
    return _last_json_line(proc.stdout), wall


def synth_once(variant: str, outdir: Path) -> dict[str, Any]:
    sample, wall = run_child(
        [str(STACKS), variant], f"synthesis of {variant}", ROOT, _cdk_env(outdir), SYNTH_TIMEOUT_S
    )
    sample["wall_s"] = wall
    return sample


def synthesis(
    runs: int, work: Path, warm_processes: int, warm_rounds: int, warm_up: bool
) -> dict[str, Any]:
    """Fresh-process samples, round-robin with a rotating order (so no variant always runs
    first after a pause); then `warm_processes` processes per variant that time its first
    and later build + synth after an empty stack's synthesis."""
    if warm_up:
        log("synthesis: one unrecorded warm-up process (disk cache, Node code cache)")
        synth_once("empty", work / "warm-up")
    samples: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    outdirs: dict[str, Path] = {}
    for round_ in range(runs):
        order = VARIANTS[round_ % len(VARIANTS) :] + VARIANTS[: round_ % len(VARIANTS)]
        for variant in order:
            outdir = work / f"{variant}-{round_}"
            samples[variant].append(synth_once(variant, outdir))
            outdirs.setdefault(variant, outdir)
        log(f"synthesis: round {round_ + 1}/{runs} done")

    # Several processes per variant, round-robin: 'first use' is one sample per process.
    first: dict[str, list[float]] = {v: [] for v in VARIANTS}
    steady: dict[str, list[float]] = {v: [] for v in VARIANTS}
    trips: dict[str, list[int]] = {v: [] for v in VARIANTS}
    for process in range(warm_processes):
        for variant in VARIANTS:
            report, _ = run_child(
                [
                    str(STACKS),
                    "--warm",
                    str(warm_rounds),
                    str(work / f"warm-{variant}-{process}"),
                    variant,
                ],
                f"in-process synthesis of {variant}",
                ROOT,
                _cdk_env(),
                SYNTH_TIMEOUT_S,
            )
            times = report["times"]
            first[variant].append(times[0])
            steady[variant].extend(times[1:])
            trips[variant].append(report["round_trips"])
        log(f"synthesis: in-process rounds, process {process + 1}/{warm_processes} done")

    empty_wall = median([s["wall_s"] for s in samples["empty"]])
    empty_min = min(s["wall_s"] for s in samples["empty"])
    empty_warm = median(steady["empty"])
    empty_first = median(first["empty"])
    result: dict[str, Any] = {}
    for variant in VARIANTS:
        walls = [s["wall_s"] for s in samples[variant]]
        result[variant] = {
            "wall_s": spread(walls),
            "ratio_to_empty": median(walls) / empty_wall,
            "import_s": median([s["import_s"] for s in samples[variant]]),
            "modules_s": median([s["modules_s"] for s in samples[variant]]),
            "build_s": median([s["build_s"] for s in samples[variant]]),
            "synth_s": median([s["synth_s"] for s in samples[variant]]),
            "ratio_of_fastest": min(walls) / empty_min,
            "first_use_s": spread(first[variant]),
            "first_use_added_s": median(first[variant]) - empty_first,
            "in_process_repeat_s": spread(steady[variant]),
            "in_process_added_s": median(steady[variant]) - empty_warm,
            # One steady build + synth, counted: the same in every process.
            "jsii_round_trips": max(trips[variant]),
            "samples": samples[variant],
        }
    return {"variants": result, "outdirs": {k: str(v) for k, v in outdirs.items()}}


# --------------------------------------------------------------------------------------
# 3. The handler
# --------------------------------------------------------------------------------------


@dataclass
class Endpoints:
    """The contract tests' SES v2 endpoint and a CloudFormation response receiver."""

    ses: Any
    receiver: ResponseReceiver


@contextmanager
def endpoints(state: str, region: str) -> Iterator[Endpoints]:
    from contract.ses_endpoint import SesEndpoint

    with SesEndpoint() as ses, ResponseReceiver() as receiver:
        account = ses.account(region)
        if state == "production":
            account.grant()
        elif state == "pending":
            account.review("PENDING")
        elif state != "sandbox":
            raise ValueError(state)
        yield Endpoints(ses, receiver)


def _child_env(ses_url: str, region: str) -> dict[str, str]:
    """What a Lambda function's environment would hold, pointed at 127.0.0.1; nothing of
    the caller's AWS configuration leaks in."""
    from contract.ses_endpoint import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY

    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL_SESV2": ses_url,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1",
        # The response receiver's test CA: the handler answers only https URLs.
        "SSL_CERT_FILE": CA_FILE,
    }


def invoke_child(
    handler: str, endpoints_: Endpoints, region: str, invocations: int, work: Path
) -> dict[str, Any]:
    """One fresh process: import the handler, invoke it `invocations` times (first cold)."""
    event_file = work / "event.json"
    event_file.write_text(json.dumps(load_event("create", response_url=endpoints_.receiver.url)))
    # The code as the Lambda package holds it: no .pyc, so the module is compiled at
    # import as on Lambda; -B keeps it that way.
    code = work / f"code-{handler}"
    if not code.exists():
        shutil.copytree(
            HANDLERS[handler]["code"], code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    config: dict[str, Any] = {
        **HANDLERS[handler],
        "code": str(code),
        "site": sysconfig.get_paths()["purelib"],
        "event": str(event_file),
        "invocations": invocations,
    }
    calls_before = {op: endpoints_.ses.count(op) for op in SES_OPERATIONS}
    puts_before = len(endpoints_.receiver.accepted)
    spawned_at = time.time()
    result, wall = run_child(
        ["-I", "-S", "-B", str(HANDLER_CHILD), json.dumps(config)],
        f"{handler} handler process",
        work,
        _child_env(endpoints_.ses.url, region),
        CHILD_TIMEOUT_S,
    )
    result["process_wall_s"] = wall
    result["interpreter_start_s"] = result["started_at"] - spawned_at
    result["ses_calls"] = {op: endpoints_.ses.count(op) - calls_before[op] for op in SES_OPERATIONS}
    result["response_puts"] = len(endpoints_.receiver.accepted) - puts_before
    return result


def handler_bench(cold_runs: int, warm_invocations: int, work: Path) -> dict[str, Any]:
    event = load_event("create")
    region = str(event["ResourceProperties"]["Region"])
    cold: dict[str, list[dict[str, Any]]] = {h: [] for h in HANDLERS}
    with endpoints("production", region) as production:
        for run in range(cold_runs):
            for handler in HANDLERS:
                cold[handler].append(
                    invoke_child(handler, production, region, 1 + warm_invocations, work)
                )
            log(f"handler: cold start {run + 1}/{cold_runs} done")

    timing: dict[str, Any] = {}
    for handler, samples in cold.items():
        first = [s["invocations_s"][0] for s in samples]
        imports = [s["import_s"] for s in samples]
        warm = [d for s in samples for d in s["invocations_s"][1:]]
        invocations = sum(len(s["invocations_s"]) for s in samples)
        get_calls = sum(s["ses_calls"]["GetAccount"] for s in samples)
        timing[handler] = {
            "interpreter_start_s": spread([s["interpreter_start_s"] for s in samples]),
            "import_s": spread(imports),
            "first_invocation_s": spread(first),
            "cold_total_s": spread([i + f for i, f in zip(imports, first, strict=True)]),
            "process_wall_s": spread([s["process_wall_s"] for s in samples]),
            "warm_invocation_s": spread(warm),
            "boto3_imported_by_module_import": samples[0]["boto3_imported_by_module_import"],
            "statuses": sorted({st for s in samples for st in s["statuses"]}),
            "ses_calls_per_invocation_in_production": get_calls / invocations,
        }

    per_state: dict[str, dict[str, Any]] = {h: {} for h in HANDLERS}
    for state in ACCOUNT_STATES:
        for handler in HANDLERS:
            with endpoints(state, region) as ends:
                sample = invoke_child(handler, ends, region, 1, work)
            per_state[handler][state] = {
                "ses_calls": sample["ses_calls"],
                "total_ses_calls": sum(sample["ses_calls"].values()),
                "status": sample["statuses"][0],
                "sandbox_status": sample["data"].get("SandboxStatus"),
                "response_puts": sample["response_puts"],
            }
        log(f"handler: SES calls in state {state} counted")
    per_state["aws_custom_resource"] = {
        state: {
            "ses_calls": dict(AWS_CUSTOM_RESOURCE_CALLS),
            "total_ses_calls": sum(AWS_CUSTOM_RESOURCE_CALLS.values()),
            "derived": True,
        }
        for state in ACCOUNT_STATES
    }
    return {"timing": timing, "ses_calls_per_deploy": per_state, "region": region}


# --------------------------------------------------------------------------------------
# 4. The status command
# --------------------------------------------------------------------------------------

STATUS_DELAY_S = 0.2  # each GetAccount is answered after this long
STATUS_TIMEOUT_S = 30.0
STATUS_HOME_REGION = "eu-west-1"


@contextmanager
def _aws_environment(ses_url: str) -> Iterator[dict[str, str]]:
    """This process's environment pointed at the local SES endpoint (restored after);
    yields the same for a child process."""
    child = {
        **_child_env(ses_url, STATUS_HOME_REGION),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        os.environ.pop(name, None)
    os.environ.update({k: v for k, v in child.items() if k.startswith("AWS_")})
    try:
        yield child
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _script_wall(args: Sequence[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, exit code, lines printed) of the console script."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603  (our own console script)
        [str(CLI), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return time.perf_counter() - started, done.returncode, len(done.stdout.splitlines())


def status_bench() -> dict[str, Any]:
    """`status --all-regions` against a local SES endpoint that answers each GetAccount
    after STATUS_DELAY_S, next to the same reads one Region after another."""
    import boto3
    from contract.ses_endpoint import SesEndpoint, slow

    from ses_production_access.cli import common
    from ses_production_access.cli import status as status_command

    default_session = boto3.DEFAULT_SESSION
    with SesEndpoint() as ses, _aws_environment(ses.url) as child_env:
        ses.always("GetAccount", slow(STATUS_DELAY_S))
        regions = status_command.ses_regions(common.aws_session(None))
        status_command.read_regions(regions[:1], STATUS_TIMEOUT_S)  # the handler, the SDK's models
        started = time.perf_counter()
        parallel_rows = status_command.read_regions(regions, STATUS_TIMEOUT_S)
        parallel = time.perf_counter() - started
        started = time.perf_counter()
        sequential_rows = [
            row
            for region in regions
            for row in status_command.read_regions([region], STATUS_TIMEOUT_S)
        ]
        sequential = time.perf_counter() - started
        script_all = _script_wall(["status", "--all-regions", "--json"], child_env)
        script_one = _script_wall(["status", "--json"], child_env)
        failed = [r.region for r in parallel_rows + sequential_rows if r.error_code is not None]
    boto3.DEFAULT_SESSION = default_session
    if failed or script_all[2] != len(regions):
        raise RuntimeError(f"status against the local endpoint failed: {failed or script_all}")
    return {
        "regions": len(regions),
        "answer_delay_s": STATUS_DELAY_S,
        "parallel_s": parallel,
        "sequential_s": sequential,
        "speed_up": sequential / parallel,
        "script_all_regions_wall_s": script_all[0],
        "script_all_regions_exit_code": script_all[1],
        "script_one_region_wall_s": script_one[0],
    }


# --------------------------------------------------------------------------------------
# 5. The test suite
# --------------------------------------------------------------------------------------


def suite() -> dict[str, Any]:
    log("suite: running pytest (this takes a while)")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        capture_output=True,
        text=True,
        timeout=SUITE_TIMEOUT_S,
        check=False,
    )
    wall = time.perf_counter() - started
    summary = next(
        (
            line
            for line in reversed(proc.stdout.strip().splitlines())
            if re.search(r"\d+ (passed|failed|error)", line)
        ),
        "",
    )
    counts = {
        ("error" if kind == "errors" else kind): int(number)
        for number, kind in re.findall(
            r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)", summary
        )
    }
    return {"wall_s": wall, "exit_code": proc.returncode, "counts": counts, "summary": summary}


# --------------------------------------------------------------------------------------
# Targets and report
# --------------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    fp = results["footprint"]
    found: list[dict[str, Any]] = []
    added = fp["construct"]["resources_added"]
    found.append(
        {
            "target": f"construct adds at most {RESOURCE_LIMIT} resources",
            "value": added,
            "met": added <= RESOURCE_LIMIT,
            "why": ", ".join(f"{n} {t}" for t, n in fp["construct"]["resource_types"].items()),
        }
    )
    for variant, stated in ALTERNATIVES_STATED.items():
        value = fp[variant]["resources_added"]
        found.append(
            {
                "target": f"{LABELS[variant]} needs {stated} resources (as the issue states)",
                "value": value,
                "met": value == stated,
                "why": ", ".join(f"{n} {t}" for t, n in fp[variant]["resource_types"].items()),
            }
        )
    template_bytes = fp["construct"]["template_bytes"]
    for limit, why in (
        (TEMPLATE_BODY_MAX_BYTES, "CloudFormation's direct TemplateBody limit"),
        (TEMPLATE_AIM_BYTES, "room for the features still to come"),
    ):
        found.append(
            {
                "target": f"construct's template at most {limit:,} bytes",
                "value": template_bytes,
                "met": template_bytes <= limit,
                "why": f"{why}; the handler inline is "
                f"{results['sizes']['handler_inline_bytes']:,} bytes of it",
            }
        )
    plain_bytes = results["sizes"]["plain_template_bytes"]
    found.append(
        {
            "target": f"plain template at most {TEMPLATE_BODY_MAX_BYTES:,} bytes",
            "value": plain_bytes,
            "met": plain_bytes <= TEMPLATE_BODY_MAX_BYTES,
            "why": "deployable with --template-file and as a StackSet's TemplateBody",
        }
    )
    invocations = fp["construct"]["lambda_invocations_per_event"]
    found.append(
        {
            "target": "one Lambda invocation per deploy",
            "value": invocations,
            "met": invocations == 1,
            "why": "the custom resource's service token is the function itself (no framework)",
        }
    )
    handler = results.get("handler")
    if handler:
        calls = handler["ses_calls_per_deploy"]["construct"]
        for state in ("production", "pending"):
            total = calls[state]["total_ses_calls"]
            found.append(
                {
                    "target": f"one SES call per deploy when nothing needs doing ({state})",
                    "value": total,
                    "met": total == 1,
                    "why": ", ".join(f"{n} {op}" for op, n in calls[state]["ses_calls"].items()),
                }
            )
    synth = results["synthesis"]["variants"]["construct"]
    ratio = synth["ratio_to_empty"]
    empty_wall = results["synthesis"]["variants"]["empty"]["wall_s"]["median"]
    limit_ms = (SYNTH_RATIO_LIMIT - 1) * empty_wall * 1000
    found.append(
        {
            "target": f"synthesis within {SYNTH_RATIO_LIMIT - 1:.0%} of the empty stack",
            "value": round(ratio, 3),
            "met": ratio <= SYNTH_RATIO_LIMIT,
            "why": (
                f"median {synth['wall_s']['median']:.2f} s vs {empty_wall:.2f} s, fastest "
                f"samples {synth['ratio_of_fastest']:.2f}x; {SYNTH_RATIO_LIMIT - 1:.0%} is "
                f"{limit_ms:.0f} ms. The construct's first use in a process costs "
                f"{synth['first_use_added_s'] * 1000:.0f} ms more than an empty stack's "
                f"(importing aws_lambda, aws_iam, aws_logs and the library: "
                f"{synth['modules_s'] * 1000:.0f} ms in a fresh process), later uses "
                f"{synth['in_process_added_s'] * 1000:.0f} ms; an app that already has a "
                "Lambda function pays only the latter. Medians of a loaded machine are noise."
            ),
        }
    )
    return found


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool = False) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        )

    return "\n".join([line(headers), "  ".join("-" * w for w in widths)] + [line(r) for r in rows])


def _ms(value: float) -> str:
    return f"{value * 1000:.0f}"


def _kb(value: int) -> str:
    return f"{value / 1024:.1f}"


def main_table(results: dict[str, Any], markdown: bool = False) -> str:
    fp = results["footprint"]
    synth = results["synthesis"]["variants"]
    calls = (results.get("handler") or {}).get("ses_calls_per_deploy", {})
    headers = [
        "approach",
        "resources",
        "functions",
        "roles",
        "template bytes",
        "+ vs empty",
        "assets KiB (zip)",
        "synth s",
        "x empty",
        "invocations",
        "SES calls prod/pend/sandbox",
    ]
    rows = []
    for variant in VARIANTS:
        f, s = fp[variant], synth[variant]
        per_state = calls.get(variant)
        if per_state:
            ses = "/".join(str(per_state[st]["total_ses_calls"]) for st in ACCOUNT_STATES)
            if any(v.get("derived") for v in per_state.values()):
                ses += " *"
        else:
            ses = "-"
        rows.append(
            [
                LABELS[variant],
                f"+{f['resources_added']}" if variant != "empty" else "0",
                str(f["lambda_functions"]),
                str(f["iam_roles"]),
                f"{f['template_bytes']:,}",
                f"+{f['template_bytes_added']:,}" if variant != "empty" else "-",
                f"{_kb(f['asset_raw_bytes'])} ({_kb(f['asset_zipped_bytes'])})",
                f"{s['wall_s']['median']:.2f}",
                f"{s['ratio_to_empty']:.2f}",
                str(f["lambda_invocations_per_event"]) if variant != "empty" else "-",
                ses,
            ]
        )
    return table(headers, rows, markdown)


def report(results: dict[str, Any]) -> str:
    out = io.StringIO()

    def say(text: str = "") -> None:
        out.write(text + "\n")

    meta = results["meta"]
    say(
        f"ses-production-access benchmark: aws-cdk-lib {meta['aws_cdk_lib']}, "
        f"Python {meta['python']}, Node {meta['node']}, {meta['cpus']} CPUs, load "
        f"{meta['load_before'][0]:.2f} -> {meta['load_after'][0]:.2f}"
        + (" (QUICK: few samples, indicative only)" if meta["quick"] else "")
    )
    say()
    say(main_table(results))
    say()
    say(
        "resources: added to an empty stack (no CDK metadata). template bytes: the stack's "
        "template file as the CLI writes it, and what the job adds to the empty stack's "
        "(its BootstrapVersion parameter and rule). invocations: Lambda "
        "invocations per Create/Update, from the template. synth: median wall time of a "
        f"fresh process ({meta['runs']} runs each) and ratio to the empty stack. SES calls: "
        "per Create/Update for an account in production / pending review / sandbox, counted "
        "by the local SES endpoint; * = derived (both SDK calls always run, not executed "
        "here). AwsCustomResource uses install_latest_aws_sdk=False (the Lambda runtime's "
        "SDK). The Provider's function is a minimal equivalent (benchmarks/provider_handler)."
    )
    say()
    size = results["sizes"]
    say(
        f"Sizes (bytes): plain template (ses-production-access template) "
        f"{size['plain_template_bytes']:,}; handler lambda/index.py "
        f"{size['handler_source_bytes']:,} as shipped, {size['handler_inline_bytes']:,} "
        f"inline (docstrings and comments stripped). CloudFormation takes a TemplateBody "
        f"of up to {TEMPLATE_BODY_MAX_BYTES:,}."
    )
    say()

    synth = results["synthesis"]["variants"]
    say(
        "Synthesis breakdown (seconds, medians of fresh processes; 'fastest' = best sample): "
        "import aws_cdk, import the variant's modules, build the tree, app.synth(). In one "
        "process after an empty stack's synthesis: '1st use' = the variant's first build + "
        "synth (module imports included), 'steady' = later ones; ms added to the empty stack's. "
        "jsii calls = messages from Python to the jsii kernel (Node.js) in one steady build + "
        "synth of the stack, each a round trip (the empty stack's included)."
    )
    say(
        table(
            [
                "approach",
                "wall",
                "fastest",
                "aws_cdk",
                "modules",
                "build",
                "synth",
                "1st use +ms",
                "steady +ms",
                "jsii calls",
            ],
            [
                [
                    LABELS[v],
                    f"{synth[v]['wall_s']['median']:.2f}",
                    f"{synth[v]['wall_s']['min']:.2f} ({synth[v]['ratio_of_fastest']:.2f}x)",
                    f"{synth[v]['import_s']:.2f}",
                    f"{synth[v]['modules_s']:.2f}",
                    f"{synth[v]['build_s']:.2f}",
                    f"{synth[v]['synth_s']:.2f}",
                    _ms(synth[v]["first_use_added_s"]),
                    _ms(synth[v]["in_process_added_s"]),
                    str(synth[v]["jsii_round_trips"]),
                ]
                for v in VARIANTS
            ],
        )
    )
    say(
        "Most of the wall time is paid by every stack alike: Python start-up, the jsii "
        "runtime (Node.js) loading aws-cdk-lib, and aws-cdk-lib's first synthesis in a process."
    )
    say()

    handler = results.get("handler")
    if handler:
        say(
            "Handler, one fresh `python -I -S -B` process per sample, code without .pyc "
            "(ms, medians; account in production)"
        )
        timing = handler["timing"]
        say(
            table(
                [
                    "handler",
                    "interpreter",
                    "import",
                    "1st invoke",
                    "import+1st",
                    "process",
                    "warm invoke",
                ],
                [
                    [
                        LABELS[h],
                        _ms(t["interpreter_start_s"]["median"]),
                        _ms(t["import_s"]["median"]),
                        _ms(t["first_invocation_s"]["median"]),
                        _ms(t["cold_total_s"]["median"]),
                        _ms(t["process_wall_s"]["median"]),
                        _ms(t["warm_invocation_s"]["median"]),
                    ]
                    for h, t in timing.items()
                ],
            )
        )
        say(
            f"Python {meta['python']} locally (the function runs Python 3.14 on arm64); "
            "'1st invoke' includes importing boto3 and one GetAccount plus, for the "
            "construct, the response PUT to CloudFormation (127.0.0.1 here)."
        )
        say()
        say("SES calls per deploy (Create/Update), by account state")
        rows = []
        for variant in ("construct", "aws_custom_resource", "provider"):
            for state in ACCOUNT_STATES:
                entry = handler["ses_calls_per_deploy"][variant][state]
                rows.append(
                    [
                        LABELS[variant],
                        state,
                        str(entry["ses_calls"]["GetAccount"]),
                        str(entry["ses_calls"]["PutAccountDetails"]),
                        entry.get("sandbox_status") or ("derived" if entry.get("derived") else "-"),
                    ]
                )
        say(table(["approach", "state", "GetAccount", "PutAccountDetails", "reports"], rows))
        say()

    status = results.get("status")
    if status:
        say(
            f"status --all-regions: {status['regions']} Regions, the local SES endpoint "
            f"answering each GetAccount after {status['answer_delay_s'] * 1000:.0f} ms: "
            f"{status['parallel_s']:.2f} s in parallel, {status['sequential_s']:.2f} s one "
            f"Region after another ({status['speed_up']:.0f}x). The console script: "
            f"{status['script_all_regions_wall_s']:.2f} s wall for every Region, "
            f"{status['script_one_region_wall_s']:.2f} s for one (start-up: Python, "
            "aws-cdk-lib's import, boto3)."
        )
        say()

    suite_result = results.get("suite")
    if suite_result:
        say(
            f"Test suite: {suite_result['wall_s']:.1f} s wall, {suite_result['summary'] or '?'} "
            f"(exit code {suite_result['exit_code']})"
        )
    else:
        say("Test suite: skipped (--skip-suite)")
    say()
    say("Targets")
    for t in results["targets"]:
        say(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['value']} ({t['why']})")
    return out.getvalue()


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(  # noqa: S603  (fixed version queries)
            command, capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
    except OSError:
        return "?"


def _meta(args: argparse.Namespace) -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "runs": args.runs,
        "python": platform.python_version(),
        "aws_cdk_lib": version("aws-cdk-lib"),
        "jsii": version("jsii"),
        "boto3": version("boto3"),
        "node": _version(["node", "--version"]),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_before": list(os.getloadavg()),
    }


def _step(name: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = action()
    log(f"{name}: {time.perf_counter() - started:.1f} s")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="synthesis samples per stack (7)")
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run")
    parser.add_argument("--skip-suite", action="store_true", help="do not time the test suite")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--markdown", action="store_true", help="main table as Markdown")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 7
    cold_runs = 2 if args.quick else 7
    warm_invocations = 5 if args.quick else 20
    warm_processes = 1 if args.quick else 3
    warm_rounds = 3 if args.quick else 8

    results: dict[str, Any] = {"meta": _meta(args)}
    with tempfile.TemporaryDirectory(prefix="ses-bench-") as tmp:
        work = Path(tmp)
        synth = _step(
            "synthesis",
            lambda: synthesis(
                args.runs, work / "synth", warm_processes, warm_rounds, warm_up=not args.quick
            ),
        )
        results["footprint"] = {v: footprint(Path(synth["outdirs"][v])) for v in VARIANTS}
        for variant in VARIANTS:
            base = results["footprint"]["empty"]
            entry = results["footprint"][variant]
            entry["resources_added"] = entry["resources"] - base["resources"]
            entry["template_bytes_added"] = entry["template_bytes"] - base["template_bytes"]
        results["synthesis"] = {"variants": synth["variants"]}
        construct_outdir = Path(synth["outdirs"]["construct"])
        results["sizes"] = _step("sizes", lambda: sizes(construct_outdir, work))
        HANDLERS["construct"]["code"] = str(inline_code_dir(construct_outdir, work / "inline"))
        results["handler"] = _step(
            "handler", lambda: handler_bench(cold_runs, warm_invocations, work)
        )
    results["status"] = _step("status", status_bench)
    results["suite"] = None if args.skip_suite else _step("suite", suite)
    results["meta"]["load_after"] = list(os.getloadavg())
    results["targets"] = targets(results)
    results["table"] = main_table(results)
    results["table_markdown"] = main_table(results, markdown=True)

    print(report(results))
    if args.markdown:
        print(results["table_markdown"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
