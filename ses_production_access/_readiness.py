"""Ready before asking: the AWS page's four questions as a structured use case, and what an
account that is not ready gets.

A DENIED review cannot be resubmitted through the API (AWS answers ConflictException; the
only way back is an appeal in the support case), so by default the request is held back
until the account shows what reviewers look at (see the README's finding codes).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum

import jsii
from aws_cdk import Aspects, CfnResource, IAspect, Stack
from constructs import IConstruct

from . import _limits, _validation
from ._tokens import is_unresolved


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


def check_use_case(use_case: object, use_case_description: object) -> str | None:
    """The rendered description of ``use_case`` (None if unset), after its checks."""
    if use_case is None:
        return None
    if not isinstance(use_case, UseCase):
        raise ValueError(
            f"use_case must be a UseCase, got {type(use_case).__name__}: write "
            "UseCase(mailing_list=..., bounces_and_complaints=..., opt_out=..., "
            "sending_rate=...)."
        )
    if use_case_description is not None:
        raise ValueError(
            "use_case and use_case_description are both set: give the four answers as "
            "use_case, or free text as use_case_description, not both."
        )
    for field in fields(use_case):
        answer = getattr(use_case, field.name)
        if answer is None and field.name == "additional":
            continue
        if not isinstance(answer, str) or (not is_unresolved(answer) and not answer.strip()):
            raise ValueError(
                f"use_case.{field.name} must be a non-empty answer to "
                f"{QUESTIONS[field.name]!r}, got {answer!r}."
            )
    rendered = use_case.render()
    limit = _limits.USE_CASE_DESCRIPTION_MAX_LENGTH
    if is_unresolved(rendered) or len(rendered) <= limit:
        return rendered
    longest = max(
        (f.name for f in fields(use_case) if getattr(use_case, f.name) is not None),
        key=lambda name: len(getattr(use_case, name)),
    )
    raise ValueError(
        f"use_case renders to {len(rendered)} characters with its questions; SES accepts "
        f"{limit}: shorten use_case.{longest} (the longest answer, "
        f"{len(getattr(use_case, longest))} characters) by {len(rendered) - limit} or more."
    )


def check_when_not_ready(value: object) -> str:
    if isinstance(value, WhenNotReady):
        return value.value
    known = {m.value for m in WhenNotReady}
    if isinstance(value, str) and (is_unresolved(value) or value in known):
        return value
    names = ", ".join(f"WhenNotReady.{m.name}" for m in WhenNotReady)
    raise ValueError(f"when_not_ready {value!r} is not a WhenNotReady: use one of {names}.")


# The resource type of each aws-cdk-lib L1 class (one with its own CFN_RESOURCE_TYPE_NAME),
# read once per process: every instance of it has that type, and each read is a round trip
# to the jsii kernel, for every resource of every stack.
_L1_TYPES: dict[type, str] = {}


def _resource_type(resource: CfnResource) -> str:
    kind = type(resource)
    if "CFN_RESOURCE_TYPE_NAME" not in vars(kind):  # a CfnResource of any type
        return resource.cfn_resource_type
    if kind not in _L1_TYPES:
        _L1_TYPES[kind] = resource.cfn_resource_type
    return _L1_TYPES[kind]


@jsii.implements(IAspect)
class _AfterSesResources:
    """Orders a custom resource after every SES resource of its stack (identities,
    configuration sets, event destinations), wherever they are defined, so that the
    readiness checks see what the same deployment creates.

    Added to the custom resource itself, it is called back once, at synth, and searches
    the stack then; an aspect of the stack would be called back (a round trip to the jsii
    kernel) for every construct in it."""

    def __init__(self, resource: CfnResource) -> None:
        self._resource = resource
        self._done = False

    def visit(self, node: IConstruct) -> None:
        # The resource is visited first (it has no children to visit after it).
        if self._done:
            return
        self._done = True
        stack = Stack.of(self._resource)
        for other in stack.node.find_all():
            if (
                isinstance(other, CfnResource)
                and _resource_type(other).startswith("AWS::SES::")
                and Stack.of(other) is stack
            ):
                self._resource.add_dependency(other)


def order_after_ses_resources(resource: CfnResource) -> None:
    Aspects.of(resource).add(_AfterSesResources(resource))


@dataclass(frozen=True)
class ReadinessProps:
    """The readiness props, checked: what the custom resource receives."""

    use_case_description: str | None  # rendered from use_case, or None
    when_not_ready: str
    report_only: bool


def check_readiness_props(
    use_case: object, use_case_description: object, when_not_ready: object, report_only: object
) -> ReadinessProps:
    """use_case, when_not_ready and report_only checked, as SesProductionAccess and
    SesProductionAccessStackSet take them."""
    return ReadinessProps(
        check_use_case(use_case, use_case_description),
        check_when_not_ready(when_not_ready),
        _validation.check_flag("report_only", report_only),
    )
