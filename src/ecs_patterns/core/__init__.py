"""What every construct family shares: errors, validation, compliance acknowledgements, IAM,
logs, capacity, Fargate sizes, deployment strategies and shared limits.

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
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcsNativeBlueGreen",
    "Exemption",
    "HealthTiming",
    "Problem",
    "Rolling",
    "ShiftKind",
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
    "DeploymentStrategy": ".deployment",
    "DeploymentTimeEstimate": ".deployment",
    "EcsNativeBlueGreen": ".deployment",
    "Exemption": "._compliance",
    "FARGATE_CPU_UNITS": "._fargate",
    "HealthTiming": ".deployment",
    "Problem": "._errors",
    "RELEASE_JOB_SETUP": ".deployment",
    "Rolling": ".deployment",
    "ShiftKind": ".deployment",
    "TASK_START_ESTIMATE": ".deployment",
    "estimate_deployment_time": ".deployment",
    "exempt": "._compliance",
    "fargate_memory_options": "._fargate",
    "longest_stack_wait": ".deployment",
    "release_job_timeout_minutes": ".deployment",
    "release_timeout": ".deployment",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
