"""The handler's pure logic: account state in, action and attributes out. No I/O."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from support import EVENTS, expected_put, load_event

ACCOUNTS = EVENTS / "accounts"


def account(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((ACCOUNTS / f"{name}.json").read_text())
    return result


def state(index: ModuleType, name: str) -> Any:
    return index.AccountState.from_get_account(account(name))


def desired(index: ModuleType, **overrides: Any) -> Any:
    props = {**load_event("create")["ResourceProperties"], **overrides}
    return index.parse_properties(props, None)


@pytest.mark.parametrize(
    ("name", "action", "status"),
    [
        ("production", "NOTHING", "PRODUCTION"),
        ("pending", "NOTHING", "PENDING_REVIEW"),
        ("denied", "NOTHING", "DENIED"),
        ("sandbox_new", "SUBMIT", "SANDBOX"),
        ("review_failed", "SUBMIT", "SANDBOX"),
        ("granted_but_sandboxed", "SUBMIT", "SANDBOX"),
    ],
)
def test_decision_table(index: ModuleType, name: str, action: str, status: str) -> None:
    current = state(index, name)
    assert index.decide(current).value == action
    assert index.sandbox_status(current) == status


def test_attributes_of_a_production_account(index: ModuleType) -> None:
    assert index.attributes(state(index, "production")) == {
        "SandboxStatus": "PRODUCTION",
        "ProductionAccessEnabled": "true",
        "ReviewStatus": "GRANTED",
        "CaseId": "173254819200123",
        "MaxSendRate": "14",
        "Max24HourSend": "50000",
        "SendingEnabled": "true",
        "EnforcementStatus": "HEALTHY",
        "Ready": "NONE",  # not checked: no request was due
        "ReadinessFindings": "NONE",
    }


def test_attributes_before_any_request_report_none_for_the_review(index: ModuleType) -> None:
    data = index.attributes(state(index, "sandbox_new"))
    assert (data["ReviewStatus"], data["CaseId"]) == ("NONE", "NONE")
    assert (data["MaxSendRate"], data["Max24HourSend"]) == ("1", "200")


def test_attributes_of_an_empty_get_account_answer_are_all_present(index: ModuleType) -> None:
    data = index.attributes(index.AccountState.from_get_account({}))
    assert tuple(data) == index.DATA_KEYS
    assert data["SandboxStatus"] == "SANDBOX"
    assert data["MaxSendRate"] == "NONE"


def test_fractional_send_rate_is_kept(index: ModuleType) -> None:
    raw = {**account("production"), "SendQuota": {"MaxSendRate": 2.5, "Max24HourSend": 1e5}}
    data = index.attributes(index.AccountState.from_get_account(raw))
    assert (data["MaxSendRate"], data["Max24HourSend"]) == ("2.5", "100000")


def test_denied_review_fails_only_when_fail_on_denied(index: ModuleType) -> None:
    denied = state(index, "denied")
    assert index.denied_outcome(denied, desired(index), "pid") is None
    outcome = index.denied_outcome(denied, desired(index, FailOnDenied="true"), "pid")
    assert outcome.status == "FAILED"
    assert "173254819200123" in outcome.reason
    assert "fail_on_denied=False" in outcome.advice


def test_fail_on_denied_does_not_fail_other_states(index: ModuleType) -> None:
    for name in ("production", "pending", "sandbox_new"):
        failing = desired(index, FailOnDenied="true")
        assert index.denied_outcome(state(index, name), failing, "pid") is None


def test_put_params_carry_the_details_and_ask_for_production(index: ModuleType) -> None:
    assert desired(index).put_account_details_params() == expected_put()


def test_put_params_leave_out_unset_optional_details(index: ModuleType) -> None:
    props = {"Region": "eu-west-1", "MailType": "MARKETING", "WebsiteURL": "https://example.com"}
    params = index.parse_properties(props, None).put_account_details_params()
    assert params == {
        "MailType": "MARKETING",
        "WebsiteURL": "https://example.com",
        "ProductionAccessEnabled": True,
    }


def test_region_falls_back_to_the_functions_region(index: ModuleType) -> None:
    props = {"MailType": "MARKETING", "WebsiteURL": "https://example.com"}
    assert index.parse_properties(props, "ap-northeast-1").region == "ap-northeast-1"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"MailType": "PROMOTIONAL"}, r"^MailType 'PROMOTIONAL' .*MailType\.MARKETING"),
        ({"ContactLanguage": "JP"}, r"^ContactLanguage 'JP' .*ContactLanguage\.JA"),
        ({"WebsiteURL": "example.com"}, r"^WebsiteURL is not an absolute http\(s\) URL"),
        ({"WebsiteURL": "https://e.com/" + "a" * 990}, r"^WebsiteURL must be 1 to 1000"),
        ({"UseCaseDescription": " "}, r"^UseCaseDescription is empty"),
        ({"UseCaseDescription": "a" * 5001}, r"^UseCaseDescription is 5001 .*at most 5000"),
        ({"AdditionalContactEmailAddresses": []}, r"holds 0 addresses; SES accepts 1 to 4"),
        ({"AdditionalContactEmailAddresses": ["x@y"]}, r"entry 1 is not 6 to 254"),
        ({"AdditionalContactEmailAddresses": ["xyz@host"]}, r"entry 1 domain is not a valid"),
        ({"AdditionalContactEmailAddresses": ["a@b.io", "A@b.io"]}, r"entry 2 repeats"),
        ({"AdditionalContactEmailAddresses": "a@b.io"}, r"must be a list of strings"),
        ({"Region": "Frankfurt"}, r"^Region 'Frankfurt' is not an AWS Region name"),
        ({"FailOnDenied": "maybe"}, r"^FailOnDenied 'maybe' is not a boolean"),
    ],
)
def test_fails_on_properties_ses_would_refuse(
    index: ModuleType, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(index.PropertyError, match=message):
        desired(index, **overrides)


def test_property_errors_never_quote_sensitive_values(index: ModuleType) -> None:
    secret_url = "ftp://secret.example.com/private"
    with pytest.raises(index.PropertyError) as raised:
        desired(index, WebsiteURL=secret_url)
    assert "secret" not in str(raised.value)


def test_physical_id_is_stable_for_an_account_and_region(index: ModuleType) -> None:
    stack = load_event("create")["StackId"]
    other_stack = stack.replace("SesProductionAccessExample", "Other")
    first = index.physical_resource_id(stack, "eu-west-1")
    assert first == "ses-production-access-123456789012-eu-west-1"
    assert index.physical_resource_id(other_stack, "eu-west-1") == first
    assert index.physical_resource_id(stack, "us-east-1") != first


def test_response_body_copies_the_request_identifiers(index: ModuleType) -> None:
    event = load_event("create")
    outcome = index.Outcome("SUCCESS", "pid", data={"SandboxStatus": "SANDBOX"})
    body = json.loads(index.build_response_body(event, outcome))
    assert body == {
        "Status": "SUCCESS",
        "PhysicalResourceId": "pid",
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "NoEcho": False,
        "Data": {"SandboxStatus": "SANDBOX"},
    }


def test_response_body_shortens_a_long_reason_to_4096_bytes(index: ModuleType) -> None:
    outcome = index.Outcome("FAILED", "pid", reason="é" * 5000)
    encoded = index.build_response_body(load_event("create"), outcome)
    assert len(encoded) <= 4096
    assert json.loads(encoded)["Reason"].endswith("[...]")


def test_failed_response_always_has_a_reason(index: ModuleType) -> None:
    body = json.loads(index.build_response_body(load_event("create"), index.Outcome("FAILED", "p")))
    assert body["Reason"]


def test_redact_removes_every_sensitive_value(index: ModuleType) -> None:
    event = load_event("create", response_url="https://s3.example/x?X-Amz-Signature=abc")
    secrets = index.sensitive_values(event)
    text = (
        "Invalid https://private-site.example.com/landing for alice.private@example.com "
        "via https://s3.example/x?X-Amz-Signature=abc"
    )
    redacted = index.redact(text, secrets)
    for secret in secrets:
        assert secret not in redacted
    assert redacted.count("<redacted>") == 3


def test_redact_ignores_letter_case_and_masks_hosts_urls_and_addresses(
    index: ModuleType,
) -> None:
    secrets = index.sensitive_values(load_event("create"))
    text = (
        "Domain private-site.example.com, contact ALICE.PRIVATE@EXAMPLE.COM, "
        "page http://other.example.net/x and someone@else.org rejected"
    )
    redacted = index.redact(text, secrets)
    for fragment in ("private-site", "ALICE", "other.example.net", "someone@else.org"):
        assert fragment not in redacted
    assert redacted.endswith("rejected")


def test_response_body_stays_within_4096_bytes_whatever_it_carries(index: ModuleType) -> None:
    outcome = index.Outcome(
        "FAILED",
        "é" * 2000,  # over CloudFormation's 1 KB id limit once encoded
        data={key: "x" * 600 for key in index.DATA_KEYS},
        reason="r" * 5000,
    )
    encoded = index.build_response_body(load_event("create"), outcome)
    body = json.loads(encoded)
    assert len(encoded) <= 4096
    assert len(body["PhysicalResourceId"].encode("utf-8")) <= 1024
    assert body["Reason"].endswith("[...]")


def test_physical_id_before_validation_never_carries_an_invalid_region(
    index: ModuleType,
) -> None:
    event = load_event("create")
    event["ResourceProperties"]["Region"] = "ü" * 2000
    assert index.event_physical_id(event, None) == (
        "ses-production-access-123456789012-unknown-region"
    )


@pytest.mark.parametrize("url", ["https://example.com\n", "https://exa\tmple.com"])
def test_fails_on_a_website_url_with_white_space(index: ModuleType, url: str) -> None:
    with pytest.raises(index.PropertyError, match=r"^WebsiteURL holds a white space"):
        desired(index, WebsiteURL=url)
