"""ARNs of the account's own resources as the role's policy names them: one short
``Fn::Sub`` each (``arn:${AWS::Partition}:ses:${AWS::Region}:...``) rather than aws-cdk-lib's
``Fn::Join`` of six parts, which is three times the bytes of a template that must stay
within 51,200."""

from __future__ import annotations

import re
import weakref

from aws_cdk import Fn, Stack

from ..props.tokens import is_unresolved

_PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")

# Each call through jsii is a round trip to the Node.js process, paid by every stack of an
# account-vending app; what these three remember saves one each time.
# The pseudo parameter a token resolved to (Aws.REGION, Aws.ACCOUNT_ID: an
# environment-agnostic stack's region and account): the same in every stack.
_PSEUDO_TOKENS: dict[str, str] = {}
# A stack's account (set when the stack is made).
_ACCOUNTS: weakref.WeakKeyDictionary[Stack, str] = weakref.WeakKeyDictionary()
_REGIONS: weakref.WeakKeyDictionary[Stack, str] = weakref.WeakKeyDictionary()
# The Sub string of each ARN account_arn made, by stack, for nag_name.
_SUB_BODIES: weakref.WeakKeyDictionary[Stack, dict[str, str]] = weakref.WeakKeyDictionary()


def _part(stack: Stack, value: str, pseudo: str) -> str | None:
    """A Region or account as it goes into the Sub string: a literal, the pseudo
    parameter (``${AWS::Region}``), or None for another token (a parameter, say)."""
    if not is_unresolved(value):
        return value
    if value not in _PSEUDO_TOKENS:
        resolved = stack.resolve(value)
        if not (isinstance(resolved, dict) and resolved.keys() == {"Ref"}
                and resolved["Ref"] in _PSEUDO):  # fmt: skip
            return resolved if isinstance(resolved, str) else None
        _PSEUDO_TOKENS[value] = resolved["Ref"]
    return f"${{{pseudo}}}" if _PSEUDO_TOKENS[value] == pseudo else None


def stack_region(stack: Stack) -> str:
    """``stack.region``, read through jsii once per stack (a token when env-agnostic)."""
    if stack not in _REGIONS:
        _REGIONS[stack] = stack.region
    return _REGIONS[stack]


def account_arn(stack: Stack, service: str, resource: str, region: str | None = None) -> str:
    """``arn:PARTITION:service:REGION:ACCOUNT:resource`` in ``region`` (the stack's by
    default) of the stack's account; ``resource`` is written as given (``identity/*``,
    ``parameter/p/*``)."""
    region_part = _part(stack, stack_region(stack) if region is None else region, "AWS::Region")
    if stack not in _ACCOUNTS:
        _ACCOUNTS[stack] = stack.account
    account_part = _part(stack, _ACCOUNTS[stack], "AWS::AccountId")
    # A token in the resource (a parameter prefix, a nested stack's name) or a Region or
    # account only CloudFormation knows: Fn::Sub takes a plain string, so join instead.
    if region_part is None or account_part is None or is_unresolved(resource):
        return stack.format_arn(service=service, region=region, resource=resource)
    body = f"arn:${{AWS::Partition}}:{service}:{region_part}:{account_part}:{resource}"
    arn = Fn.sub(body)
    _SUB_BODIES.setdefault(stack, {})[arn] = body
    return arn


def nag_name(stack: Stack, arn: str) -> str | None:
    """``arn`` as a cdk-nag finding names it (pseudo parameters as ``<AWS::Name>``), or
    None for a form this does not name."""
    body = _SUB_BODIES.get(stack, {}).get(arn)
    resolved = {"Fn::Sub": body} if body is not None else stack.resolve(arn)
    if isinstance(resolved, str):
        return resolved
    if isinstance(resolved, dict) and isinstance(resolved.get("Fn::Sub"), str):
        body = resolved["Fn::Sub"]
        if any(v not in _PSEUDO for v in _VARIABLE.findall(body)):
            return None
        return _VARIABLE.sub(lambda m: f"<{m.group(1)}>", body)
    parts = resolved.get("Fn::Join", ["", [None]])[1] if isinstance(resolved, dict) else [None]
    named = [p if isinstance(p, str) else f"<{(p or {}).get('Ref')}>" for p in parts]
    return None if "<None>" in named else "".join(named)
