"""CapacityStrategy: how tasks are spread over FARGATE and FARGATE_SPOT."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from ._compliance import exempt_scope
from ._exemptions import SPOT_ONLY
from ._typecheck import require_types
from ._validation import Checks

__all__ = ["CapacityStrategy", "announce_spot_without_base"]


@dataclass(frozen=True, kw_only=True)
class CapacityStrategy:
    """A FARGATE base plus FARGATE_SPOT weight (default: base 1 weight 1 + Spot weight 3).

    With the defaults the first task always runs on regular Fargate, and further tasks are
    placed 1:3 on Fargate and Fargate Spot: with 4 tasks, 2 run on Fargate and 2 on Spot
    (roughly 50 % cheaper per Spot task), and a Spot reclaim never takes the whole service down.

    Attributes:
        on_demand_base: Tasks always placed on FARGATE before weights apply. Default 1, so
            a Spot interruption can never stop every task. 0 to 100000.
        on_demand_weight: Relative share of FARGATE beyond the base. Default 1. 0 to 1000.
        spot_weight: Relative share of FARGATE_SPOT beyond the base. Default 3. 0 disables
            Spot. 0 to 1000.
        allow_spot_only: Permit Spot without a FARGATE base (``on_demand_base=0``). Default
            False: without a base every task may be on Spot and lost at once, which no
            production service should do by accident. When True, the construct using the
            strategy raises the warning ``ecs-patterns:SpotWithoutBase`` and acknowledges the
            library's ``EcsPatterns-SpotOnly`` rule.
    """

    on_demand_base: int = 1
    on_demand_weight: int = 1
    spot_weight: int = 3
    allow_spot_only: bool = False

    @classmethod
    def on_demand_only(cls, *, base: int = 0) -> CapacityStrategy:
        """Every task on regular FARGATE (no Spot)."""
        return cls(on_demand_base=base, on_demand_weight=1, spot_weight=0)

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("CapacityStrategy")
        checks.int_range("on_demand_base", self.on_demand_base, 0, 100000)
        checks.int_range("on_demand_weight", self.on_demand_weight, 0, 1000)
        checks.int_range("spot_weight", self.spot_weight, 0, 1000)
        checks.check(
            self.on_demand_weight > 0 or self.spot_weight > 0,
            "spot_weight",
            self.spot_weight,
            "at least one of on_demand_weight and spot_weight above 0",
            "Give FARGATE or FARGATE_SPOT a weight of 1 or more, "
            "e.g. CapacityStrategy(on_demand_weight=1, spot_weight=3).",
        )
        # Without a FARGATE base, nothing keeps a task off Spot (with 1:3 weights, a single task
        # may well be placed on Spot), so a base of 0 with Spot is an explicit opt-in, as the
        # library's EcsPatterns-SpotOnly rule requires.
        checks.check(
            not self.may_lose_every_task or self.allow_spot_only,
            "on_demand_base",
            self.on_demand_base,
            "1 or more when Spot is used",
            "Keep at least one task on regular Fargate with on_demand_base=1, "
            "or set allow_spot_only=True if losing every task at once is acceptable.",
        )
        checks.done()

    @property
    def may_lose_every_task(self) -> bool:
        """True when Spot is used without a FARGATE base: a Spot reclaim may stop every task."""
        return self.spot_weight > 0 and self.on_demand_base == 0

    @property
    def uses_spot(self) -> bool:
        """True when some tasks may run on FARGATE_SPOT."""
        return self.spot_weight > 0

    def to_cdk(self) -> list[ecs.CapacityProviderStrategy]:
        """The strategy as aws-cdk-lib items; a provider with weight 0 and no base is omitted."""
        items = [
            ecs.CapacityProviderStrategy(
                capacity_provider="FARGATE",
                base=self.on_demand_base or None,
                weight=self.on_demand_weight,
            )
        ]
        if self.spot_weight > 0:
            items.append(
                ecs.CapacityProviderStrategy(
                    capacity_provider="FARGATE_SPOT", weight=self.spot_weight
                )
            )
        return items


def announce_spot_without_base(scope: Construct, target: Construct) -> None:
    """Warn about Spot without a FARGATE base (allow_spot_only=True) and acknowledge the rule.

    The acknowledgement is on ``target`` (a service, or an ``ecs.Cluster`` whose capacity
    provider associations aws-cdk-lib only adds at synthesis), for EcsPatterns-SpotOnly only.
    """
    Annotations.of(scope).add_warning_v2(
        "ecs-patterns:SpotWithoutBase",
        "allow_spot_only=True: every task may run on FARGATE_SPOT and be reclaimed at once.",
    )
    exempt_scope(target, SPOT_ONLY)
