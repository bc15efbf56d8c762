"""Steps every library service takes the same way, whatever its workload kind.

Small helpers a web service, a backend service and a queue worker call on their own
``ecs.FargateService``, so the ordering, the ECS Exec session-log grant and the
target-tracking autoscaling are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from ._capacity import CapacityStrategy
from ._compliance import WildcardAllowance, exempt
from ._exemptions import SERVICE_DEPENDS_ON_CLUSTER, exec_session_logs
from ._iam import flatten_reference, reference_in
from ._scaling import PlacementOptions, ScalingOptions
from ._task import HardenedTask

if TYPE_CHECKING:
    from .deployment import ServiceOptions

__all__ = [
    "autoscale_task_count",
    "exec_session_log_allowance",
    "order_service_creation",
    "private_fargate_service",
]


def private_fargate_service(
    scope: Construct,
    *,
    cluster: ecs.ICluster,
    task: HardenedTask,
    placement: PlacementOptions,
    desired_count: int,
    capacity: CapacityStrategy,
    security_group: ec2.ISecurityGroup,
    deployment: ServiceOptions,
    health_check_grace_period: Duration | None = None,
    service_connect_configuration: ecs.ServiceConnectProps | None = None,
) -> ecs.FargateService:
    """The workload's ``Service``: in the private subnets, without public IPs.

    New tasks start before old ones stop (100 % / 200 % healthy); ECS-managed tags, and the
    service's own tags propagated to its tasks; ECS Exec as ``placement`` says. ``deployment``
    holds the arguments the deployment strategy owns (controller, circuit breaker, AZ
    rebalancing, strategy settings).
    """
    return ecs.FargateService(
        scope,
        "Service",
        cluster=cluster,
        task_definition=task.task_definition,
        service_name=placement.service_name,
        desired_count=desired_count,
        min_healthy_percent=100,
        max_healthy_percent=200,
        health_check_grace_period=health_check_grace_period,
        **deployment,
        capacity_provider_strategies=capacity.to_cdk(),
        enable_ecs_managed_tags=True,
        propagate_tags=ecs.PropagatedTagSource.SERVICE,
        enable_execute_command=placement.enable_execute_command,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        assign_public_ip=False,
        security_groups=[security_group],
        service_connect_configuration=service_connect_configuration,
    )


def order_service_creation(
    service: ecs.FargateService, task: HardenedTask, cluster: IConstruct
) -> None:
    """Create the service (and so start tasks) only once its roles and capacity exist.

    Both roles hold their permissions (the managed policies are children of the roles), so no
    task fails to pull its image, read a secret or reach its work, which the circuit breaker
    would count. FARGATE_SPOT must be associated with the cluster before a service names it
    (aws/containers-roadmap#631); aws-cdk-lib adds that association under the ``ecs.Cluster``
    only at synthesis, so the service depends on the whole ``cluster`` (see
    ``SERVICE_DEPENDS_ON_CLUSTER`` for the cfn-lint W3005 this causes).
    """
    cfn_service = service.node.default_child
    assert isinstance(cfn_service, ecs.CfnService)
    cfn_service.node.add_dependency(task.execution_role, task.task_role, cluster)
    exempt(cfn_service, SERVICE_DEPENDS_ON_CLUSTER)


def exec_session_log_allowance(scope: Construct, log_group: logs.ILogGroup) -> WildcardAllowance:
    """The ECS Exec session-log grant's wildcard: the streams (``:*``) of ``log_group``.

    The ECS Exec agent writes each session to a new stream of the cluster's exec log group;
    the returned allowance names that ARN as cdk-nag prints it.
    """
    stack = Stack.of(scope)
    prefix = f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:"
    group = log_group.log_group_name
    # aws-cdk-lib writes the grant with the group's name; a log group of another stack (the
    # cluster's) is reported through that stack's export once synthesized.
    reported = reference_in(stack, log_group, group)
    return exec_session_logs(
        flatten_reference(stack.resolve(f"{prefix}{group}:*")),
        reported_as=flatten_reference(stack.resolve(f"{prefix}{reported}:*"))
        if reported != group
        else None,
    )


def autoscale_task_count(
    service: ecs.FargateService,
    options: ScalingOptions,
    more_targets: Callable[[ecs.ScalableTaskCount], None] | None = None,
) -> ecs.ScalableTaskCount:
    """Target-track the task count on CPU (and memory, if set), then add the schedules.

    ``more_targets`` adds the workload's own target-tracking policies (a web service's request
    count) after CPU and memory and before the schedules, with the same cooldowns.
    """
    scaling = service.auto_scale_task_count(
        min_capacity=options.min_capacity, max_capacity=options.max_capacity
    )
    scale_in, scale_out = options.scale_in_cooldown, options.scale_out_cooldown
    scaling.scale_on_cpu_utilization(
        "Cpu",
        target_utilization_percent=options.cpu_target_percent,
        scale_in_cooldown=scale_in,
        scale_out_cooldown=scale_out,
    )
    if options.memory_target_percent is not None:
        scaling.scale_on_memory_utilization(
            "Memory",
            target_utilization_percent=options.memory_target_percent,
            scale_in_cooldown=scale_in,
            scale_out_cooldown=scale_out,
        )
    if more_targets is not None:
        more_targets(scaling)
    for index, entry in enumerate(options.scheduled):
        scaling.scale_on_schedule(
            f"Schedule{index}",
            schedule=entry.schedule,
            min_capacity=entry.min_capacity,
            max_capacity=entry.max_capacity,
            time_zone=entry.time_zone,
        )
    return scaling
