"""ServiceMonitoring: alarms, an encrypted alarm topic and a dashboard for an ECS service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._monitoring import MonitoringProps, ServiceMonitoring

__all__ = [
    "MonitoringProps",
    "ServiceMonitoring",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "MonitoringProps": "._monitoring",
    "ServiceMonitoring": "._monitoring",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
