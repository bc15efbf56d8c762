"""ScheduledJob: the schedule and its dead-letter queue, the state machine that runs, stops and
guards one run, the roles' exact permissions, and the notifications, each asserted on the
template."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.job._alarms import FAILED_RUNS_EXPRESSION
from ecs_patterns.job._definition import (
    MAX_RUN_TIME_ERROR,
    OVERLAP_ERROR,
    START_ERRORS,
    JobTarget,
    capacity_provider_strategy,
    job_definition,
)
from ecs_patterns.testing import nag_findings
from tests.conftest import CFN_LINT, ENV, new_app, new_stack
from tests.stacks import job as job_stacks
from tests.templates import build as _build
from tests.templates import logical_id as _logical_id
from tests.templates import one_resource as _one

NIGHTLY = job_stacks.NIGHTLY


def _container() -> ep.ContainerOptions:
    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry(job_stacks.JOB_IMAGE), health_check=job_stacks.HEALTH
    )


@pytest.fixture(scope="module")
def defaults() -> tuple[Stack, Template]:
    return _build(job_stacks.defaults)


@pytest.fixture(scope="module")
def custom() -> tuple[Stack, Template]:
    return _build(job_stacks.custom)


def _flat(value: Any) -> str:
    """A CloudFormation string value with references written as ``<Id>`` / ``<Id.Attr>``."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        return str(delimiter).join(_flat(p) for p in parts)
    if "Ref" in value:
        return "aws" if value["Ref"] == "AWS::Partition" else f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    raise AssertionError(value)


def _definition(template: Template) -> dict[str, Any]:
    machine = _one(template, "AWS::StepFunctions::StateMachine")
    result: dict[str, Any] = json.loads(_flat(machine["Properties"]["DefinitionString"]))
    return result


def _statements(template: Template, description: str) -> list[dict[str, Any]]:
    policy = _one(template, "AWS::IAM::ManagedPolicy", {"Description": description})
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


# -- the schedule ----------------------------------------------------------------------------------


def test_the_schedule_starts_the_state_machine_with_retries_and_a_dead_letter_queue(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    machine = _logical_id(template, "AWS::StepFunctions::StateMachine")
    queue = _logical_id(template, "AWS::SQS::Queue")
    role = _logical_id(
        template, "AWS::IAM::Role", {"Description": Match.string_like_regexp("job schedule")}
    )
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "ScheduleExpression": "cron(0 3 * * ? *)",
            "ScheduleExpressionTimezone": "UTC",
            "State": "ENABLED",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": {"Ref": machine},
                "RoleArn": {"Fn::GetAtt": [role, "Arn"]},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [queue, "Arn"]}},
                "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 3600},
                "Input": Match.string_like_regexp("aws.scheduler.scheduled-time"),
            },
        },
    )


