"""Props types are checked from the annotations, before any value check, like value errors."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import jsii
import pytest
from aws_cdk import CfnParameter, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_ssm as ssm

import ecs_patterns as ep
import ecs_patterns.core.deployment._rolling as rolling_module
from ecs_patterns.core._typecheck import check_types
from tests.conftest import KernelCalls, new_stack
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

if TYPE_CHECKING:
    from aws_cdk import aws_sns as sns

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:hook"

# Public dataclasses the library returns rather than takes: no props boundary to check.
OUTPUTS = {"Problem", "DeploymentTimeEstimate"}


@pytest.fixture(scope="module")
def stack() -> Stack:
    return new_stack("TypeCheck")


@pytest.fixture(scope="module")
def valid(stack: Stack) -> dict[str, dict[str, Any]]:
    """The smallest valid keyword arguments of every public props dataclass."""
    cluster = ecs.Cluster.from_cluster_attributes(
        stack, "Cluster", cluster_name="platform", vpc=ec2.Vpc(stack, "Vpc", nat_gateways=0)
    )
    service = ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )
    shared_cluster = ep.FargateCluster(stack, "SharedCluster")
    ingress = ep.SharedIngress(
        stack,
        "Ingress",
        ep.SharedIngressProps(cluster=shared_cluster, allow_plain_http=True),
    )
    return {
        "SharedIngressProps": {"cluster": shared_cluster, "allow_plain_http": True},
        "IngressRoute": {"ingress": ingress, "hosts": ["api.example.com"]},
        "IngressMonitoringProps": {"load_balancer": ingress.load_balancer},
        "CapacityStrategy": {},
        "ClusterProps": {},
        "RepositoryProps": {},
        "Rolling": {},
        "CodeDeployBlueGreen": {},
        "EcsNativeBlueGreen": {},
        "CodeDeployTrafficShift": {
            "kind": ep.ShiftKind.LINEAR,
            "percent": 10,
            "interval": Duration.minutes(1),
        },
        "HealthTiming": {
            "target_health_check_interval": Duration.seconds(10),
            "target_healthy_threshold": 2,
            "deregistration_delay": Duration.seconds(30),
            "health_check_grace_period": Duration.seconds(60),
            "stop_timeout": Duration.seconds(30),
        },
        "WebServiceProps": {
            "container": ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            "load_balancer": ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)
            ),
        },
        "ContainerOptions": {"image": ecs.ContainerImage.from_registry(IMAGE)},
        "HealthCheck": {},
        "LoggingOptions": {},
        "TaskOptions": {},
        "ScalingOptions": {},
        "PlacementOptions": {},
        "LoadBalancerOptions": {"allow_plain_http": True},
        "TargetGroupOptions": {},
        "ScheduledCapacity": {
            "schedule": appscaling.Schedule.cron(hour="8", minute="0"),
            "min_capacity": 2,
            "max_capacity": 4,
        },
        "ServiceConnectOptions": {"namespace": "internal"},
        "MonitoringProps": {"service": service},
        "GitHubRepo": {"owner": "octo", "name": "app"},
        "Exemption": {"reason": "why", "nag": ["AwsSolutions-S1"]},
        "GitHubDeployRoleProps": {"repositories": [ep.GitHubRepo(owner="octo", name="app")]},
        "ServiceConnectServerOptions": {},
        "BackendServiceProps": {
            "container": ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE))
        },
        "QueueOptions": {},
        "BacklogScalingOptions": {},
        "WorkerAlarmOptions": {},
        "QueueWorkerProps": {
            "container": ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            )
        },
        "ScheduleOptions": {"expression": "cron(0 3 * * ? *)"},
        "RunOptions": {},
        "JobAlarmOptions": {},
        "ScheduledJobProps": {
            "container": ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            "schedule": ep.ScheduleOptions(expression="cron(0 3 * * ? *)"),
        },
    }


def _public_props_classes() -> list[type]:
    classes = [getattr(ep, name) for name in ep.__all__]
    return [
        c
        for c in classes
        if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__name__ not in OUTPUTS
    ]


def _type_error(cls: type, kwargs: dict[str, Any], prop: str) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as err:
        cls(**kwargs)
    assert err.value.props_class == cls.__name__
    assert prop in err.value.props, str(err.value)
    assert "the type is wrong" in str(err.value), str(err.value)
    return err.value


WAF_COMMON = "AWSManagedRulesCommonRuleSet"

# (class, prop, wrong value, text the message must contain: the expected type or the fix)
WRONG: list[tuple[str, str, Callable[[Stack], Any], str]] = [
    # WebServiceProps and its option structs
    ("TaskOptions", "cpu", lambda s: "256", "an int"),
    ("TaskOptions", "cpu", lambda s: True, "an int"),
    ("TaskOptions", "memory_mib", lambda s: 512.0, "Pass memory_mib=512"),
    ("TaskOptions", "tracing", lambda s: "false", "a bool"),
    ("ContainerOptions", "port", lambda s: "8080", "without quotes"),
    ("HealthCheck", "interval", lambda s: 30, "Duration.seconds(30)"),
    ("HealthCheck", "command", lambda s: "CMD true", "Wrap the string"),
    ("ContainerOptions", "stop_timeout", lambda s: "30s", "a Duration"),
    ("WebServiceProps", "deployment", lambda s: ep.Rolling, "pass an instance: Rolling()"),
    (
        "WebServiceProps",
        "deployment",
        lambda s: ep.CodeDeployBlueGreen,
        "pass an instance: CodeDeployBlueGreen()",
    ),
    ("WebServiceProps", "deployment", lambda s: "rolling", "allowed: a DeploymentStrategy"),
    ("WebServiceProps", "container", lambda s: IMAGE, "a ContainerOptions"),
    ("WebServiceProps", "task", lambda s: {"cpu": 512}, "a TaskOptions"),
    ("WebServiceProps", "scaling", lambda s: ep.ScalingOptions, "pass an instance"),
    ("ContainerOptions", "environment", lambda s: {"PORT": 8080}, "environment['PORT'] is an int"),
    ("ContainerOptions", "environment", lambda s: {1: "x"}, "a str"),
    ("ContainerOptions", "environment", lambda s: [("A", "b")], "a mapping (dict) of str to str"),
    ("ContainerOptions", "secrets", lambda s: {"DB": "arn:aws:ssm:x"}, "an aws_ecs.Secret"),
    ("ContainerOptions", "image", lambda s: IMAGE, "an aws_ecs.ContainerImage"),
    ("ContainerOptions", "repository", lambda s: ecr.Repository, "pass an instance"),
    ("ContainerOptions", "repository", lambda s: "team/app", "aws_ecr.IRepository"),
    ("ContainerOptions", "health_check", lambda s: ["CMD", "true"], "a HealthCheck"),
    ("LoadBalancerOptions", "ingress_cidrs", lambda s: "10.0.0.0/8", "['10.0.0.0/8']"),
    ("LoadBalancerOptions", "ingress_prefix_lists", lambda s: "pl-123", "a list or tuple of str"),
    ("LoadBalancerOptions", "certificate", lambda s: CERTIFICATE_ARN, "aws_certificatemanager"),
    ("LoadBalancerOptions", "certificate", lambda s: acm.Certificate, "pass an instance"),
    ("LoggingOptions", "removal_policy", lambda s: "RETAIN", "a RemovalPolicy"),
    ("PlacementOptions", "capacity", lambda s: ep.CapacityStrategy, "CapacityStrategy()"),
    ("ScalingOptions", "scheduled", lambda s: [{"min_capacity": 1}], "[0]"),
    ("TargetGroupOptions", "deregistration_delay", lambda s: 30, "Duration.seconds(30)"),
    ("WebServiceProps", "service_connect", lambda s: "internal", "a ServiceConnectOptions"),
    ("WebServiceProps", "cluster", lambda s: "platform", "a FargateCluster"),
    (
        "LoadBalancerOptions",
        "waf_rule_overrides",
        lambda s: {WAF_COMMON: "count"},
        "a mapping (dict)",
    ),
    (
        "LoadBalancerOptions",
        "waf_rule_overrides",
        lambda s: {WAF_COMMON: {"SizeRestrictions_BODY": 1}},
        "one of 'count', 'allow', 'block'",
    ),
    ("LoggingOptions", "driver_mode", lambda s: "non-blocking", "aws_ecs.AwsLogDriverMode"),
    ("LoggingOptions", "max_buffer_size", lambda s: 25, "a str or None"),
    ("TargetGroupOptions", "protocol", lambda s: "HTTPS", "ApplicationProtocol"),
    ("WebServiceProps", "tags", lambda s: {"team": 1}, "tags['team']"),
    # BackendServiceProps and ServiceConnectServerOptions
    ("BackendServiceProps", "service_connect", lambda s: "internal", "a ServiceConnectServer"),
    ("BackendServiceProps", "deployment", lambda s: ep.Rolling, "pass an instance: Rolling()"),
    ("BackendServiceProps", "cloud_map_namespace", lambda s: "internal", "INamespace"),
    ("ServiceConnectServerOptions", "per_request_timeout", lambda s: 15, "Duration.seconds(15)"),
    ("ServiceConnectServerOptions", "port", lambda s: "80", "without quotes"),
    # ClusterProps
    ("ClusterProps", "vpc", lambda s: "vpc-0123456789abcdef0", "aws_ec2.IVpc"),
    ("ClusterProps", "max_azs", lambda s: "2", "Pass max_azs=2 without quotes"),
    ("ClusterProps", "default_capacity", lambda s: ep.CapacityStrategy, "CapacityStrategy()"),
    ("ClusterProps", "key", lambda s: "alias/k", "aws_kms.IKey"),
    ("ClusterProps", "container_insights", lambda s: True, "an aws_ecs.ContainerInsights"),
    ("ClusterProps", "vpc_endpoints", lambda s: "true", "a bool"),
    ("ClusterProps", "tags", lambda s: [("team", "web")], "a mapping (dict) of str to str"),
    # RepositoryProps
    ("RepositoryProps", "keep_prod_images", lambda s: "30", "an int"),
    ("RepositoryProps", "enhanced_scan_frequency", lambda s: 1, "one of 'SCAN_ON_PUSH'"),
    ("RepositoryProps", "removal_policy", lambda s: "destroy", "a RemovalPolicy"),
    ("RepositoryProps", "encryption_key", lambda s: 1, "aws_kms.IKey"),
    ("RepositoryProps", "aws_managed_key", lambda s: "yes", "a bool"),
    # ScheduledCapacity, ServiceConnectOptions, CapacityStrategy
    ("ScheduledCapacity", "schedule", lambda s: "cron(0 8 * * ? *)", "Schedule"),
    ("ScheduledCapacity", "min_capacity", lambda s: None, "an int"),
    ("ServiceConnectOptions", "port", lambda s: "8080", "without quotes"),
    ("ServiceConnectOptions", "namespace", lambda s: 7, "a str"),
    ("CapacityStrategy", "spot_weight", lambda s: 3.5, "an int"),
    ("CapacityStrategy", "allow_spot_only", lambda s: 1, "a bool"),
    # MonitoringProps
    ("MonitoringProps", "service", lambda s: "web", "aws_ecs.IBaseService"),
    ("MonitoringProps", "cpu_threshold_percent", lambda s: "80", "a number (int or float)"),
    ("MonitoringProps", "email_subscriptions", lambda s: "ops@example.com", "Wrap the string"),
    ("MonitoringProps", "period", lambda s: 60, "Duration.seconds(60)"),
    # GitHub
    ("GitHubRepo", "branches", lambda s: "main", "['main']"),
    ("GitHubRepo", "owner", lambda s: None, "a str"),
    (
        "GitHubDeployRoleProps",
        "repositories",
        lambda s: "octo/app",
        "a list or tuple of GitHubRepo",
    ),
    ("GitHubDeployRoleProps", "repositories", lambda s: [("octo", "app")], "repositories[0]"),
    ("GitHubDeployRoleProps", "max_session_duration", lambda s: 3600, "a Duration"),
    # deployment strategies
    ("CodeDeployBlueGreen", "traffic_shift", lambda s: "LINEAR", "a CodeDeployTrafficShift"),
    ("CodeDeployBlueGreen", "test_listener_port", lambda s: "8443", "without quotes"),
    ("CodeDeployBlueGreen", "hooks", lambda s: {"BeforeInstall": FUNCTION_ARN}, "IFunction"),
    ("CodeDeployBlueGreen", "release_timeout", lambda s: 60, "a Duration or None"),
    ("EcsNativeBlueGreen", "bake_time", lambda s: "5m", "a Duration"),
    ("EcsNativeBlueGreen", "step_percent", lambda s: "10", "a number (int or float) or None"),
    ("EcsNativeBlueGreen", "hooks", lambda s: {"PRE_SCALE_UP": FUNCTION_ARN}, "key 'PRE_SCALE_UP'"),
    ("CodeDeployTrafficShift", "kind", lambda s: "LINEAR", "a ShiftKind"),
    ("CodeDeployTrafficShift", "percent", lambda s: "10", "without quotes"),
    ("HealthTiming", "stop_timeout", lambda s: 30, "Duration.seconds(30)"),
    # ScheduledJobProps and its option structs
    ("ScheduleOptions", "expression", lambda s: 3, "a str"),
    ("ScheduleOptions", "time_zone", lambda s: None, "a str"),
    ("ScheduleOptions", "max_event_age", lambda s: 3600, "Duration.seconds(3600)"),
    ("ScheduleOptions", "dead_letter_key", lambda s: "alias/dlq", "aws_kms.IKey"),
    ("RunOptions", "max_run_time", lambda s: "1h", "a Duration"),
    ("RunOptions", "allow_overlap", lambda s: "no", "a bool"),
    ("RunOptions", "capacity", lambda s: ep.JOB_CAPACITY.spot_weight, "CapacityStrategy"),
    ("JobAlarmOptions", "topic", lambda s: "arn:aws:sns:us-east-1:123456789012:t", "ITopic"),
    ("ScheduledJobProps", "schedule", lambda s: "cron(0 3 * * ? *)", "a ScheduleOptions"),
    ("ScheduledJobProps", "run", lambda s: ep.RunOptions, "pass an instance"),
]


@pytest.mark.parametrize(
    ("cls_name", "prop", "make", "expected"),
    WRONG,
    ids=[f"{c}.{p}={e}" for c, p, _, e in WRONG],
)
def test_a_wrong_type_is_a_configuration_error_naming_prop_and_type(
    valid: dict[str, dict[str, Any]],
    stack: Stack,
    cls_name: str,
    prop: str,
    make: Callable[[Stack], Any],
    expected: str,
) -> None:
    cls = getattr(ep, cls_name)
    err = _type_error(cls, {**valid[cls_name], prop: make(stack)}, prop)
    assert expected in str(err), str(err)
    assert cls_name in str(err)


def test_the_message_says_the_type_not_the_number_is_wrong(
    valid: dict[str, dict[str, Any]],
) -> None:
    err = _type_error(ep.TaskOptions, {"cpu": "256"}, "cpu")
    assert str(err.problems[0]) == (
        "cpu='256' is not valid; allowed: an int (the type is wrong: cpu is a str). "
        "Pass cpu=256 without quotes: a number, not a string."
    )


def test_type_problems_come_before_and_instead_of_value_checks(
    valid: dict[str, dict[str, Any]],
) -> None:
    # The value checks would compare a str with an int (TypeError) with tracing=True; the type
    # check reports every wrong type at once and stops there.
    kwargs = {"cpu": "512", "memory_mib": "1024", "tracing": True}
    err = _type_error(ep.TaskOptions, kwargs, "cpu")
    assert err.props == ("cpu", "memory_mib")


def test_a_class_where_an_instance_is_expected_names_the_class(
    valid: dict[str, dict[str, Any]],
) -> None:
    err = _type_error(
        ep.WebServiceProps, {**valid["WebServiceProps"], "deployment": ep.Rolling}, "deployment"
    )
    assert "deployment is the class Rolling" in str(err)
    assert "pass an instance: Rolling()" in str(err)


# --- values of the right type pass --------------------------------------------------------------


def test_imported_resources_pass(stack: Stack) -> None:
    vpc = ec2.Vpc.from_lookup(stack, "Lookup", vpc_id="vpc-0123456789abcdef0")
    attributes = ec2.Vpc.from_vpc_attributes(
        stack, "Attrs", vpc_id="vpc-1", availability_zones=["us-east-1a"]
    )
    key = kms.Key.from_key_arn(stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/abc")
    function = lambda_.Function.from_function_arn(stack, "Fn", FUNCTION_ARN)
    repository = ecr.Repository.from_repository_name(stack, "Repo", "app")
    certificate = acm.Certificate.from_certificate_arn(stack, "Imported", CERTIFICATE_ARN)
    parameter = ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, "Param", parameter_name="/app/db"
    )
    for value in (vpc, attributes):
        assert check_types(ep.ClusterProps(vpc=value, key=key)) == []
    assert check_types(ep.CodeDeployBlueGreen(hooks={"BeforeInstall": function})) == []
    assert (
        check_types(
            ep.EcsNativeBlueGreen(hooks={ecs.DeploymentLifecycleStage.PRE_SCALE_UP: function})
        )
        == []
    )
    container = ep.ContainerOptions(
        image=ecs.ContainerImage.from_ecr_repository(repository, "1.0"),
        secrets={"DB": ecs.Secret.from_ssm_parameter(parameter)},
    )
    load_balancer = ep.LoadBalancerOptions(certificate=certificate)
    props = ep.WebServiceProps(container=container, load_balancer=load_balancer)
    for struct in (props, container, load_balancer):
        assert check_types(struct) == []
    # An imported repository is an ecr.IRepository (pulled from by name).
    assert check_types(ep.ContainerOptions(repository=repository, image_tag="1.0")) == []


def test_resources_defined_in_the_app_and_python_implementations_pass(stack: Stack) -> None:
    @jsii.implements(acm.ICertificate)
    class OwnCertificate:
        """A Python class that declares the interface, as jsii.implements records it."""

    certificate = acm.Certificate(stack, "Own", domain_name="example.com")
    image = ecs.ContainerImage.from_registry(IMAGE)
    for value in (certificate, cast(acm.ICertificate, OwnCertificate())):
        load_balancer = ep.LoadBalancerOptions(certificate=value)
        assert check_types(load_balancer) == []
        props = ep.WebServiceProps(
            container=ep.ContainerOptions(image=image), load_balancer=load_balancer
        )
        assert check_types(props) == []
    own = ep.ContainerOptions(repository=ep.EcrRepository(stack, "OwnRepo"), image_tag="1.0")
    assert check_types(own) == []
    assert check_types(ep.ClusterProps(vpc=ec2.Vpc(stack, "OwnVpc"))) == []


def test_tokens_none_and_subclasses_pass(stack: Stack) -> None:
    number = CfnParameter(stack, "Number", type="Number")
    text = CfnParameter(stack, "Text")
    names = CfnParameter(stack, "Names", type="CommaDelimitedList")

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class MyRolling(ep.Rolling):
        """A subclass is an instance of the annotated class."""

    props = ep.WebServiceProps(
        container=ep.ContainerOptions(
            image=ecs.ContainerImage.from_registry(IMAGE),
            health_check=ep.HealthCheck(retries=cast(int, Token.as_number(number.value_as_number))),
            environment={"STAGE": text.value_as_string},
            logging=ep.LoggingOptions(removal_policy=RemovalPolicy.DESTROY),
        ),
        load_balancer=ep.LoadBalancerOptions(allow_plain_http=True, certificate=None),
        placement=ep.PlacementOptions(desired_count=None, service_name=text.value_as_string),
        deployment=MyRolling(),
        scaling=ep.ScalingOptions(cpu_target_percent=cast(int, number.value_as_number)),
    )
    for value in (
        props,
        props.container,
        props.container.health_check,
        props.container.logging,
        props.load_balancer,
        props.placement,
        props.scaling,
    ):
        assert check_types(value) == []

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Local:
        names: Sequence[str]
        count: int
        ratio: float

    # A list token is a list of one marker string; number tokens are floats.
    tokens = Local(
        names=names.value_as_list,
        count=cast(int, number.value_as_number),
        ratio=Token.as_number(text.value_as_string),
    )
    assert check_types(tokens) == []
    # A float is a number, and an int is one too.
    assert (
        check_types(ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.LINEAR, step_percent=25))
        == []
    )
    assert (
        check_types(
            ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.LINEAR, step_percent=12.5)
        )
        == []
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Hooked(ep.CodeDeployBlueGreen):
    """A subclass in another module: the base's TYPE_CHECKING-only names still resolve."""

    note: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Annotated:
    topic: sns.ITopic | None = None  # sns is imported only under TYPE_CHECKING here
    ghost: Undefined | None = None  # type: ignore[name-defined]  # noqa: F821
    count: int = 0


