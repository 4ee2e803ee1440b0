"""``ses-production-access readiness``: what reviewers look at, in one Region, read by the
handler's own readiness checks (never a request).

    ses-production-access readiness --region R [--json] [--timeout SECONDS] [--profile NAME]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from ..inline.loaded import handler_module
from .common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_READY,
    EXIT_SANDBOX,
    GRACE_SECONDS,
    PROG,
    add_aws_options,
    region_name,
    start,
)

DEFAULT_TIMEOUT_SECONDS = 30.0
EXIT_EPILOG = (
    "exit codes: 0 ready (no finding holds a request back); 5 not ready; 3 SES could not be "
    "read in time; 1 the command could not run; 2 bad usage."
)


def read(region: str, timeout: float) -> tuple[Any, str | None]:
    """(the handler's Readiness, None) or (None, why it could not be read)."""
    index = handler_module()
    progress = index.Progress()
    deadline = time.monotonic() + timeout
    found: list[Any] = []
    problem: list[str] = []

    def work() -> None:
        try:
            ses = index.SesAccount(index.make_ses_client(region), region, deadline, progress)
            state = ses.get_account()
            # Report-only: the checks run whatever the state, and nothing is ever sent.
            desired = index.Desired(region, "TRANSACTIONAL", "", report_only=True)
            readiness, _ = index.check_readiness(ses, desired, state, region)
            found.append(readiness)
        except index.Cancelled:
            pass
        except index.SesError as error:
            problem.append(str(error.reason))
        except Exception as error:
            problem.append(f"the readiness could not be read ({type(error).__name__}).")

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout + GRACE_SECONDS)
    snapshot = progress.close()
    if found:
        return found[0], None
    return None, problem[0] if problem else f"no answer within {timeout:g} s: {snapshot.summary()}."


def run(args: argparse.Namespace) -> int:
    if start("readiness", args.profile) is None:
        return EXIT_FAILED
    index = handler_module()
    readiness, problem = read(args.region, args.timeout)
    if readiness is None:
        print(f"{PROG} readiness: {args.region}: {problem}", file=sys.stderr)
        return EXIT_ERROR
    findings = [
        {
            "Code": code,
            "HoldsRequestBack": index.FINDINGS[code],
            "Advice": index.FINDING_ADVICE[code],
        }
        for code in readiness.findings
    ]
    if args.json:
        print(json.dumps({"Region": args.region, "Ready": readiness.ready, "Findings": findings}))
    else:
        verdict = "ready" if readiness.ready else "not ready: a request would be held back"
        print(f"{args.region}: {verdict}.")
        for finding in findings:
            holds = " (holds a request back)" if finding["HoldsRequestBack"] else ""
            print(f"  {finding['Code']}{holds}: {finding['Advice']}")
    return EXIT_READY if readiness.ready else EXIT_SANDBOX


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "readiness",
        help="check what reviewers look at in one Region (never requests)",
        description=(
            "Read, as the construct does before a request, the identities verified for "
            "sending, DKIM, custom MAIL FROM and bounce and complaint handling in one Region, "
            "and print the findings with their advice. Read-only: needs ses:GetAccount, "
            "ses:ListEmailIdentities, ses:GetEmailIdentity, ses:ListConfigurationSets, "
            "ses:GetConfigurationSetEventDestinations and ses:GetIdentityNotificationAttributes."
        ),
        epilog=EXIT_EPILOG,
    )
    parser.add_argument(
        "--region", required=True, type=region_name, metavar="REGION",
        help="the Region to check, such as eu-west-1",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object, for pipelines")
    add_aws_options(parser, DEFAULT_TIMEOUT_SECONDS)
    parser.set_defaults(run=run)
