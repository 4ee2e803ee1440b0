"""The status roll-up on the administrator's side: where every stack instance reports.

StackSets do not expose their instances' outputs, so each instance's handler sends one
event per Create and Update to a central bus (``StatusBusArn``). Here: that bus, a policy
admitting ``events:PutEvents`` from the organisation's principals only, a rule storing
every status event in a log group, and a dashboard of Logs Insights queries over it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsii
from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct, IDependable

from .. import wire
from ..construct import acknowledgements
from .queries import COUNT_PER_STATUS_QUERY, LATEST_STATE_QUERY, MAX_WINDOW_DAYS

if TYPE_CHECKING:
    # Only for the annotation: aws_cdk.interfaces is new in aws-cdk-lib 2.224.
    from aws_cdk.interfaces import aws_events as events_interfaces

# The condition key that admits every principal of one organisation, whatever its account.
ORGANIZATION_CONDITION_KEY = "aws:PrincipalOrgID"

RULE_WITHOUT_DLQ = (
    "EventBridge retries delivery to the log group for 24 hours (its default retry "
    "policy); a status event it still cannot deliver is superseded by the instance's next "
    "Create or Update, which sends the state again. A dead-letter queue would be one more "
    "resource that nothing reads."
)
STATUS_EVENTS_REASON = (
    "The status events carry no sensitive value (account, Region, sandbox and review "
    "status, case id, quota); CloudWatch Logs encrypts them at rest with service-managed keys."
)


@jsii.implements(events.IRuleTarget)
class _LogGroupTarget:
    """The log group as the rule's target, its resource policy native
    (``AWS::Logs::ResourcePolicy``): aws-events-targets' CloudWatchLogGroup writes it with
    a custom resource, a Node.js function and an asset."""

    def __init__(self, log_group: logs.LogGroup) -> None:
        self._log_group = log_group

    def bind(
        self, rule: events_interfaces.IRuleRef, id: str | None = None
    ) -> events.RuleTargetConfig:
        stack = Stack.of(self._log_group)
        # The log group's ARN without the ":*" that log_group_arn ends with.
        arn = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=self._log_group.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        return events.RuleTargetConfig(arn=arn, target_resource=self._log_group)


class StatusRollup(Construct):
    """Bus, bus policy, rule, log group and dashboard of the organisation's status events."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        organization_id: str,
        log_retention: logs.RetentionDays,
        log_group_removal_policy: RemovalPolicy,
    ) -> None:
        super().__init__(scope, id)
        # No fixed name: CloudFormation requires one for a bus, and the CDK derives it from
        # the construct's path, unique in the account and Region.
        self.bus = events.EventBus(
            self,
            "Bus",
            description="SES production access: the state of every account x Region",
        )
        admitted = self.bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="OrganizationPutEvents",
                principals=[iam.StarPrincipal()],
                actions=["events:PutEvents"],
                resources=[self.bus.event_bus_arn],
                # Only the status event (EventBridge's condition keys events:source and
                # events:detail-type): the bus takes nothing else from the organisation.
                conditions={
                    "StringEquals": {
                        ORGANIZATION_CONDITION_KEY: organization_id,
                        "events:source": wire.EVENT_SOURCE,
                        "events:detail-type": wire.EVENT_DETAIL_TYPE,
                    }
                },
            )
        )
        self.bus_policy = admitted.policy_dependable

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=log_retention,
            removal_policy=log_group_removal_policy,
        )
        acknowledgements.acknowledge(
            self.log_group,
            {"NIST.800.53.R5-CloudWatchLogGroupEncrypted": STATUS_EVENTS_REASON},
        )
        # Only for the rules of this bus (aws:SourceArn). The rule's own ARN would make the
        # policy wait for the rule, which must wait for the policy (no event is lost): a
        # rule's ARN on a custom bus is rule/<bus name>/<rule name>.
        rules_of_the_bus = Stack.of(self).format_arn(
            service="events",
            resource="rule",
            resource_name=f"{self.bus.event_bus_name}/*",
        )
        policy = self.log_group.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[
                    iam.ServicePrincipal("events.amazonaws.com"),
                    iam.ServicePrincipal("delivery.logs.amazonaws.com"),
                ],
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
                conditions={"ArnLike": {"aws:SourceArn": rules_of_the_bus}},
            )
        )

        self.rule = events.Rule(
            self,
            "Rule",
            event_bus=self.bus,
            description="Stores every SES production access status event in the log group",
            event_pattern=events.EventPattern(
                source=[wire.EVENT_SOURCE], detail_type=[wire.EVENT_DETAIL_TYPE]
            ),
            targets=[_LogGroupTarget(self.log_group)],
        )
        acknowledgements.acknowledge(self.rule, {"Serverless-EventBusDLQ": RULE_WITHOUT_DLQ})
        # EventBridge may write to the log group only once its resource policy exists.
        self.log_group_policy = policy.policy_dependable
        if self.log_group_policy is not None:
            self.rule.node.add_dependency(self.log_group_policy)

        names = [self.log_group.log_group_name]
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            default_interval=Duration.days(self._window_days()),
            widgets=[
                [
                    cloudwatch.LogQueryWidget(
                        title="SES production access: latest state per account and Region",
                        log_group_names=names,
                        query_lines=list(LATEST_STATE_QUERY),
                        view=cloudwatch.LogQueryVisualizationType.TABLE,
                        width=24,
                        height=12,
                    )
                ],
                [
                    cloudwatch.LogQueryWidget(
                        title="Accounts x Regions per SandboxStatus",
                        log_group_names=names,
                        query_lines=list(COUNT_PER_STATUS_QUERY),
                        view=cloudwatch.LogQueryVisualizationType.BAR,
                        width=12,
                        height=6,
                    )
                ],
            ],
        )

    def dependables(self) -> list[IDependable]:
        """What must exist before an instance reports: the bus's policy, the log group,
        its resource policy and the rule (the bus itself is referenced by ARN)."""
        found = [self.bus_policy, self.log_group, self.log_group_policy, self.rule]
        return [d for d in found if d is not None]

    def _window_days(self) -> int:
        """Every event the log group keeps: its retention in days (INFINITE: the most)."""
        resource = self.log_group.node.default_child
        days = getattr(resource, "retention_in_days", None)
        return min(int(days), MAX_WINDOW_DAYS) if days else MAX_WINDOW_DAYS
