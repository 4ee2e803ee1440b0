"""Bad props fail at synth time with a message naming the prop, the value and the fix."""

from __future__ import annotations

import inspect
import json
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk.assertions import Annotations, Match, Template
from support import EVENTS
from support.stacks import add, make_stack

from ses_production_access import ContactLanguage, MailType, SesProductionAccess

# The valid and invalid values shared with the deploy-time checks of lambda/index.py.
CASES: dict[str, dict[str, list[str]]] = json.loads(
    (EVENTS / "validation_cases.json").read_text()
)


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


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Receipts \ud800 only.", r"character 10 is U\+D800"),  # a lone surrogate
        ("Receipts\x00only.", r"character 9 is U\+0000"),
        ("Receipts\x1b[31m only.", r"character 9 is U\+001B"),
        ("Receipts\r\nonly.", r"character 9 is U\+000D"),
    ],
)
def test_fails_on_a_control_character_or_lone_surrogate_in_the_use_case_description(
    text: str, where: str
) -> None:
    with pytest.raises(ValueError, match=rf"^use_case_description: {where}.*remove it"):
        add(use_case_description=text)


def test_accepts_line_breaks_and_tabs_in_the_use_case_description() -> None:
    add(use_case_description="Receipts:\n\t- orders\n\t- refunds")


def test_fails_on_a_control_character_in_a_use_case_answer_naming_the_answer() -> None:
    from ses_production_access import UseCase

    answers = UseCase(mailing_list="Sign-ups.", bounces_and_complaints="The list.",
                      opt_out="A link.", sending_rate="Low\x07.")  # fmt: skip
    with pytest.raises(ValueError, match=r"^use_case.sending_rate: character 4 is U\+0007"):
        add(use_case=answers)


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


def test_acknowledge_sending_policy_is_a_required_keyword_typed_bool() -> None:
    parameter = inspect.signature(SesProductionAccess.__init__).parameters[
        "acknowledge_sending_policy"
    ]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty
    assert parameter.annotation in (bool, "bool")


