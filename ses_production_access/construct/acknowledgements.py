"""cdk-nag findings on the shared handler that are inherent to the design, acknowledged
with their reason so that users need no suppression of their own.

Written through aws-cdk-lib's ``Validations`` (read by cdk-nag 3.x, no cdk-nag install
needed), which keeps them out of the template: it must stay within the 51,200 bytes of a
template passed directly. cdk-nag 2.x, which read ``cdk_nag`` resource metadata instead,
gets none (docs/iam-and-security.md lists the suppressions it needs). checkov's skips go in the
template (``Metadata.checkov.skip``), the only place checkov reads. aws-cdk-lib releases
before ``Acknowledgment`` have nowhere to write them (see ``compat.acknowledge``).
"""

from __future__ import annotations

from aws_cdk import CfnResource
from constructs import IConstruct

from .. import compat

SES_WILDCARD = (
    "ses:GetAccount, ses:PutAccountDetails, ses:ListEmailIdentities, "
    "ses:ListConfigurationSets and ses:GetIdentityNotificationAttributes have no resource "
    "type (Service Authorization Reference): IAM only accepts Resource '*'."
)
SES_RESOURCE_READS = (
    "The readiness checks (GetEmailIdentity and the like) read every identity and "
    "configuration set of the Region: scoped to those resource types."
)
NO_DLQ = (
    "The function answers each custom resource event itself (its response PUT to "
    "CloudFormation); a lost event is covered by the custom resource's ServiceTimeout and "
    "the handler's watchdog, and nothing would read a dead-letter queue."
)
NO_TRACING = (
    "X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords on Resource "
    "'*', which the role's least privilege forbids; the function logs each event instead."
)
INLINE_POLICY = (
    "The inline policy is scoped to this one role and these actions; a managed policy "
    "could be attached to other principals."
)
NO_RESERVED_CONCURRENCY = (
    "New accounts have a Lambda concurrency quota of 10: reserving any concurrency fails "
    "the deployment there. The function runs once per deployment."
)
NO_VPC = (
    "SES and CloudFormation's response URL are public endpoints; in a VPC the function "
    "would need a NAT gateway or endpoints and no private resource is reached."
)
LOG_SERVICE_ENCRYPTION = (
    "CloudWatch Logs encrypts log data at rest with service-managed keys; the logs carry no "
    "sensitive value. Give log_group_encryption_key for a customer-managed KMS key."
)

# checkov's rules: their skips go in the template (Metadata.checkov.skip), which must stay
# within 51,200 bytes, so their reasons are short; the long ones above say more.
CHECKOV = "CKV_"
CHECKOV_NO_RESERVED_CONCURRENCY = "Reserving concurrency fails in new accounts (quota 10)"
CHECKOV_NO_DLQ = "Answers CloudFormation itself; ServiceTimeout covers a lost event"
CHECKOV_NO_VPC = "SES is a public endpoint; a VPC would need NAT"
CHECKOV_LOG_ENCRYPTION = "No log_group_encryption_key given; logs hold no secret"

# Rule id -> reason, by the construct the rule reports; "[...]" names one finding of a
# rule that reports several.
ROLE_RULES = {
    "AwsSolutions-IAM5[Resource::*]": SES_WILDCARD,
    "Serverless-LambdaStarPermissions": SES_WILDCARD,
    "NIST.800.53.R5-IAMNoInlinePolicy": INLINE_POLICY,
}
FUNCTION_RULES = {
    "Serverless-LambdaDLQ": NO_DLQ,
    "NIST.800.53.R5-LambdaDLQ": NO_DLQ,
    "Serverless-LambdaTracing": NO_TRACING,
    "NIST.800.53.R5-LambdaConcurrency": NO_RESERVED_CONCURRENCY,
    "NIST.800.53.R5-LambdaInsideVPC": NO_VPC,
    "CKV_AWS_115": CHECKOV_NO_RESERVED_CONCURRENCY,
    "CKV_AWS_116": CHECKOV_NO_DLQ,
    "CKV_AWS_117": CHECKOV_NO_VPC,
}
UNENCRYPTED_LOG_GROUP_RULES = {
    "NIST.800.53.R5-CloudWatchLogGroupEncrypted": LOG_SERVICE_ENCRYPTION,
    "CKV_AWS_158": CHECKOV_LOG_ENCRYPTION,
}


def acknowledge(
    construct: IConstruct, rules: dict[str, str], new_resource: CfnResource | None = None
) -> None:
    """Acknowledge ``rules`` (id, optionally with ``[finding]``, -> reason) on
    ``construct``; skip checkov's (``CKV_...``) on its CloudFormation resource:
    ``new_resource`` when the caller has just made it (no read of it, and no skips yet to
    keep), else the construct's default child.

    In one ``acknowledge`` call and only the reads needed: each call through jsii is a
    round trip to the Node.js process, paid by every stack of an account-vending app."""
    compat.acknowledge(
        construct, {rule: reason for rule, reason in rules.items() if not rule.startswith(CHECKOV)}
    )
    skips = {rule: comment for rule, comment in rules.items() if rule.startswith(CHECKOV)}
    if not skips:
        return
    if new_resource is not None:
        _skip_checkov(new_resource, skips, fresh=True)
        return
    child = construct.node.default_child
    if isinstance(child, CfnResource):
        _skip_checkov(child, skips)


def _skip_checkov(resource: CfnResource, rules: dict[str, str], fresh: bool = False) -> None:
    metadata = None if fresh else resource.get_metadata("checkov")
    skips = list(metadata.get("skip", [])) if metadata else []
    skips += [{"id": rule, "comment": comment} for rule, comment in rules.items()]
    resource.add_metadata("checkov", {"skip": skips})
