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
    from ._compliance import Exemption, exempt
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
        RELEASE_JOB_SETUP,
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
        longest_stack_wait,
        release_job_timeout_minutes,
        release_timeout,
    )

__all__ = [
    "FARGATE_CPU_UNITS",
    "RELEASE_JOB_SETUP",
    "TASK_START_ESTIMATE",
    "CapacityStrategy",
    "CodeDeployBlueGreen",
    "CodeDeployTrafficShift",
    "ConfigurationError",
    "ContainerOptions",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcsNativeBlueGreen",
    "Exemption",
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
    "exempt",
    "fargate_memory_options",
    "longest_stack_wait",
    "release_job_timeout_minutes",
    "release_timeout",
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
    "Exemption": "._compliance",
    "FARGATE_CPU_UNITS": "._fargate",
    "HardenedTask": "._task",
    "HealthCheck": "._options",
    "HealthTiming": ".deployment",
    "ImageRepository": "._options",
    "LoggingOptions": "._options",
    "ManagedPolicyRole": "._iam",
    "PlacementOptions": "._scaling",
    "Problem": "._errors",
    "RELEASE_JOB_SETUP": ".deployment",
    "Rolling": ".deployment",
    "ScalingOptions": "._scaling",
    "ScheduledCapacity": "._scaling",
    "ShiftKind": ".deployment",
    "TASK_START_ESTIMATE": ".deployment",
    "TaskOptions": "._options",
    "encrypted_log_group": "._logs",
    "estimate_deployment_time": ".deployment",
    "exempt": "._compliance",
    "fargate_memory_options": "._fargate",
    "longest_stack_wait": ".deployment",
    "release_job_timeout_minutes": ".deployment",
    "release_timeout": ".deployment",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
