"""Leave the Amazon SES sandbox at ``cdk deploy`` and report where the account stands."""

from ._construct import SesProductionAccess
from ._template import plain_template
from ._types import ContactLanguage, MailType, SandboxStatus

__all__ = ["ContactLanguage", "MailType", "SandboxStatus", "SesProductionAccess", "plain_template"]
