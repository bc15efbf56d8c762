"""BackendService: an internal Fargate service reached through Service Connect, and its
props."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._props import BACKEND_CAPACITY, BackendServiceProps, ServiceConnectServerOptions
    from ._service import BackendService

__all__ = [
    "BACKEND_CAPACITY",
    "BackendService",
    "BackendServiceProps",
    "ServiceConnectServerOptions",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "BACKEND_CAPACITY": "._props",
    "BackendService": "._service",
    "BackendServiceProps": "._props",
    "ServiceConnectServerOptions": "._props",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
