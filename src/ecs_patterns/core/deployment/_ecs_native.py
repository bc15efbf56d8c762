"""ECS-native blue/green, linear and canary deployments (the ECS controller's own, 2025)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from .._compliance import exempt
from .._exemptions import ALTERNATE_TARGET_ROLE
from .._typecheck import require_types
from .._validation import Checks, is_token, seconds
from ._base import (
    DeploymentFacts,
    DeploymentPhases,
    DeploymentResources,
    DeploymentStrategy,
    ServiceOptions,
    ServiceTargets,
    check_minutes,
    check_test_cidrs,
    check_test_port,
)

if TYPE_CHECKING:
    # Only annotations here; imported where used, so a rolling service does not load them.
    from aws_cdk import aws_lambda as lambda_

__all__ = ["EcsNativeBlueGreen"]

_MINUTES_5 = Duration.minutes(5)
_MAX_BAKE_MIN = 1440  # ECS: bake times 0 to 1440 minutes
_DEFAULT_TEST_PORT = 8443


@dataclass(frozen=True, kw_only=True)
class EcsNativeBlueGreen(DeploymentStrategy):
    """ECS-native blue/green, linear or canary deployments (ECS controller, 2025).

    The ECS controller starts the new revision behind an alternate (green) target group,
    moves the test listener rule to it, then shifts the production listener rule (all at once,
    in linear steps, or canary then the rest), bakes, and stops the blue tasks. Alarm rollback
    works as for rolling (:class:`ServiceMonitoring` with ``deployment_alarm_rollback=True``),
    and the deployment circuit breaker with rollback is on, as ECS supports for blue/green
    (ECS developer guide, "deployment failure detection"): green tasks that crash before
    they register trip no alarm, so without it the deployment would hang. A plain ``cdk deploy``
    rolls a new image: CloudFormation waits through the bake time and ends in
    ``UPDATE_ROLLBACK_COMPLETE`` when ECS rolls back.

    Attributes:
        strategy: ``ecs.DeploymentStrategy.BLUE_GREEN`` (default), ``LINEAR`` or ``CANARY``.
            ``ROLLING`` is :class:`Rolling`.
        bake_time: How long blue and green both run after production traffic has moved, so a
            rollback is instant. Default 5 minutes: the library's alarms need 3 breaching
            one-minute periods (3 of 3) plus 1 to 2 minutes for the load balancer to deliver
            the metrics and CloudWatch to evaluate them, so a rollback alarm about a release
            that fails under production traffic fires about 4 to 5 minutes after the switch; a
            shorter bake lets blue go before it can. With the other defaults a BLUE_GREEN
            deployment has all production traffic on the new version after about 1.3 minutes
            and completes after about 7.3 (over a 5-minute deployment target: the bake is
            the price of an instant rollback). Raise it with a longer alarm window
            (``MonitoringProps.evaluation_periods``). 0 to 1440 minutes, whole minutes.
        step_percent: Traffic per step: LINEAR 3 to 100 (default 10), CANARY 0.1 to 100
            (default 10), multiples of 0.1. Only with LINEAR or CANARY.
        step_bake_time: Wait between steps: LINEAR default 1 minute (as CodeDeploy's predefined
            ECSLinear10PercentEvery1Minutes; ECS's own default, 6 minutes, makes a 10-step
            deployment take over an hour), CANARY default 5 minutes. 0 to 1440 whole minutes.
            Only with LINEAR or CANARY.
        test_listener_port: Port of the test listener (same protocol and certificate as
            production; clients: ``test_listener_cidrs``). Default 8443. 1 to 65535, not 80
            or 443.
        hooks: Lifecycle hook Lambda functions by stage, e.g.
            ``{ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT: check}``. ECS invokes each
            through a role it assumes (created). Default: no hooks.
        test_listener_cidrs: IPv4 CIDRs the test listener admits. Default: the production
            listener's clients unless they include ``0.0.0.0/0`` (explicit ``ingress_cidrs``
            and ``ingress_prefix_lists``, or the VPC for an internal load balancer); for an
            internet-facing service open to anyone, nobody: the untested green revision is not
            public before it has passed its checks. A client in the VPC reaches an
            internet-facing load balancer through the NAT gateways, so give their addresses
            (or another network) here for hooks or testers that call the test listener.
            ``["0.0.0.0/0"]`` opens it to the internet, explicitly, with the warning
            ``ecs-patterns:PublicTestListener``.
    """

    strategy: ecs.DeploymentStrategy = ecs.DeploymentStrategy.BLUE_GREEN
    bake_time: Duration = _MINUTES_5
    step_percent: float | None = None
    step_bake_time: Duration | None = None
    test_listener_port: int = _DEFAULT_TEST_PORT
    hooks: Mapping[ecs.DeploymentLifecycleStage, lambda_.IFunction] = field(default_factory=dict)
    test_listener_cidrs: Sequence[str] | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("EcsNativeBlueGreen")
        checks.check(
            self.strategy is not ecs.DeploymentStrategy.ROLLING,
            "strategy",
            self.strategy.value,
            "BLUE_GREEN, LINEAR or CANARY",
            "Use deployment=Rolling() for rolling deployments.",
        )
        check_minutes(checks, "bake_time", self.bake_time, 0, _MAX_BAKE_MIN)
        shifting = self.strategy in (ecs.DeploymentStrategy.LINEAR, ecs.DeploymentStrategy.CANARY)
        for name in ("step_percent", "step_bake_time"):
            checks.check(
                shifting or getattr(self, name) is None,
                name,
                getattr(self, name),
                "only with strategy LINEAR or CANARY",
                f"Drop {name}, or set strategy=ecs.DeploymentStrategy.LINEAR (or CANARY).",
            )
        if self.step_percent is not None and not is_token(self.step_percent) and shifting:
            low = 3.0 if self.strategy is ecs.DeploymentStrategy.LINEAR else 0.1
            value = float(self.step_percent)
            checks.check(
                low <= value <= 100 and abs(value * 10 - round(value * 10)) < 1e-9,
                "step_percent",
                self.step_percent,
                f"a multiple of 0.1 from {low:g} to 100 for {self.strategy.value}",
                "Pick a step such as 10 or 20.",
            )
        if self.step_bake_time is not None:
            check_minutes(checks, "step_bake_time", self.step_bake_time, 0, _MAX_BAKE_MIN)
        check_test_port(checks, self.test_listener_port)
        check_test_cidrs(checks, self.test_listener_cidrs)
        checks.done()

    @property
    def effective_step_percent(self) -> float | None:
        """The step percentage used (the library's default when not set), None for BLUE_GREEN."""
        if self.strategy is ecs.DeploymentStrategy.BLUE_GREEN:
            return None
        return float(self.step_percent) if self.step_percent is not None else 10.0

    @property
    def effective_step_bake_time(self) -> Duration | None:
        """The wait between steps used, None for BLUE_GREEN."""
        if self.step_bake_time is not None:
            return self.step_bake_time
        if self.strategy is ecs.DeploymentStrategy.LINEAR:
            return Duration.minutes(1)
        if self.strategy is ecs.DeploymentStrategy.CANARY:
            return Duration.minutes(5)
        return None

    def traffic_shift_config(self) -> ecs.TrafficShiftConfig | None:
        """The ``ecs.TrafficShiftConfig`` for LINEAR / CANARY, None for BLUE_GREEN."""
        percent = self.effective_step_percent
        if percent is None:
            return None
        return ecs.TrafficShiftConfig(
            step_percent=percent, step_bake_time=self.effective_step_bake_time
        )

    @property
    def kind(self) -> str:
        return str(self.strategy.value)

    @property
    def name(self) -> str:
        return f"EcsNativeBlueGreen/{self.strategy.value}"

    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        # ECS supports the breaker for blue/green, linear and canary too (ECS developer guide,
        # "deployment failure detection"). Green tasks that crash before they register trip no
        # alarm (the running-task alarm still counts blue, the target alarms need registered
        # targets), so without it the deployment, and cdk deploy, would hang.
        return ecs.DeploymentCircuitBreaker(enable=True, rollback=True)

    @property
    def test_listener_clients(self) -> Sequence[str] | None:
        return self.test_listener_cidrs

    @property
    def needs_green_target_group(self) -> bool:
        return True

    @property
    def shifts_listener_rules(self) -> bool:
        return True

    def check(self, checks: Checks, facts: DeploymentFacts) -> None:
        """Besides request-count scaling: without a load balancer there is no test listener
        (Service Connect test traffic is chosen by a request header), so a test listener port
        other than the default is refused rather than ignored."""
        super().check(checks, facts)
        if facts.load_balancer or is_token(self.test_listener_port):
            return
        checks.check(
            self.test_listener_port == _DEFAULT_TEST_PORT,
            "deployment.test_listener_port",
            self.test_listener_port,
            "the default: a service without a load balancer has no test listener (Service "
            "Connect sends requests with the header x-amzn-ecs-blue-green-test to the new "
            "tasks)",
            "Drop test_listener_port and send test requests with the header "
            "x-amzn-ecs-blue-green-test.",
        )

    def service_options(self) -> ServiceOptions:
        """The ECS controller's strategy, bake time and linear or canary steps."""
        shift = self.traffic_shift_config()
        linear = self.strategy is ecs.DeploymentStrategy.LINEAR
        options = super().service_options()
        options["deployment_strategy"] = self.strategy
        options["bake_time"] = self.bake_time
        options["linear_configuration"] = shift if linear else None
        options["canary_configuration"] = None if linear else shift
        return options

    def phases(self) -> DeploymentPhases:
        shift = 0.0
        percent = self.effective_step_percent
        step_bake = seconds(self.effective_step_bake_time) or 0.0
        if self.strategy is ecs.DeploymentStrategy.LINEAR and percent is not None:
            shift = (math.ceil(100 / percent) - 1) * step_bake
        elif self.strategy is ecs.DeploymentStrategy.CANARY:
            shift = step_bake
        return DeploymentPhases(traffic_shift_s=shift, bake_s=seconds(self.bake_time) or 0.0)

    def attach(self, scope: Construct, targets: ServiceTargets) -> DeploymentResources:
        """Register the service with an ``AlternateTarget`` (the green target group and the two
        listener rules ECS rewrites) and add the lifecycle hooks.

        A service without a load balancer (``targets.target_group`` None) shifts traffic
        through Service Connect instead: ECS registers the green tasks as a test endpoint of
        the service's Service Connect name, which clients reach with the header
        ``x-amzn-ecs-blue-green-test``, then moves production traffic to them (ECS developer
        guide, "Service Connect resources for Amazon ECS blue/green, linear, and canary
        deployments"). There is nothing to register; only the hooks are added.
        """
        service = targets.service
        if targets.target_group is None:
            self._add_hooks(service)
            return DeploymentResources()
        assert targets.green_target_group is not None
        assert targets.production_rule is not None
        assert targets.test_rule is not None
        target = service.load_balancer_target(
            container_name=targets.container_name,
            container_port=targets.container_port,
            alternate_target=ecs.AlternateTarget(
                "AlternateTarget",
                alternate_target_group=targets.green_target_group,
                production_listener=ecs.ListenerRuleConfiguration.application_listener_rule(
                    targets.production_rule
                ),
                test_listener=ecs.ListenerRuleConfiguration.application_listener_rule(
                    targets.test_rule
                ),
            ),
        )
        target.attach_to_application_target_group(targets.target_group)
        role = service.node.try_find_child("AlternateTargetRole")
        if role is not None:
            exempt(role, ALTERNATE_TARGET_ROLE)
        # The green target group is only in the listener rules' weighted forward: ECS starts
        # the green tasks only once it is attached, like the blue one.
        cfn_service = service.node.default_child
        assert isinstance(cfn_service, ecs.CfnService)
        cfn_service.node.add_dependency(targets.production_rule, targets.test_rule)
        self._add_hooks(service)
        return DeploymentResources()

    def _add_hooks(self, service: ecs.FargateService) -> None:
        for stage, function in self.hooks.items():
            service.add_lifecycle_hook(
                ecs.DeploymentLifecycleLambdaTarget(
                    function,
                    f"Hook{stage.value.title().replace('_', '')}",
                    lifecycle_stages=[stage],
                )
            )
