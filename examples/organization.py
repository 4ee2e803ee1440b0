#!/usr/bin/env python3
"""Example administrator app: SES production access in every account of two organisational
units, in two Regions, through a service-managed StackSet, with the status roll-up.

Deploy it in a delegated administrator account for CloudFormation StackSets (or, with
call_as=CallAs.SELF, in the management account). Synthesizes offline with no AWS
credentials (``python examples/organization.py``, into ``CDK_OUTDIR`` or cdk.out): the
stack is environment-agnostic.
"""

import aws_cdk as cdk

from ses_production_access import ContactLanguage, MailType, SesProductionAccessStackSet

app = cdk.App()
stack = cdk.Stack(app, "SesProductionAccessOrganization")

rollout = SesProductionAccessStackSet(
    stack,
    "SesProductionAccess",
    organizational_unit_ids=["ou-ab12-cdef3456", "ou-ab12-ghij7890"],
    regions=["eu-west-1", "us-east-1"],
    organization_id="o-abc123def4",
    mail_type=MailType.TRANSACTIONAL,
    website_url="https://example.com",
    use_case_description=(
        "Each account of the Example Corp organisation (o-abc123def4) runs one product "
        "team's service and sends its own transactional email: sign-up confirmations, "
        "password resets and receipts, only to customers who signed up on example.com. "
        "Bounces and complaints go to an SNS topic that suppresses the address; every "
        "message links to the account's notification settings. The accounts are enabled "
        "one at a time through a CloudFormation StackSet."
    ),
    additional_contact_email_addresses=["email-platform@example.com"],
    contact_language=ContactLanguage.EN,
    acknowledge_sending_policy=True,
)
cdk.CfnOutput(stack, "Dashboard", value=rollout.dashboard.dashboard_name)
# What `ses-production-access organization --log-group NAME` reads.
cdk.CfnOutput(stack, "StatusLogGroup", value=rollout.status_log_group.log_group_name)

app.synth()
