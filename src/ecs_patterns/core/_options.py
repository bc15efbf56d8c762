"""Option structs of the hardened container and task, shared by every workload kind.

Each struct is frozen and keyword-only and validates its own fields when it is created; rules
that relate two structs (tracing needs task room beside the app, ...) are the pure functions of
``_option_checks``, called by each workload's props and by :class:`HardenedTask`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs

from ._fargate import check_task_size
from ._limits import looks_secret
from ._typecheck import require_types
from ._validation import Checks, is_token, seconds

__all__ = [
    "DEFAULT_LOG_BUFFER_SIZE",
    "OTEL_COLLECTOR_CPU",
    "OTEL_COLLECTOR_IMAGE",
    "OTEL_COLLECTOR_MEMORY_MIB",
    "ContainerOptions",
    "HealthCheck",
    "ImageRepository",
    "LoggingOptions",
    "TaskOptions",
    "buffer_size_bytes",
    "check_timeout_below_interval",
]

OTEL_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"
"""The AWS Distro for OpenTelemetry collector image of the tracing sidecar (a pinned tag)."""
OTEL_COLLECTOR_CPU = 256
"""Hard cpu limit of the tracing sidecar, in CPU units, so that it cannot starve the app."""
OTEL_COLLECTOR_MEMORY_MIB = 512
"""Hard memory limit of the tracing sidecar, in MiB (so it cannot starve the app)."""

DEFAULT_LOG_BUFFER_SIZE = "25m"
"""awslogs non-blocking buffer: enough for up to 5 MB/s of logs (AWS containers blog)."""
_BUFFER_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def buffer_size_bytes(size: str) -> int | None:
    """``"25m"`` -> 26214400; None for anything that is not a whole number above 0 and k/m/g."""
    match = re.fullmatch(r"([1-9][0-9]{0,6})([kmg])", size)
    return int(match[1]) * _BUFFER_UNITS[match[2]] if match else None


_RETENTION_DAYS = {r.value for r in logs.RetentionDays} - {logs.RetentionDays.INFINITE.value}
# The path is interpolated into a CMD-SHELL health check: keep it to characters a shell and an
# ALB health check both take literally.
_PATH_RE = re.compile(r"^/[A-Za-z0-9/._~-]{0,1023}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTAINER_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_MAX_TASK_MEMORY_MIB = 122880  # Fargate's largest task size
# Duration defaults (immutable, so one shared instance per value is safe).
_SECONDS_5 = Duration.seconds(5)
_SECONDS_30 = Duration.seconds(30)
_SECONDS_60 = Duration.seconds(60)


@runtime_checkable
class ImageRepository(Protocol):
    """What the hardened task needs of an image repository: its URI and a pull grant.

    Every ``ecr.IRepository`` has both (``ecr.Repository``, ``Repository.from_repository_name``
    ...), and so has the library's ``EcrRepository``, whose ``grant_pull`` also grants
    decryption with its customer-managed KMS key when it has one.
    """

    @property
    def repository_uri(self) -> str: ...

    def grant_pull(self, grantee: iam.IGrantable) -> iam.Grant: ...


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    """The app container's health check; ECS replaces a task whose check keeps failing.

    ``HealthCheck(command=["CMD", "/app/healthcheck"], start_period=Duration.seconds(120))``
    """

    command: Sequence[str] | None = None
    """The check command: ``["CMD", executable, args...]`` or ``["CMD-SHELL", "command"]``.
    Default, for workloads with a port: a ``CMD-SHELL`` command that GETs
    ``http://localhost:PORT<path>`` (``https://`` for a web service with
    ``TargetGroupOptions(protocol=HTTPS)``) with the first of curl, wget and python3 the image
    has, so Amazon Linux, Debian/Ubuntu with curl, Alpine (BusyBox wget) and Python images (slim
    included) work unchanged. A workload without a port (a worker) must give one, and so must
    images without a shell (distroless, scratch) or without any of the three (e.g.
    ``node:*-slim``): ``["CMD", "/app/healthcheck"]`` or ``["CMD", "node", "healthcheck.js"]``;
    README "User and health check for common base images". The check is always on."""
    path: str = "/health"
    """Path answered with 2xx when the app is healthy: used by the default command and, for a
    web service, by the load balancer's target group. Default ``"/health"``. An absolute path of
    letters, digits and ``/ . _ ~ -``, at most 1024 characters (no query, no shell characters,
    as it is put into a shell command)."""
    interval: Duration = _SECONDS_30
    """Time between checks. Default 30 s, the ECS default. 5 to 300 s, a literal: aws-cdk-lib
    checks the range when it renders the template."""
    timeout: Duration = _SECONDS_5
    """Time a check may take. Default 5 s. 2 to 120 s and below ``interval``, a literal."""
    retries: int = 3
    """Consecutive failures before the container counts as unhealthy. Default 3, the ECS
    default. 1 to 10."""
    start_period: Duration = _SECONDS_60
    """Grace after start before failures count. Default 60 s, long enough for a JVM or a
    migration at start. 0 to 300 s."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("HealthCheck")
        if not is_token(self.path):
            checks.check(
                bool(_PATH_RE.match(self.path)),
                "path",
                self.path,
                "an absolute path of letters, digits and / . _ ~ - (no query, no shell "
                "characters), at most 1024 characters",
                "Use a plain path such as '/health'.",
            )
        if self.command is not None:
            command = list(self.command)
            checks.check(
                len(command) >= 2 and command[0] in ("CMD", "CMD-SHELL"),
                "command",
                command,
                "['CMD', executable, args...] or ['CMD-SHELL', 'shell command']",
                "Start the command with 'CMD' or 'CMD-SHELL', e.g. ['CMD', '/app/healthcheck'].",
            )
        for name in ("interval", "timeout"):
            checks.known(
                name,
                getattr(self, name),
                "aws-cdk-lib checks the container health check's range when it renders the "
                "template",
            )
        checks.duration_range("interval", self.interval, 5, 300)
        checks.duration_range("timeout", self.timeout, 2, 120)
        checks.int_range("retries", self.retries, 1, 10)
        checks.duration_range("start_period", self.start_period, 0, 300)
        check_timeout_below_interval(checks, "timeout", self.timeout, "interval", self.interval)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class LoggingOptions:
    """Retention, removal and delivery of a workload's KMS-encrypted logs.

    ``LoggingOptions(retention=logs.RetentionDays.THREE_MONTHS)``
    """

    retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR
    """How long log events are kept. Default one year (PCI DSS 10.7 keeps audit trails a year;
    the same as the cluster's logs). Any finite ``logs.RetentionDays``; never infinite."""
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    """What ``cdk destroy`` does to the log group. Default RETAIN: logs are evidence."""
    driver_mode: ecs.AwsLogDriverMode = ecs.AwsLogDriverMode.NON_BLOCKING
    """awslogs delivery mode of the app container, the tracing sidecar and Service Connect's
    proxy. Default NON_BLOCKING (ECS's own default since 25 June 2025, chosen here explicitly):
    a CloudWatch Logs slowdown never stalls the app's stdout writes, which in BLOCKING mode can
    block request threads until health checks fail. The price: when the buffer is full, new log
    lines are dropped silently. BLOCKING for logs that must never be lost (audit trails),
    accepting that risk."""
    max_buffer_size: str | None = None
    """Size of the in-memory buffer of NON_BLOCKING mode, as ``"25m"`` (a whole number and
    ``k``, ``m`` or ``g``), a literal. Default ``"25m"``: the AWS containers blog "Preventing
    log loss with non-blocking mode" measured that up to 2 MB/s of logs needs at least 4 MiB and
    up to 5 MB/s 25 MiB (ECS's default is 10 MiB); the buffer counts against the task's memory
    only while it fills. Only with NON_BLOCKING."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("LoggingOptions")
        checks.check(
            getattr(self.retention, "value", None) in _RETENTION_DAYS,
            "retention",
            self.retention,
            "a finite logs.RetentionDays",
            "Set retention=logs.RetentionDays.ONE_YEAR or another finite period.",
        )
        size = self.max_buffer_size
        checks.known(
            "max_buffer_size", size, "aws-cdk-lib renders the buffer size as a number of bytes"
        )
        if size is not None and not is_token(size):
            checks.check(
                buffer_size_bytes(size) is not None,
                "max_buffer_size",
                size,
                "a whole number above 0 followed by k, m or g, e.g. '25m'",
                "Write the size like '4m' or '25m'.",
            )
        if size is not None:
            checks.check(
                self.driver_mode == ecs.AwsLogDriverMode.NON_BLOCKING,
                "max_buffer_size",
                size,
                "only with driver_mode=NON_BLOCKING (a BLOCKING driver has no buffer)",
                "Drop max_buffer_size, or set driver_mode=AwsLogDriverMode.NON_BLOCKING.",
            )
        checks.done()


@dataclass(frozen=True, kw_only=True)
class ContainerOptions:
    """The app container: image, port, health check, user, environment, secrets and logs.

    ``ContainerOptions(image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"))``
    or ``ContainerOptions(repository=repository, image_tag="prod-1a2b3c4")``.
    """

    image: ecs.ContainerImage | None = None
    """The app image, e.g. ``ecs.ContainerImage.from_registry(...)``. Default: not set, and
    ``repository`` + ``image_tag`` name the image instead (exactly one of the two ways)."""
    repository: ecr.IRepository | ImageRepository | None = None
    """The repository to run from: an ``ecr.IRepository`` (including one imported with
    ``ecr.Repository.from_repository_name``) or an ``EcrRepository``. The execution role may
    pull from this repository only (and decrypt with an ``EcrRepository``'s customer-managed
    key). Default: not set, and ``image`` names the image instead."""
    image_tag: str | None = None
    """Tag in ``repository``, e.g. ``prod-<git sha>``, usually from context or a parameter
    because the pipeline rolls it. Required with ``repository``, only with it. ``latest`` is
    refused: it does not say which image runs, so rollbacks and audits are not reproducible."""
    name: str = "app"
    """Name of the app container. Default ``"app"``. 1-255 letters, digits, ``_`` and ``-``."""
    port: int | None = None
    """Port the app listens on, mapped as ``http``. Default: the workload kind's default, 8080
    for a web service (an unprivileged port, so the app can run as a non-root user); no port
    for a workload nobody connects to (a worker). 1 to 65535, a literal: security-group rules
    and health checks are built from it, and the compliance packs cannot judge a port known
    only at deploy time."""
    health_check: HealthCheck = field(default_factory=HealthCheck)
    """The container health check. Default: :class:`HealthCheck` with its defaults (an HTTP
    check of ``/health`` on the port)."""
    user: str | None = "1000:1000"
    """User (``uid[:gid]`` or name) the app runs as. Default ``"1000:1000"``: a numeric non-root
    uid works without an ``/etc/passwd`` entry in the image, and the explicit gid keeps the
    process out of group 0 (a uid alone, unknown to the image, runs with gid 0, the root group).
    Files the app reads must be readable by that uid/gid (or world-readable); the sample
    Dockerfile creates user ``app`` as 1000:1000. Distroless images: ``"65532:65532"`` (their
    ``nonroot``). None keeps the image's own USER; the EcsPatterns-NonRootUser rule cannot see
    that USER and flags the task, so prefer naming the image's uid here."""
    readonly_root_filesystem: bool = True
    """Default True: a compromised process cannot alter the image's files; a writable scratch
    volume is mounted at ``/tmp``. False raises the warning ``ecs-patterns:WritableRootFilesystem``
    (and is required by ECS Exec)."""
    memory_reservation_mib: int | None = None
    """Soft memory limit of the app. Default: no soft limit, so the app may use all task memory
    not held by a sidecar. 6 MiB to the task's memory."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Plain configuration variables. Default: no variables. Never put secrets here:
    AwsSolutions-ECS2 is acknowledged for a non-empty map on that basis, and names that look
    like a secret (PASSWORD, SECRET, TOKEN, API_KEY...) are refused. Names of letters, digits
    and ``_``, not starting with a digit."""
    secrets: Mapping[str, ecs.Secret] = field(default_factory=dict)
    """Secrets injected as variables, from SSM Parameter Store or Secrets Manager
    (``ecs.Secret.from_ssm_parameter`` / ``from_secrets_manager``). The execution role may read
    exactly these. Default: no secrets. A name may not also be in ``environment``."""
    stop_timeout: Duration = _SECONDS_30
    """Time between SIGTERM and SIGKILL. Default 30 s: a web service's deregistration delay, so
    in-flight requests finish. 2 to 120 s (Fargate's maximum)."""
    logging: LoggingOptions = field(default_factory=LoggingOptions)
    """Retention and removal of the container's encrypted log group. Default:
    :class:`LoggingOptions` with its defaults (one year, retained)."""
    command: Sequence[str] | None = None
    """The command the container runs, in place of the image's ``CMD`` (ECS ``command``).
    Default: the image's own ``CMD``. Lets one image serve several workloads, e.g. a web
    service and the worker or job beside it. When given: at least one item, none empty."""
    entry_point: Sequence[str] | None = None
    """The entry point, in place of the image's ``ENTRYPOINT`` (ECS ``entryPoint``). Default:
    the image's own ``ENTRYPOINT``. When given: at least one item, none empty."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ContainerOptions")
        self._check_image(checks)
        checks.check(
            is_token(self.name) or _CONTAINER_NAME_RE.fullmatch(self.name) is not None,
            "name",
            self.name,
            "1-255 letters, digits, '_' and '-'",
            "Use a short name such as 'app'.",
        )
        checks.known(
            "port",
            self.port,
            "the security-group rules and health check are built from it, and the compliance "
            "packs cannot judge a port known only at deploy time",
        )
        checks.int_range("port", self.port, 1, 65535)
        for prop in ("command", "entry_point"):
            value = getattr(self, prop)
            if value is not None and not is_token(value):
                items = list(value)
                checks.check(
                    bool(items) and all(is_token(i) or bool(str(i).strip()) for i in items),
                    prop,
                    items,
                    "at least one item, none of them empty",
                    f"Pass e.g. {prop}=['python3', '/app/worker.py'], or leave {prop} unset "
                    "to use the image's own.",
                )
        if self.user is not None and not is_token(self.user):
            checks.check(
                bool(self.user.strip()),
                "user",
                self.user,
                "a user name or uid[:gid], or None for the image's USER",
                "Set user='1000:1000' (or the uid:gid your image declares).",
            )
        checks.int_range(
            "memory_reservation_mib",
            self.memory_reservation_mib,
            6,
            _MAX_TASK_MEMORY_MIB,
            "Set memory_reservation_mib between 6 and the task memory.",
        )
        self._check_variables(checks)
        checks.duration_range("stop_timeout", self.stop_timeout, 2, 120)
        checks.done()

    def _check_image(self, checks: Checks) -> None:
        if self.image is not None and self.repository is not None:
            checks.fail(
                "image",
                "ContainerImage and repository both given",
                "exactly one of image and repository + image_tag",
                "Drop image to run from the repository, or drop repository and image_tag.",
            )
        elif self.image is None and self.repository is None:
            checks.fail(
                "image",
                None,
                "exactly one of image and repository + image_tag",
                "Pass image=ecs.ContainerImage.from_registry('...:<tag>'), or "
                "repository=EcrRepository(...) with image_tag='prod-<sha>'.",
            )
        if self.repository is not None and self.image_tag is None:
            checks.fail(
                "image_tag",
                None,
                "the tag to run from repository",
                "Pass image_tag, e.g. from context: image_tag=app.node.try_get_context('tag').",
            )
        if self.repository is None and self.image_tag is not None:
            checks.fail(
                "image_tag",
                self.image_tag,
                "only together with repository",
                "Pass repository=EcrRepository(...) too, or put the tag in image.",
            )
        tag = self.image_tag
        if tag is not None and not is_token(tag):
            checks.check(
                tag != "latest",
                "image_tag",
                tag,
                "an immutable release tag, not 'latest'",
                "Tag each build uniquely (e.g. 'prod-<git sha>') and pass that tag, so a "
                "rollback redeploys exactly the image that ran before.",
            )
            checks.check(
                _TAG_RE.fullmatch(tag) is not None,
                "image_tag",
                tag,
                "1-128 characters of letters, digits, '_', '.' and '-', not starting "
                "with '.' or '-'",
                "Use a Docker tag such as 'prod-1a2b3c4'.",
            )

    def _check_variables(self, checks: Checks) -> None:
        for name in self.environment:
            checks.check(
                bool(_ENV_NAME_RE.match(name)),
                "environment",
                name,
                "variable names of letters, digits and '_', not starting with a digit",
                f"Rename the variable {name!r}.",
            )
        for name in self.environment:
            checks.check(
                not looks_secret(name),
                "environment",
                name,
                "non-secret configuration (a name like a password, secret, token or API key is "
                "refused, as the EcsPatterns-PlaintextSecret rule does)",
                f"Move {name!r} to secrets (SSM Parameter Store or Secrets Manager), or rename "
                "it if it holds no secret (e.g. *_ARN, *_NAME).",
            )
        both = sorted(set(self.environment) & set(self.secrets))
        checks.check(
            not both,
            "secrets",
            both,
            "names that are not also in environment",
            "Keep each variable in either environment or secrets, not both.",
        )
        for name in self.secrets:
            checks.check(
                bool(_ENV_NAME_RE.match(name)),
                "secrets",
                name,
                "variable names of letters, digits and '_', not starting with a digit",
                f"Rename the secret variable {name!r}.",
            )


@dataclass(frozen=True, kw_only=True)
class TaskOptions:
    """The Fargate task: size, CPU architecture, ephemeral storage and tracing.

    ``TaskOptions(cpu=512, memory_mib=1024, cpu_architecture=ecs.CpuArchitecture.ARM64)``
    """

    cpu: int = 256
    """Task cpu units. Default 256 (small and cheap; raise it as load needs). A Fargate size:
    256, 512, 1024, 2048, 4096, 8192 or 16384."""
    memory_mib: int = 512
    """Task memory in MiB. Default 512. Must be valid with ``cpu`` (the Fargate size table)."""
    cpu_architecture: ecs.CpuArchitecture = ecs.CpuArchitecture.X86_64
    """X86_64 or ARM64. Default X86_64, which every image supports; ARM64 (Graviton) is about
    20 % cheaper when the image is built for it."""
    ephemeral_storage_gib: int | None = None
    """Task ephemeral storage in GiB. Default: Fargate's 20 GiB. 21 to 200."""
    tracing: bool = False
    """Add the AWS Distro for OpenTelemetry collector as a sidecar (OTLP on
    localhost:4317/4318, exported to X-Ray). Default False: it costs cpu 256 and 512 MiB per
    task. Needs ``cpu`` >= 512 and room for 512 MiB beside the app."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("TaskOptions")
        check_task_size(checks, self.cpu, self.memory_mib)
        checks.int_range("ephemeral_storage_gib", self.ephemeral_storage_gib, 21, 200)
        checks.done()


def check_timeout_below_interval(
    checks: Checks, timeout_prop: str, timeout: Duration, interval_prop: str, interval: Duration
) -> None:
    """A health check's timeout must be shorter than its interval (when both are known)."""
    t, i = seconds(timeout), seconds(interval)
    if t is None or i is None:
        return
    checks.check(
        t < i,
        timeout_prop,
        f"{t:g}s",
        f"less than {interval_prop} ({i:g}s)",
        f"Lower {timeout_prop} or raise {interval_prop}.",
    )
