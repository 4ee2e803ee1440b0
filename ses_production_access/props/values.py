"""What users pass in: closed sets of values, spelled as the SES v2 API spells them, and
the use case as the AWS page asks for it. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, fields
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


class WhenNotReady(str, Enum):
    """What an account that is not ready for review gets (``when_not_ready``)."""

    SUBMIT = "SUBMIT"
    """Request production access anyway, and report the findings."""

    HOLD = "HOLD"
    """Send no request; the deployment succeeds and reports SANDBOX with the findings."""

    FAIL = "FAIL"
    """Send no request; the deployment fails with a reason listing the findings."""

# The AWS page's questions, in its order, by the UseCase field that answers each.
QUESTIONS = {
    "mailing_list": "How do you plan to build or acquire your mailing list?",
    "bounces_and_complaints": "How do you plan to handle bounces and complaints?",
    "opt_out": "How can recipients opt out of receiving email from you?",
    "sending_rate": (
        "How did you choose the sending rate or sending quota that you specified in this "
        "request?"
    ),
    "additional": "Anything else reviewers should know",
}


@dataclass(frozen=True)
class UseCase:
    """The use case description as the AWS page asks for it: four answers, and anything
    else. Rendered into ``UseCaseDescription`` with each question as a heading.

    :param mailing_list: How you build or acquire your mailing list.
    :param bounces_and_complaints: How you handle bounces and complaints.
    :param opt_out: How recipients opt out of receiving email from you.
    :param sending_rate: How you chose the sending rate or quota you ask for.
    :param additional: Anything else reviewers should know. Default: - nothing more.
    """

    mailing_list: str
    bounces_and_complaints: str
    opt_out: str
    sending_rate: str
    additional: str | None = None

    def render(self) -> str:
        """The description SES receives: each question, then its answer."""
        return "\n\n".join(
            f"{QUESTIONS[f.name]}\n{getattr(self, f.name).strip()}"
            for f in fields(self)
            if getattr(self, f.name) is not None
        )
