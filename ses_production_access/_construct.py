"""The SesProductionAccess construct."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from aws_cdk import Annotations, CfnOutput, CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import _limits, _regions, _validation
from ._handler import HandlerSettings, SesProductionAccessHandler
from ._synth_checks import ResolvedValueChecks
from ._types import ContactLanguage, MailType

# Data key the handler returns -> output description. The keys are exactly what the
# construct reads with Fn::GetAtt; the handler returns these and no others.
ATTRIBUTES: dict[str, str] = {
    "SandboxStatus": "Where the account stands: PRODUCTION, PENDING_REVIEW, DENIED or SANDBOX",
    "ProductionAccessEnabled": "true once the account may send to any recipient",
    "ReviewStatus": "Review of the request: PENDING, GRANTED, DENIED, FAILED, or NONE",
    "CaseId": "AWS Support case of the review, or NONE",
    "MaxSendRate": "Messages per second the account may send",
    "Max24HourSend": "Messages per 24 hours the account may send",
    "SendingEnabled": "true while the account may send email",
    "EnforcementStatus": "HEALTHY, PROBATION or SHUTDOWN",
}


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
        :param log_retention: How long the handler's logs are kept. Shared by every
            instance in the stack. Default: one year.
        :param log_group_encryption_key: A customer-managed KMS key (in the stack's Region)
            for the handler's log group; the construct adds to its key policy what
            CloudWatch Logs needs. Shared by every instance in the stack.
            Default: - CloudWatch Logs encrypts with a service-managed key.
        :param log_group_removal_policy: What happens to the handler's log group when it
            leaves the stack. Shared by every instance in the stack.
            Default: RemovalPolicy.RETAIN - the log group and its logs are kept.
        """
        # Everything is checked before this construct joins the tree, so that a caught
        # ValueError leaves nothing behind for the next instance to trip over.
        props = _validation.check_props(
            mail_type=mail_type,
            website_url=website_url,
            acknowledge_sending_policy=acknowledge_sending_policy,
            use_case_description=use_case_description,
            additional_contact_email_addresses=additional_contact_email_addresses,
            contact_language=contact_language,
            region=region,
            fail_on_denied=fail_on_denied,
            refresh_on_deploy=refresh_on_deploy,
            create_outputs=create_outputs,
            timeout=timeout,
            log_retention=log_retention,
            log_group_encryption_key=log_group_encryption_key,
            log_group_removal_policy=log_group_removal_policy,
        )
        stack = _validation.stack_of(scope)
        _validation.check_key_region(props.log_group_encryption_key, stack)
        settings = HandlerSettings(
            timeout=props.timeout,
            log_retention=props.log_retention,
            log_group_removal_policy=props.log_group_removal_policy,
            log_group_encryption_key=props.log_group_encryption_key,
        )
        SesProductionAccessHandler.check_can_share(stack, settings)
        region_value = props.region or stack.region
        region_warnings = _regions.check_unique(
            stack,
            region_value,
            [
                (other.node.path, other.region)
                for other in stack.node.find_all()
                if isinstance(other, SesProductionAccess) and Stack.of(other) is stack
            ],
        )

        super().__init__(scope, id)
        self.region: str = region_value
        """The Region whose sandbox this instance manages (may be a token)."""
        for warning in region_warnings:
            Annotations.of(self).add_warning_v2(_regions.REGION_MAY_REPEAT, warning)
        if props.deferred:
            self.node.add_validation(ResolvedValueChecks(self, props.deferred))

        self._handler = SesProductionAccessHandler.of(stack, settings)

        properties: dict[str, Any] = {
            "Region": self.region,
            "MailType": props.mail_type,
            "WebsiteURL": props.website_url,
            "FailOnDenied": props.fail_on_denied,
        }
        if props.contact_language is not None:
            properties["ContactLanguage"] = props.contact_language
        if props.use_case_description is not None:
            properties["UseCaseDescription"] = props.use_case_description
        if props.contacts is not None:
            properties["AdditionalContactEmailAddresses"] = props.contacts
        if props.refresh_on_deploy:
            properties["SynthesizedAt"] = datetime.now(timezone.utc).isoformat()

        self._resource = CustomResource(
            self,
            "Resource",
            service_token=self._handler.function.function_arn,
            resource_type=_limits.RESOURCE_TYPE,
            properties=properties,
            service_timeout=Duration.seconds(
                props.timeout.to_seconds() + _limits.SERVICE_TIMEOUT_SLACK.to_seconds()
            ),
        )

        if props.create_outputs:
            for key, description in ATTRIBUTES.items():
                CfnOutput(
                    self,
                    key,
                    value=self._resource.get_att_string(key),
                    description=f"SES production access: {description}",
                )

    @property
    def function(self) -> lambda_.Function:
        """The Lambda function behind the custom resource.

        Shared by every SesProductionAccess in the stack (construct
        ``SesProductionAccessHandler/Function``): a change made through one instance
        applies to all of them.
        """
        return self._handler.function

    @property
    def role(self) -> iam.Role:
        """The function's IAM role; with ``iam.Role.customize_roles`` it stands for the
        pre-created role and adds nothing to the template.

        Shared by every SesProductionAccess in the stack
        (``SesProductionAccessHandler/Role``).
        """
        return self._handler.role

    @property
    def log_group(self) -> logs.LogGroup:
        """The function's log group.

        Shared by every SesProductionAccess in the stack
        (``SesProductionAccessHandler/LogGroup``).
        """
        return self._handler.log_group

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
    def enforcement_status(self) -> str:
        """HEALTHY, PROBATION or SHUTDOWN.

        @attribute
        """
        return self._resource.get_att_string("EnforcementStatus")
