"""The watcher (``watch=True``, the default): the stack's one function also runs on a schedule.

No AWS event reports the review's decision, so the function looks for itself: one
``events.Rule`` per stack (construct ``SesProductionAccessHandler/Watch``) sends it, at
a rate, the Regions the stack's instances manage and where to keep and tell their state.
Each run reads ``GetAccount`` in those Regions (a final Region once a day), keeps each
Region's state as JSON in the SSM parameter ``<prefix><Region>``, tells a change to the
topic and to the account's default event bus, and sends a request that a deployment held
back (kept in the Secrets Manager secret ``<prefix>held/<Region>``) once the account is
ready. The role may touch only those parameters and secrets, that topic and that bus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jsii
from aws_cdk import (
    Arn,
    ArnFormat,
    Aws,
    CfnResource,
    Duration,
    IStableAnyProducer,
    IStableListProducer,
    Lazy,
    Stack,
    Token,
)
from aws_cdk import aws_iam as iam
from constructs import Construct, IValidation

if TYPE_CHECKING:  # annotations only: importing them costs every first synthesis
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns as sns

from .. import compat, defaults, wire
from ..props.checked import check_duration
from ..props.checks import check_flag, shown, typed
from ..props.rules import parameter_prefix_problem
from . import acknowledgements
from .arns import account_arn, nag_name
from .function import SharedFunction

# Construct id of the watcher under the shared function. Public API: renaming it would
# replace the rule.
WATCH_ID = "Watch"
# A KMS key's ARN (not an alias's: KMS authorises on keys).
KEY_ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:kms:[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}:[0-9]{12}:key/[A-Za-z0-9-]{1,128}"
)
# The AWS-managed key of SNS, whose key policy lets any publisher of the account use it.
AWS_MANAGED_SNS_KEY = "alias/aws/sns"

# cdk-nag findings the watcher brings, acknowledged with their reason (see
# _acknowledgements): the parameters' wildcard, and the schedule's target without a DLQ.
PARAMETERS_WILDCARD = (
    "The watcher keeps one SSM parameter per watched Region, named <prefix><Region>: the "
    "wildcard stands for the Region's name under the stack's own prefix, in its Region."
)
NO_TARGET_DLQ = (
    "A scheduled run that is not delivered loses nothing: the next run reads SES and the "
    "last recorded state again, and the function never raises, so nothing is retried."
)
HELD_WILDCARD = (
    "The watcher keeps a request held back until the account is ready in one Secrets "
    "Manager secret per Region, named <prefix>held/<Region>, made at run time (a secret's "
    "ARN ends in 6 random characters): the wildcard stands for the Region and that suffix."
)
# What the function does with a held request's secret (Service Authorization Reference,
# AWS Secrets Manager: each of these takes the Secret resource type).
HELD_ACTIONS = (
    "secretsmanager:CreateSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:DeleteSecret",
)


@dataclass(frozen=True)
class WatchSettings:
    """The watcher's props; every instance of a stack shares them (one rule)."""

    interval: Duration
    parameter_prefix: str
    topic: sns.ITopic | None
    # The topic's KMS key (watch_topic_master_key, else the topic's own master_key).
    topic_key: kms.IKey | None = None

    def check_agrees(self, wanted: WatchSettings | None, stack: Stack) -> None:
        """Raise ValueError naming the first prop where ``wanted`` differs from these."""
        if wanted is None:
            _differs(stack, "watch", "False", "True")
            return
        if wanted.interval.to_minutes() != self.interval.to_minutes():
            _differs(
                stack,
                "watch_interval",
                wanted.interval.to_human_string(),
                self.interval.to_human_string(),
            )
        if stack.resolve(wanted.parameter_prefix) != stack.resolve(self.parameter_prefix):
            _differs(
                stack,
                "watch_parameter_prefix",
                repr(wanted.parameter_prefix),
                repr(self.parameter_prefix),
            )
        if not _same_topic(wanted.topic, self.topic, stack):
            _differs(stack, "watch_topic", _topicshown(wanted.topic), _topicshown(self.topic))
        if _key_arn(wanted.topic_key, stack) != _key_arn(self.topic_key, stack):
            _differs(
                stack,
                "watch_topic_master_key",
                _key_arn(wanted.topic_key, stack),
                _key_arn(self.topic_key, stack),
            )


