"""IngressMonitoring: the shared load balancer's alarms once, and services kept off them."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.core._shared_load_balancers import mark_shared_load_balancer
from tests.conftest import Synthesized, new_stack
from tests.stacks.monitoring import ALB_ARN, ALB_SECURITY_GROUP, _cluster, fargate_service

ALB_FULL_NAME = "app/shared/0123456789abcdef"


@pytest.fixture(scope="module")
def template(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["MonitoringIngress"])


def _alarm(template: Template, metric: str) -> dict[str, Any]:
    found = template.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"MetricName": metric}}
    )
    assert len(found) == 1, found
    props: dict[str, Any] = next(iter(found.values()))["Properties"]
    return props


@pytest.mark.parametrize(
    ("metric", "threshold"),
    [
        ("HTTPCode_ELB_5XX_Count", 5),
        ("TargetConnectionErrorCount", 5),
        ("RejectedConnectionCount", 0),
    ],
)
def test_load_balancer_alarms(template: Template, metric: str, threshold: int) -> None:
    alarm = _alarm(template, metric)
    assert alarm["Namespace"] == "AWS/ApplicationELB"
    assert alarm["Statistic"] == "Sum"
    assert alarm["Dimensions"] == [{"Name": "LoadBalancer", "Value": ALB_FULL_NAME}]
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert (alarm["Period"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (60, 3, 3)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert len(alarm["AlarmActions"]) == 1
    assert alarm["OKActions"] == alarm["AlarmActions"]


def test_only_load_balancer_alarms_no_target_group_or_service_alarm(template: Template) -> None:
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 3
    for alarm in alarms.values():
        names = {d["Name"] for d in alarm["Properties"]["Dimensions"]}
        assert names == {"LoadBalancer"}


def test_composite_pages_on_5xx_or_target_connection_errors(template: Template) -> None:
    composite = template.find_resources("AWS::CloudWatch::CompositeAlarm")
    assert len(composite) == 1
    rule = str(next(iter(composite.values()))["Properties"]["AlarmRule"])
    assert "Elb5xx" in rule
    assert "TargetConnectionErrors" in rule
    assert "RejectedConnections" not in rule


def test_encrypted_topic_with_subscription(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value(), "SignatureVersion": "2"}
    )
    template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "oncall@example.com"}
    )


def _alb(stack: Any) -> elbv2.IApplicationLoadBalancer:
    return elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack, "Alb", load_balancer_arn=ALB_ARN, security_group_id=ALB_SECURITY_GROUP
    )


def test_thresholds_window_and_prefix() -> None:
    stack = new_stack()
    ep.IngressMonitoring(
        stack,
        "M",
        ep.IngressMonitoringProps(
            load_balancer=_alb(stack),
            alarm_name_prefix="edge",
            period=Duration.minutes(5),
            evaluation_periods=2,
            datapoints_to_alarm=1,
            elb_5xx_threshold=50,
        ),
    )
    template = Template.from_stack(stack)
    alarm = _alarm(template, "HTTPCode_ELB_5XX_Count")
    assert (alarm["Threshold"], alarm["Period"], alarm["EvaluationPeriods"]) == (50, 300, 2)
    assert alarm["DatapointsToAlarm"] == 1
    assert alarm["AlarmName"] == "edge-Elb5xx"


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("elb_5xx_threshold", -1, "elb_5xx_threshold"),
        ("rejected_connections_threshold", 1.5, "rejected_connections_threshold"),
        ("period", Duration.seconds(90), "period"),
        ("datapoints_to_alarm", 4, "datapoints_to_alarm"),
        ("email_subscriptions", ["not-an-address"], "email_subscriptions"),
        ("https_subscriptions", ["http://hooks.example.com"], "https_subscriptions"),
        ("alarm_name_prefix", "x" * 201, "alarm_name_prefix"),
    ],
)
def test_bad_props_are_refused(field: str, value: object, needle: str) -> None:
    stack = new_stack()
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.IngressMonitoringProps(load_balancer=_alb(stack), **{field: value})  # type: ignore[arg-type]
    assert needle in str(raised.value)
    assert raised.value.props_class == "IngressMonitoringProps"
    assert needle in raised.value.props


def test_service_monitoring_refuses_a_shared_load_balancer() -> None:
    """The shared load balancer's alarms belong to the ingress, not to every service."""
    stack = new_stack()
    cluster = _cluster(stack)
    service = fargate_service(stack, "Web", cluster)
    alb = _alb(stack)
    mark_shared_load_balancer(alb, "Platform/Ingress")
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.MonitoringProps(service=service, load_balancer=alb)
    message = str(raised.value)
    assert "load_balancer" in message
    assert "Platform/Ingress" in message
    assert "IngressMonitoring" in message
    # The service's own load balancer is still welcome.
    own = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack, "Own", load_balancer_arn=ALB_ARN, security_group_id=ALB_SECURITY_GROUP
    )
    assert ep.MonitoringProps(service=service, load_balancer=own).load_balancer is own
