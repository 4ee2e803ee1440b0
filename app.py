#!/usr/bin/env python3
"""Example app: one stack that takes its account out of the SES sandbox.

Synthesizes offline with no AWS credentials: the account and Region come from the
context (``-c account=... -c region=...``) or the CDK's default variables, and the
stack is environment-agnostic otherwise.
"""

import os

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from ses_production_access import ContactLanguage, MailType, SesProductionAccess, UseCase

app = cdk.App()
account = app.node.try_get_context("account") or os.environ.get("CDK_DEFAULT_ACCOUNT")
region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION")
env = cdk.Environment(account=account, region=region) if account or region else None
# An existing SNS topic that hears when AWS decides (-c watch_topic_arn=arn:aws:sns:...),
# and its KMS key if it is encrypted with one (-c watch_topic_key_arn=arn:aws:kms:...).
topic_arn = app.node.try_get_context("watch_topic_arn")
topic_key_arn = app.node.try_get_context("watch_topic_key_arn")

# cdk deploy sends this stack's template through the CDK bootstrap bucket (the
# DefaultStackSynthesizer, what cdk init writes): run `cdk bootstrap` once per account and
# Region. Where nothing can be bootstrapped, see "Deploying where nothing is bootstrapped"
# in the README.
stack = cdk.Stack(app, "SesProductionAccessExample", env=env)
topic = sns.Topic.from_topic_arn(stack, "WatchTopic", topic_arn) if topic_arn else None
topic_key = kms.Key.from_key_arn(stack, "WatchTopicKey", topic_key_arn) if topic_key_arn else None

access = SesProductionAccess(
    stack,
    "SesProductionAccess",
    mail_type=MailType.TRANSACTIONAL,
    website_url="https://example.com",
    # The AWS page's four questions; when_not_ready defaults to WhenNotReady.HOLD: no
    # request until a verified identity and bounce and complaint handling are in place.
    use_case=UseCase(
        mailing_list="Customers who sign up on example.com; nobody else.",
        bounces_and_complaints="The suppression list and an SNS topic that we act on.",
        opt_out="Every message links to the account's notification settings.",
        sending_rate="Password resets and receipts: under 1,000 a day.",
    ),
    additional_contact_email_addresses=["ops@example.com"],
    contact_language=ContactLanguage.EN,
    acknowledge_sending_policy=True,
    # The watcher is on by default: hourly, it sends the request held back above once the
    # account is ready (no second deployment), keeps the state in an SSM parameter, and
    # tells a change to the default event bus and, if given, the topic.
    watch_topic=topic,
    watch_topic_master_key=topic_key,
)

app.synth()
