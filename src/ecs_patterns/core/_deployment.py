"""Deployment strategies of FargateWebService, and a deployment-time estimate for each.

Three typed choices, so contradictions (a circuit breaker under CodeDeploy, ECS deployment
alarms under CodeDeploy, a test listener for a rolling service) cannot be written down:

* :class:`Rolling` (the default): the ECS controller replaces tasks in place, 100 %/200 %,
  with the deployment circuit breaker rolling back a release whose tasks do not stay healthy.
* :class:`CodeDeployBlueGreen`: the ``CODE_DEPLOY`` controller; CodeDeploy starts a green task
  set behind a second target group, opens it on a test listener, shifts production traffic
  (:class:`CodeDeployTrafficShift`), keeps the blue tasks for ``termination_wait``, and rolls
  back on failure, on stop and on alarms.
* :class:`EcsNativeBlueGreen`: the ECS controller's own ``BLUE_GREEN``, ``LINEAR`` or
  ``CANARY`` strategy with an alternate target group, listener *rules* and a bake time.

The estimate functions are pure: they read the props and return a
:class:`DeploymentTimeEstimate`, so they are tested without synthesizing anything.
"""

from __future__ import annotations

import enum
import ipaddress
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from constructs import Construct

if TYPE_CHECKING:
    # Only annotations here; imported where used, so a rolling service does not load them.
    from aws_cdk import aws_codedeploy as codedeploy
    from aws_cdk import aws_lambda as lambda_

from ._typecheck import require_types
from ._validation import Checks, is_token, seconds

__all__ = [
    "CODEDEPLOY_HOOKS",
    "RELEASE_JOB_SETUP",
    "RELEASE_TIMEOUT_MAX",
    "TASK_START_ESTIMATE",
    "CodeDeployBlueGreen",
    "CodeDeployTrafficShift",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcsNativeBlueGreen",
    "HealthTiming",
    "Rolling",
    "ShiftKind",
    "deployment_controller",
    "estimate_deployment_time",
    "longest_stack_wait",
    "release_job_timeout_minutes",
    "release_timeout",
]

CODEDEPLOY_HOOKS: tuple[str, ...] = (
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
)
"""The ECS AppSpec lifecycle hooks, in the order CodeDeploy runs them (CodeDeploy User Guide,
"AppSpec 'hooks' section for an Amazon ECS deployment")."""

TASK_START_ESTIMATE = Duration.seconds(60)
"""Assumed time for Fargate to provision a task, pull a small image and start the app.

Not derived from props (it depends on image size, Spot capacity and the app's start-up): an
assumption of the estimate, stated so that teams can compare it with their own measurements.
"""

_MINUTES_5 = Duration.minutes(5)
_ZERO = Duration.seconds(0)
_MAX_WAIT_MIN = 2880  # CodeDeploy: termination and ready waits up to 2 days
_MAX_BAKE_MIN = 1440  # ECS: bake times 0 to 1440 minutes
_PREDEFINED: dict[tuple[str, int, int], str] = {
    ("ALL_AT_ONCE", 100, 0): "ALL_AT_ONCE",
    ("LINEAR", 10, 1): "LINEAR_10_PERCENT_EVERY_1_MINUTES",
    ("LINEAR", 10, 3): "LINEAR_10_PERCENT_EVERY_3_MINUTES",
    ("CANARY", 10, 5): "CANARY_10_PERCENT_5_MINUTES",
    ("CANARY", 10, 15): "CANARY_10_PERCENT_15_MINUTES",
}


class ShiftKind(enum.Enum):
    """How production traffic moves to the new version."""

    ALL_AT_ONCE = "ALL_AT_ONCE"
    """All traffic at once."""
    LINEAR = "LINEAR"
    """Equal increments of ``percent`` with ``interval`` between them."""
    CANARY = "CANARY"
    """``percent`` first, the rest after ``interval``."""


