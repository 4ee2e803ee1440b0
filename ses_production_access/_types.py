"""Closed sets of values, spelled as the SES v2 API spells them."""

from __future__ import annotations

from enum import Enum


class MailType(str, Enum):
    """The kind of email the account mostly sends (``MailType`` of PutAccountDetails)."""

    MARKETING = "MARKETING"
    """One-to-many, promotional content. The AWS page's ``PROMOTIONAL`` means this."""

    TRANSACTIONAL = "TRANSACTIONAL"
    """One-to-one, triggered by a user action (a purchase, a password reset)."""


class ContactLanguage(str, Enum):
    """The language AWS uses to write to the account's contacts (``ContactLanguage``)."""

    EN = "EN"
    """English."""

    JA = "JA"
    """Japanese. The AWS page's ``JP`` means this."""


class SandboxStatus(str, Enum):
    """Where the account stands in one Region, as reported by the ``sandbox_status`` attribute."""

    PRODUCTION = "PRODUCTION"
    """Production access is enabled: the account may send to any recipient."""

    PENDING_REVIEW = "PENDING_REVIEW"
    """A request is under review; AWS answers within about 24 hours."""

    DENIED = "DENIED"
    """AWS denied the request; appeal in the support case (``case_id``)."""

    SANDBOX = "SANDBOX"
    """Still in the sandbox with no open review (e.g. the request could not be sent)."""
