"""The library's one exception type.

Every invalid prop is reported before any CDK resource is created, with a message that names
the prop, the value given, what is allowed and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ConfigurationError", "Problem"]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One invalid prop: ``prop`` and ``value`` as given, what is ``allowed`` and the ``fix``."""

    prop: str
    value: object
    allowed: str
    fix: str

    def __str__(self) -> str:
        return f"{self.prop}={self.value!r} is not valid; allowed: {self.allowed}. {self.fix}"


class ConfigurationError(ValueError):
    """Raised when props are invalid, before anything is synthesized.

    ``problems`` holds every problem found, so a user fixes them all in one round. ``props_class``
    names the props type that was being validated.
    """

    def __init__(self, props_class: str, problems: Iterable[Problem]) -> None:
        self.props_class = props_class
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ConfigurationError needs at least one problem")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{props_class}: {len(self.problems)} {noun}:\n{lines}")

    @property
    def props(self) -> tuple[str, ...]:
        """The names of the invalid props, in the order they were reported."""
        return tuple(p.prop for p in self.problems)
