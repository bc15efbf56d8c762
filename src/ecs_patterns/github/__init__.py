"""GitHubDeployRole: the least-privilege role GitHub Actions assumes through OIDC."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._github_oidc import (
        GITHUB_OIDC_AUDIENCE,
        GITHUB_OIDC_URL,
        GitHubDeployRole,
        GitHubDeployRoleProps,
        GitHubRepo,
    )

__all__ = [
    "GITHUB_OIDC_AUDIENCE",
    "GITHUB_OIDC_URL",
    "GitHubDeployRole",
    "GitHubDeployRoleProps",
    "GitHubRepo",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "GITHUB_OIDC_AUDIENCE": "._github_oidc",
    "GITHUB_OIDC_URL": "._github_oidc",
    "GitHubDeployRole": "._github_oidc",
    "GitHubDeployRoleProps": "._github_oidc",
    "GitHubRepo": "._github_oidc",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
