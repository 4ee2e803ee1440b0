#!/usr/bin/env python3
"""Integration test against a real AWS account, kept as a snapshot that runs offline.

The stack deploys SesProductionAccess in report-only mode (it never files a request: its role
may not even call ses:PutAccountDetails), and an assertion of its own calls SES v2 GetAccount
and checks that what the construct reports is what SES says.

Offline (``make test``): integ-runner synthesizes this app and compares it with the committed
snapshot, with no credentials. For real (see CONTRIBUTING.md): ``npx integ-runner --directory
tests/integ --language python --update-on-failed --profiles PROFILE``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import integ_tests_alpha as integ

from ses_production_access import MailType, SesProductionAccess

STACK = "SesProductionAccessInteg"


class JsonExpectation(integ.ExpectedResult):
    """An expected result written as the assertion handler reads it (JSON, where the
    construct's attributes stand unquoted as the booleans and numbers SES returns):
    ExpectedResult.object_like would quote them as strings."""

    def __init__(self, result: str) -> None:
        super().__init__()
        self._result = result

    @property
    def result(self) -> str:
        return self._result

    @result.setter
    def result(self, value: str) -> None:
        self._result = value


app = cdk.App(
    # The snapshot stays the same from one synthesis to the next.
    stack_traces=False,
    # The assertion stack reads the construct's attributes through exports: a test stack
    # deployed and destroyed as one, where an export cannot block an update.
    context={"@aws-cdk/core:defaultCrossStackReferences": "strong"},
)
stack = cdk.Stack(app, STACK)
access = SesProductionAccess(
    stack,
    "SesProductionAccess",
    mail_type=MailType.TRANSACTIONAL,
    website_url="https://example.com",
    acknowledge_sending_policy=True,
    report_only=True,
    # A stable snapshot: a fresh stack reads the state on Create anyway.
    refresh_on_deploy=False,
)

test = integ.IntegTest(
    app,
    "SesProductionAccessIntegTest",
    test_cases=[stack],
    # Report-only changes nothing in SES: there is nothing to undo, and no replacement.
    stack_update_workflow=False,
)
get_account = test.assertions.aws_api_call("SESV2", "getAccount")
# The custom resource answers before the assertion reads SES.
get_account.node.add_dependency(access)
get_account.expect(
    JsonExpectation(
        cdk.Fn.join(
            "",
            [
                '{"$ObjectLike":{"ProductionAccessEnabled":',
                access.production_access_enabled,
                ',"SendingEnabled":',
                access.sending_enabled,
                ',"EnforcementStatus":"',
                access.enforcement_status,
                '","SendQuota":{"$ObjectLike":{"Max24HourSend":',
                access.max_24_hour_send,
                ',"MaxSendRate":',
                access.max_send_rate,
                "}}}}",
            ],
        )
    )
)

app.synth()
