"""QueueWorkerService: the queue, the consume-only role, backlog scaling and its way out of zero,
capacity, stop timeout, task protection and alarms, each asserted on the template."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks import worker as worker_stacks
from tests.templates import build as _build
from tests.templates import logical_id as _logical_id
from tests.templates import one_resource as _one

CONSUME = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]


def _container(**kwargs: Any) -> ep.ContainerOptions:
    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry(worker_stacks.WORKER_IMAGE),
        health_check=worker_stacks.HEALTH,
        **kwargs,
    )


@pytest.fixture(scope="module")
def defaults() -> Template:
    return _build(worker_stacks.defaults)[1]


@pytest.fixture(scope="module")
def custom() -> tuple[Stack, Template]:
    return _build(worker_stacks.custom)


# -- the queue ------------------------------------------------------------------------------------


def test_the_queue_is_encrypted_with_its_own_key_and_redrives_to_a_dead_letter_queue(
    defaults: Template,
) -> None:
    key = _logical_id(
        defaults,
        "AWS::KMS::Key",
        {"Description": "ecs-patterns: worker queue and dead-letter queue"},
    )
    dlq = _logical_id(defaults, "AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600})
    defaults.has_resource(
        "AWS::SQS::Queue",
        {
            "Properties": {
                "KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]},
                # processing 60 s: 2 x 60 + 30
                "VisibilityTimeout": 150,
                "MessageRetentionPeriod": 345600,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                    "maxReceiveCount": 5,
                },
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )
    defaults.has_resource(
        "AWS::SQS::Queue",
        {
            "Properties": {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}},
            "DeletionPolicy": "Retain",
        },
    )
    assert _one(defaults, "AWS::KMS::Key", {"Description": Match.string_like_regexp("worker")})[
        "Properties"
    ]["EnableKeyRotation"]


def test_both_queues_refuse_requests_without_tls(defaults: Template) -> None:
    policies = defaults.find_resources("AWS::SQS::QueuePolicy")
    assert len(policies) == 2
    for policy in policies.values():
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_visibility_and_retention_derive_from_processing_time() -> None:
    options = ep.QueueOptions(processing_time=Duration.hours(12), max_receive_count=10)
    assert options.effective_visibility_timeout_s == 12 * 3600  # capped, still >= processing
    assert options.effective_retention_s == 10 * 12 * 3600  # every attempt fits: 5 days
    options = ep.QueueOptions(processing_time=Duration.hours(12), max_receive_count=50)
    assert options.effective_retention_s == 14 * 86400  # at most SQS's 14 days
    options = ep.QueueOptions(processing_time=Duration.minutes(30))
    assert options.effective_visibility_timeout_s == 3630
    assert options.effective_retention_s == 4 * 86400  # SQS's default suffices


def test_a_given_queue_is_consumed_and_nothing_is_created() -> None:
    stack = new_stack("GivenQueue")
    queue = sqs.Queue.from_queue_arn(stack, "Jobs", "arn:aws:sqs:us-east-1:123456789012:jobs")
    worker = ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(container=_container(), queue=ep.QueueOptions(queue=queue)),
    )
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SQS::Queue", 0)
    assert worker.dead_letter_queue is None
    assert worker.alarms is not None
    assert "dead_letter_queue" not in worker.alarms.alarms
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": CONSUME,
                        "Effect": "Allow",
                        "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs",
                    }
                ]
            }
        },
    )


# -- the task -------------------------------------------------------------------------------------


def _task_role_statements(template: Template) -> list[dict[str, Any]]:
    policy = _one(
        template,
        "AWS::IAM::ManagedPolicy",
        {"Description": "The app's own AWS permissions (permissions)"},
    )
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_the_task_role_may_only_consume(defaults: Template) -> None:
    key = _logical_id(
        defaults,
        "AWS::KMS::Key",
        {"Description": "ecs-patterns: worker queue and dead-letter queue"},
    )
    queue = _logical_id(defaults, "AWS::SQS::Queue", {"VisibilityTimeout": 150})
    assert _task_role_statements(defaults) == [
        {"Action": CONSUME, "Effect": "Allow", "Resource": {"Fn::GetAtt": [queue, "Arn"]}},
        {"Action": "kms:Decrypt", "Effect": "Allow", "Resource": {"Fn::GetAtt": [key, "Arn"]}},
    ]


def test_the_container_has_no_port_reads_the_queue_url_and_stops_in_120_s(
    defaults: Template,
) -> None:
    queue = _logical_id(defaults, "AWS::SQS::Queue", {"VisibilityTimeout": 150})
    definition = _one(defaults, "AWS::ECS::TaskDefinition")
    (app,) = definition["Properties"]["ContainerDefinitions"]
    assert "PortMappings" not in app
    assert app["StopTimeout"] == 120
    assert app["Environment"] == [{"Name": "QUEUE_URL", "Value": {"Ref": queue}}]
    assert app["ReadonlyRootFilesystem"] is True
    assert app["User"] == "1000:1000"


def test_an_explicit_stop_timeout_is_kept(custom: tuple[Stack, Template]) -> None:
    definition = _one(custom[1], "AWS::ECS::TaskDefinition")
    app = definition["Properties"]["ContainerDefinitions"][0]
    assert app["StopTimeout"] == 90


def test_task_protection_is_granted_on_the_clusters_tasks_only_when_asked(
    defaults: Template, custom: tuple[Stack, Template]
) -> None:
    assert "ecs:UpdateTaskProtection" not in json.dumps(_task_role_statements(defaults))
    cluster = _logical_id(custom[1], "AWS::ECS::Cluster", {})
    protection = [
        s for s in _task_role_statements(custom[1]) if "ecs:UpdateTaskProtection" in s["Action"]
    ]
    assert protection == [
        {
            "Action": ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":ecs:us-east-1:123456789012:task/",
                        {"Ref": cluster},
                        "/*",
                    ],
                ]
            },
        }
    ]


# -- the service ----------------------------------------------------------------------------------


def test_the_service_is_private_spot_weighted_and_rolls_back(defaults: Template) -> None:
    defaults.has_resource_properties(
        "AWS::ECS::Service",
        Match.object_like(
            {
                "CapacityProviderStrategy": [
                    {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 0},
                    {"CapacityProvider": "FARGATE_SPOT", "Weight": 1},
                ],
                "DesiredCount": 1,
                "DeploymentConfiguration": Match.object_like(
                    {
                        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                        "MinimumHealthyPercent": 100,
                        "MaximumPercent": 200,
                    }
                ),
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": Match.object_like({"AssignPublicIp": "DISABLED"})
                },
            }
        ),
    )


def test_the_security_group_admits_nothing(defaults: Template) -> None:
    group = _one(
        defaults,
        "AWS::EC2::SecurityGroup",
        {"GroupDescription": Match.string_like_regexp("Queue worker")},
    )
    assert "SecurityGroupIngress" not in group["Properties"]
    defaults.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)


def test_spot_without_a_base_is_announced() -> None:
    stack = new_stack("SpotOnly")
    worker_stacks.custom(stack)
    Annotations.from_stack(stack).has_warning(
        "/SpotOnly/Worker", Match.string_like_regexp("FARGATE_SPOT")
    )


# -- scaling --------------------------------------------------------------------------------------


def _backlog_metrics(queue: str, cluster: str, service: str) -> list[dict[str, Any]]:
    return [
        {
            "Id": "m1",
            "Label": "Visible messages",
            "MetricStat": {
                "Metric": {
                    "Dimensions": [
                        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}
                    ],
                    "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Namespace": "AWS/SQS",
                },
                "Stat": "Sum",
            },
            "ReturnData": False,
        },
        {
            "Id": "m2",
            "Label": "Running tasks",
            "MetricStat": {
                "Metric": {
                    "Dimensions": [
                        {"Name": "ClusterName", "Value": {"Ref": cluster}},
                        {"Name": "ServiceName", "Value": {"Fn::GetAtt": [service, "Name"]}},
                    ],
                    "MetricName": "RunningTaskCount",
                    "Namespace": "ECS/ContainerInsights",
                },
                "Stat": "Average",
            },
            "ReturnData": False,
        },
        {"Expression": "m1 / m2", "Id": "e1", "Label": "Backlog per task", "ReturnData": True},
    ]


def test_target_tracking_on_backlog_per_task_with_the_documented_math(
    defaults: Template,
) -> None:
    queue = _logical_id(defaults, "AWS::SQS::Queue", {"VisibilityTimeout": 150})
    cluster = _logical_id(defaults, "AWS::ECS::Cluster", {})
    service = _logical_id(defaults, "AWS::ECS::Service", {})
    defaults.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "CustomizedMetricSpecification": {
                    "Metrics": _backlog_metrics(queue, cluster, service)
                },
                # acceptable latency 300 s / processing time 60 s
                "TargetValue": 5,
                "ScaleInCooldown": 300,
                "ScaleOutCooldown": 60,
            },
        },
    )
    defaults.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 1, "MaxCapacity": 10}
    )
    # Above zero tasks, target tracking alone: no step policy.
    defaults.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 1)


def test_from_zero_a_step_policy_starts_the_first_task(custom: tuple[Stack, Template]) -> None:
    template = custom[1]
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0, "MaxCapacity": 50}
    )
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        Match.object_like(
            {
                "PolicyType": "TargetTrackingScaling",
                # 30 min / 10 min
                "TargetTrackingScalingPolicyConfiguration": Match.object_like({"TargetValue": 3}),
            }
        ),
    )
    step = _logical_id(
        template,
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "StepScaling",
            "StepScalingPolicyConfiguration": {
                "AdjustmentType": "ChangeInCapacity",
                "Cooldown": 120,
                "MetricAggregationType": "Maximum",
                "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
            },
        },
    )
    alarm = _one(template, "AWS::CloudWatch::Alarm", {"AlarmActions": [{"Ref": step}]})
    properties = alarm["Properties"]
    assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert properties["Threshold"] == 1
    assert properties["TreatMissingData"] == "notBreaching"
    expression, m1, m2 = properties["Metrics"]
    assert expression["Expression"] == "IF(m1 > 0 AND FILL(m2, 0) == 0, 1, 0)"
    assert m1["MetricStat"]["Metric"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert m2["MetricStat"]["Metric"]["MetricName"] == "RunningTaskCount"
    assert m2["MetricStat"]["Metric"]["Namespace"] == "ECS/ContainerInsights"


def test_a_token_minimum_gets_the_step_policy_too() -> None:
    stack = new_stack("TokenMin")
    from aws_cdk import CfnParameter

    minimum = CfnParameter(stack, "Min", type="Number", default=0).value_as_number
    ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(
            container=_container(),
            scaling=ep.BacklogScalingOptions(min_capacity=minimum),  # type: ignore[arg-type]
        ),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy", {"PolicyType": "StepScaling"}
    )
    # The running-task alarm compares with the parameter, not with a token's number encoding.
    running = _alarm(template, "Fewer running tasks")
    assert running["Metrics"][0]["Expression"] == {
        "Fn::Join": [
            "",
            [
                "IF(FILL(r, 0) < ",
                {"Ref": "Min"},
                " OR (FILL(r, 0) < 1 AND FILL(v, 0) > 0), 1, 0)",
            ],
        ]
    }


# -- alarms ---------------------------------------------------------------------------------------


def _alarm(template: Template, description: str) -> dict[str, Any]:
    properties: dict[str, Any] = _one(
        template,
        "AWS::CloudWatch::Alarm",
        {"AlarmDescription": Match.string_like_regexp(description)},
    )["Properties"]
    return properties


def test_the_alarms_notify_an_encrypted_topic(defaults: Template) -> None:
    topic = _logical_id(defaults, "AWS::SNS::Topic", {})
    key = _logical_id(
        defaults, "AWS::KMS::Key", {"Description": "ecs-patterns: alarm notification topic"}
    )
    assert _one(defaults, "AWS::SNS::Topic")["Properties"]["KmsMasterKeyId"] == {
        "Fn::GetAtt": [key, "Arn"]
    }
    alarms = defaults.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 5
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]
        assert alarm["Properties"]["OKActions"] == [{"Ref": topic}]


def test_each_alarm_watches_its_metric(defaults: Template) -> None:
    age = _alarm(defaults, "oldest message")
    assert age["MetricName"] == "ApproximateAgeOfOldestMessage"
    assert age["Threshold"] == 600  # 2 x the 5 min acceptable latency
    dlq = _alarm(defaults, "dead-letter queue")
    assert (dlq["MetricName"], dlq["Threshold"], dlq["EvaluationPeriods"]) == (
        "ApproximateNumberOfMessagesVisible",
        0,
        1,
    )
    assert _alarm(defaults, "CPUUtilization")["Threshold"] == 80
    assert _alarm(defaults, "MemoryUtilization")["Threshold"] == 80
    running = _alarm(defaults, "Fewer running tasks")
    assert running["Metrics"][0]["Expression"] == (
        "IF(FILL(r, 0) < 1 OR (FILL(r, 0) < 1 AND FILL(v, 0) > 0), 1, 0)"
    )
    assert running["EvaluationPeriods"] == 10


def test_alarm_thresholds_follow_the_options(custom: tuple[Stack, Template]) -> None:
    template = custom[1]
    assert _alarm(template, "oldest message")["Threshold"] == 7200
    assert _alarm(template, "CPUUtilization")["Threshold"] == 90
    running = _alarm(template, "Fewer running tasks")
    assert running["Metrics"][0]["Expression"].startswith("IF(FILL(r, 0) < 0 OR")


def test_no_alarms_when_turned_off() -> None:
    stack = new_stack("NoAlarms")
    worker = ep.QueueWorkerService(
        stack, "Worker", ep.QueueWorkerProps(container=_container(), alarms=None)
    )
    assert worker.alarms is None
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SNS::Topic", 0)
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)


def test_escape_hatches() -> None:
    stack = new_stack("Hatches")
    worker = ep.QueueWorkerService(stack, "Worker", ep.QueueWorkerProps(container=_container()))
    assert isinstance(worker.queue, sqs.Queue)
    assert isinstance(worker.dead_letter_queue, sqs.Queue)
    assert worker.queue_key is not None
    assert isinstance(worker.service, ecs.FargateService)
    assert isinstance(worker.task_definition, ecs.FargateTaskDefinition)
    assert isinstance(worker.scalable_target, ecs.ScalableTaskCount)
    assert worker.scale_out_from_zero is None
    assert worker.alarms is not None
    assert set(worker.alarms.alarms) == {
        "oldest_message_age",
        "dead_letter_queue",
        "cpu",
        "memory",
        "running_tasks",
    }


def test_a_second_service_of_the_same_name_on_one_cluster_is_refused() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")

    def worker(id: str, name: str, on: ep.FargateCluster) -> ep.QueueWorkerService:
        return ep.QueueWorkerService(
            stack,
            id,
            ep.QueueWorkerProps(
                container=_container(),
                cluster=on,
                placement=ep.PlacementOptions(service_name=name),
            ),
        )

    worker("Worker", "jobs", cluster)
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        worker("Worker2", "jobs", cluster)
    assert err.value.props == ("placement.service_name",)
    assert "Worker" in str(err.value)
    # A web service of that name on the same cluster is refused too; another cluster is free.
    with pytest.raises(ep.ConfigurationError, match="service_name"):
        ep.FargateWebService(
            stack,
            "Web",
            ep.WebServiceProps(
                container=ep.ContainerOptions(
                    image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
                ),
                load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
                cluster=cluster,
                placement=ep.PlacementOptions(service_name="jobs"),
            ),
        )
    worker("Worker3", "jobs", ep.FargateCluster(stack, "Other"))
