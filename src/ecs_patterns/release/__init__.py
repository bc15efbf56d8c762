"""CodeDeployRelease: rolls a new task definition out through CodeDeploy from ``cdk deploy``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._release import CodeDeployRelease

__all__ = [
    "CodeDeployRelease",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "CodeDeployRelease": "._release",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
