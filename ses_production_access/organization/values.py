"""The StackSet's closed sets of values, as CloudFormation spells them. Standard library only."""

from __future__ import annotations

from enum import Enum


class CallAs(str, Enum):
    """Whether the StackSet is administered from the organisation's management account or
    from a delegated administrator account (``CallAs`` of the StackSet)."""

    SELF = "SELF"
    """The administrator's stack is deployed in the organisation's management account."""

    DELEGATED_ADMIN = "DELEGATED_ADMIN"
    """The administrator's stack is deployed in an account registered as a delegated
    administrator for CloudFormation StackSets."""


class ConcurrencyMode(str, Enum):
    """How failures bear on the number of accounts deployed at once (``ConcurrencyMode``)."""

    SOFT_FAILURE_TOLERANCE = "SOFT_FAILURE_TOLERANCE"
    """Keep deploying at the maximum concurrency whatever the failures, until the failure
    tolerance is passed."""

    STRICT_FAILURE_TOLERANCE = "STRICT_FAILURE_TOLERANCE"
    """Lower the concurrency as accounts fail, so that failures never pass the failure
    tolerance plus one."""


class RegionConcurrency(str, Enum):
    """Whether the Regions are deployed one after the other or at once
    (``RegionConcurrencyType``)."""

    PARALLEL = "PARALLEL"
    """Every Region at once."""

    SEQUENTIAL = "SEQUENTIAL"
    """One Region after the other."""


class AccountFilterType(str, Enum):
    """How ``account_ids`` narrow the accounts of the organisational units
    (``AccountFilterType``; UNION is not offered: CloudFormation does not support it when
    it creates a StackSet resource)."""

    INTERSECTION = "INTERSECTION"
    """Only the listed accounts, of those in the organisational units."""

    DIFFERENCE = "DIFFERENCE"
    """Every account of the organisational units but the listed ones."""
