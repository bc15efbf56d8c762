"""Props-level properties of the backend's option structs.

Each generated combination (valid, invalid, edge values and deploy-time tokens) of
ServiceConnectServerOptions is accepted, or refused with a ConfigurationError naming every
invalid prop and only props of that class (the shared ``outcome`` check). Accepted backend
props keep at least one task and a desired count within the scaling range. No synthesis.
"""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ecs as ecs
from hypothesis import given
from hypothesis import strategies as st

import ecs_patterns as ep
from ecs_patterns.core._validation import is_token
from tests.conftest import CDK_CONTEXT, ENV
from tests.property import strategies as gen
from tests.property.strategies import Spec
from tests.property.test_props_properties import outcome

_MAX_TIMEOUT = 2_147_483_647


@pytest.fixture(scope="module")
def scope() -> Stack:
    return Stack(App(context=dict(CDK_CONTEXT)), "BackendProps", env=ENV)


def server_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    invalid_dns = st.sampled_from(["", "Orders", "orders_1", "-orders", "orders.", "a" * 254])
    invalid_port_names = st.sampled_from(["", "HTTP", "-http", "h" * 65, "http api"])
    port_names = st.from_regex(r"[a-z0-9_][a-z0-9_-]{0,20}", fullmatch=True)
    return st.fixed_dictionaries(
        {},
        optional={
            "namespace": gen.optional(
                gen.strings(st.sampled_from(["internal", "arn:aws:x"]), st.just(" "), bad=bad)
            ),
            "port_name": gen.strings(port_names, invalid_port_names, bad=bad),
            "discovery_name": gen.optional(gen.strings(gen._dns_names(), invalid_dns, bad=bad)),
            "dns_name": gen.optional(gen.strings(gen._dns_names(), invalid_dns, bad=bad)),
            "port": gen.optional(gen.ints(1, 65535, bad=bad, token=False)),
            "per_request_timeout": gen.seconds(0, _MAX_TIMEOUT, bad=bad),
            "idle_timeout": gen.seconds(0, _MAX_TIMEOUT, bad=bad),
        },
    )


@given(spec=server_specs(bad=True))
def test_service_connect_server_options(scope: Stack, spec: Spec) -> None:
    outcome(ep.ServiceConnectServerOptions, spec, scope)


@given(
    low=st.integers(0, 20),
    high=st.integers(1, 20),
    desired=st.one_of(st.none(), st.integers(0, 25)),
)
def test_backend_props_keep_a_task_and_the_desired_count_in_range(
    low: int, high: int, desired: int | None
) -> None:
    try:
        scaling = ep.ScalingOptions(min_capacity=low, max_capacity=high)
        placement = ep.PlacementOptions(desired_count=desired)
    except ep.ConfigurationError:
        return  # the struct's own properties cover these refusals
    container = ep.ContainerOptions(image=ecs.ContainerImage.from_registry(gen.IMAGE))
    expected = set()
    if low < 1:
        expected.add("scaling.min_capacity")
    if desired is not None and not low <= desired <= high:
        expected.add("placement.desired_count")
    if expected:
        with pytest.raises(ep.ConfigurationError) as refused:
            ep.BackendServiceProps(container=container, scaling=scaling, placement=placement)
        assert set(refused.value.props) == expected
        return
    props = ep.BackendServiceProps(container=container, scaling=scaling, placement=placement)
    assert not is_token(props.effective_desired_count)
    assert 1 <= props.scaling.min_capacity <= props.effective_desired_count <= high
