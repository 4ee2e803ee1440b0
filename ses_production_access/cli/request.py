"""``ses-production-access request``: ask for production access in one Region, from a
terminal or a pipeline, with the construct's checks and the handler's decisions.

    ses-production-access request --region R --mail-type T --website-url URL
        --acknowledge-sending-policy [--use-case-description TEXT]
        [--additional-contact-email-addresses ADDRESS ...] [--contact-language L]
        [--details-file FILE] [--dry-run] [--timeout SECONDS] [--profile NAME]

Input is checked by the construct's own checks (``props.checks``: the same messages as at
``cdk synth``), then parsed by the handler (``parse_properties``); the state is read and the
decision taken by the handler's code (``SesAccount``, ``decide``, the same submission and
re-reading as a deployment): nothing is sent while a review is PENDING or after a DENIED one.
The website URL, the description and the contact addresses are never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import wire
from ..inline.loaded import handler_module
from ..props import checks as prop_checks
from ..props.values import WhenNotReady
from .common import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_SANDBOX,
    EXIT_USAGE,
    GRACE_SECONDS,
    PROG,
    NotingClient,
    RegionStatus,
    add_aws_options,
    start,
    table,
)

DEFAULT_TIMEOUT_SECONDS = 30.0
MASK = "********"
# The shell's code for a command ended by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
# What --details-file may give (the API's names) -> the argument it stands for: the values
# a person would rather keep out of `ps` and the shell's history.
DETAILS = {
    wire.PROP_WEBSITE_URL: "website_url",
    wire.PROP_USE_CASE_DESCRIPTION: "use_case_description",
    wire.PROP_CONTACTS: "additional_contact_email_addresses",
}

# What a person reads after the command, by the sandbox status it leaves.
NEXT_STEP = {
    "PRODUCTION": "Production access is enabled: nothing to request.",
    "PENDING_REVIEW": (
        "A review is open: AWS refuses changes until it decides, usually within 24 hours "
        "(see 'ses-production-access status')."
    ),
    "DENIED": (
        "The review was denied: AWS refuses a new request through the API; reply in the "
        "support case (AWS Support Center) to appeal."
    ),
    "SANDBOX": "No review is open.",
}
# Exit codes: 0 the request is on file or not needed; EXIT_DENIED when it cannot be made.
EXIT_EPILOG = (
    "exit codes: 0 the request was submitted (or, with --dry-run, could be), or none is "
    "needed (PRODUCTION, or a review PENDING); 2 bad input; 3 SES could not be read or the "
    "request not made; 4 the review was DENIED (appeal in the support case); 5 not ready: "
    "the request was held back (--when-not-ready HOLD or FAIL); 1 the command could not run; "
    "130 interrupted (Ctrl-C): the message says whether a request may have gone out."
)

# Flag -> (construct prop, check): the construct's own checks, in this order.
FLAGS = (
    ("--mail-type", "mail_type"),
    ("--website-url", "website_url"),
    ("--use-case-description", "use_case_description"),
    ("--additional-contact-email-addresses", "additional_contact_email_addresses"),
    ("--contact-language", "contact_language"),
    ("--region", "region"),
    ("--acknowledge-sending-policy", "acknowledge_sending_policy"),
)


def checks() -> dict[str, Callable[[object], object]]:
    # Imported here: the checks start aws-cdk-lib's jsii runtime, which status does not need.
    return {
        "mail_type": prop_checks.check_mail_type,
        "website_url": prop_checks.check_website_url,
        "use_case_description": prop_checks.check_use_case_description,
        "additional_contact_email_addresses": prop_checks.check_contacts,
        "contact_language": prop_checks.check_contact_language,
        "region": prop_checks.check_region,
        "acknowledge_sending_policy": prop_checks.check_acknowledgement,
    }


def desired_from(args: argparse.Namespace) -> Any:
    """The handler's Desired for the arguments; ValueError with the construct's message
    (prefixed with the flag) on bad input."""
    contacts = args.additional_contact_email_addresses
    values: dict[str, object] = {
        "mail_type": args.mail_type,
        "website_url": args.website_url,
        "use_case_description": args.use_case_description,
        "additional_contact_email_addresses": (
            None if contacts is None else [a for item in contacts for a in item.split(",") if a]
        ),
        "contact_language": args.contact_language,
        "region": args.region,
        "acknowledge_sending_policy": args.acknowledge_sending_policy,
    }
    check = checks()
    for flag, prop in FLAGS:
        try:
            check[prop](values[prop])
        except ValueError as error:
            raise ValueError(f"{flag}: {error}") from None
    index = handler_module()
    props: dict[str, object] = {
        wire.PROP_REGION: args.region,
        wire.PROP_MAIL_TYPE: args.mail_type,
        wire.PROP_WEBSITE_URL: args.website_url,
    }
    optional = (
        (wire.PROP_USE_CASE_DESCRIPTION, values["use_case_description"]),
        (wire.PROP_CONTACTS, values["additional_contact_email_addresses"]),
        (wire.PROP_CONTACT_LANGUAGE, values["contact_language"]),
    )
    props.update({name: value for name, value in optional if value is not None})
    props[wire.PROP_WHEN_NOT_READY] = args.when_not_ready
    try:
        return index.parse_properties(props, None)
    except index.PropertyError as error:
        raise ValueError(str(error)) from None


def sensitive_members() -> frozenset[str]:
    """The PutAccountDetails members botocore's model marks sensitive (or whose items are)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sesv2")
    shape = model.operation_model("PutAccountDetails").input_shape
    found = set()
    for name, member in shape.members.items():
        shapes = (member, getattr(member, "member", None))
        if any(s is not None and s.metadata.get("sensitive") for s in shapes):
            found.add(name)
    return frozenset(found)


