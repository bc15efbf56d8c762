"""Listener-rule routing on a shared load balancer: every ELB limit, every refusal, and the
properties the fleet relies on (derived priorities never move; overlap is symmetric and never
misses a request both rules match; claim fails only with ConfigurationError)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import cast

import pytest
from aws_cdk import Aws, Token
from hypothesis import assume, given
from hypothesis import strategies as st

from ecs_patterns import ConfigurationError
from ecs_patterns.web._routing import (
    BANDS,
    RouteConditions,
    RouteTable,
    band_of,
    condition_problems,
    derived_priority,
    overlaps,
    priority_problems,
)
from tests.property.profiles import load_profile

load_profile()


def cond(
    hosts: Sequence[str] = (),
    paths: Sequence[str] = (),
    headers: Mapping[str, Sequence[str]] | None = None,
) -> RouteConditions:
    return RouteConditions.of(hosts, paths, headers or {})


def problem_props(conditions: RouteConditions) -> list[str]:
    return [p.prop for p in condition_problems(conditions)]


# --- RouteConditions ----------------------------------------------------------------------------


def test_of_normalises_case_order_and_duplicates() -> None:
    c = cond(
        ["B.example.com", "a.example.com", "b.example.COM"],
        ["/b", "/a", "/b"],
        {"X-Env": ["b", "a", "a"]},
    )
    assert c == RouteConditions(
        hosts=("a.example.com", "b.example.com"),
        paths=("/a", "/b"),
        headers=(("x-env", ("a", "b")),),
    )
    assert c.value_count == 6
    assert cond(["A.example.com"], ["/a", "/b"]) == cond(["a.example.com"], ["/b", "/a"])


def test_of_keeps_paths_case_and_tokens_as_given() -> None:
    assert cond(paths=["/API"]).paths == ("/API",)
    token = Aws.STACK_NAME
    assert cond([token]).hosts == (token,)


def test_of_refuses_a_bare_string_and_non_strings() -> None:
    with pytest.raises(ConfigurationError) as err:
        RouteConditions.of("api.example.com", ["/x", 3], {"x-a": "1"})  # type: ignore[list-item]
    assert err.value.props == ("hosts", "paths", "headers['x-a']")
    assert "a bare string is not a list" in str(err.value)


# --- condition limits ---------------------------------------------------------------------------


def test_a_route_needs_a_condition() -> None:
    problems = condition_problems(cond())
    assert [p.prop for p in problems] == ["ingress"]
    assert "at least one host, path or header" in str(problems[0])


def test_at_most_five_condition_values_per_rule() -> None:
    five = cond(["a.example.com", "b.example.com"], ["/a", "/b"], {"x-env": ["1"]})
    assert condition_problems(five) == []
    six = cond(["a.example.com", "b.example.com"], ["/a", "/b"], {"x-env": ["1", "2"]})
    (problem,) = condition_problems(six)
    assert problem.prop == "ingress"
    assert "at most 5 condition values" in problem.allowed
    assert "6 given" in problem.allowed


def test_at_most_three_values_per_condition() -> None:
    # ELB guide, "Condition types for listener rules": up to three match evaluations per
    # condition, five per rule; four hosts in one rule are five or fewer values but fail.
    three = cond(["a.example.com", "b.example.com", "c.example.com"], ["/a"])
    assert condition_problems(three) == []
    four_hosts = ["a.example.com", "b.example.com", "c.example.com", "d.example.com"]
    four = cond(four_hosts, headers={"x-env": ["1", "2", "3", "4"]})
    problems = condition_problems(four)
    assert [p.prop for p in problems] == [
        "ingress",  # 8 values in the rule
        "ingress.hosts",
        "ingress.headers['x-env']",
    ]
    assert "at most 3 values per condition (4 given" in problems[1].allowed
    assert problem_props(cond(paths=["/a", "/b", "/c", "/d"])) == ["ingress.paths"]


def test_at_most_five_wildcards_per_rule() -> None:
    assert condition_problems(cond(["*.example.com"], ["/a/*/b/*", "/?/*"])) == []
    (problem,) = condition_problems(cond(["*.example.com"], ["/a/*/b/*", "/?/*/*"]))
    assert "at most 5 wildcards" in problem.allowed
    assert "6 given" in problem.allowed


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "api.example.com",
        "*.example.com",
        "api-?.example.com",
        "a" * 124 + ".com",
        "xn--bcher-kva.example",
    ],
)
def test_valid_hosts(host: str) -> None:
    assert condition_problems(cond([host])) == []


@pytest.mark.parametrize(
    "host",
    [
        "localhost",  # no "."
        "10.0.0.1",  # digits after the last "."
        "example.*",  # a wildcard after the last "."
        "https://example.com",  # a scheme
        "example.com:8443",  # a port
        "api_v1.example.com",  # "_"
        "a" * 125 + ".com",  # 129 characters
        "example.com/api",  # a path
        "",
    ],
)
def test_invalid_hosts_are_refused_naming_the_prop(host: str) -> None:
    problems = condition_problems(cond([host]))
    assert problems
    assert {p.prop for p in problems} == {"ingress.hosts"}
    assert all(p.value == host.lower() for p in problems)
    assert any("DNS name" in p.allowed or "at most 128" in p.allowed for p in problems)


@pytest.mark.parametrize(
    "path", ["/", "/*", "/api/*", "/v?/items", "/a_b-c.d$e~f'g\"h@i:j+k&l", "/" + "a" * 127]
)
def test_valid_paths(path: str) -> None:
    assert condition_problems(cond(paths=[path])) == []


@pytest.mark.parametrize(
    "path", ["api/*", "/a b", "/a%20b", "/a#b", "/a=b", "/é", "/" + "a" * 128, "", "*"]
)
def test_invalid_paths_are_refused_naming_the_prop(path: str) -> None:
    problems = condition_problems(cond(paths=[path]))
    assert problems
    assert {p.prop for p in problems} == {"ingress.paths"}
    assert all(p.value == path for p in problems)


def test_the_128_character_limits_say_the_length() -> None:
    (problem,) = condition_problems(cond(paths=["/" + "a" * 128]))
    assert "at most 128 characters (129 given)" in problem.allowed


@pytest.mark.parametrize("name", ["x-env", "X-Canary", "a" * 40, "x!#$%&'+-.^_`|~"])
def test_valid_header_names(name: str) -> None:
    assert condition_problems(cond(headers={name: ["1"]})) == []


@pytest.mark.parametrize("name", ["", "a" * 41, "x env", "x:env", "x-*", "x-?", "Host", "HOST"])
def test_invalid_header_names_are_refused(name: str) -> None:
    problems = condition_problems(cond(headers={name: ["1"]}))
    assert [p.prop for p in problems] == ["ingress.headers"]
    assert "not Host" in problems[0].allowed


def test_header_names_differing_only_in_case_are_refused() -> None:
    problems = condition_problems(cond(headers={"X-Env": ["a"], "x-env": ["b"]}))
    assert [p.prop for p in problems] == ["ingress.headers"]
    assert "each header name once" in problems[0].allowed


def test_header_values_are_one_to_128_characters_and_at_least_one() -> None:
    assert condition_problems(cond(headers={"x-a": ["v" * 128]})) == []
    assert problem_props(cond(headers={"x-a": []})) == ["ingress.headers['x-a']"]
    assert problem_props(cond(headers={"x-a": [""]})) == ["ingress.headers['x-a']"]
    assert problem_props(cond(headers={"x-a": ["v" * 129]})) == ["ingress.headers['x-a']"]


def test_the_prop_prefix_is_the_callers() -> None:
    assert problem_props(cond(["localhost"])) == ["ingress.hosts"]
    assert [p.prop for p in condition_problems(cond(["localhost"]), "route")] == ["route.hosts"]


def test_tokens_pass_unchecked() -> None:
    tokens = cond([Aws.STACK_NAME], [Aws.REGION], {Aws.PARTITION: [Aws.ACCOUNT_ID]})
    assert condition_problems(tokens) == []
    assert priority_problems(Token.as_number(Aws.ACCOUNT_ID)) == []


# --- priorities ---------------------------------------------------------------------------------


@pytest.mark.parametrize("priority", [None, 1, 999, 50_000])
def test_valid_priorities(priority: int | None) -> None:
    assert priority_problems(priority) == []


@pytest.mark.parametrize("priority", [0, -1, 50_001, True, False, 5.0, "5"])
def test_invalid_priorities_are_refused(priority: object) -> None:
    (problem,) = priority_problems(priority)
    assert problem.prop == "ingress.priority"
    assert problem.value == priority
    assert "from 1 to 50000" in problem.allowed
    assert [p.prop for p in priority_problems(priority, "route.priority")] == ["route.priority"]


@pytest.mark.parametrize(
    ("conditions", "low"),
    [
        (cond(["a.example.com"], ["/api/*"], {"x-canary": ["1"]}), 1_000),
        (cond(headers={"x-canary": ["1"]}), 1_000),
        (cond(["a.example.com"], ["/api/*"]), 11_000),
        (cond(paths=["/api/*"]), 21_000),
        (cond(["a.example.com"]), 31_000),
        (cond(["a.example.com"], ["/*"]), 31_000),
        (cond(paths=["/*"]), 41_000),
        (cond(paths=["/api/*", "/*"]), 41_000),
    ],
)
def test_derived_priorities_are_banded_by_specificity(
    conditions: RouteConditions, low: int
) -> None:
    band = band_of(conditions)
    assert band.low == low
    assert band.low <= derived_priority("Shop/Web", conditions) <= band.high


def test_derived_priorities_are_pinned() -> None:
    """Changing the derivation would renumber every deployed rule of every fleet."""
    assert derived_priority("Shop/Web", cond(["a.example.com"])) == 36_385
    assert derived_priority("Platform/Api", cond(paths=["/api/*"])) == 23_531
    assert derived_priority("Shop/Web", cond(paths=["/*"])) == 45_385


def test_bands_leave_1_to_999_for_explicit_priorities_and_do_not_overlap() -> None:
    assert BANDS[0].low == 1_000
    assert BANDS[-1].high <= 50_000
    for lower, upper in itertools.pairwise(BANDS):
        assert lower.high < upper.low


# --- overlap ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (cond(["a.example.com"]), cond(["b.example.com"]), False),
        (cond(["a.example.com"]), cond(["*.example.com"]), True),
        (cond(["A.example.com"]), cond(["a.EXAMPLE.com"]), True),
        (cond(["*.a.example.com"]), cond(["*.b.example.com"]), False),
        (cond(["a*.com"]), cond(["*b.com"]), True),
        (cond(["api-?.example.com"]), cond(["api-10.example.com"]), False),
        (cond(["a.example.com"]), cond(paths=["/api/*"]), True),
        (cond(paths=["/api/*"]), cond(paths=["/web/*"]), False),
        (cond(paths=["/api/*"]), cond(paths=["/*"]), True),
        (cond(paths=["/API"]), cond(paths=["/api"]), False),
        (cond(paths=["/api/*/x"]), cond(paths=["/*/v1/*"]), True),
        (cond(["a.example.com"], ["/x"]), cond(["b.example.com"], ["/x"]), False),
        (cond(headers={"x-env": ["blue"]}), cond(headers={"x-env": ["green"]}), False),
        (cond(headers={"x-env": ["BLUE"]}), cond(headers={"X-Env": ["blue"]}), True),
        (cond(headers={"x-env": ["b*"]}), cond(headers={"x-env": ["*e"]}), True),
        (cond(headers={"x-env": ["blue"]}), cond(headers={"x-team": ["web"]}), True),
        (cond(headers={"x-env": ["blue"]}), cond(paths=["/*"]), True),
    ],
)
def test_overlaps(a: RouteConditions, b: RouteConditions, expected: bool) -> None:
    assert overlaps(a, b) is expected
    assert overlaps(b, a) is expected


# --- claim --------------------------------------------------------------------------------------


def refusal(
    table: RouteTable,
    owner: str,
    conditions: RouteConditions,
    priority: int | None,
    target_groups: int = 1,
) -> ConfigurationError:
    before = table.routes
    with pytest.raises(ConfigurationError) as err:
        table.claim(owner, conditions, priority, target_groups=target_groups)
    assert table.routes == before, "a refused route must not be recorded"
    return err.value


def test_claim_returns_the_given_or_the_derived_priority() -> None:
    table = RouteTable()
    assert table.claim("Shop/Api", cond(paths=["/api/*"]), 7, target_groups=1) == 7
    web = cond(["shop.example.com"])
    assert table.claim("Shop/Web", web, None, target_groups=2) == derived_priority("Shop/Web", web)
    assert [(r.owner, r.derived) for r in table.routes] == [("Shop/Api", False), ("Shop/Web", True)]
    assert table.target_group_count == 3
    assert table.rule_count == 3  # a blue/green route: a production and a test rule


def test_rules_can_be_given() -> None:
    table = RouteTable()
    table.claim("Shop/Web", cond(["shop.example.com"]), None, target_groups=2, rules=1)
    assert table.rule_count == 1


def test_the_same_priority_twice_is_refused_naming_both() -> None:
    table = RouteTable()
    table.claim("Shop/Api", cond(paths=["/api/*"]), 7, target_groups=1)
    err = refusal(table, "Shop/Web", cond(paths=["/web/*"]), 7)
    assert err.props == ("ingress.priority",)
    assert err.props_class == "WebServiceProps"
    assert "'Shop/Api' already has 7" in str(err)
    assert "'Shop/Web'" in str(err)


def test_a_given_priority_equal_to_a_derived_one_is_refused() -> None:
    table = RouteTable()
    web = cond(["shop.example.com"])
    derived = table.claim("Shop/Web", web, None, target_groups=1)
    err = refusal(table, "Shop/Api", cond(paths=["/api/*"]), derived)
    assert err.props == ("ingress.priority",)
    assert "'Shop/Web'" in str(err)
    assert "'Shop/Api'" in str(err)


def _colliding_identities() -> tuple[str, str]:
    hosts = cond(["x.example.com"])
    seen: dict[int, str] = {}
    for i in itertools.count():
        owner = f"Fleet/Service{i}"
        p = derived_priority(owner, hosts)
        if p in seen:
            return seen[p], owner
        seen[p] = owner
    raise AssertionError("unreachable")


def test_colliding_derived_priorities_are_refused_with_a_free_one_suggested() -> None:
    first, second = _colliding_identities()
    table = RouteTable()
    priority = table.claim(first, cond(["a.example.com"]), None, target_groups=1)
    err = refusal(table, second, cond(["b.example.com"]), None)
    assert err.props == ("ingress.priority",)
    assert f"{first!r} already has {priority}" in str(err)
    assert f"{second!r} would get it too (derived from its construct path)" in str(err)
    assert "31000 is free in the same band" in str(err)


def test_identical_conditions_are_refused_naming_both_even_with_priorities() -> None:
    table = RouteTable()
    table.claim("Shop/Api", cond(["API.example.com"], ["/v1/*", "/v2/*"]), 10, target_groups=1)
    err = refusal(table, "Shop/Api2", cond(["api.example.com"], ["/v2/*", "/v1/*"]), 20)
    assert err.props == ("ingress",)
    assert "'Shop/Api' already routes the same requests" in str(err)
    assert "'Shop/Api2'" in str(err)


def test_a_catch_all_path_is_the_same_as_no_path_condition() -> None:
    table = RouteTable()
    table.claim("Shop/Web", cond(["shop.example.com"]), 10, target_groups=1)
    err = refusal(table, "Shop/Web2", cond(["shop.example.com"], ["/*"]), 20)
    assert "already routes the same requests" in str(err)


def test_overlapping_derived_routes_in_one_band_are_refused_naming_both() -> None:
    table = RouteTable()
    table.claim("Shop/Web", cond(["*.example.com"]), None, target_groups=1)
    err = refusal(table, "Shop/Api", cond(["api.example.com"]), None)
    assert err.props == ("ingress",)
    message = str(err)
    assert "'Shop/Web'" in message
    assert "'Shop/Api'" in message
    assert "routes with hosts only" in message
    assert "Set ingress priority on 'Shop/Api' or 'Shop/Web'" in message


def test_overlapping_routes_are_accepted_when_a_priority_orders_them() -> None:
    table = RouteTable()
    table.claim("Shop/Web", cond(["*.example.com"]), None, target_groups=1)
    assert table.claim("Shop/Api", cond(["api.example.com"]), 100, target_groups=1) == 100


def test_overlapping_derived_routes_in_different_bands_are_accepted() -> None:
    """The bands order them: the path-only route is evaluated before the host-only one."""
    table = RouteTable()
    web = table.claim("Shop/Web", cond(["shop.example.com"]), None, target_groups=1)
    api = table.claim("Shop/Api", cond(paths=["/api/*"]), None, target_groups=1)
    assert api < web


def test_disjoint_derived_routes_in_one_band_are_accepted() -> None:
    table = RouteTable()
    table.claim("Shop/Blue", cond(headers={"x-env": ["blue"]}), None, target_groups=1)
    table.claim("Shop/Green", cond(headers={"x-env": ["green"]}), None, target_groups=1)
    assert len(table.routes) == 2


def test_one_route_per_owner() -> None:
    table = RouteTable()
    table.claim("Shop/Web", cond(["a.example.com"]), None, target_groups=1)
    err = refusal(table, "Shop/Web", cond(["b.example.com"]), None)
    assert "one route per service" in str(err)


def test_more_than_100_target_groups_are_refused_with_the_count() -> None:
    table = RouteTable()
    for i in range(49):
        table.claim(f"Fleet/Svc{i}", cond([f"s{i}.example.com"]), 1000 + i, target_groups=2)
    table.claim("Fleet/Rolling", cond(["r.example.com"]), 900, target_groups=1)
    assert table.target_group_count == 99
    err = refusal(table, "Fleet/Late", cond(["late.example.com"]), 901, target_groups=2)
    message = str(err)
    assert "at most 100 target groups per load balancer" in message
    assert "99 are used by 50 services ('Fleet/Svc0'" in message
    assert "and 45 more" in message
    assert "'Fleet/Late' needs 2 more" in message
    assert table.claim("Fleet/Last", cond(["last.example.com"]), 902, target_groups=1) == 902
    assert table.target_group_count == RouteTable.MAX_TARGET_GROUPS


def test_invalid_conditions_and_priority_are_refused_together_by_the_props_class() -> None:
    table = RouteTable()
    with pytest.raises(ConfigurationError) as err:
        table.claim("Shop/Web", cond(["localhost"]), 0, target_groups=1, props_name="Other")
    assert err.value.props_class == "Other"
    assert err.value.props == ("ingress.hosts", "ingress.priority")
    assert table.routes == ()


@pytest.mark.parametrize("target_groups", [0, 3, True])
def test_target_groups_must_be_one_or_two(target_groups: int) -> None:
    err = refusal(RouteTable(), "Shop/Web", cond(["a.example.com"]), None, target_groups)
    assert err.props == ("target_groups",)


def test_token_priorities_pass_and_never_clash() -> None:
    table = RouteTable()
    token = cast(int, Token.as_number(Aws.ACCOUNT_ID))  # a number token is a float
    assert table.claim("Shop/A", cond(["a.example.com"]), token, target_groups=1) == token
    assert table.claim("Shop/B", cond(["b.example.com"]), token, target_groups=1) == token


# --- properties ---------------------------------------------------------------------------------

# Small alphabets, so that overlaps, collisions and identical conditions are frequent.
_label = st.text("ab*?", min_size=1, max_size=4)
_hosts = st.builds(lambda a, b: f"{a}.{b}", _label, st.sampled_from(["com", "org", "*"]))
_paths = st.builds(lambda parts: "/" + "/".join(parts), st.lists(_label, max_size=3))
_header_values = st.lists(st.text("ab*", min_size=1, max_size=3), min_size=1, max_size=2)
_headers = st.dictionaries(st.sampled_from(["x-env", "x-team"]), _header_values, max_size=2)
conditions = st.builds(
    cond,
    st.lists(_hosts, max_size=2),
    st.lists(_paths, max_size=2),
    _headers,
)
valid_conditions = conditions.filter(lambda c: not condition_problems(c))
owners = st.text("AB/x", min_size=1, max_size=6)
priorities = st.one_of(st.none(), st.integers(1, 12))


def _matches(pattern: str, value: str) -> bool:
    """ELB wildcard matching, written independently of the module under test."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _request_matches(c: RouteConditions, host: str, path: str, headers: dict[str, str]) -> bool:
    if c.hosts and not any(_matches(h.lower(), host.lower()) for h in c.hosts):
        return False
    if c.paths and not any(_matches(p, path) for p in c.paths):
        return False
    return all(
        name in headers and any(_matches(v.lower(), headers[name].lower()) for v in values)
        for name, values in c.headers
    )


