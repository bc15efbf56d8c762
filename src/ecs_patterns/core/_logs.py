"""Encrypted CloudWatch log groups and the KMS key CloudWatch Logs may use."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from ._errors import ConfigurationError, Problem

__all__ = ["encrypted_log_group", "logs_kms_key"]

_RETENTION_DAYS = {r.value for r in logs.RetentionDays} - {logs.RetentionDays.INFINITE.value}


def logs_kms_key(scope: Construct, id: str) -> kms.Key:
    """A KMS key with rotation that CloudWatch Logs in this account and region may use."""
    key = kms.Key(
        scope,
        id,
        description="ecs-patterns: ECS Exec sessions and CloudWatch log groups",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    stack = Stack.of(scope)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchLogs",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=[
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
            ],
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                    )
                }
            },
        )
    )
    return key


def encrypted_log_group(
    scope: Construct,
    id: str,
    *,
    key: kms.IKey,
    retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
) -> logs.LogGroup:
    """A CloudWatch log group encrypted with ``key`` and with finite retention.

    What the compliance packs ask of a log group (AwsSolutions, NIST 800-53, HIPAA and PCI:
    KMS encryption, a retention period) with nothing to acknowledge. ``key`` must let CloudWatch
    Logs use it (a ``FargateCluster``'s ``key`` does; see ``logs_kms_key``). Defaults: one year
    of retention (PCI DSS 10.7 keeps audit trails a year) and RETAIN on ``cdk destroy`` (logs
    are evidence); ``retention`` must be finite. Example::

        group = encrypted_log_group(stack, "WorkerLogs", key=cluster.key)
    """
    if getattr(retention, "value", None) not in _RETENTION_DAYS:
        raise ConfigurationError(
            "encrypted_log_group",
            [
                Problem(
                    prop="retention",
                    value=retention,
                    allowed="a finite logs.RetentionDays",
                    fix="Set retention=logs.RetentionDays.ONE_YEAR or another finite period.",
                )
            ],
        )
    return logs.LogGroup(
        scope,
        id,
        encryption_key=key,
        retention=retention,
        removal_policy=removal_policy,
    )
