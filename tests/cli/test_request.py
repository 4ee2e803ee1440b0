"""``ses-production-access request``: the construct's input checks and messages, the
handler's decisions (one PutAccountDetails from the sandbox, none while PENDING or after
DENIED), and a dry run that masks the sensitive values and sends nothing. Driven against
the local SES v2 stand-in."""

from __future__ import annotations

import _thread
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from contract.ses_endpoint import access_denied, conflict, hung
from support.cli import HOME_REGION, Cli, command_line, put_bodies

from ses_production_access.cli.common import EXIT_DENIED, EXIT_ERROR, EXIT_SANDBOX, EXIT_USAGE
from ses_production_access.props import checks

WEBSITE = "https://www.shop-example.com/about"
DESCRIPTION = "Receipts and password resets for customers who signed up at our shop."
CONTACTS = ("ops@shop-example.com", "abuse@shop-example.com")
REQUEST = (
    "request",
    "--region", HOME_REGION,
    "--mail-type", "TRANSACTIONAL",
    "--website-url", WEBSITE,
    "--use-case-description", DESCRIPTION,
    "--additional-contact-email-addresses", *CONTACTS,
    "--contact-language", "EN",
    "--acknowledge-sending-policy",
)  # fmt: skip
SECRETS = (WEBSITE, "shop-example", DESCRIPTION[:20], *CONTACTS)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    with command_line(monkeypatch, capsys) as command:
        yield command


def without(args: tuple[str, ...], flag: str, values: int = 1) -> tuple[str, ...]:
    at = args.index(flag)
    return args[:at] + args[at + 1 + values :]


def replaced(args: tuple[str, ...], flag: str, *values: str) -> tuple[str, ...]:
    at = args.index(flag)
    old = 1
    while at + 1 + old < len(args) and not args[at + 1 + old].startswith("--"):
        old += 1
    return (*args[: at + 1], *values, *args[at + 1 + old :])


def test_request_from_the_sandbox_sends_one_put_with_the_details(cli: Cli) -> None:
    ran = cli.run(*REQUEST)
    assert ran.code == 0, ran.err
    (body,) = put_bodies(cli.ses, HOME_REGION)
    assert body == {
        "MailType": "TRANSACTIONAL",
        "WebsiteURL": WEBSITE,
        "UseCaseDescription": DESCRIPTION,
        "AdditionalContactEmailAddresses": list(CONTACTS),
        "ContactLanguage": "EN",
        "ProductionAccessEnabled": True,
    }
    said, _, row = ran.lines()
    assert said == (
        f"{HOME_REGION} was SANDBOX: requested production access: SES accepted the request."
    )
    case = cli.ses.account(HOME_REGION).case_id
    assert row.split()[:4] == [HOME_REGION, "PENDING_REVIEW", "PENDING", case]


@pytest.mark.parametrize(
    ("state", "code", "step"),
    [
        ("PENDING", 0, "A review is open: AWS refuses changes until it decides"),
        ("DENIED", EXIT_DENIED, "reply in the support case (AWS Support Center) to appeal"),
        ("GRANTED", 0, "Production access is enabled: nothing to request."),
    ],
)
def test_request_sends_nothing_while_pending_after_denied_or_in_production(
    cli: Cli, state: str, code: int, step: str
) -> None:
    cli.ses.account(HOME_REGION).review(state)
    ran = cli.run(*REQUEST)
    assert ran.code == code
    assert cli.ses.count("PutAccountDetails") == 0
    assert cli.ses.count("GetAccount") == 1
    assert "nothing sent" in ran.lines()[0]
    assert step in ran.lines()[0]


def test_request_submits_again_after_a_failed_review(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).review("FAILED")
    ran = cli.run(*REQUEST)
    assert ran.code == 0
    assert len(put_bodies(cli.ses)) == 1
    assert ran.lines()[0].startswith(f"{HOME_REGION} was SANDBOX: requested production access")


def test_request_reads_a_review_another_party_opened_meanwhile(cli: Cli) -> None:
    cli.ses.script("PutAccountDetails", conflict())
    cli.ses.account(HOME_REGION)
    ran = cli.run(*REQUEST)
    assert ran.code == 0
    assert cli.ses.count("PutAccountDetails") == 1
    assert "nothing sent: another party opened a review meanwhile" in ran.lines()[0]


def test_request_accepts_comma_separated_contacts(cli: Cli) -> None:
    args = replaced(REQUEST, "--additional-contact-email-addresses", ",".join(CONTACTS))
    assert cli.run(*args).code == 0
    assert put_bodies(cli.ses)[0]["AdditionalContactEmailAddresses"] == list(CONTACTS)


def test_request_leaves_out_what_is_not_given(cli: Cli) -> None:
    args = without(REQUEST, "--use-case-description")
    args = without(args, "--additional-contact-email-addresses", len(CONTACTS))
    args = without(args, "--contact-language")
    assert cli.run(*args).code == 0
    assert put_bodies(cli.ses) == [
        {"MailType": "TRANSACTIONAL", "WebsiteURL": WEBSITE, "ProductionAccessEnabled": True}
    ]


