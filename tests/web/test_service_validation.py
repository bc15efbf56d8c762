"""WebServiceProps validation: each bad input is rejected, naming the prop, before any resource."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ssm as ssm

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.service import CERTIFICATE_ARN, IMAGE


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
def valid(certificate: acm.ICertificate) -> dict[str, Any]:
    """The smallest valid props, as keyword arguments, that each case then breaks."""
    return {"image": ecs.ContainerImage.from_registry(IMAGE), "certificate": certificate}


def _fails(prop: str, **kwargs: Any) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(**kwargs)
    assert prop in err.value.props, str(err.value)
    assert f"{prop}=" in str(err.value)
    return err.value


def test_the_minimal_props_are_valid_and_start_at_min_capacity(valid: dict[str, Any]) -> None:
    assert ep.WebServiceProps(**valid).effective_desired_count == 2


def test_fails_on_invalid_cpu_memory_pair(valid: dict[str, Any]) -> None:
    err = _fails("memory_mib", **valid, cpu=256, memory_mib=4096)
    assert "with cpu=256: 512, 1024, 2048" in str(err)


def test_fails_on_desired_count_beyond_the_ecs_limit_on_its_own(valid: dict[str, Any]) -> None:
    # Found by tests/property: with max_capacity also out of range, only max_capacity was named.
    err = _fails("desired_count", **valid, desired_count=5001, max_capacity=5001)
    assert set(err.props) == {"max_capacity", "desired_count"}


@pytest.mark.parametrize("name", ["", "my service", "web/1", "w" * 256])
def test_fails_on_service_name_ecs_rejects(valid: dict[str, Any], name: str) -> None:
    # Found by tests/property: any string reached the template; ECS allows 1-255 [A-Za-z0-9_-].
    _fails("service_name", **valid, service_name=name)


def test_fails_on_a_deploy_time_container_port(valid: dict[str, Any]) -> None:
    # Found by tests/property: a token port reached the security-group rules, which the NIST,
    # HIPAA and PCI packs then could not evaluate (six error findings).
    port = CfnParameter(new_stack(), "Port", type="Number").value_as_number
    assert "known at synthesis" in str(_fails("container_port", **valid, container_port=port))


@pytest.mark.parametrize(
    "prop",
    [
        "health_check_interval",
        "health_check_timeout",
        "target_health_check_interval",
        "target_health_check_timeout",
        "slow_start",
    ],
)
def test_fails_on_a_deploy_time_token_where_aws_cdk_lib_needs_a_literal(
    valid: dict[str, Any], prop: str
) -> None:
    # Found by tests/property: these passed as tokens and aws-cdk-lib then raised a jsii error
    # (range checks and unit conversions at synthesis).
    token = Duration.seconds(CfnParameter(new_stack(), "P", type="Number").value_as_number)
    err = _fails(prop, **valid, **{prop: token})
    assert "known at synthesis" in str(err)


@pytest.mark.parametrize("name", ["DB_PASSWORD", "API_TOKEN", "client_secret"])
def test_fails_on_a_secret_looking_plain_environment_variable(
    valid: dict[str, Any], name: str
) -> None:
    # Found by tests/property (deep): accepted, then EcsPatterns-PlaintextSecret failed the stack.
    err = _fails("environment", **valid, environment={name: "x"})
    assert "secrets" in err.problems[0].fix


@pytest.mark.parametrize("port", [0, 65536])
def test_fails_on_port_outside_1_to_65535(valid: dict[str, Any], port: int) -> None:
    _fails("container_port", **valid, container_port=port)


def test_fails_when_health_check_timeout_is_not_below_interval(valid: dict[str, Any]) -> None:
    err = _fails(
        "health_check_timeout",
        **valid,
        health_check_interval=Duration.seconds(10),
        health_check_timeout=Duration.seconds(10),
    )
    assert "less than health_check_interval (10s)" in str(err)


def test_fails_when_min_capacity_exceeds_max(valid: dict[str, Any]) -> None:
    _fails("min_capacity", **valid, min_capacity=5, max_capacity=4)


def test_fails_when_min_capacity_is_below_1(valid: dict[str, Any]) -> None:
    _fails("min_capacity", **valid, min_capacity=0)


@pytest.mark.parametrize("desired", [1, 11])
def test_fails_when_desired_count_is_outside_min_max(valid: dict[str, Any], desired: int) -> None:
    _fails("desired_count", **valid, desired_count=desired)


def test_fails_on_https_without_certificate() -> None:
    err = _fails("certificate", image=ecs.ContainerImage.from_registry(IMAGE))
    assert "allow_plain_http=True" in str(err)


def test_fails_on_certificate_with_plain_http(valid: dict[str, Any]) -> None:
    _fails("allow_plain_http", **valid, allow_plain_http=True)


def test_fails_on_both_image_and_repository(
    valid: dict[str, Any], repository: ep.EcrRepository
) -> None:
    _fails("image", **valid, repository=repository, image_tag="prod-1")


def test_fails_on_neither_image_nor_repository(certificate: acm.ICertificate) -> None:
    _fails("image", certificate=certificate)


def test_fails_on_repository_without_tag(
    certificate: acm.ICertificate, repository: ep.EcrRepository
) -> None:
    _fails("image_tag", certificate=certificate, repository=repository)


def test_fails_on_latest_tag_with_a_fix(
    certificate: acm.ICertificate, repository: ep.EcrRepository
) -> None:
    err = _fails("image_tag", certificate=certificate, repository=repository, image_tag="latest")
    assert "prod-<git sha>" in str(err)


def test_fails_when_interval_times_healthy_threshold_exceeds_30s(valid: dict[str, Any]) -> None:
    err = _fails(
        "target_healthy_threshold",
        **valid,
        target_health_check_interval=Duration.seconds(20),
        target_healthy_threshold=2,
    )
    assert "interval x threshold <= 30 s" in str(err)


@pytest.mark.parametrize(
    ("overrides", "prop"),
    [
        ({"cpu": 300}, "cpu"),
        ({"ephemeral_storage_gib": 20}, "ephemeral_storage_gib"),
        ({"health_check_interval": Duration.seconds(4)}, "health_check_interval"),
        ({"health_check_retries": 11}, "health_check_retries"),
        ({"health_check_start_period": Duration.seconds(301)}, "health_check_start_period"),
        ({"health_check_path": "health"}, "health_check_path"),
        ({"health_check_path": "/health;reboot"}, "health_check_path"),
        ({"health_check_command": ["curl", "-f", "x"]}, "health_check_command"),
        ({"user": " "}, "user"),
        ({"memory_reservation_mib": 1024}, "memory_reservation_mib"),
        ({"environment": {"1BAD": "x"}}, "environment"),
        ({"stop_timeout": Duration.seconds(121)}, "stop_timeout"),
        ({"target_health_check_timeout": Duration.seconds(10)}, "target_health_check_timeout"),
        ({"target_unhealthy_threshold": 1}, "target_unhealthy_threshold"),
        ({"deregistration_delay": Duration.seconds(3601)}, "deregistration_delay"),
        ({"slow_start": Duration.seconds(10)}, "slow_start"),
        ({"ingress_cidrs": ["10.0.0.1/8"]}, "ingress_cidrs"),
        ({"ingress_cidrs": ["not-a-cidr"]}, "ingress_cidrs"),
        ({"ingress_cidrs": []}, "ingress_cidrs"),
        ({"ingress_prefix_lists": ["sg-0123"]}, "ingress_prefix_lists"),
        ({"access_log_expiry_days": 0}, "access_log_expiry_days"),
        ({"web_acl_arn": "arn:aws:waf::123456789012:webacl/x"}, "web_acl_arn"),
        ({"cpu_target_percent": 95}, "cpu_target_percent"),
        ({"memory_target_percent": 5}, "memory_target_percent"),
        ({"requests_per_target": 0}, "requests_per_target"),
        ({"scale_in_cooldown": Duration.hours(2)}, "scale_in_cooldown"),
        ({"enable_execute_command": True}, "enable_execute_command"),
        ({"tracing": True}, "cpu"),
        (
            {"tracing": True, "cpu": 512, "memory_mib": 1024, "memory_reservation_mib": 768},
            "memory_mib",
        ),
    ],
)
def test_fails_on_other_invalid_props(
    valid: dict[str, Any], overrides: dict[str, Any], prop: str
) -> None:
    _fails(prop, **{**valid, **overrides})


def test_fails_when_a_variable_is_both_environment_and_secret(
    valid: dict[str, Any], stack: Stack
) -> None:
    parameter = ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, "Token", parameter_name="/web/token"
    )
    secret = ecs.Secret.from_ssm_parameter(parameter)
    _fails("secrets", **valid, environment={"TOKEN": "x"}, secrets={"TOKEN": secret})


def test_reports_every_problem_at_once(certificate: acm.ICertificate) -> None:
    err = _fails("image", certificate=certificate, container_port=0, min_capacity=0)
    assert set(err.props) == {"image", "container_port", "min_capacity"}


def test_unresolved_tokens_pass_through(valid: dict[str, Any], stack: Stack) -> None:
    # Number tokens are floats to mypy; cast them as a user would.
    # (container_port must be a literal: see test_fails_on_a_deploy_time_container_port.)
    count = cast(int, CfnParameter(stack, "Count", type="Number").value_as_number)
    tag = CfnParameter(stack, "Tag").value_as_string
    props = ep.WebServiceProps(**valid, health_check_retries=count, desired_count=count)
    assert props.health_check_retries is count
    ep.WebServiceProps(
        certificate=valid["certificate"], repository=ep.EcrRepository(stack, "R"), image_tag=tag
    )


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
        image=ecs.ContainerImage.from_registry(IMAGE),
        cluster=cluster,
        internet_facing=False,
        allow_plain_http=True,
    )
    with pytest.raises(ep.ConfigurationError) as err:
        ep.FargateWebService(stack, "Web", props)
    assert err.value.props == ("ingress_cidrs",)
    assert stack.node.try_find_child("Web") is not None
    assert not stack.node.find_child("Web").node.children  # nothing was built


@pytest.mark.parametrize(
    "prop", ["health_check_interval", "deregistration_delay", "stop_timeout", "scale_in_cooldown"]
)
def test_fails_on_a_duration_that_is_not_whole_seconds(valid: dict[str, Any], prop: str) -> None:
    # aws-cdk-lib's to_seconds() raises a jsii error for 1.5 s; the library names the prop instead.
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.WebServiceProps(**{**valid, prop: Duration.millis(10_500)})
    assert [p.prop for p in raised.value.problems] == [prop]
    assert "whole number of seconds" in str(raised.value)
