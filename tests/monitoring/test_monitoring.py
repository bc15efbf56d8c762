"""ServiceMonitoring: alarms, composite alarm, topic, dashboard, rollback wiring and validation."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from tests.conftest import Synthesized, new_stack
from tests.stacks.monitoring import ALB_ARN, fargate_service

Resource = dict[str, Any]

ALB_FULL_NAME = "app/shared/0123456789abcdef"


@pytest.fixture(scope="module")
def defaults(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["MonitoringDefaults"])


@pytest.fixture(scope="module")
def alb(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["MonitoringWithAlb"])


@pytest.fixture
def stack() -> Stack:
    return new_stack()


@pytest.fixture
def service(stack: Stack) -> ecs.FargateService:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    return fargate_service(
        stack, "Web", ep.FargateCluster(stack, "Cluster", ep.ClusterProps(vpc=vpc))
    )


@pytest.fixture(scope="module")
def shared_service() -> ecs.IBaseService:
    """An imported service: enough for props validation, which creates nothing."""
    stack = new_stack("Props")
    cluster = ecs.Cluster.from_cluster_attributes(
        stack, "Cluster", cluster_name="platform", vpc=ec2.Vpc(stack, "Vpc", nat_gateways=0)
    )
    return ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )


def alarm(template: Template, suffix: str) -> Resource:
    """The properties of the one metric or composite alarm whose name ends with ``suffix``."""
    found = [
        r["Properties"]
        for r in template.to_json()["Resources"].values()
        if r["Type"] in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")
        and str(r["Properties"].get("AlarmName", "")).endswith(f"-{suffix}")
    ]
    assert len(found) == 1, f"{len(found)} alarms named *-{suffix}"
    return cast(Resource, found[0])


def logical_id(template: Template, type_: str, prefix: str) -> str:
    ids = [k for k, r in template.to_json()["Resources"].items() if r["Type"] == type_]
    matches = [k for k in ids if k.startswith(prefix)]
    assert len(matches) == 1, f"{type_} {prefix}*: {matches}"
    return str(matches[0])


def dimensions(props: Resource) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in props["Dimensions"]}


def text_of(value: Any) -> str:
    """The literal text of a string or an Fn::Join, tokens left out."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        return "".join(text_of(v) for v in value["Fn::Join"][1])
    return ""  # a token


# -- metric alarms -----------------------------------------------------------------------------


class Expected(NamedTuple):
    namespace: str
    metric: str
    statistic: dict[str, str]
    threshold: float
    comparison: str
    missing: str


ABOVE, BELOW = "GreaterThanThreshold", "LessThanThreshold"
ELB = "AWS/ApplicationELB"
EXPECTED_ALARMS = {
    ("defaults", "CpuHigh"): Expected(
        "AWS/ECS", "CPUUtilization", {"Statistic": "Average"}, 80, ABOVE, "notBreaching"
    ),
    ("defaults", "MemoryHigh"): Expected(
        "AWS/ECS", "MemoryUtilization", {"Statistic": "Average"}, 80, ABOVE, "notBreaching"
    ),
    ("defaults", "RunningTasksLow"): Expected(
        "ECS/ContainerInsights", "RunningTaskCount", {"Statistic": "Minimum"}, 1, BELOW, "missing"
    ),
    ("alb", "Target5xx"): Expected(
        ELB, "HTTPCode_Target_5XX_Count", {"Statistic": "Sum"}, 5, ABOVE, "notBreaching"
    ),
    ("alb", "Elb5xx"): Expected(
        ELB, "HTTPCode_ELB_5XX_Count", {"Statistic": "Sum"}, 5, ABOVE, "notBreaching"
    ),
    ("alb", "UnhealthyHosts"): Expected(
        ELB, "UnHealthyHostCount", {"Statistic": "Maximum"}, 0, ABOVE, "notBreaching"
    ),
    ("alb", "LatencyP99High"): Expected(
        ELB, "TargetResponseTime", {"ExtendedStatistic": "p99"}, 0.5, ABOVE, "notBreaching"
    ),
}


