"""ECS rolling deployments, the default strategy."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_ecs as ecs
from constructs import Construct

from .._typecheck import require_types
from ._base import DeploymentResources, DeploymentStrategy, ServiceTargets, register_target

__all__ = ["Rolling"]


@dataclass(frozen=True, kw_only=True)
class Rolling(DeploymentStrategy):
    """ECS rolling deployments (the default).

    The ECS controller starts the new tasks beside the old ones (``maximumPercent`` 200, so
    the whole new set at once), keeps every old task until the new ones are healthy
    (``minimumHealthyPercent`` 100), and the deployment circuit breaker rolls back to the last
    completed deployment when new tasks keep failing to start or to pass health checks.
    Deployment alarms with rollback are added by :class:`ServiceMonitoring`
    (``deployment_alarm_rollback=True``). A new image reaches production with a plain
    ``cdk deploy``: CloudFormation registers a task definition revision and updates the
    service; it waits for the deployment and fails the stack update when ECS rolls back.
    """

    def __post_init__(self) -> None:
        require_types(self)

    @property
    def kind(self) -> str:
        return "ROLLING"

    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        return ecs.DeploymentCircuitBreaker(enable=True, rollback=True)

    def attach(self, scope: Construct, targets: ServiceTargets) -> DeploymentResources:
        """Register the service's tasks in the target group, if the service has one."""
        register_target(targets)
        return DeploymentResources()
