"""EcrRepository: an ECR repository with immutable tags, scanning and lifecycle rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._repository import EcrRepository, RepositoryProps

__all__ = [
    "EcrRepository",
    "RepositoryProps",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "EcrRepository": "._repository",
    "RepositoryProps": "._repository",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
