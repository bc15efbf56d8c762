"""Fewer round trips to the jsii kernel.

Every property read or method call on an aws-cdk-lib object from Python is a request to the Node
process and back (about 0.5 ms here, plus jsii's argument checks), and a service makes hundreds.
Answers that cannot change (a Duration's seconds, the L1 resource behind an L2) are remembered
by the object's jsii reference, which is unique for the life of the kernel process.
"""

from __future__ import annotations

__all__ = ["jsii_ref"]


def jsii_ref(value: object) -> str | None:
    """The jsii reference of a kernel object (``"aws-cdk-lib.Duration@10012"``), else None."""
    ref = getattr(getattr(value, "__jsii_ref__", None), "ref", None)
    return ref if isinstance(ref, str) else None
