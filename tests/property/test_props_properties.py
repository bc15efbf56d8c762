"""Props-level properties: every props class either accepts a value or names it in its error.

For each generated combination (valid, invalid, edge values and deploy-time tokens), building the
props object either succeeds, or raises :class:`ecs_patterns.ConfigurationError` whose problems
name only props of that class and include every prop given a value the documentation rejects.
Any other exception (a ``TypeError``, a jsii error, ...) fails the property with its type.
Fast: no synthesis, so each property runs many examples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_ecs as ecs
from hypothesis import given
from hypothesis import strategies as st

import ecs_patterns as ep
from ecs_patterns.core._fargate import check_task_size
from ecs_patterns.core._validation import Checks, is_token
from tests.conftest import CDK_CONTEXT, ENV
from tests.property import strategies as gen
from tests.property.strategies import Spec, build, invalid_props, refusal_problems


@pytest.fixture(scope="module")
def scope() -> Stack:
    """One stack that every example builds its constructs and tokens in."""
    return Stack(App(context=dict(CDK_CONTEXT)), "Props", env=ENV)


@pytest.fixture(scope="module")
def web(scope: Stack) -> ep.FargateWebService:
    """A service whose service, target group and load balancer MonitoringProps can watch."""
    return ep.FargateWebService(
        scope,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(gen.IMAGE), allow_plain_http=True
        ),
    )


def outcome(cls: Callable[..., Any], spec: Spec, scope: Stack, **extra: Any) -> Any:
    """Build ``cls`` from ``spec``; fail unless it is accepted or refused as promised."""
    name = getattr(cls, "__name__", str(cls))
    kwargs = {**build(spec, scope), **extra}
    refusal: ep.ConfigurationError | None = None
    try:
        built = cls(**kwargs)
    except ep.ConfigurationError as err:
        refusal = err
    except Exception as err:  # the property: nothing but ConfigurationError, ever
        pytest.fail(f"{name}({spec}) raised {type(err).__module__}.{type(err).__name__}: {err}")
    if refusal is not None:
        assert refusal_problems(refusal, [cls], spec) == []
        return refusal
    assert not invalid_props(spec), f"{name} accepted invalid {sorted(invalid_props(spec))}"
    return built


@given(spec=gen.repository_specs(bad=True))
def test_repository_props(scope: Stack, spec: Spec) -> None:
    outcome(ep.RepositoryProps, spec, scope)


@given(spec=gen.capacity_specs(bad=True))
def test_capacity_strategy(scope: Stack, spec: Spec) -> None:
    strategy = outcome(ep.CapacityStrategy, spec, scope)
    if isinstance(strategy, ep.CapacityStrategy):
        items = {item.capacity_provider: item for item in strategy.to_cdk()}
        # ECS needs a provider with weight > 0; Spot only beside an on-demand share unless allowed.
        assert any((item.weight or 0) > 0 for item in items.values())
        assert ("FARGATE_SPOT" in items) == strategy.uses_spot
        fargate = items["FARGATE"]
        assert (fargate.base or 0) == strategy.on_demand_base
        if strategy.uses_spot and not strategy.allow_spot_only:
            assert (fargate.base or 0) > 0  # what EcsPatterns-SpotOnly demands


@given(spec=gen.cluster_specs(bad=True))
def test_cluster_props(scope: Stack, spec: Spec) -> None:
    outcome(ep.ClusterProps, spec, scope)


@given(spec=gen.scheduled_capacity_specs(bad=True))
def test_scheduled_capacity(scope: Stack, spec: Spec) -> None:
    outcome(ep.ScheduledCapacity, spec, scope)


@given(spec=gen.service_connect_specs(bad=True))
def test_service_connect_options(scope: Stack, spec: Spec) -> None:
    outcome(ep.ServiceConnectOptions, spec, scope)


@given(spec=gen.web_service_specs(bad=True))
def test_web_service_props(scope: Stack, spec: Spec) -> None:
    outcome(ep.WebServiceProps, spec, scope)


@given(spec=gen.monitoring_specs(bad=True))
def test_monitoring_props(scope: Stack, web: ep.FargateWebService, spec: Spec) -> None:
    outcome(
        ep.MonitoringProps,
        spec,
        scope,
        service=web.service,
        target_group=web.target_group,
        load_balancer=web.load_balancer,
    )


@given(spec=gen.github_repo_specs(bad=True))
def test_github_repo(scope: Stack, spec: Spec) -> None:
    outcome(ep.GitHubRepo, spec, scope)


@given(spec=gen.github_role_specs(bad=True))
def test_github_deploy_role_props(scope: Stack, spec: Spec) -> None:
    outcome(ep.GitHubDeployRoleProps, spec, scope)


# --- pure functions -------------------------------------------------------------------------------

_CPUS = [*gen._FARGATE, 0, 128, 3072, 32768]
_MEMORY = sorted({m for ms in gen._FARGATE.values() for m in ms} | {0, 256, 3000, 131072})


@given(
    cpu=st.one_of(st.sampled_from(_CPUS), st.integers()),
    memory=st.one_of(st.sampled_from(_MEMORY), st.integers()),
)
def test_fargate_task_size_table(cpu: int, memory: int) -> None:
    """The library's table equals the ECS guide's, and a refusal suggests a cpu that fits."""
    checks = Checks("Task")
    check_task_size(checks, cpu, memory)
    valid = memory in gen._FARGATE.get(cpu, [])
    assert ep.fargate_memory_options(cpu) == tuple(gen._FARGATE.get(cpu, []))
    problems = _refused(checks)
    if valid:
        assert problems == [], f"({cpu}, {memory}) is a Fargate size but was refused"
        return
    assert [p.prop for p in problems] == (["cpu"] if cpu not in gen._FARGATE else ["memory_mib"])
    fix = problems[0].fix
    for suggested in (c for c in gen._FARGATE if f"cpu to {c} " in fix):
        assert memory in gen._FARGATE[suggested], fix


def _any_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=5),
        st.lists(st.integers(), max_size=2),
    )


@given(value=_any_values(), low=st.integers(-5, 5), span=st.integers(0, 10))
def test_int_range_judges_any_value(value: Any, low: int, span: int) -> None:
    """Checks.int_range never raises on its own, whatever the type, and accepts exactly ints."""
    checks = Checks("Any")
    checks.int_range("prop", value, low, low + span)
    ok = value is None or (
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= low + span
    )
    assert [p.prop for p in _refused(checks)] == ([] if ok else ["prop"])


@given(amount=st.integers(0, 10**6), token=st.booleans())
def test_duration_range_passes_tokens(scope: Stack, amount: int, token: bool) -> None:
    value = Duration.seconds(gen._number_param(amount).make(scope) if token else amount)
    assert is_token(value) == token
    checks = Checks("Any")
    checks.duration_range("prop", value, 0, 300)
    problems = [p.prop for p in _refused(checks)]
    assert problems == ([] if token or amount <= 300 else ["prop"])


def _refused(checks: Checks) -> list[ep.Problem]:
    try:
        checks.done()
    except ep.ConfigurationError as err:
        return list(err.problems)
    return []
