"""The handler keeps its own copy of the limits and names (it must stay self-contained);
these tests keep the copies in step with the library."""

from __future__ import annotations

import ast
import sys
from types import ModuleType

from support import HANDLER_PATH

from ses_production_access import ContactLanguage, MailType, SandboxStatus, _limits
from ses_production_access._construct import ATTRIBUTES
from ses_production_access._handler import HANDLER_FUNCTION
from ses_production_access._inline import HANDLER_MODULE, handler_code_path


def test_handler_limits_match_the_library(index: ModuleType) -> None:
    for name in (
        "WEBSITE_URL_MAX_LENGTH",
        "USE_CASE_DESCRIPTION_MAX_LENGTH",
        "CONTACT_ADDRESSES_MAX",
        "CONTACT_ADDRESS_MIN_LENGTH",
        "CONTACT_ADDRESS_MAX_LENGTH",
    ):
        assert getattr(index, name) == getattr(_limits, name), name


def test_handler_enums_match_the_library(index: ModuleType) -> None:
    assert index.MAIL_TYPES == tuple(m.value for m in MailType)
    assert index.CONTACT_LANGUAGES == tuple(c.value for c in ContactLanguage)
    statuses = (index.PRODUCTION, index.PENDING_REVIEW, index.DENIED, index.SANDBOX)
    assert statuses == tuple(s.value for s in SandboxStatus)


def test_handler_returns_exactly_the_attributes_the_construct_reads(index: ModuleType) -> None:
    assert index.DATA_KEYS == tuple(ATTRIBUTES)


def test_handler_enum_values_match_botocore_model(index: ModuleType) -> None:
    import botocore.session

    shape = botocore.session.get_session().get_service_model("sesv2").shape_for(
        "PutAccountDetailsRequest"
    )
    members = shape.members
    assert tuple(members["MailType"].enum) == index.MAIL_TYPES
    assert tuple(members["ContactLanguage"].enum) == index.CONTACT_LANGUAGES
    assert members["WebsiteURL"].metadata["max"] == index.WEBSITE_URL_MAX_LENGTH
    assert members["UseCaseDescription"].metadata["max"] == index.USE_CASE_DESCRIPTION_MAX_LENGTH
    contacts = members["AdditionalContactEmailAddresses"]
    assert contacts.metadata["max"] == index.CONTACT_ADDRESSES_MAX
    assert contacts.member.metadata["min"] == index.CONTACT_ADDRESS_MIN_LENGTH
    assert contacts.member.metadata["max"] == index.CONTACT_ADDRESS_MAX_LENGTH


def test_handler_module_is_self_contained() -> None:
    # Only the standard library and boto3/botocore: it ships inline in the template.
    tree = ast.parse(HANDLER_PATH.read_text())
    allowed_third_party = {"boto3", "botocore"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            modules = [node.module or ""]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or top in allowed_third_party, module


def test_construct_points_at_the_handler_entry_point(index: ModuleType) -> None:
    assert (handler_code_path() / f"{HANDLER_MODULE}.py").read_text() == HANDLER_PATH.read_text()
    assert callable(getattr(index, HANDLER_FUNCTION))


def test_handler_patterns_match_the_librarys(index: ModuleType) -> None:
    # Synth time and deploy time must accept and refuse the same values: both sides also
    # run the same table of cases (tests/events/validation_cases.json).
    from ses_production_access import _input_rules, _watch

    assert index._REGION_PATTERN.pattern == _input_rules.REGION_PATTERN.pattern
    assert index._LOCAL_PART_PATTERN.pattern == _input_rules.LOCAL_PART_PATTERN.pattern
    assert index._LABEL_PATTERN.pattern == _input_rules.LABEL_PATTERN.pattern
    assert set(index._INVISIBLE_CATEGORIES) == _input_rules.INVISIBLE_CATEGORIES
    assert index._TOPIC_ARN_PATTERN.pattern == _watch.TOPIC_ARN_PATTERN.pattern


def test_handler_host_limits_match_the_librarys(index: ModuleType) -> None:
    for name in (
        "CONTACT_LOCAL_PART_MAX_LENGTH",
        "HOST_NAME_MAX_LENGTH",
        "LOCAL_TOP_LEVEL_DOMAINS",
        "LOCAL_DOMAIN_SUFFIXES",
    ):
        assert getattr(index, name) == getattr(_limits, name), name
