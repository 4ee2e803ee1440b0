"""The input rules as pure functions, against the table the deploy-time handler shares
(tests/events/validation_cases.json)."""

from __future__ import annotations

import json

import pytest
from support import EVENTS

from ses_production_access.props import rules

CASES: dict[str, dict[str, list[str]]] = json.loads(
    (EVENTS / "validation_cases.json").read_text()
)


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        (kind, value, verdict == "valid")
        for kind, cases in CASES.items()
        for verdict, values in cases.items()
        for value in values
    ],
)
def test_each_value_of_the_shared_table_gets_its_verdict(
    kind: str, value: str, valid: bool
) -> None:
    if kind == "region":
        accepted = rules.REGION_PATTERN.fullmatch(value) is not None
    elif kind == "website_url":
        accepted = rules.website_url_problem(value) is None
    else:
        accepted = rules.contact_address_problem(value) is None
    assert accepted is valid


def test_region_digits_are_ascii_only() -> None:
    assert rules.REGION_PATTERN.fullmatch("eu-west-1")
    assert not rules.REGION_PATTERN.fullmatch("eu-west-\u0661")


def test_a_zero_width_space_in_a_contact_domain_is_refused_before_idna_drops_it() -> None:
    assert "x\u200by".encode("idna") == b"xy"  # why the invisible check comes first
    problem = rules.contact_address_problem("ops@exa\u200bmple.com")
    assert problem is not None
    assert "U+200B" in problem.reason


def test_host_name_problem_says_when_a_name_is_local_rather_than_malformed() -> None:
    local = rules.host_name_problem("printer.local")
    assert local is not None
    assert local.local
    malformed = rules.host_name_problem("exa_mple.com")
    assert malformed is not None
    assert not malformed.local


def test_invisible_character_names_the_position_and_code_point() -> None:
    assert rules.invisible_character("ab\u202ec") == (
        "character 3 is U+202E RIGHT-TO-LEFT OVERRIDE"
    )
    assert rules.invisible_character("abc") is None
