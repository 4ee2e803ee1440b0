"""Each template's size, and which deployers take it.

CloudFormation takes a template of at most 51,200 bytes in a request (``TemplateBody``) and
up to 1 MB from S3 (``TemplateURL``); ``cdk deploy`` of a stack whose synthesizer uploads no
template sends its YAML as ``TemplateBody`` up to 51,200 characters (docs/without-cdk.md, "Its
size, and how to deploy it"; the sources are in ``../shared``'s facts and in the docs). For
each template a user deploys, with the defaults (the watcher on), this prints its bytes as
written, as compact JSON, as the CDK CLI's YAML, and who takes it; then what each optional
feature of the handler adds to the inline code.

Run from the repository root: ``.venv/bin/python benchmarks/budget.py`` (about 20 s;
offline). It prints numbers and asserts nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aws_cdk as cdk  # noqa: E402  (after the path: the checkout's package)

from ses_production_access import MailType, SesProductionAccess, wire  # noqa: E402
from ses_production_access.construct.size_warning import code_bytes  # noqa: E402
from ses_production_access.construct.template_yaml import (  # noqa: E402
    CLI_TEMPLATE_BODY_MAX_CHARACTERS,
    cli_characters,
)
from ses_production_access.defaults import TEMPLATE_BODY_MAX_BYTES  # noqa: E402
from ses_production_access.organization.stackset import SesProductionAccessStackSet  # noqa: E402
from ses_production_access.templates import plain  # noqa: E402

# Who takes a template, by how it reaches CloudFormation.
FROM_S3 = "from S3 (TemplateURL, 1 MB)"
BY_BODY = "as TemplateBody (51,200 bytes)"


def single_instance(synthesizer: cdk.IStackSynthesizer | None, watch: bool = True) -> str:
    """One instance with the default settings, as a user's stack writes it."""
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        stack = cdk.Stack(app, "Budget", synthesizer=synthesizer)
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
        return (Path(outdir) / "Budget.template.json").read_text(encoding="utf-8")


def example_app() -> tuple[str, dict[str, Any]]:
    """app.py as `cdk synth` runs it (cdk.json's context, path metadata on), in a process
    of its own: its template and its stack's artifact properties in manifest.json."""
    # What `cdk synth` adds by default (pathMetadata and versionReporting on).
    context = {
        **json.loads((ROOT / "cdk.json").read_text())["context"],
        "aws:cdk:enable-path-metadata": True,
        "aws:cdk:version-reporting": True,
    }
    with tempfile.TemporaryDirectory() as outdir:
        subprocess.run(  # noqa: S603  (our own interpreter and app)
            [sys.executable, str(ROOT / "app.py")],
            cwd=ROOT,
            env={**os.environ, "CDK_OUTDIR": outdir, "CDK_CONTEXT_JSON": json.dumps(context)},
            check=True,
            capture_output=True,
        )
        manifest = json.loads((Path(outdir) / "manifest.json").read_text())
        artifact = manifest["artifacts"]["SesProductionAccessExample"]["properties"]
        text = (Path(outdir) / "SesProductionAccessExample.template.json").read_text()
        return text, artifact


def member() -> str:
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir)
        stack = cdk.Stack(app, "Organization")
        rollout = SesProductionAccessStackSet(
            stack,
            "SesProductionAccess",
            organization_id="o-abcd123456",
            organizational_unit_ids=["ou-abcd-12345678"],
            regions=["eu-west-1"],
            mail_type=MailType.TRANSACTIONAL,
            website_url="https://example.com",
            use_case_description="Receipts for customers of example.com, one account each.",
            acknowledge_sending_policy=True,
        )
        return json.dumps(rollout.member_template, separators=(",", ":"))


def row(name: str, text: str, deployers: str) -> None:
    template = json.loads(text)
    written = len(text.encode("utf-8"))
    compact = len(json.dumps(template, separators=(",", ":")).encode("utf-8"))
    yaml = cli_characters(template)
    print(f"{name:48} {written:8,} {compact:8,} {yaml:8,}  {deployers}")


def main() -> None:
    print(
        f"TemplateBody: {TEMPLATE_BODY_MAX_BYTES:,} bytes; cdk deploy without a template "
        f"asset: {CLI_TEMPLATE_BODY_MAX_CHARACTERS:,} characters of YAML"
    )
    print(f"{'template':48} {'bytes':>8} {'compact':>8} {'yaml':>8}  who takes it")
    text, artifact = example_app()
    asset = "stackTemplateAssetObjectUrl" in artifact
    row(
        "example app (app.py, cdk.json's context)",
        text,
        f"cdk deploy, bootstrapped only ({FROM_S3}: manifest has a template asset: {asset})",
    )
    row(
        "one instance, DefaultStackSynthesizer",
        single_instance(None),
        f"cdk deploy, bootstrapped only ({FROM_S3})",
    )
    for name, watch in (("one instance, BootstraplessSynthesizer", True),
                        ("the same, watch=False", False)):  # fmt: skip
        text = single_instance(cdk.BootstraplessSynthesizer(), watch)
        fits = cli_characters(json.loads(text)) <= CLI_TEMPLATE_BODY_MAX_CHARACTERS
        row(name, text, "cdk deploy unbootstrapped" if fits else "cdk deploy, bootstrapped only")
    body = plain.template_json()
    fits = len(body.encode("utf-8")) <= TEMPLATE_BODY_MAX_BYTES
    row(
        "plain template (ses-production-access template)",
        body,
        f"{FROM_S3}: console upload, deploy --s3-bucket, --template-url, template_url"
        + (f"; also {BY_BODY}" if fits else f"; not {BY_BODY}"),
    )
    text = member()
    fits = len(text.encode("utf-8")) <= TEMPLATE_BODY_MAX_BYTES
    row(
        "StackSet member (defaults)",
        text,
        f"the StackSet {BY_BODY}" if fits else f"the StackSet {FROM_S3}, an asset of the "
        "administrator's stack",
    )
    print("inline code (JSON-escaped) by feature:")
    added = {"core": code_bytes(frozenset())}
    for feature in wire.FEATURES:
        needed = frozenset({wire.NEEDS[feature]} if feature in wire.NEEDS else ())
        added[feature] = code_bytes(needed | {feature}) - code_bytes(needed)
    for name, size in added.items():
        print(f"  {name:10} {size:7,}")


if __name__ == "__main__":
    main()
