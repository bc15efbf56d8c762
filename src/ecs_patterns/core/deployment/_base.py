"""What every deployment strategy answers, and the small records it is given.

A workload (``FargateWebService``, and any workload kind built on core) never asks which
strategy it has: it asks the strategy. Before synthesis the strategy checks its own prop
conflicts (:meth:`DeploymentStrategy.check` with :class:`DeploymentFacts`); the load balancer
asks whether it needs a green target group, a test listener and listener rules; the service
takes the ``ecs.FargateService`` arguments the strategy owns (:meth:`service_options`); once the
service and its scaling exist, :meth:`attach` wires the rest from :class:`ServiceTargets`; and
monitoring reads :attr:`kind` and :attr:`needs_green_target_group`.

The deployment-time estimate is pure arithmetic over the props (:class:`HealthTiming`) and the
strategy's own phases, so it is tested without synthesizing anything.

Long module: the contract every strategy implements and the records it receives, documented
member by member, plus the shared estimate; one place to read what a strategy answers.
"""

from __future__ import annotations

import abc
import ipaddress
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypedDict

from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from .._typecheck import require_types
from .._validation import Checks, is_token, seconds

if TYPE_CHECKING:
    # Only annotations here; imported where used, so a rolling service does not load them.
    from aws_cdk import RemovalPolicy
    from aws_cdk import aws_codedeploy as codedeploy
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_elasticloadbalancingv2 as elbv2
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs

    from .._capacity import CapacityStrategy

__all__ = [
    "RELEASE_JOB_SETUP",
    "TASK_START_ESTIMATE",
    "DeploymentFacts",
    "DeploymentPhases",
    "DeploymentResources",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "HealthTiming",
    "ReleaseFactory",
    "ServiceOptions",
    "ServiceTargets",
    "deployment_controller",
    "estimate_deployment_time",
    "longest_stack_wait",
    "release_job_timeout_minutes",
]

TASK_START_ESTIMATE = Duration.seconds(60)
"""Assumed time for Fargate to provision a task, pull a small image and start the app.

Not derived from props (it depends on image size, Spot capacity and the app's start-up): an
assumption of the estimate, stated so that teams can compare it with their own measurements.
"""


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
        strategy: "Rolling", "CodeDeployBlueGreen" or "EcsNativeBlueGreen/<STRATEGY>"
            (:attr:`DeploymentStrategy.name`).
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


@dataclass(frozen=True, kw_only=True)
class DeploymentPhases:
    """The phases of a deployment that depend on the strategy alone, in seconds (unresolved
    tokens count as 0): see :class:`DeploymentTimeEstimate` for what each one is."""

    ready_wait_s: float = 0.0
    traffic_shift_s: float = 0.0
    bake_s: float = 0.0


@dataclass(frozen=True, kw_only=True)
class DeploymentFacts:
    """What a workload's props tell its strategy, so that the strategy can check its own
    conflicts with them (:meth:`DeploymentStrategy.check`).

    Attributes:
        timing: The health and drain timings the deployment-time estimate reads.
        requests_per_target: The request-count scaling target, None without one.
        service_connect: Whether Service Connect is configured.
        load_balancer: Whether the workload has a load balancer (False for a backend reached
            through Service Connect only).
    """

    timing: HealthTiming
    requests_per_target: int | None = None
    service_connect: bool = False
    load_balancer: bool = True


class ServiceOptions(TypedDict, total=False):
    """The ``ecs.FargateService`` arguments a deployment strategy owns."""

    deployment_controller: ecs.DeploymentController
    circuit_breaker: ecs.DeploymentCircuitBreaker | None
    availability_zone_rebalancing: ecs.AvailabilityZoneRebalancing
    deployment_strategy: ecs.DeploymentStrategy | None
    bake_time: Duration | None
    linear_configuration: ecs.TrafficShiftConfig | None
    canary_configuration: ecs.TrafficShiftConfig | None