def _differs(stack: Stack, prop: str, mine: str, theirs: str) -> None:
    raise ValueError(
        f"{prop} {mine} differs from the {theirs} of another SesProductionAccess in stack "
        f"{stack.node.path}: they share one function and one schedule, so give them the "
        f"same {prop}."
    )


def _same_topic(a: sns.ITopic | None, b: sns.ITopic | None, stack: Stack) -> bool:
    """One topic object, or two imports of one topic ARN."""
    if a is None or b is None:
        return a is b
    return a is b or stack.resolve(a.topic_arn) == stack.resolve(b.topic_arn)


def _topicshown(topic: sns.ITopic | None) -> str:
    return "(no topic)" if topic is None else topic.node.path


def _key_arn(key: kms.IKey | None, stack: Stack) -> str:
    return "(no key)" if key is None else repr(stack.resolve(key.key_arn))


# --------------------------------------------------------------------------------------
# Synth-time checks
# --------------------------------------------------------------------------------------


def check_watch_props(
    stack: Stack,
    *,
    watch: object,
    watch_interval: object,
    watch_topic: object,
    watch_parameter_prefix: object,
    watch_topic_master_key: object = None,
) -> WatchSettings | None:
    """The watcher's settings, or None when watch is off; ValueError naming the prop."""
    on = check_flag("watch", watch)
    if not on:
        given = [
            name
            for name, value in (
                ("watch_interval", watch_interval),
                ("watch_topic", watch_topic),
                ("watch_parameter_prefix", watch_parameter_prefix),
                ("watch_topic_master_key", watch_topic_master_key),
            )
            if value is not None
        ]
        if given:
            raise ValueError(
                f"{given[0]} is set but watch is False: the watcher's props take effect "
                f"only with it, so set watch=True or leave {given[0]} unset."
            )
        return None
    return WatchSettings(
        interval=check_interval(watch_interval),
        parameter_prefix=check_parameter_prefix(
            watch_parameter_prefix, default=default_parameter_prefix(stack)
        ),
        topic=(topic := check_topic(watch_topic)),
        topic_key=check_topic_key(watch_topic_master_key, topic, stack),
    )


def default_parameter_prefix(stack: Stack) -> str:
    """``/ses-production-access/<stack name>/``: one prefix per stack, no fixed name."""
    return f"{defaults.WATCH_PARAMETER_PREFIX_ROOT}{stack.stack_name}/"


def stack_name_prefix() -> str:
    """``/ses-production-access/${AWS::StackName}/``: the prefix of a template deployed
    under names its author does not know (the plain template, a StackSet's members)."""
    return f"{defaults.WATCH_PARAMETER_PREFIX_ROOT}{Aws.STACK_NAME}/"


def check_interval(value: object) -> Duration:
    return check_duration(
        "watch_interval", value, default=defaults.DEFAULT_WATCH_INTERVAL,
        low=defaults.MIN_WATCH_INTERVAL, high=defaults.MAX_WATCH_INTERVAL, unit="minutes",
        example="Duration.hours(1)", why="an EventBridge rate counts in minutes",
        outside="what the watcher allows",
        advice=" (AWS answers a review within about a day; hourly is the default)",
    )


def check_parameter_prefix(value: object, *, default: str) -> str:
    """The prefix, ending with "/"; a token is left to the handler at deploy time."""
    prop = "watch_parameter_prefix"
    if value is None:
        value = default
    if not isinstance(value, str):
        raise ValueError(
            f"{prop} must be a string such as '/ses-production-access/', got {typed(value)}."
        )
    if Token.is_unresolved(value):
        return value
    problem = parameter_prefix_problem(value)
    if problem:
        raise ValueError(f"{prop} {shown(value)} {problem}.")
    return value if value.endswith("/") else f"{value}/"


