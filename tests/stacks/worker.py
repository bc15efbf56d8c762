"""Test stacks for QueueWorkerService."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep

WORKER_IMAGE = "public.ecr.aws/docker/library/busybox:1.36"
HEALTH = ep.HealthCheck(command=["CMD", "/bin/true"])


def defaults(stack: Stack) -> None:
    ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(WORKER_IMAGE), health_check=HEALTH
            )
        ),
    )


def custom(stack: Stack) -> None:
    """Scale to zero, all Spot, task protection, ECS Exec, the cluster's key, DESTROY."""
    cluster = ep.FargateCluster(stack, "Cluster")
    ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(
            cluster=cluster,
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(WORKER_IMAGE),
                health_check=HEALTH,
                environment={"LOG_LEVEL": "info"},
                readonly_root_filesystem=False,
                stop_timeout=Duration.seconds(90),
            ),
            task=ep.TaskOptions(cpu=512, memory_mib=1024, tracing=True),
            queue=ep.QueueOptions(
                processing_time=Duration.minutes(10),
                max_receive_count=3,
                key=cluster.key,
                removal_policy=RemovalPolicy.DESTROY,
            ),
            scaling=ep.BacklogScalingOptions(
                min_capacity=0, max_capacity=50, acceptable_latency=Duration.minutes(30)
            ),
            placement=ep.PlacementOptions(
                capacity=ep.CapacityStrategy(
                    on_demand_base=0, on_demand_weight=0, spot_weight=1, allow_spot_only=True
                ),
                enable_execute_command=True,
                service_name="jobs",
            ),
            alarms=ep.WorkerAlarmOptions(
                oldest_message_age=Duration.hours(2), cpu_threshold_percent=90
            ),
            task_protection=True,
        ),
    )


STACKS = {"WorkerDefaults": defaults, "WorkerCustom": custom}