@pytest.mark.parametrize(("stack_name", "suffix"), sorted(EXPECTED_ALARMS))
def test_metric_alarm_definition(
    request: pytest.FixtureRequest, stack_name: str, suffix: str
) -> None:
    expected = EXPECTED_ALARMS[(stack_name, suffix)]
    props = alarm(request.getfixturevalue(stack_name), suffix)
    assert props["Namespace"] == expected.namespace
    assert props["MetricName"] == expected.metric
    assert {k: props.get(k) for k in expected.statistic} == expected.statistic
    assert props["Threshold"] == expected.threshold
    assert props["ComparisonOperator"] == expected.comparison
    assert props["TreatMissingData"] == expected.missing
    assert props["Period"] == 60
    assert props["EvaluationPeriods"] == 3
    assert props["DatapointsToAlarm"] == 3


@pytest.mark.parametrize("suffix", ["CpuHigh", "MemoryHigh", "RunningTasksLow"])
def test_service_alarms_use_cluster_and_service_name(defaults: Template, suffix: str) -> None:
    cluster = logical_id(defaults, "AWS::ECS::Cluster", "Cluster")
    service = logical_id(defaults, "AWS::ECS::Service", "Web")
    assert dimensions(alarm(defaults, suffix)) == {
        "ClusterName": {"Ref": cluster},
        "ServiceName": {"Fn::GetAtt": [service, "Name"]},
    }


@pytest.mark.parametrize("suffix", ["Target5xx", "UnhealthyHosts", "LatencyP99High"])
def test_target_group_alarms_use_target_group_and_load_balancer(alb: Template, suffix: str) -> None:
    target_group = logical_id(alb, "AWS::ElasticLoadBalancingV2::TargetGroup", "WebTargets")
    assert dimensions(alarm(alb, suffix)) == {
        "LoadBalancer": ALB_FULL_NAME,
        "TargetGroup": {"Fn::GetAtt": [target_group, "TargetGroupFullName"]},
    }


def test_load_balancer_5xx_alarm_uses_load_balancer_only(alb: Template) -> None:
    assert dimensions(alarm(alb, "Elb5xx")) == {"LoadBalancer": ALB_FULL_NAME}


def test_without_load_balancer_only_service_alarms(defaults: Template) -> None:
    defaults.resource_count_is("AWS::CloudWatch::Alarm", 3)
    defaults.resource_count_is("AWS::CloudWatch::CompositeAlarm", 1)


def test_custom_thresholds_and_windows(alb: Template) -> None:
    assert alarm(alb, "web-RunningTasksLow")["Threshold"] == 2  # min_running_tasks=2
    props = alarm(alb, "worker-CpuHigh")
    assert (props["Threshold"], props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (
        90,
        5,
        3,
    )


def test_default_alarm_names_are_unique_to_the_construct(defaults: Template) -> None:
    name = alarm(defaults, "CpuHigh")["AlarmName"]
    assert name.startswith("MonitoringDefaults-Monitoring-")
    assert len(name) <= 255


# -- notifications -----------------------------------------------------------------------------


@pytest.mark.parametrize("stack_name", ["defaults", "alb"])
def test_every_alarm_notifies_the_topic_on_alarm_and_ok(
    request: pytest.FixtureRequest, stack_name: str
) -> None:
    template: Template = request.getfixturevalue(stack_name)
    topic = {"Ref": logical_id(template, "AWS::SNS::Topic", "")}
    alarms = {
        **template.find_resources("AWS::CloudWatch::Alarm"),
        **template.find_resources("AWS::CloudWatch::CompositeAlarm"),
    }
    assert alarms
    for resource in alarms.values():
        assert resource["Properties"]["AlarmActions"] == [topic]
        assert resource["Properties"]["OKActions"] == [topic]
        assert resource["Properties"].get("ActionsEnabled", True) is True


def test_composite_alarm_is_any_of_the_critical_alarms(alb: Template) -> None:
    rule = alarm(alb, "web-Unhealthy")
    ids = [
        logical_id(alb, "AWS::CloudWatch::Alarm", f"WebMonitoring{name}")
        for name in ("RunningTasksLow", "Target5xx", "UnhealthyHosts")
    ]
    parts = rule["AlarmRule"]["Fn::Join"][1]
    assert [p for p in parts if isinstance(p, dict)] == [{"Fn::GetAtt": [i, "Arn"]} for i in ids]
    assert text_of(rule["AlarmRule"]) == '(ALARM("") OR ALARM("") OR ALARM(""))'


def test_composite_alarm_without_load_balancer_watches_running_tasks(defaults: Template) -> None:
    running = logical_id(defaults, "AWS::CloudWatch::Alarm", "MonitoringRunningTasksLow")
    rule = alarm(defaults, "Unhealthy")["AlarmRule"]
    assert [p for p in rule["Fn::Join"][1] if isinstance(p, dict)] == [
        {"Fn::GetAtt": [running, "Arn"]}
    ]


def test_topic_encrypted_with_rotating_key_and_sha256_signatures(defaults: Template) -> None:
    key = logical_id(defaults, "AWS::KMS::Key", "MonitoringTopicKey")
    defaults.has_resource_properties(
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": {"Fn::GetAtt": [key, "Arn"]}, "SignatureVersion": "2"},
    )
    defaults.has_resource(
        "AWS::KMS::Key",
        {
            "Properties": Match.object_like({"EnableKeyRotation": True, "PendingWindowInDays": 7}),
            "DeletionPolicy": "Delete",
        },
    )


def test_topic_key_lets_cloudwatch_and_eventbridge_publish(defaults: Template) -> None:
    key = defaults.to_json()["Resources"][
        logical_id(defaults, "AWS::KMS::Key", "MonitoringTopicKey")
    ]
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert {
        "Sid": "AllowAlarmAndEventPublishers",
        "Effect": "Allow",
        "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com"]},
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Resource": "*",
    } in statements