def test_type_checking_only_and_unresolvable_annotations(stack: Stack) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        _Hooked(hooks={"BeforeInstall": FUNCTION_ARN}, note=1)  # type: ignore[arg-type,dict-item]
    assert set(err.value.props) == {"hooks", "note"}
    problems = check_types(_Annotated(topic="arn:aws:sns:x", ghost=object(), count="1"))  # type: ignore[arg-type]
    assert [p.prop for p in problems] == ["topic", "count"]  # ghost: unresolvable, not judged
    assert "aws_sns.ITopic" in problems[0].allowed


def test_the_real_account_options_pass_with_values_of_their_types(
    valid: dict[str, dict[str, Any]],
) -> None:
    web = ep.WebServiceProps(
        container=ep.ContainerOptions(
            image=ecs.ContainerImage.from_registry(IMAGE),
            logging=ep.LoggingOptions(
                driver_mode=ecs.AwsLogDriverMode.NON_BLOCKING, max_buffer_size="4m"
            ),
        ),
        load_balancer=ep.LoadBalancerOptions(
            allow_plain_http=True,
            waf_rule_overrides={WAF_COMMON: {"SizeRestrictions_BODY": "block"}},
        ),
        target_group=ep.TargetGroupOptions(protocol=elbv2.ApplicationProtocol.HTTPS),
        tags={"team": "web"},
    )
    cluster = ep.ClusterProps(vpc_endpoints=True, tags={"team": "platform"})
    repository = ep.RepositoryProps(aws_managed_key=True)
    structs = (web, web.container.logging, web.load_balancer, web.target_group)
    assert [check_types(p) for p in (*structs, cluster, repository)] == [[]] * 6


