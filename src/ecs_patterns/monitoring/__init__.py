"""ServiceMonitoring: alarms, an encrypted alarm topic and a dashboard for an ECS service;
IngressMonitoring: the alarms of a load balancer that several services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._ingress import IngressMonitoring, IngressMonitoringProps
    from ._monitoring import MonitoringProps, ServiceMonitoring

__all__ = [
    "IngressMonitoring",
    "IngressMonitoringProps",
    "MonitoringProps",
    "ServiceMonitoring",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "IngressMonitoring": "._ingress",
    "IngressMonitoringProps": "._ingress",
    "MonitoringProps": "._monitoring",
    "ServiceMonitoring": "._monitoring",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
