"""Synth-time checks of the request's props, the same for SesProductionAccess, the
StackSet and the ``request`` command.

Each check raises ``ValueError`` naming the prop, the bad value and the fix. Standard
library only: the command line runs these checks without aws-cdk-lib. A token (only
aws-cdk-lib makes them, so only when it is loaded) is written through; ``props.checked``
checks it again when the app is synthesized, and the handler at deploy time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from enum import Enum
from typing import TypeVar

from .. import wire
from . import rules
from .tokens import is_unresolved
from .values import QUESTIONS, ContactLanguage, MailType, UseCase, WhenNotReady

E = TypeVar("E", bound=Enum)

# The AWS page "Moving out of the Amazon SES sandbox" uses values the API refuses.
_PAGE_MISTAKES: dict[str, str] = {
    "PROMOTIONAL": "MailType.MARKETING ('MARKETING')",
    "JP": "ContactLanguage.JA ('JA')",
}
_FLAG_STRINGS = (wire.FLAG_TRUE, wire.FLAG_FALSE)

# A check run again at synthesis on a value that was a token at construction.
Check = Callable[[object], object]


def shown(value: object, limit: int = 60) -> str:
    """The bad value for a message, shortened so a 5000-character text stays readable."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value))} characters)"


def typed(value: object) -> str:
    """The bad value's type and value, for a message."""
    return f"{type(value).__name__} {shown(value)}"


def is_token(value: object) -> bool:
    """True for a token, a list token, or a list or tuple holding a token."""
    if isinstance(value, (list, tuple)):
        return is_unresolved(value) or any(is_token(item) for item in value)
    return isinstance(value, str) and is_unresolved(value)


def enum_value(
    prop: str,
    value: object,
    enum: type[E],
    *,
    required: bool,
    accepted: str | None = None,
    tokens: bool = True,
) -> str | None:
    """The string of an enum prop (a member or its string value), or None if unset; a
    token is written through when ``tokens``. ``accepted`` says what a bad string is not
    (default: "a <Enum>")."""
    names = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
    if value is None:
        if required:
            choices = " or ".join(f"{enum.__name__}.{m.name}" for m in enum)
            raise ValueError(f"{prop} is required: set it to {choices}.")
        return None
    if isinstance(value, enum):
        return str(value.value)
    if isinstance(value, str) and not isinstance(value, Enum):
        if tokens and is_token(value):
            return value
        if value in {str(m.value) for m in enum}:
            return value
        hint = _PAGE_MISTAKES.get(value.strip().upper(), "")
        fix = (
            f"the AWS page's {value!r} is not an API value; use {hint}"
            if hint.startswith(f"{enum.__name__}.")
            else f"use one of {names}"
        )
        raise ValueError(f"{prop} {value!r} is not {accepted or 'a ' + enum.__name__}: {fix}.")
    raise ValueError(f"{prop} must be a {enum.__name__}, got {typed(value)}.")


# What the SES enums' messages say a bad string is not.
_SES_VALUE = "a value the SES API accepts"


def check_mail_type(value: object) -> str:
    checked = enum_value("mail_type", value, MailType, required=True, accepted=_SES_VALUE)
    if checked is None:  # enum_value raises for a required prop left unset
        raise ValueError("mail_type is required: set it to a MailType.")
    return checked


def check_contact_language(value: object) -> str | None:
    return enum_value(
        "contact_language", value, ContactLanguage, required=False, accepted=_SES_VALUE
    )


def check_acknowledgement(value: object) -> None:
    if value is True:
        return
    raise ValueError(
        "acknowledge_sending_policy must be True, got "
        f"{shown(value)}: the request for production access confirms that you send only "
        "to people who asked for your email and that you handle bounces and complaints. "
        "Set acknowledge_sending_policy=True once that holds."
    )


