"""Leave the Amazon SES sandbox at ``cdk deploy`` and report where the account stands.

The names below are the public API; every module of the subpackages is internal. They are
imported on first use (PEP 562, https://peps.python.org/pep-0562/), so that
``import ses_production_access`` and the ``ses-production-access`` command never start
aws-cdk-lib's jsii runtime unless a construct is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs only
    from .construct.access import SesProductionAccess
    from .organization.stackset import SesProductionAccessStackSet
    from .organization.values import AccountFilterType, CallAs, ConcurrencyMode, RegionConcurrency
    from .props.values import ContactLanguage, MailType, SandboxStatus, UseCase, WhenNotReady
    from .templates.plain import plain_template

# Public name -> the module (relative to this package) that defines it.
_HOMES = {
    "AccountFilterType": "organization.values",
    "CallAs": "organization.values",
    "ConcurrencyMode": "organization.values",
    "ContactLanguage": "props.values",
    "MailType": "props.values",
    "RegionConcurrency": "organization.values",
    "SandboxStatus": "props.values",
    "SesProductionAccess": "construct.access",
    "SesProductionAccessStackSet": "organization.stackset",
    "UseCase": "props.values",
    "WhenNotReady": "props.values",
    "plain_template": "templates.plain",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once: later lookups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