class ReleaseFactory(Protocol):
    """Builds the custom resource that rolls each new task definition revision through
    CodeDeploy on ``cdk deploy``: the signature of ``ecs_patterns.CodeDeployRelease``, which
    lives in its own construct family (core imports no family, so a workload hands it in)."""

    def __call__(
        self,
        scope: Construct,
        id: str,
        *,
        deployment_group: codedeploy.IEcsDeploymentGroup,
        service: ecs.FargateService,
        task_definition: ecs.TaskDefinition,
        container_name: str,
        container_port: int,
        capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy],
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        assign_public_ip: bool = ...,
        hooks: Mapping[str, lambda_.IFunction] | None = ...,
        timeout: Duration | None = ...,
        vpc: ec2.IVpc | None = ...,
        log_key: kms.IKey | None = ...,
        log_retention: logs.RetentionDays = ...,
        log_removal_policy: RemovalPolicy = ...,
        scalable_target: ecs.ScalableTaskCount | None = ...,
        reserved_concurrency: int | None = ...,
    ) -> Construct: ...


@dataclass(frozen=True, kw_only=True)
class ServiceTargets:
    """What :meth:`DeploymentStrategy.attach` is given once the service and its scaling exist.

    The load-balancer fields are None for a workload without a load balancer (only
    :class:`Rolling` deploys one); the green target group, test listener and rules are there
    when the strategy asked for them.

    Attributes:
        service: The ``ecs.FargateService``.
        task_definition: Its task definition.
        container_name: The container the load balancer sends traffic to.
        container_port: That container's port, None without one.
        target_group: The production (blue) target group.
        listener: The production listener.
        green_target_group: The second target group (:attr:`needs_green_target_group`).
        test_listener: The test listener (:attr:`test_listener_port`).
        production_rule: The production listener's weighted rule (:attr:`shifts_listener_rules`).
        test_rule: The test listener's weighted rule (:attr:`shifts_listener_rules`).
        capacity: The service's capacity provider strategy.
        vpc: The service's VPC.
        subnets: The service's subnet selection (selected only by a strategy that needs the
            subnet ids, so other services pay no jsii round trips for it).
        security_groups: The service's security groups.
        key: The KMS key for the log groups the strategy creates.
        log_retention: Retention of those log groups.
        log_removal_policy: Removal policy of those log groups.
        scalable_target: The service's scalable task count.
        timing: The props' health and drain timings (for the estimate).
        release: Loads the release construct (``ecs_patterns.CodeDeployRelease``), for the
            strategies that build one; None when the workload cannot release through CodeDeploy.
    """

    service: ecs.FargateService
    task_definition: ecs.TaskDefinition
    container_name: str
    container_port: int | None = None
    target_group: elbv2.ApplicationTargetGroup | None = None
    listener: elbv2.ApplicationListener | None = None
    green_target_group: elbv2.ApplicationTargetGroup | None = None
    test_listener: elbv2.ApplicationListener | None = None
    production_rule: elbv2.ApplicationListenerRule | None = None
    test_rule: elbv2.ApplicationListenerRule | None = None
    capacity: CapacityStrategy
    vpc: ec2.IVpc
    subnets: ec2.SubnetSelection
    security_groups: Sequence[ec2.ISecurityGroup]
    key: kms.IKey
    log_retention: logs.RetentionDays
    log_removal_policy: RemovalPolicy
    scalable_target: ecs.ScalableTaskCount
    timing: HealthTiming
    release: Callable[[], ReleaseFactory] | None = None


@dataclass(frozen=True, kw_only=True)
class DeploymentResources:
    """What :meth:`DeploymentStrategy.attach` created that a workload exposes (None when the
    strategy creates no such thing)."""

    application: codedeploy.EcsApplication | None = None
    deployment_group: codedeploy.EcsDeploymentGroup | None = None
    deployment_config: codedeploy.IEcsDeploymentConfig | None = None
    release: Construct | None = None