def test_the_schedule_options_reach_the_schedule(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    template.has_resource_properties(
        "AWS::Scheduler::Schedule",
        {
            "ScheduleExpression": "cron(0/15 8-17 ? * MON-FRI *)",
            "ScheduleExpressionTimezone": "Europe/Berlin",
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
            "Target": {"RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}},
        },
    )


def test_a_disabled_schedule_stays_deployed() -> None:
    stack = new_stack("Paused")
    ep.ScheduledJob(
        stack,
        "Job",
        ep.ScheduledJobProps(
            container=_container(),
            schedule=ep.ScheduleOptions(expression="rate(1 day)", enabled=False),
            alarms=None,
        ),
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Scheduler::Schedule", {"ScheduleExpression": "rate(1 day)", "State": "DISABLED"}
    )


def test_the_first_run_waits_for_permissions_and_capacity_providers(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    schedule = _one(template, "AWS::Scheduler::Schedule")
    associations = _logical_id(template, "AWS::ECS::ClusterCapacityProviderAssociations")
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    needed = {
        logical_id
        for logical_id, policy in policies.items()
        if "state machine" in policy["Properties"]["Description"]
        or "schedule" in policy["Properties"]["Description"]
    }
    assert len(needed) == 3
    assert needed | {associations} <= set(schedule["DependsOn"])


def test_the_dead_letter_queue_is_encrypted_tls_only_and_retained(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    key = _logical_id(
        template, "AWS::KMS::Key", {"Description": "ecs-patterns: scheduled job dead-letter queue"}
    )
    assert _one(template, "AWS::KMS::Key", {"Description": Match.string_like_regexp("dead")})[
        "Properties"
    ]["EnableKeyRotation"]
    template.has_resource(
        "AWS::SQS::Queue",
        {
            "Properties": {
                "KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]},
                "MessageRetentionPeriod": 1209600,
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )
    (statement,) = _one(template, "AWS::SQS::QueuePolicy")["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_schedule_role_may_only_start_the_machine_and_write_the_dead_letter_queue(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    machine = _logical_id(template, "AWS::StepFunctions::StateMachine")
    queue = _logical_id(template, "AWS::SQS::Queue")
    key = _logical_id(template, "AWS::KMS::Key", {"Description": Match.string_like_regexp("dead")})
    statements = _statements(
        template, "Scheduled job schedule: start the job's state machine (permissions)"
    )
    assert sorted(statements, key=lambda s: str(s["Action"])) == [
        {
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [key, "Arn"]},
        },
        {
            "Action": "sqs:SendMessage",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [queue, "Arn"]},
        },
        {"Action": "states:StartExecution", "Effect": "Allow", "Resource": {"Ref": machine}},
    ]
    role = _one(
        template, "AWS::IAM::Role", {"Description": Match.string_like_regexp("job schedule")}
    )
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert "Policies" not in role["Properties"]  # nothing inline


# -- the state machine -----------------------------------------------------------------------------


def test_the_state_machine_is_standard_logged_and_traced(defaults: tuple[Stack, Template]) -> None:
    _, template = defaults
    machine = _one(template, "AWS::StepFunctions::StateMachine")["Properties"]
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    destination = machine["LoggingConfiguration"]["Destinations"][0]
    group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    log_group = template.to_json()["Resources"][group]
    assert "KmsKeyId" in log_group["Properties"]
    assert log_group["Properties"]["RetentionInDays"] == 365
    # Under /aws/vendedlogs/states/: delivered under the account's one vended-logs resource
    # policy statement, so many state machines never fill the 5,120-character policy
    # (aws/aws-cdk#28577); named and kept, so RetainExceptOnCreate (a failed create deletes it).
    name = log_group["Properties"]["LogGroupName"]["Fn::Join"][1]
    assert name[0].startswith("/aws/vendedlogs/states/scheduled-job-")  # + the stack id's UUID
    assert log_group["DeletionPolicy"] == "RetainExceptOnCreate"


def test_a_run_checks_for_a_previous_run_then_runs_the_task_on_spot_in_private_subnets(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    definition = _definition(template)
    states = definition["States"]
    assert definition["StartAt"] == "CheckPreviousRun"
    cluster = _logical_id(template, "AWS::ECS::Cluster")
    task_definition = _logical_id(template, "AWS::ECS::TaskDefinition")
    family = _one(template, "AWS::ECS::TaskDefinition")["Properties"]["Family"]
    check = states["CheckPreviousRun"]
    assert check["Resource"] == "arn:aws:states:::aws-sdk:ecs:listTasks"
    assert check["Parameters"] == {
        "Cluster": f"<{cluster}.Arn>",
        "Family": family,
        "DesiredStatus": "RUNNING",
    }
    assert states["IsPreviousRunRunning"]["Choices"][0]["Next"] == "SkipRun"
    assert states["SkipRun"]["Type"] == "Fail"
    assert states["SkipRun"]["Error"] == OVERLAP_ERROR
    run = states["RunTask"]
    assert run["Resource"] == "arn:aws:states:::ecs:runTask.sync"
    parameters = run["Parameters"]
    private = sorted(
        f"<{logical_id}>"
        for logical_id in template.find_resources(
            "AWS::EC2::Subnet",
            {
                "Properties": {
                    "Tags": Match.array_with([{"Key": "aws-cdk:subnet-type", "Value": "Private"}])
                }
            },
        )
    )
    security_group = _logical_id(
        template, "AWS::EC2::SecurityGroup", {"GroupDescription": Match.string_like_regexp("job")}
    )
    assert parameters == {
        "Cluster": f"<{cluster}.Arn>",
        "TaskDefinition": f"<{task_definition}>",
        "Group": f"scheduled-job:{family}",
        "StartedBy.$": "$.run.startedBy",
        "CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}],
        "PlatformVersion": "LATEST",
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": private,
                "SecurityGroups": [f"<{security_group}.GroupId>"],
                "AssignPublicIp": "DISABLED",
            }
        },
        "EnableECSManagedTags": True,
        "PropagateTags": "TASK_DEFINITION",
    }
    assert run["TimeoutSeconds"] == 3600
    assert run["Retry"] == [
        {
            "ErrorEquals": list(START_ERRORS),
            "IntervalSeconds": 30,
            "MaxAttempts": 2,
            "BackoffRate": 2,
            "JitterStrategy": "FULL",
        }
    ]
    # A task that ran and failed (States.TaskFailed) is never run again.
    assert all("States.TaskFailed" not in r["ErrorEquals"] for r in run["Retry"])
    assert states["PrepareRun"]["Parameters"] == {"startedBy.$": "States.UUID()"}


def test_at_the_maximum_run_time_the_task_is_found_and_stopped(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    states = _definition(template)["States"]
    assert states["RunTask"]["Catch"] == [
        {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "FindTask"}
    ]
    find = states["FindTask"]
    assert find["Resource"] == "arn:aws:states:::aws-sdk:ecs:listTasks"
    assert set(find["Parameters"]) == {"Cluster", "StartedBy.$"}  # startedBy: the only filter
    assert find["Next"] == "StopTask"
    stop = states["StopTask"]
    assert stop["ItemsPath"] == "$.timedOut.taskArns"
    inner = stop["ItemProcessor"]["States"]["Stop"]
    assert inner["Resource"] == "arn:aws:states:::aws-sdk:ecs:stopTask"
    assert inner["Parameters"]["Task.$"] == "$"
    assert inner["Parameters"]["Reason"] == "Maximum run time of 3600 s exceeded"
    assert stop["Next"] == "RunTimeExceeded"
    assert states["RunTimeExceeded"]["Type"] == "Fail"
    assert states["RunTimeExceeded"]["Error"] == MAX_RUN_TIME_ERROR


def test_run_options_reach_the_definition(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    definition = _definition(template)
    assert definition["StartAt"] == "PrepareRun"  # allow_overlap=True: no check
    assert "CheckPreviousRun" not in definition["States"]
    run = definition["States"]["RunTask"]
    assert run["TimeoutSeconds"] == 600
    assert run["Retry"][0]["MaxAttempts"] == 4
    assert run["Parameters"]["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Weight": 1}
    ]


def test_the_state_machine_role_holds_exactly_what_a_run_needs(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    cluster = _logical_id(template, "AWS::ECS::Cluster")
    family = _one(template, "AWS::ECS::TaskDefinition")["Properties"]["Family"]
    roles = {
        name: _logical_id(
            template, "AWS::IAM::Role", {"Description": Match.string_like_regexp(text)}
        )
        for name, text in (("execution", "ECS task execution"), ("task", "The app's own"))
    }
    on_cluster = {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster, "Arn"]}}}
    statements = _statements(
        template, "Scheduled job state machine: run, follow and stop the job's task (permissions)"
    )
    flat = [
        (
            s["Action"],
            _flat(s["Resource"]) if not isinstance(s["Resource"], list) else None,
            s.get("Condition"),
        )
        for s in statements
    ]
    assert flat[0] == (
        "ecs:RunTask",
        f"arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:*",
        on_cluster,
    )
    assert statements[1] == {
        "Action": "iam:PassRole",
        "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
        "Effect": "Allow",
        "Resource": [
            {"Fn::GetAtt": [roles["execution"], "Arn"]},
            {"Fn::GetAtt": [roles["task"], "Arn"]},
        ],
    }
    tasks = f"arn:aws:ecs:us-east-1:123456789012:task/<{cluster}>/*"
    assert flat[2] == (["ecs:DescribeTasks", "ecs:StopTask"], tasks, on_cluster)
    assert flat[3] == (
        "ecs:TagResource",
        tasks,
        {"StringEquals": {"ecs:CreateAction": "RunTask"}},
    )
    assert flat[4] == (
        ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule",
        None,
    )
    assert len(statements) == 5
    unscoped = _statements(
        template,
        "Scheduled job state machine: actions without resource-level permissions (log "
        "delivery, X-Ray, listing the cluster's tasks)",
    )
    assert unscoped[0] == {
        "Action": "ecs:ListTasks",
        "Condition": on_cluster,
        "Effect": "Allow",
        "Resource": "*",
    }
    assert [s["Action"][0] for s in unscoped[1:]] == [
        "logs:CreateLogDelivery",
        "xray:PutTraceSegments",
    ]
    role = _one(
        template,
        "AWS::IAM::Role",
        {"Description": Match.string_like_regexp("Scheduled job state machine")},
    )
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    template.resource_count_is("AWS::IAM::Policy", 0)  # no inline policy anywhere


# -- the task --------------------------------------------------------------------------------------


def test_the_task_has_no_port_and_its_security_group_no_ingress(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    (container,) = _one(template, "AWS::ECS::TaskDefinition")["Properties"]["ContainerDefinitions"]
    assert "PortMappings" not in container
    assert container["HealthCheck"]["Command"] == ["CMD", "/bin/true"]
    assert container["ReadonlyRootFilesystem"] is True
    group = _one(
        template, "AWS::EC2::SecurityGroup", {"GroupDescription": Match.string_like_regexp("job")}
    )
    assert "SecurityGroupIngress" not in group["Properties"]
    template.resource_count_is("AWS::ECS::Service", 0)


# -- notifications ---------------------------------------------------------------------------------


def test_a_failed_task_of_this_job_notifies_with_its_stop_reason(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    cluster = _logical_id(template, "AWS::ECS::Cluster")
    family = _one(template, "AWS::ECS::TaskDefinition")["Properties"]["Family"]
    topic = _logical_id(template, "AWS::SNS::Topic")
    rule = _one(template, "AWS::Events::Rule")["Properties"]
    assert rule["EventPattern"] == {
        "source": ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        "detail": {
            "clusterArn": [{"Fn::GetAtt": [cluster, "Arn"]}],
            "group": [f"scheduled-job:{family}"],
            "lastStatus": ["STOPPED"],
            "$or": [
                {"containers": {"exitCode": [{"anything-but": 0}]}},
                {"stopCode": ["TaskFailedToStart"]},
            ],
        },
    }
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Ref": topic}
    assert "<detail-stoppedReason>" in target["InputTransformer"]["InputTemplate"]
    # Exactly this rule may publish.
    statements = _one(template, "AWS::SNS::TopicPolicy")["Properties"]["PolicyDocument"][
        "Statement"
    ]
    rule_id = _logical_id(template, "AWS::Events::Rule")
    assert {
        "Action": "sns:Publish",
        "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}},
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Resource": {"Ref": topic},
    } in [{k: v for k, v in st.items() if k != "Sid"} for st in statements]


def test_failed_runs_and_the_dead_letter_queue_alarm_to_an_encrypted_topic(
    defaults: tuple[Stack, Template],
) -> None:
    _, template = defaults
    topic = _logical_id(template, "AWS::SNS::Topic")
    queue = _logical_id(template, "AWS::SQS::Queue")
    machine = _logical_id(template, "AWS::StepFunctions::StateMachine")
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 2
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic}]
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
    failed = _one(
        template, "AWS::CloudWatch::Alarm", {"AlarmDescription": Match.string_like_regexp("A run")}
    )
    expression, *metrics = failed["Properties"]["Metrics"]
    assert expression["Expression"] == FAILED_RUNS_EXPRESSION
    assert sorted(m["MetricStat"]["Metric"]["MetricName"] for m in metrics) == [
        "ExecutionsAborted",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
    ]
    for metric in metrics:
        assert metric["MetricStat"]["Metric"]["Dimensions"] == [
            {"Name": "StateMachineArn", "Value": {"Ref": machine}}
        ]
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}],
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
        },
    )
    topic_props = _one(template, "AWS::SNS::Topic")["Properties"]
    assert "KmsMasterKeyId" in topic_props