@given(identity=st.text(), c=conditions)
def test_derived_priority_is_deterministic_and_in_its_band(
    identity: str, c: RouteConditions
) -> None:
    priority = derived_priority(identity, c)
    assert priority == derived_priority(identity, c)
    band = band_of(c)
    assert band.low <= priority <= band.high
    assert 1_000 <= priority <= 49_999


@given(
    routes=st.lists(
        st.tuples(owners, valid_conditions, priorities), max_size=6, unique_by=lambda r: r[0]
    ),
    data=st.data(),
)
def test_claims_do_not_depend_on_order_or_on_other_routes(
    routes: list[tuple[str, RouteConditions, int | None]], data: st.DataObject
) -> None:
    table = RouteTable()
    try:
        got = {owner: table.claim(owner, c, p, target_groups=1) for owner, c, p in routes}
    except ConfigurationError:
        assume(False)
        return
    for owner, c, p in routes:  # a route's priority is its own: given, or from its identity
        assert got[owner] == (derived_priority(owner, c) if p is None else p)
    shuffled = data.draw(st.permutations(routes))
    other = RouteTable()
    assert {owner: other.claim(owner, c, p, target_groups=1) for owner, c, p in shuffled} == got
    # A route claimed later, accepted or refused, never changes an earlier one.
    extra = data.draw(st.tuples(owners, conditions, priorities))
    before = table.routes
    try:
        table.claim(*extra, target_groups=1)
    except ConfigurationError:
        assert table.routes == before
    else:
        assert table.routes[: len(before)] == before


