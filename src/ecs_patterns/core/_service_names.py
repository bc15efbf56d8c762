"""Service names taken on each cluster of an app, refused a second time at synthesis.

ECS refuses a second service of the same name on a cluster ("Creation of service was not
idempotent"), and only once the stack is deploying; every workload kind claims its literal
``service_name`` here first, so the second one fails at synthesis instead.

A cluster is known by its identity when synthesis knows it (a literal cluster ARN, or a literal
cluster name with the literal account and region of its stack), so the same cluster imported
twice (two ``FargateCluster.from_existing`` handles, in one stack or two) is one cluster here;
otherwise by the handle object.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable
from typing import Any

from aws_cdk import Stack
from constructs import IConstruct

from ._errors import ConfigurationError, Problem
from ._validation import is_token

__all__ = ["claim_service_name"]

# Cluster handle -> {service name: path of the construct that claimed it}, for a cluster whose
# identity is unknown at synthesis.
_BY_HANDLE: weakref.WeakKeyDictionary[IConstruct, dict[str, str]] = weakref.WeakKeyDictionary()
# App -> cluster identity -> {service name: path of the construct that claimed it}.
_BY_IDENTITY: weakref.WeakKeyDictionary[IConstruct, dict[Hashable, dict[str, str]]] = (
    weakref.WeakKeyDictionary()
)


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and value and not is_token(value) else None


def cluster_identity(cluster: IConstruct) -> Hashable | None:
    """The cluster's (account or stack, region, name) when synthesis knows it, else None.

    ``cluster`` is a cluster handle (``FargateCluster`` or ``ImportedCluster``). A literal
    ``arn:<partition>:ecs:<region>:<account>:cluster/<name>`` gives all three. A literal name
    (an import by name, or ``FargateClusterProps.cluster_name``) takes the account and region
    of the stack it is in; when those are tokens (an environment-agnostic stack), the stack
    stands for them: two stacks without an environment may deploy to different accounts.
    """
    ecs_cluster = getattr(cluster, "cluster", None)
    if ecs_cluster is None:
        return None
    arn = _literal(getattr(ecs_cluster, "cluster_arn", None))
    if arn is not None:
        parts = arn.split(":", 5)
        if len(parts) == 6 and parts[2] == "ecs" and parts[5].startswith("cluster/"):
            name = parts[5][len("cluster/") :]
            if parts[3] and parts[4] and name:
                return ("ecs-cluster", parts[4], parts[3], name)
    literal_name = _literal(getattr(ecs_cluster, "cluster_name", None)) or _literal(
        getattr(getattr(cluster, "props", None), "cluster_name", None)
    )
    if literal_name is None:
        return None
    stack = Stack.of(ecs_cluster)
    account, region = _literal(stack.account), _literal(stack.region)
    if account is not None and region is not None:
        return ("ecs-cluster", account, region, literal_name)
    return ("ecs-cluster-in-stack", stack.node.path, literal_name)


def _taken(cluster: IConstruct) -> dict[str, str]:
    identity = cluster_identity(cluster)
    if identity is None:
        return _BY_HANDLE.setdefault(cluster, {})
    return _BY_IDENTITY.setdefault(cluster.node.root, {}).setdefault(identity, {})


def claim_service_name(
    cluster: IConstruct, name: str | None, path: str, *, props_name: str
) -> None:
    """Refuse a ``service_name`` that another service already has on ``cluster``.

    ``name`` None or a token passes (CloudFormation generates or resolves it); ``path`` names
    the claiming construct in the message of a later clash.
    """
    if name is None or is_token(name):
        return
    taken = _taken(cluster)
    owner = taken.get(name)
    if owner is not None:
        raise ConfigurationError(
            props_name,
            [
                Problem(
                    prop="placement.service_name",
                    value=name,
                    allowed=f"a name no other service on the cluster {cluster.node.path} has "
                    f"({owner} already uses it; ECS refuses a second service of that name)",
                    fix="Give each service on a cluster its own service_name, or leave it unset "
                    "for a generated one.",
                )
            ],
        )
    taken[name] = path