def test_a_given_topic_is_used_and_none_created(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    (topic,) = template.find_resources("AWS::SNS::Topic")  # the stack's own "OnCall"
    assert topic.startswith("OnCall")
    for alarm in template.find_resources("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
    assert _one(template, "AWS::Events::Rule")["Properties"]["Targets"][0]["Arn"] == {"Ref": topic}


def test_without_alarms_nothing_notifies() -> None:
    stack = new_stack("Quiet")
    job = ep.ScheduledJob(
        stack,
        "Job",
        ep.ScheduledJobProps(
            container=_container(), schedule=ep.ScheduleOptions(expression=NIGHTLY), alarms=None
        ),
    )
    template = Template.from_stack(stack)
    assert job.alarms is None
    for type_ in ("AWS::SNS::Topic", "AWS::Events::Rule", "AWS::CloudWatch::Alarm"):
        template.resource_count_is(type_, 0)


# -- escape hatches and the pure definition --------------------------------------------------------


def test_the_parts_are_exposed() -> None:
    stack = new_stack("Hatches")
    cluster = ep.FargateCluster(stack, "Cluster")
    job = ep.ScheduledJob(
        stack,
        "Job",
        ep.ScheduledJobProps(
            cluster=cluster, container=_container(), schedule=ep.ScheduleOptions(expression=NIGHTLY)
        ),
    )
    assert job.cluster is cluster
    assert isinstance(job.schedule, scheduler.Schedule)
    assert isinstance(job.state_machine, sfn.StateMachine)
    assert isinstance(job.dead_letter_queue, sqs.Queue)
    assert isinstance(job.task_definition, ecs.FargateTaskDefinition)
    for role in (job.schedule_role, job.state_machine_role, job.execution_role, job.task_role):
        assert isinstance(role, iam.Role)
    assert job.group == f"scheduled-job:{job.task_definition.family}"
    assert job.alarms is not None
    assert job.alarms.key is not None  # a created topic has its own key
    # An escape hatch reaches the CloudFormation schedule.
    cfn = job.schedule.node.default_child
    assert isinstance(cfn, scheduler.CfnSchedule)
    cfn.description = "changed"
    Template.from_stack(stack).has_resource_properties(
        "AWS::Scheduler::Schedule", {"Description": "changed"}
    )


def test_the_default_capacity_is_spot_and_any_strategy_is_written_as_runtask_takes_it() -> None:
    assert ep.RunOptions().capacity_strategy == ep.JOB_CAPACITY
    assert capacity_provider_strategy(ep.JOB_CAPACITY) == [
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 1}
    ]
    assert capacity_provider_strategy(ep.CapacityStrategy()) == [
        {"CapacityProvider": "FARGATE", "Weight": 1, "Base": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ]
    assert capacity_provider_strategy(ep.CapacityStrategy.on_demand_only()) == [
        {"CapacityProvider": "FARGATE", "Weight": 1}
    ]


def test_one_start_attempt_means_no_retry() -> None:
    target = JobTarget(
        partition="aws",
        cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/c",
        task_definition_arn="arn:aws:ecs:us-east-1:123456789012:task-definition/f:1",
        family="f",
        group="scheduled-job:f",
        subnets=["subnet-1"],
        security_group_id="sg-1",
        capacity=ep.JOB_CAPACITY,
    )
    definition = job_definition(target, max_run_time_s=60, allow_overlap=True, start_attempts=1)
    assert definition["States"]["RunTask"]["Retry"][0]["MaxAttempts"] == 0
    assert set(definition["States"]) == {
        "PrepareRun",
        "RunTask",
        "FindTask",
        "StopTask",
        "RunTimeExceeded",
    }


def _literal_target() -> JobTarget:
    return JobTarget(
        partition="aws",
        cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/c",
        task_definition_arn="arn:aws:ecs:us-east-1:123456789012:task-definition/f:1",
        family="f",
        group="scheduled-job:f",
        subnets=["subnet-1", "subnet-2"],
        security_group_id="sg-1",
        capacity=ep.CapacityStrategy(),
    )


def _lint_definitions(tmp_path: Path, definitions: list[dict[str, Any]]) -> list[str]:
    """cfn-lint's Amazon States Language schema (E3601) over literal definitions."""
    resources = {
        f"Machine{i}": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "RoleArn": "arn:aws:iam::123456789012:role/machine",
                "Definition": definition,
            },
        }
        for i, definition in enumerate(definitions)
    }
    path = tmp_path / "machines.json"
    path.write_text(
        json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}),
        encoding="utf-8",
    )
    result = subprocess.run(
        [CFN_LINT, "--format", "parseable", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout.splitlines()


def test_the_definition_is_valid_states_language(tmp_path: Path) -> None:
    definitions = [
        job_definition(
            _literal_target(), max_run_time_s=3600, allow_overlap=overlap, start_attempts=3
        )
        for overlap in (False, True)
    ]
    assert _lint_definitions(tmp_path, definitions) == []
    # Negative control: the same check finds a broken state.
    broken = json.loads(json.dumps(definitions[0]))
    broken["States"]["SkipRun"]["Type"] = "Fial"
    assert any(":E3601:" in line for line in _lint_definitions(tmp_path, [broken]))


def test_a_cluster_of_another_stack_leaves_no_finding_and_the_same_reference() -> None:
    """The task-ARN wildcard is acknowledged as cdk-nag prints it at synthesis: with the
    cluster in another stack, the cluster name is an import of that stack's export."""
    app = new_app()
    platform = Stack(app, "Platform", env=ENV)
    cluster = ep.FargateCluster(platform, "Cluster")
    consumer = Stack(app, "Nightly", env=ENV)
    ep.ScheduledJob(
        consumer,
        "Job",
        ep.ScheduledJobProps(
            container=_container(),
            cluster=cluster,
            schedule=ep.ScheduleOptions(expression="rate(1 day)"),
        ),
    )
    assert nag_findings(consumer) == []
    template = Template.from_stack(consumer).to_json()
    exports = {
        o["Export"]["Name"]
        for o in Template.from_stack(platform).to_json()["Outputs"].values()
        if "Export" in o
    }
    imported = {
        i["Fn::ImportValue"]
        for statement in _statements_with(template, "ecs:StopTask")
        for i in json_values(statement["Resource"])
        if isinstance(i, dict) and "Fn::ImportValue" in i
    }
    assert imported  # the task ARN names the cluster through the export
    assert imported <= exports


def json_values(value: Any) -> list[Any]:
    """Every dict and list nested in ``value`` (depth first), ``value`` included."""
    found = [value]
    if isinstance(value, dict):
        for item in value.values():
            found += json_values(item)
    elif isinstance(value, list):
        for item in value:
            found += json_values(item)
    return found


def _statements_with(template: Mapping[str, Any], action: str) -> list[dict[str, Any]]:
    return [
        statement
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
        if action in json.dumps(statement["Action"])
    ]
