"""Load balancers that a shared ingress owns, so per-service constructs can tell them apart.

A load-balancer-level alarm on a shared load balancer counts every service's traffic: it belongs
to the ingress once, not to each service. The web family marks the load balancer of a shared
ingress here; monitoring reads the mark.
"""

from __future__ import annotations

import weakref

from constructs import IConstruct

__all__ = ["mark_shared_load_balancer", "shared_load_balancer_owner"]

# Load balancer -> path of the shared ingress construct that owns it.
_OWNERS: weakref.WeakKeyDictionary[IConstruct, str] = weakref.WeakKeyDictionary()


def mark_shared_load_balancer(load_balancer: IConstruct, owner: str) -> None:
    """Record that ``load_balancer`` is shared by the services of the ingress at ``owner``."""
    _OWNERS[load_balancer] = owner


def shared_load_balancer_owner(load_balancer: IConstruct) -> str | None:
    """The path of the shared ingress that owns ``load_balancer``, or None."""
    return _OWNERS.get(load_balancer)
