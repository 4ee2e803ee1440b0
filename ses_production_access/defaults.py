"""Every default and CDK-side limit of the constructs, in one place.

The limits the handler shares (SES's, the hosts', the parameter prefix's) are in ``wire``.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from .compat import newest_runtime

# The custom resource's Lambda function, shared by every instance in a stack: the newest of
# these Pythons that the installed aws-cdk-lib offers (PYTHON_3_14 since 2.222, PYTHON_3_13
# in every supported release). The handler's tests run on the oldest and newest Python
# available.
HANDLER_RUNTIMES = ("PYTHON_3_14", "PYTHON_3_13")
HANDLER_RUNTIME = newest_runtime(HANDLER_RUNTIMES)
HANDLER_ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER_MEMORY_MIB = 128
DEFAULT_TIMEOUT = Duration.minutes(2)
MIN_TIMEOUT = Duration.seconds(10)
MAX_TIMEOUT = Duration.minutes(15)
DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# What aws-cdk-lib's LogGroup does by default: the logs outlive the stack.
DEFAULT_LOG_GROUP_REMOVAL_POLICY = RemovalPolicy.RETAIN
# CloudFormation waits this much longer than the function may run (an asynchronous
# invocation can be queued briefly) before it fails the resource itself.
SERVICE_TIMEOUT_SLACK = Duration.minutes(2)

RESOURCE_TYPE = "Custom::SesProductionAccess"

# The watcher (watch=True): a rate schedule in whole minutes; EventBridge's rate is at
# least a minute, and a review takes hours, so more often than every 5 minutes only costs.
DEFAULT_WATCH_INTERVAL = Duration.hours(1)
MIN_WATCH_INTERVAL = Duration.minutes(5)
MAX_WATCH_INTERVAL = Duration.days(1)
# The default parameter prefix is this, then the stack's name and "/".
WATCH_PARAMETER_PREFIX_ROOT = "/ses-production-access/"
# CloudFormation's limit for a template passed directly (TemplateBody): above it, a
# template must come from S3 (cdk deploy uses the bootstrap bucket).
TEMPLATE_BODY_MAX_BYTES = 51_200
