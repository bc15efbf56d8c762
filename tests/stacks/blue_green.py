"""Test stacks for the blue/green deployment strategies of FargateWebService.

One stack per mechanism, each with ServiceMonitoring wired for alarm rollback, so the harness
(snapshot, four nag packs + EcsHardeningChecks, built-in validation, cfn-lint) covers the
deployment group, the release custom resource, the test listener, the listener rules and the
ECS-native deployment configuration.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep

from .service import IMAGE, _certificate


def codedeploy(stack: Stack) -> None:
    web = ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(
                certificate=_certificate(stack), ingress_cidrs=["203.0.113.0/24"]
            ),
            deployment=ep.CodeDeployBlueGreen(),
        ),
    )
    ep.ServiceMonitoring(
        stack,
        "Monitoring",
        ep.MonitoringProps(
            service=web.service,
            target_group=web.target_group,
            alternate_target_group=web.green_target_group,
            load_balancer=web.load_balancer,
            deployment_alarm_rollback=True,
            deployment_group=web.deployment_group,
        ),
    )


def ecs_native(stack: Stack) -> None:
    web = ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(certificate=_certificate(stack)),
            deployment=ep.EcsNativeBlueGreen(
                strategy=ecs.DeploymentStrategy.LINEAR,
                step_percent=20,
                step_bake_time=Duration.minutes(1),
                bake_time=Duration.minutes(2),
            ),
        ),
    )
    ep.ServiceMonitoring(
        stack,
        "Monitoring",
        ep.MonitoringProps(
            service=web.service,
            target_group=web.target_group,
            alternate_target_group=web.green_target_group,
            load_balancer=web.load_balancer,
            deployment_alarm_rollback=True,
        ),
    )


STACKS = {
    "BlueGreenCodeDeploy": codedeploy,
    "BlueGreenEcsNative": ecs_native,
}
