"""ecs-patterns: best-practice ECS-on-Fargate constructs for the AWS CDK.

Every construct takes one frozen, keyword-only props object whose defaults are the safe choice;
invalid props raise :class:`ConfigurationError` before any resource is created.

Importing the package is cheap: each public name is imported from its module on first use
(PEP 562 ``__getattr__``), so an app pays only for what it uses, for example not for the
CodeDeploy release machinery, monitoring or cdk-nag unless it uses them (the library adds
nothing measurable to ``import`` time). Type checkers see the eager imports below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core._lazy import lazy_exports

if TYPE_CHECKING:
    from .cluster import ClusterHandle, ClusterProps, FargateCluster, ImportedCluster
    from .core import (
        FARGATE_CPU_UNITS,
        RELEASE_JOB_SETUP,
        TASK_START_ESTIMATE,
        CapacityStrategy,
        CodeDeployBlueGreen,
        CodeDeployTrafficShift,
        ConfigurationError,
        DeploymentStrategy,
        DeploymentTimeEstimate,
        EcsNativeBlueGreen,
        Exemption,
        HealthTiming,
        Problem,
        Rolling,
        ShiftKind,
        estimate_deployment_time,
        exempt,
        fargate_memory_options,
        longest_stack_wait,
        release_job_timeout_minutes,
        release_timeout,
    )
    from .github import (
        GITHUB_OIDC_AUDIENCE,
        GITHUB_OIDC_URL,
        GitHubDeployRole,
        GitHubDeployRoleProps,
        GitHubRepo,
    )
    from .monitoring import MonitoringProps, ServiceMonitoring
    from .release import CodeDeployRelease
    from .repository import EcrRepository, RepositoryProps
    from .rules import EcsHardeningChecks
    from .web import (
        FargateWebService,
        ScheduledCapacity,
        ServiceConnectOptions,
        WebServiceProps,
    )

__all__ = [
    "FARGATE_CPU_UNITS",
    "GITHUB_OIDC_AUDIENCE",
    "GITHUB_OIDC_URL",
    "RELEASE_JOB_SETUP",
    "TASK_START_ESTIMATE",
    "CapacityStrategy",
    "ClusterHandle",
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
    "Exemption",
    "FargateCluster",
    "FargateWebService",
    "GitHubDeployRole",
    "GitHubDeployRoleProps",
    "GitHubRepo",
    "HealthTiming",
    "ImportedCluster",
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
    "exempt",
    "fargate_memory_options",
    "longest_stack_wait",
    "release_job_timeout_minutes",
    "release_timeout",
]

# Public name -> the package that exports it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "CapacityStrategy": ".core",
    "ClusterHandle": ".cluster",
    "ClusterProps": ".cluster",
    "CodeDeployBlueGreen": ".core",
    "CodeDeployRelease": ".release",
    "CodeDeployTrafficShift": ".core",
    "ConfigurationError": ".core",
    "DeploymentStrategy": ".core",
    "DeploymentTimeEstimate": ".core",
    "EcrRepository": ".repository",
    "EcsHardeningChecks": ".rules",
    "EcsNativeBlueGreen": ".core",
    "Exemption": ".core",
    "FARGATE_CPU_UNITS": ".core",
    "FargateCluster": ".cluster",
    "FargateWebService": ".web",
    "GITHUB_OIDC_AUDIENCE": ".github",
    "GITHUB_OIDC_URL": ".github",
    "GitHubDeployRole": ".github",
    "GitHubDeployRoleProps": ".github",
    "GitHubRepo": ".github",
    "HealthTiming": ".core",
    "ImportedCluster": ".cluster",
    "MonitoringProps": ".monitoring",
    "RELEASE_JOB_SETUP": ".core",
    "Problem": ".core",
    "RepositoryProps": ".repository",
    "Rolling": ".core",
    "ScheduledCapacity": ".web",
    "ServiceConnectOptions": ".web",
    "ServiceMonitoring": ".monitoring",
    "ShiftKind": ".core",
    "TASK_START_ESTIMATE": ".core",
    "WebServiceProps": ".web",
    "estimate_deployment_time": ".core",
    "exempt": ".core",
    "fargate_memory_options": ".core",
    "longest_stack_wait": ".core",
    "release_job_timeout_minutes": ".core",
    "release_timeout": ".core",
}

__version__ = "0.1.0"

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