def test_topic_policy_denies_publishing_without_tls(defaults: Template) -> None:
    defaults.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "sns:Publish",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_topic_policy_scopes_service_publishers(defaults: Template) -> None:
    policy = next(iter(defaults.find_resources("AWS::SNS::TopicPolicy").values()))
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    cloudwatch_ = next(s for s in statements if s.get("Sid") == "AllowCloudWatchAlarms")
    assert cloudwatch_["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert cloudwatch_["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert text_of(cloudwatch_["Condition"]["ArnLike"]["aws:SourceArn"]) == (
        "arn::cloudwatch:us-east-1:123456789012:alarm:*"
    )
    rule = logical_id(defaults, "AWS::Events::Rule", "MonitoringTaskFailures")
    events_ = next(s for s in statements if s["Principal"] == {"Service": "events.amazonaws.com"})
    assert events_["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule, "Arn"]}}}


def test_subscriptions_email_and_https(alb: Template) -> None:
    topic = {"Ref": logical_id(alb, "AWS::SNS::Topic", "WebMonitoringTopic")}
    alb.resource_count_is("AWS::SNS::Subscription", 2)
    alb.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "oncall@example.com", "TopicArn": topic},
    )
    alb.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "https", "Endpoint": "https://hooks.example.com/alarms", "TopicArn": topic},
    )


def test_given_topic_is_used_and_no_second_topic_is_created(alb: Template) -> None:
    alb.resource_count_is("AWS::SNS::Topic", 1)
    worker = alarm(alb, "worker-Unhealthy")
    assert worker["AlarmActions"] == [{"Ref": logical_id(alb, "AWS::SNS::Topic", "WebMonitoring")}]


def test_task_failures_notify_the_topic(defaults: Template) -> None:
    cluster = logical_id(defaults, "AWS::ECS::Cluster", "Cluster")
    service = logical_id(defaults, "AWS::ECS::Service", "Web")
    rule = next(iter(defaults.find_resources("AWS::Events::Rule").values()))["Properties"]
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.ecs"]
    assert pattern["detail-type"] == ["ECS Task State Change"]
    detail = pattern["detail"]
    assert detail["clusterArn"] == [{"Fn::GetAtt": [cluster, "Arn"]}]
    assert detail["group"] == [{"Fn::Join": ["", ["service:", {"Fn::GetAtt": [service, "Name"]}]]}]
    assert detail["lastStatus"] == ["STOPPED"]
    assert detail["$or"] == [
        {"stopCode": ["EssentialContainerExited", "TaskFailedToStart"]},
        {"stoppedReason": [{"prefix": "Task failed"}]},
    ]
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Ref": logical_id(defaults, "AWS::SNS::Topic", "MonitoringTopic")}
    assert "RoleArn" not in target
    assert "<detail-stoppedReason>" in target["InputTransformer"]["InputTemplate"]


def test_task_failure_notification_can_be_turned_off(alb: Template) -> None:
    alb.resource_count_is("AWS::Events::Rule", 1)  # web only; the worker opted out


# -- dashboard ---------------------------------------------------------------------------------


