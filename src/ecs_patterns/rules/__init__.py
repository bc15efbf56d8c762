"""The library's own cdk-nag rule pack for ECS task hardening.

:class:`EcsHardeningChecks` is a cdk-nag v3 ``NagPack``; the checks it runs are pure functions
of a resource's resolved CloudFormation properties, listed in :data:`RULES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports
from ._checks import (
    RULES,
    Compliance,
    Level,
    Rule,
    circuit_breaker,
    container_health_check,
    container_image_pinned,
    container_non_root_user,
    container_plaintext_secrets,
    container_readonly_root_filesystem,
    fargate_task_size,
    is_unresolved,
    log_group_encryption,
    log_group_retention,
    looks_secret,
    spot_only_capacity,
    target_group_deregistration_delay,
    target_group_health_check_speed,
)

if TYPE_CHECKING:
    from ._pack import PACK_NAME, RULE_IDS, EcsHardeningChecks, resolved_properties

# The pack needs cdk-nag (about 0.2 s to import); the pure checks above do not, and the
# constructs use them, so the pack is imported on first use of one of its names.
_PACK_NAMES = frozenset({"PACK_NAME", "RULE_IDS", "EcsHardeningChecks", "resolved_properties"})

__all__ = [
    "PACK_NAME",
    "RULES",
    "RULE_IDS",
    "Compliance",
    "EcsHardeningChecks",
    "Level",
    "Rule",
    "circuit_breaker",
    "container_health_check",
    "container_image_pinned",
    "container_non_root_user",
    "container_plaintext_secrets",
    "container_readonly_root_filesystem",
    "fargate_task_size",
    "is_unresolved",
    "log_group_encryption",
    "log_group_retention",
    "looks_secret",
    "resolved_properties",
    "spot_only_capacity",
    "target_group_deregistration_delay",
    "target_group_health_check_speed",
]

__getattr__, __dir__ = lazy_exports(globals(), dict.fromkeys(_PACK_NAMES, "._pack"))