@given(a=conditions, b=conditions)
def test_overlaps_is_symmetric(a: RouteConditions, b: RouteConditions) -> None:
    assert overlaps(a, b) == overlaps(b, a)


@given(
    a=conditions,
    b=conditions,
    host=st.text("ab.comrg", max_size=8),
    path=st.text("/ab", max_size=6),
    env=st.text("ab", max_size=3),
)
def test_overlaps_never_misses_a_request_both_match(
    a: RouteConditions, b: RouteConditions, host: str, path: str, env: str
) -> None:
    headers = {"x-env": env}
    if _request_matches(a, host, path, headers) and _request_matches(b, host, path, headers):
        assert overlaps(a, b)


def _generalised(value: str, draw: st.DrawFn) -> str:
    """A pattern that matches ``value``: some characters become '?', some runs '*'."""
    out, i = [], 0
    while i < len(value):
        kind = draw(st.sampled_from(["keep", "keep", "?", "*"]))
        if kind == "*":
            run = draw(st.integers(0, len(value) - i))
            out.append("*")
            i += run
            if run == 0:
                out.append(value[i])
                i += 1
        else:
            out.append(value[i] if kind == "keep" else "?")
            i += 1
    return "".join(out)


@st.composite
def _matching(draw: st.DrawFn, host: str, path: str, env: str) -> RouteConditions:
    """Conditions that match the request (host, path, x-env: env) by construction."""
    hosts = draw(st.lists(st.just(host).map(lambda h: _generalised(h, draw)), max_size=1))
    paths = draw(st.lists(st.just(path).map(lambda p: _generalised(p, draw)), max_size=1))
    headers = draw(st.sampled_from([{}, {"x-env": [_generalised(env, draw)]}]))
    return cond(hosts, paths, headers)


