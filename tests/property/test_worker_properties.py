"""Props-level properties of the queue worker's option structs.

Each generated combination (valid, invalid, edge values and deploy-time tokens) is accepted, or
refused with a ConfigurationError naming every invalid prop and only props of that class (the
shared ``outcome`` check). Accepted values also keep the derived settings in SQS's ranges:
the visibility timeout covers the processing time and is at most 12 h, the retention lies in
SQS's 60 s..14 days, and a task's target backlog is at least one message. No synthesis.
"""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_ecs as ecs
from hypothesis import given
from hypothesis import strategies as st

import ecs_patterns as ep
from ecs_patterns.core._validation import is_token, seconds
from tests.conftest import CDK_CONTEXT, ENV
from tests.property import strategies as gen
from tests.property.strategies import Spec
from tests.property.test_props_properties import outcome

_DAY = 86400
_HALF_DAY = 12 * 3600


@pytest.fixture(scope="module")
def scope() -> Stack:
    return Stack(App(context=dict(CDK_CONTEXT)), "WorkerProps", env=ENV)


def queue_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {},
        optional={
            "processing_time": gen.seconds(1, _HALF_DAY, bad=bad, token=False, literal=True),
            "visibility_timeout": gen.optional(gen.seconds(0, _HALF_DAY, bad=bad)),
            "max_receive_count": gen.ints(1, 1000, bad=bad),
            "retention_period": gen.optional(gen.seconds(60, 14 * _DAY, bad=bad)),
            "removal_policy": gen.choice(gen.REMOVAL_POLICIES, bad=bad),
        },
    )


def scaling_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {},
        optional={
            "min_capacity": gen.ints(0, 5000, bad=bad),
            "max_capacity": gen.ints(1, 5000, bad=bad),
            "acceptable_latency": gen.seconds(1, 14 * _DAY, bad=bad, token=False, literal=True),
            "scale_in_cooldown": gen.seconds(0, 3600, bad=bad),
            "scale_out_cooldown": gen.seconds(0, 3600, bad=bad),
        },
    )


def alarm_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {},
        optional={
            "oldest_message_age": gen.optional(
                gen.seconds(60, 14 * _DAY, bad=bad, token=False, literal=True)
            ),
            "cpu_threshold_percent": gen.ints(1, 100, bad=bad),
            "memory_threshold_percent": gen.ints(1, 100, bad=bad),
        },
    )


@given(spec=queue_specs(bad=True))
def test_queue_options(scope: Stack, spec: Spec) -> None:
    options = outcome(ep.QueueOptions, spec, scope)
    if not isinstance(options, ep.QueueOptions):
        return
    processing = seconds(options.processing_time)
    visibility = options.effective_visibility_timeout_s
    assert processing is not None
    if visibility is not None:
        assert processing <= visibility <= _HALF_DAY
    retention = options.effective_retention_s
    if retention is not None:
        assert 60 <= retention <= 14 * _DAY


@given(spec=scaling_specs(bad=True))
def test_backlog_scaling_options(scope: Stack, spec: Spec) -> None:
    options = outcome(ep.BacklogScalingOptions, spec, scope)
    if isinstance(options, ep.BacklogScalingOptions) and not is_token(options.min_capacity):
        assert options.may_scale_to_zero == (options.min_capacity == 0)


@given(spec=alarm_specs(bad=True))
def test_worker_alarm_options(scope: Stack, spec: Spec) -> None:
    outcome(ep.WorkerAlarmOptions, spec, scope)


@given(queue=queue_specs(bad=False), scaling=scaling_specs(bad=False))
def test_worker_props_target_backlog(scope: Stack, queue: Spec, scaling: Spec) -> None:
    """Accepted props always give a target of at least one message per task."""
    try:
        queue_options = ep.QueueOptions(**gen.build(queue, scope))
        scaling_options = ep.BacklogScalingOptions(**gen.build(scaling, scope))
    except ep.ConfigurationError:
        return  # the struct properties above cover the refusals
    container = ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry(gen.IMAGE),
        health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
    )
    processing = seconds(queue_options.processing_time)
    latency = seconds(scaling_options.acceptable_latency)
    assert processing is not None
    assert latency is not None
    if latency <= processing:
        with pytest.raises(ep.ConfigurationError) as refused:
            ep.QueueWorkerProps(container=container, queue=queue_options, scaling=scaling_options)
        assert refused.value.props == ("scaling.acceptable_latency",)
        return
    props = ep.QueueWorkerProps(container=container, queue=queue_options, scaling=scaling_options)
    assert props.target_backlog_per_task >= 1
