"""The SesProductionAccess construct."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from aws_cdk import CfnOutput, CustomResource, Duration, Stack, Token
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import _limits, _validation
from ._handler import SesProductionAccessHandler
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
        acknowledge_sending_policy: bool | None = None,
        use_case_description: str | None = None,
        additional_contact_email_addresses: Sequence[str] | None = None,
        contact_language: ContactLanguage | str | None = None,
        region: str | None = None,
        fail_on_denied: bool = False,
        refresh_on_deploy: bool = True,
        create_outputs: bool = True,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays | None = None,
    ) -> None:
        """
        :param mail_type: The kind of email the account mostly sends.
        :param website_url: Your website, so that AWS understands what you send
            (absolute http(s) URL, at most 1000 characters).
        :param acknowledge_sending_policy: Must be True: you send only to people who asked
            for your email and you handle bounces and complaints (the console's
            acknowledgement). Synthesis fails without it.
        :param use_case_description: How you build your list, handle bounces and complaints,
            let recipients opt out and chose your sending rate (at most 5000 characters).
            Default: - no description is sent (the SES API marks it optional and deprecated).
        :param additional_contact_email_addresses: 1 to 4 addresses AWS writes to about
            the account. Default: - no additional contacts; AWS writes to the account's
            own contacts.
        :param contact_language: The language of AWS's messages to the contacts.
            Default: - not sent; SES uses English.
        :param region: The Region whose sandbox the account leaves (each Region has its own).
            Default: - the stack's Region.
        :param fail_on_denied: Fail the deployment when the review is DENIED.
            Default: False - the deployment succeeds and reports DENIED with the case id.
        :param refresh_on_deploy: Read the account's state again on every ``cdk deploy``
            (a property changes at each synthesis). Default: True - set False for a
            template that is the same on every synthesis; the state is then read only
            when a prop changes.
        :param create_outputs: Add stack outputs with the account's state.
            Default: True - one output per attribute.
        :param timeout: How long the handler may run; CloudFormation gives up 2 minutes
            after it. Shared by every instance in the stack. Default: 2 minutes.
        :param log_retention: How long the handler's logs are kept. Shared by every
            instance in the stack. Default: one year.
        """
        super().__init__(scope, id)

        mail_type_value = _validation.enum_value("mail_type", mail_type, MailType, required=True)
        language_value = _validation.enum_value(
            "contact_language", contact_language, ContactLanguage, required=False
        )
        _validation.check_website_url(website_url)
        _validation.check_use_case_description(use_case_description)
        contacts = _validation.check_contacts(additional_contact_email_addresses)
        _validation.check_region(region)
        _validation.check_acknowledgement(acknowledge_sending_policy)
        timeout = timeout or _limits.DEFAULT_TIMEOUT
        _validation.check_timeout(timeout)

        stack = Stack.of(self)
        self.region: str = region or stack.region
        """The Region whose sandbox this instance manages (may be a token)."""
        self._check_region_unique(stack)

        handler = SesProductionAccessHandler.of(
            self,
            timeout=timeout,
            log_retention=log_retention or _limits.DEFAULT_LOG_RETENTION,
        )

        properties: dict[str, Any] = {
            "Region": self.region,
            "MailType": mail_type_value,
            "WebsiteURL": website_url,
            "FailOnDenied": "true" if fail_on_denied else "false",
        }
        if language_value is not None:
            properties["ContactLanguage"] = language_value
        if use_case_description is not None:
            properties["UseCaseDescription"] = use_case_description
        if contacts is not None:
            properties["AdditionalContactEmailAddresses"] = contacts
        if refresh_on_deploy:
            properties["SynthesizedAt"] = datetime.now(timezone.utc).isoformat()

        self._resource = CustomResource(
            self,
            "Resource",
            service_token=handler.function.function_arn,
            resource_type=_limits.RESOURCE_TYPE,
            properties=properties,
            service_timeout=Duration.seconds(
                timeout.to_seconds() + _limits.SERVICE_TIMEOUT_SLACK.to_seconds()
            ),
        )

        if create_outputs:
            for key, description in ATTRIBUTES.items():
                CfnOutput(
                    self,
                    key,
                    value=self._resource.get_att_string(key),
                    description=f"SES production access: {description}",
                )

    def _check_region_unique(self, stack: Stack) -> None:
        mine = json.dumps(stack.resolve(self.region), sort_keys=True)
        for other in stack.node.find_all():
            if other is self or not isinstance(other, SesProductionAccess):
                continue
            if Stack.of(other) is not stack:
                continue
            if json.dumps(stack.resolve(other.region), sort_keys=True) == mine:
                shown = "the stack's Region" if Token.is_unresolved(self.region) else self.region
                raise ValueError(
                    f"region: {other.node.path} already requests production access for "
                    f"{shown} in this stack; each Region has one sandbox, so give this "
                    "SesProductionAccess another region or remove one of the two."
                )

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