@given(
    host=st.text("ab.", min_size=1, max_size=8),
    path=st.text("/ab", min_size=1, max_size=6),
    env=st.text("ab", min_size=1, max_size=3),
    data=st.data(),
)
def test_routes_matching_one_request_overlap(
    host: str, path: str, env: str, data: st.DataObject
) -> None:
    a = data.draw(_matching(host, path, env))
    b = data.draw(_matching(host, path, env))
    assert _request_matches(a, host, path, {"x-env": env})
    assert _request_matches(b, host, path, {"x-env": env})
    assert overlaps(a, b)


@given(a=st.text("ab*?", max_size=3), b=st.text("ab*?", max_size=3))
def test_overlap_of_two_patterns_is_exact(a: str, b: str) -> None:
    """Two patterns overlap exactly when some string matches both (a shortest one is no longer
    than both patterns together and needs no letter beyond theirs and one more)."""
    witnesses = (
        "/" + "".join(chars)
        for n in range(len(a) + len(b) + 1)
        for chars in itertools.product("abc", repeat=n)
    )
    expected = any(_matches("/" + a, w) and _matches("/" + b, w) for w in witnesses)
    assert overlaps(cond(paths=["/" + a]), cond(paths=["/" + b])) is expected


@given(c=conditions)
def test_conditions_overlap_themselves(c: RouteConditions) -> None:
    assert overlaps(c, c)


