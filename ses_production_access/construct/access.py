"""The SesProductionAccess construct."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import jsii
from aws_cdk import (
    Annotations,
    Aspects,
    CfnOutput,
    CfnResource,
    CustomResource,
    Duration,
    IAspect,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

if TYPE_CHECKING:  # annotations only: importing them costs every first synthesis
    from aws_cdk import aws_events as events
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns as sns

from .. import defaults, wire
from ..props import checked
from ..props.deferred import ResolvedValueChecks
from ..props.tokens import is_unresolved
from ..props.values import ContactLanguage, MailType, UseCase, WhenNotReady
from .arns import stack_region
from .function import HANDLER_ID, FunctionSettings, SharedFunction
from .regions import REGION_MAY_REPEAT, check_unique
from .status_bus import check_status_bus
from .watch import Watcher, check_can_share, check_watch_props

# Data key the handler returns (wire.DATA_KEYS, in its order) -> output description: the
# construct reads exactly these with Fn::GetAtt.
OUTPUT_DESCRIPTIONS: dict[str, str] = {
    "SandboxStatus": "PRODUCTION, PENDING_REVIEW, DENIED or SANDBOX",
    "ProductionAccessEnabled": "true once any recipient may be sent to",
    "ReviewStatus": "PENDING, GRANTED, DENIED, FAILED or NONE",
    "CaseId": "The review's support case, or NONE",
    "MaxSendRate": "Messages per second",
    "Max24HourSend": "Messages per 24 hours",
    "SendingEnabled": "true while sending is enabled",
    "EnforcementStatus": "HEALTHY, PROBATION or SHUTDOWN",
    "Ready": "true, false, or NONE when not checked",
    "ReadinessFindings": "Readiness finding codes, or NONE",
}


@dataclass(frozen=True)
class _Instance:
    """An instance already in a stack: its Region for the next one's Region check, and the
    stack's shared function, which the next one joins."""

    construct: Construct
    region: str
    shared: SharedFunction

    @property
    def path(self) -> str:  # read only for a message: each read is a jsii round trip
        return self.construct.node.path


# The instances of each stack, in the order they were made, kept here rather than found
# by walking the stack's tree (a round trip, and every construct, for each new instance);
# the first one's shared function is the stack's.
_INSTANCES: weakref.WeakKeyDictionary[Stack, list[_Instance]] = weakref.WeakKeyDictionary()


@functools.cache
def _service_timeout(timeout: Duration) -> Duration:
    """How long CloudFormation waits for the answer: the function's timeout and some
    slack. Durations are immutable: one per timeout (the default's, mostly), made once
    per process, not per stack."""
    return Duration.seconds(timeout.to_seconds() + defaults.SERVICE_TIMEOUT_SLACK.to_seconds())