@dataclass(frozen=True, kw_only=True)
class CodeDeployTrafficShift:
    """A CodeDeploy ECS deployment configuration, typed so its timing can be estimated.

    Build it with :meth:`linear`, :meth:`canary` or :meth:`all_at_once`. The five shapes that
    CodeDeploy predefines (``ECSAllAtOnce``, ``ECSLinear10PercentEvery1Minutes`` and
    ``...Every3Minutes``, ``ECSCanary10Percent5Minutes`` and ``...15Minutes``) use the
    predefined configuration; any other shape creates an ``EcsDeploymentConfig``.

    Attributes:
        kind: :class:`ShiftKind`.
        percent: Percentage shifted per increment (linear) or in the first increment
            (canary). 1 to 99; 100 for all-at-once.
        interval: Minutes between increments. Whole minutes from 1 (0 for all-at-once).
    """

    kind: ShiftKind
    percent: int = 100
    interval: Duration = _ZERO

    @classmethod
    def linear(cls, percent: int = 10, interval: Duration | None = None) -> CodeDeployTrafficShift:
        """``percent`` every ``interval``. Default 10 % every minute: the source documents'
        ``CodeDeployDefault.ECSLinear10PercentEvery1Minutes``."""
        return cls(
            kind=ShiftKind.LINEAR,
            percent=percent,
            interval=interval if interval is not None else Duration.minutes(1),
        )

    @classmethod
    def canary(cls, percent: int = 10, interval: Duration | None = None) -> CodeDeployTrafficShift:
        """``percent`` first, the rest after ``interval``. Default 10 % for 5 minutes
        (``CodeDeployDefault.ECSCanary10Percent5Minutes``)."""
        return cls(
            kind=ShiftKind.CANARY,
            percent=percent,
            interval=interval if interval is not None else Duration.minutes(5),
        )

    @classmethod
    def all_at_once(cls) -> CodeDeployTrafficShift:
        """All traffic in one step (``CodeDeployDefault.ECSAllAtOnce``)."""
        return cls(kind=ShiftKind.ALL_AT_ONCE)

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("CodeDeployTrafficShift")
        if self.kind is ShiftKind.ALL_AT_ONCE:
            checks.check(
                self.percent == 100,
                "percent",
                self.percent,
                "100 for ALL_AT_ONCE",
                "Use CodeDeployTrafficShift.all_at_once().",
            )
        else:
            checks.int_range("percent", self.percent, 1, 99)
            minutes = _whole_minutes(self.interval)
            checks.check(
                minutes is not None and minutes >= 1,
                "interval",
                f"{seconds(self.interval):g}s",
                "whole minutes, at least 1",
                "Pass interval=Duration.minutes(n) with n >= 1.",
            )
        checks.done()

    @property
    def steps(self) -> int:
        """Number of traffic increments: 1 (all at once), 2 (canary), ceil(100/p) (linear)."""
        if self.kind is ShiftKind.ALL_AT_ONCE:
            return 1
        if self.kind is ShiftKind.CANARY:
            return 2
        return math.ceil(100 / self.percent)

    @property
    def shift_seconds(self) -> float:
        """Time from the first to the last increment: (steps - 1) x interval."""
        interval = seconds(self.interval) or 0.0
        return (self.steps - 1) * interval

    @property
    def predefined_name(self) -> str | None:
        """The ``codedeploy.EcsDeploymentConfig`` attribute for a predefined shape, else None."""
        minutes = _whole_minutes(self.interval)
        if minutes is None:
            return None
        return _PREDEFINED.get((self.kind.value, self.percent, minutes))

    def deployment_config(self, scope: Construct, id: str) -> codedeploy.IEcsDeploymentConfig:
        """The predefined configuration, or a new ``EcsDeploymentConfig`` under ``scope``."""
        from aws_cdk import aws_codedeploy as codedeploy

        name = self.predefined_name
        if name is not None:
            config: codedeploy.IEcsDeploymentConfig = getattr(codedeploy.EcsDeploymentConfig, name)
            return config
        if self.kind is ShiftKind.LINEAR:
            routing = codedeploy.TrafficRouting.time_based_linear(
                interval=self.interval, percentage=self.percent
            )
        else:
            routing = codedeploy.TrafficRouting.time_based_canary(
                interval=self.interval, percentage=self.percent
            )
        return codedeploy.EcsDeploymentConfig(scope, id, traffic_routing=routing)


