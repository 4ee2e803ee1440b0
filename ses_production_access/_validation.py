"""Synth-time checks of the construct's props.

Each check raises ``ValueError`` naming the prop, the bad value and the fix. A value that
is still a token at construction is checked again when the app is synthesized, if it then
resolves to a plain value (a ``Lazy``), and by the handler at deploy time otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import _input_rules, _limits
from ._tokens import is_unresolved
from ._types import ContactLanguage, MailType

E = TypeVar("E", bound=Enum)

# The AWS page "Moving out of the Amazon SES sandbox" uses values the API refuses.
_PAGE_MISTAKES: dict[str, str] = {
    "PROMOTIONAL": "MailType.MARKETING ('MARKETING')",
    "JP": "ContactLanguage.JA ('JA')",
}
_FLAG_STRINGS = ("true", "false")

# A check run again at synthesis on a value that was a token at construction.
Check = Callable[[object], object]


@dataclass(frozen=True)
class CheckedProps:
    """The props after every check, in the form the construct writes them."""

    mail_type: str
    website_url: str
    use_case_description: str | None
    contacts: list[str] | None
    contact_language: str | None
    region: str | None
    fail_on_denied: str
    refresh_on_deploy: bool
    create_outputs: bool
    timeout: Duration
    log_retention: logs.RetentionDays
    log_group_encryption_key: kms.IKey | None
    log_group_removal_policy: RemovalPolicy
    # (value, check) for every value still unresolved: see _synth_checks.
    deferred: list[tuple[object, Check]] = field(default_factory=list)

    @property
    def checked_at_deploy(self) -> bool:
        """True when a value is a token: the handler then carries its own checks of the
        values (feature ``validate``), since CloudFormation may resolve it to anything."""
        return bool(self.deferred)


def _shown(value: object, limit: int = 60) -> str:
    """The bad value for a message, shortened so a 5000-character text stays readable."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(str(value))} characters)"


def _typed(value: object) -> str:
    return f"{type(value).__name__} {_shown(value)}"


def _unresolved(value: object) -> bool:
    """True for a token, or a list holding one. Only str and lists of str get here."""
    if isinstance(value, str):
        return is_unresolved(value)
    if isinstance(value, list):
        return is_unresolved(value) or any(_unresolved(item) for item in value)
    return False


def check_props(
    *,
    mail_type: object,
    website_url: object,
    acknowledge_sending_policy: object,
    use_case_description: object,
    additional_contact_email_addresses: object,
    contact_language: object,
    region: object,
    fail_on_denied: object,
    refresh_on_deploy: object,
    create_outputs: object,
    timeout: object,
    log_retention: object,
    log_group_encryption_key: object,
    log_group_removal_policy: object,
) -> CheckedProps:
    """Every prop checked on its own, before the construct touches the tree."""
    checked = CheckedProps(
        mail_type=check_mail_type(mail_type),
        website_url=check_website_url(website_url),
        use_case_description=check_use_case_description(use_case_description),
        contacts=check_contacts(additional_contact_email_addresses),
        contact_language=check_contact_language(contact_language),
        region=check_region(region),
        fail_on_denied=check_fail_on_denied(fail_on_denied),
        refresh_on_deploy=check_flag("refresh_on_deploy", refresh_on_deploy),
        create_outputs=check_flag("create_outputs", create_outputs),
        timeout=check_timeout(timeout),
        log_retention=check_log_retention(log_retention),
        log_group_encryption_key=check_encryption_key(log_group_encryption_key),
        log_group_removal_policy=check_removal_policy(log_group_removal_policy),
    )
    check_acknowledgement(acknowledge_sending_policy)
    checks: list[tuple[object, Check]] = [
        (checked.mail_type, check_mail_type),
        (checked.website_url, check_website_url),
        (checked.use_case_description, check_use_case_description),
        (checked.contacts, check_contacts),
        (checked.contact_language, check_contact_language),
        (checked.region, check_region),
        (checked.fail_on_denied, check_resolved_fail_on_denied),
    ]
    checked.deferred.extend((value, check) for value, check in checks if _unresolved(value))
    return checked


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
        if is_unresolved(value):
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
    raise ValueError(f"{prop} must be a {enum.__name__}, got {_typed(value)}.")


