#!/usr/bin/env python3
"""Example app: one stack that takes its account out of the SES sandbox.

Synthesizes offline with no AWS credentials: the account and Region come from the
context (``-c account=... -c region=...``) or the CDK's default variables, and the
stack is environment-agnostic otherwise.
"""

import os

import aws_cdk as cdk

from ses_production_access import ContactLanguage, MailType, SesProductionAccess

app = cdk.App()
account = app.node.try_get_context("account") or os.environ.get("CDK_DEFAULT_ACCOUNT")
region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION")
env = cdk.Environment(account=account, region=region) if account or region else None

stack = cdk.Stack(app, "SesProductionAccessExample", env=env)

access = SesProductionAccess(
    stack,
    "SesProductionAccess",
    mail_type=MailType.TRANSACTIONAL,
    website_url="https://example.com",
    use_case_description=(
        "Password resets and receipts for customers who signed up on example.com. "
        "Bounces and complaints go to an SNS topic that suppresses the address; "
        "every message links to the account's notification settings."
    ),
    additional_contact_email_addresses=["ops@example.com"],
    contact_language=ContactLanguage.EN,
    acknowledge_sending_policy=True,
)

app.synth()
