"""Why the queue worker is exempt from particular rules: the reasons, as data.

Each constant is an :class:`Exemption` (or a :class:`WildcardAllowance` for a wildcard IAM
resource) that :class:`QueueWorkerService` passes to :func:`exempt` on one resource; values
that depend on the resource (an ARN as cdk-nag prints it) are small functions. The compliance
report (``docs/compliance.md``) quotes these reasons.
"""

from __future__ import annotations

from aws_cdk import Stack

from ..core._compliance import WildcardAllowance
from ..core._iam import flatten_reference

__all__ = [
    "TASK_PROTECTION_ACTIONS",
    "task_protection_allowance",
]

TASK_PROTECTION_ACTIONS = frozenset({"ecs:UpdateTaskProtection", "ecs:GetTaskProtection"})
"""What an app needs to protect its own task from scale-in while it holds a message."""


def task_protection_allowance(stack: Stack, tasks_arn: str) -> WildcardAllowance:
    """AwsSolutions-IAM5 on the task-protection statement: the tasks of one cluster."""
    return WildcardAllowance(
        actions=TASK_PROTECTION_ACTIONS,
        resource=flatten_reference(stack.resolve(tasks_arn)),
        reason="a task's ARN is known only once it runs, so task protection is granted on the "
        "tasks of this worker's cluster ('task/<cluster>/*'); the app protects its own task "
        "from scale-in while it holds a message (task_protection=True)",
    )
