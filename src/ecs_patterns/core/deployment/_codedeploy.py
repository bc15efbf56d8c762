"""Blue/green through AWS CodeDeploy: the strategy, its traffic shift and its release timeout.

Long module: one deployment strategy is one module by design (adding a strategy touches one
module): the strategy, its traffic shift, its estimate and its wiring of CodeDeploy stay
together.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import Duration
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from constructs import Construct

from .._compliance import exempt
from .._errors import ConfigurationError, Problem
from .._exemptions import CODEDEPLOY_ROLE
from .._typecheck import require_types
from .._validation import Checks, seconds
from ._base import (
    DeploymentFacts,
    DeploymentPhases,
    DeploymentResources,
    DeploymentStrategy,
    DeploymentTimeEstimate,
    ServiceTargets,
    check_minutes,
    check_test_cidrs,
    check_test_port,
    register_target,
    subnet_ids,
    whole_minutes,
)

if TYPE_CHECKING:
    # Only annotations here; imported where used, so a rolling service does not load them.
    from aws_cdk import aws_codedeploy as codedeploy
    from aws_cdk import aws_lambda as lambda_

__all__ = [
    "CODEDEPLOY_HOOKS",
    "RELEASE_TIMEOUT_MAX",
    "CodeDeployBlueGreen",
    "CodeDeployTrafficShift",
    "ShiftKind",
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

RELEASE_TIMEOUT_MAX = Duration.minutes(55)
"""The longest ``cdk deploy`` wait for one CodeDeploy deployment, and ``CodeDeployRelease``'s
default and maximum ``timeout``. CloudFormation waits at most 3600 s for a custom resource
(``ServiceTimeout`` 1 to 3600); the provider must give up first, with 5 minutes to spare, so
that the stack gets the provider's "timed out" reason rather than CloudFormation's own."""
_RELEASE_MARGIN_MIN = 15
_RELEASE_MIN_MIN = 30

_MINUTES_5 = Duration.minutes(5)
_ZERO = Duration.seconds(0)
_MAX_WAIT_MIN = 2880  # CodeDeploy: termination and ready waits up to 2 days
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
        """``percent`` every ``interval``. Default 10 % every minute, AWS's predefined
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
            minutes = whole_minutes(self.interval)
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
        minutes = whole_minutes(self.interval)
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
class CodeDeployBlueGreen(DeploymentStrategy):
    """Blue/green through AWS CodeDeploy.

    The service gets the ``CODE_DEPLOY`` controller, a second (green) target group with the
    same health check, and a test listener; an ``EcsApplication`` and an ``EcsDeploymentGroup``
    roll back automatically on failure, on stop and when a rollback alarm fires (add
    :class:`ServiceMonitoring`'s alarms with ``MonitoringProps(deployment_group=...,
    deployment_alarm_rollback=True)``). On ``cdk deploy``, a custom resource creates a
    CodeDeploy deployment for the new task definition revision and waits for it; a failed
    deployment fails the stack update (see docs/deployment-strategies.md).

    Fixed once the service exists: CloudFormation updates the ECS service before the next
    deployment runs, and ECS rejects network-configuration changes on a ``CODE_DEPLOY`` service
    ("Unable to update network parameters on services with a CODE_DEPLOY deployment
    controller"), while a capacity provider strategy change needs a forced new deployment,
    which ``CODE_DEPLOY`` does not allow. So ``capacity``, the subnets and the security groups
    (and probably ``enable_execute_command`` and the platform version) cannot be changed in
    place: changing them needs a new service.

    Attributes:
        traffic_shift: :class:`CodeDeployTrafficShift`. Default linear 10 % every minute
            (AWS's predefined ``ECSLinear10PercentEvery1Minutes``): a bad release
            reaches 10 % of the users first. It does not give the alarms a chance per step: a
            3-of-3 one-minute alarm needs 3 breaching minutes plus 1 to 2 minutes of metric
            delivery and evaluation, so it fires about 4 to 5 minutes after a bad release starts
            taking traffic, by when about half the traffic has moved; the rollback then happens
            during the remaining steps or the ``termination_wait``, with blue still running.
        test_listener_port: Port of the test listener, which serves the green tasks before
            production traffic moves (same protocol and certificate as production; clients:
            ``test_listener_cidrs``). Default 8443. 1 to 65535, not 80 or 443.
        termination_wait: How long the blue tasks keep running after production traffic has
            moved, ready for an immediate rollback; alarms still roll back during it. Default
            5 minutes: long enough for a 3-of-3 one-minute alarm to fire. CodeDeploy reports
            success only after it, so ``cdk deploy`` waits for it too. Whole minutes from 0.
            CodeDeploy accepts up to 2880, but ``cdk deploy`` waits for the whole deployment
            through a custom resource (at most 55 minutes, :data:`RELEASE_TIMEOUT_MAX`), so the
            estimate's total, this wait included, must fit ``release_timeout`` (by default 55
            minutes less a 15-minute margin): with the other defaults about 28 minutes at most
            (43 with ``release_timeout=Duration.minutes(55)``). Longer values are rejected by
            :class:`WebServiceProps`.
        deployment_ready_wait: 0 (default) continues to test traffic as soon as the green
            tasks are healthy (``CONTINUE_DEPLOYMENT``): no person has to approve. A positive
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
        check_test_port(checks, self.test_listener_port)
        check_test_cidrs(checks, self.test_listener_cidrs)
        checks.int_range(
            "release_reserved_concurrency",
            self.release_reserved_concurrency,
            1,
            1000,
            "Pass 1 (one release at a time), or leave it None to reserve nothing.",
        )
        check_minutes(checks, "termination_wait", self.termination_wait, 0, _MAX_WAIT_MIN)
        check_minutes(checks, "deployment_ready_wait", self.deployment_ready_wait, 0, _MAX_WAIT_MIN)
        for name in self.hooks:
            checks.check(
                name in CODEDEPLOY_HOOKS,
                "hooks",
                name,
                "AppSpec ECS hook names: " + ", ".join(CODEDEPLOY_HOOKS),
                "Use one of the ECS hook names, e.g. 'AfterAllowTestTraffic'.",
            )
        if self.release_timeout is not None:
            check_minutes(
                checks,
                "release_timeout",
                self.release_timeout,
                5,
                int(RELEASE_TIMEOUT_MAX.to_minutes()),
            )
        checks.done()

    @property
    def kind(self) -> str:
        return "CODE_DEPLOY"

    @property
    def controller(self) -> ecs.DeploymentControllerType:
        return ecs.DeploymentControllerType.CODE_DEPLOY

    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        # The circuit breaker needs the ECS controller; CodeDeploy rolls back itself.
        return None

    @property
    def shared_listener_refusal(self) -> str | None:
        """CodeDeploy cannot deploy on a shared listener safely: a deployment group names
        listeners, not rules (``TargetGroupPairInfo``); a deployment rewrites the listener's
        rules and default action that forward to the group's target groups; and CloudFormation
        and aws-cdk model listener-level deployment groups only (``EcsDeploymentGroup``). Every
        service's deployment would act on the whole shared listener."""
        return (
            "no CodeDeploy blue/green on a shared ingress: a CodeDeploy deployment group names "
            "listeners, not listener rules (TargetGroupPairInfo), and a deployment re-points "
            "what forwards to its target groups on the whole listener, so one service's "
            "deployment would act on a listener every other service shares"
        )

    @property
    def needs_green_target_group(self) -> bool:
        return True

    def phases(self) -> DeploymentPhases:
        return DeploymentPhases(
            ready_wait_s=seconds(self.deployment_ready_wait) or 0.0,
            traffic_shift_s=self.traffic_shift.shift_seconds,
            bake_s=seconds(self.termination_wait) or 0.0,
        )

    def check(self, checks: Checks, facts: DeploymentFacts) -> None:
        """Besides request-count scaling: no Service Connect (it needs the ECS controller),
        and an estimate that ``cdk deploy`` can wait for (:func:`release_timeout`)."""
        super().check(checks, facts)
        checks.check(
            not facts.service_connect,
            "service_connect",
            "ServiceConnectOptions",
            "no Service Connect with deployment=CodeDeployBlueGreen (Service Connect needs "
            "the ECS deployment controller)",
            "Use deployment=EcsNativeBlueGreen() or Rolling() with Service Connect, or drop "
            "service_connect.",
        )
        total = self.estimate(facts.timing).total_s
        given = seconds(self.release_timeout) if self.release_timeout is not None else None
        if self.release_timeout is None:
            limit = float(RELEASE_TIMEOUT_MAX.to_seconds()) - 15 * 60
            checks.check(
                total <= limit,
                "deployment",
                f"CodeDeployBlueGreen estimated at {total / 60:.1f} min",
                f"an estimate of at most {limit / 60:g} min, so `cdk deploy` can wait for the "
                f"deployment ({RELEASE_TIMEOUT_MAX.to_minutes():g} min at most) with a 15-min "
                "margin",
                "Shorten traffic_shift, termination_wait or deployment_ready_wait, or set "
                f"release_timeout explicitly (at most {RELEASE_TIMEOUT_MAX.to_minutes():g} min).",
            )
        elif given is not None:
            # An explicit release_timeout drops the margin, never the wait itself: a release
            # whose estimate exceeds it would time out and roll back every successful release.
            checks.check(
                total <= given,
                "deployment",
                f"CodeDeployBlueGreen estimated at {total / 60:.1f} min with release_timeout "
                f"{given / 60:g} min",
                "an estimated deployment no longer than release_timeout (at most "
                f"{RELEASE_TIMEOUT_MAX.to_minutes():g} min, the longest a custom resource can "
                "wait)",
                "Shorten traffic_shift, termination_wait or deployment_ready_wait, or raise "
                "release_timeout.",
            )

    def attach(self, scope: Construct, targets: ServiceTargets) -> DeploymentResources:
        """Register the blue target group; create the ``EcsApplication``, the deployment
        configuration and group, the hooks' report permission and the release custom resource
        (``targets.release``) that rolls each new revision through CodeDeploy."""
        from aws_cdk import aws_codedeploy as codedeploy

        if targets.release is None:
            raise ConfigurationError(
                type(scope).__name__,
                [
                    Problem(
                        prop="deployment",
                        value="CodeDeployBlueGreen",
                        allowed="a strategy this workload can release with (it cannot build "
                        "the CodeDeploy release custom resource)",
                        fix="Use deployment=EcsNativeBlueGreen() or Rolling().",
                    )
                ],
            )
        assert targets.target_group is not None
        assert targets.listener is not None
        assert targets.green_target_group is not None
        assert targets.test_listener is not None
        assert targets.container_port is not None
        register_target(targets)
        application = codedeploy.EcsApplication(scope, "Application")
        config = self.traffic_shift.deployment_config(scope, "DeploymentConfig")
        group = codedeploy.EcsDeploymentGroup(
            scope,
            "DeploymentGroup",
            application=application,
            service=targets.service,
            deployment_config=config,
            blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                blue_target_group=targets.target_group,
                green_target_group=targets.green_target_group,
                listener=targets.listener,
                test_listener=targets.test_listener,
                termination_wait_time=self.termination_wait,
                # aws-cdk-lib writes STOP_DEPLOYMENT for any Duration given, even 0 (which
                # would stop every deployment at once): None gives CONTINUE_DEPLOYMENT, wait 0.
                deployment_approval_wait_time=self.deployment_ready_wait
                if seconds(self.deployment_ready_wait) != 0
                else None,
            ),
            # deployment_in_alarm is left to CDK: on as soon as an alarm is added
            # (ServiceMonitoring with deployment_group=...), and CDK rejects it without one.
            auto_rollback=codedeploy.AutoRollbackConfig(
                failed_deployment=True, stopped_deployment=True
            ),
        )
        exempt(group.role, CODEDEPLOY_ROLE)
        # The AppSpec carries the service's network settings and capacity provider strategy
        # (CodeDeploy drops a strategy the AppSpec omits, so Fargate Spot survives).
        release = targets.release()(
            scope,
            "Release",
            deployment_group=group,
            service=targets.service,
            task_definition=targets.task_definition,
            container_name=targets.container_name,
            container_port=targets.container_port,
            capacity_provider_strategies=targets.capacity.to_cdk(),
            subnet_ids=subnet_ids(targets),
            security_group_ids=[sg.security_group_id for sg in targets.security_groups],
            assign_public_ip=False,
            hooks=self.hooks,
            timeout=release_timeout(self, self.estimate(targets.timing)),
            vpc=targets.vpc,
            log_key=targets.key,
            log_retention=targets.log_retention,
            log_removal_policy=targets.log_removal_policy,
            scalable_target=targets.scalable_target,
            reserved_concurrency=self.release_reserved_concurrency,
        )
        self._allow_hook_reports(scope, group)
        return DeploymentResources(
            application=application,
            deployment_group=group,
            deployment_config=config,
            release=release,
        )

    @property
    def test_listener_clients(self) -> Sequence[str] | None:
        return self.test_listener_cidrs

    def longest_stack_wait(self, estimate: DeploymentTimeEstimate) -> Duration:
        """:func:`release_timeout` (the custom resource gives up then) plus the estimate's total
        for the stack rollback, which stops the deployment with rollback and waits for
        CodeDeploy to move traffic back and end."""
        total = math.ceil(estimate.total_s)
        return Duration.seconds(release_timeout(self, estimate).to_seconds() + total)

    def _allow_hook_reports(self, scope: Construct, group: codedeploy.EcsDeploymentGroup) -> None:
        """Let each hook function report its result on this deployment group only.

        A hook ends by calling ``codedeploy:PutLifecycleEventHookExecutionStatus``; without it
        CodeDeploy waits for the hook's timeout and fails. Imported functions (no role known
        here) must be granted by their owner.
        """
        roles = {id(fn.role): fn.role for fn in self.hooks.values() if fn.role is not None}
        if not roles:
            return
        iam.ManagedPolicy(
            scope,
            "HookReportPolicy",
            description="AppSpec hook functions report their result to this deployment group",
            roles=list(roles.values()),
            statements=[
                iam.PolicyStatement(
                    actions=["codedeploy:PutLifecycleEventHookExecutionStatus"],
                    resources=[group.deployment_group_arn],
                )
            ],
        )


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