# --- every public props class goes through the mechanism ---------------------------------------


def test_every_public_props_class_has_valid_arguments_here(
    valid: dict[str, dict[str, Any]],
) -> None:
    # A new public props class must be added to `valid`, so the next test covers it.
    assert {c.__name__ for c in _public_props_classes()} == set(valid)


@pytest.mark.parametrize("cls", _public_props_classes(), ids=lambda c: c.__name__)
def test_every_public_props_class_checks_the_type_of_every_field(
    valid: dict[str, dict[str, Any]], cls: type
) -> None:
    kwargs = valid[cls.__name__]
    assert check_types(cls(**kwargs)) == []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        # Never an AttributeError or TypeError from inside the library.
        _type_error(cls, {**kwargs, f.name: object()}, f.name)


def test_rolling_without_fields_still_calls_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    monkeypatch.setattr(rolling_module, "require_types", seen.append)
    instance = ep.Rolling()
    assert seen == [instance]


# --- cost -----------------------------------------------------------------------------------


def test_the_check_makes_no_kernel_round_trip(
    valid: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    props = ep.WebServiceProps(**valid["WebServiceProps"])
    calls = KernelCalls(monkeypatch)
    for _ in range(3):
        assert check_types(props) == []
    assert calls.count == 0


def test_a_type_checking_only_annotation_is_imported_only_when_a_value_needs_it() -> None:
    code = (
        "import sys, json\n"
        "from ecs_patterns import CodeDeployBlueGreen, EcsNativeBlueGreen\n"
        "CodeDeployBlueGreen(); EcsNativeBlueGreen()\n"
        "print(json.dumps('aws_cdk.aws_lambda' in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) is False
