"""``Token.is_unresolved`` without a round trip to the jsii kernel when the answer is
plain: every call through jsii is a message to the Node.js process (about a millisecond),
and synthesis checks many literal strings."""

from __future__ import annotations

import functools

from aws_cdk import Token

# aws-cdk-lib's own first test (core/lib/private/encoding.ts, `unresolved`): a string
# without this marker holds no string or list token.
ANY_TOKEN_MARKER = "Token["  # noqa: S105 (not a password)


def is_unresolved(value: object) -> bool:
    """``Token.is_unresolved(value)``, False at once where aws-cdk-lib's answer is sure
    to be: for None, a string with no token marker, and a list that is not one such
    string (only a one-element list can be an encoded list token). A string's answer
    depends on the string alone, so it is asked of aws-cdk-lib once; a number or an
    object every time."""
    if isinstance(value, list | tuple):
        marked = len(value) == 1 and isinstance(value[0], str) and ANY_TOKEN_MARKER in value[0]
        return marked and Token.is_unresolved(value)
    if isinstance(value, str):
        return ANY_TOKEN_MARKER in value and _string_is_unresolved(value)
    return value is not None and Token.is_unresolved(value)


@functools.lru_cache(maxsize=1024)
def _string_is_unresolved(value: str) -> bool:
    return Token.is_unresolved(value)
