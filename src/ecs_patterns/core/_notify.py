"""Alarm notification plumbing: the encrypted alarm topic and who may publish to it.

CloudWatch alarms and EventBridge rules publish to SNS as AWS service principals, not as IAM
identities of the account, so the topic policy must allow them (a topic policy replaces SNS's
default one, which is what ``enforce_ssl`` creates) and, for a KMS-encrypted topic, the key policy
must let them use the key. Both statements are added here, scoped as tightly as the services allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsii
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces import aws_events as events_refs
from constructs import Construct

__all__ = [
    "TopicTarget",
    "alarm_topic",
    "allow_alarm_publishing",
    "allow_rule_publishing",
    "task_state_change_rule",
]

_PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com")


def alarm_topic(scope: Construct, id: str) -> tuple[sns.Topic, kms.Key]:
    """A new SNS topic for alarms, encrypted with its own rotating KMS key, TLS-only publishing.

    The key is dedicated to this topic, so letting CloudWatch and EventBridge use it (the key
    policy AWS documents for alarm and rule targets, which takes no resource condition) lets them
    reach this topic only. SNS keeps no messages at rest once delivered, so the key is destroyed
    with the stack (after KMS's 7-day waiting period) instead of being retained.
    """
    key = kms.Key(
        scope,
        f"{id}Key",
        description="ecs-patterns: alarm notification topic",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.DESTROY,
        pending_window=Duration.days(7),
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowAlarmAndEventPublishers",
            principals=[iam.ServicePrincipal(p) for p in _PUBLISHERS],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
        )
    )
    topic = sns.Topic(
        scope,
        id,
        master_key=key,
        enforce_ssl=True,
        signature_version="2",
    )
    return topic, key


def allow_alarm_publishing(topic: sns.ITopic) -> None:
    """Let CloudWatch alarms of this account and region publish to ``topic``.

    A no-op for an imported topic (its policy is managed elsewhere).
    """
    stack = Stack.of(topic)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarms",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {
                    "aws:SourceArn": (
                        f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*"
                    )
                },
            },
        )
    )


def allow_rule_publishing(topic: sns.ITopic, rule: events.IRule) -> None:
    """Let exactly one EventBridge ``rule`` publish to ``topic`` (no-op for an imported topic)."""
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"ArnEquals": {"aws:SourceArn": rule.rule_arn}},
        )
    )


@jsii.implements(events.IRuleTarget)
class TopicTarget:
    """An EventBridge target that publishes ``message`` to ``topic`` and grants nothing itself.

    ``aws_events_targets.SnsTopic`` grants ``events.amazonaws.com`` publishing without a source
    condition (any account's rule could then publish); :func:`allow_rule_publishing` grants it
    for one rule only.
    """

    def __init__(self, topic: sns.ITopic, message: events.RuleTargetInput) -> None:
        self._topic = topic
        self._message = message

    def bind(self, rule: events_refs.IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(arn=self._topic.topic_arn, input=self._message)


def task_state_change_rule(
    scope: Construct,
    id: str,
    *,
    description: str,
    detail: Mapping[str, Any],
    topic: sns.ITopic,
    headline: str,
) -> events.Rule:
    """An EventBridge rule on "ECS Task State Change" events matching ``detail``, to ``topic``.

    The message names the task, its group, stop code and stopped reason after ``headline``;
    only this rule may publish to the topic (:func:`allow_rule_publishing`).
    """
    rule = events.Rule(
        scope,
        id,
        description=description,
        event_pattern=events.EventPattern(
            source=["aws.ecs"],
            detail_type=["ECS Task State Change"],
            detail=dict(detail),
        ),
    )
    field_ = events.EventField.from_path
    message = events.RuleTargetInput.from_text(
        f"{headline}: {field_('$.detail.taskArn')} "
        f"({field_('$.detail.group')}), stop code {field_('$.detail.stopCode')}: "
        f"{field_('$.detail.stoppedReason')}"
    )
    rule.add_target(TopicTarget(topic, message))
    allow_rule_publishing(topic, rule)
    return rule
