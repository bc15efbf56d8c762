"""The worker's queue: a KMS-encrypted, TLS-only SQS queue with a dead-letter queue, and the
consume-only grant of the task role."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..core._queues import dead_letter_queue, encrypted_queue, queue_key
from ._props import QueueOptions

__all__ = ["CONSUME_ACTIONS", "WorkerQueues", "grant_consume", "worker_queues"]

CONSUME_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
"""What a consumer needs: receive, delete when done, extend the visibility of a slow message,
read the queue's attributes. Nothing that sends, purges or changes the queue."""


@dataclass(frozen=True)
class WorkerQueues:
    """The queue consumed, its dead-letter queue and key (None when the queue was given)."""

    queue: sqs.IQueue
    dead_letter_queue: sqs.Queue | None
    key: kms.IKey | None


def worker_queues(scope: Construct, options: QueueOptions) -> WorkerQueues:
    """The queue of ``options``: the given one, or a new queue with its dead-letter queue."""
    if options.queue is not None:
        return WorkerQueues(options.queue, None, options.queue.encryption_master_key)
    removal = options.removal_policy
    key = options.key
    if key is None:
        key = queue_key(
            scope,
            "QueueKey",
            description="ecs-patterns: worker queue and dead-letter queue",
            removal_policy=removal,
        )
    dead_letters = dead_letter_queue(scope, key=key, removal_policy=removal)
    visibility = options.effective_visibility_timeout_s
    retention = options.effective_retention_s
    queue = encrypted_queue(
        scope,
        "Queue",
        key=key,
        removal_policy=removal,
        visibility_timeout=Duration.seconds(visibility) if visibility is not None else None,
        retention_period=Duration.seconds(retention) if retention is not None else None,
        dead_letter_queue=sqs.DeadLetterQueue(
            queue=dead_letters, max_receive_count=options.max_receive_count
        ),
    )
    return WorkerQueues(queue, dead_letters, key)


def grant_consume(queues: WorkerQueues, role: iam.IGrantable) -> None:
    """Let ``role`` consume from the queue, and nothing else: the four consumer actions on this
    queue, and kms:Decrypt on its key (SQS decrypts received messages with the consumer's
    permission)."""
    role.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=list(CONSUME_ACTIONS), resources=[queues.queue.queue_arn])
    )
    if queues.key is not None:
        role.grant_principal.add_to_principal_policy(
            iam.PolicyStatement(actions=["kms:Decrypt"], resources=[queues.key.key_arn])
        )
