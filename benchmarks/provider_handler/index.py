"""A minimal ``custom_resources.Provider`` on_event handler doing the construct's job.

What a user would write in a few lines: read the account (SES v2 GetAccount), request
production access (PutAccountDetails) when the account is in the sandbox with no review open
or denied, read it again, and return the state as the resource's attributes. The Provider
framework answers CloudFormation, so there is no response PUT here. Unlike the construct's
handler it has no property validation, no bounded retries, no watchdog and no redaction.
"""

from __future__ import annotations

from typing import Any

import boto3

DETAIL_KEYS = (
    "MailType",
    "WebsiteURL",
    "ContactLanguage",
    "UseCaseDescription",
    "AdditionalContactEmailAddresses",
)


def _data(account: dict[str, Any]) -> dict[str, str]:
    review = (account.get("Details") or {}).get("ReviewDetails") or {}
    quota = account.get("SendQuota") or {}
    production = bool(account.get("ProductionAccessEnabled"))
    status = review.get("Status", "NONE")
    sandbox = (
        "PRODUCTION"
        if production
        else {"PENDING": "PENDING_REVIEW", "DENIED": "DENIED"}.get(status, "SANDBOX")
    )
    return {
        "SandboxStatus": sandbox,
        "ProductionAccessEnabled": str(production).lower(),
        "ReviewStatus": status,
        "CaseId": review.get("CaseId", "NONE"),
        "MaxSendRate": str(quota.get("MaxSendRate", "NONE")),
        "Max24HourSend": str(quota.get("Max24HourSend", "NONE")),
        "SendingEnabled": str(account.get("SendingEnabled", "NONE")).lower(),
        "EnforcementStatus": account.get("EnforcementStatus", "NONE"),
    }


def on_event(event: dict[str, Any], context: Any) -> dict[str, Any]:
    props = event["ResourceProperties"]
    physical_id = f"ses-production-access-{props['Region']}"
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": event.get("PhysicalResourceId", physical_id)}
    ses = boto3.client("sesv2", region_name=props["Region"])
    account = ses.get_account()
    review = (account.get("Details") or {}).get("ReviewDetails") or {}
    if not account.get("ProductionAccessEnabled") and review.get("Status") not in (
        "PENDING",
        "DENIED",
    ):
        details = {key: props[key] for key in DETAIL_KEYS if key in props}
        ses.put_account_details(ProductionAccessEnabled=True, **details)
        account = ses.get_account()
    return {"PhysicalResourceId": physical_id, "Data": _data(account)}
