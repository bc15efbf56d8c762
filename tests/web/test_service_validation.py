"""WebServiceProps validation: each bad input is rejected, naming the prop, before any resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

IMAGE_OBJECT = ecs.ContainerImage.from_registry(IMAGE)


@pytest.fixture(scope="module")
def stack() -> Stack:
    return new_stack("Validation")


@pytest.fixture(scope="module")
def certificate(stack: Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)


@pytest.fixture(scope="module")
def repository(stack: Stack) -> ep.EcrRepository:
    return ep.EcrRepository(stack, "Repo")


@pytest.fixture
def image() -> ecs.ContainerImage:
    return ecs.ContainerImage.from_registry(IMAGE)


@pytest.fixture
def valid(certificate: acm.ICertificate, image: ecs.ContainerImage) -> dict[str, Any]:
    """The smallest valid WebServiceProps, as keyword arguments, that each case then breaks."""
    return {
        "container": ep.ContainerOptions(image=image),
        "load_balancer": ep.LoadBalancerOptions(certificate=certificate),
    }


def _fails(cls: Callable[..., object], prop: str, **kwargs: Any) -> ep.ConfigurationError:
    """``cls(**kwargs)`` is refused by ``cls`` itself, naming ``prop``."""
    with pytest.raises(ep.ConfigurationError) as err:
        cls(**kwargs)
    assert err.value.props_class == getattr(cls, "__name__", "")
    assert prop in err.value.props, str(err.value)
    assert f"{prop}=" in str(err.value)
    return err.value


def test_the_minimal_props_are_valid_and_start_at_min_capacity(valid: dict[str, Any]) -> None:
    props = ep.WebServiceProps(**valid)
    assert props.effective_desired_count == 2
    assert props.port == 8080  # the web default, while the container names no port
    assert props.container.port is None


def test_fails_on_invalid_cpu_memory_pair() -> None:
    err = _fails(ep.TaskOptions, "memory_mib", cpu=256, memory_mib=4096)
    assert "with cpu=256: 512, 1024, 2048" in str(err)


def test_fails_on_desired_count_beyond_the_ecs_limit_on_its_own() -> None:
    # Found by tests/property: with max_capacity also out of range, only max_capacity was named.
    _fails(ep.PlacementOptions, "desired_count", desired_count=5001)
    _fails(ep.ScalingOptions, "max_capacity", max_capacity=5001)


@pytest.mark.parametrize("name", ["", "my service", "web/1", "w" * 256])
def test_fails_on_service_name_ecs_rejects(name: str) -> None:
    # Found by tests/property: any string reached the template; ECS allows 1-255 [A-Za-z0-9_-].
    _fails(ep.PlacementOptions, "service_name", service_name=name)


def test_fails_on_a_deploy_time_container_port(image: ecs.ContainerImage) -> None:
    # Found by tests/property: a token port reached the security-group rules, which the NIST,
    # HIPAA and PCI packs then could not evaluate (six error findings).
    port = CfnParameter(new_stack(), "Port", type="Number").value_as_number
    err = _fails(ep.ContainerOptions, "port", image=image, port=port)
    assert "known at synthesis" in str(err)


@pytest.mark.parametrize(
    ("cls", "prop"),
    [
        (ep.HealthCheck, "interval"),
        (ep.HealthCheck, "timeout"),
        (ep.TargetGroupOptions, "health_check_interval"),
        (ep.TargetGroupOptions, "health_check_timeout"),
        (ep.TargetGroupOptions, "slow_start"),
    ],
)
def test_fails_on_a_deploy_time_token_where_aws_cdk_lib_needs_a_literal(
    cls: Callable[..., object], prop: str
) -> None:
    # Found by tests/property: these passed as tokens and aws-cdk-lib then raised a jsii error
    # (range checks and unit conversions at synthesis).
    token = Duration.seconds(CfnParameter(new_stack(), "P", type="Number").value_as_number)
    err = _fails(cls, prop, **{prop: token})
    assert "known at synthesis" in str(err)


@pytest.mark.parametrize("name", ["DB_PASSWORD", "API_TOKEN", "client_secret"])
def test_fails_on_a_secret_looking_plain_environment_variable(
    image: ecs.ContainerImage, name: str
) -> None:
    # Found by tests/property (deep): accepted, then EcsPatterns-PlaintextSecret failed the stack.
    err = _fails(ep.ContainerOptions, "environment", image=image, environment={name: "x"})
    assert "secrets" in err.problems[0].fix


@pytest.mark.parametrize("port", [0, 65536])
def test_fails_on_port_outside_1_to_65535(image: ecs.ContainerImage, port: int) -> None:
    err = _fails(ep.ContainerOptions, "port", image=image, port=port)
    assert str(err).startswith(f"ContainerOptions: 1 problem:\n  - port={port} is not valid")


def test_fails_when_health_check_timeout_is_not_below_interval() -> None:
    err = _fails(
        ep.HealthCheck,
        "timeout",
        interval=Duration.seconds(10),
        timeout=Duration.seconds(10),
    )
    assert "less than interval (10s)" in str(err)


def test_fails_when_min_capacity_exceeds_max() -> None:
    _fails(ep.ScalingOptions, "min_capacity", min_capacity=5, max_capacity=4)


def test_fails_when_min_capacity_is_below_1_for_a_web_service(valid: dict[str, Any]) -> None:
    # ScalingOptions allows 0 (a worker may scale to zero); a web service with 0 tasks serves 503s.
    scaling = ep.ScalingOptions(min_capacity=0)
    err = _fails(ep.WebServiceProps, "scaling.min_capacity", **valid, scaling=scaling)
    assert "503" in err.problems[0].fix


@pytest.mark.parametrize("desired", [1, 11])
def test_fails_when_desired_count_is_outside_min_max(valid: dict[str, Any], desired: int) -> None:
    placement = ep.PlacementOptions(desired_count=desired)
    scaling = ep.ScalingOptions(min_capacity=2, max_capacity=10)
    err = _fails(
        ep.WebServiceProps,
        "placement.desired_count",
        **valid,
        placement=placement,
        scaling=scaling,
    )
    assert "scaling.min_capacity (2)" in str(err)


def test_fails_on_https_without_certificate() -> None:
    err = _fails(ep.LoadBalancerOptions, "certificate")
    assert "allow_plain_http=True" in str(err)


def test_fails_on_certificate_with_plain_http(certificate: acm.ICertificate) -> None:
    _fails(
        ep.LoadBalancerOptions, "allow_plain_http", certificate=certificate, allow_plain_http=True
    )


def test_fails_on_both_image_and_repository(
    image: ecs.ContainerImage, repository: ep.EcrRepository
) -> None:
    _fails(ep.ContainerOptions, "image", image=image, repository=repository, image_tag="prod-1")


def test_fails_on_neither_image_nor_repository() -> None:
    _fails(ep.ContainerOptions, "image")


def test_fails_on_repository_without_tag(repository: ep.EcrRepository) -> None:
    _fails(ep.ContainerOptions, "image_tag", repository=repository)


def test_fails_on_latest_tag_with_a_fix(repository: ep.EcrRepository) -> None:
    err = _fails(ep.ContainerOptions, "image_tag", repository=repository, image_tag="latest")
    assert "prod-<git sha>" in str(err)


def test_an_imported_repository_is_accepted(stack: Stack) -> None:
    imported = ecr.Repository.from_repository_name(stack, "Imported", "team/web")
    options = ep.ContainerOptions(repository=imported, image_tag="prod-1")
    assert options.repository is imported


def test_fails_when_interval_times_healthy_threshold_exceeds_30s() -> None:
    err = _fails(
        ep.TargetGroupOptions,
        "healthy_threshold",
        health_check_interval=Duration.seconds(20),
        healthy_threshold=2,
    )
    assert "interval x threshold <= 30 s" in str(err)


@pytest.mark.parametrize(
    ("cls", "overrides", "prop"),
    [
        (ep.TaskOptions, {"cpu": 300}, "cpu"),
        (ep.TaskOptions, {"ephemeral_storage_gib": 20}, "ephemeral_storage_gib"),
        (ep.HealthCheck, {"interval": Duration.seconds(4)}, "interval"),
        (ep.HealthCheck, {"retries": 11}, "retries"),
        (ep.HealthCheck, {"start_period": Duration.seconds(301)}, "start_period"),
        (ep.HealthCheck, {"path": "health"}, "path"),
        (ep.HealthCheck, {"path": "/health;reboot"}, "path"),
        (ep.HealthCheck, {"command": ["curl", "-f", "x"]}, "command"),
        (ep.LoggingOptions, {"retention": logs.RetentionDays.INFINITE}, "retention"),
        (ep.ContainerOptions, {"image": IMAGE_OBJECT, "user": " "}, "user"),
        (ep.ContainerOptions, {"image": IMAGE_OBJECT, "name": "my app"}, "name"),
        (
            ep.ContainerOptions,
            {"image": IMAGE_OBJECT, "memory_reservation_mib": 5},
            "memory_reservation_mib",
        ),
        (ep.ContainerOptions, {"image": IMAGE_OBJECT, "environment": {"1BAD": "x"}}, "environment"),
        (
            ep.ContainerOptions,
            {"image": IMAGE_OBJECT, "stop_timeout": Duration.seconds(121)},
            "stop_timeout",
        ),
        (
            ep.TargetGroupOptions,
            {"health_check_timeout": Duration.seconds(10)},
            "health_check_timeout",
        ),
        (ep.TargetGroupOptions, {"unhealthy_threshold": 1}, "unhealthy_threshold"),
        (
            ep.TargetGroupOptions,
            {"deregistration_delay": Duration.seconds(3601)},
            "deregistration_delay",
        ),
        (ep.TargetGroupOptions, {"slow_start": Duration.seconds(10)}, "slow_start"),
        (ep.TargetGroupOptions, {"requests_per_target": 0}, "requests_per_target"),
        (
            ep.LoadBalancerOptions,
            {"allow_plain_http": True, "ingress_cidrs": ["10.0.0.1/8"]},
            "ingress_cidrs",
        ),
        (
            ep.LoadBalancerOptions,
            {"allow_plain_http": True, "ingress_cidrs": ["not-a-cidr"]},
            "ingress_cidrs",
        ),
        (ep.LoadBalancerOptions, {"allow_plain_http": True, "ingress_cidrs": []}, "ingress_cidrs"),
        (
            ep.LoadBalancerOptions,
            {"allow_plain_http": True, "ingress_prefix_lists": ["sg-0123"]},
            "ingress_prefix_lists",
        ),
        (
            ep.LoadBalancerOptions,
            {"allow_plain_http": True, "access_log_expiry_days": 0},
            "access_log_expiry_days",
        ),
        (
            ep.LoadBalancerOptions,
            {"allow_plain_http": True, "web_acl_arn": "arn:aws:waf::123456789012:webacl/x"},
            "web_acl_arn",
        ),
        (ep.ScalingOptions, {"cpu_target_percent": 95}, "cpu_target_percent"),
        (ep.ScalingOptions, {"memory_target_percent": 5}, "memory_target_percent"),
        (ep.ScalingOptions, {"scale_in_cooldown": Duration.hours(2)}, "scale_in_cooldown"),
    ],
)
def test_fails_on_other_invalid_options(
    cls: Callable[..., object], overrides: dict[str, Any], prop: str
) -> None:
    _fails(cls, prop, **overrides)


@pytest.mark.parametrize(
    ("container", "task", "placement", "prop"),
    [
        ({}, {}, {"enable_execute_command": True}, "placement.enable_execute_command"),
        ({}, {"tracing": True}, {}, "task.cpu"),
        (
            {"memory_reservation_mib": 768},
            {"tracing": True, "cpu": 512, "memory_mib": 1024},
            {},
            "task.memory_mib",
        ),
        ({"memory_reservation_mib": 1024}, {}, {}, "container.memory_reservation_mib"),
    ],
)
def test_fails_on_options_that_conflict_across_structs(
    valid: dict[str, Any],
    image: ecs.ContainerImage,
    container: dict[str, Any],
    task: dict[str, Any],
    placement: dict[str, Any],
    prop: str,
) -> None:
    _fails(
        ep.WebServiceProps,
        prop,
        load_balancer=valid["load_balancer"],
        container=ep.ContainerOptions(image=image, **container),
        task=ep.TaskOptions(**task),
        placement=ep.PlacementOptions(**placement),
    )


def test_ecs_exec_is_accepted_with_a_writable_root(valid: dict[str, Any]) -> None:
    props = ep.WebServiceProps(
        load_balancer=valid["load_balancer"],
        container=ep.ContainerOptions(image=IMAGE_OBJECT, readonly_root_filesystem=False),
        placement=ep.PlacementOptions(enable_execute_command=True),
    )
    assert props.placement.enable_execute_command


def test_fails_when_a_variable_is_both_environment_and_secret(
    image: ecs.ContainerImage, stack: Stack
) -> None:
    parameter = ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, "Token", parameter_name="/web/token"
    )
    secret = ecs.Secret.from_ssm_parameter(parameter)
    _fails(
        ep.ContainerOptions,
        "secrets",
        image=image,
        environment={"TOKEN": "x"},
        secrets={"TOKEN": secret},
    )


def test_reports_every_problem_of_a_struct_at_once() -> None:
    err = _fails(ep.ContainerOptions, "image", port=0, name="")
    assert set(err.props) == {"image", "port", "name"}


def test_unresolved_tokens_pass_through(valid: dict[str, Any], stack: Stack) -> None:
    # Number tokens are floats to mypy; cast them as a user would.
    # (the port must be a literal: see test_fails_on_a_deploy_time_container_port.)
    count = cast(int, CfnParameter(stack, "Count", type="Number").value_as_number)
    tag = CfnParameter(stack, "Tag").value_as_string
    health = ep.HealthCheck(retries=count)
    assert health.retries is count
    props = ep.WebServiceProps(
        **valid,
        placement=ep.PlacementOptions(desired_count=count),
        scaling=ep.ScalingOptions(min_capacity=count),
    )
    assert props.effective_desired_count is count
    ep.ContainerOptions(repository=ep.EcrRepository(stack, "R"), image_tag=tag)


def test_fails_on_invalid_scheduled_capacity() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ScheduledCapacity(
            schedule=appscaling.Schedule.cron(hour="8"), min_capacity=5, max_capacity=4
        )
    assert err.value.props == ("min_capacity",)


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"namespace": ""}, "namespace"),
        ({"namespace": "internal", "dns_name": "Web_App"}, "dns_name"),
        ({"namespace": "internal", "port": 70000}, "port"),
    ],
)
def test_fails_on_invalid_service_connect_options(kwargs: dict[str, Any], prop: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ServiceConnectOptions(**kwargs)
    assert err.value.props == (prop,)


def test_fails_on_internal_load_balancer_in_vpc_imported_without_cidr() -> None:
    stack = new_stack("ImportedVpc")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["us-east-1a", "us-east-1b"],
        private_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    )
    cluster = ep.FargateCluster(stack, "Cluster", ep.ClusterProps(vpc=vpc))
    props = ep.WebServiceProps(
        container=ep.ContainerOptions(image=IMAGE_OBJECT),
        cluster=cluster,
        load_balancer=ep.LoadBalancerOptions(internet_facing=False, allow_plain_http=True),
    )
    with pytest.raises(ep.ConfigurationError) as err:
        ep.FargateWebService(stack, "Web", props)
    assert err.value.props == ("load_balancer.ingress_cidrs",)
    assert stack.node.try_find_child("Web") is not None
    assert not stack.node.find_child("Web").node.children  # nothing was built


@pytest.mark.parametrize(
    ("cls", "prop"),
    [
        (ep.HealthCheck, "interval"),
        (ep.TargetGroupOptions, "deregistration_delay"),
        (ep.ContainerOptions, "stop_timeout"),
        (ep.ScalingOptions, "scale_in_cooldown"),
    ],
)
def test_fails_on_a_duration_that_is_not_whole_seconds(
    cls: Callable[..., object], prop: str
) -> None:
    # aws-cdk-lib's to_seconds() raises a jsii error for 1.5 s; the library names the prop instead.
    extra: dict[str, Any] = {"image": IMAGE_OBJECT} if cls is ep.ContainerOptions else {}
    with pytest.raises(ep.ConfigurationError) as raised:
        cls(**extra, **{prop: Duration.millis(10_500)})
    assert [p.prop for p in raised.value.problems] == [prop]
    assert "whole number of seconds" in str(raised.value)
