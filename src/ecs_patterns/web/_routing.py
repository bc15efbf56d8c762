"""Listener-rule routing of a shared ingress: conditions, priorities and their conflicts.

Stand-in with the agreed signatures, replaced by the full module (validation, bands, overlap
detection); pure Python, no CDK constructs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..core._errors import ConfigurationError, Problem

__all__ = [
    "ClaimedRoute",
    "RouteConditions",
    "RouteTable",
    "condition_problems",
    "derived_priority",
    "overlaps",
    "priority_problems",
]


@dataclass(frozen=True)
class RouteConditions:
    """The conditions of one listener rule, normalised."""

    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    headers: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(
        cls,
        hosts: Sequence[str],
        paths: Sequence[str],
        headers: Mapping[str, Sequence[str]],
    ) -> RouteConditions:
        return cls(
            hosts=tuple(sorted({h.lower() for h in hosts})),
            paths=tuple(sorted(set(paths))),
            headers=tuple(
                sorted(
                    (name.lower(), tuple(sorted(set(values)))) for name, values in headers.items()
                )
            ),
        )

    @property
    def value_count(self) -> int:
        return len(self.hosts) + len(self.paths) + sum(len(v) for _, v in self.headers)


def condition_problems(conditions: RouteConditions, prop: str = "ingress") -> list[Problem]:
    return []


def priority_problems(priority: object, prop: str = "ingress.priority") -> list[Problem]:
    return []


def derived_priority(identity: str, conditions: RouteConditions) -> int:
    digest = int.from_bytes(hashlib.sha256(identity.encode("utf-8")).digest()[:8], "big")
    return 1000 + digest % 49000


def overlaps(a: RouteConditions, b: RouteConditions) -> bool:
    return a == b


@dataclass(frozen=True)
class ClaimedRoute:
    owner: str
    conditions: RouteConditions
    priority: int
    target_groups: int


class RouteTable:
    MAX_TARGET_GROUPS = 100
    RULES_QUOTA = 100

    def __init__(self) -> None:
        self._routes: list[ClaimedRoute] = []

    def claim(
        self,
        owner: str,
        conditions: RouteConditions,
        priority: int | None,
        *,
        target_groups: int,
        props_name: str = "WebServiceProps",
    ) -> int:
        chosen = priority if priority is not None else derived_priority(owner, conditions)
        for route in self._routes:
            if route.priority == chosen:
                raise ConfigurationError(
                    props_name,
                    [
                        Problem(
                            prop="ingress.priority",
                            value=chosen,
                            allowed=f"a priority not used by {route.owner}",
                            fix=f"Give {owner} another priority.",
                        )
                    ],
                )
        self._routes.append(ClaimedRoute(owner, conditions, chosen, target_groups))
        return chosen

    @property
    def rule_count(self) -> int:
        return len(self._routes)

    @property
    def target_group_count(self) -> int:
        return sum(r.target_groups for r in self._routes)

    @property
    def routes(self) -> tuple[ClaimedRoute, ...]:
        return tuple(self._routes)
