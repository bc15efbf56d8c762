"""What every construct family shares: errors, validation, compliance acknowledgements, IAM,
logs, capacity, Fargate sizes, deployment strategies, shared limits, the option structs of
every workload kind and the public building blocks (HardenedTask, ManagedPolicyRole,
encrypted_log_group).

core imports no construct family. Its public names are imported lazily, so importing one of its
modules loads only what that module needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._capacity import CapacityStrategy
    from ._errors import ConfigurationError, Problem
    from ._fargate import FARGATE_CPU_UNITS, fargate_memory_options
    from ._iam import ManagedPolicyRole
    from ._logs import encrypted_log_group
    from ._options import (
        ContainerOptions,
        HealthCheck,
        ImageRepository,
        LoggingOptions,
        TaskOptions,
    )
    from ._scaling import PlacementOptions, ScalingOptions, ScheduledCapacity
    from ._task import HardenedTask
    from .deployment import (
        TASK_START_ESTIMATE,
        CodeDeployBlueGreen,
        CodeDeployTrafficShift,
        DeploymentStrategy,
        DeploymentTimeEstimate,
        EcsNativeBlueGreen,
        HealthTiming,
        Rolling,
        ShiftKind,
        estimate_deployment_time,
    )

__all__ = [
    "FARGATE_CPU_UNITS",
    "TASK_START_ESTIMATE",
    "CapacityStrategy",
    "CodeDeployBlueGreen",
    "CodeDeployTrafficShift",
    "ConfigurationError",
    "ContainerOptions",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcsNativeBlueGreen",
    "HardenedTask",
    "HealthCheck",
    "HealthTiming",
    "ImageRepository",
    "LoggingOptions",
    "ManagedPolicyRole",
    "PlacementOptions",
    "Problem",
    "Rolling",
    "ScalingOptions",
    "ScheduledCapacity",
    "ShiftKind",
    "TaskOptions",
    "encrypted_log_group",
    "estimate_deployment_time",
    "fargate_memory_options",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "CapacityStrategy": "._capacity",
    "CodeDeployBlueGreen": ".deployment",
    "CodeDeployTrafficShift": ".deployment",
    "ConfigurationError": "._errors",
    "ContainerOptions": "._options",
    "DeploymentStrategy": ".deployment",
    "DeploymentTimeEstimate": ".deployment",
    "EcsNativeBlueGreen": ".deployment",
    "FARGATE_CPU_UNITS": "._fargate",
    "HardenedTask": "._task",
    "HealthCheck": "._options",
    "HealthTiming": ".deployment",
    "ImageRepository": "._options",
    "LoggingOptions": "._options",
    "ManagedPolicyRole": "._iam",
    "PlacementOptions": "._scaling",
    "Problem": "._errors",
    "Rolling": ".deployment",
    "ScalingOptions": "._scaling",
    "ScheduledCapacity": "._scaling",
    "ShiftKind": ".deployment",
    "TASK_START_ESTIMATE": ".deployment",
    "TaskOptions": "._options",
    "encrypted_log_group": "._logs",
    "estimate_deployment_time": ".deployment",
    "fargate_memory_options": "._fargate",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
