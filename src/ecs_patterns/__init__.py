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
    from .backend import (
        BACKEND_CAPACITY,
        BackendService,
        BackendServiceProps,
        ServiceConnectServerOptions,
    )
    from .cluster import ClusterProps, FargateCluster
    from .core import (
        FARGATE_CPU_UNITS,
        TASK_START_ESTIMATE,
        CapacityStrategy,
        CodeDeployBlueGreen,
        CodeDeployTrafficShift,
        ConfigurationError,
        ContainerOptions,
        DeploymentStrategy,
        DeploymentTimeEstimate,
        EcsNativeBlueGreen,
        HardenedTask,
        HealthCheck,
        HealthTiming,
        ImageRepository,
        LoggingOptions,
        ManagedPolicyRole,
        PlacementOptions,
        Problem,
        Rolling,
        ScalingOptions,
        ScheduledCapacity,
        ShiftKind,
        TaskOptions,
        encrypted_log_group,
        estimate_deployment_time,
        fargate_memory_options,
    )
    from .github import (
        GITHUB_OIDC_AUDIENCE,
        GITHUB_OIDC_URL,
        GitHubDeployRole,
        GitHubDeployRoleProps,
        GitHubRepo,
    )
    from .job import (
        JOB_CAPACITY,
        JobAlarmOptions,
        RunOptions,
        ScheduledJob,
        ScheduledJobProps,
        ScheduleOptions,
    )
    from .monitoring import MonitoringProps, ServiceMonitoring
    from .release import CodeDeployRelease
    from .repository import EcrRepository, RepositoryProps
    from .rules import EcsHardeningChecks
    from .web import (
        FargateWebService,
        LoadBalancerOptions,
        ServiceConnectOptions,
        TargetGroupOptions,
        WebServiceProps,
    )
    from .worker import (
        WORKER_CAPACITY,
        BacklogScalingOptions,
        QueueOptions,
        QueueWorkerProps,
        QueueWorkerService,
        WorkerAlarmOptions,
    )

__all__ = [
    "BACKEND_CAPACITY",
    "FARGATE_CPU_UNITS",
    "GITHUB_OIDC_AUDIENCE",
    "GITHUB_OIDC_URL",
    "JOB_CAPACITY",
    "TASK_START_ESTIMATE",
    "WORKER_CAPACITY",
    "BackendService",
    "BackendServiceProps",
    "BacklogScalingOptions",
    "CapacityStrategy",
    "ClusterProps",
    "CodeDeployBlueGreen",
    "CodeDeployRelease",
    "CodeDeployTrafficShift",
    "ConfigurationError",
    "ContainerOptions",
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
    "HardenedTask",
    "HealthCheck",
    "HealthTiming",
    "ImageRepository",
    "JobAlarmOptions",
    "LoadBalancerOptions",
    "LoggingOptions",
    "ManagedPolicyRole",
    "MonitoringProps",
    "PlacementOptions",
    "Problem",
    "QueueOptions",
    "QueueWorkerProps",
    "QueueWorkerService",
    "RepositoryProps",
    "Rolling",
    "RunOptions",
    "ScalingOptions",
    "ScheduleOptions",
    "ScheduledCapacity",
    "ScheduledJob",
    "ScheduledJobProps",
    "ServiceConnectOptions",
    "ServiceConnectServerOptions",
    "ServiceMonitoring",
    "ShiftKind",
    "TargetGroupOptions",
    "TaskOptions",
    "WebServiceProps",
    "WorkerAlarmOptions",
    "encrypted_log_group",
    "estimate_deployment_time",
    "fargate_memory_options",
]

# Public name -> the package that exports it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "BACKEND_CAPACITY": ".backend",
    "BackendService": ".backend",
    "BackendServiceProps": ".backend",
    "BacklogScalingOptions": ".worker",
    "CapacityStrategy": ".core",
    "ClusterProps": ".cluster",
    "CodeDeployBlueGreen": ".core",
    "CodeDeployRelease": ".release",
    "CodeDeployTrafficShift": ".core",
    "ConfigurationError": ".core",
    "ContainerOptions": ".core",
    "DeploymentStrategy": ".core",
    "DeploymentTimeEstimate": ".core",
    "EcrRepository": ".repository",
    "EcsHardeningChecks": ".rules",
    "EcsNativeBlueGreen": ".core",
    "FARGATE_CPU_UNITS": ".core",
    "FargateCluster": ".cluster",
    "FargateWebService": ".web",
    "GITHUB_OIDC_AUDIENCE": ".github",
    "GITHUB_OIDC_URL": ".github",
    "GitHubDeployRole": ".github",
    "GitHubDeployRoleProps": ".github",
    "GitHubRepo": ".github",
    "HardenedTask": ".core",
    "HealthCheck": ".core",
    "HealthTiming": ".core",
    "ImageRepository": ".core",
    "JOB_CAPACITY": ".job",
    "JobAlarmOptions": ".job",
    "LoadBalancerOptions": ".web",
    "LoggingOptions": ".core",
    "ManagedPolicyRole": ".core",
    "MonitoringProps": ".monitoring",
    "PlacementOptions": ".core",
    "Problem": ".core",
    "QueueOptions": ".worker",
    "QueueWorkerProps": ".worker",
    "QueueWorkerService": ".worker",
    "RepositoryProps": ".repository",
    "Rolling": ".core",
    "RunOptions": ".job",
    "ScalingOptions": ".core",
    "ScheduleOptions": ".job",
    "ScheduledCapacity": ".core",
    "ScheduledJob": ".job",
    "ScheduledJobProps": ".job",
    "ServiceConnectOptions": ".web",
    "ServiceConnectServerOptions": ".backend",
    "ServiceMonitoring": ".monitoring",
    "ShiftKind": ".core",
    "TASK_START_ESTIMATE": ".core",
    "TargetGroupOptions": ".web",
    "TaskOptions": ".core",
    "WORKER_CAPACITY": ".worker",
    "WebServiceProps": ".web",
    "WorkerAlarmOptions": ".worker",
    "encrypted_log_group": ".core",
    "estimate_deployment_time": ".core",
    "fargate_memory_options": ".core",
}

__version__ = "0.1.0"

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
