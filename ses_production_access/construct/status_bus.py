"""The central event bus a stack reports its status to (the organisation roll-up).

``status_bus`` is an ``events.IEventBus`` or an event bus ARN. The handler sends one
event to it after every Create and Update, in the bus's own Region, so the ARN must name
the Region and the account: a bus name alone would mean the function's own Region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: importing them costs every first synthesis
    from aws_cdk import aws_events as events

from ..props.checks import shown
from ..props.tokens import is_unresolved
from ..wire import EVENT_BUS_ARN_PATTERN

EXAMPLE_ARN = "arn:aws:events:us-east-1:111111111111:event-bus/ses-production-access"


def _is_event_bus(value: object) -> bool:
    # events.IEventBus is a jsii interface, not usable with isinstance (an imported bus
    # is a dynamic proxy): look for what the construct uses.
    return all(hasattr(value, name) for name in ("event_bus_arn", "event_bus_name", "node"))


def check_status_bus(value: object) -> str | None:
    """The bus ARN to write (None if unset); a token is written through for the handler to
    check at deploy time."""
    if value is None:
        return None
    if isinstance(value, str):
        arn = value
    elif _is_event_bus(value):
        bus: events.IEventBus = value  # type: ignore[assignment]
        arn = bus.event_bus_arn
    else:
        raise ValueError(
            f"status_bus must be an events.IEventBus or an event bus ARN, got "
            f"{type(value).__name__} {shown(value)}: give the roll-up's bus "
            "(SesProductionAccessStackSet's status_bus) or its ARN, such as "
            f"{EXAMPLE_ARN!r}."
        )
    if is_unresolved(arn):
        return arn
    if not EVENT_BUS_ARN_PATTERN.fullmatch(arn):
        raise ValueError(
            f"status_bus {shown(arn)} is not an event bus ARN: give the full ARN, "
            f"arn:aws:events:REGION:ACCOUNT:event-bus/NAME (such as {EXAMPLE_ARN!r}); the "
            "handler sends to the bus in the Region and account it names, so a bare name "
            "is not enough."
        )
    return arn
