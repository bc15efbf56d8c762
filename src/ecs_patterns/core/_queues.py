"""KMS-encrypted, TLS-only SQS queues and the customer managed key they use."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

__all__ = ["DEAD_LETTER_RETENTION", "dead_letter_queue", "encrypted_queue", "queue_key"]

DEAD_LETTER_RETENTION = Duration.days(14)
"""SQS's maximum retention: time to inspect the failed messages and redrive them."""


def queue_key(
    scope: Construct, id: str, *, description: str, removal_policy: RemovalPolicy
) -> kms.Key:
    """A rotated KMS key for queues, removed as ``removal_policy`` says.

    A key that is destroyed with its stack waits the shortest pending window KMS allows
    (7 days) rather than the default 30, so a torn-down test stack frees it soon.
    """
    return kms.Key(
        scope,
        id,
        description=description,
        enable_key_rotation=True,
        removal_policy=removal_policy,
        pending_window=Duration.days(7) if removal_policy == RemovalPolicy.DESTROY else None,
    )


def encrypted_queue(
    scope: Construct,
    id: str,
    *,
    key: kms.IKey,
    removal_policy: RemovalPolicy,
    visibility_timeout: Duration | None = None,
    retention_period: Duration | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """An SQS queue encrypted with ``key`` that refuses requests without TLS (``enforce_ssl``)."""
    return sqs.Queue(
        scope,
        id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout,
        retention_period=retention_period,
        dead_letter_queue=dead_letter_queue,
        removal_policy=removal_policy,
    )


def dead_letter_queue(
    scope: Construct, *, key: kms.IKey, removal_policy: RemovalPolicy
) -> sqs.Queue:
    """The ``DeadLetterQueue``: encrypted, TLS-only, keeping messages 14 days (SQS's maximum)."""
    return encrypted_queue(
        scope,
        "DeadLetterQueue",
        key=key,
        removal_policy=removal_policy,
        retention_period=DEAD_LETTER_RETENTION,
    )