class SesProductionAccess(Construct):
    """Requests Amazon SES production access for the account in one Region at deploy time.

    During ``cdk deploy`` a custom resource reads the account (SES v2 ``GetAccount``),
    submits ``PutAccountDetails`` with ``ProductionAccessEnabled`` when the account is
    still in the sandbox and no review is open or denied, and reports where the account
    stands through the attributes of this construct and, by default, stack outputs.

    Deleting the construct changes nothing in SES: production access is never revoked.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        mail_type: MailType | str,
        website_url: str,
        acknowledge_sending_policy: bool,
        use_case_description: str | None = None,
        use_case: UseCase | None = None,
        additional_contact_email_addresses: Sequence[str] | None = None,
        contact_language: ContactLanguage | str | None = None,
        region: str | None = None,
        fail_on_denied: bool | str = False,
        refresh_on_deploy: bool = True,
        create_outputs: bool = True,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays | None = None,
        log_group_encryption_key: kms.IKey | None = None,
        log_group_removal_policy: RemovalPolicy | None = None,
        status_bus: events.IEventBus | str | None = None,
        watch: bool = True,
        watch_interval: Duration | None = None,
        watch_topic: sns.ITopic | None = None,
        watch_topic_master_key: kms.IKey | None = None,
        watch_parameter_prefix: str | None = None,
        when_not_ready: WhenNotReady | str = WhenNotReady.HOLD,
        report_only: bool = False,
    ) -> None:
        """
        :param mail_type: The kind of email the account mostly sends.
        :param website_url: Your website, so that AWS understands what you send
            (absolute http(s) URL of a public host, at most 1000 characters).
        :param acknowledge_sending_policy: Must be True: you send only to people who asked
            for your email and you handle bounces and complaints (the console's
            acknowledgement). Required; synthesis fails with anything but True.
        :param use_case_description: How you build your list, handle bounces and complaints,
            let recipients opt out and chose your sending rate (at most 5000 characters).
            Default: - no description is sent (the SES API marks it optional and deprecated).
        :param use_case: The same, as the AWS page's four questions (``UseCase``), rendered
            with each question as a heading; give this or ``use_case_description``.
            Default: - no description is sent.
        :param additional_contact_email_addresses: 1 to 4 addresses AWS writes to about
            the account. Default: - no additional contacts; AWS writes to the account's
            own contacts.
        :param contact_language: The language of AWS's messages to the contacts.
            Default: - not sent; SES uses English.
        :param region: The Region whose sandbox the account leaves (each Region has its own).
            Changing it replaces the resource. Default: - the stack's Region.
        :param fail_on_denied: Fail the deployment when the review is DENIED: a bool, or a
            token (such as a CfnParameter's ``value_as_string``) that resolves to ``"true"``
            or ``"false"``. Default: False - the deployment succeeds and reports DENIED
            with the case id.
        :param refresh_on_deploy: Read the account's state again on every ``cdk deploy``
            (a property changes at each synthesis). Default: True - set False for a
            template that is the same on every synthesis; the state is then read only
            when a prop changes.
        :param create_outputs: Add stack outputs with the account's state.
            Default: True - one output per attribute.
        :param timeout: How long the handler may run, in whole seconds; CloudFormation gives
            up 2 minutes after it. Shared by every instance in the stack. Default: 2 minutes.
        :param log_retention: How long the function's logs are kept. Shared by every
            instance in the stack. Default: one year.
        :param log_group_encryption_key: A customer-managed KMS key (in the stack's Region)
            for the function's log group; the construct adds to its key policy what
            CloudWatch Logs needs. Shared by every instance in the stack.
            Default: - CloudWatch Logs encrypts with a service-managed key.
        :param log_group_removal_policy: What happens to the function's log group when it
            leaves the stack. Shared by every instance in the stack.
            Default: RemovalPolicy.RETAIN - the log group and its logs are kept.
        :param status_bus: The organisation's central event bus (the roll-up of
            ``SesProductionAccessStackSet``, its ``status_bus``), or its ARN: after every
            Create and Update the function sends it one event with the account's state, in
            the bus's own Region (never a sensitive value; best effort, never fails the
            deployment). The role may put events on that bus only.
            Default: - no status event.
        :param watch: Also run the function on a schedule: it reads the account in every
            Region of the stack's instances (until AWS decides, then once a day), keeps each
            Region's state in an SSM parameter, tells a change to ``watch_topic`` and the
            default event bus, and sends a request that a deployment held back
            (``when_not_ready``) as soon as nothing holds it back, so that one deployment is
            enough (docs/watching.md). Shared by every instance in the stack.
            Default: True - ``False`` gives no schedule: the state is read at each
            deployment only, and a held request waits for the next deployment.
        :param watch_interval: How often the watcher runs, in whole minutes, 5 minutes to
            1 day (with ``watch``). Shared by every instance in the stack.
            Default: 1 hour.
        :param watch_topic: A standard SNS topic that gets an email-readable message on
            each change of a Region's state (with ``watch``). Shared by every instance in
            the stack. Default: - no message; the change goes to the default event bus.
        :param watch_topic_master_key: The KMS key of an SSE-KMS ``watch_topic`` (its key
            ARN, not an alias: KMS authorises on the key); the role may then use it through
            SNS in the topic's Region only. Needed for a topic imported by its ARN alone
            (``sns.Topic.from_topic_arn``), which carries no key. Shared by every instance
            in the stack. Default: - the topic's own ``master_key`` (``sns.Topic(master_key=
            ...)``, ``sns.Topic.from_topic_attributes(key_arn=...)``); none for a topic
            without SSE-KMS or with the AWS-managed ``aws/sns`` key.
        :param watch_parameter_prefix: The SSM parameter path under which the watcher
            keeps each Region's state, as ``<prefix><Region>`` (with ``watch``). Shared by
            every instance in the stack.
            Default: - ``/ses-production-access/<stack name>/``.
        :param when_not_ready: What an account in the sandbox gets when what reviewers look
            at is missing (no identity verified for sending, no bounce and complaint
            handling, or neither could be read): the request anyway, no request, or no
            request and a failed deployment. Checked only when a request would be sent.
            Default: WhenNotReady.HOLD - no request (a DENIED review cannot be
            resubmitted); the deployment succeeds and reports the findings.
        :param report_only: Never request production access: report the state and, in the
            sandbox, the readiness. The role then may not call ses:PutAccountDetails
            unless another instance in the stack requests. Default: False.
        """
        # Everything is checked before this construct joins the tree, so that a caught
        # ValueError leaves nothing behind for the next instance to trip over.
        status_bus_arn = check_status_bus(status_bus)
        props = checked.check_request_props(
            mail_type=mail_type,
            website_url=website_url,
            acknowledge_sending_policy=acknowledge_sending_policy,
            use_case_description=use_case_description,
            use_case=use_case,
            additional_contact_email_addresses=additional_contact_email_addresses,
            contact_language=contact_language,
            region=region,
            fail_on_denied=fail_on_denied,
            when_not_ready=when_not_ready,
            report_only=report_only,
            refresh_on_deploy=refresh_on_deploy,
            create_outputs=create_outputs,
            timeout=timeout,
            log_retention=log_retention,
            log_group_encryption_key=log_group_encryption_key,
            log_group_removal_policy=log_group_removal_policy,
        )
        stack = checked.stack_of(scope)
        checked.check_key_region(props.log_group_encryption_key, stack)
        settings = FunctionSettings(
            timeout=props.timeout,
            log_retention=props.log_retention,
            log_group_removal_policy=props.log_group_removal_policy,
            log_group_encryption_key=props.log_group_encryption_key,
        )
        others = _INSTANCES.get(stack, [])
        function = others[0].shared if others else None
        if function is not None:  # a new instance joins it only with the same settings
            function.settings.check_agrees(settings, stack)
        watch_settings = check_watch_props(
            stack,
            watch=watch,
            watch_interval=watch_interval,
            watch_topic=watch_topic,
            watch_topic_master_key=watch_topic_master_key,
            watch_parameter_prefix=watch_parameter_prefix,
        )
        check_can_share(stack, watch_settings, function)
        region_value = props.region or stack_region(stack)
        region_warnings = check_unique(stack, region_value, others)

        super().__init__(scope, id)
        self.region: str = region_value
        """The Region whose sandbox this instance manages (may be a token)."""
        for warning in region_warnings:
            Annotations.of(self).add_warning_v2(REGION_MAY_REPEAT, warning)
        if props.deferred:
            self.node.add_validation(ResolvedValueChecks(self, props.deferred))

        # None yet: this is the stack's first instance.
        self._shared = function or SharedFunction(
            stack,
            HANDLER_ID,
            settings=settings,
            region=region_value,
            requests=not props.report_only,
        )
        # Registered once the shared function exists (a taken id raises before).
        _INSTANCES.setdefault(stack, []).append(_Instance(self, region_value, self._shared))
        # A value CloudFormation resolves may be anything: the handler then checks it.
        tokens = (status_bus_arn, props.when_not_ready)
        if props.checked_at_deploy or any(is_unresolved(v) for v in tokens):
            self._shared.require(wire.FEATURE_VALIDATE)
        self._shared.allow_readiness(self.region)
        if not props.report_only:
            self._shared.allow_requests()

        properties: dict[str, Any] = {
            wire.PROP_REGION: self.region,
            wire.PROP_MAIL_TYPE: props.mail_type,
            wire.PROP_WEBSITE_URL: props.website_url,
            wire.PROP_FAIL_ON_DENIED: props.fail_on_denied,
            wire.PROP_WHEN_NOT_READY: props.when_not_ready,
        }
        if props.report_only:
            properties[wire.PROP_REPORT_ONLY] = wire.FLAG_TRUE
        if props.contact_language is not None:
            properties[wire.PROP_CONTACT_LANGUAGE] = props.contact_language
        if props.use_case_description is not None:
            properties[wire.PROP_USE_CASE_DESCRIPTION] = props.use_case_description
        if props.contacts is not None:
            properties[wire.PROP_CONTACTS] = props.contacts
        if props.refresh_on_deploy:
            properties[wire.PROP_SYNTHESIZED_AT] = datetime.now(timezone.utc).isoformat()
        if status_bus_arn is not None:
            properties[wire.PROP_STATUS_BUS_ARN] = status_bus_arn
            self._shared.report_to(status_bus_arn)

        watcher = None
        if watch_settings is not None:
            watcher = Watcher.of(self._shared, watch_settings)
            properties.update(watcher.resource_properties())

        self._resource = CustomResource(
            self,
            "Resource",
            service_token=self._shared.function.function_arn,
            resource_type=defaults.RESOURCE_TYPE,
            properties=properties,
            service_timeout=_service_timeout(props.timeout),
        )

        if watcher is not None:
            watcher.watch(self.region, self._resource, status_bus_arn)
        cfn_resource = self._resource.node.default_child
        if isinstance(cfn_resource, CfnResource):
            order_after_ses_resources(cfn_resource, stack)

        if props.create_outputs:
            for key, description in OUTPUT_DESCRIPTIONS.items():
                CfnOutput(
                    self,
                    key,
                    value=self._resource.get_att_string(key),
                    description=description,
                )

    @property
    def function(self) -> lambda_.Function:
        """The Lambda function behind the custom resource.

        Shared by every SesProductionAccess in the stack (construct
        ``SesProductionAccessHandler/Function``): a change made through one instance
        applies to all of them.
        """
        return self._shared.function

    @property
    def role(self) -> iam.Role:
        """The function's IAM role; with ``iam.Role.customize_roles`` it stands for the
        pre-created role and adds nothing to the template.

        Shared by every SesProductionAccess in the stack
        (``SesProductionAccessHandler/Role``).
        """
        return self._shared.role

    @property
    def log_group(self) -> logs.LogGroup:
        """The function's log group.

        Shared by every SesProductionAccess in the stack
        (``SesProductionAccessHandler/LogGroup``).
        """
        return self._shared.log_group

    @property
    def sandbox_status(self) -> str:
        """PRODUCTION, PENDING_REVIEW, DENIED or SANDBOX (see ``SandboxStatus``).

        @attribute
        """
        return self._resource.get_att_string("SandboxStatus")

    @property
    def production_access_enabled(self) -> str:
        """``"true"`` once the account may send to any recipient in the Region.

        @attribute
        """
        return self._resource.get_att_string("ProductionAccessEnabled")

    @property
    def review_status(self) -> str:
        """The review's status: PENDING, GRANTED, DENIED, FAILED, or NONE before any request.

        @attribute
        """
        return self._resource.get_att_string("ReviewStatus")

    @property
    def case_id(self) -> str:
        """The AWS Support case of the review, or NONE before any request.

        @attribute
        """
        return self._resource.get_att_string("CaseId")

    @property
    def max_send_rate(self) -> str:
        """Messages per second the account may send.

        @attribute
        """
        return self._resource.get_att_string("MaxSendRate")

    @property
    def max_24_hour_send(self) -> str:
        """Messages per 24 hours the account may send.

        @attribute
        """
        return self._resource.get_att_string("Max24HourSend")

    @property
    def sending_enabled(self) -> str:
        """``"true"`` while the account may send email in the Region.

        @attribute
        """
        return self._resource.get_att_string("SendingEnabled")

    @property
    def ready(self) -> str:
        """``"true"`` when nothing holds a request back, ``"false"``, or NONE when the
        readiness was not checked (no request was due).

        @attribute
        """
        return self._resource.get_att_string("Ready")

    @property
    def readiness_findings(self) -> str:
        """The readiness finding codes, comma-separated, or NONE (docs/readiness.md lists them).

        @attribute
        """
        return self._resource.get_att_string("ReadinessFindings")

    @property
    def enforcement_status(self) -> str:
        """HEALTHY, PROBATION or SHUTDOWN.

        @attribute
        """
        return self._resource.get_att_string("EnforcementStatus")


# The resource type of each aws-cdk-lib L1 class (one with its own CFN_RESOURCE_TYPE_NAME),
# read once per process: every instance of it has that type, and each read is a round trip
# to the jsii kernel, for every resource of every stack.
_L1_TYPES: dict[type, str] = {}


def _resource_type(resource: CfnResource) -> str:
    kind = type(resource)
    if "CFN_RESOURCE_TYPE_NAME" not in vars(kind):  # a CfnResource of any type
        return resource.cfn_resource_type
    if kind not in _L1_TYPES:
        _L1_TYPES[kind] = resource.cfn_resource_type
    return _L1_TYPES[kind]


@jsii.implements(IAspect)
class _AfterSesResources:
    """Orders a custom resource after every SES resource of its stack (identities,
    configuration sets, event destinations), wherever they are defined, so that the
    readiness checks see what the same deployment creates.

    Added to the custom resource itself, it is called back once, at synth, and searches
    the stack then; an aspect of the stack would be called back (a round trip to the jsii
    kernel) for every construct in it."""

    def __init__(self, resource: CfnResource, stack: Stack) -> None:
        self._resource = resource
        self._stack = stack
        self._done = False

    def visit(self, node: IConstruct) -> None:
        # The resource is visited first (it has no children to visit after it).
        if self._done:
            return
        self._done = True
        stack = self._stack
        for other in stack.node.find_all():
            if (
                isinstance(other, CfnResource)
                and other is not self._resource
                and _resource_type(other).startswith("AWS::SES::")
                and Stack.of(other) is stack
            ):
                self._resource.add_dependency(other)


def order_after_ses_resources(resource: CfnResource, stack: Stack) -> None:
    """Order ``resource``, of ``stack``, after every SES resource of the stack."""
    Aspects.of(resource).add(_AfterSesResources(resource, stack))
