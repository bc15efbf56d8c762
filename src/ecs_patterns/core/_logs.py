"""Encrypted CloudWatch log groups and the KMS key CloudWatch Logs may use."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

__all__ = ["encrypted_log_group", "logs_kms_key"]


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
    retention: logs.RetentionDays,
    removal_policy: RemovalPolicy,
) -> logs.LogGroup:
    """A KMS-encrypted log group with finite retention."""
    return logs.LogGroup(
        scope,
        id,
        encryption_key=key,
        retention=retention,
        removal_policy=removal_policy,
    )
