"""Listener-rule routing on a shared load balancer: conditions, priorities and conflicts.

Pure functions and one bookkeeping class, no CDK constructs: the shared ingress keeps one
:class:`RouteTable`, and every service that attaches to it claims its rule there first, so a
bad or conflicting route is refused at synthesis, naming both services, instead of failing
(or silently shadowing another service) at deploy time.

AWS limits checked here come from the Elastic Load Balancing user guide, "Listener rules for
your Application Load Balancer" (condition types) and "Quotas for your Application Load
Balancers":

* host-header values: up to 128 characters of ``A-Z a-z 0-9 - .`` and the wildcards ``*`` (zero
  or more characters) and ``?`` (exactly one), at least one ``.``, only letters after the last
  ``.``; compared case-insensitively.
* path-pattern values: up to 128 characters of ``A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?``;
  case-sensitive. This library also requires the leading ``/`` every request path has.
* http-header conditions: a name of up to 40 characters, an RFC 7230 token without wildcards,
  and not ``Host`` (a host condition does that); one to 128 characters per value, compared
  case-insensitively.
* per condition: at most 3 values ("match evaluations"); per rule: at most 5 condition values
  and at most 5 wildcards (none adjustable); a priority from 1 to 50,000, unique on its
  listener, lowest evaluated first.
* per load balancer: at most 100 target groups (not adjustable) and 100 rules besides the
  default rules (adjustable). Every route adds as many rules as target groups (one, or a
  production and a test rule for blue/green), so refusing the 101st target group also keeps
  the routes within the default rule quota; rules made outside the library are not counted.

Unresolved CDK tokens are never judged: they pass every check and compare as literal text.

A priority left unset is derived from the service's identity (its construct path) with
SHA-256, so it is the same on every synthesis and machine, and inside a band chosen by how
specific the conditions are, so more specific rules are evaluated first. It depends on nothing
else: adding, removing or reordering services never renumbers another. Priorities 1-999 are
never derived; they are free for explicit priorities that must come before every derived one.
Two derived priorities can meet (a hash collision, or overlapping conditions in one band): then
:meth:`RouteTable.claim` refuses and asks for an explicit ``priority`` on one of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..core._errors import ConfigurationError, Problem
from ..core._validation import is_token
from ._route_conditions import (
    MAX_PRIORITY,
    MAX_VALUES_PER_RULE,
    MAX_WILDCARDS_PER_RULE,
    RouteConditions,
    condition_problems,
    priority_problems,
    problem,
)

__all__ = [
    "BANDS",
    "MAX_PRIORITY",
    "MAX_VALUES_PER_RULE",
    "MAX_WILDCARDS_PER_RULE",
    "Band",
    "ClaimedRoute",
    "RouteConditions",
    "RouteTable",
    "band_of",
    "condition_problems",
    "derived_priority",
    "overlaps",
    "priority_problems",
]


# --- priorities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A range of derived priorities for conditions of one kind of specificity."""

    name: str
    low: int
    high: int

    def __contains__(self, priority: object) -> bool:
        return isinstance(priority, int) and self.low <= priority <= self.high


HEADERS_BAND = Band("routes with header conditions", 1_000, 10_999)
HOST_AND_PATH_BAND = Band("routes with hosts and paths", 11_000, 20_999)
PATH_BAND = Band("routes with paths only", 21_000, 30_999)
HOST_BAND = Band("routes with hosts only", 31_000, 40_999)
CATCH_ALL_BAND = Band("catch-all routes ('/*')", 41_000, 49_999)
BANDS = (HEADERS_BAND, HOST_AND_PATH_BAND, PATH_BAND, HOST_BAND, CATCH_ALL_BAND)


def band_of(conditions: RouteConditions) -> Band:
    """The band of derived priorities for ``conditions``: the more specific, the lower."""
    if conditions.headers:
        return HEADERS_BAND
    if not conditions.any_path:
        return HOST_AND_PATH_BAND if conditions.hosts else PATH_BAND
    return HOST_BAND if conditions.hosts else CATCH_ALL_BAND


def derived_priority(identity: str, conditions: RouteConditions) -> int:
    """The priority of a route without one: SHA-256 of ``identity`` placed in the band of
    ``conditions``. Changing this renumbers every deployed rule: it is pinned by tests."""
    band = band_of(conditions)
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).digest()
    return band.low + int.from_bytes(digest[:8], "big") % (band.high - band.low + 1)


# --- overlap ----------------------------------------------------------------------------------