def test_fails_when_the_acknowledgement_is_left_out() -> None:
    with pytest.raises(TypeError, match=r"acknowledge_sending_policy"):
        SesProductionAccess(  # type: ignore[call-arg]
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


# --- The shared table of valid and invalid values (tests/events/validation_cases.json) ---


def test_the_shared_table_has_valid_and_invalid_values_for_each_checked_prop() -> None:
    assert set(CASES) == {"region", "website_url", "contact"}
    for prop, cases in CASES.items():
        assert set(cases) == {"valid", "invalid"}, prop
        assert cases["valid"], prop
        assert cases["invalid"], prop
        assert not set(cases["valid"]) & set(cases["invalid"]), prop


@pytest.mark.parametrize("region", CASES["region"]["valid"])
def test_accepts_every_valid_region_of_the_shared_table(region: str) -> None:
    add(region=region)


@pytest.mark.parametrize("region", CASES["region"]["invalid"])
def test_fails_on_every_invalid_region_of_the_shared_table(region: str) -> None:
    with pytest.raises(ValueError, match=r"^region .*is not an AWS Region name"):
        add(region=region)


@pytest.mark.parametrize("url", CASES["website_url"]["valid"])
def test_accepts_every_valid_website_url_of_the_shared_table(url: str) -> None:
    add(website_url=url)


@pytest.mark.parametrize("url", CASES["website_url"]["invalid"])
def test_fails_on_every_invalid_website_url_of_the_shared_table(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url ") as failure:
        add(website_url=url)
    assert ": " in str(failure.value)  # the problem, then the fix


@pytest.mark.parametrize("address", CASES["contact"]["valid"])
def test_accepts_every_valid_contact_of_the_shared_table(address: str) -> None:
    add(additional_contact_email_addresses=[address])


@pytest.mark.parametrize("address", CASES["contact"]["invalid"])
def test_fails_on_every_invalid_contact_of_the_shared_table(address: str) -> None:
    with pytest.raises(ValueError, match=r"^additional_contact_email_addresses: .* is not an"):
        add(additional_contact_email_addresses=[address])


# --- website_url: what each refusal says ---


def test_fails_on_a_website_url_with_a_trailing_newline() -> None:
    with pytest.raises(ValueError, match=r"^website_url .*character 20 is U\+000A"):
        add(website_url="https://example.com\n")


@pytest.mark.parametrize(
    ("url", "position", "code_point"),
    [
        ("https://exa\u200bmple.com", 12, "200B"),
        ("https://example.com/\u00a0", 21, "00A0"),
        ("https://example.com/\u202eevil", 21, "202E"),
        ("https://exa mple.com", 12, "0020"),
    ],
)
def test_fails_on_an_invisible_or_white_space_character_and_says_where(
    url: str, position: int, code_point: str
) -> None:
    with pytest.raises(
        ValueError,
        match=rf"^website_url .* white space or invisible character \(character {position} is "
        rf"U\+{code_point}.*: remove it",
    ):
        add(website_url=url)


def test_fails_on_userinfo_without_echoing_the_credential() -> None:
    with pytest.raises(ValueError, match=r"^website_url .*would put a credential") as failure:
        add(website_url="https://admin:hunter2@example.com/")
    assert "hunter2" not in str(failure.value)
    assert "admin" not in str(failure.value)


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1", "https://[::1]", "https://10.0.0.1", "https://169.254.169.254"]
)
def test_fails_on_an_address_that_is_not_public(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url .*not a public address"):
        add(website_url=url)


@pytest.mark.parametrize("url", ["http://localhost", "https://foo.local", "https://a.home.arpa"])
def test_fails_on_a_local_name(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url .*local name"):
        add(website_url=url)


@pytest.mark.parametrize("url", ["https://exa_mple.com", "https://example..com", "https://x"])
def test_fails_on_an_invalid_host_name(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url .*not a valid host name"):
        add(website_url=url)


@pytest.mark.parametrize("url", ["https://example.com:0", "https://example.com:99999"])
def test_fails_on_an_invalid_port(url: str) -> None:
    with pytest.raises(ValueError, match=r"^website_url .*port .*1 to 65535"):
        add(website_url=url)


def test_fails_on_a_malformed_ipv6_url_with_a_value_error_naming_the_prop() -> None:
    with pytest.raises(ValueError, match=r"^website_url 'https://\[::1' cannot be read"):
        add(website_url="https://[::1")


def test_accepts_an_internationalized_host_name() -> None:
    add(website_url="http://bücher.de")


# --- contacts: what each refusal says ---


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (".ops@example.com", r"starts with a dot"),
        ("ops.@example.com", r"ends with a dot"),
        ("op..s@example.com", r"two dots in a row"),
        ("mailto:ops@example.com", r"'mailto:'"),
        ("ops@example.com.", r"domain .*ends with a dot"),
        ("ops@localhost", r"domain .*local name"),
        ("ops@example.com\n", r"U\+000A"),
    ],
)
def test_fails_on_a_contact_and_says_why(address: str, reason: str) -> None:
    with pytest.raises(
        ValueError, match=rf"^additional_contact_email_addresses: .* is not an .*{reason}"
    ):
        add(additional_contact_email_addresses=[address])


# --- Every prop's type ---


@pytest.mark.parametrize("prop", ["refresh_on_deploy", "create_outputs", "fail_on_denied"])
@pytest.mark.parametrize("value", ["no", "false", "False", 0, 1, None])
def test_fails_on_a_boolean_prop_that_is_not_a_bool(prop: str, value: Any) -> None:
    with pytest.raises(ValueError, match=rf"^{prop} must be True or False, got "):
        add(**{prop: value})


def test_fails_on_acknowledge_sending_policy_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match=r"^acknowledge_sending_policy must be True, got 'true'"):
        add(acknowledge_sending_policy="true")


def test_fail_on_denied_accepts_an_unresolved_string_token() -> None:
    stack = make_stack()
    flag = cdk.CfnParameter(stack, "FailOnDenied", allowed_values=["true", "false"])
    add(stack, fail_on_denied=flag.value_as_string)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (60, r"^timeout must be a Duration such as Duration.minutes\(2\), got int 60"),
        ("2 minutes", r"^timeout must be a Duration .*got str '2 minutes'"),
        (
            cdk.Duration.millis(10500),
            r"^timeout 10.5 seconds is not a whole number of seconds: .*Duration.seconds",
        ),
    ],
)
def test_fails_on_a_timeout_that_is_not_whole_seconds_of_a_duration(
    value: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        add(timeout=value)


@pytest.mark.parametrize("value", [7, "ONE_WEEK", 7.0])
def test_fails_on_a_log_retention_that_is_not_retention_days(value: object) -> None:
    with pytest.raises(
        ValueError, match=r"^log_retention must be a RetentionDays such as RetentionDays.ONE_YEAR"
    ):
        add(log_retention=value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([b"ops@example.com"], r"^additional_contact_email_addresses must hold strings, got bytes"),
        (b"ops@example.com", r"^additional_contact_email_addresses must be a list .*got bytes"),
        (("ops@example.com", 3), r"^additional_contact_email_addresses must hold strings, got int"),
        (42, r"^additional_contact_email_addresses must be a list .*got int"),
    ],
)
def test_fails_on_contacts_of_the_wrong_type(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        add(additional_contact_email_addresses=value)


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("website_url", b"https://example.com", r"^website_url must be a string .*got bytes"),
        ("region", 1, r"^region must be a string .*got int 1"),
        ("use_case_description", ["text"], r"^use_case_description must be a string, got list"),
        ("contact_language", 2, r"^contact_language must be a ContactLanguage, got int 2"),
        ("log_group_encryption_key", "arn:aws:kms:eu-west-1:123456789012:key/k",
         r"^log_group_encryption_key must be a kms.IKey .*got str"),
        ("log_group_removal_policy", "destroy",
         r"^log_group_removal_policy must be a RemovalPolicy .*got str 'destroy'"),
    ],
)
def test_fails_on_a_prop_of_the_wrong_type_naming_the_prop(
    prop: str, value: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        add(**{prop: value})


def test_fails_on_a_scope_outside_any_stack() -> None:
    with pytest.raises(ValueError, match=r"^scope: .*inside a Stack"):
        SesProductionAccess(
            cdk.App(), "Access", mail_type=MailType.TRANSACTIONAL,
            website_url="https://example.com", acknowledge_sending_policy=True,
        )


# --- Nothing is added to the tree before every check has passed ---


@pytest.mark.parametrize(
    "bad",
    [
        {"website_url": "https://user:pass@example.com"},
        {"timeout": 60},
        {"log_retention": 7},
        {"region": "eu-west-1"},  # the stack's Region, already taken by "First"
        {"timeout": cdk.Duration.seconds(30)},  # differs from the shared function's
    ],
)
def test_a_caught_error_leaves_no_half_built_construct(bad: dict[str, Any]) -> None:
    stack = make_stack()
    add(stack, "First")
    with pytest.raises(ValueError, match=r"^(website_url|timeout|log_retention|region)"):
        add(stack, "Broken", **bad)
    assert stack.node.try_find_child("Broken") is None
    add(stack, "Second", region="us-east-1")
    Template.from_stack(stack).resource_count_is("Custom::SesProductionAccess", 2)


def test_a_caught_error_on_the_first_instance_leaves_no_shared_handler() -> None:
    stack = make_stack()
    with pytest.raises(ValueError, match=r"^website_url"):
        add(stack, website_url="https://localhost")
    assert stack.node.try_find_child("SesProductionAccessHandler") is None
    add(stack, "Access", timeout=cdk.Duration.seconds(30))
    Template.from_stack(stack).has_resource_properties("AWS::Lambda::Function", {"Timeout": 30})


# --- One instance per Region: what synthesis can and cannot know ---


def test_fails_on_aws_region_next_to_the_stacks_literal_region() -> None:
    stack = make_stack()
    add(stack, "Literal")
    with pytest.raises(
        ValueError, match=r"^region: Stack/Literal already requests .*eu-west-1.*Aws.REGION"
    ):
        add(stack, "Pseudo", region=cdk.Aws.REGION)


def test_fails_on_the_stacks_literal_region_next_to_aws_region() -> None:
    stack = make_stack()
    add(stack, "Pseudo", region=cdk.Aws.REGION)
    with pytest.raises(ValueError, match=r"^region: Stack/Pseudo already requests .*eu-west-1"):
        add(stack, "Literal", region="eu-west-1")


def test_warns_when_an_agnostic_stack_region_may_equal_a_literal_region() -> None:
    stack = cdk.Stack(cdk.App(), "Agnostic")
    add(stack, "Default")
    add(stack, "Virginia", region="us-east-1")
    Annotations.from_stack(stack).has_warning(
        "/Agnostic/Virginia",
        Match.string_like_regexp(
            r"region: cannot tell at synth time whether us-east-1 and the Region of "
            r"Agnostic/Default, the stack's Region.*\[ack: ses-production-access:regionMayRepeat\]"
        ),
    )


def test_no_region_warning_for_two_region_names() -> None:
    stack = make_stack()
    add(stack, "Ireland")
    add(stack, "Virginia", region="us-east-1")
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


def test_the_region_warning_can_be_acknowledged() -> None:
    stack = cdk.Stack(cdk.App(), "Agnostic")
    add(stack, "Default")
    virginia = add(stack, "Virginia", region="us-east-1")
    cdk.Annotations.of(virginia).acknowledge_warning(
        "ses-production-access:regionMayRepeat", "this stack is only deployed to eu-west-1"
    )
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --- Values a Lazy resolves at synthesis are checked then ---


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("website_url", "https://localhost", r"website_url 'https://localhost' has host"),
        ("region", "eu-west-1\n", r"region 'eu-west-1\\n' is not an AWS Region name"),
        ("mail_type", "PROMOTIONAL", r"mail_type 'PROMOTIONAL' .*MailType.MARKETING"),
        ("fail_on_denied", "yes", r"fail_on_denied resolves to 'yes'"),
        ("use_case_description", " ", r"use_case_description is empty"),
    ],
)
def test_fails_synthesis_on_a_lazy_string_that_resolves_to_a_bad_value(
    prop: str, value: str, message: str
) -> None:
    stack = make_stack()
    lazy = cdk.Lazy.string(Producer(value))
    add(stack, **{prop: lazy})
    with pytest.raises(RuntimeError, match=message):
        Template.from_stack(stack)


