"""SesProductionAccessStackSet: every account x Region of organisational units, through a
service-managed CloudFormation StackSet, with the status roll-up."""

from __future__ import annotations

import atexit
import copy
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import Annotations, CfnOutput, Duration, Names, RemovalPolicy
from aws_cdk import aws_cloudformation as cloudformation
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from .. import wire
from ..defaults import TEMPLATE_BODY_MAX_BYTES
from ..props import checked
from ..props.checks import check_flag
from ..props.values import ContactLanguage, MailType, UseCase, WhenNotReady
from ..templates import member as _member
from . import props as _organization
from .rollup import StatusRollup
from .values import AccountFilterType, CallAs, ConcurrencyMode, RegionConcurrency

# Ids of the soft problems, for Annotations.of(...).acknowledge_warning(id, reason).
NO_USE_CASE_DESCRIPTION = "ses-production-access:stackSetWithoutUseCaseDescription"
MEMBER_TEMPLATE_IN_S3 = "ses-production-access:memberTemplateInS3"




class SesProductionAccessStackSet(Construct):
    """Requests Amazon SES production access in every account of organisational units, in
    every Region listed, through a service-managed CloudFormation StackSet, and gathers
    where each account x Region stands on a central event bus, a log group and a dashboard.

    Each stack instance is SesProductionAccess (the same handler, checks and behaviour) for
    its account in its own Region, with the details given here; after every Create and
    Update it sends its state to ``status_bus``. Deploy this construct's stack in the
    organisation's management account or a delegated administrator account for
    CloudFormation StackSets (``call_as``). Service-managed StackSets never deploy to the
    management account: give it SesProductionAccess with ``status_bus``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        organizational_unit_ids: Sequence[str],
        regions: Sequence[str],
        organization_id: str,
        mail_type: MailType | str,
        website_url: str,
        acknowledge_sending_policy: bool,
        use_case_description: str | None = None,
        additional_contact_email_addresses: Sequence[str] | None = None,
        contact_language: ContactLanguage | str | None = None,
        fail_on_denied: bool = False,
        timeout: Duration | None = None,
        log_retention: logs.RetentionDays | None = None,
        log_group_removal_policy: RemovalPolicy | None = None,
        account_ids: Sequence[str] | None = None,
        account_filter_type: AccountFilterType | str | None = None,
        call_as: CallAs | str = _organization.DEFAULT_CALL_AS,
        auto_deployment: bool = True,
        retain_stacks_on_account_removal: bool = False,
        concurrency_mode: ConcurrencyMode | str = _organization.DEFAULT_CONCURRENCY_MODE,
        region_concurrency: RegionConcurrency | str = _organization.DEFAULT_REGION_CONCURRENCY,
        max_concurrent_percentage: int = _organization.DEFAULT_MAX_CONCURRENT_PERCENTAGE,
        failure_tolerance_percentage: int = _organization.DEFAULT_FAILURE_TOLERANCE_PERCENTAGE,
        stack_set_name: str | None = None,
        status_log_retention: logs.RetentionDays | None = None,
        status_log_group_removal_policy: RemovalPolicy | None = None,
        use_case: UseCase | None = None,
        when_not_ready: WhenNotReady | str = WhenNotReady.HOLD,
        report_only: bool = False,
    ) -> None:
        """
        :param organizational_unit_ids: The organisational units whose accounts get a stack
            instance (``ou-...``), or the organisation's root (``r-...``) for every account.
        :param regions: The Regions each account leaves the sandbox in (each Region has its
            own): one stack instance per account and Region.
        :param organization_id: The organisation's id (``o-...``): the central bus admits
            status events from its principals only (``aws:PrincipalOrgID``).
        :param mail_type: As SesProductionAccess: the kind of email the accounts mostly send.
        :param website_url: As SesProductionAccess: your website.
        :param acknowledge_sending_policy: As SesProductionAccess: must be True.
        :param use_case_description: As SesProductionAccess. AWS asks that a burst of
            requests from many accounts come with a detailed explanation: say here that the
            accounts belong to one organisation, and what each sends.
            Default: - no description is sent; synthesis warns.
        :param additional_contact_email_addresses: As SesProductionAccess.
            Default: - no additional contacts.
        :param contact_language: As SesProductionAccess. Default: - not sent; SES uses English.
        :param fail_on_denied: As SesProductionAccess: a DENIED review fails the stack
            instance (and counts against ``failure_tolerance_percentage``).
            Default: False - the instance succeeds and reports DENIED.
        :param timeout: As SesProductionAccess, for every instance's function.
            Default: 2 minutes.
        :param log_retention: As SesProductionAccess, for every instance's log group.
            Default: one year.
        :param log_group_removal_policy: As SesProductionAccess, for every instance's log
            group. Default: RemovalPolicy.RETAIN - the logs stay when an instance is deleted.
        :param account_ids: Accounts (12 digits) that narrow the organisational units'
            accounts, as ``account_filter_type`` says.
            Default: - every account of the organisational units.
        :param account_filter_type: With ``account_ids``: INTERSECTION deploys to the
            listed accounts only, DIFFERENCE to every account but them.
            Default: AccountFilterType.INTERSECTION when ``account_ids`` is given.
        :param call_as: Where this stack is deployed: CallAs.SELF in the organisation's
            management account, CallAs.DELEGATED_ADMIN in a delegated administrator account.
            Default: CallAs.DELEGATED_ADMIN - AWS advises administering StackSets from a
            delegated administrator rather than the management account.
        :param auto_deployment: Deploy to accounts that join the organisational units later,
            and delete the instances of accounts that leave. Default: True.
        :param retain_stacks_on_account_removal: With ``auto_deployment``, keep the stack of
            an account that leaves the organisational units instead of deleting it.
            Default: False - the stack is deleted (production access stays: a Delete
            changes nothing in SES).
        :param concurrency_mode: How failures bear on concurrency.
            Default: ConcurrencyMode.SOFT_FAILURE_TOLERANCE - keep the pace whatever the
            failures, until the failure tolerance is passed.
        :param region_concurrency: Regions one after the other or at once.
            Default: RegionConcurrency.PARALLEL - each Region is its own request and review.
        :param max_concurrent_percentage: The percentage of accounts deployed at once in
            each Region, 1 to 100 (rounded down, and never below one account).
            Default: 1 - one account at a time up to 199 accounts, as AWS asks.
        :param failure_tolerance_percentage: The percentage of accounts per Region that may
            fail before the operation stops in that Region, 0 to 100 (rounded down).
            Default: 10 - a systematic problem (a service control policy denying SES)
            stops the rollout early; one odd account does not.
        :param stack_set_name: The StackSet's name; changing it replaces the StackSet and
            every instance. Default: - a name derived from the construct's path.
        :param status_log_retention: How long the roll-up's log group keeps the status
            events; the dashboard looks back as far. Default: ten years.
        :param status_log_group_removal_policy: What happens to the roll-up's log group when
            it leaves the stack. Default: RemovalPolicy.RETAIN - the events are kept.
        :param use_case: As SesProductionAccess: the AWS page's four questions, instead of
            use_case_description. Default: - no description is sent; synthesis warns.
        :param when_not_ready: As SesProductionAccess: what a member account that is not
            ready for review gets. Default: WhenNotReady.HOLD - no request until the account
            has a verified identity and bounce and complaint handling.
        :param report_only: As SesProductionAccess: never request, report only.
            Default: False.
        """
        # Everything is checked before this construct joins the tree.
        stack = checked.stack_of(scope)
        props = checked.check_request_props(
            mail_type=mail_type,
            website_url=website_url,
            acknowledge_sending_policy=acknowledge_sending_policy,
            use_case_description=use_case_description,
            use_case=use_case,
            additional_contact_email_addresses=additional_contact_email_addresses,
            contact_language=contact_language,
            region=None,
            fail_on_denied=fail_on_denied,
            when_not_ready=when_not_ready,
            report_only=report_only,
            refresh_on_deploy=False,
            create_outputs=True,
            timeout=timeout,
            log_retention=log_retention,
            log_group_encryption_key=None,
            log_group_removal_policy=log_group_removal_policy,
            plain_only=(
                "SesProductionAccessStackSet writes the details into the template of every "
                "stack instance, synthesized apart from this stack, where no token of this "
                "app resolves"
            ),
        )
        units = _organization.check_organizational_unit_ids(organizational_unit_ids)
        region_names = _organization.check_regions(regions)
        organization = _organization.check_organization_id(organization_id)
        accounts = _organization.check_account_ids(account_ids)
        filter_type = None
        if account_filter_type is not None:
            filter_type = _organization.check_enum(
                "account_filter_type", account_filter_type, AccountFilterType
            )
            if accounts is None:
                raise ValueError(
                    "account_filter_type is given without account_ids: list the accounts it "
                    "filters in account_ids, or leave account_filter_type unset."
                )
        elif accounts is not None:
            filter_type = _organization.DEFAULT_ACCOUNT_FILTER_TYPE.value
        caller = _organization.check_enum("call_as", call_as, CallAs)
        auto = check_flag("auto_deployment", auto_deployment)
        retain = check_flag(
            "retain_stacks_on_account_removal", retain_stacks_on_account_removal
        )
        if retain and not auto:
            raise ValueError(
                "retain_stacks_on_account_removal=True needs auto_deployment=True: only "
                "auto-deployment removes the stack of an account that leaves the "
                "organisational units. Set auto_deployment=True, or leave "
                "retain_stacks_on_account_removal unset."
            )
        mode = _organization.check_enum("concurrency_mode", concurrency_mode, ConcurrencyMode)
        region_order = _organization.check_enum(
            "region_concurrency", region_concurrency, RegionConcurrency
        )
        concurrent = _organization.check_percentage(
            "max_concurrent_percentage", max_concurrent_percentage, low=1
        )
        tolerance = _organization.check_percentage(
            "failure_tolerance_percentage", failure_tolerance_percentage, low=0
        )
        name = _organization.check_stack_set_name(stack_set_name)
        status_retention = _organization.check_instance(
            "status_log_retention", status_log_retention, logs.RetentionDays,
            "logs.RetentionDays.TEN_YEARS", _organization.DEFAULT_STATUS_LOG_RETENTION,
        )
        status_removal = _organization.check_instance(
            "status_log_group_removal_policy", status_log_group_removal_policy, RemovalPolicy,
            "RemovalPolicy.DESTROY", _organization.DEFAULT_STATUS_LOG_GROUP_REMOVAL_POLICY,
        )

        details: dict[str, Any] = {
            "mail_type": props.mail_type,
            "website_url": props.website_url,
            "acknowledge_sending_policy": True,
            "use_case_description": props.use_case_description,
            "additional_contact_email_addresses": props.contacts,
            "contact_language": props.contact_language,
            "fail_on_denied": props.fail_on_denied == wire.FLAG_TRUE,
            "timeout": props.timeout,
            "log_retention": props.log_retention,
            "log_group_removal_policy": props.log_group_removal_policy,
            "when_not_ready": props.when_not_ready,
            "report_only": props.report_only,
        }
        member = _member.member_template(organization, details)
        body = _member.template_text(member)
        size = len(body.encode("utf-8"))

        super().__init__(scope, id)
        self._member_template = member
        self.member_template_bytes: int = size
        """The member template's size as the StackSet receives it, in bytes."""
        if props.use_case_description is None:
            Annotations.of(self).add_warning_v2(
                NO_USE_CASE_DESCRIPTION,
                "use_case_description is not set: AWS asks that production access be "
                "requested one account at a time, and that a burst from many accounts come "
                "with a detailed explanation. Say in use_case_description that the accounts "
                f"belong to organisation {organization} and what each sends.",
            )

        self._rollup = StatusRollup(
            self,
            "StatusRollup",
            organization_id=organization,
            log_retention=status_retention,
            log_group_removal_policy=status_removal,
        )

        template_body: str | None = body
        template_url: str | None = None
        if size > TEMPLATE_BODY_MAX_BYTES:
            template_body = None
            template_url = self._template_asset(body).http_url
            Annotations.of(self).add_info(
                f"The member template has {size:,} bytes, over CloudFormation's "
                f"{TEMPLATE_BODY_MAX_BYTES:,} for a TemplateBody: it is an asset of stack "
                f"{stack.node.path} (TemplateURL), uploaded to the CDK bootstrap bucket by "
                "cdk deploy."
            )

        self._stack_set = cloudformation.CfnStackSet(
            self,
            "Resource",
            stack_set_name=name or Names.unique_resource_name(self, max_length=128),
            permission_model="SERVICE_MANAGED",
            description=self._description(organization, region_names),
            # The role and the function have no name: CAPABILITY_IAM, not _NAMED_IAM.
            capabilities=["CAPABILITY_IAM"],
            call_as=caller,
            auto_deployment=cloudformation.CfnStackSet.AutoDeploymentProperty(
                enabled=auto,
                retain_stacks_on_account_removal=retain if auto else None,
            ),
            # StackSets queues conflicting operations instead of failing them.
            managed_execution={"Active": True},
            operation_preferences=cloudformation.CfnStackSet.OperationPreferencesProperty(
                concurrency_mode=mode,
                region_concurrency_type=region_order,
                max_concurrent_percentage=concurrent,
                failure_tolerance_percentage=tolerance,
            ),
            parameters=[
                cloudformation.CfnStackSet.ParameterProperty(
                    parameter_key=_member.STATUS_BUS_PARAMETER,
                    parameter_value=self._rollup.bus.event_bus_arn,
                )
            ],
            stack_instances_group=[
                cloudformation.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cloudformation.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=units,
                        accounts=accounts,
                        account_filter_type=filter_type,
                    ),
                    regions=region_names,
                )
            ],
            template_body=template_body,
            template_url=template_url,
        )
        # The instances report as soon as they are created: the bus's policy, the rule and
        # the log group come first (the bus too, through the parameter's Fn::GetAtt).
        self._stack_set.node.add_dependency(*self._rollup.dependables())

        CfnOutput(
            self,
            "StatusBusArn",
            value=self._rollup.bus.event_bus_arn,
            description=(
                "SES production access roll-up: give this bus to SesProductionAccess "
                "(status_bus) in accounts the StackSet does not reach"
            ),
        )

    def _template_asset(self, body: str) -> s3_assets.Asset:
        """The member template as a file asset of this stack (the CDK stages it into the
        cloud assembly at once; the scratch folder goes when the process ends)."""
        folder = Path(tempfile.mkdtemp(prefix="ses-production-access-member-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "member.template.json"
        path.write_text(body, encoding="utf-8")
        return s3_assets.Asset(self, "MemberTemplate", path=str(path))

    @staticmethod
    def _description(organization: str, regions: list[str]) -> str:
        text = (
            f"SES production access for the accounts of organisation {organization} in "
            f"{', '.join(regions)}: one request per account and Region, paced by the "
            "operation preferences; every instance reports to the central status bus."
        )
        return text[: _organization.STACK_SET_DESCRIPTION_MAX_LENGTH]

    @property
    def stack_set(self) -> cloudformation.CfnStackSet:
        """The ``AWS::CloudFormation::StackSet`` resource."""
        return self._stack_set

    @property
    def status_bus(self) -> events.EventBus:
        """The central bus every instance reports to; give it (or its ARN) to
        SesProductionAccess's ``status_bus`` where the StackSet does not reach."""
        return self._rollup.bus

    @property
    def status_log_group(self) -> logs.LogGroup:
        """The log group that keeps every status event."""
        return self._rollup.log_group

    @property
    def dashboard(self) -> cloudwatch.Dashboard:
        """The CloudWatch dashboard: latest state per account and Region, and the count
        per sandbox status."""
        return self._rollup.dashboard

    @property
    def member_template(self) -> dict[str, Any]:
        """The template every stack instance deploys (a copy)."""
        return copy.deepcopy(self._member_template)
