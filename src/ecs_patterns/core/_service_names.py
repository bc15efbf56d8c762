"""Service names taken on each cluster of an app, refused a second time at synthesis.

ECS refuses a second service of the same name on a cluster ("Creation of service was not
idempotent"), and only once the stack is deploying; every workload kind claims its literal
``service_name`` here first, so the second one fails at synthesis instead.
"""

from __future__ import annotations

import weakref

from constructs import IConstruct

from ._errors import ConfigurationError, Problem
from ._validation import is_token

__all__ = ["claim_service_name"]

# Cluster -> {service name: path of the construct that claimed it}.
_SERVICE_NAMES: weakref.WeakKeyDictionary[IConstruct, dict[str, str]] = weakref.WeakKeyDictionary()


def claim_service_name(
    cluster: IConstruct, name: str | None, path: str, *, props_name: str
) -> None:
    """Refuse a ``service_name`` that another service already has on ``cluster``.

    ``name`` None or a token passes (CloudFormation generates or resolves it); ``path`` names
    the claiming construct in the message of a later clash.
    """
    if name is None or is_token(name):
        return
    taken = _SERVICE_NAMES.setdefault(cluster, {})
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