def _patterns_meet(a: str, b: str) -> bool:
    """True when some string matches both ELB patterns (``*`` any run, ``?`` one character).

    Exact: a search over pairs of positions of the two patterns (at most 129 x 129 states).
    """
    todo = [(0, 0)]
    seen: set[tuple[int, int]] = set()
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            todo.append((i + 1, j))
        if j < len(b) and b[j] == "*":
            todo.append((i, j + 1))
        if i < len(a) and j < len(b):
            x, y = a[i], b[j]
            if x in "*?" or y in "*?" or x == y:
                todo.append((i if x == "*" else i + 1, j if y == "*" else j + 1))
    return False


def _sets_meet(xs: Sequence[str], ys: Sequence[str], *, fold: bool) -> bool:
    """Either side empty (no condition) matches anything; else some pair of values meets."""
    if not xs or not ys:
        return True
    if fold:
        xs, ys = [x.lower() for x in xs], [y.lower() for y in ys]
    return any(_patterns_meet(x, y) for x in xs for y in ys)


def overlaps(a: RouteConditions, b: RouteConditions) -> bool:
    """True when one request could match both: hosts, paths and shared headers all meet.

    A header only one side names constrains nothing (a request may carry it or not); a header
    both name with values no string matches together makes the routes disjoint. (A client that
    sends that header twice, once per value, reaches the rule with the lower priority.)
    """
    if not _sets_meet(a.hosts, b.hosts, fold=True):
        return False
    if not (a.any_path or b.any_path or _sets_meet(a.paths, b.paths, fold=False)):
        return False
    for name_a, values_a in a.headers:
        for name_b, values_b in b.headers:
            if name_a.lower() == name_b.lower() and not _sets_meet(values_a, values_b, fold=True):
                return False
    return True


def _same_requests(conditions: RouteConditions) -> object:
    """A key equal for conditions that match the same requests (a '/*' path is no condition)."""
    hosts = sorted({h.lower() for h in conditions.hosts})
    paths = [] if conditions.any_path else sorted(set(conditions.paths))
    headers = sorted((n.lower(), sorted({v.lower() for v in vs})) for n, vs in conditions.headers)
    return (hosts, paths, headers)


# --- the table of one load balancer -----------------------------------------------------------


@dataclass(frozen=True)
class ClaimedRoute:
    """One service's rule on the shared listener, as claimed."""

    owner: str
    conditions: RouteConditions
    priority: int
    derived: bool
    target_groups: int
    rules: int


def _owners(routes: Sequence[ClaimedRoute], limit: int = 5) -> str:
    names = [repr(r.owner) for r in routes[:limit]]
    more = len(routes) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


