"""The core helpers that every workload kind calls for the same step."""

from __future__ import annotations

import json

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from ecs_patterns.core._compliance import Exemption
from ecs_patterns.core._errors import ConfigurationError
from ecs_patterns.core._notify import task_state_change_rule
from ecs_patterns.core._queues import dead_letter_queue, encrypted_queue, queue_key
from ecs_patterns.core._scaling import (
    PlacementOptions,
    ScalingOptions,
    desired_count_at_creation,
)
from ecs_patterns.core._service import exec_session_log_allowance
from tests.conftest import new_stack


def test_desired_count_at_creation_is_the_placement_count_else_the_scaling_minimum() -> None:
    scaling = ScalingOptions(min_capacity=3, max_capacity=9)
    assert desired_count_at_creation(PlacementOptions(), scaling.min_capacity) == 3
    assert desired_count_at_creation(PlacementOptions(desired_count=5), scaling.min_capacity) == 5
    assert desired_count_at_creation(PlacementOptions(desired_count=0), scaling.min_capacity) == 0


def test_task_count_range_is_checked_the_same_for_options_and_schedules() -> None:
    with pytest.raises(ConfigurationError, match="at most max_capacity"):
        ScalingOptions(min_capacity=5, max_capacity=4)


def test_queue_key_waits_seven_days_only_when_destroyed() -> None:
    stack = new_stack()
    queue_key(stack, "Kept", description="kept", removal_policy=RemovalPolicy.RETAIN)
    queue_key(stack, "Gone", description="gone", removal_policy=RemovalPolicy.DESTROY)
    keys = Template.from_stack(stack).find_resources("AWS::KMS::Key")
    by_description = {k["Properties"]["Description"]: k for k in keys.values()}
    assert by_description["kept"]["DeletionPolicy"] == "Retain"
    assert "PendingWindowInDays" not in by_description["kept"]["Properties"]
    assert by_description["gone"]["Properties"]["PendingWindowInDays"] == 7
    assert all(k["Properties"]["EnableKeyRotation"] for k in keys.values())


def test_queues_are_kms_encrypted_tls_only_and_dead_letters_kept_14_days() -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key")
    dead_letter_queue(stack, key=key, removal_policy=RemovalPolicy.RETAIN)
    encrypted_queue(stack, "Other", key=key, removal_policy=RemovalPolicy.RETAIN)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SQS::Queue", 2)
    template.has_resource_properties(
        "AWS::SQS::Queue",
        {"MessageRetentionPeriod": 14 * 24 * 3600, "KmsMasterKeyId": Match.any_value()},
    )
    template.resource_count_is("AWS::SQS::QueuePolicy", 2)
    template.all_resources_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Deny",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


def test_exec_session_log_allowance_names_the_streams_of_the_group() -> None:
    stack = new_stack()
    group = logs.LogGroup(stack, "ExecLogs", log_group_name="exec-logs")
    allowance = exec_session_log_allowance(stack, group)
    # The ARN as cdk-nag prints it: references flattened to <LogicalId>.
    assert allowance.resource.startswith(
        "arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:<ExecLogs"
    )
    assert allowance.resource.endswith(">:*")
    assert allowance.actions == frozenset(
        {"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}
    )


def test_task_state_change_rule_publishes_for_this_rule_only() -> None:
    stack = new_stack()
    topic = sns.Topic(stack, "Topic")
    task_state_change_rule(
        stack,
        "Rule",
        description="d",
        detail={"lastStatus": ["STOPPED"]},
        topic=topic,
        headline="Stopped",
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.ecs"],
                "detail-type": ["ECS Task State Change"],
                "detail": {"lastStatus": ["STOPPED"]},
            },
        },
    )
    rule = next(iter(template.find_resources("AWS::Events::Rule").values()))
    assert "Stopped: " in json.dumps(rule["Properties"]["Targets"])
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        Match.object_like(
            {
                "PolicyDocument": Match.object_like(
                    {
                        "Statement": Match.array_with(
                            [Match.object_like({"Condition": {"ArnEquals": Match.any_value()}})]
                        )
                    }
                )
            }
        ),
    )


def test_malformed_checkov_and_cfn_lint_ids_are_each_reported() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Exemption(reason="r", checkov=["CKV_AWS_1", "bad"], cfn_lint=["W3005", "nope"])
    text = str(raised.value)
    assert "'bad'" in text
    assert "checkov's report" in text
    assert "'nope'" in text
    assert "cfn-lint's report" in text