def check_flag(prop: str, value: object) -> bool:
    """A boolean prop: only True or False (a string such as 'false' would read as True)."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"{prop} must be True or False, got {typed(value)}: write {prop}=False.")


def check_fail_on_denied(value: object, *, tokens: bool = True) -> str:
    """'true' or 'false', or (with ``tokens``) a token written through for the handler to
    read at deploy time (a CfnParameter of a plain template, say)."""
    if isinstance(value, bool):
        return wire.FLAG_TRUE if value else wire.FLAG_FALSE
    if tokens and isinstance(value, str) and is_token(value):
        return value
    token = (
        ", or give a token (such as a CfnParameter's value_as_string) that resolves to "
        "'true' or 'false'" if tokens else ""
    )
    raise ValueError(
        f"fail_on_denied must be True or False, got {typed(value)}: write "
        f"fail_on_denied=True or fail_on_denied=False{token}."
    )


def check_resolved_fail_on_denied(value: object) -> str:
    """What a fail_on_denied token resolved to at synthesis: 'true' or 'false' only."""
    if isinstance(value, str) and value in _FLAG_STRINGS:
        return value
    raise ValueError(
        f"fail_on_denied resolves to {shown(value)}: the handler reads only 'true' or "
        "'false', so make the token resolve to one of them."
    )


def check_website_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"website_url must be a string such as 'https://example.com', got {typed(value)}."
        )
    if is_token(value):
        return value
    problem = rules.website_url_problem(value)
    if problem:
        raise ValueError(
            f"website_url {shown(_without_userinfo(value))} {problem.reason}: {problem.fix}."
        )
    return value


def _without_userinfo(url: str) -> str:
    """The URL for a message: a user name or password is a credential, so never shown."""
    scheme, separator, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not separator or "@" not in authority:
        return url
    return f"{scheme}://***@{rest[authority.rindex('@') + 1 :]}"


def check_use_case_description(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"use_case_description must be a string, got {typed(value)}.")
    if is_token(value):
        return value
    if not value.strip():
        raise ValueError(
            "use_case_description is empty: describe how you build your list, handle "
            "bounces and complaints and let recipients opt out, or leave it unset."
        )
    if len(value) > wire.USE_CASE_DESCRIPTION_MAX_LENGTH:
        raise ValueError(
            f"use_case_description {shown(value)} is longer than SES accepts "
            f"({wire.USE_CASE_DESCRIPTION_MAX_LENGTH} characters): shorten it."
        )
    check_text("use_case_description", value)
    return value


def check_text(prop: str, value: str) -> None:
    """Free text SES and the SDK take: no control character but line breaks and tabs, no
    lone surrogate (it would pass synth and break the deployment)."""
    problem = rules.text_character_problem(value)
    if problem:
        raise ValueError(
            f"{prop}: {problem}, a control character or lone surrogate that SES's request "
            "cannot carry: remove it (line breaks and tabs are fine)."
        )


def check_contacts(value: object) -> list[str] | None:
    """The contact addresses as a list (None if unset), after checking them."""
    prop = "additional_contact_email_addresses"
    if value is None:
        return None
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
        raise ValueError(
            f"{prop} must be a list of addresses, got {typed(value)}: write "
            "['ops@example.com'] for a single address."
        )
    addresses = list(value)
    for address in addresses:
        if not isinstance(address, str):
            raise ValueError(f"{prop} must hold strings, got {typed(address)}.")
    if is_unresolved(addresses):  # a list token (a CommaDelimitedList parameter, say)
        return addresses
    limit = wire.CONTACT_ADDRESSES_MAX
    if not 1 <= len(addresses) <= limit:
        raise ValueError(
            f"{prop} holds {len(addresses)} addresses; SES accepts 1 to {limit}: list at "
            f"most {limit}, or leave the prop unset."
        )
    seen: dict[str, str] = {}
    for address in addresses:
        if is_token(address):
            continue
        problem = rules.contact_address_problem(address)
        if problem:
            raise ValueError(
                f"{prop}: {shown(address)} is not an email address: {problem.reason}; "
                f"{problem.fix}."
            )
        if address.lower() in seen:
            raise ValueError(
                f"{prop} lists {shown(address)} twice (as {shown(seen[address.lower()])} "
                "too): list each address once."
            )
        seen[address.lower()] = address
    return addresses


def check_region(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"region must be a string such as 'eu-west-1', got {typed(value)}.")
    if is_token(value):
        return value
    if not rules.REGION_PATTERN.fullmatch(value):
        raise ValueError(
            f"region {shown(value)} is not an AWS Region name: give one such as "
            "'eu-west-1', or leave region unset to use the stack's Region."
        )
    return value


def check_use_case(use_case: object, use_case_description: object) -> str | None:
    """The rendered description of ``use_case`` (None if unset), after its checks."""
    if use_case is None:
        return None
    if not isinstance(use_case, UseCase):
        raise ValueError(
            f"use_case must be a UseCase, got {type(use_case).__name__}: write "
            "UseCase(mailing_list=..., bounces_and_complaints=..., opt_out=..., "
            "sending_rate=...)."
        )
    if use_case_description is not None:
        raise ValueError(
            "use_case and use_case_description are both set: give the four answers as "
            "use_case, or free text as use_case_description, not both."
        )
    for field in fields(use_case):
        answer = getattr(use_case, field.name)
        if answer is None and field.name == "additional":
            continue
        if not isinstance(answer, str) or (not is_token(answer) and not answer.strip()):
            raise ValueError(
                f"use_case.{field.name} must be a non-empty answer to "
                f"{QUESTIONS[field.name]!r}, got {answer!r}."
            )
        if not is_token(answer):
            check_text(f"use_case.{field.name}", answer)
    rendered = use_case.render()
    limit = wire.USE_CASE_DESCRIPTION_MAX_LENGTH
    if is_token(rendered) or len(rendered) <= limit:
        return rendered
    longest = max(
        (f.name for f in fields(use_case) if getattr(use_case, f.name) is not None),
        key=lambda name: len(getattr(use_case, name)),
    )
    raise ValueError(
        f"use_case renders to {len(rendered)} characters with its questions; SES accepts "
        f"{limit}: shorten use_case.{longest} (the longest answer, "
        f"{len(getattr(use_case, longest))} characters) by {len(rendered) - limit} or more."
    )


def check_when_not_ready(value: object) -> str:
    checked = enum_value("when_not_ready", value, WhenNotReady, required=True)
    if checked is None:  # enum_value raises for a required prop left unset
        raise ValueError("when_not_ready is required: set it to a WhenNotReady.")
    return checked
