"""The stacks and instances the construct tests build: one place for the props every
instance needs, so that a test names only what it is about."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from ses_production_access import MailType, SesProductionAccess

ACCOUNT = "123456789012"
REGION = "eu-west-1"
# What SesProductionAccess requires; a test passes its own value to override one.
REQUIRED_PROPS: dict[str, Any] = {
    "mail_type": MailType.TRANSACTIONAL,
    "website_url": "https://example.com",
    "acknowledge_sending_policy": True,
}


def make_stack(app: cdk.App | None = None, region: str | None = REGION) -> cdk.Stack:
    """A stack in `region` of a fixed account; `region=None` makes it environment-agnostic."""
    env = cdk.Environment(account=ACCOUNT, region=region) if region else None
    return cdk.Stack(app or cdk.App(), "Stack", env=env)


def add(stack: cdk.Stack | None = None, id: str = "Access", **props: Any) -> SesProductionAccess:
    """An instance with the required props, in `stack` (a new one if not given)."""
    return SesProductionAccess(stack or make_stack(), id, **{**REQUIRED_PROPS, **props})
