"""The scheduled job's compliance acknowledgements, as data beside the construct.

Each entry is one resource's finding ids with the reason a security reviewer accepts; values
that depend on the resource (an ARN as cdk-nag prints it) are small functions.
"""

from __future__ import annotations

from aws_cdk import Stack

from ..core._compliance import Exemption, WildcardAllowance
from ..core._iam import XRAY_WRITE_ACTIONS, flatten_reference

__all__ = [
    "DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTER_QUEUE",
    "LIST_TASKS",
    "LOG_DELIVERY",
    "LOG_DELIVERY_ACTIONS",
    "RUN_TASK_ACTIONS",
    "STATE_MACHINE_DEPENDS_ON_ROLE",
    "TASK_ACTIONS",
    "UNSCOPED_POLICY_CHECKOV",
    "XRAY",
    "family_allowance",
    "tasks_allowance",
]

RUN_TASK_ACTIONS = frozenset({"ecs:RunTask"})
TASK_ACTIONS = frozenset({"ecs:DescribeTasks", "ecs:StopTask", "ecs:TagResource"})
"""What the state machine does to the task it started: follow it (``runTask.sync`` describes
it), stop it at the maximum run time, and tag it at creation (managed and propagated tags)."""
LOG_DELIVERY_ACTIONS = frozenset(
    {
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    }
)


def family_allowance(stack: Stack, family_arn: str) -> WildcardAllowance:
    """AwsSolutions-IAM5 on ecs:RunTask: every revision of the job's own task definition."""
    return WildcardAllowance(
        actions=RUN_TASK_ACTIONS,
        resource=flatten_reference(stack.resolve(family_arn)),
        reason="ecs:RunTask names the job's task definition family with any revision "
        "('task-definition/<family>:*'): the revision changes with every deployment, and the "
        "policy and the state machine are updated one after the other, so a run during a "
        "deployment must not be refused; the family is generated for this job and holds only "
        "its revisions, and the statement is limited to this cluster (ecs:cluster condition)",
    )


def tasks_allowance(stack: Stack, tasks_arn: str) -> WildcardAllowance:
    """AwsSolutions-IAM5 on the task actions: the tasks of one cluster."""
    return WildcardAllowance(
        actions=TASK_ACTIONS,
        resource=flatten_reference(stack.resolve(tasks_arn)),
        reason="a task's ARN is known only once it runs, so describing, stopping and tagging "
        "at creation are granted on the tasks of this job's cluster ('task/<cluster>/*'); "
        "the state machine follows the task it started and stops it at the maximum run time "
        "(ecs:TagResource only for RunTask, by the ecs:CreateAction condition)",
    )


LIST_TASKS = WildcardAllowance(
    actions=frozenset({"ecs:ListTasks"}),
    resource="*",
    reason="ecs:ListTasks supports no task resource (Service Authorization Reference); the "
    "statement is limited to this job's cluster by the ecs:cluster condition, and lists "
    "task ARNs only (the overlap check and the task to stop at the maximum run time)",
)
LOG_DELIVERY = WildcardAllowance(
    actions=LOG_DELIVERY_ACTIONS,
    resource="*",
    reason="Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, "
    "UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, "
    "DescribeResourcePolicies, DescribeLogGroups) supports no resource-level permissions; "
    "aws-cdk-lib grants it with Resource '*' for the state machine's execution log",
)
XRAY = WildcardAllowance(
    actions=frozenset(XRAY_WRITE_ACTIONS),
    resource="*",
    reason="X-Ray's PutTraceSegments, PutTelemetryRecords, GetSamplingRules and "
    "GetSamplingTargets support no resource-level permissions (Service Authorization "
    "Reference), so the state machine's tracing needs Resource '*'",
)
UNSCOPED_POLICY_CHECKOV = Exemption(
    checkov=["CKV_AWS_111"],
    reason="This policy holds only actions without resource-level permissions: Step Functions log "
    "delivery and X-Ray tracing of the job's state machine, and ecs:ListTasks limited to the "
    "job's cluster by the ecs:cluster condition.",
)
"""checkov CKV_AWS_111 (write access without constraints) on the unscoped policy."""

DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTER_QUEUE = Exemption(
    nag=["AwsSolutions-SQS3"],
    reason="This queue is itself the dead-letter queue of the job's schedule (the Scheduler "
    "target's DeadLetterConfig): it keeps invocations that could not start a run, for 14 days, and "
    "nothing consumes from it automatically, so a dead-letter queue of its own would never "
    "receive a message.",
)
"""AwsSolutions-SQS3 on the schedule's dead-letter queue."""

STATE_MACHINE_DEPENDS_ON_ROLE = Exemption(
    cfn_lint=["W3005"],
    reason="aws-cdk-lib declares the state machine's DependsOn its role, so the role's "
    "policies exist before the first execution, next to the GetAtt of the role's ARN; "
    "cfn-lint reports the redundant dependency as W3005.",
)
"""cfn-lint W3005 on the job's state machine."""
