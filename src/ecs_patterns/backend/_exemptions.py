"""The backend's compliance texts, as data beside the construct.

Each entry is the reason a security reviewer accepts for one finding, or a description the
resources carry; values that depend on the resource are small functions.
"""

from __future__ import annotations

__all__ = ["CLIENT_INGRESS_DESCRIPTION"]

CLIENT_INGRESS_DESCRIPTION = "A declared Service Connect client of the backend, on the app port"
"""The description of each ingress rule ``BackendService.allow_from`` adds."""
