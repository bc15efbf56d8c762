"""Backlog-per-task scaling of a queue worker, and the way out of zero tasks.

* Target tracking on the metric math AWS documents for SQS workers (Application Auto Scaling
  guide, "Create a target tracking scaling policy using metric math", example "SQS queue
  backlog per task"): ``m1`` = ``AWS/SQS ApproximateNumberOfMessagesVisible`` (Sum, 1 min),
  ``m2`` = ``ECS/ContainerInsights RunningTaskCount`` (Average, 1 min), ``e1 = m1 / m2``,
  target = acceptable latency / processing time. The aws-cdk-lib L2 cannot express metric math
  in a target tracking policy (aws/aws-cdk#34072), so the policy is a ``CfnScalingPolicy``
  with ``CustomizedMetricSpecification.Metrics``. It scales in to the minimum, zero included:
  an empty queue gives ``e1 = 0``.
* At zero running tasks ``m1 / m2`` has no value (a division by zero), and target tracking
  scales in proportion to the current capacity, so it never starts a first task. A step
  scaling policy does, as AWS documents for scaling out from zero (SageMaker guide, "Scale an
  endpoint to zero instances"): an alarm on ``IF(m1 > 0 AND FILL(m2, 0) == 0, 1, 0)`` (messages
  wait and no task runs) adds one task. The running-task guard keeps it out of target
  tracking's way once a task runs; +1 rather than an exact capacity of 1, so that losing
  every running task at once (a Spot reclaim) never lowers a higher desired count.
"""

from __future__ import annotations

from aws_cdk import Duration, Names
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ._props import BacklogScalingOptions

__all__ = [
    "BACKLOG_EXPRESSION",
    "OUT_OF_ZERO_EXPRESSION",
    "backlog_policy",
    "out_of_zero_policy",
    "running_tasks_metric",
    "visible_messages_metric",
]

BACKLOG_EXPRESSION = "m1 / m2"
"""Backlog per task: visible messages divided by running tasks."""
OUT_OF_ZERO_EXPRESSION = "IF(m1 > 0 AND FILL(m2, 0) == 0, 1, 0)"
"""1 while messages wait and no task runs (a missing task count counts as none)."""

_INSIGHTS = "ECS/ContainerInsights"
_ONE_MINUTE = Duration.minutes(1)
_OUT_OF_ZERO_COOLDOWN_S = 120  # a task starts in about a minute; add one, then wait for it


def visible_messages_metric(queue: sqs.IQueue, statistic: str) -> cloudwatch.Metric:
    """``ApproximateNumberOfMessagesVisible`` of ``queue`` per minute."""
    return queue.metric_approximate_number_of_messages_visible(
        period=_ONE_MINUTE, statistic=statistic
    )


def running_tasks_metric(service: ecs.FargateService, statistic: str) -> cloudwatch.Metric:
    """Container Insights' ``RunningTaskCount`` of ``service`` per minute."""
    return cloudwatch.Metric(
        namespace=_INSIGHTS,
        metric_name="RunningTaskCount",
        dimensions_map={
            "ClusterName": service.cluster.cluster_name,
            "ServiceName": service.service_name,
        },
        statistic=statistic,
        period=_ONE_MINUTE,
    )


def backlog_policy(
    scope: Construct,
    target: appscaling.ScalableTarget,
    *,
    queue: sqs.IQueue,
    service: ecs.FargateService,
    options: BacklogScalingOptions,
    target_backlog_per_task: float,
) -> appscaling.CfnScalingPolicy:
    """The target tracking policy on ``m1 / m2`` (see the module docstring)."""
    policy = appscaling.CfnScalingPolicy
    queue_dimension = policy.TargetTrackingMetricDimensionProperty(
        name="QueueName", value=queue.queue_name
    )
    service_dimensions = [
        policy.TargetTrackingMetricDimensionProperty(
            name="ClusterName", value=service.cluster.cluster_name
        ),
        policy.TargetTrackingMetricDimensionProperty(
            name="ServiceName", value=service.service_name
        ),
    ]
    metrics = [
        policy.TargetTrackingMetricDataQueryProperty(
            id="m1",
            label="Visible messages",
            metric_stat=policy.TargetTrackingMetricStatProperty(
                metric=policy.TargetTrackingMetricProperty(
                    namespace="AWS/SQS",
                    metric_name="ApproximateNumberOfMessagesVisible",
                    dimensions=[queue_dimension],
                ),
                stat="Sum",
            ),
            return_data=False,
        ),
        policy.TargetTrackingMetricDataQueryProperty(
            id="m2",
            label="Running tasks",
            metric_stat=policy.TargetTrackingMetricStatProperty(
                metric=policy.TargetTrackingMetricProperty(
                    namespace=_INSIGHTS,
                    metric_name="RunningTaskCount",
                    dimensions=service_dimensions,
                ),
                stat="Average",
            ),
            return_data=False,
        ),
        policy.TargetTrackingMetricDataQueryProperty(
            id="e1",
            label="Backlog per task",
            expression=BACKLOG_EXPRESSION,
            return_data=True,
        ),
    ]
    return policy(
        scope,
        "BacklogPerTask",
        policy_name=f"{Names.unique_id(scope)}-BacklogPerTask"[-255:],
        policy_type="TargetTrackingScaling",
        scaling_target_id=target.scalable_target_id,
        target_tracking_scaling_policy_configuration=policy.TargetTrackingScalingPolicyConfigurationProperty(
            target_value=target_backlog_per_task,
            customized_metric_specification=policy.CustomizedMetricSpecificationProperty(
                metrics=metrics
            ),
            scale_in_cooldown=int(options.scale_in_cooldown.to_seconds()),
            scale_out_cooldown=int(options.scale_out_cooldown.to_seconds()),
        ),
    )


def out_of_zero_policy(
    scope: Construct,
    target: appscaling.ScalableTarget,
    *,
    queue: sqs.IQueue,
    service: ecs.FargateService,
) -> tuple[appscaling.StepScalingAction, cloudwatch.Alarm]:
    """The step policy that starts one task when messages wait and none runs, and its alarm."""
    action = appscaling.StepScalingAction(
        scope,
        "ScaleOutFromZero",
        scaling_target=target,
        adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown=Duration.seconds(_OUT_OF_ZERO_COOLDOWN_S),
        metric_aggregation_type=appscaling.MetricAggregationType.MAXIMUM,
    )
    action.add_adjustment(adjustment=1, lower_bound=0)
    alarm = cloudwatch.Alarm(
        scope,
        "MessagesWithoutTasks",
        alarm_description="Messages wait in the queue and no task runs: start one task "
        "(backlog-per-task target tracking cannot scale out from zero).",
        metric=cloudwatch.MathExpression(
            expression=OUT_OF_ZERO_EXPRESSION,
            using_metrics={
                "m1": visible_messages_metric(queue, "Maximum"),
                "m2": running_tasks_metric(service, "Maximum"),
            },
            period=_ONE_MINUTE,
            label="Messages waiting without a running task",
        ),
        threshold=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=1,
        # No queue metrics (SQS stops publishing for a queue idle 6 hours) means no messages.
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )
    alarm.add_alarm_action(cw_actions.ApplicationScalingAction(action))
    return action, alarm