def check_mail_type(value: object) -> str:
    checked = enum_value("mail_type", value, MailType, required=True)
    if checked is None:  # enum_value raises for a required prop left unset
        raise ValueError("mail_type is required: set it to a MailType.")
    return checked


def check_contact_language(value: object) -> str | None:
    return enum_value("contact_language", value, ContactLanguage, required=False)


def check_acknowledgement(value: object) -> None:
    if value is True:
        return
    raise ValueError(
        "acknowledge_sending_policy must be True, got "
        f"{_shown(value)}: the request for production access confirms that you send only "
        "to people who asked for your email and that you handle bounces and complaints. "
        "Set acknowledge_sending_policy=True once that holds."
    )


def check_flag(prop: str, value: object) -> bool:
    """A boolean prop: only True or False (a string such as 'false' would read as True)."""
    if isinstance(value, bool):
        return value
    raise ValueError(f"{prop} must be True or False, got {_typed(value)}: write {prop}=False.")


def check_fail_on_denied(value: object) -> str:
    """'true' or 'false', or a token written through for the handler to read at deploy
    time (a CfnParameter of a plain template, say)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and is_unresolved(value):
        return value
    raise ValueError(
        f"fail_on_denied must be True or False, got {_typed(value)}: write "
        "fail_on_denied=True or fail_on_denied=False, or give a token (such as a "
        "CfnParameter's value_as_string) that resolves to 'true' or 'false'."
    )


def check_resolved_fail_on_denied(value: object) -> str:
    """What a fail_on_denied token resolved to at synthesis: 'true' or 'false' only."""
    if isinstance(value, str) and value in _FLAG_STRINGS:
        return value
    raise ValueError(
        f"fail_on_denied resolves to {_shown(value)}: the handler reads only 'true' or "
        "'false', so make the token resolve to one of them."
    )


def check_website_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"website_url must be a string such as 'https://example.com', got {_typed(value)}."
        )
    if is_unresolved(value):
        return value
    problem = _input_rules.website_url_problem(value)
    if problem:
        raise ValueError(
            f"website_url {_shown(_without_userinfo(value))} {problem.reason}: {problem.fix}."
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
        raise ValueError(f"use_case_description must be a string, got {_typed(value)}.")
    if is_unresolved(value):
        return value
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
    return value


def check_contacts(value: object) -> list[str] | None:
    """The contact addresses as a list (None if unset), after checking them."""
    prop = "additional_contact_email_addresses"
    if value is None:
        return None
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Sequence):
        raise ValueError(
            f"{prop} must be a list of addresses, got {_typed(value)}: write "
            "['ops@example.com'] for a single address."
        )
    addresses = list(value)
    for address in addresses:
        if not isinstance(address, str):
            raise ValueError(f"{prop} must hold strings, got {_typed(address)}.")
    if is_unresolved(addresses):
        return addresses
    limit = _limits.CONTACT_ADDRESSES_MAX
    if not 1 <= len(addresses) <= limit:
        raise ValueError(
            f"{prop} holds {len(addresses)} addresses; SES accepts 1 to {limit}: list at "
            f"most {limit}, or leave the prop unset."
        )
    seen: dict[str, str] = {}
    for address in addresses:
        if is_unresolved(address):
            continue
        problem = _input_rules.contact_address_problem(address)
        if problem:
            raise ValueError(
                f"{prop}: {_shown(address)} is not an email address: {problem.reason}; "
                f"{problem.fix}."
            )
        if address.lower() in seen:
            raise ValueError(
                f"{prop} lists {_shown(address)} twice (as {_shown(seen[address.lower()])} "
                "too): list each address once."
            )
        seen[address.lower()] = address
    return addresses


def check_region(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"region must be a string such as 'eu-west-1', got {_typed(value)}.")
    if is_unresolved(value):
        return value
    if not _input_rules.REGION_PATTERN.fullmatch(value):
        raise ValueError(
            f"region {_shown(value)} is not an AWS Region name: give one such as "
            "'eu-west-1', or leave region unset to use the stack's Region."
        )
    return value


def check_timeout(value: object) -> Duration:
    if value is None:
        return _limits.DEFAULT_TIMEOUT
    if not isinstance(value, Duration):
        raise ValueError(
            f"timeout must be a Duration such as Duration.minutes(2), got {_typed(value)}."
        )
    if value.is_unresolved():
        raise ValueError(
            "timeout must be a concrete Duration, not a token: give one such "
            "as Duration.minutes(2)."
        )
    milliseconds = value.to_milliseconds()
    if milliseconds % 1000:
        whole = milliseconds // 1000
        raise ValueError(
            f"timeout {milliseconds / 1000:g} seconds is not a whole number of seconds: "
            f"Lambda counts its timeout in seconds, so give Duration.seconds({whole}) or "
            f"Duration.seconds({whole + 1})."
        )
    low, high = _limits.MIN_TIMEOUT, _limits.MAX_TIMEOUT
    if not low.to_seconds() <= value.to_seconds() <= high.to_seconds():
        raise ValueError(
            f"timeout {value.to_human_string()} is outside what the handler needs and "
            f"Lambda allows: give a Duration from {low.to_human_string()} to "
            f"{high.to_human_string()}."
        )
    return value


def check_log_retention(value: object) -> logs.RetentionDays:
    if value is None:
        return _limits.DEFAULT_LOG_RETENTION
    if isinstance(value, logs.RetentionDays):
        return value
    raise ValueError(
        "log_retention must be a RetentionDays such as RetentionDays.ONE_YEAR, got "
        f"{_typed(value)}: write log_retention=logs.RetentionDays.ONE_WEEK for 7 days."
    )


def check_removal_policy(value: object) -> RemovalPolicy:
    if value is None:
        return _limits.DEFAULT_LOG_GROUP_REMOVAL_POLICY
    if isinstance(value, RemovalPolicy):
        return value
    raise ValueError(
        "log_group_removal_policy must be a RemovalPolicy such as RemovalPolicy.RETAIN, got "
        f"{_typed(value)}: write log_group_removal_policy=RemovalPolicy.DESTROY to delete "
        "the logs with the stack."
    )


def check_encryption_key(value: object) -> kms.IKey | None:
    if value is None:
        return None
    # kms.IKey is a jsii interface, not usable with isinstance (an imported key is a
    # dynamic proxy, not even a Construct): look for what the construct uses.
    if all(hasattr(value, name) for name in ("key_arn", "add_to_resource_policy", "env", "node")):
        key: kms.IKey = value  # type: ignore[assignment]
        return key
    raise ValueError(
        "log_group_encryption_key must be a kms.IKey such as kms.Key(...) or "
        f"kms.Key.from_key_arn(...), got {_typed(value)}: wrap a key ARN with "
        "kms.Key.from_key_arn(scope, 'Key', arn)."
    )


def stack_of(scope: object) -> Stack:
    """The stack a new instance joins; checked rather than raised by jsii."""
    if not isinstance(scope, Construct):
        raise ValueError(f"scope must be a construct inside a Stack, got {_typed(scope)}.")
    for ancestor in reversed(scope.node.scopes):
        if Stack.is_stack(ancestor):
            stack: Stack = ancestor  # type: ignore[assignment]
            return stack
    raise ValueError(
        f"scope: {scope.node.path or 'the App'} is not inside a Stack: create "
        "SesProductionAccess inside a Stack, such as cdk.Stack(app, 'Mail')."
    )


def check_key_region(key: kms.IKey | None, stack: Stack) -> None:
    """CloudWatch Logs only uses a key of the log group's own Region."""
    if key is None:
        return
    key_region, stack_region = key.env.region, stack.region
    if is_unresolved(key_region) or is_unresolved(stack_region):
        return
    if key_region != stack_region:
        raise ValueError(
            f"log_group_encryption_key {key.node.path} is in {key_region}, the handler's "
            f"log group in {stack_region} (stack {stack.node.path}): CloudWatch Logs needs a "
            f"key of the log group's Region, so give a key in {stack_region}."
        )
