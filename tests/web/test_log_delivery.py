"""awslogs delivery mode and buffer: chosen explicitly for every container and Service Connect."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import CfnParameter
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk.assertions import Template

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.service import IMAGE

_25_MIB = str(25 * 1024 * 1024) + "b"


def _template(**kwargs: Any) -> dict[str, Any]:
    stack = new_stack("Logs")
    if kwargs.pop("with_service_connect", False):
        namespace = servicediscovery.HttpNamespace(stack, "Namespace", name="internal")
        kwargs["service_connect"] = ep.ServiceConnectOptions(namespace=namespace.namespace_arn)
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE), allow_plain_http=True, **kwargs
        ),
    )
    return dict(Template.from_stack(stack).to_json())


def _resource(template: dict[str, Any], type_: str) -> dict[str, Any]:
    (found,) = [r for r in template["Resources"].values() if r["Type"] == type_]
    return dict(found["Properties"])


def _log_options(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    task = _resource(template, "AWS::ECS::TaskDefinition")
    return {c["Name"]: c["LogConfiguration"]["Options"] for c in task["ContainerDefinitions"]}


def test_app_and_sidecar_log_non_blocking_with_a_25_mib_buffer_by_default() -> None:
    options = _log_options(_template(tracing=True, cpu=512, memory_mib=1024))
    assert set(options) == {"app", "aws-otel-collector"}
    for name, container in options.items():
        assert container["mode"] == "non-blocking", name
        assert container["max-buffer-size"] == _25_MIB, name


def test_service_connect_logs_with_the_same_mode_and_buffer() -> None:
    service = _resource(_template(with_service_connect=True), "AWS::ECS::Service")
    options = service["ServiceConnectConfiguration"]["LogConfiguration"]["Options"]
    assert options["mode"] == "non-blocking"
    assert options["max-buffer-size"] == _25_MIB


def test_blocking_mode_has_no_buffer() -> None:
    options = _log_options(_template(log_driver_mode=ecs.AwsLogDriverMode.BLOCKING))["app"]
    assert options["mode"] == "blocking"
    assert "max-buffer-size" not in options


@pytest.mark.parametrize(("size", "rendered"), [("4m", 4 * 1024**2), ("1g", 1024**3)])
def test_buffer_size_is_an_option(size: str, rendered: int) -> None:
    options = _log_options(_template(log_max_buffer_size=size))["app"]
    assert options["max-buffer-size"] == f"{rendered}b"


@pytest.mark.parametrize("size", ["25MB", "0m", "m", "25", "-4m", "1.5m"])
def test_fails_a_buffer_size_that_is_not_a_size_like_25m(size: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            allow_plain_http=True,
            log_max_buffer_size=size,
        )
    assert err.value.props == ("log_max_buffer_size",)


def test_fails_a_buffer_size_with_blocking_mode() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            allow_plain_http=True,
            log_driver_mode=ecs.AwsLogDriverMode.BLOCKING,
            log_max_buffer_size="25m",
        )
    assert err.value.props == ("log_max_buffer_size",)


def test_fails_a_buffer_size_known_only_at_deploy_time() -> None:
    stack = new_stack("Logs")
    size = CfnParameter(stack, "Size", default="25m").value_as_string
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            allow_plain_http=True,
            log_max_buffer_size=size,
        )
    assert err.value.props == ("log_max_buffer_size",)
