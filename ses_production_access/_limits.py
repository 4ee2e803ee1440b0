"""Every limit and default of the construct, in one place.

The SES limits mirror botocore's model of PutAccountDetails (SES v2); the deploy-time
handler in ``lambda/index.py`` keeps its own copy, and a test keeps the two in step.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

WEBSITE_URL_MAX_LENGTH = 1000
USE_CASE_DESCRIPTION_MAX_LENGTH = 5000
CONTACT_ADDRESSES_MAX = 4
CONTACT_ADDRESS_MIN_LENGTH = 6
CONTACT_ADDRESS_MAX_LENGTH = 254

# The custom resource's Lambda function, shared by every instance in a stack.
HANDLER_RUNTIME = lambda_.Runtime.PYTHON_3_14
HANDLER_ARCHITECTURE = lambda_.Architecture.ARM_64
HANDLER_MEMORY_MIB = 128
DEFAULT_TIMEOUT = Duration.minutes(2)
MIN_TIMEOUT = Duration.seconds(10)
MAX_TIMEOUT = Duration.minutes(15)
DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR
# CloudFormation waits this much longer than the function may run (an asynchronous
# invocation can be queued briefly) before it fails the resource itself.
SERVICE_TIMEOUT_SLACK = Duration.minutes(2)

RESOURCE_TYPE = "Custom::SesProductionAccess"