def test_dashboard_has_service_widgets_and_alarm_status(defaults: Template) -> None:
    defaults.resource_count_is("AWS::CloudWatch::Dashboard", 1)
    body = text_of(
        next(iter(defaults.find_resources("AWS::CloudWatch::Dashboard").values()))["Properties"][
            "DashboardBody"
        ]
    )
    for title in ('"CPU utilization (%)"', '"Memory utilization (%)"', '"Tasks"', '"Alarms"'):
        assert f'"title":{title}' in body
    for metric in ("RunningTaskCount", "DesiredTaskCount", "PendingTaskCount"):
        assert f'"ECS/ContainerInsights","{metric}"' in body
    assert '"type":"alarm"' in body
    assert "Requests" not in body  # no load balancer, no traffic row


def test_shared_dashboard_holds_both_services(alb: Template) -> None:
    alb.resource_count_is("AWS::CloudWatch::Dashboard", 1)
    dashboard = next(iter(alb.find_resources("AWS::CloudWatch::Dashboard").values()))
    assert dashboard["Properties"]["DashboardName"] == "platform-services"
    body = text_of(dashboard["Properties"]["DashboardBody"])
    assert body.count("## ECS service ") == 2
    assert body.count('"type":"alarm"') == 2
    for title in ('"Requests"', '"5xx responses"', '"Target response time (s)"'):
        assert f'"title":{title}' in body
    assert '"stat":"p50"' in body
    assert '"stat":"p99"' in body


def test_add_to_dashboard_builds_fresh_widgets(service: ecs.FargateService, stack: Stack) -> None:
    monitoring = ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=service, create_dashboard=False)
    )
    assert monitoring.dashboard is None
    first = cloudwatch.Dashboard(stack, "First")
    second = cloudwatch.Dashboard(stack, "Second")
    monitoring.add_to_dashboard(first)
    monitoring.add_to_dashboard(second)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::CloudWatch::Dashboard", 2)
    for resource in template.find_resources("AWS::CloudWatch::Dashboard").values():
        assert text_of(resource["Properties"]["DashboardBody"]).count('"type":"alarm"') == 1


# -- rollback wiring ---------------------------------------------------------------------------


def test_deployment_alarms_roll_back_on_the_critical_alarms(alb: Template) -> None:
    alb.has_resource_properties(
        "AWS::ECS::Service",
        {
            "DeploymentConfiguration": Match.object_like(
                {
                    "Alarms": {
                        "AlarmNames": [
                            "prod-web-RunningTasksLow",
                            "prod-web-Target5xx",
                            "prod-web-UnhealthyHosts",
                        ],
                        "Enable": True,
                        "Rollback": True,
                    },
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                }
            )
        },
    )


def test_deployment_alarms_are_off_unless_asked_for(defaults: Template) -> None:
    service = next(iter(defaults.find_resources("AWS::ECS::Service").values()))
    assert service["Properties"]["DeploymentConfiguration"]["Alarms"]["Enable"] is False


def test_rollback_helpers_list_metric_alarms_not_the_composite(
    service: ecs.FargateService, stack: Stack
) -> None:
    monitoring = ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=service, alarm_name_prefix="svc")
    )
    assert monitoring.deployment_alarm_names == ["svc-RunningTasksLow"]
    assert monitoring.rollback_alarms == [monitoring.alarms["running_tasks"]]
    assert monitoring.unhealthy_alarm not in monitoring.rollback_alarms
    assert sorted(monitoring.alarms) == ["cpu", "memory", "running_tasks"]
    assert monitoring.key is not None
    assert monitoring.dashboard is not None


def test_enable_deployment_alarm_rollback_is_idempotent(
    service: ecs.FargateService, stack: Stack
) -> None:
    monitoring = ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=service, alarm_name_prefix="svc")
    )
    monitoring.enable_deployment_alarm_rollback()
    monitoring.enable_deployment_alarm_rollback()
    Template.from_stack(stack).has_resource_properties(
        "AWS::ECS::Service",
        {
            "DeploymentConfiguration": Match.object_like(
                {
                    "Alarms": {
                        "AlarmNames": ["svc-RunningTasksLow"],
                        "Enable": True,
                        "Rollback": True,
                    }
                }
            )
        },
    )


