"""``Token.is_unresolved`` without a round trip to the jsii kernel when the answer is
plain: every call through jsii is a message to the Node.js process (about a millisecond),
and synthesis checks many literal strings.

Standard library only: without aws-cdk-lib loaded no token can exist (only it makes
them), so the command line runs the prop checks without starting it."""

from __future__ import annotations

import functools
import sys

# aws-cdk-lib's own first test (core/lib/private/encoding.ts, `unresolved`): a string
# without this marker holds no string or list token.
ANY_TOKEN_MARKER = "Token["  # noqa: S105 (not a password)


def _token_is_unresolved(value: object) -> bool:
    cdk = sys.modules.get("aws_cdk")
    return cdk is not None and bool(cdk.Token.is_unresolved(value))


def is_unresolved(value: object) -> bool:
    """``Token.is_unresolved(value)``, False at once where aws-cdk-lib's answer is sure
    to be: for None, a string with no token marker, and a list that is not one such
    string (only a one-element list can be an encoded list token). A string's answer
    depends on the string alone, so it is asked of aws-cdk-lib once; a number or an
    object every time."""
    if isinstance(value, list | tuple):
        marked = len(value) == 1 and isinstance(value[0], str) and ANY_TOKEN_MARKER in value[0]
        return marked and _token_is_unresolved(value)
    if isinstance(value, str):
        # Asked (and remembered) only once aws-cdk-lib is loaded.
        loaded = "aws_cdk" in sys.modules
        return ANY_TOKEN_MARKER in value and loaded and _string_is_unresolved(value)
    return value is not None and _token_is_unresolved(value)


@functools.lru_cache(maxsize=1024)
def _string_is_unresolved(value: str) -> bool:
    return _token_is_unresolved(value)