@dataclass(frozen=True, kw_only=True)
class Rolling:
    """ECS rolling deployments (the default).

    The ECS controller starts the new tasks beside the old ones (``maximumPercent`` 200, so
    the whole new set at once), keeps every old task until the new ones are healthy
    (``minimumHealthyPercent`` 100), and the deployment circuit breaker rolls back to the last
    completed deployment when new tasks keep failing to start or to pass health checks.
    Deployment alarms with rollback are added by :class:`ServiceMonitoring`
    (``deployment_alarm_rollback=True``). A new image reaches production with a plain
    ``cdk deploy``: CloudFormation registers a task definition revision and updates the
    service; it waits for the deployment and fails the stack update when ECS rolls back.
    """

    def __post_init__(self) -> None:
        require_types(self)


@dataclass(frozen=True, kw_only=True)
class CodeDeployBlueGreen:
    """Blue/green through AWS CodeDeploy.

    The service gets the ``CODE_DEPLOY`` controller, a second (green) target group with the
    same health check, and a test listener; an ``EcsApplication`` and an ``EcsDeploymentGroup``
    roll back automatically on failure, on stop and when a rollback alarm fires (add
    :class:`ServiceMonitoring`'s alarms with ``MonitoringProps(deployment_group=...,
    deployment_alarm_rollback=True)``). On ``cdk deploy``, a custom resource creates a
    CodeDeploy deployment for the new task definition revision and waits for it; a failed
    deployment fails the stack update (see the README, "Deployment strategies").

    Fixed once the service exists: CloudFormation updates the ECS service before the next
    deployment runs, and ECS rejects network-configuration changes on a ``CODE_DEPLOY`` service
    ("Unable to update network parameters on services with a CODE_DEPLOY deployment
    controller"), while a capacity provider strategy change needs a forced new deployment,
    which ``CODE_DEPLOY`` does not allow. So ``capacity``, the subnets and the security groups
    (and probably ``enable_execute_command`` and the platform version) cannot be changed in
    place: changing them needs a new service.

    Attributes:
        traffic_shift: :class:`CodeDeployTrafficShift`. Default linear 10 % every minute
            (``ECSLinear10PercentEvery1Minutes``, the source documents' choice): a bad release
            reaches 10 % of the users first. It does not give the alarms a chance per step: a
            3-of-3 one-minute alarm needs 3 breaching minutes plus 1 to 2 minutes of metric
            delivery and evaluation, so it fires about 4 to 5 minutes after a bad release starts
            taking traffic, by when about half the traffic has moved; the rollback then happens
            during the remaining steps or the ``termination_wait``, with blue still running.
        test_listener_port: Port of the test listener, which serves the green tasks before
            production traffic moves (same protocol and certificate as production, same
            allowed clients). Default 8443. 1 to 65535, not 80 or 443.
        termination_wait: How long the blue tasks keep running after production traffic has
            moved, ready for an immediate rollback; alarms still roll back during it. Default
            5 minutes (the source documents). CodeDeploy reports success only after it, so
            ``cdk deploy`` waits for it too. Whole minutes from 0. CodeDeploy accepts up to
            2880, but ``cdk deploy`` waits for the whole deployment through a custom resource
            (at most 55 minutes, :data:`RELEASE_TIMEOUT_MAX`), so the estimate's total, this
            wait included, must fit ``release_timeout`` (by default 55 minutes less a 15-minute
            margin): with the other defaults about 28 minutes at most (43 with
            ``release_timeout=Duration.minutes(55)``). Longer values are rejected by
            :class:`WebServiceProps`.
        deployment_ready_wait: 0 (default) continues to test traffic as soon as the green
            tasks are healthy (``CONTINUE_DEPLOYMENT``, as the source documents). A positive
            wait makes CodeDeploy wait for an approval (``aws deploy continue-deployment``)
            before shifting traffic, and stop (roll back) when none comes in time. Whole
            minutes; counted in the estimate like ``termination_wait`` and limited the same
            way (so about 23 minutes at most with the other defaults, 38 with a 55-minute
            ``release_timeout``), although CodeDeploy itself accepts 2880.
        hooks: AppSpec lifecycle hooks: hook name (one of :data:`CODEDEPLOY_HOOKS`) to the
            Lambda function that validates it, e.g. ``{"AfterAllowTestTraffic": check}``
            calling ``/health`` through the test listener. The function must report with
            ``codedeploy:PutLifecycleEventHookExecutionStatus`` (granted). Default: no hooks.
        release_timeout: How long ``cdk deploy`` waits for one CodeDeploy deployment before it
            fails the stack update. Default: the estimate's total plus 15 minutes, 30 to 55
            minutes (55 is the longest a custom resource can wait, with 5 minutes to spare
            under CloudFormation's hour; a configuration whose estimate leaves less than the
            15-minute margin under it is rejected). 5 to 55 minutes; a given value must be at
            least the estimate's total, or :class:`WebServiceProps` rejects it.
        test_listener_cidrs: IPv4 CIDRs the test listener admits. Default: the production
            listener's clients unless they include ``0.0.0.0/0`` (explicit ``ingress_cidrs``
            and ``ingress_prefix_lists``, or the VPC for an internal load balancer); for an
            internet-facing service open to anyone, nobody: the untested green revision is not
            public before it has passed its checks. A client in the VPC reaches an
            internet-facing load balancer through the NAT gateways, so give their addresses
            (or another network) here for hooks or testers that call the test listener.
            ``["0.0.0.0/0"]`` opens it to the internet, explicitly, with the warning
            ``ecs-patterns:PublicTestListener``.
        release_reserved_concurrency: Reserved concurrency of each of the release custom
            resource's five Lambda functions (``CodeDeployRelease(reserved_concurrency=...)``).
            Default None: nothing reserved, because Lambda keeps 100 units of the account's
            concurrency unreserved and an account with a quota of 10 or 50 (common for new
            accounts) rejects any reservation, failing the first deploy. The cost: without a
            reservation, a release's invocations can be throttled when the account's other
            functions use the whole unreserved pool (the release then slows down or times
            out), and nothing caps a runaway loop. 1 is enough for one release at a time, in
            an account whose quota leaves room. 1 to 1000.
    """

    traffic_shift: CodeDeployTrafficShift = field(default_factory=CodeDeployTrafficShift.linear)
    test_listener_port: int = 8443
    termination_wait: Duration = _MINUTES_5
    deployment_ready_wait: Duration = _ZERO
    hooks: Mapping[str, lambda_.IFunction] = field(default_factory=dict)
    release_timeout: Duration | None = None
    test_listener_cidrs: Sequence[str] | None = None
    release_reserved_concurrency: int | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("CodeDeployBlueGreen")
        checks.int_range(
            "release_reserved_concurrency",
            self.release_reserved_concurrency,
            1,
            1000,
            "Pass 1 (one release at a time), or leave it None to reserve nothing.",
        )
        _check_test_port(checks, self.test_listener_port)
        _check_test_cidrs(checks, self.test_listener_cidrs)
        _check_minutes(checks, "termination_wait", self.termination_wait, 0, _MAX_WAIT_MIN)
        _check_minutes(
            checks, "deployment_ready_wait", self.deployment_ready_wait, 0, _MAX_WAIT_MIN
        )
        for name in self.hooks:
            checks.check(
                name in CODEDEPLOY_HOOKS,
                "hooks",
                name,
                "AppSpec ECS hook names: " + ", ".join(CODEDEPLOY_HOOKS),
                "Use one of the ECS hook names, e.g. 'AfterAllowTestTraffic'.",
            )
        if self.release_timeout is not None:
            _check_minutes(
                checks,
                "release_timeout",
                self.release_timeout,
                5,
                int(RELEASE_TIMEOUT_MAX.to_minutes()),
            )
        checks.done()


