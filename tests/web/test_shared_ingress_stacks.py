"""The fleet layout with a shared ingress: a platform stack (cluster and ingress) and one stack
per service, a rolling one and an ECS-native blue/green one.

Every rule, target group and security-group rule of a service lives in the service's stack,
which references the platform stack (exports and imports) and is never referenced back: no
reference cycle, each service stack deploys on its own. The app passes the four cdk-nag packs,
EcsHardeningChecks and aws-cdk-lib's built-in validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.testing import assert_no_findings, nag_findings, synth_findings
from tests.conftest import ENV, new_app
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

SERVICE_RESOURCES = (
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
)


@dataclass(frozen=True)
class Fleet:
    app: App
    platform: Stack
    orders: Stack
    payments: Stack
    findings: list[Any]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    app = new_app(Path(tmp_path_factory.mktemp("shared-ingress")), validation=True)
    platform = Stack(app, "Platform", env=ENV)
    cluster = ep.FargateCluster(platform, "Cluster")
    ingress = ep.SharedIngress(
        platform,
        "Ingress",
        ep.SharedIngressProps(
            cluster=cluster,
            certificates=[acm.Certificate.from_certificate_arn(platform, "Cert", CERTIFICATE_ARN)],
            test_listener_port=8443,
            test_listener_cidrs=["203.0.113.0/24"],
        ),
    )
    image = ecs.ContainerImage.from_registry(IMAGE)
    orders = Stack(app, "Orders", env=ENV)
    ep.FargateWebService(
        orders,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=image),
            ingress=ep.IngressRoute(ingress=ingress, hosts=["orders.example.com"]),
        ),
    )
    payments = Stack(app, "Payments", env=ENV)
    ep.FargateWebService(
        payments,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=image),
            ingress=ep.IngressRoute(ingress=ingress, paths=["/payments/*"]),
            deployment=ep.EcsNativeBlueGreen(),
        ),
    )
    findings = [*nag_findings(app), *synth_findings(app)]
    return Fleet(app, platform, orders, payments, findings)


def test_service_stacks_depend_on_the_platform_and_never_the_reverse(fleet: Fleet) -> None:
    assert fleet.platform.dependencies == []
    for stack in (fleet.orders, fleet.payments):
        assert [d.stack_name for d in stack.dependencies] == ["Platform"]


def test_every_rule_target_group_and_security_group_rule_is_in_the_service_stacks(
    fleet: Fleet,
) -> None:
    platform = Template.from_stack(fleet.platform)
    for kind in SERVICE_RESOURCES:
        platform.resource_count_is(kind, 0)
    orders = Template.from_stack(fleet.orders)
    payments = Template.from_stack(fleet.payments)
    orders.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 1)
    orders.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 1)
    payments.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 2)
    payments.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 2)
    for template in (orders, payments):
        template.resource_count_is("AWS::EC2::SecurityGroupEgress", 1)
        template.resource_count_is("AWS::EC2::SecurityGroupIngress", 1)
        template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)
        template.resource_count_is("AWS::ECS::Cluster", 0)
        imported = {"Fn::ImportValue": Match.string_like_regexp("Platform:")}
        template.has_resource_properties(
            "AWS::ElasticLoadBalancingV2::ListenerRule", {"ListenerArn": imported}
        )
        template.has_resource_properties("AWS::EC2::SecurityGroupEgress", {"GroupId": imported})
        template.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress", {"SourceSecurityGroupId": imported}
        )


def test_the_layout_passes_the_packs_and_the_builtin_validation(fleet: Fleet) -> None:
    assert_no_findings(fleet.findings)


def _layout(*, own_stack: bool) -> tuple[Stack, ep.SharedIngress]:
    app = new_app()
    platform = Stack(app, "Platform", env=ENV)
    ingress = ep.SharedIngress(
        platform,
        "Ingress",
        ep.SharedIngressProps(
            cluster=ep.FargateCluster(platform, "Cluster"),
            certificates=[acm.Certificate.from_certificate_arn(platform, "Cert", CERTIFICATE_ARN)],
            test_listener_port=8443,
            test_listener_cidrs=["203.0.113.0/24"],
        ),
    )
    # A rolling service without DNS records: it imports neither the test listener nor the
    # load balancer's DNS name.
    ep.FargateWebService(
        Stack(app, "Orders", env=ENV) if own_stack else platform,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            ingress=ep.IngressRoute(ingress=ingress, hosts=["orders.example.com"]),
        ),
    )
    return platform, ingress


def test_the_ingress_exports_what_any_service_stack_imports_while_one_exists() -> None:
    # Without it, removing the last blue/green service (or the last one with DNS records)
    # drops an export that its not yet updated stack still imports, and CloudFormation refuses
    # the platform stack's update.
    platform, ingress = _layout(own_stack=True)
    outputs = Template.from_stack(platform).find_outputs("*")
    exported = [o["Value"] for o in outputs.values()]
    resolve = platform.resolve
    for value in (
        ingress.listener.listener_arn,
        ingress.security_group.security_group_id,
        ingress.load_balancer.load_balancer_dns_name,
        ingress.load_balancer.load_balancer_canonical_hosted_zone_id,
    ):
        assert resolve(value) in exported
    assert ingress.test_listener is not None
    assert resolve(ingress.test_listener.listener_arn) in exported


def test_services_in_the_ingress_stack_add_no_exports() -> None:
    platform, _ = _layout(own_stack=False)
    assert Template.from_stack(platform).find_outputs("*") == {}
