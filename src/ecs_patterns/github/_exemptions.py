"""Why parts of GitHubDeployRole are exempt from particular rules: the reasons, as data."""

from __future__ import annotations

from collections.abc import Sequence

from ..core._compliance import Exemption

__all__ = ["unscoped_policy"]


def unscoped_policy(actions: Sequence[str]) -> Exemption:
    """The deploy role's policy of actions IAM only grants on ``*``."""
    return Exemption(
        nag=["AwsSolutions-IAM5[Resource::*]"],
        reason="Holds only actions that IAM cannot scope to a resource: "
        + ", ".join(actions)
        + ". Every other grant of the deploy role is in its scoped policy.",
    )
