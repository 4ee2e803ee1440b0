"""A template as the CDK CLI sends it in ``TemplateBody``: YAML, measured in characters.

A stack whose synthesizer has no template asset (``LegacyStackSynthesizer``,
``BootstraplessSynthesizer``) is deployed by ``cdk deploy`` with ``TemplateBody`` when the
template, serialised to YAML, has at most 50 x 1,024 characters; above that the CLI needs a
bootstrapped environment (aws-cdk-cli, ``toolkit-lib/lib/api/cloudformation/
template-body-parameter.ts``, ``makeBodyParameter``). Its YAML is the ``yaml`` package's
``stringify(template, {schema: "yaml-1.1", lineWidth: 0})`` (``toolkit-lib/lib/util/
yaml-cfn.ts``). This writes the same text for what a CloudFormation template holds (objects,
lists, strings, numbers, booleans); ``tests/ecosystem/test_cdk_cli.py`` holds it to the
pinned CLI's own ``makeBodyParameter``.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Where the CLI stops sending TemplateBody (LARGE_TEMPLATE_SIZE_KB = 50).
CLI_TEMPLATE_BODY_MAX_CHARACTERS = 50 * 1024

# A plain scalar may not take these forms (yaml's stringifyString, plainString).
_NOT_PLAIN = re.compile(
    r"^[\n\t ,\[\]{}#&*!|>'\"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$"
)
# Strings the yaml-1.1 schema would read as another type: they are quoted.
_OTHER_TYPES = [
    re.compile(pattern)
    for pattern in (
        r"^(?:~|[Nn]ull|NULL)?$",
        r"^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$",
        r"^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$",
        r"^[-+]?0b[0-1_]+$",
        r"^[-+]?0[0-7_]+$",
        r"^[-+]?[0-9][0-9_]*$",
        r"^[-+]?0x[0-9a-fA-F_]+$",
        r"^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
        r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$",
        r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$",
        r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$",
        r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$",
        r"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
        r"(?:(?:t|T|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]+)?"
        r"(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9][0-9])?))?)?$",
    )
]
# Control characters and lone surrogates: always double-quoted.
_DOUBLE_QUOTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ESCAPES = {
    "\\": "\\\\", '"': '\\"', "\0": "\\0", "\a": "\\a", "\b": "\\b", "\x1b": "\\e",
    "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\x85": "\\N",
    "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P",
}  # fmt: skip


def cli_yaml(template: object) -> str:
    """``template`` as the CDK CLI serialises it for ``TemplateBody``."""
    return _node(template, "", top=True) + "\n"


def cli_characters(template: object) -> int:
    """The length the CLI compares with its limit: a JavaScript string's, in UTF-16 code
    units (a character outside the Basic Multilingual Plane counts twice)."""
    return len(cli_yaml(template).encode("utf-16-le")) // 2


def _node(value: object, indent: str, top: bool = False) -> str:
    """A value after "key:" or "- " (block collections start on their own line)."""
    if isinstance(value, dict) and value:
        return ("" if top else "\n") + _mapping(value, indent)
    if isinstance(value, list) and value:
        return ("" if top else "\n") + _sequence(value, indent)
    return ("" if top else " ") + _scalar(value, indent)


def _mapping(value: dict[str, Any], indent: str) -> str:
    lines = []
    for key, item in value.items():
        child = indent + "  "
        lines.append(f"{indent}{_scalar(key, indent, key=True)}:{_node(item, child)}")
    return "\n".join(lines)


def _sequence(value: list[Any], indent: str) -> str:
    lines = []
    for item in value:
        child = indent + "  "
        if isinstance(item, dict) and item:
            body = _mapping(item, child)
            lines.append(f"{indent}- {body[len(child):]}")
        elif isinstance(item, list) and item:
            body = _sequence(item, child)
            lines.append(f"{indent}- {body[len(child):]}")
        else:
            lines.append(f"{indent}- {_scalar(item, child)}")
    return "\n".join(lines)


def _scalar(value: object, indent: str, key: bool = False) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if _DOUBLE_QUOTED.search(text):
        return _quoted(text, double=True)
    if "\n" in text:  # a key on one line; a value as a block
        return _quoted(text) if key else _block(text, indent)
    if _NOT_PLAIN.search(text) or text == "":
        return _quoted(text)
    if any(p.search(text) for p in _OTHER_TYPES):
        return _quoted(text)
    return text


def _quoted(text: str, double: bool = False) -> str:
    if not double and '"' in text and "'" not in text:
        return "'" + text + "'"
    escaped = "".join(
        _ESCAPES.get(c, f"\\x{ord(c):02x}" if ord(c) < 0x20 else c) for c in text
    )
    return f'"{escaped}"'


def _block(text: str, indent: str) -> str:
    """A literal block scalar (``|``), its lines at ``indent``."""
    if re.search(r"\n[\t ]+$", text) or not text.strip():
        return _quoted(text)
    stripped = text.rstrip("\n\t ")
    end = text[len(stripped) :]
    newline = end.find("\n")
    chomp = "-" if newline == -1 else ("+" if newline != len(end) - 1 else "")
    if end:
        end = end[:-1] if end.endswith("\n") else end
        end = re.sub(r"\n+(?!\n|$)", lambda m: m.group(0) + indent, end)
    body = stripped
    header = "|" + ("2" if body.startswith(" ") else "") + chomp
    body = re.sub(r"\n+", lambda m: m.group(0) + indent, body)
    return f"{header}\n{indent}{body}{end}"