class DeploymentStrategy(abc.ABC):
    """How a service rolls out a new task definition revision (a new image).

    The library's strategies are :class:`Rolling` (the default), :class:`CodeDeployBlueGreen`
    and :class:`EcsNativeBlueGreen`. Each answers the questions below itself, so a new strategy
    is one new subclass; the defaults here are those of a strategy run by the ECS deployment
    controller on one target group.
    """

    @property
    @abc.abstractmethod
    def kind(self) -> str:
        """How AWS names the strategy: the ECS deployment strategy (``ROLLING``,
        ``BLUE_GREEN``, ``LINEAR``, ``CANARY``) or the controller (``CODE_DEPLOY``)."""

    @property
    def name(self) -> str:
        """The strategy's name in :class:`DeploymentTimeEstimate` and messages."""
        return type(self).__name__

    @property
    def controller(self) -> ecs.DeploymentControllerType:
        """The service's deployment controller. Default ECS."""
        return ecs.DeploymentControllerType.ECS

    @abc.abstractmethod
    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        """The ECS deployment circuit breaker, or None for none (the only choice for a
        controller other than ECS)."""

    @property
    def needs_green_target_group(self) -> bool:
        """Whether the load balancer needs a second (green) target group with the same
        settings, which production alternates with the first. With one, the strategy also
        names a :attr:`test_listener_port`. Default False."""
        return False

    @property
    def test_listener_port(self) -> int | None:
        """Port of the test listener that serves the new tasks before production does, or
        None for no test listener. Default None."""
        return None

    @property
    def test_listener_clients(self) -> Sequence[str] | None:
        """IPv4 CIDRs the test listener admits as given by the user, or None for the default
        (production's clients unless production is open to anyone; then nobody). Default
        None."""
        return None

    @property
    def shifts_listener_rules(self) -> bool:
        """Whether traffic moves by rewriting listener *rules* (weighted forwards to blue and
        green, test traffic starting on blue) rather than the listeners' default actions
        (test traffic starting on green). Default False."""
        return False

    @property
    def shared_listener_refusal(self) -> str | None:
        """Why the strategy cannot deploy a service whose listener rule sits on a listener
        shared with other services (a shared ingress), or None when it can. Default None: a
        strategy that moves traffic within the service's own rule (or does not move it) shares
        listeners safely."""
        return None

    def service_options(self) -> ServiceOptions:
        """The ``ecs.FargateService`` arguments the strategy owns: the controller, the circuit
        breaker and AZ rebalancing. ECS rebalances tasks across AZs by replacing them, which it
        does for services it deploys itself; so it is on under the ECS controller only."""
        ecs_controller = self.controller is ecs.DeploymentControllerType.ECS
        return ServiceOptions(
            deployment_controller=ecs.DeploymentController(type=self.controller),
            circuit_breaker=self.circuit_breaker(),
            availability_zone_rebalancing=ecs.AvailabilityZoneRebalancing.ENABLED
            if ecs_controller
            else ecs.AvailabilityZoneRebalancing.DISABLED,
        )

    def check(self, checks: Checks, facts: DeploymentFacts) -> None:
        """Record the strategy's conflicts with the rest of the props in ``checks``.

        Default: a strategy that alternates production between two target groups rejects
        request-count scaling. ``scale_on_request_count`` tracks one target group, which reads
        0 once a deployment moves production to the other, so target tracking would scale in
        to ``min_capacity`` under full load.
        """
        if not self.needs_green_target_group:
            return
        checks.check(
            facts.requests_per_target is None,
            # Request-count scaling is a target-group metric: the field of TargetGroupOptions.
            "target_group.requests_per_target",
            facts.requests_per_target,
            f"no request-count scaling with deployment={type(self).__name__} (its "
            "ALBRequestCountPerTarget metric follows one target group, which serves no "
            "traffic after every other deployment)",
            "Drop requests_per_target and scale on cpu_target_percent / "
            "memory_target_percent, or use deployment=Rolling().",
        )

    def phases(self) -> DeploymentPhases:
        """The strategy's own phases of one deployment. Default: none (a rolling replace)."""
        return DeploymentPhases()

    def estimate(
        self, timing: HealthTiming, *, unhealthy_threshold: int = 3
    ) -> DeploymentTimeEstimate:
        """Estimate one successful deployment from the props' timings.

        Pure arithmetic over documented step counts (nothing is measured here): new tasks start
        (:data:`TASK_START_ESTIMATE`) and pass ``healthy_threshold`` target health checks;
        traffic moves in the strategy's steps; blue is kept for the bake time or termination
        wait; old tasks drain for the deregistration delay and get ``stop_timeout`` to exit.
        Unresolved tokens count as 0.
        """
        interval = seconds(timing.target_health_check_interval) or 0.0
        healthy = (
            timing.target_healthy_threshold if not is_token(timing.target_healthy_threshold) else 0
        )
        task_start = seconds(TASK_START_ESTIMATE) or 0.0
        stop = seconds(timing.stop_timeout) or 0.0
        grace = seconds(timing.health_check_grace_period) or 0.0
        phases = self.phases()
        return DeploymentTimeEstimate(
            strategy=self.name,
            start_s=task_start + interval * healthy,
            ready_wait_s=phases.ready_wait_s,
            traffic_shift_s=phases.traffic_shift_s,
            bake_s=phases.bake_s,
            drain_s=(seconds(timing.deregistration_delay) or 0.0) + stop,
            failure_detection_s=task_start + grace + interval * unhealthy_threshold,
        )

    def longest_stack_wait(self, estimate: DeploymentTimeEstimate) -> Duration:
        """The longest one stack update is expected to wait for a deployment under this
        strategy, a failed deployment and its rollback included (a job killed during either
        leaves the stack ``*_IN_PROGRESS`` for the next run).

        Default (ECS controller): the estimate's failure detection (a release whose tasks
        fail), then a whole deployment forward and a whole one back (the circuit breaker or an
        alarm rolls back by deploying the previous revision). An estimate over the props, not a
        guarantee: image pulls, Spot capacity and the app's start-up are assumptions
        (:data:`TASK_START_ESTIMATE`).
        """
        total = math.ceil(estimate.total_s)
        return Duration.seconds(math.ceil(estimate.failure_detection_s) + 2 * total)

    @abc.abstractmethod
    def attach(self, scope: Construct, targets: ServiceTargets) -> DeploymentResources:
        """Wire the strategy once the service exists: register the tasks with the load
        balancer and create what the strategy deploys through. ``scope`` owns what is created.
        """


