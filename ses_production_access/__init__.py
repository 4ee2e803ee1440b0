"""Leave the Amazon SES sandbox at ``cdk deploy`` and report where the account stands."""

from ._construct import SesProductionAccess
from ._organization import AccountFilterType, CallAs, ConcurrencyMode, RegionConcurrency
from ._readiness import UseCase, WhenNotReady
from ._stackset import SesProductionAccessStackSet
from ._template import plain_template
from ._types import ContactLanguage, MailType, SandboxStatus

__all__ = [
    "AccountFilterType",
    "CallAs",
    "ConcurrencyMode",
    "ContactLanguage",
    "MailType",
    "RegionConcurrency",
    "SandboxStatus",
    "SesProductionAccess",
    "SesProductionAccessStackSet",
    "UseCase",
    "WhenNotReady",
    "plain_template",
]