def check_topic_key(value: object, topic: sns.ITopic | None, stack: Stack) -> kms.IKey | None:
    """The KMS key an encrypted watch_topic's messages are encrypted with: the given one,
    else the topic's own (sns.Topic(master_key=...), Topic.from_topic_attributes(key_arn=
    ...)); None for a topic without SSE-KMS, or with the AWS-managed aws/sns key (whose key
    policy lets any publisher of the account use it)."""
    prop = "watch_topic_master_key"
    if value is not None and not all(hasattr(value, n) for n in ("key_arn", "node")):
        raise ValueError(
            f"{prop} must be a kms.IKey such as kms.Key.from_key_arn(scope, 'TopicKey', "
            f"arn), got {typed(value)}."
        )
    if value is not None and topic is None:
        raise ValueError(
            f"{prop} is set but watch_topic is not: the key encrypts that topic's messages, "
            f"so give watch_topic too or leave {prop} unset."
        )
    own = topic.master_key if topic is not None else None
    key: kms.IKey | None = value or own  # type: ignore[assignment]
    if value is not None and own is not None and _key_arn(key, stack) != _key_arn(own, stack):
        raise ValueError(
            f"{prop} {_key_arn(key, stack)} differs from watch_topic's own master_key "
            f"{_key_arn(own, stack)}: give the topic's key, or leave {prop} unset."
        )
    if key is None:
        return None
    source = prop if value is not None else "watch_topic's master_key"
    # An alias is found by what it is (kms.Alias, Alias.from_alias_name: a token ARN) or by
    # its literal ARN.
    alias = getattr(key, "alias_name", None)
    resolved = json.dumps(stack.resolve(key.key_arn))
    if alias == AWS_MANAGED_SNS_KEY or resolved.endswith(f':{AWS_MANAGED_SNS_KEY}"'):
        return None  # its key policy already lets the role use it through SNS
    arn = key.key_arn
    literal = not Token.is_unresolved(arn)
    malformed = literal and not KEY_ARN_PATTERN.fullmatch(arn)
    if alias is not None or ":alias/" in resolved or malformed:
        named = shown(arn) if literal else (alias or "an alias")
        raise ValueError(
            f"{source} {named} is not a KMS key's ARN: KMS authorises on the key, not an "
            "alias, so give arn:aws:kms:REGION:ACCOUNT:key/KEY_ID (kms.Key.from_key_arn)."
        )
    return key


def check_topic(value: object) -> sns.ITopic | None:
    if value is None:
        return None
    # sns.ITopic is a jsii interface (an imported topic is a proxy): look for what is used.
    if not all(hasattr(value, name) for name in ("topic_arn", "node", "fifo", "master_key")):
        raise ValueError(
            "watch_topic must be an sns.ITopic such as sns.Topic(...) or "
            f"sns.Topic.from_topic_arn(...), got {typed(value)}: wrap a topic ARN with "
            "sns.Topic.from_topic_arn(scope, 'Topic', arn)."
        )
    topic: sns.ITopic = value  # type: ignore[assignment]
    arn = topic.topic_arn
    if not Token.is_unresolved(arn) and not wire.TOPIC_ARN_PATTERN.fullmatch(arn):
        raise ValueError(
            f"watch_topic's ARN {shown(arn)} is not an SNS topic's "
            "(arn:aws:sns:REGION:ACCOUNT:NAME): give the topic's ARN as SNS shows it."
        )
    if topic.fifo is True:
        raise ValueError(
            f"watch_topic {topic.node.path} is a FIFO topic: a message to it needs a "
            "message group id, which the watcher does not send (and email cannot "
            "subscribe to it); give a standard topic."
        )
    return topic


def check_can_share(
    stack: Stack, wanted: WatchSettings | None, function: SharedFunction | None
) -> None:
    """Raise ValueError if a new instance with ``wanted`` cannot join the stack's other
    instances (``function``: the stack's, None before its first instance): the function
    exists once an instance does, the watcher once one watches."""
    if function is None:
        return  # the first instance
    watcher = function.node.try_find_child(WATCH_ID)
    if isinstance(watcher, Watcher):
        watcher.settings.check_agrees(wanted, stack)
    elif wanted is not None:
        _differs(stack, "watch", "True", "False")


