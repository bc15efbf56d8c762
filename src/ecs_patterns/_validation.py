"""Pure helpers that collect prop problems and raise them once as a ConfigurationError.

Unresolved CDK tokens are never judged: a value only known at deploy time is passed through.
"""

from __future__ import annotations

import math
from typing import Any

from aws_cdk import Duration, Token

from ._errors import ConfigurationError, Problem

__all__ = ["Checks", "is_token", "seconds"]


def is_token(value: object) -> bool:
    """True when ``value`` is (or holds) an unresolved CDK token."""
    if isinstance(value, Duration):
        return bool(value.is_unresolved())
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, float) and not math.isfinite(value):
        # CDK encodes number tokens as finite doubles; jsii cannot even send inf or NaN to
        # Token.is_unresolved (invalid JSON that kills the jsii kernel process).
        return False
    if isinstance(value, (str, int, float)):
        return bool(Token.is_unresolved(value))
    if isinstance(value, (list, tuple)):
        return any(is_token(v) for v in value)
    return False


def seconds(value: Duration | None) -> float | None:
    """A resolved Duration in (possibly fractional) seconds, or None for None and for tokens.

    ``integral=False``: aws-cdk-lib's default raises a jsii error for a Duration that is not a
    whole number of seconds (``Duration.millis(1500)``); callers judge that case themselves.
    """
    if value is None or is_token(value):
        return None
    return float(value.to_seconds(integral=False))


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
