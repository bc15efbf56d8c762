"""Test stack for SharedIngress: one ingress and two services routed through it.

One stack holds the cluster, the ingress (HTTPS with two certificates, a test listener for a
tester network) and two services: a rolling one by host (with its alias record and a
DNS-validated certificate) and an ECS-native blue/green one by path. The harness (snapshot,
four nag packs + EcsHardeningChecks, built-in validation, cfn-lint, checkov) covers the shared
listeners, the rules, the target groups and the security-group rules.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_route53 as route53

import ecs_patterns as ep

from .service import CERTIFICATE_ARN, IMAGE

SECOND_CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
)
TESTERS = "203.0.113.0/24"


def shared_ingress(stack: Stack) -> None:
    cluster = ep.FargateCluster(stack, "Cluster")
    ingress = ep.SharedIngress(
        stack,
        "Ingress",
        ep.SharedIngressProps(
            cluster=cluster,
            certificates=[
                acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
                acm.Certificate.from_certificate_arn(stack, "SecondCert", SECOND_CERTIFICATE_ARN),
            ],
            test_listener_port=8443,
            test_listener_cidrs=[TESTERS],
        ),
    )
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )
    image = ecs.ContainerImage.from_registry(IMAGE)
    ep.FargateWebService(
        stack,
        "Orders",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=image),
            ingress=ep.IngressRoute(
                ingress=ingress,
                hosts=["orders.example.com"],
                hosted_zone=zone,
                certificate=True,
            ),
        ),
    )
    ep.FargateWebService(
        stack,
        "Payments",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=image),
            ingress=ep.IngressRoute(ingress=ingress, paths=["/payments/*"], priority=10),
            deployment=ep.EcsNativeBlueGreen(),
        ),
    )


STACKS = {"SharedIngress": shared_ingress}