# --------------------------------------------------------------------------------------
# The schedule
# --------------------------------------------------------------------------------------


@jsii.implements(IStableListProducer)
class _Regions:
    """The Regions of the instances added so far, produced at synth."""

    def __init__(self, regions: list[str]) -> None:
        self._regions = regions

    def produce(self) -> list[str]:
        return list(dict.fromkeys(self._regions))


@jsii.implements(IStableAnyProducer)
class _StatusBus:
    """The status bus the instances name (one at most), produced at synth; None leaves
    ``StatusBusArn`` out of the input."""

    def __init__(self, buses: list[str]) -> None:
        self._buses = buses

    def produce(self) -> str | None:
        return self._buses[0] if self._buses else None


@jsii.implements(IValidation)
class _OneStatusBus:
    """A scheduled run tells one status bus: the instances that name one name the same."""

    def __init__(self, stack: Stack, buses: list[str]) -> None:
        self._stack = stack
        self._buses = buses

    def validate(self) -> list[str]:
        distinct = {repr(self._stack.resolve(bus)): bus for bus in self._buses}
        if len(distinct) <= 1:
            return []
        return [
            f"status_bus: the instances of stack {self._stack.node.path} that watch "
            f"(watch=True) name {len(distinct)} different buses ({', '.join(distinct)}); a "
            "scheduled run tells one bus of a change, so give them the same status_bus, or "
            "give every instance of the stack watch=False."
        ]


