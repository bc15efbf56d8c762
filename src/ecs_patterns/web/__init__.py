"""FargateWebService: an ALB-fronted, autoscaled, hardened Fargate service, and its props;
SharedIngress: one hardened load balancer that many web services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._ingress import SharedIngress
    from ._ingress_props import IngressRoute, SharedIngressProps
    from ._props import (
        LoadBalancerOptions,
        ServiceConnectOptions,
        TargetGroupOptions,
        WebServiceProps,
    )
    from ._service import FargateWebService

__all__ = [
    "FargateWebService",
    "IngressRoute",
    "LoadBalancerOptions",
    "ServiceConnectOptions",
    "SharedIngress",
    "SharedIngressProps",
    "TargetGroupOptions",
    "WebServiceProps",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "FargateWebService": "._service",
    "IngressRoute": "._ingress_props",
    "LoadBalancerOptions": "._props",
    "ServiceConnectOptions": "._props",
    "SharedIngress": "._ingress",
    "SharedIngressProps": "._ingress_props",
    "TargetGroupOptions": "._props",
    "WebServiceProps": "._props",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
