"""The conditions of one listener rule on a shared load balancer, and their checks.

Split from :mod:`._routing` (which re-exports everything here) to keep both short. The limits
come from the Elastic Load Balancing user guide, "Listener rules for your Application Load
Balancer" (condition types) and "Quotas for your Application Load Balancers"; they are listed
in :mod:`._routing`'s docstring. Unresolved CDK tokens are never judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..core._errors import ConfigurationError, Problem
from ..core._validation import is_token

__all__ = [
    "MAX_PRIORITY",
    "MAX_VALUES_PER_CONDITION",
    "MAX_VALUES_PER_RULE",
    "MAX_WILDCARDS_PER_RULE",
    "RouteConditions",
    "condition_problems",
    "priority_problems",
    "problem",
]

MAX_VALUES_PER_RULE = 5
MAX_VALUES_PER_CONDITION = 3
MAX_WILDCARDS_PER_RULE = 5
MAX_PRIORITY = 50_000
MAX_VALUE_LENGTH = 128
MAX_HEADER_NAME_LENGTH = 40

_HOST_RE = re.compile(r"[A-Za-z0-9.*?-]+")
_HOST_TLD_RE = re.compile(r"\.[A-Za-z]+")
_PATH_RE = re.compile(r"/[A-Za-z0-9_\-.$/~\"'@:+&*?]*")
# RFC 7230 tchar, less "*": ELB takes no wildcards in header names.
_HEADER_NAME_RE = re.compile(r"[A-Za-z0-9!#$%&'+\-.^_`|~]+")
_CATCH_ALL_PATH_RE = re.compile(r"/\*+")


@dataclass(frozen=True)
class RouteConditions:
    """The conditions of one listener rule, normalised so equal routes compare equal.

    Attributes:
        hosts: host-header values, lower-cased, de-duplicated and sorted.
        paths: path-pattern values (case-sensitive), de-duplicated and sorted.
        headers: ``(lower-cased name, values)`` per http-header condition, sorted; values
            de-duplicated and sorted. Every condition must match; one of its values must.
    """

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
        """Normalise conditions as given on a route (tokens are kept as they are).

        Raises ConfigurationError when a value is not a string or a list is a bare string.
        """
        problems = [
            *_type_problems("hosts", hosts),
            *_type_problems("paths", paths),
        ]
        if not isinstance(headers, Mapping):
            problems.append(_not_a("headers", headers, "a mapping of header name to values"))
        else:
            for name, values in headers.items():
                if not isinstance(name, str):
                    problems.append(_not_a("headers", name, "header names as strings"))
                problems += _type_problems(f"headers[{name!r}]", values)
        if problems:
            raise ConfigurationError("RouteConditions", problems)
        return cls(
            hosts=_normalised(hosts, fold=True),
            paths=_normalised(paths, fold=False),
            headers=tuple(
                sorted(
                    (_fold(name), _normalised(values, fold=False))
                    for name, values in headers.items()
                )
            ),
        )

    @property
    def value_count(self) -> int:
        """Condition values as ELB counts them per rule: hosts + paths + every header value."""
        return len(self.hosts) + len(self.paths) + sum(len(v) for _, v in self.headers)

    @property
    def wildcard_count(self) -> int:
        """``*`` and ``?`` characters in every literal value (tokens count none)."""
        return sum(v.count("*") + v.count("?") for v in self._values() if not is_token(v))

    @property
    def any_path(self) -> bool:
        """True when the path condition matches every path (none, or a ``/*`` value)."""
        return not self.paths or any(_CATCH_ALL_PATH_RE.fullmatch(p) for p in self.paths)

    def describe(self) -> str:
        """The conditions as a user wrote them, for messages."""
        parts = []
        if self.hosts:
            parts.append(f"hosts={list(self.hosts)}")
        if self.paths:
            parts.append(f"paths={list(self.paths)}")
        if self.headers:
            parts.append(f"headers={ {n: list(v) for n, v in self.headers} }")
        return ", ".join(parts) or "no conditions"

    def _values(self) -> Iterable[str]:
        yield from self.hosts
        yield from self.paths
        for _, values in self.headers:
            yield from values


def problem(prop: str, value: object, allowed: str, fix: str) -> Problem:
    """A Problem from positional fields (prop, value as given, what is allowed, the fix)."""
    return Problem(prop=prop, value=value, allowed=allowed, fix=fix)


def _not_a(prop: str, value: object, allowed: str) -> Problem:
    return problem(
        prop,
        value,
        allowed,
        f"Pass {prop} as a list of strings, e.g. ['api.example.com'] or ['/api/*'].",
    )


def _type_problems(prop: str, values: object) -> list[Problem]:
    if isinstance(values, str) or not isinstance(values, Sequence):
        return [_not_a(prop, values, "a list of strings (a bare string is not a list)")]
    return [_not_a(prop, v, "strings only") for v in values if not isinstance(v, str)]


def _fold(value: str) -> str:
    return value if is_token(value) else value.lower()


def _normalised(values: Sequence[str], *, fold: bool) -> tuple[str, ...]:
    return tuple(sorted({_fold(v) if fold else v for v in values}))


# --- validation -------------------------------------------------------------------------------


def condition_problems(conditions: RouteConditions, prop: str = "ingress") -> list[Problem]:
    """Every way ``conditions`` break ELB's listener-rule limits; ``prop`` prefixes the names."""
    problems: list[Problem] = []
    described = conditions.describe()
    if not (conditions.hosts or conditions.paths or conditions.headers):
        problems.append(
            problem(
                prop,
                described,
                "at least one host, path or header condition",
                f"Set {prop}.hosts (e.g. ['api.example.com']) or {prop}.paths (e.g. "
                "['/api/*']); a route without conditions would take the listener's default.",
            )
        )
    if conditions.value_count > MAX_VALUES_PER_RULE:
        problems.append(
            problem(
                prop,
                described,
                f"at most {MAX_VALUES_PER_RULE} condition values per listener rule "
                f"(hosts + paths + header values; {conditions.value_count} given), an ELB "
                "quota that cannot be raised",
                "Merge values with a wildcard ('*.example.com', '/api/*'), or split the "
                "service's traffic across fewer hosts and paths.",
            )
        )
    per_condition = [
        (f"{prop}.hosts", list(conditions.hosts)),
        (f"{prop}.paths", list(conditions.paths)),
        *((f"{prop}.headers[{name!r}]", list(values)) for name, values in conditions.headers),
    ]
    for condition_prop, condition_values in per_condition:
        if len(condition_values) > MAX_VALUES_PER_CONDITION:
            problems.append(
                problem(
                    condition_prop,
                    condition_values,
                    f"at most {MAX_VALUES_PER_CONDITION} values per condition "
                    f"({len(condition_values)} "
                    f"given; ELB evaluates up to {MAX_VALUES_PER_CONDITION} per condition and "
                    f"{MAX_VALUES_PER_RULE} per rule)",
                    "Merge values with a wildcard ('*.example.com', '/api/*'), or split the "
                    "service's traffic across two services' routes.",
                )
            )
    if conditions.wildcard_count > MAX_WILDCARDS_PER_RULE:
        problems.append(
            problem(
                prop,
                described,
                f"at most {MAX_WILDCARDS_PER_RULE} wildcards ('*' or '?') per listener "
                f"rule ({conditions.wildcard_count} given), an ELB quota that cannot be raised",
                "Use fewer wildcard characters, e.g. '/api/*' instead of '/api/*/v?/*'.",
            )
        )
    for host in conditions.hosts:
        problems += _host_problems(f"{prop}.hosts", host)
    for path in conditions.paths:
        problems += _path_problems(f"{prop}.paths", path)
    seen: set[str] = set()
    for name, values in conditions.headers:
        problems += _header_problems(f"{prop}.headers", name, values, seen)
    return problems


def _length_problem(prop: str, value: str, limit: int, what: str, fix: str) -> list[Problem]:
    if len(value) <= limit:
        return []
    return [problem(prop, value, f"{what} of at most {limit} characters ({len(value)} given)", fix)]


def _host_problems(prop: str, host: str) -> list[Problem]:
    if is_token(host):
        return []
    problems = _length_problem(
        prop, host, MAX_VALUE_LENGTH, "a host name", "Use a wildcard, e.g. '*.example.com'."
    )
    last_dot = host.rfind(".")
    if (
        _HOST_RE.fullmatch(host) is None
        or last_dot < 0
        or _HOST_TLD_RE.fullmatch(host[last_dot:]) is None
    ):
        problems.append(
            problem(
                prop,
                host,
                "a DNS name of letters, digits, '-', '.' and the wildcards '*' and '?', "
                "with at least one '.' and only letters after the last one (no scheme, port "
                "or path)",
                "Write the host as a client sends it, e.g. 'api.example.com' or "
                "'*.example.com'; put paths in paths=.",
            )
        )
    return problems


def _path_problems(prop: str, path: str) -> list[Problem]:
    if is_token(path):
        return []
    problems = _length_problem(
        prop, path, MAX_VALUE_LENGTH, "a path pattern", "Shorten it with a '*', e.g. '/api/*'."
    )
    if _PATH_RE.fullmatch(path) is None:
        problems.append(
            problem(
                prop,
                path,
                "a path pattern starting with '/' of letters, digits and "
                "_ - . $ / ~ \" ' @ : + & and the wildcards '*' and '?' (no query string)",
                "Write it as the request path, e.g. '/api/*', without a query string or "
                "percent-encoded characters (ELB accepts neither in a path pattern).",
            )
        )
    return problems


def _header_problems(
    prop: str, name: str, values: tuple[str, ...], seen: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    if not is_token(name):
        if (
            len(name) > MAX_HEADER_NAME_LENGTH
            or _HEADER_NAME_RE.fullmatch(name) is None
            or name.lower() == "host"
        ):
            problems.append(
                problem(
                    prop,
                    name,
                    f"a header name of 1 to {MAX_HEADER_NAME_LENGTH} characters, an "
                    "HTTP token (letters, digits and ! # $ % & ' + - . ^ _ ` | ~; no wildcards), "
                    "and not Host",
                    "Use the header's field name, e.g. 'x-canary'; route on the host with "
                    "hosts= instead of a Host header.",
                )
            )
        if name.lower() in seen:
            problems.append(
                problem(
                    prop,
                    name,
                    "each header name once (names are not case-sensitive)",
                    f"Merge the values of every spelling of {name!r} into one entry.",
                )
            )
        seen.add(name.lower())
    if not values:
        problems.append(
            problem(
                f"{prop}[{name!r}]",
                [],
                "at least one value per header",
                "List the values to match, e.g. ['true'], or '*' for any value.",
            )
        )
    for value in values:
        if is_token(value):
            continue
        if not value:
            problems.append(
                problem(
                    f"{prop}[{name!r}]",
                    value,
                    "non-empty values",
                    "Drop the empty value, or use '*' to match any value.",
                )
            )
        problems += _length_problem(
            f"{prop}[{name!r}]", value, MAX_VALUE_LENGTH, "a value", "Shorten it with a '*'."
        )
    return problems


def priority_problems(priority: object, prop: str = "ingress.priority") -> list[Problem]:
    """None (derive one), a token, or an int from 1 to 50,000; anything else is a problem."""
    if priority is None or is_token(priority):
        return []
    if (
        isinstance(priority, int)
        and not isinstance(priority, bool)
        and 1 <= priority <= MAX_PRIORITY
    ):
        return []
    return [
        problem(
            prop,
            priority,
            f"an integer from 1 to {MAX_PRIORITY} (lowest evaluated first), or None to "
            "derive one from the service's construct path",
            f"Set {prop} to a whole number; 1 to 999 are never derived, so they come "
            "before every derived priority.",
        )
    ]
