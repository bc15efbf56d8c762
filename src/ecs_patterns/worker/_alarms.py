"""The worker's alarms: queue age, dead-letter queue, CPU, memory and running tasks, notifying
an encrypted SNS topic."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..core._validation import is_token
from ._props import WorkerAlarmOptions
from ._scaling import running_tasks_metric, visible_messages_metric

__all__ = ["RUNNING_TASKS_EXPRESSION", "WorkerAlarms"]

RUNNING_TASKS_EXPRESSION = "IF(FILL(r, 0) < {minimum} OR (FILL(r, 0) < 1 AND FILL(v, 0) > 0), 1, 0)"
"""1 when fewer tasks run than the minimum, or none runs while messages wait; a missing task
count counts as none (Container Insights reports it every minute)."""

_TOPIC_KEY_DESCRIPTION = "ecs-patterns: alarm notification topic"
_ONE_MINUTE = Duration.minutes(1)
_SUSTAINED = 3  # minutes: rides out a spike or a task replacement
_NO_TASK_WINDOW = 10  # minutes: longer than a start from zero (metrics, alarm, task start)


class WorkerAlarms(Construct):
    """The worker's metric alarms, each notifying ``topic`` of ALARM and OK.

    Attributes:
        topic: the topic (created or given).
        key: the created topic's KMS key, None when a topic was given.
        alarms: the alarms by name: ``oldest_message_age``, ``dead_letter_queue`` (new queue
            only), ``cpu``, ``memory``, ``running_tasks``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        options: WorkerAlarmOptions,
        service: ecs.FargateService,
        queue: sqs.IQueue,
        dead_letter_queue: sqs.IQueue | None,
        oldest_message_age_s: int,
        min_capacity: int,
    ) -> None:
        super().__init__(scope, id)
        self.key: kms.IKey | None = None
        self.topic: sns.ITopic
        if options.topic is None:
            self.topic, self.key = self._topic()
        else:
            self.topic = options.topic
        self._allow_alarms()
        self._action = cw_actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        self._alarm(
            "oldest_message_age",
            "OldestMessageAge",
            queue.metric_approximate_age_of_oldest_message(period=_ONE_MINUTE, statistic="Maximum"),
            threshold=oldest_message_age_s,
            comparison=above,
            periods=_SUSTAINED,
            description=f"The oldest message has waited more than {oldest_message_age_s} s: "
            "tasks are stuck or failing, max_capacity is reached, or a message keeps failing.",
        )
        if dead_letter_queue is not None:
            self._alarm(
                "dead_letter_queue",
                "DeadLetterQueueNotEmpty",
                visible_messages_metric(dead_letter_queue, "Maximum"),
                threshold=0,
                comparison=above,
                periods=1,
                description="Messages reached the dead-letter queue after failing every "
                "allowed attempt: inspect them, fix the cause and redrive them.",
            )
        dims = {"ClusterName": service.cluster.cluster_name, "ServiceName": service.service_name}
        for key, id_, name, threshold in (
            ("cpu", "CpuHigh", "CPUUtilization", options.cpu_threshold_percent),
            ("memory", "MemoryHigh", "MemoryUtilization", options.memory_threshold_percent),
        ):
            self._alarm(
                key,
                id_,
                cloudwatch.Metric(
                    namespace="AWS/ECS",
                    metric_name=name,
                    dimensions_map=dims,
                    statistic="Average",
                    period=_ONE_MINUTE,
                ),
                threshold=threshold,
                comparison=above,
                periods=_SUSTAINED,
                description=f"Average {name} of the worker above {threshold}%: raise the task "
                "size (backlog scaling adds tasks for messages, not for load).",
            )
        self._alarm(
            "running_tasks",
            "RunningTasksLow",
            cloudwatch.MathExpression(
                expression=RUNNING_TASKS_EXPRESSION.format(
                    # A deploy-time minimum goes into the expression as a reference.
                    minimum=Token.as_string(min_capacity)
                    if is_token(min_capacity)
                    else min_capacity
                ),
                using_metrics={
                    "r": running_tasks_metric(service, "Minimum"),
                    "v": visible_messages_metric(queue, "Maximum"),
                },
                period=_ONE_MINUTE,
                label="Too few running tasks",
            ),
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            periods=_NO_TASK_WINDOW,
            description="Fewer running tasks than the minimum, or none while messages wait, for "
            f"{_NO_TASK_WINDOW} minutes: tasks fail to start or keep stopping.",
        )

    def _topic(self) -> tuple[sns.Topic, kms.Key]:
        key = kms.Key(
            self,
            "TopicKey",
            description=_TOPIC_KEY_DESCRIPTION,
            enable_key_rotation=True,
            # SNS keeps no message at rest once delivered: nothing to retain.
            removal_policy=RemovalPolicy.DESTROY,
            pending_window=Duration.days(7),
        )
        # The key serves this topic only, so CloudWatch's use of it reaches nothing else.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarms",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True, signature_version="2")
        return topic, key

    def _allow_alarms(self) -> None:
        """Let CloudWatch alarms of this account and region publish (no-op when imported)."""
        stack = Stack.of(self)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarms",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": (
                            f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}"
                            ":alarm:*"
                        )
                    },
                },
            )
        )

    def _alarm(
        self,
        key: str,
        id: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        periods: int,
        description: str,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            id,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            # No data: an idle queue publishes no metrics, a worker at zero tasks no CPU; the
            # running-task expression fills a missing count itself.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms[key] = alarm
