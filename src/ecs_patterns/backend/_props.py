"""Props of BackendService: Service Connect options composed with the core container, task,
scaling and placement structs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_servicediscovery as servicediscovery

from ..cluster import FargateCluster
from ..core._capacity import CapacityStrategy
from ..core._option_checks import check_desired_count, check_exec, check_task_fits
from ..core._options import ContainerOptions, TaskOptions
from ..core._scaling import MAX_TASKS, PlacementOptions, ScalingOptions, desired_count_at_creation
from ..core._service_connect import check_dns_name
from ..core._typecheck import require_types
from ..core._validation import Checks, check_tags, is_token, seconds
from ..core.deployment import DeploymentFacts, DeploymentStrategy, HealthTiming, Rolling

__all__ = [
    "BACKEND_CAPACITY",
    "DEFAULT_BACKEND_PORT",
    "BackendServiceProps",
    "ServiceConnectServerOptions",
]

DEFAULT_BACKEND_PORT = 8080
"""The app port of a backend whose ContainerOptions name none: an unprivileged port, so the
app runs as a non-root user."""
BACKEND_CAPACITY = CapacityStrategy()
"""A backend's default capacity: the first task on regular Fargate, further tasks 1:3 on
Fargate and Fargate Spot. Spot is the cheaper default; the on-demand base keeps the backend
reachable while Spot capacity is reclaimed."""

# ECS port mapping names: lower-case letters, digits, '-' and '_', not starting with '-'.
_PORT_NAME_RE = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,63}$")
_MAX_TIMEOUT_S = 2_147_483_647  # ECS API TimeoutConfiguration: 0 to 2^31 - 1 seconds
_SECONDS_15 = Duration.seconds(15)
_MINUTES_5 = Duration.minutes(5)


@dataclass(frozen=True, kw_only=True)
class ServiceConnectServerOptions:
    """How clients reach a :class:`BackendService` through Service Connect.

    Clients call ``http://<dns_name>:<port>``; with the defaults a backend built as
    ``BackendService(stack, "Orders", ...)`` answers at ``http://orders:8080``.
    ``ServiceConnectServerOptions(dns_name="orders.internal",
    per_request_timeout=Duration.seconds(5))``
    """

    namespace: str | None = None
    """Name or ARN of the AWS Cloud Map namespace the backend and its clients share. Default:
    the cluster's default namespace; when the cluster has none, an HTTP namespace (named after
    the cluster's path, unique in the account) is created as its default, so every backend and
    client of the cluster finds the others without configuration. Service Connect needs no
    Route 53 zone."""
    port_name: str = "http"
    """Name of the container's port mapping that Service Connect serves. Default ``http``.
    Lower-case letters, digits, ``-`` and ``_``, at most 64 characters."""
    discovery_name: str | None = None
    """Name of the Cloud Map service Service Connect registers. Default: the construct id in
    lower case (``Orders`` becomes ``orders``), unique in the namespace as long as the ids
    are. A lower-case DNS name."""
    dns_name: str | None = None
    """The client alias: the host name clients call. Default: ``discovery_name``. A lower-case
    DNS name."""
    port: int | None = None
    """The client alias port. Default: the container port. 1 to 65535."""
    per_request_timeout: Duration = _SECONDS_15
    """How long the Service Connect proxy waits for the backend's response to one request
    before it answers 504 to the client. Default 15 s, set explicitly: the API documents no
    default (the proxy, Envoy, uses 15 s for a route), and a stated value is one a team can
    reason about and change. Whole seconds from 0 to 2147483647; 0 turns the timeout off
    (not recommended: a hung backend then holds every caller's request)."""
    idle_timeout: Duration = _MINUTES_5
    """How long a connection may stay idle before the proxy closes it. Default 5 min, Service
    Connect's documented default for HTTP, set explicitly. Whole seconds from 0 to 2147483647;
    0 turns it off."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ServiceConnectServerOptions")
        if self.namespace is not None and not is_token(self.namespace):
            checks.check(
                bool(self.namespace.strip()),
                "namespace",
                self.namespace,
                "the name or ARN of a Cloud Map namespace, or None for the cluster's",
                "Pass namespace=http_namespace.namespace_arn, or leave it unset.",
            )
        if not is_token(self.port_name):
            checks.check(
                bool(_PORT_NAME_RE.match(self.port_name)),
                "port_name",
                self.port_name,
                "1 to 64 lower-case letters, digits, '-' and '_', not starting with '-'",
                "Use a name such as 'http' or 'api'.",
            )
        for name in ("discovery_name", "dns_name"):
            check_dns_name(checks, name, getattr(self, name), "orders")
        checks.int_range("port", self.port, 1, 65535)
        for name in ("per_request_timeout", "idle_timeout"):
            value = seconds(getattr(self, name))
            if value is None:
                continue
            checks.check(
                value == int(value) and 0 <= value <= _MAX_TIMEOUT_S,
                name,
                f"{value:g}s",
                f"whole seconds from 0 to {_MAX_TIMEOUT_S}",
                f"Set {name}=Duration.seconds(n).",
            )
        checks.done()


def _backend_scaling() -> ScalingOptions:
    return ScalingOptions(memory_target_percent=70)


@dataclass(frozen=True, kw_only=True)
class BackendServiceProps:
    """Props of :class:`BackendService`. Only ``container`` is required.

    ``BackendServiceProps(container=ContainerOptions(image=image))``
    """

    container: ContainerOptions
    """The app container. Its ``port`` defaults to 8080 (the port Service Connect serves,
    named ``service_connect.port_name``), and its default health check is an HTTP request to
    ``health_check.path`` on that port."""
    task: TaskOptions = field(default_factory=TaskOptions)
    """Task size, architecture, storage and tracing. Default: :class:`TaskOptions` (256 CPU
    units, 512 MiB, X86_64)."""
    scaling: ScalingOptions = field(default_factory=_backend_scaling)
    """Target tracking between ``min_capacity`` and ``max_capacity``. Default:
    :class:`ScalingOptions` with ``memory_target_percent=70``: 2 to 10 tasks tracking 50 %
    CPU and 70 % memory (a backend has no load balancer, so no request-count scaling; an app
    whose memory grows with load scales before tasks are stopped out of memory). A backend
    keeps ``min_capacity`` at 1 or more: CPU and memory have no data points without tasks, so
    target tracking would never start the first one."""
    placement: PlacementOptions = field(default_factory=PlacementOptions)
    """Capacity, service name, initial count and ECS Exec. Its ``capacity`` defaults, for a
    backend, to :data:`BACKEND_CAPACITY` (the first task on Fargate, further tasks 1:3 on
    Fargate and Fargate Spot) rather than the cluster's strategy."""
    service_connect: ServiceConnectServerOptions = field(
        default_factory=ServiceConnectServerOptions
    )
    """How clients reach the backend. Default: :class:`ServiceConnectServerOptions` (the
    cluster's namespace, the construct id as name, the container port, 15 s per request)."""
    deployment: DeploymentStrategy = field(default_factory=Rolling)
    """How a new image is rolled out. Default :class:`Rolling` (100/200 %, the circuit breaker
    with rollback). :class:`EcsNativeBlueGreen` (BLUE_GREEN, LINEAR or CANARY) shifts traffic
    through Service Connect: the new tasks first answer requests carrying the header
    ``x-amzn-ecs-blue-green-test``, then production traffic moves to them; its
    ``test_listener_port`` does not apply. :class:`CodeDeployBlueGreen` is refused: it needs a
    load balancer and its controller does not support Service Connect."""
    cloud_map_namespace: servicediscovery.INamespace | None = None
    """A private DNS namespace to register the tasks in as well (A records named
    ``discovery_name``), for clients outside Service Connect: Lambda functions, EC2
    instances, tasks started with RunTask. Default: none, Service Connect only. Use a
    namespace other than the Service Connect one: both would create a Cloud Map service of the
    same name."""
    cluster: FargateCluster | None = None
    """The cluster to run in, usually the one its clients use. Default: a new
    :class:`FargateCluster` (and VPC)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every taggable resource of the backend (the service, task definition, log
    group, roles, security group...). Default: no tags. Keys 1-128 characters, not starting
    with ``aws:``; values at most 256."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("BackendServiceProps")
        check_task_fits(checks, self.task, self.container)
        check_exec(checks, self.placement, self.container)
        checks.int_range(
            "scaling.min_capacity",
            self.scaling.min_capacity,
            1,
            MAX_TASKS,
            "Keep min_capacity at 1 or more: CPU and memory target tracking cannot start a "
            "first task, so a backend at 0 tasks would stay unreachable.",
        )
        check_desired_count(
            checks, self.placement, self.scaling.min_capacity, self.scaling.max_capacity
        )
        self.deployment.check(
            checks,
            DeploymentFacts(timing=self.health_timing, service_connect=True, load_balancer=False),
        )
        if self.cloud_map_namespace is not None:
            checks.check(
                self.cloud_map_namespace.type != servicediscovery.NamespaceType.HTTP,
                "cloud_map_namespace",
                self.cloud_map_namespace.node.path,
                "a DNS namespace (private or public): an HTTP namespace holds no DNS records",
                "Pass a servicediscovery.PrivateDnsNamespace, or drop cloud_map_namespace "
                "(Service Connect clients need none).",
            )
        check_tags(checks, "tags", self.tags)
        checks.done()

    @property
    def port(self) -> int:
        """The app port: ``container.port``, or 8080 when it is not set."""
        return self.container.port if self.container.port is not None else DEFAULT_BACKEND_PORT

    @property
    def capacity(self) -> CapacityStrategy:
        """The capacity strategy the service uses."""
        capacity = self.placement.capacity
        return capacity if capacity is not None else BACKEND_CAPACITY

    @property
    def effective_desired_count(self) -> int:
        """``placement.desired_count``, or ``scaling.min_capacity`` when it is not set."""
        return desired_count_at_creation(self.placement, self.scaling.min_capacity)

    @property
    def health_timing(self) -> HealthTiming:
        """The timings a deployment estimate reads: without a load balancer, the container
        health check replaces the target group's."""
        health = self.container.health_check
        return HealthTiming(
            target_health_check_interval=health.interval,
            target_healthy_threshold=1,
            deregistration_delay=Duration.seconds(0),
            health_check_grace_period=health.start_period,
            stop_timeout=self.container.stop_timeout,
        )
