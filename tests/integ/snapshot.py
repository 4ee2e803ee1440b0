"""The integ test's snapshot: written from the integ app, and compared with it offline.

    .venv/bin/python tests/integ/snapshot.py          # compare (what make test does)
    .venv/bin/python tests/integ/snapshot.py --update # write it again if more than the salt changed

integ-runner's own snapshot check does the same (synthesize, compare every stack's template
with the snapshot's, asset hashes aside), but @aws-cdk/integ-runner 2.197.10, the newest on
npm, reads cloud assemblies up to schema 53 and aws-cdk-lib 2.275 writes 55. The layout is
integ-runner's (``<test file>.snapshot/``), so it takes over once a release reads schema 55.
The snapshot keeps what the comparison and integ-runner read (manifest, integ manifest,
templates, asset and metadata manifests), not the assets themselves (the assertion
provider's 6 MB bundle) or the construct tree.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
APP = HERE / "integ_ses_production_access.py"
SNAPSHOT = HERE / f"{APP.name}.snapshot"
KEPT = re.compile(r"(manifest|integ)\.json|cdk\.out|.*\.(template|assets|metadata)\.json")
# integ-tests' assertion resources carry the synthesis time, to run on every deployment.
ALWAYS_NEW = {"salt"}
ASSERTION_TYPE = "Custom::DeployAssert@"


def synthesize(outdir: Path) -> None:
    """The integ app, synthesized as integ-runner runs it: a process of its own, offline,
    with no AWS configuration or credentials."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "CDK_"))
    }
    env.update(
        CDK_OUTDIR=str(outdir),
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    done = subprocess.run(
        [sys.executable, str(APP)],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{APP.name} failed to synthesize:\n{done.stderr[-4000:]}")


def write(snapshot: Path = SNAPSHOT) -> None:
    with tempfile.TemporaryDirectory(prefix="integ-") as tmp:
        synthesize(Path(tmp))
        shutil.rmtree(snapshot, ignore_errors=True)
        snapshot.mkdir(parents=True)
        for path in sorted(Path(tmp).iterdir()):
            if path.is_file() and KEPT.fullmatch(path.name):
                shutil.copyfile(path, snapshot / path.name)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _asset_ids(assembly: Path, stack: str) -> list[str]:
    manifest = assembly / f"{stack}.assets.json"
    if not manifest.exists():
        return []
    assets = _json(manifest)
    return [*assets.get("files", {}), *assets.get("dockerImages", {})]


def canonical(template: Any, asset_ids: list[str]) -> Any:
    """The template with each asset hash as AssetN and integ-tests' time salts dropped."""
    text = json.dumps(template)
    for number, asset in enumerate(asset_ids, start=1):
        text = text.replace(asset, f"Asset{number}Hash")
    canonical_template: Any = json.loads(text)
    for resource in canonical_template.get("Resources", {}).values():
        if str(resource.get("Type", "")).startswith(ASSERTION_TYPE):
            for name in ALWAYS_NEW:
                resource.get("Properties", {}).pop(name, None)
    return canonical_template


def _stacks(assembly: Path) -> list[str]:
    manifest = _json(assembly / "manifest.json")
    return sorted(
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    )


def differences(expected: Path, actual: Path) -> list[str]:
    """What differs between the snapshot (`expected`) and a fresh synthesis (`actual`)."""
    found: list[str] = []
    test_cases = [_json(where / "integ.json")["testCases"] for where in (expected, actual)]
    if test_cases[0] != test_cases[1]:
        found.append(f"integ.json test cases: {test_cases[0]} != {test_cases[1]}")
    stacks = (_stacks(expected), _stacks(actual))
    if stacks[0] != stacks[1]:
        found.append(f"stacks: {stacks[0]} != {stacks[1]}")
    for stack in sorted(set(stacks[0]) & set(stacks[1])):
        old, new = (
            json.dumps(
                canonical(_json(where / f"{stack}.template.json"), _asset_ids(where, stack)),
                indent=1,
                sort_keys=True,
            ).splitlines()
            for where in (expected, actual)
        )
        if old != new:
            diff = difflib.unified_diff(old, new, "snapshot", "synthesized", lineterm="", n=2)
            found.append(f"{stack}.template.json:\n" + "\n".join(list(diff)[:80]))
    return found


def compare(snapshot: Path = SNAPSHOT) -> list[str]:
    """Synthesize the integ app and compare it with the snapshot."""
    if not (snapshot / "manifest.json").exists():
        return [f"no snapshot in {snapshot}"]
    with tempfile.TemporaryDirectory(prefix="integ-") as tmp:
        synthesize(Path(tmp))
        return differences(snapshot, Path(tmp))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the snapshot again")
    args = parser.parse_args(argv)
    found = compare()
    if args.update:
        # Unchanged but for the time salt: kept, so that the commit shows no churn.
        if found:
            write()
        print(f"{'Wrote' if found else 'Up to date:'} {SNAPSHOT.relative_to(ROOT)}")
        return 0
    for difference in found:
        print(difference)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
