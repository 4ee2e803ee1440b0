"""Synth-time checks of the construct's props.

Each check raises ``ValueError`` naming the prop, the bad value and the fix, and is
skipped for unresolved tokens (their value is only known at deploy time, where the
handler checks it again).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum
from typing import TypeVar
from urllib.parse import urlsplit

from aws_cdk import Duration, Token

from . import _limits

E = TypeVar("E", bound=Enum)

# The AWS page "Moving out of the Amazon SES sandbox" uses values the API refuses.
_PAGE_MISTAKES: dict[str, str] = {
    "PROMOTIONAL": "MailType.MARKETING ('MARKETING')",
    "JP": "ContactLanguage.JA ('JA')",
}
_REGION_PATTERN = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ADDRESS_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _shown(value: object, limit: int = 60) -> str:
    """The bad value for a message, shortened so a 5000-character text stays readable."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value))} characters)"


def enum_value(prop: str, value: object, enum: type[E], *, required: bool) -> str | None:
    """The API string of an enum prop (a member or its string value), or None if unset."""
    if value is None:
        if required:
            names = " or ".join(f"{enum.__name__}.{m.name}" for m in enum)
            raise ValueError(f"{prop} is required: set it to {names}.")
        return None
    if isinstance(value, enum):
        return str(value.value)
    if isinstance(value, str) and not isinstance(value, Enum):
        if Token.is_unresolved(value):
            return value
        if value in {str(m.value) for m in enum}:
            return value
        names = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
        hint = _PAGE_MISTAKES.get(value.strip().upper())
        fix = (
            f"the AWS page's {value!r} is not an API value; use {hint}"
            if hint
            else f"use one of {names}"
        )
        raise ValueError(f"{prop} {value!r} is not a value the SES API accepts: {fix}.")
    raise ValueError(
        f"{prop} must be a {enum.__name__}, got {type(value).__name__} {_shown(value)}."
    )


def check_acknowledgement(value: object) -> None:
    if value is True:
        return
    raise ValueError(
        "acknowledge_sending_policy must be True, got "
        f"{_shown(value)}: the request for production access confirms that you send only "
        "to people who asked for your email and that you handle bounces and complaints. "
        "Set acknowledge_sending_policy=True once that holds."
    )


def check_website_url(value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(
            f"website_url must be a string such as 'https://example.com', got {_shown(value)}."
        )
    if Token.is_unresolved(value):
        return
    if len(value) > _limits.WEBSITE_URL_MAX_LENGTH:
        raise ValueError(
            f"website_url {_shown(value)} is longer than SES accepts "
            f"({_limits.WEBSITE_URL_MAX_LENGTH} characters): give a shorter URL."
        )
    parts = urlsplit(value)
    blank = any(character.isspace() for character in value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or blank:
        raise ValueError(
            f"website_url {_shown(value)} is not an absolute http(s) URL: give the full "
            "address of your website, such as 'https://example.com'."
        )


def check_use_case_description(value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise ValueError(f"use_case_description must be a string, got {_shown(value)}.")
    if Token.is_unresolved(value):
        return
    if not value.strip():
        raise ValueError(
            "use_case_description is empty: describe how you build your list, handle "
            "bounces and complaints and let recipients opt out, or leave it unset."
        )
    if len(value) > _limits.USE_CASE_DESCRIPTION_MAX_LENGTH:
        raise ValueError(
            f"use_case_description {_shown(value)} is longer than SES accepts "
            f"({_limits.USE_CASE_DESCRIPTION_MAX_LENGTH} characters): shorten it."
        )


def check_contacts(value: object) -> list[str] | None:
    """The contact addresses as a list (None if unset), after checking them."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(
            "additional_contact_email_addresses must be a list of addresses, got "
            f"{_shown(value)}: write ['ops@example.com'] for a single address."
        )
    addresses = list(value)
    if Token.is_unresolved(addresses):
        return addresses
    limit = _limits.CONTACT_ADDRESSES_MAX
    if not 1 <= len(addresses) <= limit:
        raise ValueError(
            f"additional_contact_email_addresses holds {len(addresses)} addresses; SES "
            f"accepts 1 to {limit}: list at most {limit}, or leave the prop unset."
        )
    seen: dict[str, str] = {}
    for address in addresses:
        if not isinstance(address, str):
            raise ValueError(
                "additional_contact_email_addresses must hold strings, got "
                f"{type(address).__name__} {_shown(address)}."
            )
        if Token.is_unresolved(address):
            continue
        low, high = _limits.CONTACT_ADDRESS_MIN_LENGTH, _limits.CONTACT_ADDRESS_MAX_LENGTH
        if not (low <= len(address) <= high and _ADDRESS_PATTERN.match(address)):
            raise ValueError(
                f"additional_contact_email_addresses: {_shown(address)} is not an email "
                f"address of {low} to {high} characters: give addresses such as "
                "'ops@example.com'."
            )
        if address.lower() in seen:
            raise ValueError(
                f"additional_contact_email_addresses lists {_shown(address)} twice "
                f"(as {_shown(seen[address.lower()])} too): list each address once."
            )
        seen[address.lower()] = address
    return addresses


def check_region(value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise ValueError(f"region must be a string such as 'eu-west-1', got {_shown(value)}.")
    if Token.is_unresolved(value):
        return
    if not _REGION_PATTERN.match(value):
        raise ValueError(
            f"region {_shown(value)} is not an AWS Region name: give one such as "
            "'eu-west-1', or leave region unset to use the stack's Region."
        )


def check_timeout(value: Duration) -> None:
    if value.is_unresolved():
        raise ValueError("timeout must be a concrete Duration, not a token.")
    low, high = _limits.MIN_TIMEOUT, _limits.MAX_TIMEOUT
    if not low.to_seconds() <= value.to_seconds() <= high.to_seconds():
        raise ValueError(
            f"timeout {value.to_human_string()} is outside what the handler needs and "
            f"Lambda allows: give a Duration from {low.to_human_string()} to "
            f"{high.to_human_string()}."
        )

