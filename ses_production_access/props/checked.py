"""The props that only aws-cdk-lib can check (Durations, log settings, keys, the scope),
and the one entry that checks every request prop: ``check_request_props``, used by
SesProductionAccess and SesProductionAccessStackSet alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from constructs import Construct

if TYPE_CHECKING:  # annotations only: importing it costs every first synthesis
    from aws_cdk import aws_kms as kms

from .. import defaults
from . import checks
from .checks import Check, typed
from .tokens import is_unresolved


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
    when_not_ready: str
    report_only: bool
    # (value, check) for every value still unresolved: see props.deferred.
    deferred: list[tuple[object, Check]] = field(default_factory=list)

    @property
    def checked_at_deploy(self) -> bool:
        """True when a value is a token: the handler then carries its own checks of the
        values (feature ``validate``), since CloudFormation may resolve it to anything."""
        return bool(self.deferred)


def check_request_props(
    *,
    mail_type: object,
    website_url: object,
    acknowledge_sending_policy: object,
    use_case_description: object,
    use_case: object,
    additional_contact_email_addresses: object,
    contact_language: object,
    region: object,
    fail_on_denied: object,
    when_not_ready: object,
    report_only: object,
    refresh_on_deploy: object,
    create_outputs: object,
    timeout: object,
    log_retention: object,
    log_group_encryption_key: object,
    log_group_removal_policy: object,
    plain_only: str | None = None,
) -> CheckedProps:
    """Every request prop checked once, before the construct touches the tree.

    A value still a token is kept with its check for synthesis (``deferred``); with
    ``plain_only`` (why a token cannot do) a token fails at once instead."""
    rendered = checks.check_use_case(use_case, use_case_description)
    checked = CheckedProps(
        mail_type=checks.check_mail_type(mail_type),
        website_url=checks.check_website_url(website_url),
        use_case_description=checks.check_use_case_description(
            rendered or use_case_description
        ),
        contacts=checks.check_contacts(additional_contact_email_addresses),
        contact_language=checks.check_contact_language(contact_language),
        region=checks.check_region(region),
        fail_on_denied=checks.check_fail_on_denied(fail_on_denied, tokens=plain_only is None),
        refresh_on_deploy=checks.check_flag("refresh_on_deploy", refresh_on_deploy),
        create_outputs=checks.check_flag("create_outputs", create_outputs),
        timeout=check_duration(
            "timeout", timeout, default=defaults.DEFAULT_TIMEOUT,
            low=defaults.MIN_TIMEOUT, high=defaults.MAX_TIMEOUT, unit="seconds",
            example="Duration.minutes(2)",
            why="Lambda counts its timeout in seconds",
            outside="what the handler needs and Lambda allows",
        ),
        log_retention=check_log_retention(log_retention),
        log_group_encryption_key=check_encryption_key(log_group_encryption_key),
        log_group_removal_policy=check_removal_policy(log_group_removal_policy),
        when_not_ready=checks.check_when_not_ready(when_not_ready),
        report_only=checks.check_flag("report_only", report_only),
    )
    checks.check_acknowledgement(acknowledge_sending_policy)
    later: list[tuple[str, object, Check]] = [
        ("mail_type", checked.mail_type, checks.check_mail_type),
        ("website_url", checked.website_url, checks.check_website_url),
        ("use_case_description", checked.use_case_description,
         checks.check_use_case_description),
        ("additional_contact_email_addresses", checked.contacts, checks.check_contacts),
        ("contact_language", checked.contact_language, checks.check_contact_language),
        ("region", checked.region, checks.check_region),
        ("fail_on_denied", checked.fail_on_denied, checks.check_resolved_fail_on_denied),
        ("when_not_ready", checked.when_not_ready, checks.check_when_not_ready),
    ]
    for prop, value, check in later:
        if not checks.is_token(value):
            continue
        if plain_only is not None:
            raise ValueError(f"{prop} is a token: {plain_only}; give {prop} a plain value.")
        checked.deferred.append((value, check))
    return checked


# The units a Duration prop may be counted in: (milliseconds, name, how to write one).
_UNITS = {"seconds": (1000, "Duration.seconds"), "minutes": (60_000, "Duration.minutes")}


def check_duration(
    prop: str,
    value: object,
    *,
    default: Duration,
    low: Duration,
    high: Duration,
    unit: str,
    example: str,
    why: str,
    outside: str,
    advice: str = "",
) -> Duration:
    """A concrete Duration, a whole number of ``unit``, from ``low`` to ``high``;
    ``default`` if unset. ``why`` says why the unit, ``outside`` what the range is."""
    if value is None:
        return default
    if not isinstance(value, Duration):
        raise ValueError(f"{prop} must be a Duration such as {example}, got {typed(value)}.")
    if value.is_unresolved():
        raise ValueError(
            f"{prop} must be a concrete Duration, not a token: give one such as {example}."
        )
    size, writer = _UNITS[unit]
    milliseconds = value.to_milliseconds()
    if milliseconds % size:
        whole = milliseconds // size
        shown = (
            f"{milliseconds / 1000:g} seconds" if unit == "seconds" else value.to_human_string()
        )
        smaller = whole if unit == "seconds" else max(whole, 1)
        raise ValueError(
            f"{prop} {shown} is not a whole number of {unit}: {why}, so give "
            f"{writer}({smaller}) or {writer}({whole + 1})."
        )
    if not low.to_milliseconds() <= milliseconds <= high.to_milliseconds():
        raise ValueError(
            f"{prop} {value.to_human_string()} is outside {outside}: give a Duration from "
            f"{low.to_human_string()} to {high.to_human_string()}{advice}."
        )
    return value


def check_log_retention(value: object) -> logs.RetentionDays:
    if value is None:
        return defaults.DEFAULT_LOG_RETENTION
    if isinstance(value, logs.RetentionDays):
        return value
    raise ValueError(
        "log_retention must be a RetentionDays such as RetentionDays.ONE_YEAR, got "
        f"{typed(value)}: write log_retention=logs.RetentionDays.ONE_WEEK for 7 days."
    )


def check_removal_policy(value: object) -> RemovalPolicy:
    if value is None:
        return defaults.DEFAULT_LOG_GROUP_REMOVAL_POLICY
    if isinstance(value, RemovalPolicy):
        return value
    raise ValueError(
        "log_group_removal_policy must be a RemovalPolicy such as RemovalPolicy.RETAIN, got "
        f"{typed(value)}: write log_group_removal_policy=RemovalPolicy.DESTROY to delete "
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
        f"kms.Key.from_key_arn(...), got {typed(value)}: wrap a key ARN with "
        "kms.Key.from_key_arn(scope, 'Key', arn)."
    )


def stack_of(scope: object) -> Stack:
    """The stack a new instance joins; checked rather than raised by jsii."""
    if not isinstance(scope, Construct):
        raise ValueError(f"scope must be a construct inside a Stack, got {typed(scope)}.")
    try:
        return Stack.of(scope)  # one round trip to the jsii kernel
    except RuntimeError:  # what jsii raises for the kernel's "No stack could be identified"
        pass  # said below, with the fix
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
