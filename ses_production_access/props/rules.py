"""What a website URL, a host name and a contact address must be, as pure functions.

The deploy-time handler (``lambda/index.py``) applies the same rules to the same values;
``tests/events/validation_cases.json`` holds the cases both sides are tested against.
Every pattern is matched whole (``re.fullmatch``: ``$`` would let a trailing newline through).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit

from .. import wire

# The patterns the handler shares (wire), under the names the checks use.
REGION_PATTERN = wire.REGION_PATTERN
LOCAL_PART_PATTERN = wire.LOCAL_PART_PATTERN
LABEL_PATTERN = wire.LABEL_PATTERN
INVISIBLE_CATEGORIES = frozenset(wire.INVISIBLE_CATEGORIES)
_PORT_PATTERN = re.compile(r"[0-9]+")
_PREFIX_CHARACTERS = re.compile(r"[A-Za-z0-9_.\-/]*")
# Rules only the library applies (the handler's are shorter: template bytes).
HOST_LABEL_MAX_LENGTH = 63
PORT_MIN = 1
PORT_MAX = 65535
# SSM parameter names: at most 15 levels (the Region's name is the last one).
WATCH_PARAMETER_MAX_LEVELS = 15
_EXAMPLE_ADDRESS = "give addresses such as 'ops@example.com'"


class Problem(NamedTuple):
    """Why a value is refused, and what to do instead."""

    reason: str
    fix: str


class HostProblem(NamedTuple):
    """Why a DNS name is refused; ``local`` when it is well formed but never public."""

    detail: str
    local: bool = False


def invisible_character(text: str) -> str | None:
    """'character N is U+XXXX (NAME)' for the first white space or invisible character."""
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) in INVISIBLE_CATEGORIES:
            name = unicodedata.name(character, "")
            shown = f" {name}" if name else ""
            return f"character {position} is U+{ord(character):04X}{shown}"
    return None


# In free text (the use case): a line break and a tab are text; any other control character
# or a lone surrogate is not, and a UTF-8 encoder (boto3's JSON body) refuses a surrogate.
TEXT_CONTROLS_ALLOWED = ("\n", "\t")


def text_character_problem(text: str) -> str | None:
    """'character N is U+XXXX (NAME)' for the first control character (but a line break or
    a tab) or lone surrogate of free text, else None."""
    for position, character in enumerate(text, start=1):
        if character in TEXT_CONTROLS_ALLOWED:
            continue
        if unicodedata.category(character) in ("Cc", "Cs"):
            name = unicodedata.name(character, "")
            shown = f" {name}" if name else ""
            return f"character {position} is U+{ord(character):04X}{shown}"
    return None


def host_name_problem(host: str) -> HostProblem | None:
    """Why ``host`` is not a public DNS name a reviewer or a mail server could reach."""
    try:
        name = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return HostProblem("it cannot be converted to an ASCII (IDNA) name")
    if name.endswith("."):
        return HostProblem("it ends with a dot")
    if len(name) > wire.HOST_NAME_MAX_LENGTH:
        return HostProblem(f"it is longer than {wire.HOST_NAME_MAX_LENGTH} characters")
    labels = name.split(".")
    if "" in labels:
        return HostProblem("it has an empty label: a dot at the start or two dots in a row")
    lowered = name.lower()
    last = labels[-1].lower()
    if (
        lowered == "localhost"
        or last in wire.LOCAL_TOP_LEVEL_DOMAINS
        or lowered.endswith(wire.LOCAL_DOMAIN_SUFFIXES)
    ):
        return HostProblem("it only resolves inside a network", local=True)
    if len(labels) < 2:
        return HostProblem("it has a single label; a public name has a dot, as in example.com")
    for label in labels:
        if len(label) > HOST_LABEL_MAX_LENGTH:
            return HostProblem(
                f"label {label[:20]!r}... is longer than {HOST_LABEL_MAX_LENGTH} "
                "characters"
            )
        if not LABEL_PATTERN.fullmatch(label):
            return HostProblem(
                f"label {label!r} holds a character other than letters, digits and '-', "
                "or starts or ends with '-'"
            )
    if last.isdigit():
        return HostProblem(f"its last label {labels[-1]!r} is all digits")
    return None


def _split_host_and_port(netloc: str) -> tuple[str, str | None, bool]:
    """(host, port text or None, bracketed) of a netloc without userinfo."""
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = netloc[1:end], netloc[end + 1 :]
        bracketed = True
    else:
        host, colon, port = netloc.partition(":")
        rest = colon + port
        bracketed = False
    if not rest:
        return host, None, bracketed
    return host, rest[1:] if rest.startswith(":") else rest, bracketed


def _address_problem(text: str, bracketed: bool) -> tuple[bool, str | None]:
    """(is an IP literal, why it is refused) for a URL's host."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = (
            ipaddress.IPv6Address(text) if bracketed else ipaddress.IPv4Address(text)
        )
    except ValueError:
        return bracketed, ("is not an IPv6 address" if bracketed else None)
    if not address.is_global:
        return True, "is not a public address (loopback, private, link-local or reserved)"
    return True, None