@given(
    c=valid_conditions,
    first=priorities,
    second=priorities,
)
def test_identical_conditions_are_always_refused(
    c: RouteConditions, first: int | None, second: int | None
) -> None:
    # The same conditions as a user might write them again: other order, other case.
    hosts = [h.upper() for h in reversed(c.hosts)]
    same = cond(hosts, list(reversed(c.paths)), {n.upper(): list(v) for n, v in c.headers})
    table = RouteTable()
    table.claim("Shop/First", c, first, target_groups=1)
    with pytest.raises(ConfigurationError) as err:
        table.claim("Shop/Second", same, second, target_groups=1)
    assert "'Shop/First'" in str(err.value)
    assert "'Shop/Second'" in str(err.value)
    assert "already routes the same requests" in str(err.value)


_anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5))


@given(
    claims=st.lists(
        st.tuples(
            st.one_of(st.text(max_size=8), _anything),
            st.lists(st.one_of(st.text(max_size=20), _hosts), max_size=4),
            st.lists(st.one_of(st.text(max_size=20), _paths), max_size=4),
            st.dictionaries(
                st.text(max_size=8), st.lists(st.text(max_size=8), max_size=3), max_size=3
            ),
            st.one_of(priorities, _anything, st.integers(-5, 60_000)),
            st.one_of(st.integers(-1, 4), _anything),
        ),
        max_size=5,
    )
)
def test_claim_raises_nothing_but_configuration_error(claims: list[tuple[object, ...]]) -> None:
    table = RouteTable()
    for owner, hosts, paths, headers, priority, target_groups in claims:
        try:
            c = RouteConditions.of(hosts, paths, headers)  # type: ignore[arg-type]
            table.claim(owner, c, priority, target_groups=target_groups)  # type: ignore[arg-type]
        except ConfigurationError:
            pass
