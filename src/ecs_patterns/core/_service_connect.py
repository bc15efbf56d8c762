"""What every workload kind on Service Connect shares: the name rules of its Cloud Map names and
client aliases."""

from __future__ import annotations

import re

from ._validation import Checks, is_token

__all__ = ["DNS_NAME_RE", "check_dns_name"]

DNS_NAME_RE = re.compile(
    r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
"""A lower-case DNS name: labels of letters, digits and inner hyphens, joined by dots."""


def check_dns_name(checks: Checks, prop: str, value: str | None, example: str) -> None:
    """``value`` (a discovery name or client alias) is a lower-case DNS name of at most 253
    characters; None and tokens are not judged."""
    if value is None or is_token(value):
        return
    checks.check(
        len(value) <= 253 and bool(DNS_NAME_RE.match(value)),
        prop,
        value,
        "a lower-case DNS name (letters, digits, hyphens and dots)",
        f"Use a name such as '{example}' or '{example}.internal' for {prop}.",
    )