def website_url_problem(url: str) -> Problem | None:
    """Why SES should not be sent ``url`` as the website, or None."""
    absolute = Problem(
        "is not an absolute http(s) URL",
        "give the full address of your website, such as 'https://example.com'",
    )
    if not url:
        return absolute
    if len(url) > wire.WEBSITE_URL_MAX_LENGTH:
        return Problem(
            f"is longer than SES accepts ({wire.WEBSITE_URL_MAX_LENGTH} characters)",
            "give a shorter URL",
        )
    invisible = invisible_character(url)
    if invisible:
        return Problem(
            f"holds a white space or invisible character ({invisible})",
            "remove it; it often comes with a URL copied from a document",
        )
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return Problem(f"cannot be read as a URL ({error})", absolute.fix)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return absolute
    if "@" in parts.netloc:
        return Problem(
            "holds a user name or password before '@', which would put a credential in "
            "the template and the request",
            "give the URL without it, such as 'https://example.com'",
        )
    host, port, bracketed = _split_host_and_port(parts.netloc)
    if not host:
        return absolute
    if port is not None and not (
        _PORT_PATTERN.fullmatch(port) and PORT_MIN <= int(port) <= PORT_MAX
    ):
        return Problem(
            f"has port {port!r}; a port is {PORT_MIN} to {PORT_MAX}",
            "give the port your website answers on, or none",
        )
    is_address, address_problem = _address_problem(host, bracketed)
    if address_problem:
        return Problem(
            f"points at {host}, which {address_problem}",
            "give the public address of your website: AWS's reviewers open it",
        )
    if is_address:
        return None
    problem = host_name_problem(host)
    if problem is None:
        return None
    if problem.local:
        return Problem(
            f"has host {host!r}, a local name that is never public ({problem.detail})",
            "give the public address of your website: AWS's reviewers open it",
        )
    return Problem(
        f"has host {host!r}, which is not a valid host name ({problem.detail})",
        "give a public host name such as 'www.example.com'",
    )


def contact_address_problem(address: str) -> Problem | None:
    """Why AWS could not write to ``address``, or None."""
    invisible = invisible_character(address)
    if invisible:
        # Checked first: the IDNA codec would silently drop some (U+200B, U+00AD).
        return Problem(f"it holds a white space or invisible character ({invisible})", "remove it")
    low, high = wire.CONTACT_ADDRESS_MIN_LENGTH, wire.CONTACT_ADDRESS_MAX_LENGTH
    if not low <= len(address) <= high:
        return Problem(
            f"it must be {low} to {high} characters long, not {len(address)}", _EXAMPLE_ADDRESS
        )
    if address.lower().startswith("mailto:"):
        return Problem("it starts with 'mailto:'", "give the address alone, without 'mailto:'")
    if address.count("@") != 1:
        return Problem("it needs exactly one '@'", _EXAMPLE_ADDRESS)
    local, _, domain = address.partition("@")
    local_problem = _local_part_problem(local)
    if local_problem:
        return Problem(f"the part before '@' {local_problem}", _EXAMPLE_ADDRESS)
    if not domain:
        return Problem("it has nothing after '@'", _EXAMPLE_ADDRESS)
    if domain.startswith("[") or _is_ipv4(domain):
        return Problem(
            f"the domain {domain!r} is an IP address", "give the domain name that receives mail"
        )
    problem = host_name_problem(domain)
    if problem is None:
        return None
    if problem.local:
        return Problem(
            f"the domain {domain!r} is a local name that is never public ({problem.detail})",
            "give an address AWS can write to from the internet",
        )
    return Problem(
        f"the domain {domain!r} is not a valid host name ({problem.detail})", _EXAMPLE_ADDRESS
    )


def _local_part_problem(local: str) -> str | None:
    if not local:
        return "is empty"
    if len(local) > wire.CONTACT_LOCAL_PART_MAX_LENGTH:
        return f"is longer than {wire.CONTACT_LOCAL_PART_MAX_LENGTH} characters"
    if local.startswith("."):
        return "starts with a dot"
    if local.endswith("."):
        return "ends with a dot"
    if ".." in local:
        return "has two dots in a row"
    if not LOCAL_PART_PATTERN.fullmatch(local):
        return "holds a character other than letters, digits and !#$%&'*+/=?^_`{|}~- and dots"
    return None


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def parameter_prefix_problem(prefix: str) -> str | None:
    """Why SSM would refuse parameter names under ``prefix``, with the fix; None if fine."""
    example = "such as '/ses-production-access/mail/'"
    if not prefix.startswith("/"):
        return f"does not start with '/': give an SSM parameter path {example}"
    if not _PREFIX_CHARACTERS.fullmatch(prefix):
        return (
            "holds a character SSM refuses in a parameter name: use only letters, digits "
            "and _ . - /"
        )
    if "//" in prefix:
        return "holds an empty level ('//'): remove the doubled '/'"
    levels = [level for level in prefix.split("/") if level]
    if not levels:
        return f"has no level: give a path {example}"
    if levels[0].lower().startswith(("aws", "ssm")):
        return (
            "starts with 'aws' or 'ssm', which SSM reserves for its own parameters: choose "
            "another first level"
        )
    if len(levels) + 1 > WATCH_PARAMETER_MAX_LEVELS:
        return (
            f"has {len(levels)} levels; with the Region's name SSM allows at most "
            f"{WATCH_PARAMETER_MAX_LEVELS}: shorten the path"
        )
    if len(prefix) > wire.WATCH_PARAMETER_PREFIX_MAX_LENGTH:
        return (
            f"is {len(prefix)} characters long; at most "
            f"{wire.WATCH_PARAMETER_PREFIX_MAX_LENGTH} leave room for the Region's name: "
            "shorten it"
        )
    return None
