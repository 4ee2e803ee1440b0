"""The TemplateBody budget: the bytes of each template CloudFormation's 51,200-byte limit
applies to, with the watcher off (as shipped) and on, and what each optional feature of the
handler adds to the inline code.

A held request that asks by itself once the account is ready needs the watcher's scheduled
run in every template that holds (issue 18); this prints how much room each template has
for it. Run from the repository root: ``.venv/bin/python benchmarks/budget.py`` (under
10 s; offline). It prints numbers and asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402  (after the path: the checkout's package)
from constructs import Construct  # noqa: E402

from ses_production_access import MailType, SesProductionAccess, wire  # noqa: E402
from ses_production_access.construct.size_warning import code_bytes  # noqa: E402
from ses_production_access.defaults import TEMPLATE_BODY_MAX_BYTES  # noqa: E402
from ses_production_access.templates import plain  # noqa: E402


class _Watching(SesProductionAccess):
    """SesProductionAccess with the watcher on unless told otherwise."""

    def __init__(self, scope: Construct, id: str, **props: Any) -> None:
        super().__init__(scope, id, **{"watch": True, **props})


@contextmanager
def _plain_with_watcher() -> Iterator[None]:
    names = vars(plain)  # the name plain._build looks up
    shipped = names["SesProductionAccess"]
    names["SesProductionAccess"] = _Watching
    try:
        yield
    finally:
        names["SesProductionAccess"] = shipped


def plain_bytes(watch: bool) -> int:
    if not watch:
        return len(plain.template_json().encode("utf-8"))
    with _plain_with_watcher():
        return len(plain.template_json().encode("utf-8"))


def single_instance_bytes(watch: bool) -> int:
    """One instance with the default settings, written as app.py writes its stack."""
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        stack = cdk.Stack(
            app,
            "Budget",
            synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
            suppress_template_indentation=True,
        )
        SesProductionAccess(
            stack,
            "SesProductionAccess",
            mail_type=MailType.TRANSACTIONAL,
            website_url="https://example.com",
            use_case_description="Password resets and receipts for customers of example.com.",
            acknowledge_sending_policy=True,
            watch=watch,
        )
        app.synth()
        return (Path(outdir) / "Budget.template.json").stat().st_size


def example_app_bytes() -> int:
    """app.py as shipped (the watcher on, no topic given), in a process of its own (the
    jsii kernel of this one has read its environment already)."""
    with tempfile.TemporaryDirectory() as outdir:
        subprocess.run(  # noqa: S603  (our own interpreter and app)
            [sys.executable, str(ROOT / "app.py")],
            cwd=ROOT,
            env={**os.environ, "CDK_OUTDIR": outdir},
            check=True,
            capture_output=True,
        )
        return (Path(outdir) / "SesProductionAccessExample.template.json").stat().st_size


def feature_bytes() -> dict[str, int]:
    """What each feature adds to the core's inline code, as the template carries it (the
    code a feature needs, such as watch's events, is in both sides of the difference)."""
    added = {"core": code_bytes(frozenset())}
    for feature in wire.FEATURES:
        needed = frozenset({wire.NEEDS[feature]} if feature in wire.NEEDS else ())
        added[feature] = code_bytes(needed | {feature}) - code_bytes(needed)
    return added


def main() -> None:
    rows = [
        ("single instance, defaults", single_instance_bytes(False)),
        ("single instance, watch=True", single_instance_bytes(True)),
        ("example app (app.py, watch=True)", example_app_bytes()),
        ("plain template (as shipped)", plain_bytes(False)),
        ("plain template, watcher on", plain_bytes(True)),
    ]
    print(f"TemplateBody limit: {TEMPLATE_BODY_MAX_BYTES:,} bytes")
    print(f"{'template':36}  {'bytes':>7}  {'room':>7}")
    for name, size in rows:
        print(f"{name:36}  {size:7,}  {TEMPLATE_BODY_MAX_BYTES - size:7,}")
    print("inline code (JSON-escaped) by feature:")
    for name, size in feature_bytes().items():
        print(f"  {name:10} {size:7,}")


if __name__ == "__main__":
    main()
