"""QueueWorkerProps and its option structs: each bad value is a ConfigurationError naming the
prop, before any resource; tokens pass through where the value is not needed at synthesis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_sqs as sqs

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.worker import HEALTH, WORKER_IMAGE

IMAGE = ecs.ContainerImage.from_registry(WORKER_IMAGE)


def _container(**kwargs: Any) -> ep.ContainerOptions:
    kwargs.setdefault("health_check", HEALTH)
    return ep.ContainerOptions(image=IMAGE, **kwargs)


def _refused(make: Callable[[], object]) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as raised:
        make()
    return raised.value


@pytest.mark.parametrize(
    ("make", "props_class", "prop"),
    [
        (
            lambda: ep.QueueOptions(processing_time=Duration.seconds(0)),
            "QueueOptions",
            "processing_time",
        ),
        (
            lambda: ep.QueueOptions(processing_time=Duration.hours(13)),
            "QueueOptions",
            "processing_time",
        ),
        (
            lambda: ep.QueueOptions(processing_time=Duration.millis(1500)),
            "QueueOptions",
            "processing_time",
        ),
        (lambda: ep.QueueOptions(max_receive_count=0), "QueueOptions", "max_receive_count"),
        (lambda: ep.QueueOptions(max_receive_count=1001), "QueueOptions", "max_receive_count"),
        (
            lambda: ep.QueueOptions(
                processing_time=Duration.minutes(5), visibility_timeout=Duration.minutes(4)
            ),
            "QueueOptions",
            "visibility_timeout",
        ),
        (
            lambda: ep.QueueOptions(visibility_timeout=Duration.hours(13)),
            "QueueOptions",
            "visibility_timeout",
        ),
        (
            lambda: ep.QueueOptions(retention_period=Duration.days(15)),
            "QueueOptions",
            "retention_period",
        ),
        (
            lambda: ep.QueueOptions(retention_period=Duration.seconds(59)),
            "QueueOptions",
            "retention_period",
        ),
        (
            lambda: ep.BacklogScalingOptions(min_capacity=-1),
            "BacklogScalingOptions",
            "min_capacity",
        ),
        (
            lambda: ep.BacklogScalingOptions(min_capacity=5001, max_capacity=5000),
            "BacklogScalingOptions",
            "min_capacity",
        ),
        (lambda: ep.BacklogScalingOptions(max_capacity=0), "BacklogScalingOptions", "max_capacity"),
        (
            lambda: ep.BacklogScalingOptions(max_capacity=5001),
            "BacklogScalingOptions",
            "max_capacity",
        ),
        (
            lambda: ep.BacklogScalingOptions(min_capacity=5, max_capacity=4),
            "BacklogScalingOptions",
            "min_capacity",
        ),
        (
            lambda: ep.BacklogScalingOptions(acceptable_latency=Duration.days(15)),
            "BacklogScalingOptions",
            "acceptable_latency",
        ),
        (
            lambda: ep.BacklogScalingOptions(scale_in_cooldown=Duration.hours(2)),
            "BacklogScalingOptions",
            "scale_in_cooldown",
        ),
        (
            lambda: ep.BacklogScalingOptions(scale_out_cooldown=Duration.hours(2)),
            "BacklogScalingOptions",
            "scale_out_cooldown",
        ),
        (
            lambda: ep.WorkerAlarmOptions(oldest_message_age=Duration.seconds(30)),
            "WorkerAlarmOptions",
            "oldest_message_age",
        ),
        (
            lambda: ep.WorkerAlarmOptions(cpu_threshold_percent=0),
            "WorkerAlarmOptions",
            "cpu_threshold_percent",
        ),
        (
            lambda: ep.WorkerAlarmOptions(memory_threshold_percent=101),
            "WorkerAlarmOptions",
            "memory_threshold_percent",
        ),
        (
            lambda: ep.QueueWorkerProps(container=_container(port=8080)),
            "QueueWorkerProps",
            "container.port",
        ),
        (
            lambda: ep.QueueWorkerProps(container=_container(health_check=ep.HealthCheck())),
            "QueueWorkerProps",
            "container.health_check.command",
        ),
        (
            lambda: ep.QueueWorkerProps(container=_container(environment={"QUEUE_URL": "x"})),
            "QueueWorkerProps",
            "container.environment",
        ),
        (
            lambda: ep.QueueWorkerProps(
                container=_container(),
                queue=ep.QueueOptions(processing_time=Duration.minutes(10)),
                scaling=ep.BacklogScalingOptions(acceptable_latency=Duration.minutes(10)),
            ),
            "QueueWorkerProps",
            "scaling.acceptable_latency",
        ),
        (
            lambda: ep.QueueWorkerProps(
                container=_container(), placement=ep.PlacementOptions(desired_count=11)
            ),
            "QueueWorkerProps",
            "placement.desired_count",
        ),
        (
            lambda: ep.QueueWorkerProps(
                container=_container(), placement=ep.PlacementOptions(enable_execute_command=True)
            ),
            "QueueWorkerProps",
            "placement.enable_execute_command",
        ),
        (
            lambda: ep.QueueWorkerProps(container=_container(), task=ep.TaskOptions(tracing=True)),
            "QueueWorkerProps",
            "task.cpu",
        ),
    ],
)
def test_a_bad_value_names_its_prop(
    make: Callable[[], object], props_class: str, prop: str
) -> None:
    error = _refused(make)
    assert error.props_class == props_class
    assert prop in error.props, str(error)


def test_a_wrong_type_is_refused_before_the_value_checks() -> None:
    error = _refused(lambda: ep.QueueOptions(max_receive_count="5"))  # type: ignore[arg-type]
    assert error.props == ("max_receive_count",)
    assert "the type is wrong" in str(error)
    error = _refused(lambda: ep.BacklogScalingOptions(acceptable_latency=300))  # type: ignore[arg-type]
    assert error.props == ("acceptable_latency",)
    error = _refused(lambda: ep.QueueWorkerProps(container=_container(), task_protection="yes"))  # type: ignore[arg-type]
    assert error.props == ("task_protection",)


def test_a_given_queue_takes_none_of_the_new_queue_settings() -> None:
    stack = new_stack("Given")
    queue = sqs.Queue.from_queue_arn(stack, "Q", "arn:aws:sqs:us-east-1:123456789012:jobs")
    error = _refused(
        lambda: ep.QueueOptions(
            queue=queue,
            visibility_timeout=Duration.minutes(5),
            retention_period=Duration.days(1),
        )
    )
    assert error.props == ("visibility_timeout", "retention_period")


def test_the_capacity_and_stop_timeout_defaults_of_a_worker() -> None:
    props = ep.QueueWorkerProps(container=_container())
    assert props.capacity == ep.WORKER_CAPACITY
    assert props.stop_timeout.to_seconds() == 120
    assert props.target_backlog_per_task == 5
    given = ep.CapacityStrategy.on_demand_only()
    props = ep.QueueWorkerProps(
        container=_container(stop_timeout=Duration.seconds(45)),
        placement=ep.PlacementOptions(capacity=given),
    )
    assert props.capacity is given
    assert props.stop_timeout.to_seconds() == 45


def test_tokens_pass_where_the_value_is_not_needed_at_synthesis() -> None:
    stack = new_stack("Tokens")
    number = CfnParameter(stack, "N", type="Number").value_as_number
    ep.QueueOptions(max_receive_count=number)  # type: ignore[arg-type]
    ep.BacklogScalingOptions(min_capacity=number, max_capacity=number)  # type: ignore[arg-type]
    seconds = Duration.seconds(CfnParameter(stack, "S", type="Number").value_as_number)
    error = _refused(lambda: ep.QueueOptions(processing_time=seconds))
    assert error.props == ("processing_time",)  # the target and visibility need it


def test_nothing_is_built_when_the_props_are_refused() -> None:
    stack: Stack = new_stack("Refused")
    with pytest.raises(ep.ConfigurationError):
        ep.QueueWorkerService(
            stack,
            "Worker",
            ep.QueueWorkerProps(container=_container(), queue=ep.QueueOptions(max_receive_count=0)),
        )
    assert stack.node.try_find_child("Worker") is None