def estimate_deployment_time(
    strategy: DeploymentStrategy, timing: HealthTiming, *, unhealthy_threshold: int = 3
) -> DeploymentTimeEstimate:
    """Estimate one successful deployment under ``strategy`` from the props' timings
    (:meth:`DeploymentStrategy.estimate`)."""
    return strategy.estimate(timing, unhealthy_threshold=unhealthy_threshold)


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


def register_target(targets: ServiceTargets) -> None:
    """Register the service's container in the production target group (when there is one):
    ECS (or CodeDeploy) keeps the target group's tasks current."""
    if targets.target_group is None:
        return
    targets.target_group.add_target(
        targets.service.load_balancer_target(
            container_name=targets.container_name, container_port=targets.container_port
        )
    )


def subnet_ids(targets: ServiceTargets) -> list[str]:
    """The ids of the service's subnets in its VPC."""
    selection = targets.subnets
    return targets.vpc.select_subnets(
        availability_zones=selection.availability_zones,
        one_per_az=selection.one_per_az,
        subnet_filters=selection.subnet_filters,
        subnet_group_name=selection.subnet_group_name,
        subnets=selection.subnets,
        subnet_type=selection.subnet_type,
    ).subnet_ids


def whole_minutes(value: Duration) -> int | None:
    """Whole minutes of a resolved duration, None for a token or a fraction of a minute."""
    secs = seconds(value)
    if secs is None or secs % 60:
        return None
    return int(secs // 60)


def check_minutes(checks: Checks, prop: str, value: Duration, low: int, high: int) -> None:
    """``value`` is whole minutes from ``low`` to ``high`` (a token is not judged)."""
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


RELEASE_JOB_SETUP = Duration.minutes(20)
"""What a release job spends besides the stack update: checkout, credentials, image build and
push, toolchain set-up and ``cdk synth`` (the sample's workflow; measure your own)."""
_GITHUB_JOB_MAX_MIN = 360  # GitHub-hosted runners end a job after 6 hours


def longest_stack_wait(strategy: DeploymentStrategy, estimate: DeploymentTimeEstimate) -> Duration:
    """The longest one stack update is expected to wait for a deployment under ``strategy``
    (:meth:`DeploymentStrategy.longest_stack_wait`), a failed one and its rollback included."""
    return strategy.longest_stack_wait(estimate)


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


def check_test_cidrs(checks: Checks, cidrs: Sequence[str] | None) -> None:
    """Test listener clients: IPv4 CIDRs with the host bits zero (tokens pass)."""
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


def check_test_port(checks: Checks, port: int) -> None:
    """A test listener port: 1 to 65535 and not a production listener's 80 or 443."""
    checks.int_range("test_listener_port", port, 1, 65535)
    if not is_token(port):
        checks.check(
            port not in (80, 443),
            "test_listener_port",
            port,
            "a port other than the production listeners' 80 and 443",
            "Use a separate port such as 8443 or 9443.",
        )
