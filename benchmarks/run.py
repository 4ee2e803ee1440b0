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
4. The command line: start-up (``status --help``, and ``status`` for one Region) next to
   ``python -c "import boto3"``; ``status --all-regions`` against a local SES endpoint that
   answers each call after 200 ms, next to the same calls one Region after another; ``status``
   with one Region hanging and one refusing, bounded by ``--timeout``; ``organization`` over
   a roll-up of 10,000 account x Region rows from a local Logs Insights.
5. The test suite's wall time.

Prints the tables and writes everything (raw samples included) as JSON. Nothing here talks
to AWS: the SES endpoint and the CloudFormation response receiver listen on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from command_line import (
    bounded_bench,
    organization_bench,
    startup_bench,
    status_bench,
)
from common import (
    DEFAULT_JSON,
    HANDLERS,
    log,
)
from footprint import (
    footprint,
    inline_code_dir,
    sizes,
)
from invocation import (
    handler_bench,
)
from report import (
    main_table,
    report,
    targets,
)
from stacks import VARIANTS
from suite import (
    suite,
)
from synthesis import (
    synthesis,
)


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
    results["startup"] = _step("startup", startup_bench)
    results["bounded"] = _step("bounded", bounded_bench)
    results["organization"] = _step("organization", organization_bench)
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