def test_fails_to_enable_rollback_under_code_deploy(stack: Stack) -> None:
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0)
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    task = ecs.FargateTaskDefinition(stack, "Task")
    task.add_container("web", image=ecs.ContainerImage.from_registry("nginx"))
    service = ecs.FargateService(
        stack,
        "Service",
        cluster=cluster,
        task_definition=task,
        min_healthy_percent=100,
        deployment_controller=ecs.DeploymentController(
            type=ecs.DeploymentControllerType.CODE_DEPLOY
        ),
    )
    with pytest.raises(ep.ConfigurationError, match="CODE_DEPLOY") as err:
        ep.MonitoringProps(service=service, deployment_alarm_rollback=True)
    assert err.value.props == ("deployment_group",)
    monitoring = ep.ServiceMonitoring(stack, "Monitoring", ep.MonitoringProps(service=service))
    assert len(monitoring.rollback_alarms) == 1  # still usable for a CodeDeploy group
    with pytest.raises(ep.ConfigurationError, match="CodeDeploy"):
        monitoring.enable_deployment_alarm_rollback()


def test_fails_to_enable_rollback_on_an_imported_service(shared_service: ecs.IBaseService) -> None:
    with pytest.raises(ep.ConfigurationError, match="imported") as err:
        ep.MonitoringProps(service=shared_service, deployment_alarm_rollback=True)
    assert err.value.props == ("deployment_alarm_rollback",)


def test_imported_service_can_be_monitored(stack: Stack) -> None:
    cluster = ecs.Cluster.from_cluster_attributes(
        stack, "Cluster", cluster_name="platform", vpc=ec2.Vpc(stack, "Vpc", nat_gateways=0)
    )
    service = ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )
    ep.ServiceMonitoring(stack, "Monitoring", ep.MonitoringProps(service=service))
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "CPUUtilization",
            "Dimensions": [
                {"Name": "ClusterName", "Value": "platform"},
                {"Name": "ServiceName", "Value": "web"},
            ],
        },
    )


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"cpu_threshold_percent": 0}, "cpu_threshold_percent"),
        ({"cpu_threshold_percent": 100.5}, "cpu_threshold_percent"),
        ({"memory_threshold_percent": 150}, "memory_threshold_percent"),
        ({"period": Duration.seconds(30)}, "period"),
        ({"period": Duration.seconds(90)}, "period"),
        ({"period": Duration.days(2), "evaluation_periods": 1, "datapoints_to_alarm": 1}, "period"),
        ({"evaluation_periods": 0, "datapoints_to_alarm": 1}, "evaluation_periods"),
        ({"evaluation_periods": 3, "datapoints_to_alarm": 4}, "datapoints_to_alarm"),
        ({"evaluation_periods": 3, "datapoints_to_alarm": 0}, "datapoints_to_alarm"),
        (
            {"period": Duration.minutes(5), "evaluation_periods": 289, "datapoints_to_alarm": 1},
            "evaluation_periods",
        ),
        (
            {"period": Duration.hours(2), "evaluation_periods": 85, "datapoints_to_alarm": 1},
            "evaluation_periods",
        ),
        ({"min_running_tasks": 0}, "min_running_tasks"),
        ({"target_5xx_threshold": -1}, "target_5xx_threshold"),
        ({"elb_5xx_threshold": 1.5}, "elb_5xx_threshold"),
        ({"unhealthy_hosts_threshold": -1}, "unhealthy_hosts_threshold"),
        ({"latency_p99_threshold": Duration.seconds(0)}, "latency_p99_threshold"),
        ({"latency_p99_threshold": Duration.hours(2)}, "latency_p99_threshold"),
        ({"email_subscriptions": ["oncall"]}, "email_subscriptions"),
        ({"email_subscriptions": ["a@b"]}, "email_subscriptions"),
        ({"email_subscriptions": "oncall@example.com"}, "email_subscriptions"),
        ({"email_subscriptions": ["x@example.com", "x@example.com"]}, "email_subscriptions"),
        ({"https_subscriptions": ["http://hooks.example.com/a"]}, "https_subscriptions"),
        ({"https_subscriptions": ["https://"]}, "https_subscriptions"),
        ({"https_subscriptions": ["hooks.example.com"]}, "https_subscriptions"),
        ({"alarm_name_prefix": ""}, "alarm_name_prefix"),
        ({"alarm_name_prefix": "x" * 201}, "alarm_name_prefix"),
        ({"alarm_name_prefix": "bad\nname"}, "alarm_name_prefix"),
        ({"dashboard_name": "has space"}, "dashboard_name"),
        ({"create_dashboard": False, "dashboard_name": "web"}, "dashboard_name"),
    ],
)
def test_fails_on_invalid_props(
    shared_service: ecs.IBaseService, kwargs: dict[str, Any], prop: str
) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.MonitoringProps(service=shared_service, **kwargs)
    assert err.value.props == (prop,)
    assert f"{prop}=" in str(err.value)


