"""The job's notifications: a failed task (ECS task state changes), failed runs (the state
machine's metrics) and invocations that never started a run (the dead-letter queue)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from ..core._notify import alarm_topic, allow_alarm_publishing, task_state_change_rule
from ._props import JobAlarmOptions

__all__ = ["FAILED_RUNS_EXPRESSION", "JobAlarms", "failed_task_pattern"]

FAILED_RUNS_EXPRESSION = "FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)"
"""Executions of the state machine that failed (a non-zero exit, a task that did not start, a
maximum run time exceeded, a skipped overlapping run), timed out or were stopped by hand."""

_FIVE_MINUTES = Duration.minutes(5)


def failed_task_pattern(cluster_arn: str, group: str) -> dict[str, Any]:
    """The ``detail`` of an "ECS Task State Change" event of a failed run of the job.

    A task of the job's group on its cluster that stopped with a container exit code other
    than 0, or that failed to start (stop code ``TaskFailedToStart``: image pull, secrets,
    network). A task stopped at the maximum run time exits with the code of SIGTERM or SIGKILL
    unless the app exits 0 on SIGTERM; the failed-runs alarm reports that run either way.
    """
    return {
        "clusterArn": [cluster_arn],
        "group": [group],
        "lastStatus": ["STOPPED"],
        "$or": [
            {"containers": {"exitCode": [{"anything-but": 0}]}},
            {"stopCode": ["TaskFailedToStart"]},
        ],
    }


class JobAlarms(Construct):
    """The job's rule and alarms, each notifying ``topic``.

    Attributes:
        topic: the topic (created or given).
        key: the created topic's KMS key, None when a topic was given.
        failed_task_rule: the EventBridge rule on the job's failed tasks (with the stop
            reason in the message).
        failed_runs: the alarm on failed, timed-out and aborted executions.
        dead_letter_queue: the alarm on invocations in the dead-letter queue.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        options: JobAlarmOptions,
        cluster_arn: str,
        group: str,
        state_machine: sfn.StateMachine,
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, id)
        self.key: kms.IKey | None = None
        self.topic: sns.ITopic
        if options.topic is None:
            self.topic, self.key = alarm_topic(self, "Topic")
        else:
            self.topic = options.topic
        allow_alarm_publishing(self.topic)
        self.failed_task_rule = self._failed_task_rule(cluster_arn, group)
        action = cw_actions.SnsAction(self.topic)
        self.failed_runs = cloudwatch.Alarm(
            self,
            "FailedRuns",
            alarm_description="A run of the scheduled job failed: its container exited "
            "non-zero, its task did not start, it exceeded the maximum run time or it was "
            "skipped because the previous run still ran. See the state machine's executions.",
            metric=cloudwatch.MathExpression(
                expression=FAILED_RUNS_EXPRESSION,
                using_metrics={
                    "failed": state_machine.metric_failed(period=_FIVE_MINUTES, statistic="Sum"),
                    "timedOut": state_machine.metric_timed_out(
                        period=_FIVE_MINUTES, statistic="Sum"
                    ),
                    "aborted": state_machine.metric_aborted(period=_FIVE_MINUTES, statistic="Sum"),
                },
                period=_FIVE_MINUTES,
                label="Failed runs",
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            # No executions, no data: nothing failed.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.dead_letter_queue = cloudwatch.Alarm(
            self,
            "DeadLetterQueueNotEmpty",
            alarm_description="Scheduler could not start a run of the job (after its retries) "
            "and moved the invocation to the dead-letter queue: inspect the message for the "
            "error, fix the cause (permissions, quotas) and delete the message.",
            metric=dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=_FIVE_MINUTES, statistic="Maximum"
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        for alarm in (self.failed_runs, self.dead_letter_queue):
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)

    def _failed_task_rule(self, cluster_arn: str, group: str) -> events.Rule:
        return task_state_change_rule(
            self,
            "FailedTask",
            description="A task of the scheduled job exited non-zero or failed to start",
            detail=failed_task_pattern(cluster_arn, group),
            topic=self.topic,
            headline="Scheduled job task failed",
        )
