"""The StackSet's own props: defaults, limits and synth-time checks (its request props are
checked by ``props.checked.check_request_props``, as SesProductionAccess's).

Each check raises ``ValueError`` naming the prop, the bad value and the fix. The patterns
are AWS Organizations' and CloudFormation's own (their API references).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import TypeVar

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs

from ..props.checks import enum_value, shown, typed
from ..props.rules import REGION_PATTERN
from ..props.tokens import is_unresolved
from .values import AccountFilterType, CallAs, ConcurrencyMode, RegionConcurrency

E = TypeVar("E", bound=Enum)
T = TypeVar("T")


# Defaults, justified in docs/organization.md.
DEFAULT_CALL_AS = CallAs.DELEGATED_ADMIN
DEFAULT_CONCURRENCY_MODE = ConcurrencyMode.SOFT_FAILURE_TOLERANCE
DEFAULT_REGION_CONCURRENCY = RegionConcurrency.PARALLEL
# CloudFormation rounds a percentage of accounts down, and up to one from zero: 1% is one
# account at a time per Region up to 199 accounts (AWS asks for requests one account at a
# time).
DEFAULT_MAX_CONCURRENT_PERCENTAGE = 1
# Rounded down too: with fewer than 10 accounts the first failure stops the Region.
DEFAULT_FAILURE_TOLERANCE_PERCENTAGE = 10
DEFAULT_ACCOUNT_FILTER_TYPE = AccountFilterType.INTERSECTION
# The roll-up's events are a few hundred bytes per deployment: kept long enough that the
# latest state of every account stays on the dashboard, and kept with the stack's removal.
DEFAULT_STATUS_LOG_RETENTION = logs.RetentionDays.TEN_YEARS
DEFAULT_STATUS_LOG_GROUP_REMOVAL_POLICY = RemovalPolicy.RETAIN

# AWS Organizations' patterns (the Organizations API reference).
ORGANIZATION_ID_PATTERN = re.compile(r"o-[a-z0-9]{10,32}")
OU_ID_PATTERN = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ROOT_ID_PATTERN = re.compile(r"r-[0-9a-z]{4,32}")
ACCOUNT_ID_PATTERN = re.compile(r"[0-9]{12}")
# CloudFormation's StackSetName: a letter, then letters, digits and hyphens.
STACK_SET_NAME_PATTERN = re.compile(r"[a-zA-Z][-a-zA-Z0-9]*")
STACK_SET_NAME_MAX_LENGTH = 128
STACK_SET_DESCRIPTION_MAX_LENGTH = 1024


def _plain(prop: str, value: str) -> str:
    if is_unresolved(value):
        raise ValueError(
            f"{prop} is a token ({value}): the StackSet's targets and preferences are "
            f"checked at synth time, so give {prop} a plain value."
        )
    return value


def _strings(prop: str, value: object, example: str) -> list[str]:
    """A list of plain strings, each once, at least one."""
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
        raise ValueError(f"{prop} must be a list, got {typed(value)}: write [{example!r}].")
    if is_unresolved(value):
        raise ValueError(f"{prop} is a token: give a list of plain values such as [{example!r}].")
    items = list(value)
    if not items:
        raise ValueError(f"{prop} is empty: list at least one, such as [{example!r}].")
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{prop} must hold strings, got {typed(item)}.")
        _plain(prop, item)
        if item in seen:
            raise ValueError(f"{prop} lists {item!r} twice: list each once.")
        seen.add(item)
    return items


def check_organizational_unit_ids(value: object) -> list[str]:
    ids = _strings("organizational_unit_ids", value, "ou-ab12-cdef3456")
    for unit in ids:
        if not (OU_ID_PATTERN.fullmatch(unit) or ROOT_ID_PATTERN.fullmatch(unit)):
            raise ValueError(
                f"organizational_unit_ids: {shown(unit)} is not an organisational unit id "
                "(ou- then 4 to 32 lowercase letters or digits, '-', 8 to 32 more, such as "
                "'ou-ab12-cdef3456') or a root id (r- then 4 to 32, such as 'r-ab12'): copy "
                "it from the AWS Organizations console."
            )
    return ids


def check_account_ids(value: object) -> list[str] | None:
    if value is None:
        return None
    ids = _strings("account_ids", value, "111111111111")
    for account in ids:
        if not ACCOUNT_ID_PATTERN.fullmatch(account):
            raise ValueError(
                f"account_ids: {shown(account)} is not an AWS account id: give its 12 "
                "digits as a string, such as '012345678901' (a leading zero counts)."
            )
    return ids


def check_regions(value: object) -> list[str]:
    regions = _strings("regions", value, "eu-west-1")
    for region in regions:
        if not REGION_PATTERN.fullmatch(region):
            raise ValueError(
                f"regions: {shown(region)} is not an AWS Region name: give names such as "
                "'eu-west-1' (each Region of an account has its own SES sandbox)."
            )
    return regions


def check_organization_id(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"organization_id must be a string such as 'o-abc123def4', got {typed(value)}."
        )
    _plain("organization_id", value)
    if not ORGANIZATION_ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"organization_id {shown(value)} is not an AWS Organizations id (o- then 10 to "
            "32 lowercase letters or digits, such as 'o-abc123def4'): the bus admits the "
            "status events of this organisation's accounts only, so copy it from the AWS "
            "Organizations console (or 'aws organizations describe-organization')."
        )
    return value


def check_percentage(prop: str, value: object, *, low: int) -> int:
    """A whole percentage from ``low`` to 100 (bool is not one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{prop} must be a whole percentage from {low} to 100, got {typed(value)}: "
            f"write {prop}=10 for 10%."
        )
    if not low <= value <= 100:
        raise ValueError(
            f"{prop} {value} is outside {low} to 100: CloudFormation takes a whole "
            f"percentage from {low} to 100."
        )
    return value


def check_enum(prop: str, value: object, enum: type[E]) -> str:
    """The CloudFormation string of an enum prop (a member or its string value)."""
    checked = enum_value(prop, value, enum, required=True, tokens=False)
    if checked is None:  # enum_value raises for a required prop left unset
        raise ValueError(f"{prop} is required: set it to a {enum.__name__}.")
    return checked


def check_stack_set_name(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"stack_set_name must be a string, got {typed(value)}.")
    _plain("stack_set_name", value)
    if len(value) > STACK_SET_NAME_MAX_LENGTH or not STACK_SET_NAME_PATTERN.fullmatch(value):
        raise ValueError(
            f"stack_set_name {shown(value)} is not a StackSet name: a letter, then "
            f"letters, digits and hyphens, at most {STACK_SET_NAME_MAX_LENGTH} characters "
            "(such as 'ses-production-access'), or leave it unset for a generated one."
        )
    return value


def check_instance(prop: str, value: object, kind: type[T], example: str, default: T) -> T:
    """A prop of one type (an aws-cdk-lib enum such as RetentionDays), ``default`` if unset."""
    if value is None:
        return default
    if isinstance(value, kind):
        return value
    raise ValueError(
        f"{prop} must be a {kind.__name__} such as {example}, got {typed(value)}."
    )
