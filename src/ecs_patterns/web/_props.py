"""Props of FargateWebService: typed, frozen, keyword-only, validated before any resource exists.

Long module: the web service's props and its two load-balancer option structs, each field with
its documentation and its checks; the checks across structs need all three, and the checks of a
route through a shared ingress need the service (its deployment strategy and cluster).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from ..cluster import FargateCluster, ImportedCluster
from ..core._option_checks import check_desired_count, check_exec, check_task_fits
from ..core._options import ContainerOptions, TaskOptions, check_timeout_below_interval
from ..core._scaling import MAX_TASKS, PlacementOptions, ScalingOptions, desired_count_at_creation
from ..core._service_connect import check_dns_name
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
from ._alb_checks import check_certificate_arn, check_clients, check_waf
from ._ingress_props import IngressRoute, SharedIngressProps
from ._routing import RouteConditions, condition_problems, priority_problems
from ._waf import WafRuleAction

__all__ = [
    "DEFAULT_PORT",
    "LoadBalancerOptions",
    "ServiceConnectOptions",
    "TargetGroupOptions",
    "WebServiceProps",
]

DEFAULT_PORT = 8080
"""The app port of a web service whose ContainerOptions name none: an unprivileged port, so the
app can run as a non-root user."""
# Duration defaults (immutable, so one shared instance per value is safe).
_SECONDS_5 = Duration.seconds(5)
_SECONDS_10 = Duration.seconds(10)
_SECONDS_30 = Duration.seconds(30)
_SECONDS_60 = Duration.seconds(60)


@dataclass(frozen=True, kw_only=True)
class ServiceConnectOptions:
    """Service Connect for the app's ``http`` port: namespace, port name and client alias.

    Other Service Connect services reach the app at ``http://<dns_name>:<port>``. The service
    security group admits only the load balancer: allow each client with
    ``web.service.connections.allow_from(client, ec2.Port.tcp(props.port))``. Example:
    ``ServiceConnectOptions(namespace=namespace.namespace_arn, discovery_name="web")``.
    """

    namespace: str
    """Name or ARN of an existing AWS Cloud Map namespace (usually an HTTP namespace shared by
    the environment). Required: a namespace is shared, so it is not created per service."""
    discovery_name: str | None = None
    """Name registered in Cloud Map. Default: the port name ``http``; set it when several
    services in one namespace use the port name ``http`` (they usually do). A lower-case DNS
    name."""
    dns_name: str | None = None
    """Client alias DNS name. Default: ``discovery_name``. A lower-case DNS name."""
    port: int | None = None
    """Client alias port. Default: the container port. 1 to 65535."""

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
            check_dns_name(checks, name, getattr(self, name), "web")
        checks.int_range("port", self.port, 1, 65535)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class LoadBalancerOptions:
    """The Application Load Balancer of a web service: TLS, clients, WAF and access logs.

    ``LoadBalancerOptions(certificate=certificate, internet_facing=False,
    ingress_cidrs=["10.0.0.0/8"])``
    """

    internet_facing: bool = True
    """Default True (public subnets). False for an internal ALB in the private subnets."""
    certificate: acm.ICertificate | None = None
    """ACM certificate for the HTTPS listener on 443. Required unless ``allow_plain_http``;
    HTTP on 80 then only redirects to HTTPS."""
    ssl_policy: elbv2.SslPolicy = elbv2.SslPolicy.RECOMMENDED_TLS
    """TLS policy of the HTTPS listeners. Default RECOMMENDED_TLS (TLS 1.2 and 1.3 only,
    forward-secret ciphers)."""
    allow_plain_http: bool = False
    """Serve plain HTTP on 80 without a certificate. Default False; when True a warning
    ``ecs-patterns:PlainHttp`` is raised. Only for internal traffic whose TLS ends elsewhere or
    for non-sensitive test environments; not together with ``certificate``."""
    ingress_cidrs: Sequence[str] | None = None
    """IPv4 CIDRs allowed to reach the listeners (address/prefix with the host bits zero).
    Default ``0.0.0.0/0`` when internet-facing, the VPC CIDR when internal. At least one CIDR or
    prefix list when given."""
    ingress_prefix_lists: Sequence[str] = ()
    """Managed prefix list ids (``pl-...``) allowed as well, e.g. a corporate network or
    CloudFront's origin-facing list. Default: no prefix lists."""
    deletion_protection: bool | None = None
    """Deletion protection of the load balancer. Default None: off for the first create,
    announced at synthesis. CloudFormation cannot delete a protected load balancer, so with
    protection at create any failed first create ends in ROLLBACK_FAILED and needs manual
    cleanup before a retry (``RetainExceptOnCreate`` cannot help: the protection blocks that
    delete too). Set True in a later deploy, once the stack exists, so a production entry point
    is not deleted by a stray ``cdk destroy``, a replaced stack or the console. False turns it
    off explicitly and raises the warning ``ecs-patterns:NoDeletionProtection``."""
    desync_mitigation_mode: elbv2.DesyncMitigationMode = elbv2.DesyncMitigationMode.DEFENSIVE
    """Default DEFENSIVE (the AWS default): blocks requests that pose a desync (request
    smuggling) risk and still serves merely unusual ones; STRICTEST also rejects every
    non-RFC-7230 request, which breaks some legacy clients."""
    access_log_expiry_days: int = 365
    """Days ALB access logs are kept. Default 365 (PCI DSS 10.7 keeps audit trails a year; the
    same as the log groups). 1 to 3650."""
    access_log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    """What ``cdk destroy`` does to the access log bucket. Default RETAIN: logs are evidence."""
    waf: bool = True
    """Attach a WAFv2 web ACL with the AWS managed Common and KnownBadInputs rule groups,
    logged to an encrypted log group. Default True: the ALB is the entry point and NIST 800-53 /
    PCI DSS expect a WAF in front of it (about 7 USD a month plus 0.60 USD per million
    requests). False raises the warning ``ecs-patterns:NoWaf``."""
    web_acl_arn: str | None = None
    """Associate this existing regional web ACL (for example one managed by AWS Firewall
    Manager) instead of creating one. Default: a new web ACL (with ``waf``). Only with
    ``waf=True``; a regional WAFv2 web ACL ARN."""
    waf_rule_overrides: Mapping[str, Mapping[str, WafRuleAction]] = field(default_factory=dict)
    """Actions for rules of the managed rule groups in the created web ACL, by group name then
    rule name: ``{"AWSManagedRulesCommonRuleSet": {"SizeRestrictions_BODY": "block"}}``.
    Groups: ``AWSManagedRulesCommonRuleSet`` and ``AWSManagedRulesKnownBadInputsRuleSet``
    (others are refused); rule names are AWS's (not checked, AWS adds rules to its groups);
    actions ``"count"`` (log only), ``"allow"`` (also ends the web ACL's evaluation: later rule
    groups do not see the request) or ``"block"``. Merged over the default, which counts
    ``SizeRestrictions_BODY`` of the common rule set instead of blocking it: that rule blocks
    every request body over 8 KB, so uploads and larger JSON would get 403 on every service (AWS
    Knowledge Center "waf-http-request-body-inspection"). What it costs: a body over 8 KB is
    allowed (and logged as a count match), and an ALB passes only the first 8 KB of a body to
    AWS WAF, so the body rules (cross-site scripting, LFI/RFI, SSRF) do not see anything after
    the first 8 KB. Services that never take large bodies restore the block with
    ``{"SizeRestrictions_BODY": "block"}``. Only with a web ACL the library creates
    (``waf=True``, no ``web_acl_arn``)."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("LoadBalancerOptions")
        if self.certificate is None and not self.allow_plain_http:
            checks.fail(
                "certificate",
                None,
                "an ACM certificate for the HTTPS listener",
                "Pass certificate=acm.Certificate.from_certificate_arn(...), or set "
                "allow_plain_http=True for a non-production, internal-only service.",
            )
        check_certificate_arn(checks, "certificate", self.certificate)
        if self.certificate is not None and self.allow_plain_http:
            checks.fail(
                "allow_plain_http",
                True,
                "False when a certificate is given (HTTP then redirects to HTTPS)",
                "Drop allow_plain_http; with a certificate, port 80 redirects to 443.",
            )
        check_clients(checks, self.ingress_cidrs, self.ingress_prefix_lists)
        checks.int_range("access_log_expiry_days", self.access_log_expiry_days, 1, 3650)
        check_waf(
            checks,
            waf=self.waf,
            web_acl_arn=self.web_acl_arn,
            waf_rule_overrides=self.waf_rule_overrides,
        )
        checks.done()


@dataclass(frozen=True, kw_only=True)
class TargetGroupOptions:
    """The load balancer's target group: health checks, draining, slow start, request scaling.

    ``TargetGroupOptions(deregistration_delay=Duration.seconds(10), requests_per_target=500)``

    ``health_check_interval``, ``health_check_timeout`` and ``slow_start`` must be literals,
    not deploy-time tokens: aws-cdk-lib converts and checks them when it builds the target
    group.
    """

    health_check_interval: Duration = _SECONDS_10
    """Time between the load balancer's health checks of a task. Default 10 s. 5 to 300 s."""
    healthy_threshold: int = 2
    """Consecutive passed checks before a task receives traffic. Default 2. 2 to 10, and
    ``health_check_interval x healthy_threshold`` at most 30 s, so a new task is found healthy
    within 30 s and deployments and scale-outs are not held up."""
    unhealthy_threshold: int = 3
    """Consecutive failed checks before a task is taken out. Default 3 (30 s of failures before
    a task is replaced). 2 to 10."""
    health_check_timeout: Duration = _SECONDS_5
    """Time one check may take. Default 5 s. 2 to 120 s and below ``health_check_interval``."""
    deregistration_delay: Duration = _SECONDS_30
    """Draining time of a deregistered task. Default 30 s: long enough to drain web requests,
    short enough for five-minute deployments. 0 to 3600 s; above 60 s raises the warning
    ``ecs-patterns:LongDeregistrationDelay`` (and acknowledges the library's
    ``EcsPatterns-DeregistrationDelay`` rule on the target group)."""
    slow_start: Duration | None = None
    """Ramp-up of traffic to a new target. Default: off. 30 to 900 s, or 0 (off)."""
    health_check_grace_period: Duration = _SECONDS_60
    """Time ECS ignores the load balancer's health checks after a task starts. Default 60 s,
    time for the app to start before a failed check counts. 0 to 2147483647 s."""
    requests_per_target: int | None = None
    """Target ALB requests per task per minute for autoscaling (a target-group metric).
    Default: no request scaling. 1 to 1000000. Rolling only: blue/green alternates production
    between two target groups and the metric follows one of them, so it is rejected with
    :class:`CodeDeployBlueGreen` and :class:`EcsNativeBlueGreen`."""
    protocol: elbv2.ApplicationProtocol = elbv2.ApplicationProtocol.HTTP
    """Protocol from the load balancer to the tasks, for traffic and target health checks.
    Default HTTP: TLS ends at the load balancer, and traffic to the tasks stays inside the VPC,
    between two security groups. HTTPS encrypts that hop as well (Security Hub ELB.21 and
    ELB.22): the app must then serve TLS on the container port itself, with any certificate
    (the load balancer does not verify target certificates, so a self-signed one generated at
    start is enough), and the default container health check calls ``https://`` without
    verifying the certificate either."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("TargetGroupOptions")
        for name in ("health_check_interval", "health_check_timeout", "slow_start"):
            checks.known(
                name,
                getattr(self, name),
                "aws-cdk-lib converts and checks it when it builds the target group",
            )
        checks.duration_range("health_check_interval", self.health_check_interval, 5, 300)
        checks.duration_range("health_check_timeout", self.health_check_timeout, 2, 120)
        checks.int_range("healthy_threshold", self.healthy_threshold, 2, 10)
        checks.int_range("unhealthy_threshold", self.unhealthy_threshold, 2, 10)
        check_timeout_below_interval(
            checks,
            "health_check_timeout",
            self.health_check_timeout,
            "health_check_interval",
            self.health_check_interval,
        )
        interval = seconds(self.health_check_interval)
        threshold = self.healthy_threshold
        if interval is not None and not is_token(threshold) and isinstance(threshold, int):
            checks.check(
                interval * threshold <= 30,
                "healthy_threshold",
                threshold,
                f"at most {int(30 // interval)} with health_check_interval="
                f"{interval:g}s (interval x threshold <= 30 s, the time-to-healthy target)",
                "Lower healthy_threshold or health_check_interval so a new task is healthy "
                "within 30 s.",
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
        checks.duration_range(
            "health_check_grace_period", self.health_check_grace_period, 0, 2147483647
        )
        checks.int_range("requests_per_target", self.requests_per_target, 1, 1_000_000)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class WebServiceProps:
    """Props of :class:`FargateWebService`: the shared option structs plus the load balancer's.

    Only the image (and a certificate, or ``allow_plain_http``) is required; every default is
    safe. Minimal use::

        WebServiceProps(
            container=ContainerOptions(image=ecs.ContainerImage.from_registry("...:1.27")),
            load_balancer=LoadBalancerOptions(certificate=certificate),
        )

    Each struct validates its own fields when it is created; the rules between them (tracing
    needs task room, ECS Exec a writable root, the desired count lies in the scaling range,
    the deployment strategy's conflicts) are checked here and name the field by its path, e.g.
    ``WebServiceProps: task.cpu=256 is not valid``.
    """

    container: ContainerOptions
    """The app container. Required (it names the image). Its ``port`` defaults to 8080 here."""
    task: TaskOptions = field(default_factory=TaskOptions)
    """Task size, architecture, storage and tracing. Default: :class:`TaskOptions` with its
    defaults (256 cpu, 512 MiB, X86_64, no tracing)."""
    scaling: ScalingOptions = field(default_factory=ScalingOptions)
    """Autoscaling (target tracking on CPU, optionally memory; request count is
    ``target_group.requests_per_target``). Default: :class:`ScalingOptions` with its defaults
    (2 to 10 tasks at 50 % CPU). A web service keeps ``min_capacity`` at 1 or more."""
    placement: PlacementOptions = field(default_factory=PlacementOptions)
    """Capacity providers, service name, desired count and ECS Exec. Default:
    :class:`PlacementOptions` with its defaults (the cluster's capacity strategy, no ECS
    Exec)."""
    load_balancer: LoadBalancerOptions | None = None
    """The service's own load balancer: :class:`LoadBalancerOptions`, which needs a
    ``certificate`` (or ``allow_plain_http=True``). Required unless ``ingress`` is given (then
    refused: the shared load balancer is configured by ``SharedIngressProps``)."""
    target_group: TargetGroupOptions = field(default_factory=TargetGroupOptions)
    """The target group's health checks, draining and request-count scaling. Default:
    :class:`TargetGroupOptions` with its defaults."""
    deployment: DeploymentStrategy = field(default_factory=Rolling)
    """How a new task definition (a new image) is rolled out: :class:`Rolling` (default: ECS
    rolling, 100/200 %, circuit breaker with rollback), :class:`CodeDeployBlueGreen` or
    :class:`EcsNativeBlueGreen`. See each class and the documentation page "Deployment
    strategies", which also says what autoscaling does during a deployment.
    :meth:`FargateWebService.estimated_deployment_time` estimates how long one takes."""
    cluster: FargateCluster | ImportedCluster | None = None
    """A :class:`FargateCluster` to share, or a cluster made elsewhere
    (``FargateCluster.from_existing(...)``, see :class:`ImportedCluster` for what the library
    cannot know about it). Default: a new FargateCluster (and VPC) with its defaults, so the
    minimal use is one statement."""
    ingress: IngressRoute | None = None
    """Share a load balancer: :class:`IngressRoute` names a :class:`SharedIngress` and the
    host, path and header conditions (and priority) of the service's listener rule. Default
    None: the service gets its own load balancer (``load_balancer``). With an ingress the
    service keeps its own target group(s), health check and security-group rule (the load
    balancer reaches only its port), all built in the service's stack; ``cluster`` defaults to
    the ingress's; deployments are :class:`Rolling` or :class:`EcsNativeBlueGreen` (which needs
    the ingress's ``test_listener_port``); :class:`CodeDeployBlueGreen` is refused, since a
    CodeDeploy deployment acts on whole listeners."""
    service_connect: ServiceConnectOptions | None = None
    """:class:`ServiceConnectOptions`. Default: Service Connect off. Not with
    :class:`CodeDeployBlueGreen` (Service Connect needs the ECS deployment controller)."""
    # --- real-account options ---
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every taggable resource of the service (the ECS service and task definition,
    the load balancer, target groups, log groups, roles...; tasks get the service's tags through
    ``propagate_tags=SERVICE``). Default: no tags; Security Hub ECS.13 (services) and ECS.15
    (task definitions) in the resource tagging standard expect some. Keys 1-128 characters, not
    starting with ``aws:``; values at most 256."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("WebServiceProps")
        check_task_fits(checks, self.task, self.container)
        check_exec(checks, self.placement, self.container)
        checks.int_range(
            "scaling.min_capacity",
            self.scaling.min_capacity,
            1,
            MAX_TASKS,
            "Keep min_capacity at 1 or more (2 for one task per AZ); a web service with 0 "
            "tasks serves 503s.",
        )
        check_desired_count(
            checks, self.placement, self.scaling.min_capacity, self.scaling.max_capacity
        )
        self._check_deployment(checks)
        self._check_ingress(checks)
        check_tags(checks, "tags", self.tags)
        checks.done()

    @property
    def port(self) -> int:
        """The app port: ``container.port``, or 8080 when it is not set."""
        return self.container.port if self.container.port is not None else DEFAULT_PORT

    @property
    def effective_desired_count(self) -> int:
        """``placement.desired_count``, or ``scaling.min_capacity`` when it is not set."""
        return desired_count_at_creation(self.placement, self.scaling.min_capacity)

    @property
    def health_timing(self) -> HealthTiming:
        """The props the deployment-time estimate reads."""
        return HealthTiming(
            target_health_check_interval=self.target_group.health_check_interval,
            target_healthy_threshold=self.target_group.healthy_threshold,
            deregistration_delay=self.target_group.deregistration_delay,
            health_check_grace_period=self.target_group.health_check_grace_period,
            stop_timeout=self.container.stop_timeout,
        )

    def estimated_deployment_time(self) -> DeploymentTimeEstimate:
        """Estimate of one successful deployment under ``deployment`` (see
        :func:`estimate_deployment_time`)."""
        unhealthy = self.target_group.unhealthy_threshold
        return estimate_deployment_time(
            self.deployment,
            self.health_timing,
            unhealthy_threshold=unhealthy if not is_token(unhealthy) else 3,
        )

    def _check_deployment(self, checks: Checks) -> None:
        self.deployment.check(
            checks,
            DeploymentFacts(
                timing=self.health_timing,
                requests_per_target=self.target_group.requests_per_target,
                service_connect=self.service_connect is not None,
            ),
        )

    def _check_ingress(self, checks: Checks) -> None:
        """Own load balancer or shared ingress, and what a shared ingress requires."""
        route = self.ingress
        if route is None:
            if self.load_balancer is None:
                checks.fail(
                    "load_balancer",
                    None,
                    "LoadBalancerOptions for the service's own load balancer (with a "
                    "certificate, or allow_plain_http=True), or ingress= to share one",
                    "Pass load_balancer=LoadBalancerOptions(certificate=...), or "
                    "ingress=IngressRoute(ingress=shared_ingress, hosts=[...]).",
                )
            return
        if self.load_balancer is not None:
            checks.fail(
                "load_balancer",
                "LoadBalancerOptions(...)",
                "unset with ingress: the shared load balancer is configured by SharedIngressProps",
                "Drop load_balancer, and set its options on SharedIngressProps.",
            )
        conditions = RouteConditions.of(route.hosts, route.paths, route.headers)
        for problem in (
            *condition_problems(conditions, "ingress"),
            *priority_problems(route.priority, "ingress.priority"),
        ):
            checks.fail(problem.prop, problem.value, problem.allowed, problem.fix)
        shared = route.ingress.props
        self._check_ingress_deployment(checks, shared)
        if (
            self.cluster is not None
            and self.cluster is not shared.cluster
            and not _same_vpc(self.cluster, shared.cluster)
        ):
            checks.fail(
                "cluster",
                "a cluster in another VPC",
                "the ingress's cluster, or a cluster in the ingress's VPC (a target group and "
                "its load balancer share one VPC)",
                "Drop cluster (it defaults to the ingress's), or attach the service to an "
                "ingress in its own VPC.",
            )
        self._check_route_dns(checks, route, shared)

    def _check_ingress_deployment(self, checks: Checks, shared: SharedIngressProps) -> None:
        deployment = self.deployment
        refusal = deployment.shared_listener_refusal
        if refusal is not None:
            checks.fail(
                "deployment",
                deployment.name,
                refusal,
                "Use deployment=EcsNativeBlueGreen() (it shifts traffic within the service's "
                "own listener rule, made for shared listeners), or keep CodeDeployBlueGreen "
                "with the service's own load balancer (load_balancer=, no ingress=).",
            )
            return
        port = deployment.test_listener_port
        if port is None:
            return
        if shared.test_listener_port is None:
            checks.fail(
                "ingress",
                "SharedIngressProps(test_listener_port=None)",
                f"an ingress with a test listener for deployment={deployment.name} (its test "
                "rule goes on the shared test listener)",
                "Set SharedIngressProps(test_listener_port=8443) on the ingress.",
            )
            return
        default_port = getattr(type(deployment), "test_listener_port", None)
        checks.check(
            port in (shared.test_listener_port, default_port),
            "deployment.test_listener_port",
            port,
            f"the default, or the ingress's test_listener_port {shared.test_listener_port} "
            "(the test listener is the ingress's, shared by every service)",
            "Drop test_listener_port from the deployment strategy; the ingress's is used.",
        )
        clients = deployment.test_listener_clients
        checks.check(
            clients is None or list(clients) == list(shared.test_listener_cidrs or ()),
            "deployment.test_listener_cidrs",
            list(clients or ()),
            "the default, or the ingress's test_listener_cidrs (the test listener and its "
            "clients are the ingress's)",
            "Drop test_listener_cidrs from the deployment strategy and set "
            "SharedIngressProps(test_listener_cidrs=[...]).",
        )

    @staticmethod
    def _check_route_dns(checks: Checks, route: IngressRoute, shared: SharedIngressProps) -> None:
        literal = [h for h in route.hosts if not is_token(h) and not _has_wildcard(h)]
        if route.hosted_zone is not None:
            checks.check(
                bool(literal) or any(is_token(h) for h in route.hosts),
                "ingress.hosted_zone",
                list(route.hosts),
                "hosts without wildcards to create alias records for",
                "Add the service's host names to hosts, or drop hosted_zone.",
            )
        if not route.certificate:
            return
        checks.check(
            route.hosted_zone is not None,
            "ingress.certificate",
            True,
            "only with hosted_zone (the certificate is validated through DNS records there)",
            "Pass hosted_zone=route53.HostedZone.from_lookup(...), or drop certificate.",
        )
        from aws_cdk import aws_route53 as route53  # only for a route's certificate

        # ACM validates by looking the CNAME up in public DNS: records in a private zone are
        # never seen, so the certificate (and the stack) would wait for validation (ACM user
        # guide, "DNS validation"; the CloudFormation HostedZoneId option is "required for
        # publicly trusted certificates").
        checks.check(
            not isinstance(route.hosted_zone, route53.PrivateHostedZone),
            "ingress.certificate",
            True,
            "a public hosted_zone (ACM validates through public DNS; a private zone's records "
            "are never seen)",
            "Pass the public zone of the hosts for the certificate, or drop certificate and "
            "give the ingress a certificate (SharedIngressProps.certificates).",
        )
        checks.check(
            shared.https,
            "ingress.certificate",
            True,
            "only on an ingress with HTTPS (its listeners serve the certificate by SNI)",
            "Give the ingress certificates (SharedIngressProps.certificates), or drop certificate.",
        )
        names = certificate_names(route.hosts)
        checks.check(
            bool(names),
            "ingress.certificate",
            list(route.hosts),
            "hosts an ACM certificate can name (without '?'; '*' only as a whole first label)",
            "Add literal host names, or drop certificate.",
        )


def _has_wildcard(host: str) -> bool:
    return "*" in host or "?" in host


def certificate_names(hosts: Sequence[str]) -> list[str]:
    """The hosts an ACM certificate can name: literal names, and ``*.`` wildcard names."""
    names = []
    for host in hosts:
        rest = host[2:] if host.startswith("*.") else host
        if is_token(host) or not _has_wildcard(rest):
            names.append(host.lower() if not is_token(host) else host)
    return list(dict.fromkeys(names))


def _same_vpc(a: FargateCluster | ImportedCluster, b: FargateCluster | ImportedCluster) -> bool:
    if a.vpc is b.vpc:
        return True
    return bool(a.vpc.vpc_id == b.vpc.vpc_id)
