"""Fewer round trips to the jsii kernel.

Every property read or method call on an aws-cdk-lib object from Python is a request to the Node
process and back (about 0.5 ms here, plus jsii's argument checks), and a service makes dozens.
Answers that cannot change (a Duration's seconds) are remembered by the object's jsii reference,
which is unique for the life of the kernel process, and immutable values every service uses (a
``Duration``, a ``Port``, a service principal) are built once per process by :func:`shared`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["jsii_ref", "shared"]

T = TypeVar("T")

_SHARED: dict[Hashable, Any] = {}


def jsii_ref(value: object) -> str | None:
    """The jsii reference of a kernel object (``"aws-cdk-lib.Duration@10012"``), else None."""
    ref = getattr(getattr(value, "__jsii_ref__", None), "ref", None)
    return ref if isinstance(ref, str) else None


def shared(key: Hashable, build: Callable[[], T]) -> T:
    """The value ``build()`` returned the first time ``key`` was asked for in this process.

    Only for immutable aws-cdk-lib values that belong to no construct tree (``Duration``,
    ``ec2.Port``, ``ec2.Peer``, ``iam.ServicePrincipal``, enum-like class constants): one object
    serves every app and stack of the process, and the kernel is asked once instead of once per
    construct. ``key`` must name the value completely, e.g. ``("Duration.days", 30)``.

    Measured (benchmarks/README.md, "Speed-ups kept and removed"): 11 round trips and about 7 ms
    of CPU per default ``FargateWebService``. Couples to: the value being immutable and free of
    any construct tree, since one object serves every ``App`` of the process (tests included).
    """
    if key not in _SHARED:
        _SHARED[key] = build()
    value: T = _SHARED[key]
    return value
