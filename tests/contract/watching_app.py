"""A CDK app with the watcher on (run by the contract tests with CDK_OUTDIR set): the
template whose schedule the watcher's contract tests take their input from.

Environment-agnostic like app.py; the topic is imported by an ARN in the stack's own
account and Region, the one the tests create in moto's SNS, and the status bus (the
organisation roll-up's) is in us-east-1 of the same account, as the tests create it.
"""

import aws_cdk as cdk
from aws_cdk import aws_sns as sns

from ses_production_access import MailType, SesProductionAccess

STACK_NAME = "SesProductionAccessWatching"
TOPIC_NAME = "ses-decisions"
STATUS_BUS_REGION = "us-east-1"
STATUS_BUS_NAME = "ses-status"

app = cdk.App()
stack = cdk.Stack(app, STACK_NAME)
decisions = sns.Topic.from_topic_arn(
    stack,
    "Decisions",
    f"arn:{cdk.Aws.PARTITION}:sns:{cdk.Aws.REGION}:{cdk.Aws.ACCOUNT_ID}:{TOPIC_NAME}",
)
SesProductionAccess(
    stack,
    "SesProductionAccess",
    mail_type=MailType.TRANSACTIONAL,
    website_url="https://www.watching-example.org",
    acknowledge_sending_policy=True,
    watch=True,
    watch_topic=decisions,
    status_bus=(
        f"arn:{cdk.Aws.PARTITION}:events:{STATUS_BUS_REGION}:{cdk.Aws.ACCOUNT_ID}:"
        f"event-bus/{STATUS_BUS_NAME}"
    ),
)
app.synth()