class Watcher(Construct):
    """The schedule that runs the shared function, and what the function may touch."""

    def __init__(
        self, shared: SharedFunction, id: str, *, settings: WatchSettings
    ) -> None:
        # Imported here: a stack without the watcher never loads them.
        from aws_cdk import aws_events as events
        from aws_cdk import aws_events_targets as targets


        super().__init__(shared, id)
        self.settings = settings
        self._regions: list[str] = []
        self._status_buses: list[str] = []
        stack = Stack.of(self)
        shared.require(wire.FEATURE_WATCH)  # with the status event's sending (EVENTS)
        prefix = settings.parameter_prefix
        if (Token.is_unresolved(prefix) and prefix != stack_name_prefix()) or (
            settings.topic is not None and Token.is_unresolved(settings.topic.topic_arn)
        ):
            shared.require(wire.FEATURE_VALIDATE)  # CloudFormation may resolve it to anything

        watch: dict[str, Any] = {
            wire.WATCH_REGIONS: Lazy.list(_Regions(self._regions)),
            wire.PROP_PARAMETER_PREFIX: prefix,
            wire.WATCH_INTERVAL: int(settings.interval.to_minutes()),
            # From EventBridge's envelope: when the run was due (it spreads held requests).
            wire.WATCH_TIME: events.EventField.time,
        }
        if settings.topic is not None:
            watch[wire.PROP_TOPIC_ARN] = settings.topic.topic_arn
        watch[wire.PROP_STATUS_BUS_ARN] = Lazy.any(_StatusBus(self._status_buses))
        self.node.add_validation(_OneStatusBus(stack, self._status_buses))
        self.rule = events.Rule(
            self,
            "Schedule",
            description="SesProductionAccess: reads the SES account until AWS decides",
            schedule=events.Schedule.rate(settings.interval),
        )
        self.rule.add_target(
            targets.LambdaFunction(
                shared.function,
                event=events.RuleTargetInput.from_object({wire.WATCH_KEY: watch}),
            )
        )

        parameters = parameters_arn(stack, settings.parameter_prefix)
        shared.allow(
            iam.PolicyStatement(
                sid="WatchParameters",
                actions=["ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"],
                resources=[parameters],
            )
        )
        name = nag_name(stack, parameters)
        if name is not None:
            acknowledgements.acknowledge(
                shared.role, {f"AwsSolutions-IAM5[Resource::{name}]": PARAMETERS_WILDCARD}
            )
        acknowledgements.acknowledge(self.rule, {"Serverless-EventBusDLQ": NO_TARGET_DLQ})
        held = held_requests_arn(stack, settings.parameter_prefix)
        shared.allow(
            iam.PolicyStatement(
                sid="WatchHeldRequests", actions=list(HELD_ACTIONS), resources=[held]
            )
        )
        name = nag_name(stack, held)
        if name is not None:
            acknowledgements.acknowledge(
                shared.role, {f"AwsSolutions-IAM5[Resource::{name}]": HELD_WILDCARD}
            )
        shared.allow(
            iam.PolicyStatement(
                sid="WatchDefaultBus",
                actions=["events:PutEvents"],
                resources=[account_arn(stack, "events", "event-bus/default")],
            )
        )
        if settings.topic is not None:
            shared.allow(
                iam.PolicyStatement(
                    sid="WatchTopic", actions=["sns:Publish"], resources=[settings.topic.topic_arn]
                )
            )
            key = settings.topic_key
            if key is not None:
                # An SSE-KMS topic: SNS uses the key on the publisher's behalf, and only
                # through SNS in the topic's Region (kms:ViaService).
                region = Arn.split(settings.topic.topic_arn, ArnFormat.NO_RESOURCE_NAME).region
                # The endpoint's name: sns.REGION.amazonaws.com (.com.cn in China).
                shared.allow(
                    iam.PolicyStatement(
                        sid="WatchTopicKey",
                        actions=["kms:GenerateDataKey", "kms:Decrypt"],
                        resources=[key.key_arn],
                        conditions={
                            "StringEquals": {"kms:ViaService": f"sns.{region}.{Aws.URL_SUFFIX}"}
                        },
                    )
                )

    def resource_properties(self) -> dict[str, str]:
        """What each custom resource passes on, so that deployments keep the record too."""
        properties = {wire.PROP_PARAMETER_PREFIX: self.settings.parameter_prefix}
        if self.settings.topic is not None:
            properties[wire.PROP_TOPIC_ARN] = self.settings.topic.topic_arn
        return properties

    def watch(self, region: str, resource: Construct, status_bus_arn: str | None = None) -> None:
        """Watch ``region`` too, and tell ``status_bus_arn`` (the instance's status bus; the
        role may put events there already) of a change. The rule comes after the resource:
        on stack deletion it goes first, so no scheduled run writes a parameter the
        resource's Delete removed."""
        self._regions.append(region)
        if status_bus_arn is not None:
            self._status_buses.append(status_bus_arn)
        rule, target = self.rule.node.default_child, resource.node.default_child
        if isinstance(rule, CfnResource) and isinstance(target, CfnResource):
            compat.add_resource_dependency(rule, target)

    @property
    def regions(self) -> Sequence[str]:
        """The Regions watched so far (tokens for an environment-agnostic stack)."""
        return tuple(self._regions)

    @classmethod
    def of(
        cls, shared: SharedFunction, settings: WatchSettings
    ) -> Watcher:
        """The stack's watcher, created on first use (``check_can_share`` first)."""
        existing = shared.node.try_find_child(WATCH_ID)
        if isinstance(existing, cls):
            return existing
        return cls(shared, WATCH_ID, settings=settings)


def held_requests_arn(stack: Stack, prefix: str) -> str:
    """The ARN of every held request's secret under ``prefix`` in the stack's Region:
    ``arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:<prefix>held/*`` (the name, then
    the 6 random characters Secrets Manager adds)."""
    return account_arn(stack, "secretsmanager", f"secret:{prefix}held/*")


def parameters_arn(stack: Stack, prefix: str) -> str:
    """The ARN of every parameter under ``prefix`` in the stack's (the function's) Region:
    ``arn:PARTITION:ssm:REGION:ACCOUNT:parameter/prefix/*``. The prefix's own leading
    slash is the ARN's separator."""
    return account_arn(stack, "ssm", f"parameter{prefix}*")
