"""The one test of the wire: every name ``ses_production_access.wire`` shares with the
handler (``lambda/index.py``, which must stay self-contained and so keeps its own copy) is
equal on both sides, and the shared values are AWS's own."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from support import HANDLER_PATH

from ses_production_access import ContactLanguage, MailType, SandboxStatus, WhenNotReady, wire
from ses_production_access.construct.access import OUTPUT_DESCRIPTIONS
from ses_production_access.inline.code import handler_code_path
from ses_production_access.props import rules

# The names of wire the handler does not define, each with why.
LIBRARY_ONLY = {
    "HANDLER_MODULE", "HANDLER_FILE", "HANDLER_FUNCTION",  # the entry point: tested below
    # The feature names are the handler's region markers: tests/inline/test_inline.py reads them.
    "FEATURE_EVENTS", "FEATURE_NOTIFY", "FEATURE_WATCH",
    "FEATURE_VALIDATE", "FEATURE_COMMANDS", "FEATURES", "NEEDS",
    "PROP_SYNTHESIZED_AT",  # written for CloudFormation; the handler ignores it
    "SANDBOX_STATUSES",  # the handler names each status on its own
    "FLAG_TRUE", "FLAG_FALSE",  # the handler reads a wider set: tested below
    "WATCH_REGIONS",  # a key of the watch input: tested below
    "WATCH_PARAMETER_PREFIX_MAX_LENGTH",  # the handler encodes it in its prefix pattern
}
# The handler's name for a wire name it keeps private (its code is paid for in bytes).
HANDLER_NAMES = {
    "REGION_PATTERN": "_REGION_PATTERN",
    "LOCAL_PART_PATTERN": "_LOCAL_PART_PATTERN",
    "LABEL_PATTERN": "_LABEL_PATTERN",
    "INVISIBLE_CATEGORIES": "_INVISIBLE_CATEGORIES",
    "TOPIC_ARN_PATTERN": "_TOPIC_ARN_PATTERN",
    "EVENT_BUS_ARN_PATTERN": "_EVENT_BUS_ARN_PATTERN",
    "PARAMETER_PREFIX_PATTERN": "_PARAMETER_PREFIX_PATTERN",
}
SHARED = sorted(
    name for name in vars(wire) if name.isupper() and not name.startswith("_")
    and name not in LIBRARY_ONLY
)


def _comparable(value: object) -> object:
    return value.pattern if isinstance(value, re.Pattern) else value


@pytest.mark.parametrize("name", SHARED)
def test_the_handler_mirrors_each_shared_name(index: ModuleType, name: str) -> None:
    mirrored = getattr(index, HANDLER_NAMES.get(name, name))
    assert _comparable(mirrored) == _comparable(getattr(wire, name))


def test_every_name_of_the_wire_is_shared_or_said_why_not() -> None:
    assert LIBRARY_ONLY <= set(vars(wire))
    assert len(SHARED) > 30  # the parametrized test above covers them


def test_the_features_are_the_handlers_regions() -> None:
    source = HANDLER_PATH.read_text(encoding="utf-8")
    marked = set(re.findall(r'^FEATURE = "([a-z]+)"$', source, flags=re.MULTILINE))
    assert marked == set(wire.FEATURES)


def test_the_watch_input_is_what_the_handler_parses(index: ModuleType) -> None:
    watch = index.parse_watch(
        {wire.WATCH_REGIONS: ["eu-west-1"], wire.PROP_PARAMETER_PREFIX: "/ses/"}
    )
    assert list(watch.regions) == ["eu-west-1"]


def test_the_flags_the_library_writes_are_ones_the_handler_reads(index: ModuleType) -> None:
    assert wire.FLAG_TRUE in index._TRUE_STRINGS
    assert wire.FLAG_FALSE in index._FALSE_STRINGS


def test_the_prefix_length_is_the_handlers(index: ModuleType) -> None:
    longest = "/" + "a" * (wire.WATCH_PARAMETER_PREFIX_MAX_LENGTH - 1)
    assert index._PARAMETER_PREFIX_PATTERN.fullmatch(longest)
    assert not index._PARAMETER_PREFIX_PATTERN.fullmatch(longest + "a")


def test_the_library_enums_are_the_wire_values() -> None:
    assert tuple(m.value for m in MailType) == wire.MAIL_TYPES
    assert tuple(c.value for c in ContactLanguage) == wire.CONTACT_LANGUAGES
    assert tuple(s.value for s in SandboxStatus) == wire.SANDBOX_STATUSES
    assert tuple(w.value for w in WhenNotReady) == wire.WHEN_NOT_READY


def test_the_construct_reads_exactly_the_data_keys() -> None:
    assert tuple(OUTPUT_DESCRIPTIONS) == wire.DATA_KEYS


def test_the_rules_use_the_wire_patterns() -> None:
    assert rules.REGION_PATTERN is wire.REGION_PATTERN
    assert rules.LOCAL_PART_PATTERN is wire.LOCAL_PART_PATTERN
    assert rules.LABEL_PATTERN is wire.LABEL_PATTERN
    assert rules.INVISIBLE_CATEGORIES == set(wire.INVISIBLE_CATEGORIES)


def test_the_values_and_limits_are_botocores_model_of_put_account_details() -> None:
    import botocore.session

    shape = botocore.session.get_session().get_service_model("sesv2").shape_for(
        "PutAccountDetailsRequest"
    )
    members = shape.members
    assert tuple(members["MailType"].enum) == wire.MAIL_TYPES
    assert tuple(members["ContactLanguage"].enum) == wire.CONTACT_LANGUAGES
    assert members["WebsiteURL"].metadata["max"] == wire.WEBSITE_URL_MAX_LENGTH
    assert members["UseCaseDescription"].metadata["max"] == wire.USE_CASE_DESCRIPTION_MAX_LENGTH
    contacts = members["AdditionalContactEmailAddresses"]
    assert contacts.metadata["max"] == wire.CONTACT_ADDRESSES_MAX
    assert contacts.member.metadata["min"] == wire.CONTACT_ADDRESS_MIN_LENGTH
    assert contacts.member.metadata["max"] == wire.CONTACT_ADDRESS_MAX_LENGTH


def test_the_wire_is_standard_library_only() -> None:
    tree = ast.parse(Path(wire.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""]
            assert all(m.split(".")[0] in sys.stdlib_module_names for m in modules), modules


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
    shipped = handler_code_path() / wire.HANDLER_FILE
    assert shipped.read_text() == HANDLER_PATH.read_text()
    assert callable(getattr(index, wire.HANDLER_FUNCTION))