def test_fails_when_a_dashboard_is_given_with_create_dashboard_false(stack: Stack) -> None:
    cluster = ecs.Cluster.from_cluster_attributes(
        stack, "Cluster", cluster_name="platform", vpc=ec2.Vpc(stack, "Vpc", nat_gateways=0)
    )
    service = ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )
    dashboard = cloudwatch.Dashboard(stack, "Shared")
    with pytest.raises(ep.ConfigurationError) as err:
        ep.MonitoringProps(
            service=service, dashboard=dashboard, create_dashboard=False, dashboard_name="x"
        )
    assert err.value.props == ("create_dashboard", "dashboard_name")


def test_fails_when_the_target_group_has_no_load_balancer(stack: Stack) -> None:
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0)
    cluster = ecs.Cluster.from_cluster_attributes(stack, "Cluster", cluster_name="c", vpc=vpc)
    service = ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )
    target_group = elbv2.ApplicationTargetGroup(stack, "Targets", vpc=vpc, port=80)
    with pytest.raises(ep.ConfigurationError, match="attached to a load balancer") as err:
        ep.MonitoringProps(service=service, target_group=target_group)
    assert err.value.props == ("target_group",)


def test_imported_target_group_with_load_balancer_is_accepted(stack: Stack) -> None:
    vpc = ec2.Vpc(stack, "Vpc", nat_gateways=0)
    cluster = ecs.Cluster.from_cluster_attributes(stack, "Cluster", cluster_name="c", vpc=vpc)
    service = ecs.FargateService.from_fargate_service_attributes(
        stack, "Service", cluster=cluster, service_name="web"
    )
    target_group = elbv2.ApplicationTargetGroup.from_target_group_attributes(
        stack,
        "Targets",
        target_group_arn=(
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
        ),
        load_balancer_arns=ALB_ARN,
    )
    monitoring = ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=service, target_group=target_group)
    )
    assert sorted(monitoring.alarms) == [
        "cpu",
        "latency_p99",
        "memory",
        "running_tasks",
        "target_5xx",
        "unhealthy_hosts",
    ]


def test_reports_every_problem_at_once(shared_service: ecs.IBaseService) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.MonitoringProps(
            service=shared_service,
            cpu_threshold_percent=0,
            period=Duration.seconds(10),
            email_subscriptions=["nobody"],
            https_subscriptions=["http://x"],
        )
    assert err.value.props == (
        "cpu_threshold_percent",
        "period",
        "email_subscriptions",
        "https_subscriptions",
    )


def test_tokens_are_not_judged(stack: Stack, shared_service: ecs.IBaseService) -> None:
    email = CfnParameter(stack, "Email").value_as_string
    url = CfnParameter(stack, "Url").value_as_string
    prefix = CfnParameter(stack, "Prefix").value_as_string
    props = ep.MonitoringProps(
        service=shared_service,
        email_subscriptions=[email],
        https_subscriptions=[url],
        alarm_name_prefix=prefix,
    )
    assert props.email_subscriptions == [email]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_threshold_is_a_configuration_error_not_a_jsii_crash(value: float) -> None:
    # Found by tests/property (deep): is_token(inf) sent Infinity to jsii, whose kernel then died
    # with a BrokenPipeError (invalid JSON), taking every later jsii call with it.
    stack = new_stack()
    service = fargate_service(stack, "Svc", ep.FargateCluster(stack, "Cluster"))
    with pytest.raises(ep.ConfigurationError) as err:
        ep.MonitoringProps(service=service, cpu_threshold_percent=value)
    assert err.value.props == ("cpu_threshold_percent",)


def test_datapoints_beyond_1440_named_even_when_evaluation_periods_is_too() -> None:
    # Found by tests/property (deep): only evaluation_periods was named.
    stack = new_stack()
    service = fargate_service(stack, "Svc", ep.FargateCluster(stack, "Cluster"))
    with pytest.raises(ep.ConfigurationError) as err:
        ep.MonitoringProps(service=service, evaluation_periods=2000, datapoints_to_alarm=2000)
    assert {"evaluation_periods", "datapoints_to_alarm"} <= set(err.value.props)
