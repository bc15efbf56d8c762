"""Props of FargateWebService: typed, frozen, keyword-only, validated before any resource exists."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy, TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs

from ..cluster import FargateCluster, ImportedCluster
from ..core._capacity import CapacityStrategy
from ..core._fargate import check_task_size
from ..core._limits import ECS_NAME_RE, looks_secret
from ..core._typecheck import require_types
from ..core._validation import Checks, check_tags, is_token, seconds
from ..core.deployment import (
    DeploymentFacts,
    DeploymentStrategy,
    DeploymentTimeEstimate,
    HealthTiming,
    Rolling,
    estimate_deployment_time,
)
from ..repository import EcrRepository
from ._waf import WAF_MANAGED_RULE_GROUPS, WAF_RULE_ACTIONS, WafRuleAction

__all__ = [
    "DEFAULT_LOG_BUFFER_SIZE",
    "OTEL_COLLECTOR_CPU",
    "OTEL_COLLECTOR_IMAGE",
    "OTEL_COLLECTOR_MEMORY_MIB",
    "ScheduledCapacity",
    "ServiceConnectOptions",
    "WebServiceProps",
    "buffer_size_bytes",
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


# Without a memory_reservation_mib, this much task memory must remain for the app beside the
# tracing sidecar, so the app is never squeezed to nothing by a sidecar it did not size.
_APP_MEMORY_FLOOR_MIB = 128
_RETENTION_DAYS = {r.value for r in logs.RetentionDays} - {logs.RetentionDays.INFINITE.value}
# The path is interpolated into a CMD-SHELL health check: keep it to characters a shell and an
# ALB health check both take literally.
_PATH_RE = re.compile(r"^/[A-Za-z0-9/._~-]{0,1023}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DNS_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_MAX_TASKS = 5000  # ECS: tasks per service
# Duration defaults (immutable, so one shared instance per value is safe).
_SECONDS_5 = Duration.seconds(5)
_SECONDS_10 = Duration.seconds(10)
_SECONDS_30 = Duration.seconds(30)
_SECONDS_60 = Duration.seconds(60)


@dataclass(frozen=True, kw_only=True)
class ScheduledCapacity:
    """One scheduled change of the autoscaling range (for known daily or weekly peaks).

    Attributes:
        schedule: When the range applies, e.g. ``appscaling.Schedule.cron(hour="8", minute="0")``.
        min_capacity: Minimum task count from then on. 0 to 5000.
        max_capacity: Maximum task count from then on. ``min_capacity`` to 5000.
        time_zone: Time zone of a cron schedule. Default: UTC, as Application Auto Scaling uses.
    """

    schedule: appscaling.Schedule
    min_capacity: int
    max_capacity: int
    time_zone: TimeZone | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ScheduledCapacity")
        checks.int_range("min_capacity", self.min_capacity, 0, _MAX_TASKS)
        checks.int_range("max_capacity", self.max_capacity, 1, _MAX_TASKS)
        if not is_token(self.min_capacity) and not is_token(self.max_capacity):
            checks.check(
                self.min_capacity <= self.max_capacity,
                "min_capacity",
                self.min_capacity,
                f"at most max_capacity ({self.max_capacity})",
                "Lower min_capacity or raise max_capacity.",
            )
        checks.done()


@dataclass(frozen=True, kw_only=True)
class ServiceConnectOptions:
    """Service Connect for the app's ``http`` port: namespace, port name and client alias.

    Other Service Connect services reach the app at ``http://<dns_name>:<port>``. The service
    security group admits only the load balancer: allow each client with
    ``web.service.connections.allow_from(client, ec2.Port.tcp(container_port))``.

    Attributes:
        namespace: Name or ARN of an existing AWS Cloud Map namespace (usually an HTTP
            namespace shared by the environment). Required: a namespace is shared, so it is not
            created per service.
        discovery_name: Name registered in Cloud Map. Default: the port name ``http``; set it
            when several services in one namespace use the port name ``http`` (they usually do).
        dns_name: Client alias DNS name. Default: ``discovery_name``.
        port: Client alias port. Default: the container port.
    """

    namespace: str
    discovery_name: str | None = None
    dns_name: str | None = None
    port: int | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ServiceConnectOptions")
        checks.check(
            bool(self.namespace),
            "namespace",
            self.namespace,
            "the name or ARN of an existing Cloud Map namespace",
            "Pass the namespace, e.g. namespace=http_namespace.namespace_arn.",
        )
        for name in ("discovery_name", "dns_name"):
            value = getattr(self, name)
            if value is not None and not is_token(value):
                checks.check(
                    len(value) <= 253 and bool(_DNS_RE.match(value)),
                    name,
                    value,
                    "a lower-case DNS name (letters, digits, hyphens and dots)",
                    f"Use a name such as 'web' or 'web.internal' for {name}.",
                )
        checks.int_range("port", self.port, 1, 65535)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class WebServiceProps:
    """Props of :class:`FargateWebService`. Only the image is required; every default is safe.

    Image (exactly one of ``image`` and ``repository`` + ``image_tag``):
        image: The app image, e.g. ``ecs.ContainerImage.from_registry(...)``. Default: not
            set, and ``repository`` + ``image_tag`` name the image instead.
        repository: An :class:`EcrRepository` to run from, or an ``ecr.IRepository`` made
            elsewhere (``ecr.Repository.from_repository_name(scope, id, "team/web")``; grant
            its customer-managed KMS key, if any, to ``execution_role`` yourself); the execution
            role may pull from this repository only. Default: not set, and ``image`` names the
            image instead.
        image_tag: Tag in ``repository``, e.g. ``prod-<git sha>``, usually from context or a
            parameter because the pipeline rolls it. ``latest`` is rejected: it does
            not say which image runs, so rollbacks and audits are not reproducible.

    Cluster:
        cluster: A :class:`FargateCluster` to share, or a cluster made elsewhere
            (``FargateCluster.from_existing(...)``, see :class:`ImportedCluster` for what the
            library cannot know about it). Default: a new FargateCluster (and VPC) with its
            defaults, so the minimal use is one statement.

    Task and app container:
        cpu: Task cpu units. Default 256 (small and cheap; raise it as load needs). Must be
            a Fargate size.
        memory_mib: Task memory. Default 512. Must be valid with ``cpu`` (Fargate table).
        cpu_architecture: X86_64 or ARM64. Default X86_64, which every image supports; ARM64
            (Graviton) is about 20 % cheaper when the image is built for it.
        ephemeral_storage_gib: Task ephemeral storage, 21 to 200. Default: Fargate's 20 GiB.
        container_name: Name of the app container. Default ``"app"``.
        container_port: Port the app listens on, mapped as ``http``. Default 8080: an
            unprivileged port, so the app can run as a non-root user. 1 to 65535, a literal
            (the compliance packs cannot judge security-group rules on a deploy-time port).
        health_check_path: Path answered with 2xx when the app is healthy, used by the container
            health check and the target group. Default ``"/health"``.
        health_check_command: Container health check command. Default: a ``CMD-SHELL``
            command that GETs ``http://localhost:PORT/health`` (``https://`` with
            ``target_protocol=HTTPS``) with the first of curl, wget and python3 the image has,
            so Amazon Linux, Debian/Ubuntu with curl, Alpine (BusyBox wget) and Python images
            (slim included) work unchanged. Images without a shell (distroless, scratch) or
            without any of the three (e.g. ``node:*-slim``) need their own, e.g.
            ``["CMD", "/app/healthcheck"]`` or ``["CMD", "node", "healthcheck.js"]``; README
            "User and health check for common base images". The check is always on.
        health_check_interval: Default 30 s. ECS accepts 5 to 300 s.
        health_check_timeout: Default 5 s. 2 to 120 s and below the interval. Both must be
            literals, not deploy-time tokens: aws-cdk-lib checks them when it renders the
            template.
        health_check_retries: Default 3. 1 to 10.
        health_check_start_period: Grace before failures count. Default 60 s, long
            enough for a JVM or a migration at start. 0 to 300 s.
        readonly_root_filesystem: Default True: a compromised process cannot alter the image's
            files; a writable scratch volume is mounted at ``/tmp``. False raises the warning
            ``ecs-patterns:WritableRootFilesystem``.
        user: User (``uid[:gid]`` or name) the app runs as. Default ``"1000:1000"``: a
            numeric non-root uid works without an ``/etc/passwd`` entry in the image, and the
            explicit gid keeps the process out of group 0 (a uid alone, unknown to the image,
            runs with gid 0, the root group). Files the app reads must be readable by that
            uid/gid (or world-readable); the sample Dockerfile creates user ``app`` as
            1000:1000. Distroless images: ``"65532:65532"`` (their ``nonroot``). None keeps the
            image's own USER; the EcsPatterns-NonRootUser rule cannot see that USER and flags
            the task, so prefer naming the image's uid here.
        memory_reservation_mib: Soft memory limit of the app. Default: no soft
            limit, so the app may use all task memory not held by a sidecar. 6 to
            ``memory_mib``.
        environment: Plain configuration variables. Default: no variables. Never put secrets
            here; AwsSolutions-ECS2 is acknowledged for a non-empty map on that basis, and
            names that look like a secret (PASSWORD, SECRET, TOKEN, API_KEY...) are refused.
        secrets: Secrets injected as variables, from SSM Parameter Store or Secrets Manager
            (``ecs.Secret.from_ssm_parameter`` / ``from_secrets_manager``). The execution role
            may read exactly these. Default: no secrets.
        log_retention: Retention of the app's log group. Default one year (PCI DSS 10.7, the
            same as the cluster's logs); never infinite.
        log_removal_policy: What ``cdk destroy`` does to the log group. Default RETAIN: logs
            are evidence.
        stop_timeout: Time between SIGTERM and SIGKILL. Default 30 s: the deregistration delay,
            so in-flight requests finish. 2 to 120 s (Fargate's maximum).
        tracing: Add the AWS Distro for OpenTelemetry collector as a sidecar (OTLP on
            localhost:4317/4318, exported to X-Ray). Default False: it costs cpu 256 and
            512 MiB per task. Needs ``cpu`` >= 512 and room for 512 MiB beside the app.

    Load balancer:
        internet_facing: Default True (public subnets). False for an internal ALB in the
            private subnets.
        certificate: ACM certificate for the HTTPS listener on 443. Required unless
            ``allow_plain_http``; HTTP on 80 then only redirects to HTTPS.
        ssl_policy: Default RECOMMENDED_TLS (TLS 1.2 and 1.3 only, forward-secret ciphers).
        allow_plain_http: Serve plain HTTP on 80 without a certificate. Default False; when
            True a warning ``ecs-patterns:PlainHttp`` is raised. Only for internal traffic whose
            TLS ends elsewhere or for non-sensitive test environments.
        ingress_cidrs: IPv4 CIDRs allowed to reach the listeners. Default ``0.0.0.0/0`` when
            internet-facing, the VPC CIDR when internal.
        ingress_prefix_lists: Managed prefix list ids (``pl-...``) allowed as well, e.g. a
            corporate network or CloudFront's origin-facing list. Default: no prefix lists.
        deletion_protection: Deletion protection of the load balancer. Default None: off
            for the first create, announced at synthesis. CloudFormation cannot delete a
            protected load balancer, so with protection at create any failed first create
            ends in ROLLBACK_FAILED and needs manual cleanup before a retry
            (``RetainExceptOnCreate`` cannot help: the protection blocks that delete too).
            Set True in a later deploy, once the stack exists, so a production entry point is
            not deleted by a stray ``cdk destroy``, a replaced stack or the console. False
            turns it off explicitly and raises the warning ``ecs-patterns:NoDeletionProtection``.
        desync_mitigation_mode: Default DEFENSIVE (the AWS default): blocks requests that pose
            a desync (request smuggling) risk and still serves merely unusual ones; STRICTEST
            also rejects every non-RFC-7230 request, which breaks some legacy clients.
        access_log_expiry_days: Days ALB access logs are kept. Default 365 (PCI DSS 10.7 keeps
            audit trails a year; the same as the log groups). 1 to 3650.
        access_log_removal_policy: What ``cdk destroy`` does to the log bucket. Default RETAIN.
        waf: Attach a WAFv2 web ACL with the AWS managed Common and KnownBadInputs rule
            groups, logged to an encrypted log group. Default True: the ALB is the entry point
            and NIST 800-53 / PCI DSS expect a WAF in front of it (about 7 USD a month plus
            0.60 USD per million requests). False raises the warning ``ecs-patterns:NoWaf``.
        web_acl_arn: Associate this existing regional web ACL (for example one managed by AWS
            Firewall Manager) instead of creating one. Default: a new web ACL (with ``waf``).

    Target group (interval, timeout and slow start must be literals, not deploy-time tokens:
    aws-cdk-lib converts and checks them when it builds the target group):
        target_health_check_interval: Default 10 s. 5 to 300 s.
        target_healthy_threshold: Default 2. 2 to 10. ``interval x threshold`` must be at most
            30 s, so a new task is found healthy behind the ALB within 30 s and deployments and
            scale-outs are not held up.
        target_unhealthy_threshold: Default 3 (30 s of failures before a task is replaced). 2
            to 10.
        target_health_check_timeout: Default 5 s. 2 to 120 s and below the interval.
        deregistration_delay: Default 30 s: long enough to drain web requests, short enough for
            five-minute deployments. 0 to 3600 s; above 60 s raises the warning
            ``ecs-patterns:LongDeregistrationDelay`` (and acknowledges the library's
            ``EcsPatterns-DeregistrationDelay`` rule on the target group).
        slow_start: Ramp-up of traffic to a new target. Default: off. 30 to 900 s, or 0 (off).

    Service:
        service_name: 1-255 letters, digits, '-' and '_'. Default: generated by
            CloudFormation.
        desired_count: Tasks at creation. Default ``min_capacity``. Must lie within
            ``min_capacity..max_capacity``; autoscaling owns the count afterwards (CloudFormation
            only re-applies it when the value changes in the template).
        health_check_grace_period: Time ALB health checks are ignored after a task starts.
            Default 60 s, time for the app to start before a failed check counts. 0 to
            2147483647 s.
        capacity: FARGATE / FARGATE_SPOT strategy. Default: the cluster's default strategy
            (FARGATE base 1 + Spot weight 3); ``CapacityStrategy.on_demand_only()`` for none.
        enable_execute_command: Allow ``aws ecs execute-command``. Default False:
            interactive shells into production are an explicit decision. ECS Exec needs a
            writable root filesystem, so it requires ``readonly_root_filesystem=False``.
        service_connect: :class:`ServiceConnectOptions`. Default: Service Connect off. Not
            with :class:`CodeDeployBlueGreen` (Service Connect needs the ECS controller).
        deployment: How a new task definition (a new image) is rolled out:
            :class:`Rolling` (default: ECS rolling, 100/200 %, circuit breaker with rollback),
            :class:`CodeDeployBlueGreen` or :class:`EcsNativeBlueGreen`. See each class and the
            README section "Deployment strategies", which also says what autoscaling does
            during a deployment. :meth:`FargateWebService.estimated_deployment_time` estimates
            how long one takes.

    Autoscaling (target tracking):
        min_capacity: Default 2: one task per AZ, so losing a zone or a Spot task never stops
            the service. 1 to 5000.
        max_capacity: Default 10. ``min_capacity`` to 5000.
        cpu_target_percent: Target average CPU. Default 50 (70 is also common): with two
            AZs and Spot, losing a zone or a batch of Spot tasks doubles the load on the rest;
            at 50 % they land near 100 % instead of falling over while new tasks start.
            10 to 90.
        memory_target_percent: Target average memory. Default: no memory scaling. 10 to 90.
        requests_per_target: Target ALB requests per task per minute. Default: no request
            scaling. 1 to 1000000. Rolling only: blue/green alternates production between two
            target groups and the metric follows one of them, so it is rejected with
            :class:`CodeDeployBlueGreen` and :class:`EcsNativeBlueGreen`.
        scale_out_cooldown: Default 60 s. 0 to 3600 s.
        scale_in_cooldown: Default 60 s. 0 to 3600 s.
        scheduled_capacity: :class:`ScheduledCapacity` entries for known peaks. Default: no
            schedules.

    Real-account options (choices a first deploy to a real account depends on):
        waf_rule_overrides: Actions for rules of the managed rule groups in the created web
            ACL, by group name then rule name: ``{"AWSManagedRulesCommonRuleSet":
            {"SizeRestrictions_BODY": "block"}}``. Groups: ``AWSManagedRulesCommonRuleSet``
            and ``AWSManagedRulesKnownBadInputsRuleSet`` (others are refused); rule names are
            AWS's (not checked, AWS adds rules to its groups); actions ``"count"`` (log only),
            ``"allow"`` (also ends the web ACL's evaluation: later rule groups do not see the
            request) or ``"block"``. Merged over the default, which counts
            ``SizeRestrictions_BODY`` of the common rule set instead of blocking it: that rule
            blocks every request body over 8 KB, so uploads and larger JSON would get 403 on
            every service (AWS Knowledge Center "waf-http-request-body-inspection"). What it
            costs: a body over 8 KB is allowed (and logged as a count match), and an ALB passes
            only the first 8 KB of a body to AWS WAF, so the body rules (cross-site scripting,
            LFI/RFI, SSRF) do not see anything after the first 8 KB. Services that never take
            large bodies restore the block with ``{"SizeRestrictions_BODY": "block"}``. Only
            with a web ACL the library creates (``waf=True``, no ``web_acl_arn``).
        log_driver_mode: awslogs delivery mode of the app container, the tracing sidecar and
            Service Connect's proxy. Default NON_BLOCKING (ECS's own default since 25 June
            2025, chosen here explicitly): a CloudWatch Logs slowdown never stalls the app's
            stdout writes, which in BLOCKING mode can block request threads until health
            checks fail. The price: when the buffer is full, new log lines are dropped
            silently. BLOCKING for logs that must never be lost (audit trails), accepting that
            risk.
        log_max_buffer_size: Size of the in-memory buffer of NON_BLOCKING mode, as ``"25m"``
            (a whole number and ``k``, ``m`` or ``g``). Default ``"25m"``: the AWS containers
            blog "Preventing log loss with non-blocking mode" measured that up to 2 MB/s of
            logs needs at least 4 MiB and up to 5 MB/s 25 MiB (ECS's default is 10 MiB); the
            buffer counts against the task's memory only while it fills. Only with
            NON_BLOCKING.
        target_protocol: Protocol from the load balancer to the tasks, for traffic and
            target health checks. Default HTTP: TLS ends at the load balancer, and traffic to
            the tasks stays inside the VPC, between two security groups. HTTPS encrypts that
            hop as well (Security Hub ELB.21 and ELB.22): the app must then serve TLS on
            ``container_port`` itself, with any certificate (the load balancer does not
            verify target certificates, so a self-signed one generated at start is enough),
            and the default container health check calls ``https://`` without verifying the
            certificate either.
        tags: Tags for every taggable resource of the service (the ECS service and task
            definition, the load balancer, target groups, log groups, roles...; tasks get the
            service's tags through ``propagate_tags=SERVICE``). Default: no tags; Security Hub
            ECS.13 (services) and ECS.15 (task definitions) in the resource tagging standard
            expect some. Keys 1-128 characters, not starting with ``aws:``; values at most 256.
    """

    # image
    image: ecs.ContainerImage | None = None
    repository: EcrRepository | ecr.IRepository | None = None
    image_tag: str | None = None
    # cluster
    cluster: FargateCluster | ImportedCluster | None = None
    # task and app container
    cpu: int = 256
    memory_mib: int = 512
    cpu_architecture: ecs.CpuArchitecture = ecs.CpuArchitecture.X86_64
    ephemeral_storage_gib: int | None = None
    container_name: str = "app"
    container_port: int = 8080
    health_check_path: str = "/health"
    health_check_command: Sequence[str] | None = None
    health_check_interval: Duration = _SECONDS_30
    health_check_timeout: Duration = _SECONDS_5
    health_check_retries: int = 3
    health_check_start_period: Duration = _SECONDS_60
    readonly_root_filesystem: bool = True
    user: str | None = "1000:1000"
    memory_reservation_mib: int | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, ecs.Secret] = field(default_factory=dict)
    log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR
    log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    stop_timeout: Duration = _SECONDS_30
    tracing: bool = False
    # load balancer
    internet_facing: bool = True
    certificate: acm.ICertificate | None = None
    ssl_policy: elbv2.SslPolicy = elbv2.SslPolicy.RECOMMENDED_TLS
    allow_plain_http: bool = False
    ingress_cidrs: Sequence[str] | None = None
    ingress_prefix_lists: Sequence[str] = ()
    deletion_protection: bool | None = None
    desync_mitigation_mode: elbv2.DesyncMitigationMode = elbv2.DesyncMitigationMode.DEFENSIVE
    access_log_expiry_days: int = 365
    access_log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    waf: bool = True
    web_acl_arn: str | None = None
    # target group
    target_health_check_interval: Duration = _SECONDS_10
    target_healthy_threshold: int = 2
    target_unhealthy_threshold: int = 3
    target_health_check_timeout: Duration = _SECONDS_5
    deregistration_delay: Duration = _SECONDS_30
    slow_start: Duration | None = None
    # service
    service_name: str | None = None
    desired_count: int | None = None
    health_check_grace_period: Duration = _SECONDS_60
    capacity: CapacityStrategy | None = None
    enable_execute_command: bool = False
    service_connect: ServiceConnectOptions | None = None
    deployment: DeploymentStrategy = field(default_factory=Rolling)
    # autoscaling
    min_capacity: int = 2
    max_capacity: int = 10
    cpu_target_percent: int = 50
    memory_target_percent: int | None = None
    requests_per_target: int | None = None
    scale_out_cooldown: Duration = _SECONDS_60
    scale_in_cooldown: Duration = _SECONDS_60
    scheduled_capacity: Sequence[ScheduledCapacity] = ()
    # --- real-account options ---
    waf_rule_overrides: Mapping[str, Mapping[str, WafRuleAction]] = field(default_factory=dict)
    log_driver_mode: ecs.AwsLogDriverMode = ecs.AwsLogDriverMode.NON_BLOCKING
    log_max_buffer_size: str | None = None
    target_protocol: elbv2.ApplicationProtocol = elbv2.ApplicationProtocol.HTTP
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("WebServiceProps")
        self._check_image(checks)
        self._check_task(checks)
        self._check_container(checks)
        self._check_load_balancer(checks)
        self._check_target_group(checks)
        self._check_service(checks)
        self._check_deployment(checks)
        self._check_real_account_options(checks)
        checks.done()

    @property
    def health_timing(self) -> HealthTiming:
        """The props the deployment-time estimate reads."""
        return HealthTiming(
            target_health_check_interval=self.target_health_check_interval,
            target_healthy_threshold=self.target_healthy_threshold,
            deregistration_delay=self.deregistration_delay,
            health_check_grace_period=self.health_check_grace_period,
            stop_timeout=self.stop_timeout,
        )

    def estimated_deployment_time(self) -> DeploymentTimeEstimate:
        """Estimate of one successful deployment under ``deployment`` (see
        :func:`estimate_deployment_time`)."""
        return estimate_deployment_time(
            self.deployment,
            self.health_timing,
            unhealthy_threshold=self.target_unhealthy_threshold
            if not is_token(self.target_unhealthy_threshold)
            else 3,
        )

    def _check_deployment(self, checks: Checks) -> None:
        self.deployment.check(
            checks,
            DeploymentFacts(
                timing=self.health_timing,
                requests_per_target=self.requests_per_target,
                service_connect=self.service_connect is not None,
            ),
        )

    def _check_real_account_options(self, checks: Checks) -> None:
        for group, rules in self.waf_rule_overrides.items():
            checks.check(
                group in WAF_MANAGED_RULE_GROUPS,
                "waf_rule_overrides",
                group,
                "a managed rule group of the created web ACL: "
                + ", ".join(WAF_MANAGED_RULE_GROUPS),
                "Override rules of those groups only; for other rule groups, manage your own web "
                "ACL and pass web_acl_arn.",
            )
            for rule, action in rules.items():
                checks.check(
                    bool(rule) and action in WAF_RULE_ACTIONS,
                    "waf_rule_overrides",
                    f"{group}: {rule!r}: {action!r}",
                    "a rule name and an action: " + ", ".join(repr(a) for a in WAF_RULE_ACTIONS),
                    f"Write e.g. {{{group!r}: {{'SizeRestrictions_BODY': 'count'}}}}.",
                )
        if self.waf_rule_overrides:
            checks.check(
                self.waf and self.web_acl_arn is None,
                "waf_rule_overrides",
                sorted(self.waf_rule_overrides),
                "only with a web ACL the library creates (waf=True, no web_acl_arn)",
                "Drop waf_rule_overrides, or change the rules in the web ACL you pass.",
            )
        size = self.log_max_buffer_size
        checks.known(
            "log_max_buffer_size", size, "aws-cdk-lib renders the buffer size as a number of bytes"
        )
        if size is not None and not is_token(size):
            checks.check(
                buffer_size_bytes(size) is not None,
                "log_max_buffer_size",
                size,
                "a whole number above 0 followed by k, m or g, e.g. '25m'",
                "Write the size like '4m' or '25m'.",
            )
        if size is not None:
            checks.check(
                self.log_driver_mode == ecs.AwsLogDriverMode.NON_BLOCKING,
                "log_max_buffer_size",
                size,
                "only with log_driver_mode=NON_BLOCKING (a BLOCKING driver has no buffer)",
                "Drop log_max_buffer_size, or set log_driver_mode=AwsLogDriverMode.NON_BLOCKING.",
            )
        check_tags(checks, "tags", self.tags)

    @property
    def effective_desired_count(self) -> int:
        """``desired_count``, or ``min_capacity`` when it is not set."""
        return self.desired_count if self.desired_count is not None else self.min_capacity

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
                re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", tag) is not None,
                "image_tag",
                tag,
                "1-128 characters of letters, digits, '_', '.' and '-', not starting "
                "with '.' or '-'",
                "Use a Docker tag such as 'prod-1a2b3c4'.",
            )

    def _check_task(self, checks: Checks) -> None:
        check_task_size(checks, self.cpu, self.memory_mib)
        checks.int_range("ephemeral_storage_gib", self.ephemeral_storage_gib, 21, 200)
        if self.tracing and not is_token(self.cpu) and not is_token(self.memory_mib):
            checks.check(
                self.cpu >= 2 * OTEL_COLLECTOR_CPU,
                "cpu",
                self.cpu,
                f"at least {2 * OTEL_COLLECTOR_CPU} with tracing=True (the collector holds "
                f"{OTEL_COLLECTOR_CPU})",
                "Raise cpu to 512 (with memory_mib 1024 or more), or set tracing=False.",
            )
            app = (
                self.memory_reservation_mib
                if self.memory_reservation_mib is not None
                else _APP_MEMORY_FLOOR_MIB
            )
            checks.check(
                app + OTEL_COLLECTOR_MEMORY_MIB <= self.memory_mib,
                "memory_mib",
                self.memory_mib,
                f"at least {app + OTEL_COLLECTOR_MEMORY_MIB} with tracing=True "
                f"(app {app} MiB + collector {OTEL_COLLECTOR_MEMORY_MIB} MiB)",
                "Raise memory_mib (e.g. 1024 or more), lower memory_reservation_mib, "
                "or set tracing=False.",
            )

    def _check_container(self, checks: Checks) -> None:
        checks.check(
            is_token(self.container_name)
            or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}", self.container_name) is not None,
            "container_name",
            self.container_name,
            "1-255 letters, digits, '_' and '-'",
            "Use a short name such as 'app'.",
        )
        checks.known(
            "container_port",
            self.container_port,
            "the security-group rules and health check are built from it, and the compliance "
            "packs cannot judge a port known only at deploy time",
        )
        checks.int_range("container_port", self.container_port, 1, 65535)
        if not is_token(self.health_check_path):
            checks.check(
                bool(_PATH_RE.match(self.health_check_path)),
                "health_check_path",
                self.health_check_path,
                "an absolute path of letters, digits and / . _ ~ - (no query, no shell "
                "characters), at most 1024 characters",
                "Use a plain path such as '/health'.",
            )
        if self.health_check_command is not None:
            command = list(self.health_check_command)
            checks.check(
                len(command) >= 2 and command[0] in ("CMD", "CMD-SHELL"),
                "health_check_command",
                command,
                "['CMD', executable, args...] or ['CMD-SHELL', 'shell command']",
                "Start the command with 'CMD' or 'CMD-SHELL', e.g. ['CMD', '/app/healthcheck'].",
            )
        for name in ("health_check_interval", "health_check_timeout"):
            checks.known(
                name,
                getattr(self, name),
                "aws-cdk-lib checks the container health "
                "check's range when it renders the template",
            )
        checks.duration_range("health_check_interval", self.health_check_interval, 5, 300)
        checks.duration_range("health_check_timeout", self.health_check_timeout, 2, 120)
        checks.int_range("health_check_retries", self.health_check_retries, 1, 10)
        checks.duration_range("health_check_start_period", self.health_check_start_period, 0, 300)
        _check_timeout_below_interval(
            checks,
            "health_check_timeout",
            self.health_check_timeout,
            "health_check_interval",
            self.health_check_interval,
        )
        if self.user is not None and not is_token(self.user):
            checks.check(
                bool(self.user.strip()),
                "user",
                self.user,
                "a user name or uid[:gid], or None for the image's USER",
                "Set user='1000:1000' (or the uid:gid your image declares).",
            )
        if self.memory_reservation_mib is not None:
            high = self.memory_mib if not is_token(self.memory_mib) else 122880
            checks.int_range(
                "memory_reservation_mib",
                self.memory_reservation_mib,
                6,
                high,
                f"Set memory_reservation_mib between 6 and the task memory ({high} MiB).",
            )
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
        checks.check(
            self.log_retention.value in _RETENTION_DAYS,
            "log_retention",
            self.log_retention,
            "a finite logs.RetentionDays",
            "Set log_retention=logs.RetentionDays.ONE_YEAR or another finite period.",
        )
        checks.duration_range("stop_timeout", self.stop_timeout, 2, 120)

    def _check_load_balancer(self, checks: Checks) -> None:
        if self.certificate is None and not self.allow_plain_http:
            checks.fail(
                "certificate",
                None,
                "an ACM certificate for the HTTPS listener",
                "Pass certificate=acm.Certificate.from_certificate_arn(...), or set "
                "allow_plain_http=True for a non-production, internal-only service.",
            )
        arn = certificate_arn(self.certificate)
        if arn is not None:
            checks.check(
                is_token(arn) or _ACM_ARN_RE.fullmatch(arn) is not None,
                "certificate",
                arn,
                "an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID): an ALB "
                "listener takes ACM certificates, and this library only those",
                "Import the certificate from ACM with acm.Certificate.from_certificate_arn(...) "
                "of its ACM ARN (request or import it into ACM in the stack's region first).",
            )
        if self.certificate is not None and self.allow_plain_http:
            checks.fail(
                "allow_plain_http",
                True,
                "False when a certificate is given (HTTP then redirects to HTTPS)",
                "Drop allow_plain_http; with a certificate, port 80 redirects to 443.",
            )
        if self.ingress_cidrs is not None:
            cidrs = list(self.ingress_cidrs)
            checks.check(
                bool(cidrs) or bool(self.ingress_prefix_lists),
                "ingress_cidrs",
                cidrs,
                "at least one CIDR or prefix list",
                "List the client networks, e.g. ['10.0.0.0/8'], or leave ingress_cidrs unset.",
            )
            for cidr in cidrs:
                checks.check(
                    _is_ipv4_cidr(cidr),
                    "ingress_cidrs",
                    cidr,
                    "IPv4 CIDRs such as '203.0.113.0/24'",
                    "Write each entry as address/prefix with the host bits zero.",
                )
        for prefix_list in self.ingress_prefix_lists:
            checks.check(
                is_token(prefix_list) or prefix_list.startswith("pl-"),
                "ingress_prefix_lists",
                prefix_list,
                "managed prefix list ids ('pl-...')",
                "Pass the prefix list id, e.g. prefix_list.prefix_list_id.",
            )
        checks.int_range("access_log_expiry_days", self.access_log_expiry_days, 1, 3650)
        if self.web_acl_arn is not None:
            checks.check(
                self.waf,
                "web_acl_arn",
                self.web_acl_arn,
                "only with waf=True",
                "Drop web_acl_arn, or keep waf=True to associate it.",
            )
            checks.check(
                is_token(self.web_acl_arn) or ":global/webacl/" not in self.web_acl_arn,
                "web_acl_arn",
                self.web_acl_arn,
                "a REGIONAL web ACL (.../regional/webacl/...); this is a CLOUDFRONT-scope web "
                "ACL, which WAF cannot associate with a load balancer",
                "Create or pick a web ACL with Scope REGIONAL in the load balancer's region, or "
                "leave web_acl_arn unset for a new one.",
            )
            checks.check(
                is_token(self.web_acl_arn) or ":wafv2:" in self.web_acl_arn,
                "web_acl_arn",
                self.web_acl_arn,
                "a regional WAFv2 web ACL ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/...)",
                "Pass the ARN of a REGIONAL web ACL in the load balancer's region.",
            )

    def _check_target_group(self, checks: Checks) -> None:
        for name in ("target_health_check_interval", "target_health_check_timeout", "slow_start"):
            checks.known(
                name,
                getattr(self, name),
                "aws-cdk-lib converts and checks it when it builds the target group",
            )
        checks.duration_range(
            "target_health_check_interval", self.target_health_check_interval, 5, 300
        )
        checks.duration_range(
            "target_health_check_timeout", self.target_health_check_timeout, 2, 120
        )
        checks.int_range("target_healthy_threshold", self.target_healthy_threshold, 2, 10)
        checks.int_range("target_unhealthy_threshold", self.target_unhealthy_threshold, 2, 10)
        _check_timeout_below_interval(
            checks,
            "target_health_check_timeout",
            self.target_health_check_timeout,
            "target_health_check_interval",
            self.target_health_check_interval,
        )
        interval = seconds(self.target_health_check_interval)
        threshold = self.target_healthy_threshold
        if interval is not None and not is_token(threshold) and isinstance(threshold, int):
            checks.check(
                interval * threshold <= 30,
                "target_healthy_threshold",
                threshold,
                f"at most {int(30 // interval)} with target_health_check_interval="
                f"{interval:g}s (interval x threshold <= 30 s, the time-to-healthy target)",
                "Lower target_healthy_threshold or target_health_check_interval so a new "
                "task is healthy within 30 s.",
            )
        checks.duration_range("deregistration_delay", self.deregistration_delay, 0, 3600)
        slow = seconds(self.slow_start)
        if slow is not None:
            checks.check(
                slow == 0 or 30 <= slow <= 900,
                "slow_start",
                f"{slow:g}s",
                "0 (off) or 30 s to 900 s",
                "Set slow_start=Duration.seconds(n) with 30 <= n <= 900, or leave it unset.",
            )

    def _check_service(self, checks: Checks) -> None:
        if self.service_name is not None and not is_token(self.service_name):
            checks.check(
                ECS_NAME_RE.fullmatch(self.service_name) is not None,
                "service_name",
                self.service_name,
                "1-255 letters, digits, '-' and '_' (ECS service names)",
                "Use a name such as 'web', or leave service_name unset.",
            )
        checks.duration_range(
            "health_check_grace_period", self.health_check_grace_period, 0, 2147483647
        )
        if self.enable_execute_command:
            checks.check(
                not self.readonly_root_filesystem,
                "enable_execute_command",
                True,
                "only with readonly_root_filesystem=False (the ECS Exec agent writes to the "
                "container's root filesystem)",
                "Set readonly_root_filesystem=False as well to debug with ECS Exec, or keep "
                "enable_execute_command=False.",
            )
        checks.int_range(
            "min_capacity",
            self.min_capacity,
            1,
            _MAX_TASKS,
            "Keep min_capacity at 1 or more (2 for one task per AZ); a web service with 0 "
            "tasks serves 503s.",
        )
        checks.int_range("max_capacity", self.max_capacity, 1, _MAX_TASKS)
        checks.int_range("desired_count", self.desired_count, 1, _MAX_TASKS)
        low, high = self.min_capacity, self.max_capacity
        concrete = not is_token(low) and not is_token(high)
        if concrete:
            checks.check(
                low <= high,
                "min_capacity",
                low,
                f"at most max_capacity ({high})",
                "Lower min_capacity or raise max_capacity.",
            )
        if self.desired_count is not None and concrete:
            checks.check(
                low <= self.desired_count <= high,
                "desired_count",
                self.desired_count,
                f"from min_capacity ({low}) to max_capacity ({high})",
                "Set desired_count within the autoscaling range, or leave it unset to start "
                "at min_capacity.",
            )
        checks.int_range("cpu_target_percent", self.cpu_target_percent, 10, 90)
        checks.int_range("memory_target_percent", self.memory_target_percent, 10, 90)
        checks.int_range("requests_per_target", self.requests_per_target, 1, 1_000_000)
        checks.duration_range("scale_out_cooldown", self.scale_out_cooldown, 0, 3600)
        checks.duration_range("scale_in_cooldown", self.scale_in_cooldown, 0, 3600)


def _check_timeout_below_interval(
    checks: Checks, timeout_prop: str, timeout: Duration, interval_prop: str, interval: Duration
) -> None:
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


# An ACM certificate ARN (any partition); the region is checked against the stack's at
# construction (FargateWebService), where the stack is known.
_CERTIFICATE_ARNS: weakref.WeakKeyDictionary[object, str | None] = weakref.WeakKeyDictionary()


def certificate_arn(certificate: object) -> str | None:
    """The certificate's ARN as a string (a token string when unresolved), read once per object.

    None without a certificate, or for a Python implementation of ``ICertificate`` that holds
    no ARN: nothing to judge then. Cached because each read is a jsii round trip and both the
    props and the service check it.
    """
    if certificate is None:
        return None
    with contextlib.suppress(KeyError, TypeError):  # TypeError: not weak-referenceable
        return _CERTIFICATE_ARNS[certificate]
    value = getattr(certificate, "certificate_arn", None)
    arn = value if isinstance(value, str) else None
    with contextlib.suppress(TypeError):
        _CERTIFICATE_ARNS[certificate] = arn
    return arn


_ACM_ARN_RE = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+")


def _is_ipv4_cidr(cidr: str) -> bool:
    if is_token(cidr):
        return True
    if "/" not in cidr:
        return False
    try:
        ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return False
    return True
