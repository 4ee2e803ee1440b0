"""Every limit and default of the construct, in one place.

The SES limits mirror botocore's model of PutAccountDetails (SES v2); the deploy-time
handler in ``lambda/index.py`` keeps its own copy, and a test keeps the two in step.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from ._compat import newest_runtime

WEBSITE_URL_MAX_LENGTH = 1000
USE_CASE_DESCRIPTION_MAX_LENGTH = 5000
CONTACT_ADDRESSES_MAX = 4
CONTACT_ADDRESS_MIN_LENGTH = 6
CONTACT_ADDRESS_MAX_LENGTH = 254
# RFC 5321: a local part (before the "@") of at most 64 octets.
CONTACT_LOCAL_PART_MAX_LENGTH = 64

# Host names of the website and of the contacts' domains (RFC 1035), and URL ports.
HOST_NAME_MAX_LENGTH = 253
HOST_LABEL_MAX_LENGTH = 63
PORT_MIN = 1
PORT_MAX = 65535
# Names that never resolve on the public internet, so a reviewer could never open them
# (RFC 2606, 6761, 6762, 7686, 8375; ICANN's .internal).
LOCAL_TOP_LEVEL_DOMAINS = (
    "localhost", "local", "localdomain", "internal", "invalid", "test", "example", "onion",
)
LOCAL_DOMAIN_SUFFIXES = (".home.arpa",)

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
# SSM parameter names: at most 15 levels (the Region's name is the last one) and 1011
# characters; the handler accepts a prefix of at most 901 (its own check).
WATCH_PARAMETER_MAX_LEVELS = 15
WATCH_PARAMETER_PREFIX_MAX_LENGTH = 901
# CloudFormation's limit for a template passed directly (TemplateBody): above it, a
# template must come from S3 (cdk deploy uses the bootstrap bucket).
TEMPLATE_BODY_MAX_BYTES = 51_200
