"""Bad props fail at synth time with a message naming the prop, the value and the fix."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from ses_production_access import ContactLanguage, MailType, SesProductionAccess


def make_stack() -> cdk.Stack:
    return cdk.Stack(
        cdk.App(), "Stack", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )


def add(stack: cdk.Stack | None = None, id: str = "Access", **props: Any) -> SesProductionAccess:
    defaults: dict[str, Any] = {
        "mail_type": MailType.TRANSACTIONAL,
        "website_url": "https://example.com",
        "acknowledge_sending_policy": True,
    }
    return SesProductionAccess(stack or make_stack(), id, **{**defaults, **props})


def test_fails_on_promotional_mail_type_and_names_marketing() -> None:
    with pytest.raises(ValueError, match=r"^mail_type 'PROMOTIONAL' .*MailType\.MARKETING"):
        add(mail_type="PROMOTIONAL")


def test_fails_on_an_unknown_mail_type_and_lists_the_values() -> None:
    with pytest.raises(
        ValueError, match=r"^mail_type 'BULK' .*MailType\.MARKETING, MailType\.TRANSACTIONAL"
    ):
        add(mail_type="BULK")


def test_fails_on_a_mail_type_of_the_wrong_kind() -> None:
    with pytest.raises(ValueError, match=r"^mail_type must be a MailType, got int 3"):
        add(mail_type=3)


def test_fails_on_jp_contact_language_and_names_ja() -> None:
    with pytest.raises(ValueError, match=r"^contact_language 'JP' .*ContactLanguage\.JA"):
        add(contact_language="JP")


def test_fails_on_an_unknown_contact_language() -> None:
    with pytest.raises(ValueError, match=r"^contact_language 'FR' .*ContactLanguage\.EN"):
        add(contact_language="FR")


def test_fails_on_a_language_enum_given_as_mail_type() -> None:
    with pytest.raises(ValueError, match=r"^mail_type must be a MailType, got ContactLanguage"):
        add(mail_type=ContactLanguage.EN)


@pytest.mark.parametrize(
    "url",
    [
        "example.com",
        "ftp://example.com",
        "https://",
        "/relative/path",
        "https://exa mple.com",
        "https://exa\tmple.com",
        "https://example.com\n",
        "",
    ],
)
def test_fails_on_a_website_url_that_is_not_absolute_http(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url .* not an absolute http\(s\) URL"):
        add(website_url=url)


def test_fails_on_a_website_url_over_1000_characters() -> None:
    url = "https://example.com/" + "a" * 981
    with pytest.raises(ValueError, match=r"^website_url .*longer than SES accepts \(1000 char"):
        add(website_url=url)


def test_accepts_a_website_url_of_exactly_1000_characters() -> None:
    add(website_url="https://example.com/" + "a" * 980)


def test_fails_on_an_empty_use_case_description() -> None:
    with pytest.raises(ValueError, match=r"^use_case_description is empty"):
        add(use_case_description="   ")


def test_fails_on_a_use_case_description_over_5000_characters() -> None:
    with pytest.raises(ValueError, match=r"^use_case_description .*longer than SES accepts \(5000"):
        add(use_case_description="x" * 5001)


def test_accepts_a_use_case_description_of_exactly_5000_characters() -> None:
    add(use_case_description="x" * 5000)


def test_fails_on_an_empty_contact_list() -> None:
    with pytest.raises(ValueError, match=r"^additional_contact_email_addresses holds 0 .*1 to 4"):
        add(additional_contact_email_addresses=[])


def test_fails_on_five_contacts() -> None:
    addresses = [f"ops{i}@example.com" for i in range(5)]
    with pytest.raises(ValueError, match=r"^additional_contact_email_addresses holds 5 .*1 to 4"):
        add(additional_contact_email_addresses=addresses)


def test_fails_on_a_duplicate_contact_ignoring_case() -> None:
    with pytest.raises(
        ValueError, match=r"^additional_contact_email_addresses lists 'OPS@example.com' twice"
    ):
        add(additional_contact_email_addresses=["ops@example.com", "OPS@example.com"])


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "two@@example.com", "sp ace@x.io"])
def test_fails_on_a_contact_that_is_not_an_address(address: str) -> None:
    with pytest.raises(
        ValueError, match=r"^additional_contact_email_addresses: .* is not an email address"
    ):
        add(additional_contact_email_addresses=[address])


def test_fails_on_a_contact_shorter_than_6_characters() -> None:
    with pytest.raises(ValueError, match=r"6 to 254 characters"):
        add(additional_contact_email_addresses=["a@b.c"])


def test_fails_on_a_contact_longer_than_254_characters() -> None:
    address = "a" * 243 + "@example.com"  # 255 characters
    with pytest.raises(ValueError, match=r"6 to 254 characters"):
        add(additional_contact_email_addresses=[address])


def test_fails_on_a_single_string_instead_of_a_contact_list() -> None:
    with pytest.raises(ValueError, match=r"^additional_contact_email_addresses must be a list"):
        add(additional_contact_email_addresses="ops@example.com")


@pytest.mark.parametrize("value", [None, False, "yes", 1])
def test_fails_without_an_explicit_true_acknowledgement(value: object) -> None:
    with pytest.raises(
        ValueError, match=r"^acknowledge_sending_policy must be True.*bounces and complaints"
    ):
        add(acknowledge_sending_policy=value)


def test_fails_when_the_acknowledgement_is_left_out() -> None:
    with pytest.raises(ValueError, match=r"^acknowledge_sending_policy must be True, got None"):
        SesProductionAccess(
            make_stack(), "Access", mail_type=MailType.TRANSACTIONAL,
            website_url="https://example.com",
        )


def test_fails_on_a_region_that_is_not_a_region_name() -> None:
    with pytest.raises(ValueError, match=r"^region 'Ireland' is not an AWS Region name"):
        add(region="Ireland")


def test_fails_on_two_instances_for_the_same_region() -> None:
    stack = make_stack()
    add(stack, "First", region="eu-central-1")
    with pytest.raises(ValueError, match=r"^region: Stack/First already requests .*eu-central-1"):
        add(stack, "Second", region="eu-central-1")


def test_fails_on_an_explicit_region_equal_to_the_stack_default() -> None:
    stack = make_stack()
    add(stack, "Default")
    with pytest.raises(ValueError, match=r"^region: Stack/Default already requests"):
        add(stack, "Explicit", region="eu-west-1")


def test_fails_on_two_default_regions_of_an_environment_agnostic_stack() -> None:
    stack = cdk.Stack(cdk.App(), "Agnostic")
    add(stack, "First")
    with pytest.raises(ValueError, match=r"already requests production access for the stack's"):
        add(stack, "Second")


def test_same_region_in_two_stacks_is_allowed() -> None:
    app = cdk.App()
    add(cdk.Stack(app, "One"), region="eu-west-1")
    add(cdk.Stack(app, "Two"), region="eu-west-1")


@pytest.mark.parametrize("seconds", [5, 16 * 60])
def test_fails_on_a_timeout_out_of_range(seconds: int) -> None:
    with pytest.raises(ValueError, match=r"^timeout .* give a Duration from 10 seconds to 15"):
        add(timeout=cdk.Duration.seconds(seconds))


def test_unresolved_tokens_are_not_validated_at_synth_time() -> None:
    stack = make_stack()
    url = cdk.CfnParameter(stack, "Url").value_as_string
    mail = cdk.CfnParameter(stack, "Mail").value_as_string
    contacts = cdk.CfnParameter(stack, "Contacts", type="CommaDelimitedList").value_as_list
    region = cdk.CfnParameter(stack, "Region").value_as_string
    add(stack, website_url=url, mail_type=mail, additional_contact_email_addresses=contacts,
        use_case_description=cdk.CfnParameter(stack, "Text").value_as_string, region=region)