def test_request_never_prints_the_sensitive_values(cli: Cli) -> None:
    for args in (REQUEST, (*REQUEST, "--dry-run")):
        ran = cli.run(*args)
        for secret in SECRETS:
            assert secret not in ran.out + ran.err


def test_dry_run_shows_the_request_masked_and_sends_nothing(cli: Cli) -> None:
    ran = cli.run(*REQUEST, "--dry-run")
    assert ran.code == 0
    assert cli.ses.count("PutAccountDetails") == 0
    assert cli.ses.count("GetAccount") == 1
    assert ran.lines()[:7] == [
        f"Dry run: nothing is sent. PutAccountDetails in {HOME_REGION} would carry:",
        "  MailType: TRANSACTIONAL",
        f"  WebsiteURL: ******** ({len(WEBSITE)} characters)",
        "  ProductionAccessEnabled: true",
        "  ContactLanguage: EN",
        f"  UseCaseDescription: ******** ({len(DESCRIPTION)} characters)",
        "  AdditionalContactEmailAddresses: ******** (2 addresses)",
    ]
    assert ran.lines()[7] == (
        f"{HOME_REGION} was SANDBOX: the request would be submitted (dry run: nothing sent)."
    )


def test_dry_run_after_a_denial_says_nothing_would_be_sent(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).review("DENIED")
    ran = cli.run(*REQUEST, "--dry-run")
    assert ran.code == EXIT_DENIED
    assert cli.ses.count("PutAccountDetails") == 0
    assert "nothing sent" in ran.lines()[-3]


def expected_message(check: Callable[[object], object], value: object) -> str:
    with pytest.raises(ValueError, match=r".") as raised:
        check(value)
    return str(raised.value)


