"""``ses-production-access status``: one row per Region from SES GetAccount, read in
parallel, each Region bounded in time, failures reported in their row, and an exit code a
pipeline can branch on. Driven against the local SES v2 stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from contract.model_endpoint import error as account_error
from contract.model_endpoint import hung as account_hung
from contract.ses_endpoint import access_denied, hung, slow
from support.cli import HOME_REGION, Cli, command_line

from ses_production_access.cli import common
from ses_production_access.cli import status as status_command
from ses_production_access.cli.common import (
    EXIT_DENIED,
    EXIT_ERROR,
    EXIT_PENDING,
    EXIT_PRODUCTION,
    EXIT_SANDBOX,
    EXIT_USAGE,
    RegionStatus,
)
from ses_production_access.cli.status import exit_code

ATTRIBUTE_KEYS = (
    "SandboxStatus",
    "ProductionAccessEnabled",
    "ReviewStatus",
    "CaseId",
    "MaxSendRate",
    "Max24HourSend",
    "SendingEnabled",
    "EnforcementStatus",
)
SES_REGIONS = sorted(boto3.Session().get_available_regions("sesv2"))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    with command_line(monkeypatch, capsys) as command:
        yield command


def rows(out: str) -> dict[str, dict[str, Any]]:
    parsed = [json.loads(line) for line in out.splitlines()]
    return {row["Region"]: row for row in parsed}


def set_state(cli: Cli, region: str, state: str) -> None:
    account = cli.ses.account(region)
    if state == "PRODUCTION":
        account.grant()
    elif state == "PENDING_REVIEW":
        account.review("PENDING")
    elif state == "DENIED":
        account.review("DENIED")
    else:
        assert state == "SANDBOX"


def test_status_reads_the_configured_region_by_default(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).grant()
    ran = cli.run("status")
    assert ran.code == EXIT_PRODUCTION, ran.err
    assert cli.ses.count("GetAccount", HOME_REGION) == 1
    assert cli.ses.count("GetAccount") == 1
    header, row, total = ran.lines()
    assert header.split() == ["Region", "Status", "Review", "Case", "Max", "24", "h", "Max/s",
                              "Sending", "Enforcement"]
    case = cli.ses.account(HOME_REGION).case_id
    assert row.split() == [HOME_REGION, "PRODUCTION", "GRANTED", case, "50000", "14", "true",
                           "HEALTHY"]
    assert total == "1 Region: 1 PRODUCTION."
    assert ran.err == ""


def test_status_prints_one_json_line_per_region_with_the_construct_attributes(cli: Cli) -> None:
    cli.ses.account("us-east-1").review("PENDING")
    ran = cli.run("status", "--region", "us-east-1", "--region", HOME_REGION, "--json")
    assert ran.code == EXIT_SANDBOX  # a sandbox comes before a pending review
    lines = [json.loads(line) for line in ran.lines()]
    assert [line["Region"] for line in lines] == ["us-east-1", HOME_REGION]
    pending, sandbox = lines
    assert set(ATTRIBUTE_KEYS) <= set(pending)
    assert pending["SandboxStatus"] == "PENDING_REVIEW"
    assert pending["ReviewStatus"] == "PENDING"
    assert pending["CaseId"] == cli.ses.account("us-east-1").case_id
    assert pending["Max24HourSend"] == "200"
    assert pending["Error"] is None
    assert sandbox["SandboxStatus"] == "SANDBOX"
    assert sandbox["CaseId"] == "NONE"


def test_status_never_prints_the_details_on_file(cli: Cli) -> None:
    account = cli.ses.account(HOME_REGION)
    account.review("PENDING")
    assert account.details is not None
    account.details["WebsiteURL"] = "https://private.example.org/secret-path"
    account.details["AdditionalContactEmailAddresses"] = ["someone@example.org"]
    for args in (("status",), ("status", "--json")):
        ran = cli.run(*args)
        assert "private.example.org" not in ran.out + ran.err
        assert "someone@" not in ran.out + ran.err


def test_status_reads_the_regions_in_parallel(cli: Cli) -> None:
    regions = ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "us-east-1", "us-east-2"]
    cli.ses.always("GetAccount", slow(1.0))
    ran = cli.run("status", "--json", *(arg for r in regions for arg in ("--region", r)))
    assert ran.code == EXIT_SANDBOX
    assert list(rows(ran.out)) == regions
    assert all(cli.ses.count("GetAccount", region) == 1 for region in regions)
    # One after another would take 6 s at least.
    assert ran.seconds < 3.5


def test_status_reports_a_hanging_region_as_timed_out_within_the_timeout(cli: Cli) -> None:
    cli.ses.account("us-east-1").grant()
    cli.ses.in_region(HOME_REGION, hung())
    ran = cli.run("status", "--region", HOME_REGION, "--region", "us-east-1", "--json",
                  "--timeout", "4")
    assert ran.code == EXIT_ERROR
    # 4 s, not less: the Region that answers must make its client and call in time on a
    # loaded machine too.
    assert ran.seconds < 4 + common.GRACE_SECONDS + 1.0
    found = rows(ran.out)
    assert found["us-east-1"]["SandboxStatus"] == "PRODUCTION"
    hanging = found[HOME_REGION]
    assert hanging["SandboxStatus"] == "NONE"
    assert hanging["Error"]["Code"] == "Timeout"
    assert hanging["Error"]["Reason"] == (
        f"no answer within 4 s: ses:GetAccount in {HOME_REGION} had not answered (attempt 1)."
    )
    # No retry is started once the Region has been given up.
    assert cli.ses.count("GetAccount", HOME_REGION) == 1


def test_status_reports_an_access_denied_region_with_its_code_and_no_service_message(
    cli: Cli,
) -> None:
    cli.ses.account("us-east-1").grant()
    cli.ses.in_region(HOME_REGION, access_denied("GetAccount"))
    ran = cli.run("status", "--region", HOME_REGION, "--region", "us-east-1", "--json")
    assert ran.code == EXIT_ERROR
    denied = rows(ran.out)[HOME_REGION]
    assert denied["Error"]["Code"] == "AccessDeniedException"
    assert denied["Error"]["Reason"].startswith(
        f"ses:GetAccount in {HOME_REGION} answered AccessDeniedException (HTTP 403"
    )
    assert "the caller may not call ses:GetAccount here" in denied["Error"]["Reason"]
    # The service's message (an ARN, the policy's wording) is never repeated.
    assert "arn:aws" not in ran.out + ran.err
    assert "explicit deny" not in ran.out + ran.err
    assert "Traceback" not in ran.out + ran.err
    assert rows(ran.out)["us-east-1"]["Error"] is None


def test_status_table_shows_a_failed_region_with_its_reason(cli: Cli) -> None:
    cli.ses.in_region("us-east-1", access_denied("GetAccount"))
    ran = cli.run("status", "--region", HOME_REGION, "--region", "us-east-1")
    assert ran.code == EXIT_ERROR
    _, sandbox, denied, total = ran.lines()
    assert sandbox.split()[:2] == [HOME_REGION, "SANDBOX"]
    assert denied.split()[:3] == ["us-east-1", "ERROR", "ses:GetAccount"]
    assert "AccessDeniedException" in denied
    assert total == "2 Regions: 1 ERROR, 1 SANDBOX."


def test_status_reports_missing_credentials_in_each_row(cli: Cli) -> None:
    cli.environment(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    ran = cli.run("status", "--json")
    assert ran.code == EXIT_ERROR
    error = rows(ran.out)[HOME_REGION]["Error"]
    assert error["Code"] == "NoCredentialsError"
    assert "no credentials found" in error["Reason"]
    assert cli.ses.count("GetAccount") == 0


def test_all_regions_reads_every_ses_region_of_the_configured_partition(cli: Cli) -> None:
    ran = cli.run("status", "--all-regions", "--json")
    assert ran.code == EXIT_SANDBOX
    assert sorted(rows(ran.out)) == SES_REGIONS
    assert sorted(str(r.region) for r in cli.ses.requests) == SES_REGIONS
    assert "us-gov-west-1" not in rows(ran.out)


def test_all_regions_follows_the_partition_of_the_configured_region(cli: Cli) -> None:
    cli.environment(AWS_DEFAULT_REGION="us-gov-west-1")
    ran = cli.run("status", "--all-regions", "--json")
    assert sorted(rows(ran.out)) == sorted(
        boto3.Session().get_available_regions("sesv2", partition_name="aws-us-gov")
    )
    assert len(rows(ran.out)) >= 1


def test_fails_all_regions_in_a_partition_without_ses(cli: Cli) -> None:
    cli.environment(AWS_DEFAULT_REGION="cn-north-1")
    ran = cli.run("status", "--all-regions")
    assert ran.code == 1
    assert ran.err == (
        "ses-production-access status: botocore's endpoint data has no SES v2 Region in the "
        "partition of cn-north-1.\n"
    )
    assert cli.ses.requests == []


def test_all_regions_with_the_console_script_lists_every_region_in_bounded_time(
    cli: Cli,
) -> None:
    cli.ses.always("GetAccount", slow(0.2))
    cli.ses.in_region("ap-south-1", hung())
    cli.ses.account("eu-central-1").review("DENIED")
    ran = cli.script("status", "--all-regions", "--json", "--timeout", "3")
    assert ran.code == EXIT_ERROR, ran.err
    found = rows(ran.out)
    assert sorted(found) == SES_REGIONS
    assert found["ap-south-1"]["Error"]["Code"] == "Timeout"
    assert found["eu-central-1"]["SandboxStatus"] == "DENIED"
    assert all(row["Error"] is None for region, row in found.items() if region != "ap-south-1")
    # Start-up (Python, aws-cdk-lib's import) plus at most the timeout and its grace.
    assert ran.seconds < 3 + 20


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["PRODUCTION", "PRODUCTION"], EXIT_PRODUCTION),
        (["PRODUCTION", "PENDING_REVIEW"], EXIT_PENDING),
        (["PENDING_REVIEW", "SANDBOX"], EXIT_SANDBOX),
        (["SANDBOX", "DENIED", "PENDING_REVIEW"], EXIT_DENIED),
    ],
)
def test_status_exit_code_is_the_first_that_applies(
    cli: Cli, states: list[str], expected: int
) -> None:
    regions = ["eu-west-1", "eu-west-2", "eu-west-3"][: len(states)]
    for region, state in zip(regions, states, strict=True):
        set_state(cli, region, state)
    ran = cli.run("status", *(arg for r in regions for arg in ("--region", r)))
    assert ran.code == expected


def test_status_exit_code_is_error_when_any_region_fails_even_with_a_denial(cli: Cli) -> None:
    cli.ses.account(HOME_REGION).review("DENIED")
    cli.ses.in_region("us-east-1", access_denied("GetAccount"))
    ran = cli.run("status", "--region", HOME_REGION, "--region", "us-east-1")
    assert ran.code == EXIT_ERROR


def test_exit_codes_are_distinct_and_ordered_error_denied_sandbox_pending() -> None:
    def row(status: str, code: str | None = None) -> RegionStatus:
        return RegionStatus("eu-west-1", {"SandboxStatus": status}, code, "why" if code else None)

    ordered = [row("NONE", "Timeout"), row("DENIED"), row("SANDBOX"), row("PENDING_REVIEW")]
    codes = [EXIT_ERROR, EXIT_DENIED, EXIT_SANDBOX, EXIT_PENDING]
    assert len({*codes, EXIT_PRODUCTION, EXIT_USAGE, 1}) == 7
    for position, code in enumerate(codes):
        assert exit_code(ordered[position:]) == code
    assert exit_code([row("PRODUCTION")]) == EXIT_PRODUCTION


def test_fails_status_without_a_region_with_a_readable_error(cli: Cli) -> None:
    cli.environment(AWS_DEFAULT_REGION=None)
    ran = cli.run("status")
    assert ran.code == EXIT_USAGE
    assert ran.err.startswith("ses-production-access status: no Region: give --region")
    assert cli.ses.requests == []


def test_fails_status_with_a_malformed_region(cli: Cli) -> None:
    ran = cli.run("status", "--region", "Europe")
    assert ran.code == EXIT_USAGE
    assert "'Europe' is not an AWS Region name" in ran.err
    assert cli.ses.requests == []


def test_fails_status_with_an_unknown_profile_in_one_line(cli: Cli) -> None:
    ran = cli.run("status", "--profile", "nowhere")
    assert ran.code == 1
    assert ran.err == (
        "ses-production-access status: cannot use the AWS profile 'nowhere' (ProfileNotFound).\n"
    )


def test_help_documents_the_exit_codes(cli: Cli) -> None:
    ran = cli.run("status", "--help")
    assert ran.code == 0
    text = " ".join(ran.out.split())
    assert "0 every Region in PRODUCTION" in text
    assert "4 a Region DENIED" in text


# ---- --all-regions and the account's enabled Regions (account:ListRegions) --------------

OPT_IN = ("af-south-1", "me-south-1", "il-central-1")  # opt-in Regions with SES


def disable(cli: Cli, *regions: str) -> None:
    for region in regions:
        assert region in SES_REGIONS, region
        cli.account.regions[region] = "DISABLED"


def test_all_regions_reports_a_region_the_account_has_not_enabled_and_reads_it_not(
    cli: Cli,
) -> None:
    disable(cli, *OPT_IN)
    found = rows(cli.run("status", "--all-regions", "--json").out)
    assert sorted(found) == SES_REGIONS
    for region in OPT_IN:
        assert found[region]["RegionOptStatus"] == "DISABLED"
        assert found[region]["SandboxStatus"] == "NONE"
        assert cli.ses.count("GetAccount", region) == 0
    assert found[HOME_REGION]["RegionOptStatus"] == "ENABLED_BY_DEFAULT"


def test_all_regions_exits_0_when_every_enabled_region_is_in_production(cli: Cli) -> None:
    disable(cli, *OPT_IN)
    for region in SES_REGIONS:
        cli.ses.account(region).grant()
    ran = cli.run("status", "--all-regions")
    assert ran.code == EXIT_PRODUCTION, ran.out
    assert ran.err == ""
    assert ran.lines()[-1] == (
        f"{len(SES_REGIONS)} Regions: {len(OPT_IN)} NOT_ENABLED, "
        f"{len(SES_REGIONS) - len(OPT_IN)} PRODUCTION."
    )


def test_all_regions_table_says_why_a_region_was_not_read(cli: Cli) -> None:
    disable(cli, "me-south-1")
    line = next(
        line for line in cli.run("status", "--all-regions").lines() if "me-south-1" in line
    )
    assert line.split()[:2] == ["me-south-1", "NOT_ENABLED"]
    assert "the account has not enabled this opt-in Region (DISABLED): not read" in line


def test_all_regions_reads_a_region_being_enabled_not(cli: Cli) -> None:
    cli.account.regions["me-south-1"] = "ENABLING"
    found = rows(cli.run("status", "--all-regions", "--json").out)
    assert found["me-south-1"]["RegionOptStatus"] == "ENABLING"
    assert cli.ses.count("GetAccount", "me-south-1") == 0


def test_all_regions_asks_list_regions_for_every_page(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(status_command, "LIST_REGIONS_PAGE", 10)
    disable(cli, SES_REGIONS[-1])
    found = rows(cli.run("status", "--all-regions", "--json").out)
    assert found[SES_REGIONS[-1]]["RegionOptStatus"] == "DISABLED"
    pages = -(-len(cli.account.regions) // 10)
    assert cli.account.count("ListRegions") == pages
    assert {call.params["MaxResults"] for call in cli.account.calls} == {10}


def test_all_regions_asks_list_regions_for_pages_of_its_most(cli: Cli) -> None:
    cli.run("status", "--all-regions")
    (call,) = cli.account.calls
    assert call.params == {"MaxResults": 50}


def test_all_regions_reads_every_region_when_list_regions_is_denied_and_says_so(
    cli: Cli,
) -> None:
    disable(cli, *OPT_IN)
    cli.account.faults["ListRegions"] = account_error(
        403, "AccessDeniedException", "User is not authorized to perform account:ListRegions"
    )
    ran = cli.run("status", "--all-regions", "--json")
    assert sorted(rows(ran.out)) == SES_REGIONS
    assert cli.ses.count("GetAccount") == len(SES_REGIONS)
    assert ran.err == (
        "ses-production-access status: the account's Regions could not be listed "
        "(account:ListRegions: AccessDeniedException): every SES Region is read, and an "
        "opt-in Region the account has not enabled shows as ERROR. Allow account:ListRegions "
        "to leave those out.\n"
    )
    assert all(row["RegionOptStatus"] is None for row in rows(ran.out).values())


def test_all_regions_is_bounded_by_the_timeout_when_list_regions_hangs(cli: Cli) -> None:
    cli.account.faults["ListRegions"] = account_hung()
    ran = cli.run("status", "--all-regions", "--json", "--timeout", "2")
    assert "(account:ListRegions: no answer within 0.6 s)" in ran.err
    assert sorted(rows(ran.out)) == SES_REGIONS
    assert ran.seconds < 2 + 2


def test_status_for_named_regions_does_not_list_the_regions(cli: Cli) -> None:
    cli.run("status", "--region", "me-south-1")
    assert cli.account.calls == []


def test_status_exit_code_leaves_out_regions_the_account_has_not_enabled() -> None:
    production = RegionStatus("eu-west-1", {"SandboxStatus": "PRODUCTION"})
    disabled = RegionStatus("me-south-1", {"SandboxStatus": "NONE"}, None, "not", "DISABLED")
    assert exit_code([production, disabled]) == EXIT_PRODUCTION
