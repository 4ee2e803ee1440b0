"""ARNs of the account's own resources as the role's policy names them: one short
``Fn::Sub`` each (``arn:${AWS::Partition}:ses:${AWS::Region}:...``) rather than aws-cdk-lib's
``Fn::Join`` of six parts, which is three times the bytes of a template that must stay
within 51,200."""

from __future__ import annotations

import re

from aws_cdk import Fn, Stack, Token

_PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _part(stack: Stack, value: str, pseudo: str) -> str | None:
    """A Region or account as it goes into the Sub string: a literal, the pseudo
    parameter (``${AWS::Region}``), or None for another token (a parameter, say)."""
    resolved = stack.resolve(value)
    if isinstance(resolved, str):
        return resolved
    if resolved == {"Ref": pseudo}:
        return f"${{{pseudo}}}"
    return None


def account_arn(stack: Stack, service: str, resource: str, region: str | None = None) -> str:
    """``arn:PARTITION:service:REGION:ACCOUNT:resource`` in ``region`` (the stack's by
    default) of the stack's account; ``resource`` is written as given (``identity/*``,
    ``parameter/p/*``)."""
    region_part = _part(stack, stack.region if region is None else region, "AWS::Region")
    account_part = _part(stack, stack.account, "AWS::AccountId")
    # A token in the resource (a parameter prefix, a nested stack's name) or a Region or
    # account only CloudFormation knows: Fn::Sub takes a plain string, so join instead.
    if region_part is None or account_part is None or Token.is_unresolved(resource):
        return stack.format_arn(service=service, region=region, resource=resource)
    return Fn.sub(f"arn:${{AWS::Partition}}:{service}:{region_part}:{account_part}:{resource}")


def nag_name(stack: Stack, arn: str) -> str | None:
    """``arn`` as a cdk-nag finding names it (pseudo parameters as ``<AWS::Name>``), or
    None for a form this does not name."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, str):
        return resolved
    if isinstance(resolved, dict) and isinstance(resolved.get("Fn::Sub"), str):
        body: str = resolved["Fn::Sub"]
        if any(v not in _PSEUDO for v in _VARIABLE.findall(body)):
            return None
        return _VARIABLE.sub(lambda m: f"<{m.group(1)}>", body)
    parts = resolved.get("Fn::Join", ["", [None]])[1] if isinstance(resolved, dict) else [None]
    named = [p if isinstance(p, str) else f"<{(p or {}).get('Ref')}>" for p in parts]
    return None if "<None>" in named else "".join(named)
