"""The custom resource's Lambda function: one per stack, shared by every instance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import jsii
from aws_cdk import (
    Annotations,
    ArnFormat,
    Duration,
    IStableStringProducer,
    Lazy,
    RemovalPolicy,
    Stack,
    Token,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

if TYPE_CHECKING:  # annotations only: importing them costs every first synthesis
    from aws_cdk import aws_kms as kms

from .. import defaults, wire
from ..inline.code import inline_code
from ..props.tokens import is_unresolved
from . import acknowledgements
from .arns import account_arn, nag_name
from .size_warning import TemplateSizeCheck

# Construct id of the shared function under the stack. Public API: renaming it would
# replace the function in every user's stack.
HANDLER_ID = "SesProductionAccessHandler"
# Id of the warning for an imported key, whose policy this construct cannot change.
KEY_POLICY_NOT_CHANGED = "ses-production-access:logGroupKeyPolicyNotChanged"
# What CloudWatch Logs does with a log group's key (symmetric): the AWS documentation's
# kms:Encrypt*, Decrypt*, ReEncrypt*, GenerateDataKey*, Describe*, spelled out.
LOGS_KEY_ACTIONS = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
]


@dataclass(frozen=True)
class FunctionSettings:
    """The props every instance of a stack shares through its one shared function."""

    timeout: Duration
    log_retention: logs.RetentionDays
    log_group_removal_policy: RemovalPolicy
    log_group_encryption_key: kms.IKey | None

    def check_agrees(self, wanted: FunctionSettings, stack: Stack) -> None:
        """Raise ValueError naming the first prop where ``wanted`` differs from these."""
        differences = [
            (
                "timeout",
                wanted.timeout.to_seconds() != self.timeout.to_seconds(),
                wanted.timeout.to_human_string(),
                self.timeout.to_human_string(),
                "function",
            ),
            (
                "log_retention",
                wanted.log_retention != self.log_retention,
                wanted.log_retention.name,
                self.log_retention.name,
                "log group",
            ),
            (
                "log_group_removal_policy",
                wanted.log_group_removal_policy != self.log_group_removal_policy,
                wanted.log_group_removal_policy.name,
                self.log_group_removal_policy.name,
                "log group",
            ),
            (
                "log_group_encryption_key",
                not _same_key(wanted.log_group_encryption_key, self.log_group_encryption_key),
                _key_shown(wanted.log_group_encryption_key),
                _key_shown(self.log_group_encryption_key),
                "log group",
            ),
        ]
        for prop, differs, mine, theirs, shared in differences:
            if differs:
                raise ValueError(
                    f"{prop} {mine} differs from the {theirs} of another SesProductionAccess "
                    f"in stack {stack.node.path}: they share one {shared}, so give them the "
                    f"same {prop}."
                )


def _same_key(a: kms.IKey | None, b: kms.IKey | None) -> bool:
    """One key object, or two imports of one key ARN."""
    if a is None or b is None:
        return a is b
    return a is b or (not Token.is_unresolved(a.key_arn) and a.key_arn == b.key_arn)


def _key_shown(key: kms.IKey | None) -> str:
    return "(no key)" if key is None else key.node.path


# The SES actions the role is granted, by the resource type the Service Authorization
# Reference gives each ("Actions defined by Amazon SES" and "... Amazon Simple Email Service
# v2"): an action with none is evaluated against "*", and a statement naming ARNs for it
# would never match. ACCOUNT_LEVEL_READS are the reads of the first kind (the readiness
# checks' v1 read of notification topics among them); the others read one resource type.
ACCOUNT_LEVEL_READS = (
    "ses:GetAccount",
    "ses:ListEmailIdentities",
    "ses:ListConfigurationSets",
    "ses:GetIdentityNotificationAttributes",
)
RESOURCE_LEVEL_READS = {
    "ses:GetEmailIdentity": "identity",
    "ses:GetConfigurationSetEventDestinations": "configuration-set",
}
# The statement of an instance that is not report-only.
REQUEST_STATEMENT: dict[str, object] = {
    "Sid": "SesRequest",
    "Action": "ses:PutAccountDetails",
    "Resource": "*",  # account-level: SES defines no resource type for it
}


@jsii.implements(IStableStringProducer)
class _InlineCode:
    """The handler's code with the features asked for, produced at synth."""

    def __init__(self, features: set[str]) -> None:
        self._features = features

    def produce(self) -> str:
        return inline_code(frozenset(self._features))


