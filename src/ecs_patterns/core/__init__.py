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
    from ._deployment import (
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
    from ._errors import ConfigurationError, Problem
    from ._fargate import FARGATE_CPU_UNITS, fargate_memory_options

__all__ = [
    "FARGATE_CPU_UNITS",
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
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "CapacityStrategy": "._capacity",
    "CodeDeployBlueGreen": "._deployment",
    "CodeDeployTrafficShift": "._deployment",
    "ConfigurationError": "._errors",
    "DeploymentStrategy": "._deployment",
    "DeploymentTimeEstimate": "._deployment",
    "EcsNativeBlueGreen": "._deployment",
    "Exemption": "._compliance",
    "FARGATE_CPU_UNITS": "._fargate",
    "HealthTiming": "._deployment",
    "Problem": "._errors",
    "Rolling": "._deployment",
    "ShiftKind": "._deployment",
    "TASK_START_ESTIMATE": "._deployment",
    "estimate_deployment_time": "._deployment",
    "exempt": "._compliance",
    "fargate_memory_options": "._fargate",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
