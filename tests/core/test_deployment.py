"""Deployment strategy types: validation and the pure deployment-time estimate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

import pytest
from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_

import ecs_patterns as ep
from ecs_patterns.core.deployment import deployment_controller, release_timeout
from tests.conftest import new_stack

# The library's defaults, as WebServiceProps sets them.
TIMING = ep.HealthTiming(
    target_health_check_interval=Duration.seconds(10),
    target_healthy_threshold=2,
    deregistration_delay=Duration.seconds(30),
    health_check_grace_period=Duration.seconds(60),
    stop_timeout=Duration.seconds(30),
)
START = 60 + 10 * 2  # TASK_START_ESTIMATE + interval x healthy threshold
DRAIN = 30 + 30  # deregistration delay + stop timeout


# --- the estimate ---------------------------------------------------------------------------


def test_rolling_estimate_is_start_plus_drain() -> None:
    estimate = ep.estimate_deployment_time(ep.Rolling(), TIMING)
    assert (estimate.start_s, estimate.traffic_shift_s, estimate.bake_s) == (START, 0, 0)
    assert estimate.drain_s == DRAIN
    assert estimate.total_s == START + DRAIN == 140


def test_codedeploy_default_estimate_is_nine_shift_minutes_and_the_five_minute_wait() -> None:
    estimate = ep.estimate_deployment_time(ep.CodeDeployBlueGreen(), TIMING)
    # 10 % every minute: 10 increments, 9 one-minute intervals between the first and the last.
    assert estimate.traffic_shift_s == 9 * 60
    assert estimate.bake_s == 5 * 60
    assert estimate.to_full_traffic_s == START + 540
    assert estimate.total_s == START + 540 + 300 + DRAIN
    assert estimate.total_minutes == 16.3


def test_codedeploy_canary_shifts_once_after_its_interval() -> None:
    strategy = ep.CodeDeployBlueGreen(
        traffic_shift=ep.CodeDeployTrafficShift.canary(percent=20, interval=Duration.minutes(7))
    )
    assert ep.estimate_deployment_time(strategy, TIMING).traffic_shift_s == 7 * 60


def test_codedeploy_all_at_once_without_wait_meets_the_five_minute_target() -> None:
    strategy = ep.CodeDeployBlueGreen(
        traffic_shift=ep.CodeDeployTrafficShift.all_at_once(),
        termination_wait=Duration.minutes(0),
    )
    estimate = ep.estimate_deployment_time(strategy, TIMING)
    assert estimate.traffic_shift_s == 0
    assert estimate.total_s == START + DRAIN < 5 * 60


def test_codedeploy_ready_wait_is_counted_before_traffic_moves() -> None:
    strategy = ep.CodeDeployBlueGreen(deployment_ready_wait=Duration.minutes(10))
    estimate = ep.estimate_deployment_time(strategy, TIMING)
    assert estimate.ready_wait_s == 600
    assert estimate.to_full_traffic_s == START + 600 + 540


def test_ecs_native_blue_green_default_shifts_after_1_3_min_and_completes_after_7_3() -> None:
    estimate = ep.estimate_deployment_time(ep.EcsNativeBlueGreen(), TIMING)
    assert estimate.strategy == "EcsNativeBlueGreen/BLUE_GREEN"
    assert (estimate.traffic_shift_s, estimate.bake_s) == (0, 300)
    assert estimate.total_s == START + 300 + DRAIN == 440  # 7.3 min: the 5-min bake keeps blue
    assert estimate.to_full_traffic_s == START


def test_ecs_native_default_bake_covers_the_alarm_window_plus_delivery_delay() -> None:
    # ServiceMonitoring's defaults: 1-minute period, 3 of 3 datapoints; CloudWatch needs 1-2
    # more minutes to receive and evaluate the load balancer's metrics.
    props = ep.MonitoringProps.__dataclass_fields__
    period = cast(Callable[[], Duration], props["period"].default_factory)()
    window = period.to_minutes() * cast(int, props["evaluation_periods"].default)
    bake = ep.EcsNativeBlueGreen().bake_time.to_minutes()
    assert bake >= window + 2
    assert bake == 5


def test_ecs_native_linear_counts_the_waits_between_steps() -> None:
    strategy = ep.EcsNativeBlueGreen(
        strategy=ecs.DeploymentStrategy.LINEAR,
        step_percent=25,
        step_bake_time=Duration.minutes(2),
    )
    assert ep.estimate_deployment_time(strategy, TIMING).traffic_shift_s == 3 * 120


def test_ecs_native_linear_and_canary_defaults_are_the_librarys() -> None:
    linear = ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.LINEAR)
    canary = ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.CANARY)
    bake = linear.effective_step_bake_time
    assert linear.effective_step_percent == 10.0
    assert bake is not None
    assert bake.to_minutes() == 1
    assert ep.estimate_deployment_time(linear, TIMING).traffic_shift_s == 9 * 60
    assert ep.estimate_deployment_time(canary, TIMING).traffic_shift_s == 5 * 60
    config = canary.traffic_shift_config()
    assert config is not None
    assert config.step_percent == 10.0


def test_blue_green_has_no_traffic_shift_config() -> None:
    assert ep.EcsNativeBlueGreen().traffic_shift_config() is None


def test_failure_detection_adds_grace_period_and_unhealthy_window() -> None:
    estimate = ep.estimate_deployment_time(ep.Rolling(), TIMING, unhealthy_threshold=3)
    assert estimate.failure_detection_s == 60 + 60 + 10 * 3


def test_estimate_follows_the_health_check_props() -> None:
    slow = ep.HealthTiming(
        target_health_check_interval=Duration.seconds(30),
        target_healthy_threshold=5,
        deregistration_delay=Duration.seconds(300),
        health_check_grace_period=Duration.seconds(60),
        stop_timeout=Duration.seconds(120),
    )
    estimate = ep.estimate_deployment_time(ep.Rolling(), slow)
    assert estimate.start_s == 60 + 150
    assert estimate.drain_s == 420


def test_release_timeout_is_estimate_plus_margin_within_30_to_55_minutes() -> None:
    default = ep.CodeDeployBlueGreen()
    total = ep.estimate_deployment_time(default, TIMING)
    assert release_timeout(default, total).to_minutes() == 17 + 15  # ceil(16.3) + margin
    quick = ep.CodeDeployBlueGreen(
        traffic_shift=ep.CodeDeployTrafficShift.all_at_once(),
        termination_wait=Duration.minutes(0),
    )
    assert release_timeout(quick, ep.estimate_deployment_time(quick, TIMING)).to_minutes() == 30
    given = ep.CodeDeployBlueGreen(release_timeout=Duration.minutes(45))
    assert release_timeout(given, total).to_minutes() == 45
    slow = ep.CodeDeployBlueGreen(termination_wait=Duration.minutes(45))
    assert release_timeout(slow, ep.estimate_deployment_time(slow, TIMING)).to_minutes() == 55


# --- CodeDeploy traffic shifts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("shift", "name"),
    [
        (ep.CodeDeployTrafficShift.linear(), "LINEAR_10_PERCENT_EVERY_1_MINUTES"),
        (
            ep.CodeDeployTrafficShift.linear(interval=Duration.minutes(3)),
            "LINEAR_10_PERCENT_EVERY_3_MINUTES",
        ),
        (ep.CodeDeployTrafficShift.canary(), "CANARY_10_PERCENT_5_MINUTES"),
        (
            ep.CodeDeployTrafficShift.canary(interval=Duration.minutes(15)),
            "CANARY_10_PERCENT_15_MINUTES",
        ),
        (ep.CodeDeployTrafficShift.all_at_once(), "ALL_AT_ONCE"),
        (ep.CodeDeployTrafficShift.linear(percent=20), None),
    ],
)
def test_predefined_shapes_use_codedeploys_predefined_configs(
    shift: ep.CodeDeployTrafficShift, name: str | None
) -> None:
    assert shift.predefined_name == name


def test_linear_steps_round_up() -> None:
    assert ep.CodeDeployTrafficShift.linear(percent=30).steps == 4


@pytest.mark.parametrize("percent", [0, 100, 150])
def test_fails_on_shift_percent_outside_1_to_99(percent: int) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CodeDeployTrafficShift.linear(percent=percent)
    assert err.value.props == ("percent",)


@pytest.mark.parametrize("interval", [Duration.seconds(90), Duration.minutes(0)])
def test_fails_on_shift_interval_not_whole_minutes_or_zero(interval: Duration) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CodeDeployTrafficShift.canary(interval=interval)
    assert err.value.props == ("interval",)


def test_fails_on_all_at_once_with_a_percentage() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CodeDeployTrafficShift(kind=ep.ShiftKind.ALL_AT_ONCE, percent=50)
    assert err.value.props == ("percent",)


# --- strategy validation ------------------------------------------------------------------


@pytest.mark.parametrize("port", [80, 443, 0, 70000])
def test_fails_on_test_listener_port_clashing_or_out_of_range(port: int) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CodeDeployBlueGreen(test_listener_port=port)
    assert set(err.value.props) == {"test_listener_port"}
    with pytest.raises(ep.ConfigurationError):
        ep.EcsNativeBlueGreen(test_listener_port=port)


def test_fails_on_unknown_codedeploy_hook() -> None:
    hook = lambda_.Function.from_function_arn(
        new_stack("Hooks"), "Hook", "arn:aws:lambda:us-east-1:123456789012:function:hook"
    )
    with pytest.raises(ep.ConfigurationError, match="AfterAllowTestTraffic") as err:
        ep.CodeDeployBlueGreen(hooks={"BeforeTraffic": hook})
    assert err.value.props == ("hooks",)


@pytest.mark.parametrize("prop", ["termination_wait", "deployment_ready_wait", "release_timeout"])
def test_fails_on_codedeploy_waits_out_of_range_or_fractional(prop: str) -> None:
    for bad in (Duration.seconds(90), Duration.minutes(5000)):
        changes: dict[str, Any] = {prop: bad}
        with pytest.raises(ep.ConfigurationError) as err:
            replace(ep.CodeDeployBlueGreen(), **changes)
        assert err.value.props == (prop,)


def test_fails_on_ecs_native_rolling() -> None:
    with pytest.raises(ep.ConfigurationError, match="Rolling") as err:
        ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.ROLLING)
    assert err.value.props == ("strategy",)


def test_fails_on_step_settings_with_blue_green() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.EcsNativeBlueGreen(step_percent=10, step_bake_time=Duration.minutes(1))
    assert err.value.props == ("step_percent", "step_bake_time")


@pytest.mark.parametrize(
    ("strategy", "percent"),
    [
        (ecs.DeploymentStrategy.LINEAR, 2.0),
        (ecs.DeploymentStrategy.LINEAR, 10.05),
        (ecs.DeploymentStrategy.CANARY, 0.0),
        (ecs.DeploymentStrategy.CANARY, 101.0),
    ],
)
def test_fails_on_step_percent_outside_ecs_ranges(
    strategy: ecs.DeploymentStrategy, percent: float
) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.EcsNativeBlueGreen(strategy=strategy, step_percent=percent)
    assert err.value.props == ("step_percent",)


def test_canary_accepts_a_tenth_of_a_percent() -> None:
    assert ep.EcsNativeBlueGreen(
        strategy=ecs.DeploymentStrategy.CANARY, step_percent=0.1
    ).effective_step_percent == pytest.approx(0.1)


@pytest.mark.parametrize("prop", ["bake_time", "step_bake_time"])
def test_fails_on_bake_times_out_of_range(prop: str) -> None:
    changes: dict[str, Any] = {prop: Duration.minutes(1441)}
    with pytest.raises(ep.ConfigurationError) as err:
        replace(ep.EcsNativeBlueGreen(strategy=ecs.DeploymentStrategy.LINEAR), **changes)
    assert err.value.props == (prop,)


# --- the deployment controller of a service -------------------------------------------------


def _service(controller: ecs.DeploymentControllerType | None) -> ecs.FargateService:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    task = ecs.FargateTaskDefinition(stack, "Task")
    task.add_container("app", image=ecs.ContainerImage.from_registry("nginx"))
    return ecs.FargateService(
        stack,
        "Service",
        cluster=ecs.Cluster(stack, "Cluster", vpc=vpc),
        task_definition=task,
        deployment_controller=(
            ecs.DeploymentController(type=controller) if controller is not None else None
        ),
    )


@pytest.mark.parametrize(
    ("controller", "expected"),
    [
        (None, "ECS"),
        (ecs.DeploymentControllerType.ECS, "ECS"),
        (ecs.DeploymentControllerType.CODE_DEPLOY, "CODE_DEPLOY"),
    ],
)
def test_deployment_controller_reads_the_service_template(
    controller: ecs.DeploymentControllerType | None, expected: str
) -> None:
    assert deployment_controller(_service(controller)) == expected


def test_deployment_controller_of_an_imported_service_is_unknown() -> None:
    stack = new_stack()
    imported = ecs.FargateService.from_fargate_service_arn(
        stack, "Imported", "arn:aws:ecs:us-east-1:123456789012:service/c/s"
    )
    assert deployment_controller(imported) is None
