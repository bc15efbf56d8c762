"""Pure helpers that collect prop problems and raise them once as a ConfigurationError.

Unresolved CDK tokens are never judged: a value only known at deploy time is passed through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from aws_cdk import Duration, Token

from ._errors import ConfigurationError, Problem
from ._jsii import jsii_ref

__all__ = ["Checks", "check_tags", "is_token", "seconds"]


# aws-cdk-lib's own test (core/lib/private/encoding.ts, ``unresolved``): a string can only be a
# token when it contains this marker; a number token is a double whose high 16 bits are 0xFBFF,
# which puts its magnitude near 1.9e289. Values that fail these cheap tests are resolved without
# asking the jsii kernel; the rest (rare) still go to ``Token.is_unresolved``, so the answer is
# always aws-cdk-lib's. Each kernel call is a round trip to the Node process (about 0.5 ms).
# Measured (benchmarks/README.md, "Speed-ups kept and removed"): 17 round trips and about 8 ms of
# CPU per default FargateWebService. Couples to aws-cdk-lib's token encoding (the marker and the
# number-token range): tests/core/test_validation_tokens.py checks the answers against
# Token.is_unresolved on a corpus, so an aws-cdk-lib upgrade that changes the encoding fails there.
_STRING_TOKEN_MARKER = "Token["
_NUMBER_TOKEN_MIN_MAGNITUDE = 1e280

# Durations are immutable, so what the kernel says about one (unresolved, or its seconds) is
# remembered by its jsii reference: the library's shared defaults are asked once per process,
# not once per construct. Measured (benchmarks/README.md, "Speed-ups kept and removed"): 40
# round trips and about 10 ms of CPU per default FargateWebService. Couples to jsii references
# being unique for the life of the kernel process (a ref is never reused for another object).
_DURATION_SECONDS: dict[str, float | None] = {}


def _duration_seconds(value: Duration) -> float | None:
    """Seconds of a resolved Duration (fractional allowed), None for a token; memoized."""
    ref = jsii_ref(value)
    if ref is not None and ref in _DURATION_SECONDS:
        return _DURATION_SECONDS[ref]
    secs = None if value.is_unresolved() else float(value.to_seconds(integral=False))
    if ref is not None:
        _DURATION_SECONDS[ref] = secs
    return secs


def may_hold_token(text: str) -> bool:
    """False only when ``text`` certainly holds no token (no token marker); no kernel request."""
    return _STRING_TOKEN_MARKER in text


def is_token(value: object) -> bool:
    """True when ``value`` is (or holds) an unresolved CDK token."""
    if isinstance(value, Duration):
        return _duration_seconds(value) is None
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return _STRING_TOKEN_MARKER in value and bool(Token.is_unresolved(value))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            # jsii cannot even send inf or NaN to Token.is_unresolved (invalid JSON that kills
            # the jsii kernel process); CDK encodes number tokens as finite doubles anyway.
            return False
        return abs(value) >= _NUMBER_TOKEN_MIN_MAGNITUDE and bool(Token.is_unresolved(value))
    if isinstance(value, (list, tuple)):
        # A list token is one string element holding a "#{Token[...]}" marker.
        if (
            len(value) == 1
            and isinstance(value[0], str)
            and _STRING_TOKEN_MARKER in value[0]
            and Token.is_unresolved(list(value))
        ):
            return True
        return any(is_token(v) for v in value)
    return False


def seconds(value: Duration | None) -> float | None:
    """A resolved Duration in (possibly fractional) seconds, or None for None and for tokens.

    ``integral=False``: aws-cdk-lib's default raises a jsii error for a Duration that is not a
    whole number of seconds (``Duration.millis(1500)``); callers judge that case themselves.
    """
    if value is None:
        return None
    return _duration_seconds(value)


class Checks:
    """Collects problems for one props class; ``done()`` raises them all at once."""

    def __init__(self, props_class: str) -> None:
        self._props_class = props_class
        self._problems: list[Problem] = []

    def fail(self, prop: str, value: object, allowed: str, fix: str) -> None:
        """Record a problem unconditionally."""
        self._problems.append(Problem(prop=prop, value=value, allowed=allowed, fix=fix))

    def check(self, ok: bool, prop: str, value: object, allowed: str, fix: str) -> None:
        """Record a problem unless ``ok``; tokens in ``value`` always pass."""
        if not ok and not is_token(value):
            self.fail(prop, value, allowed, fix)

    def int_range(self, prop: str, value: Any, low: int, high: int, fix: str | None = None) -> None:
        """``value`` must be None, a token, or an int with ``low <= value <= high``."""
        if value is None or is_token(value):
            return
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        self.check(
            ok,
            prop,
            value,
            f"an integer from {low} to {high}",
            fix or f"Set {prop} to a whole number between {low} and {high}.",
        )

    def duration_range(
        self, prop: str, value: Duration | None, low_s: float, high_s: float
    ) -> None:
        """``value`` must be None, a token, or a whole number of seconds in [low_s, high_s].

        Every duration these checks guard is a whole-second CloudFormation property.
        """
        secs = seconds(value)
        if secs is None:
            return
        self.check(
            secs.is_integer() and low_s <= secs <= high_s,
            prop,
            f"{secs:g}s",
            f"a whole number of seconds from {low_s:g}s to {high_s:g}s",
            f"Set {prop} to Duration.seconds(n) with a whole n, {low_s:g} <= n <= {high_s:g}.",
        )

    def known(self, prop: str, value: object, why: str) -> None:
        """``value`` must be known at synthesis, not an unresolved token; ``why`` says who needs
        it."""
        if value is not None and is_token(value):
            self.fail(
                prop,
                "an unresolved token",
                f"a value known at synthesis time ({why})",
                f"Pass {prop} as a literal (for example from context), not from a CfnParameter "
                "or another deploy-time value.",
            )

    def done(self) -> None:
        """Raise ConfigurationError if any problem was recorded."""
        if self._problems:
            raise ConfigurationError(self._props_class, self._problems)


def check_tags(checks: Checks, prop: str, tags: Mapping[str, str]) -> None:
    """Tag keys and values as AWS accepts them on ECS, ELB and most other resources."""
    for key, value in tags.items():
        if is_token(key) or is_token(value):
            continue
        checks.check(
            1 <= len(key) <= 128
            and not key.lower().startswith("aws:")
            and isinstance(value, str)
            and len(value) <= 256,
            prop,
            f"{key!r}: {value!r}",
            "keys of 1-128 characters not starting with 'aws:' (reserved for AWS), values of at "
            "most 256 characters",
            "Shorten or rename the tag, e.g. {'team': 'payments'}.",
        )
