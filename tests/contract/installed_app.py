"""A CDK app built from the installed ses_production_access package (run in isolated
mode by the contract tests, with CDK_OUTDIR set).

It differs from app.py where the deploy-time behaviour differs: the shortest timeout the
construct allows (so the watchdog and throttling scenarios run in seconds), a Region
other than the function's own, the other enum values, and fail_on_denied.
"""

import aws_cdk as cdk

from ses_production_access import ContactLanguage, MailType, SesProductionAccess

STACK_NAME = "SesProductionAccessInstalled"

app = cdk.App()
stack = cdk.Stack(app, STACK_NAME)
SesProductionAccess(
    stack,
    "SesProductionAccess",
    mail_type=MailType.MARKETING,
    website_url="https://shop.installed-example.net/about?ref=ses",
    use_case_description=(
        "Monthly newsletter for subscribers who opted in twice on shop.installed-example.net."
    ),
    additional_contact_email_addresses=[
        "deliverability@installed-example.net",
        "abuse@installed-example.net",
    ],
    contact_language=ContactLanguage.JA,
    region="us-east-1",
    fail_on_denied=True,
    refresh_on_deploy=False,
    timeout=cdk.Duration.seconds(10),
    acknowledge_sending_policy=True,
)
app.synth()