@pytest.mark.parametrize(
    ("flag", "values", "check", "value"),
    [
        ("--mail-type", ("PROMOTIONAL",), checks.check_mail_type, "PROMOTIONAL"),
        ("--website-url", ("http://localhost:8080",), checks.check_website_url,
         "http://localhost:8080"),
        ("--website-url", ("https://user:pw@example.com",), checks.check_website_url,
         "https://user:pw@example.com"),
        ("--contact-language", ("JP",), checks.check_contact_language, "JP"),
        ("--use-case-description", ("   ",), checks.check_use_case_description, "   "),
        ("--additional-contact-email-addresses", ("a@example.com", "b@example.com",
         "c@example.com", "d@example.com", "e@example.com"), checks.check_contacts,
         ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"]),
        ("--additional-contact-email-addresses", ("ops@example.com", "OPS@example.com"),
         checks.check_contacts, ["ops@example.com", "OPS@example.com"]),
        ("--region", ("Europe",), checks.check_region, "Europe"),
    ],
)  # fmt: skip
def test_fails_request_on_bad_input_with_the_construct_message(
    cli: Cli,
    flag: str,
    values: tuple[str, ...],
    check: Callable[[object], object],
    value: object,
) -> None:
    ran = cli.run(*replaced(REQUEST, flag, *values))
    assert ran.code == EXIT_USAGE
    assert ran.err == f"ses-production-access request: {flag}: {expected_message(check, value)}\n"
    assert ran.out == ""
    assert cli.ses.requests == []


def test_fails_request_without_the_acknowledgement_with_the_construct_message(cli: Cli) -> None:
    ran = cli.run(*without(REQUEST, "--acknowledge-sending-policy", 0))
    assert ran.code == EXIT_USAGE
    message = expected_message(checks.check_acknowledgement, False)
    assert ran.err == f"ses-production-access request: --acknowledge-sending-policy: {message}\n"
    assert cli.ses.requests == []


def test_fails_request_without_a_mail_type_with_the_construct_message(cli: Cli) -> None:
    ran = cli.run(*without(REQUEST, "--mail-type"))
    assert ran.code == EXIT_USAGE
    assert ran.err == (
        "ses-production-access request: --mail-type: mail_type is required: set it to "
        "MailType.MARKETING or MailType.TRANSACTIONAL.\n"
    )


def test_fails_request_without_a_region(cli: Cli) -> None:
    ran = cli.run(*without(REQUEST, "--region"))
    assert ran.code == EXIT_USAGE
    assert "the following arguments are required: --region" in ran.err


def test_fails_request_when_ses_refuses_the_put_and_says_nothing_changed(cli: Cli) -> None:
    cli.ses.script("PutAccountDetails", access_denied("PutAccountDetails"))
    ran = cli.run(*REQUEST)
    assert ran.code == EXIT_ERROR
    assert ran.out == ""
    assert ran.err == (
        f"ses-production-access request: {HOME_REGION}: AccessDeniedException: "
        f"ses:PutAccountDetails in {HOME_REGION} answered AccessDeniedException (HTTP 403, 1 "
        "attempts). SES refused the request: nothing changed.\n"
    )


def test_fails_request_when_the_state_cannot_be_read_and_sends_nothing(cli: Cli) -> None:
    cli.ses.script("GetAccount", access_denied("GetAccount"))
    ran = cli.run(*REQUEST)
    assert ran.code == EXIT_ERROR
    assert cli.ses.count("PutAccountDetails") == 0
    assert ran.err.endswith("No request was sent.\n")


def test_fails_request_in_bounded_time_when_the_put_hangs_and_says_it_may_have_gone(
    cli: Cli,
) -> None:
    cli.ses.script("PutAccountDetails", hung())
    ran = cli.run(*REQUEST, "--timeout", "2")
    assert ran.code == EXIT_ERROR
    assert ran.seconds < 2 + 2
    assert ran.err == (
        f"ses-production-access request: {HOME_REGION}: no answer from SES within 2 s: "
        f"ses:PutAccountDetails in {HOME_REGION} had not answered (attempt 1). The request "
        "was sent; whether SES took it is unknown: check with 'ses-production-access "
        "status' before trying again.\n"
    )
    assert cli.ses.count("PutAccountDetails") == 1


def test_console_script_requests_once_and_then_sends_nothing(cli: Cli) -> None:
    first = cli.script(*REQUEST)
    assert first.code == 0, first.err
    second = cli.script(*REQUEST)
    assert second.code == 0, second.err
    assert cli.ses.count("PutAccountDetails") == 1
    assert second.lines()[0].startswith(f"{HOME_REGION} was PENDING_REVIEW: nothing sent.")


# --- readiness: the construct's policy before anything is sent ----------------------------


def test_request_holds_back_an_account_that_is_not_ready(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).not_ready()
    ran = cli.run(*REQUEST)
    assert ran.code == EXIT_SANDBOX
    assert put_bodies(cli.ses, HOME_REGION) == []
    assert "Finding NO_VERIFIED_IDENTITY" in ran.out
    assert "nothing sent: not ready (--when-not-ready HOLD)" in ran.out


def test_request_submits_anyway_when_asked_to(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).not_ready()
    ran = cli.run(*REQUEST, "--when-not-ready", "SUBMIT")
    assert ran.code == 0, ran.err
    assert len(put_bodies(cli.ses, HOME_REGION)) == 1
    assert "Finding NO_BOUNCE_COMPLAINT_HANDLING" in ran.out


# --- Interrupted, and the details kept out of the process list ---------------------------


def interrupt_when(condition: Callable[[], bool]) -> threading.Thread:
    """Ctrl-C (KeyboardInterrupt in the main thread) as soon as `condition` holds."""

    def watch() -> None:
        for _ in range(2000):  # bounded: 20 s at most
            if condition():
                _thread.interrupt_main()
                return
            time.sleep(0.01)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_while_the_request_is_in_flight_says_it_may_have_gone_and_exits_130(
    cli: Cli,
) -> None:
    cli.ses.script("PutAccountDetails", hung())
    interrupt_when(lambda: cli.ses.count("PutAccountDetails") == 1)
    ran = cli.run(*REQUEST, "--timeout", "20")
    assert ran.code == 130
    assert ran.err == (
        f"ses-production-access request: {HOME_REGION}: interrupted: the request had been "
        "sent; whether SES took it is unknown: run 'ses-production-access status --region "
        f"{HOME_REGION}' to find out.\n"
    )
    assert "Traceback" not in ran.out + ran.err


def test_ctrl_c_before_the_request_says_nothing_was_sent(cli: Cli) -> None:
    cli.ses.script("GetAccount", hung())
    interrupt_when(lambda: cli.ses.count("GetAccount") == 1)
    ran = cli.run(*REQUEST, "--timeout", "20")
    assert ran.code == 130
    assert ran.err == (
        f"ses-production-access request: {HOME_REGION}: interrupted: no request was sent.\n"
    )
    assert cli.ses.count("PutAccountDetails") == 0


DETAILS = {
    "WebsiteURL": WEBSITE,
    "UseCaseDescription": DESCRIPTION,
    "AdditionalContactEmailAddresses": list(CONTACTS),
}
WITHOUT_DETAILS = without(
    without(without(REQUEST, "--website-url"), "--use-case-description"),
    "--additional-contact-email-addresses", len(CONTACTS),
)  # fmt: skip


def test_the_sensitive_details_can_come_from_a_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "details.json"
    path.write_text(json.dumps(DETAILS))
    ran = cli.run(*WITHOUT_DETAILS, "--details-file", str(path))
    assert ran.code == 0, ran.err
    (body,) = put_bodies(cli.ses, HOME_REGION)
    assert {name: body[name] for name in DETAILS} == DETAILS


def test_the_sensitive_details_can_come_from_standard_input(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(DETAILS)))
    ran = cli.run(*WITHOUT_DETAILS, "--details-file", "-")
    assert ran.code == 0, ran.err
    (body,) = put_bodies(cli.ses, HOME_REGION)
    assert body["WebsiteURL"] == WEBSITE


def test_fails_request_on_a_detail_given_by_a_flag_and_the_file_without_showing_it(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "details.json"
    path.write_text(json.dumps({"WebsiteURL": WEBSITE}))
    ran = cli.run(*REQUEST, "--details-file", str(path))
    assert ran.code == EXIT_USAGE
    assert "WebsiteURL is given by --website-url too: give it once" in ran.err
    assert WEBSITE not in ran.err
    assert cli.ses.count("GetAccount") == 0
