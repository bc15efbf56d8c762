"""BackendServiceProps and ServiceConnectServerOptions: every bad value is a ConfigurationError
naming the prop; deploy-time values pass through unjudged."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aws_cdk import Duration, Token
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_servicediscovery as servicediscovery

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.backend import BACKEND_IMAGE


def _container(**kwargs: Any) -> ep.ContainerOptions:
    return ep.ContainerOptions(image=ecs.ContainerImage.from_registry(BACKEND_IMAGE), **kwargs)


def _props(**kwargs: Any) -> ep.BackendServiceProps:
    return ep.BackendServiceProps(container=_container(), **kwargs)


def _fails(build: Any, prop: str) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as err:
        build()
    assert prop in err.value.props, str(err.value)
    return err.value


def test_defaults_are_valid() -> None:
    props = _props()
    assert props.port == 8080
    assert props.capacity == ep.BACKEND_CAPACITY
    assert props.scaling.memory_target_percent == 70
    assert props.service_connect.per_request_timeout.to_seconds() == 15


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"port_name": "HTTP"}, "port_name"),
        ({"port_name": "-http"}, "port_name"),
        ({"port_name": "h" * 65}, "port_name"),
        ({"discovery_name": "Orders"}, "discovery_name"),
        ({"dns_name": "orders_api"}, "dns_name"),
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"namespace": " "}, "namespace"),
        ({"per_request_timeout": Duration.millis(1500)}, "per_request_timeout"),
        ({"idle_timeout": Duration.millis(500)}, "idle_timeout"),
    ],
)
def test_fails_for_bad_service_connect_options(kwargs: dict[str, Any], prop: str) -> None:
    _fails(lambda: ep.ServiceConnectServerOptions(**kwargs), prop)


def test_zero_timeouts_turn_them_off() -> None:
    options = ep.ServiceConnectServerOptions(
        per_request_timeout=Duration.seconds(0), idle_timeout=Duration.seconds(0)
    )
    assert options.per_request_timeout.to_seconds() == 0


def test_tokens_pass_through() -> None:
    options = ep.ServiceConnectServerOptions(
        namespace=Token.as_string({"Ref": "Ns"}),
        dns_name=Token.as_string({"Ref": "Name"}),
        port=cast("int", Token.as_number({"Ref": "Port"})),
    )
    assert options.port is not None


def test_fails_for_a_backend_that_can_scale_to_zero() -> None:
    error = _fails(
        lambda: _props(scaling=ep.ScalingOptions(min_capacity=0)), "scaling.min_capacity"
    )
    assert "target tracking cannot start a first task" in str(error)


def test_fails_for_desired_count_outside_the_scaling_range() -> None:
    _fails(
        lambda: _props(placement=ep.PlacementOptions(desired_count=20)), "placement.desired_count"
    )


def test_fails_for_exec_with_a_read_only_root() -> None:
    _fails(
        lambda: _props(placement=ep.PlacementOptions(enable_execute_command=True)),
        "placement.enable_execute_command",
    )


def test_fails_for_codedeploy_blue_green() -> None:
    error = _fails(lambda: _props(deployment=ep.CodeDeployBlueGreen()), "service_connect")
    assert "EcsNativeBlueGreen" in str(error)


def test_fails_for_a_test_listener_port_without_a_load_balancer() -> None:
    error = _fails(
        lambda: _props(deployment=ep.EcsNativeBlueGreen(test_listener_port=9443)),
        "deployment.test_listener_port",
    )
    assert "x-amzn-ecs-blue-green-test" in str(error)


@pytest.mark.parametrize(
    "strategy",
    [
        ecs.DeploymentStrategy.BLUE_GREEN,
        ecs.DeploymentStrategy.LINEAR,
        ecs.DeploymentStrategy.CANARY,
    ],
)
def test_ecs_native_strategies_are_accepted(strategy: ecs.DeploymentStrategy) -> None:
    props = _props(deployment=ep.EcsNativeBlueGreen(strategy=strategy))
    assert props.deployment.kind == strategy.value


def test_fails_for_an_http_namespace_for_dns_records() -> None:
    stack = new_stack()
    namespace = servicediscovery.HttpNamespace(stack, "Http", name="internal")
    error = _fails(lambda: _props(cloud_map_namespace=namespace), "cloud_map_namespace")
    assert "PrivateDnsNamespace" in str(error)


def test_fails_for_bad_tags() -> None:
    _fails(lambda: _props(tags={"aws:team": "x"}), "tags")


def test_every_problem_at_once() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        _props(
            scaling=ep.ScalingOptions(min_capacity=0),
            placement=ep.PlacementOptions(enable_execute_command=True),
            deployment=ep.CodeDeployBlueGreen(),
        )
    assert {"scaling.min_capacity", "placement.enable_execute_command", "service_connect"} <= set(
        err.value.props
    )
