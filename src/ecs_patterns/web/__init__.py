"""FargateWebService: an ALB-fronted, autoscaled, hardened Fargate service, and its props."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._props import ScheduledCapacity, ServiceConnectOptions, WebServiceProps
    from ._service import FargateWebService

__all__ = [
    "FargateWebService",
    "ScheduledCapacity",
    "ServiceConnectOptions",
    "WebServiceProps",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "FargateWebService": "._service",
    "ScheduledCapacity": "._props",
    "ServiceConnectOptions": "._props",
    "WebServiceProps": "._props",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
