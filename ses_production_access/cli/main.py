"""The ``ses-production-access`` command.

    ses-production-access template [--output FILE]
    ses-production-access status [--region R ...] [--all-regions] [--json]
    ses-production-access request --region R --mail-type ... --website-url ... ...
    ses-production-access readiness --region R [--json]
    ses-production-access organization --log-group NAME [--region R] [--json]

One subcommand per job; each is a function taking the parsed arguments and returning
the exit code. The commands that call AWS live in modules of their own, each adding its
subcommand with ``register(commands)``; what they share is in ``cli.common``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import organization, readiness, request, status
from .common import EXIT_FAILED, EXIT_OK, PROG

# jsii starts aws-cdk-lib in this program (its own setting, else `node` on the PATH).
JSII_NODE = "JSII_NODE"
NODE_MISSING = (
    "needs Node.js, which aws-cdk-lib runs on, and found no 'node' on the PATH: install "
    "Node.js (https://nodejs.org/), or set JSII_NODE to its path. status, request, readiness "
    "and organization do not need it."
)


def _template(args: argparse.Namespace) -> int:
    if shutil.which(os.environ.get(JSII_NODE) or "node") is None:
        print(f"{PROG} template: {NODE_MISSING}", file=sys.stderr)
        return EXIT_FAILED
    # Imported here: it starts aws-cdk-lib (a Node.js process), which --help does not need.
    from ..defaults import TEMPLATE_BODY_MAX_BYTES
    from ..templates.plain import template_json

    text = template_json()
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            reason = error.strerror or str(error)
            print(f"{PROG} template: cannot write {output}: {reason}.", file=sys.stderr)
            return EXIT_FAILED
    size = len(text.encode("utf-8"))
    wrote = f"Wrote {output} ({size:,} bytes)." if output else f"The template has {size:,} bytes."
    print(f"{wrote} {how_to_deploy(size, TEMPLATE_BODY_MAX_BYTES)}", file=sys.stderr)
    return EXIT_OK


def how_to_deploy(size: int, limit: int) -> str:
    """Which ways of deploying a template of ``size`` bytes take it (docs/without-cdk.md)."""
    if size <= limit:
        return f"Any deployer takes it: CloudFormation takes up to {limit:,} bytes directly."
    return (
        f"That is over the {limit:,} bytes CloudFormation takes directly (TemplateBody), so "
        "deploy it from S3 (up to 1 MB): the console's 'Upload a template file' (it stores "
        "the file in S3 for you), 'aws cloudformation deploy --template-file FILE "
        "--s3-bucket BUCKET', 'aws cloudformation create-stack --template-url URL' after "
        "'aws s3 cp', or Terraform's template_url; see docs/without-cdk.md."
    )


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Amazon SES production access, with or without CDK.",
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    template = commands.add_parser(
        "template",
        help="write the plain CloudFormation template",
        description=(
            "Write a CloudFormation template that requests SES production access, with "
            "the request's details as parameters. It needs no CDK and no bootstrap: deploy "
            "it with 'aws cloudformation deploy --capabilities CAPABILITY_IAM', as a "
            "StackSet, or from Terraform."
        ),
    )
    template.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the template to FILE (default: standard output)",
    )
    template.set_defaults(run=_template)
    for command in (status, request, readiness, organization):
        command.register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