def _same(stack: Stack, a: str, b: str) -> bool:
    """Whether two values resolve alike; one string, or plain strings, without a jsii
    round trip."""
    if a == b:
        return True
    if not (is_unresolved(a) or is_unresolved(b)):
        return a == b
    return bool(stack.resolve(a) == stack.resolve(b))


class SharedFunction(Construct):
    """Log group, role and function behind every SesProductionAccess of one stack."""

    def __init__(
        self, stack: Stack, id: str, *, settings: FunctionSettings, region: str, requests: bool
    ) -> None:
        """The shared function of ``stack``, made for its first instance: one reading ``region``
        and, if ``requests``, asking for production access (what ``allow_readiness`` and
        ``allow_requests`` add for the instances after it)."""
        try:
            super().__init__(stack, id)
        except RuntimeError:  # what jsii raises for a construct id already in use
            taken = stack.node.try_find_child(id)
            if taken is None:
                raise
            raise ValueError(
                f"{id}: the construct id {id!r} at the top of stack {stack.node.path} is "
                f"taken by {taken.node.path} ({type(taken).__name__}); SesProductionAccess "
                "reserves that id for the function, role and log group its instances in a "
                "stack share: rename the other construct."
            ) from None
        self.settings = settings
        self._stack = stack
        self.features: set[str] = set()
        # The status buses the role may put events on, as resolved (one statement each).
        self._status_buses: list[object] = []
        timeout = settings.timeout
        key = settings.log_group_encryption_key

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=settings.log_retention,
            encryption_key=key,
            removal_policy=settings.log_group_removal_policy,
        )
        if key is None:
            cfn_log_group = self.log_group.node.default_child
            acknowledgements.acknowledge(
                self.log_group,
                acknowledgements.UNENCRYPTED_LOG_GROUP_RULES,
                cfn_log_group if isinstance(cfn_log_group, logs.CfnLogGroup) else None,
            )
        else:
            self._let_cloudwatch_logs_use(key)

        # Our own least-privilege role: no AWS managed policy, logs only to our log group.
        # Its one inline policy grows as instances join (see allow_requests and
        # allow_readiness); it is rendered at synth. The first instance's statements are
        # made in one round trip to the jsii kernel (from JSON) rather than one each.
        statements: list[dict[str, object]] = [
            {
                "Sid": "SesAccountLevel",
                "Action": list(ACCOUNT_LEVEL_READS),
                # Account-level actions: SES defines no resource type for them.
                "Resource": "*",
            },
            {
                # Only to recognise a rollback, during which an Update must
                # not fail (the stack would be stuck in UPDATE_ROLLBACK_FAILED).
                "Sid": "OwnStackStatus",
                "Action": "cloudformation:DescribeStacks",
                "Resource": stack.stack_id,
            },
            {
                "Sid": "OwnLogGroup",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": self.log_group.log_group_arn,
            },
        ]
        self._readiness_regions: list[str] = [region]
        readiness, findings = self._readiness_statements(region)
        statements += readiness
        self._requests_allowed = requests
        if requests:
            statements.append(REQUEST_STATEMENT)
        self._policy = iam.PolicyDocument.from_json(
            {"Version": "2012-10-17", "Statement": statements}
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="SesProductionAccess: SES production access",
            inline_policies={
                "SesProductionAccess": self._policy,
            },
        )
        acknowledgements.acknowledge(self.role, {**acknowledgements.ROLE_RULES, **findings})
        # Whether the role is pre-created (iam.Role.customize_roles), read when a statement
        # is added after this: the first instance's need not be.
        self._role_precreated: bool | None = None

        self.function = lambda_.Function(
            self,
            "Function",
            description="SesProductionAccess: reads SES and requests production access",
            runtime=defaults.HANDLER_RUNTIME,
            architecture=defaults.HANDLER_ARCHITECTURE,
            memory_size=defaults.HANDLER_MEMORY_MIB,
            handler=f"{wire.HANDLER_MODULE}.{wire.HANDLER_FUNCTION}",
            # Inline (ZipFile): no file asset, so no bootstrap bucket is needed. Written at
            # synth, with the features the stack's instances asked for (see `require`).
            code=lambda_.Code.from_inline(Lazy.string(_InlineCode(self.features))),
            timeout=timeout,
            role=self.role,
            log_group=self.log_group,
        )
        # The function reads the role's ARN, which already orders it after the role and its
        # inline policy: the DependsOn that lambda.Function adds is redundant (cfn-lint W3005).
        cfn_function = self.function.node.default_child
        if isinstance(cfn_function, lambda_.CfnFunction):
            cfn_function.add_deletion_override("DependsOn")
        acknowledgements.acknowledge(
            self.function,
            acknowledgements.FUNCTION_RULES,
            cfn_function if isinstance(cfn_function, lambda_.CfnFunction) else None,
        )
        # Where the template's size can stop cdk deploy (checked at synth, after the tree).
        self.node.add_validation(TemplateSizeCheck(stack, self, self.features))

    def _let_cloudwatch_logs_use(self, key: kms.IKey) -> None:
        """CloudWatch Logs encrypts with the key only if the key policy lets it; LogGroup
        does not add that. Any log group of this account and Region: naming ours would
        make the key and the log group depend on each other."""
        stack = self._stack
        log_groups = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name="*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        principal = f"logs.{stack.region}.amazonaws.com"
        added = key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=LOGS_KEY_ACTIONS,
                principals=[iam.ServicePrincipal(principal)],
                resources=["*"],
                conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_groups}},
            )
        ).statement_added
        if not added:
            Annotations.of(self.log_group).add_warning_v2(
                KEY_POLICY_NOT_CHANGED,
                f"log_group_encryption_key {key.node.path} is imported, so its key policy "
                f"cannot be changed here: allow the service principal {principal} "
                f"{', '.join(LOGS_KEY_ACTIONS)} on it for the log groups of this account "
                "and Region, or CloudFormation fails to create the log group.",
            )

    def allow_requests(self) -> None:
        """Let the function call ses:PutAccountDetails (an instance that is not
        report-only)."""
        if not self._requests_allowed:
            self._requests_allowed = True
            self.allow(iam.PolicyStatement.from_json(REQUEST_STATEMENT))

    def allow_readiness(self, region: str) -> None:
        """Let the function read, in ``region``, the identities and configuration sets
        the readiness checks look at: only those resource types, of this account."""
        stack = self._stack
        if any(_same(stack, r, region) for r in self._readiness_regions):
            return
        self._readiness_regions.append(region)
        statements, findings = self._readiness_statements(region)
        self.allow(*(iam.PolicyStatement.from_json(s) for s in statements))
        acknowledgements.acknowledge(self.role, findings)

    def _readiness_statements(
        self, region: str
    ) -> tuple[list[dict[str, object]], dict[str, str]]:
        """The statements of `allow_readiness` (as JSON), and the cdk-nag findings they
        raise on the role (rule id -> reason)."""
        stack = self._stack
        statements: list[dict[str, object]] = []
        findings: dict[str, str] = {}
        for action, kind in RESOURCE_LEVEL_READS.items():
            resource = account_arn(stack, "ses", f"{kind}/*", region)
            statements.append({"Action": action, "Resource": resource})
            name = nag_name(stack, resource)
            if name is not None:
                findings[f"AwsSolutions-IAM5[Resource::{name}]"] = (
                    acknowledgements.SES_RESOURCE_READS
                )
        return statements, findings

    def require(self, feature: str) -> None:
        """Include an optional feature of the handler (``wire.FEATURES``) in its code."""
        self.features.add(feature)

    def allow(self, *statements: iam.PolicyStatement) -> None:
        """Add ``statements`` to the role's one inline policy (what a feature needs): no
        second policy resource, which a Delete could remove before the function's last run.
        A pre-created role (iam.Role.customize_roles) copied its inline policies when it
        was made: there the statement goes to the policy report through the role."""
        if self._role_precreated is None:
            # With iam.Role.customize_roles the role is pre-created: no resource in the
            # template, and acknowledge() then only records the reasons.
            self._role_precreated = self.role.node.default_child is None
        if self._role_precreated:
            for statement in statements:
                self.role.add_to_principal_policy(statement)
        else:
            self._policy.add_statements(*statements)

    def report_to(self, bus_arn: str) -> None:
        """Send the status event (feature NOTIFY) to the bus ``bus_arn``: the role may put
        events on that bus only, one statement per distinct bus."""
        self.require(wire.FEATURE_NOTIFY)
        resolved = self._stack.resolve(bus_arn)
        if resolved in self._status_buses:
            return
        self._status_buses.append(resolved)
        number = len(self._status_buses)
        self.allow(
            iam.PolicyStatement(
                sid="StatusBus" if number == 1 else f"StatusBus{number}",
                actions=["events:PutEvents"],
                resources=[bus_arn],
            )
        )
