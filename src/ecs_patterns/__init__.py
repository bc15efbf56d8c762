"""ecs-patterns: best-practice ECS-on-Fargate constructs for the AWS CDK.

Every construct takes one frozen, keyword-only props object whose defaults are the safe choice;
invalid props raise :class:`ConfigurationError` before any resource is created.

Importing the package is cheap: each public name is imported from its module on first use
(PEP 562 ``__getattr__``), so an app pays only for what it uses, for example not for the
CodeDeploy release machinery, monitoring or cdk-nag unless it uses them (issue 8: the library
adds nothing measurable to ``import`` time). Type checkers see the eager imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._capacity import CapacityStrategy
    from ._cluster import ClusterProps, FargateCluster
    from ._deployment import (
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
    from ._errors import ConfigurationError, Problem
    from ._fargate import FARGATE_CPU_UNITS, fargate_memory_options
    from ._github_oidc import (
        GITHUB_OIDC_AUDIENCE,
        GITHUB_OIDC_URL,
        GitHubDeployRole,
        GitHubDeployRoleProps,
        GitHubRepo,
    )
    from ._monitoring import MonitoringProps, ServiceMonitoring
    from ._release import CodeDeployRelease
    from ._repository import EcrRepository, RepositoryProps
    from ._service import (
        FargateWebService,
        ScheduledCapacity,
        ServiceConnectOptions,
        WebServiceProps,
    )
    from .rules import EcsHardeningChecks

__all__ = [
    "FARGATE_CPU_UNITS",
    "GITHUB_OIDC_AUDIENCE",
    "GITHUB_OIDC_URL",
    "RELEASE_JOB_SETUP",
    "TASK_START_ESTIMATE",
    "CapacityStrategy",
    "ClusterProps",
    "CodeDeployBlueGreen",
    "CodeDeployRelease",
    "CodeDeployTrafficShift",
    "ConfigurationError",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcrRepository",
    "EcsHardeningChecks",
    "EcsNativeBlueGreen",
    "FargateCluster",
    "FargateWebService",
    "GitHubDeployRole",
    "GitHubDeployRoleProps",
    "GitHubRepo",
    "HealthTiming",
    "MonitoringProps",
    "Problem",
    "RepositoryProps",
    "Rolling",
    "ScheduledCapacity",
    "ServiceConnectOptions",
    "ServiceMonitoring",
    "ShiftKind",
    "WebServiceProps",
    "estimate_deployment_time",
    "fargate_memory_options",
    "longest_stack_wait",
    "release_job_timeout_minutes",
    "release_timeout",
]

# Public name -> the module that defines it.
_MODULE_OF: dict[str, str] = {
    "CapacityStrategy": "._capacity",
    "ClusterProps": "._cluster",
    "CodeDeployBlueGreen": "._deployment",
    "CodeDeployRelease": "._release",
    "CodeDeployTrafficShift": "._deployment",
    "ConfigurationError": "._errors",
    "DeploymentStrategy": "._deployment",
    "DeploymentTimeEstimate": "._deployment",
    "EcrRepository": "._repository",
    "EcsHardeningChecks": ".rules",
    "EcsNativeBlueGreen": "._deployment",
    "FARGATE_CPU_UNITS": "._fargate",
    "FargateCluster": "._cluster",
    "FargateWebService": "._service",
    "GITHUB_OIDC_AUDIENCE": "._github_oidc",
    "GITHUB_OIDC_URL": "._github_oidc",
    "GitHubDeployRole": "._github_oidc",
    "GitHubDeployRoleProps": "._github_oidc",
    "GitHubRepo": "._github_oidc",
    "HealthTiming": "._deployment",
    "MonitoringProps": "._monitoring",
    "Problem": "._errors",
    "RELEASE_JOB_SETUP": "._deployment",
    "RepositoryProps": "._repository",
    "Rolling": "._deployment",
    "ScheduledCapacity": "._service",
    "ServiceConnectOptions": "._service",
    "ServiceMonitoring": "._monitoring",
    "ShiftKind": "._deployment",
    "TASK_START_ESTIMATE": "._deployment",
    "WebServiceProps": "._service",
    "estimate_deployment_time": "._deployment",
    "fargate_memory_options": "._fargate",
    "longest_stack_wait": "._deployment",
    "release_job_timeout_minutes": "._deployment",
    "release_timeout": "._deployment",
}

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