def masked(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(member, value as shown) of a PutAccountDetails request: sensitive values masked,
    with only their size."""
    hidden = sensitive_members()
    shown = []
    for name, value in params.items():
        if name in hidden:
            if isinstance(value, list):
                size = f"{len(value)} address{'es' if len(value) != 1 else ''}"
            else:
                size = f"{len(value)} characters"
            shown.append((name, f"{MASK} ({size})"))
        elif isinstance(value, bool):
            shown.append((name, "true" if value else "false"))
        else:
            shown.append((name, str(value)))
    return shown


@dataclass
class Result:
    """What the work did: the states before and after, whether SES took a request."""

    before: Any = None
    after: Any = None
    submitted: bool = False
    error_code: str | None = None
    reason: str | None = None
    refused: bool = False  # SES answered the failing call with an error
    readiness: Any = None  # the handler's Readiness, when a request was due
    held: Any = None  # the handler's answer when the readiness held the request back


def _work(desired: Any, dry_run: bool, deadline: float, progress: Any, result: Result) -> None:
    index = handler_module()
    try:
        client = NotingClient(index.make_ses_client(desired.region))
        ses = index.SesAccount(client, desired.region, deadline, progress)
        result.before = result.after = ses.get_account()
        if index.decide(result.before) is index.Action.SUBMIT:
            # The construct's readiness checks and policy, before anything is sent.
            result.readiness, result.held = index.check_readiness(
                ses, desired, result.before, desired.region
            )
        due = index.decide(result.before) is index.Action.SUBMIT
        if due and not dry_run and result.held is None:
            # The handler's own submission: a 409 (someone opened a review meanwhile) is
            # read, not retried; an accepted request is re-read until the review shows.
            result.after = index.submit(ses, desired, result.before, progress)
            result.submitted = progress.accepted_from is not None
    except index.Cancelled:
        pass
    except index.SesError as error:
        result.error_code = client.last_error or "SesError"
        result.reason = str(error.reason)
        result.refused = client.answered
    except Exception as error:
        result.error_code = type(error).__name__
        result.reason = f"the request failed ({result.error_code})."


def read_details(args: argparse.Namespace) -> None:
    """Fill the arguments from --details-file (a JSON object with the API's member names;
    "-" reads standard input); ValueError naming what is wrong, never a value."""
    if args.details_file is None:
        return
    try:
        if args.details_file == "-":
            text = sys.stdin.read()
        else:
            with open(args.details_file, encoding="utf-8") as file:
                text = file.read()
        details = json.loads(text)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ValueError(f"--details-file: cannot read it ({reason}).") from None
    except ValueError:
        raise ValueError("--details-file: not JSON: give an object such as "
                         '{"WebsiteURL": "https://example.com"}.') from None
    if not isinstance(details, dict) or not set(details) <= set(DETAILS):
        raise ValueError(f"--details-file: give an object with {', '.join(DETAILS)} only.")
    for name, value in details.items():
        attribute = DETAILS[name]
        if getattr(args, attribute) is not None:
            flag = "--" + attribute.replace("_", "-")
            raise ValueError(f"--details-file: {name} is given by {flag} too: give it once.")
        if name == wire.PROP_CONTACTS and isinstance(value, list):
            value = [",".join(str(v) for v in value)]
        elif name == wire.PROP_CONTACTS:
            value = [value]
        setattr(args, attribute, value)


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except KeyboardInterrupt:
        # Before the request could start: nothing reached SES.
        print(f"{PROG} request: interrupted: no request was sent.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        read_details(args)
        desired = desired_from(args)
    except ValueError as error:
        print(f"{PROG} request: {error}", file=sys.stderr)
        return EXIT_USAGE
    session = start("request", args.profile)
    if session is None:
        return EXIT_FAILED
    index = handler_module()
    region = desired.region
    if args.dry_run:
        print(f"Dry run: nothing is sent. PutAccountDetails in {region} would carry:")
        for name, value in masked(desired.put_account_details_params()):
            print(f"  {name}: {value}")

    progress = index.Progress()
    result = Result()
    deadline = time.monotonic() + args.timeout
    worker = threading.Thread(
        target=_work, args=(desired, args.dry_run, deadline, progress, result), daemon=True
    )
    worker.start()
    try:
        worker.join(timeout=args.timeout + GRACE_SECONDS)
        snapshot = progress.close()
        return _answer(args, region, result, snapshot, worker.is_alive())
    except KeyboardInterrupt:
        return _interrupted(region, progress.close())


def _answer(
    args: argparse.Namespace, region: str, result: Result, snapshot: Any, hung: bool
) -> int:
    """What the command prints and its exit code, once the work ended or timed out."""
    index = handler_module()

    if hung or result.error_code is not None:
        return _failed(region, result, snapshot, args.timeout, hung)
    before, after = result.before, result.after
    status = index.sandbox_status(before)
    for code in result.readiness.findings if result.readiness else ():
        print(f"Finding {code}: {index.FINDING_ADVICE[code]}")
    if result.held is not None:
        print(
            f"{region} was {status}: nothing sent: not ready "
            f"(--when-not-ready {args.when_not_ready}); fix the findings, then run it again."
        )
        return EXIT_SANDBOX
    if result.submitted:
        said = "requested production access: SES accepted the request."
    elif index.decide(before) is index.Action.SUBMIT and args.dry_run:
        said = "the request would be submitted (dry run: nothing sent)."
    elif index.decide(before) is index.Action.SUBMIT:
        said = "nothing sent: another party opened a review meanwhile."
    else:
        said = f"nothing sent. {NEXT_STEP[status]}"
    print(f"{region} was {status}: {said}")
    print(table([RegionStatus(region, index.attributes(after))]))
    return EXIT_DENIED if index.sandbox_status(after) == wire.DENIED else 0


def _interrupted(region: str, snapshot: Any) -> int:
    """Ctrl-C while SES was being called: no further call starts; one line says whether a
    request may have gone out and how to find out."""
    if snapshot.accepted_from is not None:
        said = "SES had accepted the request (a review is open)."
    elif "PutAccountDetails" in snapshot.started:
        said = ("the request had been sent; whether SES took it is unknown: run "
                f"'{PROG} status --region {region}' to find out.")
    else:
        said = "no request was sent."
    print(f"{PROG} request: {region}: interrupted: {said}", file=sys.stderr)
    return EXIT_INTERRUPTED


def _failed(region: str, result: Result, snapshot: Any, timeout: float, hung: bool) -> int:
    """The message and exit code when the work failed or did not finish; whether a request
    reached SES is said as precisely as it is known."""
    if snapshot.accepted_from is not None:
        # Accepted, then reading the state again failed: a review is open.
        print(f"{region}: requested production access: SES accepted the request "
              "(the state could not be read again; see 'ses-production-access status').")
        return 0
    if hung:
        reason = f"no answer from SES within {timeout:g} s: {snapshot.summary()}."
    else:
        reason = f"{result.error_code}: {result.reason}"
    if "PutAccountDetails" not in snapshot.started:
        sent = "No request was sent."
    elif result.refused and not hung:
        sent = "SES refused the request: nothing changed."
    else:
        sent = "The request was sent; whether SES took it is unknown: check with "
        sent += "'ses-production-access status' before trying again."
    print(f"{PROG} request: {region}: {reason} {sent}", file=sys.stderr)
    return EXIT_ERROR


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "request",
        help="request production access in one Region",
        description=(
            "Request SES production access in one Region, as the construct does at deploy "
            "time: the state is read first, and nothing is sent when the account is in "
            "production, a review is PENDING or was DENIED. Needs ses:GetAccount and "
            "ses:PutAccountDetails (ses:GetAccount only with --dry-run)."
        ),
        epilog=EXIT_EPILOG,
    )
    parser.add_argument("--region", required=True, metavar="REGION",
                        help="the Region to leave the sandbox in, such as eu-west-1")
    parser.add_argument("--mail-type", metavar="TYPE", help="MARKETING or TRANSACTIONAL")
    parser.add_argument("--website-url", metavar="URL",
                        help="your website's public http(s) address (never printed)")
    parser.add_argument(
        "--acknowledge-sending-policy",
        action="store_true",
        help="confirm that you send only to people who asked for your email and that you "
        "handle bounces and complaints",
    )
    parser.add_argument("--use-case-description", metavar="TEXT",
                        help="how you send email, at most 5000 characters (never printed)")
    parser.add_argument(
        "--additional-contact-email-addresses",
        action="extend",
        nargs="+",
        metavar="ADDRESS",
        help="1 to 4 addresses AWS writes to, space- or comma-separated (never printed)",
    )
    parser.add_argument(
        "--details-file",
        metavar="FILE",
        help="read WebsiteURL, UseCaseDescription and AdditionalContactEmailAddresses from a "
        "JSON object in FILE ('-': standard input), out of the process list and the shell's "
        "history",
    )
    parser.add_argument("--contact-language", metavar="LANGUAGE", help="EN or JA")
    parser.add_argument(
        "--when-not-ready",
        choices=[m.value for m in WhenNotReady],
        default=WhenNotReady.HOLD.value,
        help="what an account that is not ready for review gets, as the construct's "
        "when_not_ready (default: HOLD, no request: a DENIED review cannot be resubmitted)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read the state and show what would be sent (sensitive values masked); send "
        "nothing",
    )
    add_aws_options(parser, DEFAULT_TIMEOUT_SECONDS)
    parser.set_defaults(run=run)
