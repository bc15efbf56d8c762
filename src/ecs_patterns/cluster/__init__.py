"""FargateCluster: the ECS cluster (and VPC) that Fargate services run in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._cluster import ClusterProps, FargateCluster

__all__ = [
    "ClusterProps",
    "FargateCluster",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "ClusterProps": "._cluster",
    "FargateCluster": "._cluster",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
