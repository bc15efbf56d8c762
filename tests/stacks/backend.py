"""Test stacks for BackendService."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_servicediscovery as servicediscovery

import ecs_patterns as ep

BACKEND_IMAGE = "public.ecr.aws/nginx/nginx:1.27"
WORKER_IMAGE = "public.ecr.aws/docker/library/busybox:1.36"


def defaults(stack: Stack) -> None:
    ep.BackendService(
        stack,
        "Orders",
        ep.BackendServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(BACKEND_IMAGE))
        ),
    )


def custom(stack: Stack) -> None:
    """A shared cluster, a given namespace, Cloud Map DNS, ECS-native linear deployments with
    alarm rollback, a library client (a worker) and a plain connectable client."""
    cluster = ep.FargateCluster(stack, "Cluster")
    namespace = servicediscovery.HttpNamespace(stack, "Namespace", name="internal")
    dns = servicediscovery.PrivateDnsNamespace(
        stack, "Dns", name="backend.internal", vpc=cluster.vpc
    )
    backend = ep.BackendService(
        stack,
        "Payments",
        ep.BackendServiceProps(
            cluster=cluster,
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(BACKEND_IMAGE),
                port=9000,
                health_check=ep.HealthCheck(path="/ready"),
            ),
            task=ep.TaskOptions(cpu=512, memory_mib=1024),
            scaling=ep.ScalingOptions(
                min_capacity=3, max_capacity=12, cpu_target_percent=60, memory_target_percent=75
            ),
            placement=ep.PlacementOptions(
                capacity=ep.CapacityStrategy.on_demand_only(base=1), service_name="payments"
            ),
            service_connect=ep.ServiceConnectServerOptions(
                namespace=namespace.namespace_arn,
                port_name="api",
                discovery_name="payments-sc",
                dns_name="payments.internal",
                port=80,
                per_request_timeout=Duration.seconds(5),
                idle_timeout=Duration.minutes(2),
            ),
            deployment=ep.EcsNativeBlueGreen(
                strategy=ecs.DeploymentStrategy.LINEAR,
                step_percent=25,
                bake_time=Duration.minutes(10),
            ),
            cloud_map_namespace=dns,
            tags={"team": "payments"},
        ),
    )
    worker = ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(
            cluster=cluster,
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(WORKER_IMAGE),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            alarms=None,
        ),
    )
    backend.allow_from(worker)
    ep.ServiceMonitoring(
        stack,
        "Monitoring",
        ep.MonitoringProps(
            service=backend.service, min_running_tasks=3, deployment_alarm_rollback=True
        ),
    )


STACKS = {"BackendDefaults": defaults, "BackendCustom": custom}