def test_fails_synthesis_on_a_lazy_list_that_resolves_to_a_bad_contact() -> None:
    stack = make_stack()
    lazy = cdk.Lazy.list(ListProducer(["ops@example.com", "ops..x@example.com"]))
    add(stack, additional_contact_email_addresses=lazy)
    with pytest.raises(RuntimeError, match=r"additional_contact_email_addresses: 'ops..x@"):
        Template.from_stack(stack)


def test_a_lazy_that_resolves_to_good_values_synthesizes_them() -> None:
    stack = make_stack()
    add(
        stack,
        website_url=cdk.Lazy.string(Producer("https://example.com/shop")),
        region=cdk.Lazy.string(Producer("us-east-1")),
        fail_on_denied=cdk.Lazy.string(Producer("true")),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "Custom::SesProductionAccess",
        {"WebsiteURL": "https://example.com/shop", "Region": "us-east-1", "FailOnDenied": "true"},
    )


def test_fail_on_denied_token_is_written_through_as_is() -> None:
    stack = make_stack()
    flag = cdk.CfnParameter(stack, "FailOnDenied", allowed_values=["true", "false"])
    add(stack, fail_on_denied=flag.value_as_string)
    Template.from_stack(stack).has_resource_properties(
        "Custom::SesProductionAccess", {"FailOnDenied": {"Ref": "FailOnDenied"}}
    )


@jsii.implements(cdk.IStableStringProducer)
class Producer:
    """What Lazy.string calls once, at synthesis."""

    def __init__(self, value: str) -> None:
        self.value = value

    def produce(self) -> str:
        return self.value


@jsii.implements(cdk.IStableListProducer)
class ListProducer:
    def __init__(self, value: list[str]) -> None:
        self.value = value

    def produce(self) -> list[str]:
        return self.value
