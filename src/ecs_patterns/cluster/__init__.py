"""FargateCluster: the ECS cluster (and VPC) that Fargate services run in, or a handle on an
existing one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._cluster import ClusterProps, FargateCluster
    from ._handle import ClusterHandle, ImportedCluster

__all__ = [
    "ClusterHandle",
    "ClusterProps",
    "FargateCluster",
    "ImportedCluster",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "ClusterHandle": "._handle",
    "ClusterProps": "._cluster",
    "FargateCluster": "._cluster",
    "ImportedCluster": "._handle",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
