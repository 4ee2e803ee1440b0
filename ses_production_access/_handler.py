"""The custom resource's Lambda function: one per stack, shared by every instance."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import _inline, _limits
from ._inline import HANDLER_MODULE

# Construct id of the shared handler under the stack. Public API: renaming it would
# replace the function in every user's stack.
HANDLER_ID = "SesProductionAccessHandler"
HANDLER_FUNCTION = "handler"


class SesProductionAccessHandler(Construct):
    """Log group, role and function behind every SesProductionAccess of one stack."""

    def __init__(
        self, scope: Construct, id: str, *, timeout: Duration, log_retention: logs.RetentionDays
    ) -> None:
        super().__init__(scope, id)
        self.timeout = timeout
        self.log_retention = log_retention

        self.log_group = logs.LogGroup(self, "LogGroup", retention=log_retention)

        # Our own least-privilege role: no AWS managed policy, logs only to our log group.
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Reads and requests SES production access for SesProductionAccess",
            inline_policies={
                "SesProductionAccess": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            sid="SesAccountLevel",
                            actions=["ses:GetAccount", "ses:PutAccountDetails"],
                            # Account-level actions: SES defines no resource type for them.
                            resources=["*"],
                        ),
                        iam.PolicyStatement(
                            # Only to recognise a rollback, during which an Update must
                            # not fail (the stack would be stuck in UPDATE_ROLLBACK_FAILED).
                            sid="OwnStackStatus",
                            actions=["cloudformation:DescribeStacks"],
                            resources=[Stack.of(self).stack_id],
                        ),
                        iam.PolicyStatement(
                            sid="OwnLogGroup",
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[self.log_group.log_group_arn],
                        ),
                    ]
                )
            },
        )
        # Acknowledged here so users need no suppression of their own: through
        # aws-cdk-lib's Validations (read by cdk-nag 3.x, no cdk-nag install needed) and as
        # metadata (read by cdk-nag 2.x).
        iam5_reason = (
            "ses:GetAccount and ses:PutAccountDetails are account-level actions with no "
            "resource type; IAM only accepts Resource '*'."
        )
        Validations.of(self.role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason=iam5_reason)
        )
        cfn_role = self.role.node.default_child
        assert isinstance(cfn_role, iam.CfnRole)
        cfn_role.add_metadata(
            "cdk_nag",
            {
                "rules_to_suppress": [
                    {
                        "id": "AwsSolutions-IAM5",
                        "reason": iam5_reason,
                        "applies_to": ["Resource::*"],
                    }
                ]
            },
        )

        self.function = lambda_.Function(
            self,
            "Function",
            description="SesProductionAccess: reads the SES account and requests production access",
            runtime=_limits.HANDLER_RUNTIME,
            architecture=_limits.HANDLER_ARCHITECTURE,
            memory_size=_limits.HANDLER_MEMORY_MIB,
            handler=f"{HANDLER_MODULE}.{HANDLER_FUNCTION}",
            # Inline (ZipFile): no file asset, so no bootstrap bucket is needed.
            code=lambda_.Code.from_inline(_inline.inline_code()),
            timeout=timeout,
            role=self.role,
            log_group=self.log_group,
        )
        # The function reads the role's ARN, which already orders it after the role and its
        # inline policy: the DependsOn that lambda.Function adds is redundant (cfn-lint W3005).
        cfn_function = self.function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        cfn_function.add_deletion_override("DependsOn")

    @classmethod
    def of(
        cls, scope: Construct, *, timeout: Duration, log_retention: logs.RetentionDays
    ) -> SesProductionAccessHandler:
        """The stack's handler, created on first use; settings must agree across instances."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(HANDLER_ID)
        if existing is None:
            return cls(stack, HANDLER_ID, timeout=timeout, log_retention=log_retention)
        assert isinstance(existing, cls)
        if existing.timeout.to_seconds() != timeout.to_seconds():
            raise ValueError(
                f"timeout {timeout.to_human_string()} differs from the "
                f"{existing.timeout.to_human_string()} of another SesProductionAccess in "
                f"stack {stack.stack_name}: they share one function, so give them the same "
                "timeout."
            )
        if existing.log_retention != log_retention:
            raise ValueError(
                f"log_retention {log_retention.name} differs from the "
                f"{existing.log_retention.name} of another SesProductionAccess in stack "
                f"{stack.stack_name}: they share one log group, so give them the same "
                "log_retention."
            )
        return existing