class RouteTable:
    """The routes of one shared load balancer: every service claims its rule here first.

    :meth:`claim` refuses, naming both services, the same priority twice, identical
    conditions, overlapping conditions of two derived priorities in one band, and more target
    groups than the load balancer takes. Explicit priorities with overlapping (not identical)
    conditions are accepted: their numbers say which rule is evaluated first.
    """

    MAX_TARGET_GROUPS = 100  # per load balancer, not adjustable (ELB quotas page)
    RULES_QUOTA = 100  # rules per load balancer besides default rules (adjustable default)

    def __init__(self) -> None:
        self._routes: list[ClaimedRoute] = []

    @property
    def routes(self) -> tuple[ClaimedRoute, ...]:
        """Every accepted route, in the order claimed."""
        return tuple(self._routes)

    @property
    def rule_count(self) -> int:
        """Listener rules the routes put on the load balancer (all its listeners)."""
        return sum(r.rules for r in self._routes)

    @property
    def target_group_count(self) -> int:
        """Target groups the routes attach to the load balancer."""
        return sum(r.target_groups for r in self._routes)

    def claim(
        self,
        owner: str,
        conditions: RouteConditions,
        priority: int | None,
        *,
        target_groups: int,
        props_name: str = "WebServiceProps",
        rules: int | None = None,
    ) -> int:
        """Record ``owner``'s route and return its priority (``priority``, or derived).

        ``target_groups``: 1 for a rolling service, 2 for blue/green. ``rules``: listener rules
        the route adds to the load balancer; default ``target_groups`` (a blue/green service on
        a shared ingress has a production and a test rule). Raises ConfigurationError (of
        ``props_name``) with every problem found; a refused route is not recorded.
        """
        problems = [
            *condition_problems(conditions),
            *priority_problems(priority),
            *_count_problems("target_groups", target_groups, 1, 2),
            *([] if rules is None else _count_problems("rules", rules, 1, self.RULES_QUOTA)),
        ]
        if not isinstance(owner, str) or not owner:
            problems.append(
                problem(
                    "owner",
                    owner,
                    "the service's construct path, a non-empty string",
                    "Claim with owner=service.node.path.",
                )
            )
        if problems:
            raise ConfigurationError(props_name, problems)
        derived = priority is None
        number = derived_priority(owner, conditions) if priority is None else priority
        problems = [
            found
            for other in self._routes
            for found in self._conflicts(owner, conditions, number, derived, other)
        ]
        problems += self._capacity_problems(owner, target_groups)
        if problems:
            raise ConfigurationError(props_name, problems)
        rules = target_groups if rules is None else rules
        self._routes.append(ClaimedRoute(owner, conditions, number, derived, target_groups, rules))
        return number

    def _conflicts(
        self,
        owner: str,
        conditions: RouteConditions,
        priority: int,
        derived: bool,
        other: ClaimedRoute,
    ) -> list[Problem]:
        problems: list[Problem] = []
        mine, theirs = conditions.describe(), other.conditions.describe()
        how = "derived from its construct path" if derived else "given"
        if other.owner == owner:
            problems.append(
                problem(
                    "ingress",
                    owner,
                    f"one route per service; {owner!r} already has one ({theirs})",
                    "Attach each service to the ingress once; list all its hosts and "
                    "paths in that one IngressRoute.",
                )
            )
            return problems
        if not is_token(priority) and not is_token(other.priority) and priority == other.priority:
            band = band_of(conditions)
            free = _free_priority(band, {r.priority for r in self._routes}) if derived else None
            hint = f" ({free} is free in the same band)" if free is not None else ""
            problems.append(
                problem(
                    "ingress.priority",
                    priority,
                    f"a priority no other route on this load balancer has: "
                    f"{other.owner!r} already has {other.priority} and {owner!r} would get it "
                    f"too ({how})",
                    f"Give {owner!r} or {other.owner!r} another ingress priority{hint}; "
                    "1 to 999 are never derived.",
                )
            )
        if _same_requests(conditions) == _same_requests(other.conditions):
            problems.append(
                problem(
                    "ingress",
                    mine,
                    f"conditions that differ from every other route's: {other.owner!r} "
                    f"already routes the same requests ({theirs}), so whichever of {owner!r} "
                    f"and {other.owner!r} is evaluated second would never be reached",
                    f"Give {owner!r} a host, path or header that {other.owner!r} does not "
                    "have, or serve both from one service.",
                )
            )
        elif (
            derived
            and other.derived
            and band_of(conditions) == band_of(other.conditions)
            and overlaps(conditions, other.conditions)
        ):
            problems.append(
                problem(
                    "ingress",
                    mine,
                    f"conditions that no request matches together with another route "
                    f"whose priority is derived in the same band ({band_of(conditions).name}): "
                    f"{other.owner!r} ({theirs}, priority {other.priority}) and {owner!r} "
                    f"(priority {priority}) can match one request, and which one wins would "
                    "depend on their construct paths",
                    f"Set ingress priority on {owner!r} or {other.owner!r} (lower is "
                    "evaluated first; 1 to 999 are never derived), or make their conditions "
                    "disjoint.",
                )
            )
        return problems

    def _capacity_problems(self, owner: str, target_groups: int) -> list[Problem]:
        used = self.target_group_count
        if used + target_groups <= self.MAX_TARGET_GROUPS:
            return []
        return [
            problem(
                "ingress",
                owner,
                f"at most {self.MAX_TARGET_GROUPS} target groups per load balancer (an "
                f"ELB quota that cannot be raised): {used} are used by "
                f"{len(self._routes)} services ({_owners(self._routes)}) and {owner!r} needs "
                f"{target_groups} more (a blue/green service takes two)",
                f"Attach {owner!r} to another SharedIngress (a second load balancer), or "
                "deploy some blue/green services on this one with rolling updates.",
            )
        ]


def _count_problems(prop: str, value: object, low: int, high: int) -> list[Problem]:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return []
    return [
        problem(
            prop,
            value,
            f"an integer from {low} to {high}",
            f"Pass {prop}= as a whole number: 1 for a rolling service, 2 for blue/green.",
        )
    ]


def _free_priority(band: Band, taken: set[int]) -> int | None:
    """The lowest priority of ``band`` that no route has (a suggestion for messages)."""
    return next((p for p in range(band.low, band.high + 1) if p not in taken), None)
