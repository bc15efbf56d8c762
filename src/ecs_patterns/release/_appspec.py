"""The CodeDeploy AppSpec of an ECS blue/green deployment, as a plain dict.

Key casing follows AWS's AppSpec reference, which writes every key in PascalCase
(``NetworkConfiguration.AwsvpcConfiguration.{Subnets, SecurityGroups, AssignPublicIp}``,
``CapacityProviderStrategy[].{CapacityProvider, Base, Weight}``, ``Hooks[].{BeforeInstall, ...}``):
CodeDeploy User Guide, "AppSpec 'resources' section for Amazon ECS deployments"
(``reference-appspec-file-structure-resources``) and "Add an AppSpec file for an Amazon ECS
deployment" (``application-revisions-appspec-file``, JSON template). cdklabs'
cdk-ecs-codedeploy writes the inner ``NetworkConfiguration`` keys in camelCase
(``awsvpcConfiguration``, ``subnets``, ...), which is undocumented; the documented spelling is
used here so the AppSpec does not depend on a lenient parser.

Values may be unresolved CDK tokens (the task definition ARN always is); the caller serializes
the dict with ``Stack.to_json_string`` so tokens become ``Fn::Join`` in the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.deployment import CODEDEPLOY_HOOKS

__all__ = [
    "AppSpecCapacityItem",
    "ecs_appspec",
]


@dataclass(frozen=True, kw_only=True)
class AppSpecCapacityItem:
    """One capacity provider strategy item. ``base`` None leaves it out (CodeDeploy uses 0)."""

    capacity_provider: str
    weight: float | None = None
    base: float | None = None


def ecs_appspec(
    *,
    task_definition_arn: str,
    container_name: str,
    container_port: int,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    assign_public_ip: bool = False,
    capacity_provider_strategy: Sequence[AppSpecCapacityItem] = (),
    platform_version: str | None = None,
    hooks: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the AppSpec (version 0.0) that deploys ``task_definition_arn`` to one ECS service.

    ``subnet_ids`` and ``security_group_ids`` are always written, with ``AssignPublicIp``
    (all three or none, says the reference; without them CodeDeploy keeps the service's
    current network settings). ``capacity_provider_strategy`` is written when not empty:
    CodeDeploy drops a service's strategy when the AppSpec omits it (aws containers-roadmap
    #1752), so a Spot strategy survives a deployment only when it is carried here.
    ``platform_version`` None leaves the key out (CodeDeploy then uses ``LATEST``).
    ``hooks`` maps an ECS hook name (:data:`CODEDEPLOY_HOOKS`) to a Lambda function name or ARN;
    the ``Hooks`` list follows the lifecycle order and is left out when empty.

    Names are not validated here (the construct does that); unknown hook names raise
    ``ValueError`` because the result would be an AppSpec CodeDeploy rejects.
    """
    unknown = sorted(set(hooks or {}) - set(CODEDEPLOY_HOOKS))
    if unknown:
        raise ValueError(f"unknown ECS AppSpec hooks {unknown}; allowed: {list(CODEDEPLOY_HOOKS)}")
    properties: dict[str, Any] = {
        "TaskDefinition": task_definition_arn,
        "LoadBalancerInfo": {"ContainerName": container_name, "ContainerPort": container_port},
    }
    if platform_version is not None:
        properties["PlatformVersion"] = platform_version
    properties["NetworkConfiguration"] = {
        "AwsvpcConfiguration": {
            "Subnets": list(subnet_ids),
            "SecurityGroups": list(security_group_ids),
            "AssignPublicIp": "ENABLED" if assign_public_ip else "DISABLED",
        }
    }
    if capacity_provider_strategy:
        properties["CapacityProviderStrategy"] = [
            _capacity_item(item) for item in capacity_provider_strategy
        ]
    appspec: dict[str, Any] = {
        "version": "0.0",
        "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": properties}}],
    }
    if hooks:
        appspec["Hooks"] = [{name: hooks[name]} for name in CODEDEPLOY_HOOKS if name in hooks]
    return appspec


def _capacity_item(item: AppSpecCapacityItem) -> dict[str, Any]:
    out: dict[str, Any] = {"CapacityProvider": item.capacity_provider}
    if item.base is not None:
        out["Base"] = item.base
    if item.weight is not None:
        out["Weight"] = item.weight
    return out