@dataclass(frozen=True, kw_only=True)
class EcsNativeBlueGreen:
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
            and completes after about 7.3 (the source documents target 5 for the deployment;
            the bake is the price of an instant rollback). Raise it with a longer alarm window
            (``MonitoringProps.evaluation_periods``). 0 to 1440 minutes, whole minutes.
        step_percent: Traffic per step: LINEAR 3 to 100 (default 10), CANARY 0.1 to 100
            (default 10), multiples of 0.1. Only with LINEAR or CANARY.
        step_bake_time: Wait between steps: LINEAR default 1 minute (as the source documents'
            CodeDeploy linear configuration; ECS's own default, 6 minutes, makes a 10-step
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
    test_listener_port: int = 8443
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
        _check_minutes(checks, "bake_time", self.bake_time, 0, _MAX_BAKE_MIN)
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
            _check_minutes(checks, "step_bake_time", self.step_bake_time, 0, _MAX_BAKE_MIN)
        _check_test_port(checks, self.test_listener_port)
        _check_test_cidrs(checks, self.test_listener_cidrs)
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


DeploymentStrategy = Rolling | CodeDeployBlueGreen | EcsNativeBlueGreen
"""The deployment strategy of a FargateWebService."""


@dataclass(frozen=True, kw_only=True)
class HealthTiming:
    """The props that decide how fast a task counts as healthy and an old one is gone."""

    target_health_check_interval: Duration
    target_healthy_threshold: int
    deregistration_delay: Duration
    health_check_grace_period: Duration
    stop_timeout: Duration

    def __post_init__(self) -> None:
        require_types(self)


@dataclass(frozen=True, kw_only=True)
class DeploymentTimeEstimate:
    """Estimated seconds per phase of one successful deployment, and their total.

    Attributes:
        strategy: "Rolling", "CodeDeployBlueGreen" or "EcsNativeBlueGreen/<STRATEGY>".
        start_s: Starting the new tasks (:data:`TASK_START_ESTIMATE`) plus the target group's
            ``interval x healthy threshold`` until the first health checks pass.
        ready_wait_s: CodeDeploy's deployment-ready wait (approval window), else 0.
        traffic_shift_s: First to last production traffic increment.
        bake_s: ECS-native bake time, or CodeDeploy's termination wait (blue kept for rollback).
        drain_s: Deregistration delay plus the container stop timeout of the old tasks.
        to_full_traffic_s: From the start until all production traffic is on the new version.
        total_s: Until the deployment is complete, which is when ``cdk deploy`` returns.
        failure_detection_s: Worst case for a crash-looping release to be noticed: the
            health-check grace period plus the unhealthy window, per attempt (ECS and
            CodeDeploy retry; the circuit breaker needs several failed tasks).
    """

    strategy: str
    start_s: float
    ready_wait_s: float
    traffic_shift_s: float
    bake_s: float
    drain_s: float
    failure_detection_s: float

    @property
    def to_full_traffic_s(self) -> float:
        return self.start_s + self.ready_wait_s + self.traffic_shift_s

    @property
    def total_s(self) -> float:
        return self.to_full_traffic_s + self.bake_s + self.drain_s

    @property
    def total_minutes(self) -> float:
        """``total_s`` in minutes, rounded to one decimal."""
        return round(self.total_s / 60, 1)


def estimate_deployment_time(
    strategy: DeploymentStrategy, timing: HealthTiming, *, unhealthy_threshold: int = 3
) -> DeploymentTimeEstimate:
    """Estimate one successful deployment under ``strategy`` from the props' timings.

    Pure arithmetic over documented step counts (nothing is measured here): new tasks start
    (:data:`TASK_START_ESTIMATE`) and pass ``healthy_threshold`` target health checks; traffic
    moves in the strategy's steps; blue is kept for the bake time or termination wait; old
    tasks drain for the deregistration delay and get ``stop_timeout`` to exit.
    Unresolved tokens count as 0.
    """
    interval = seconds(timing.target_health_check_interval) or 0.0
    healthy = (
        timing.target_healthy_threshold if not is_token(timing.target_healthy_threshold) else 0
    )
    start = (seconds(TASK_START_ESTIMATE) or 0.0) + interval * healthy
    drain = (seconds(timing.deregistration_delay) or 0.0) + (seconds(timing.stop_timeout) or 0.0)
    grace = seconds(timing.health_check_grace_period) or 0.0
    detection = (seconds(TASK_START_ESTIMATE) or 0.0) + grace + interval * unhealthy_threshold
    if isinstance(strategy, Rolling):
        return DeploymentTimeEstimate(
            strategy="Rolling",
            start_s=start,
            ready_wait_s=0.0,
            traffic_shift_s=0.0,
            bake_s=0.0,
            drain_s=drain,
            failure_detection_s=detection,
        )
    if isinstance(strategy, CodeDeployBlueGreen):
        return DeploymentTimeEstimate(
            strategy="CodeDeployBlueGreen",
            start_s=start,
            ready_wait_s=seconds(strategy.deployment_ready_wait) or 0.0,
            traffic_shift_s=strategy.traffic_shift.shift_seconds,
            bake_s=seconds(strategy.termination_wait) or 0.0,
            drain_s=drain,
            failure_detection_s=detection,
        )
    shift = 0.0
    percent = strategy.effective_step_percent
    step_bake = seconds(strategy.effective_step_bake_time) or 0.0
    if strategy.strategy is ecs.DeploymentStrategy.LINEAR and percent is not None:
        shift = (math.ceil(100 / percent) - 1) * step_bake
    elif strategy.strategy is ecs.DeploymentStrategy.CANARY:
        shift = step_bake
    return DeploymentTimeEstimate(
        strategy=f"EcsNativeBlueGreen/{strategy.strategy.value}",
        start_s=start,
        ready_wait_s=0.0,
        traffic_shift_s=shift,
        bake_s=seconds(strategy.bake_time) or 0.0,
        drain_s=drain,
        failure_detection_s=detection,
    )


RELEASE_TIMEOUT_MAX = Duration.minutes(55)
"""The longest ``cdk deploy`` wait for one CodeDeploy deployment, and ``CodeDeployRelease``'s
default and maximum ``timeout``. CloudFormation waits at most 3600 s for a custom resource
(``ServiceTimeout`` 1 to 3600); the provider must give up first, with 5 minutes to spare, so
that the stack gets the provider's "timed out" reason rather than CloudFormation's own."""
_RELEASE_MARGIN_MIN = 15
_RELEASE_MIN_MIN = 30


def release_timeout(strategy: CodeDeployBlueGreen, estimate: DeploymentTimeEstimate) -> Duration:
    """How long ``cdk deploy`` waits for one CodeDeploy deployment.

    ``release_timeout`` when given; else the estimate's total plus 15 minutes (slow image
    pulls, replaced Spot tasks, the rollback's re-route), at least 30 minutes (the provider
    framework's default) and at most :data:`RELEASE_TIMEOUT_MAX`.
    """
    if strategy.release_timeout is not None:
        return strategy.release_timeout
    minutes = math.ceil(estimate.total_s / 60) + _RELEASE_MARGIN_MIN
    longest = int(RELEASE_TIMEOUT_MAX.to_minutes())
    return Duration.minutes(min(max(minutes, _RELEASE_MIN_MIN), longest))


def longest_stack_wait(strategy: DeploymentStrategy, estimate: DeploymentTimeEstimate) -> Duration:
    """The longest one stack update is expected to wait for this service's deployment.

    A failed deployment and its rollback included, since a job killed during either leaves the
    stack ``*_IN_PROGRESS`` for the next run:

    * :class:`CodeDeployBlueGreen`: :func:`release_timeout` (the custom resource gives up
      then) plus the estimate's total for the stack rollback, which stops the deployment
      with rollback and waits for CodeDeploy to move traffic back and end.
    * ECS controller (rolling, ECS-native): the estimate's failure detection (a release whose
      tasks fail), then a whole deployment forward and a whole one back (the circuit breaker
      or an alarm rolls back by deploying the previous revision).

    An estimate over the props (:func:`estimate_deployment_time`), not a guarantee: image
    pulls, Spot capacity and the app's start-up are assumptions (:data:`TASK_START_ESTIMATE`).
    """
    total = math.ceil(estimate.total_s)
    if isinstance(strategy, CodeDeployBlueGreen):
        return Duration.seconds(release_timeout(strategy, estimate).to_seconds() + total)
    return Duration.seconds(math.ceil(estimate.failure_detection_s) + 2 * total)


RELEASE_JOB_SETUP = Duration.minutes(20)
"""What a release job spends besides the stack update: checkout, credentials, image build and
push, toolchain set-up and ``cdk synth`` (the sample's workflow; measure your own)."""
_GITHUB_JOB_MAX_MIN = 360  # GitHub-hosted runners end a job after 6 hours


def release_job_timeout_minutes(
    waits: Iterable[Duration], *, setup: Duration = RELEASE_JOB_SETUP
) -> int:
    """The CI job timeout (``timeout-minutes``) that outlasts the longest stack update.

    ``waits``: :func:`longest_stack_wait` of each service the job deploys
    (``FargateWebService.longest_stack_wait()``); services of one stack deploy in parallel,
    so the longest counts. Adds ``setup`` and rounds up to whole 5 minutes. A job killed
    during a deployment leaves the stack ``UPDATE_IN_PROGRESS`` (or in its rollback) and the
    next run fails until CloudFormation is done.
    """
    longest = max((w.to_seconds() for w in waits), default=0.0)
    minutes = math.ceil((longest + setup.to_seconds()) / 60)
    rounded = 5 * math.ceil(minutes / 5)
    return min(rounded, _GITHUB_JOB_MAX_MIN)


def _whole_minutes(value: Duration) -> int | None:
    secs = seconds(value)
    if secs is None or secs % 60:
        return None
    return int(secs // 60)


def _check_minutes(checks: Checks, prop: str, value: Duration, low: int, high: int) -> None:
    secs = seconds(value)
    if secs is None:
        return
    checks.check(
        secs % 60 == 0 and low * 60 <= secs <= high * 60,
        prop,
        f"{secs:g}s",
        f"whole minutes from {low} to {high}",
        f"Set {prop}=Duration.minutes(n) with {low} <= n <= {high}.",
    )


def _check_test_cidrs(checks: Checks, cidrs: Sequence[str] | None) -> None:
    if cidrs is None:
        return
    for cidr in cidrs:
        checks.check(
            is_token(cidr) or _is_ipv4_network(cidr),
            "test_listener_cidrs",
            cidr,
            "IPv4 CIDRs such as '10.0.0.0/16' (host bits zero)",
            "Write each entry as address/prefix, e.g. '203.0.113.0/24'.",
        )


def _is_ipv4_network(cidr: str) -> bool:
    if "/" not in cidr:
        return False
    try:
        return isinstance(ipaddress.ip_network(cidr, strict=True), ipaddress.IPv4Network)
    except ValueError:
        return False


def _check_test_port(checks: Checks, port: int) -> None:
    checks.int_range("test_listener_port", port, 1, 65535)
    if not is_token(port):
        checks.check(
            port not in (80, 443),
            "test_listener_port",
            port,
            "a port other than the production listeners' 80 and 443",
            "Use a separate port such as 8443 or 9443.",
        )


def deployment_controller(service: ecs.IService) -> str | None:
    """The deployment controller type of a service defined in this app: ``"ECS"`` when it sets
    none (the ECS default), None when it cannot be read (an imported service, a token)."""
    cfn = service.node.default_child
    if not isinstance(cfn, ecs.CfnService):
        return None
    controller = Stack.of(service).resolve(cfn.deployment_controller)
    if controller is None:
        return "ECS"
    kind = controller.get("type") if isinstance(controller, dict) else None
    return kind if isinstance(kind, str) and not is_token(kind) else None
