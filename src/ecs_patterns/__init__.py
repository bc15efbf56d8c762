"""ecs-patterns: best-practice ECS-on-Fargate constructs for the AWS CDK.

Every construct takes one frozen, keyword-only props object whose defaults are the safe choice;
invalid props raise :class:`ConfigurationError` before any resource is created.
"""

from ._capacity import CapacityStrategy
from ._cluster import ClusterProps, FargateCluster
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
]

__version__ = "0.1.0"
