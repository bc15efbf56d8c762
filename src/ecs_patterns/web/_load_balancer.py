"""The load balancer side of FargateWebService: ALB, listeners, target group, access logs, WAF.

One hardened ALB builder (:class:`HardenedAlb`) makes the load balancer, its security group,
access-log bucket, HTTPS listener with the port-80 redirect, client ingress rules, web ACL and
deletion-protection handling; the per-service :class:`WebLoadBalancer` and the shared ingress
(``SharedIngress``) both compose it, so the two cannot drift apart.

Long module: the builder and the per-service load balancer that composes it, with the target
groups and blue/green listeners only the per-service form has; one place for the hardening.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Annotations, ArnFormat, Duration, Names, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..core._compliance import exempt
from ..core._errors import ConfigurationError, Problem
from ..core._jsii import shared
from ..core._limits import MAX_DEREGISTRATION_DELAY_S
from ..core._logs import encrypted_log_group, per_stack_log_group_name
from ..core._options import LoggingOptions
from ..core._validation import seconds
from ..core.deployment import DeploymentStrategy
from . import _exemptions as exemptions
from ._props import LoadBalancerOptions, TargetGroupOptions
from ._waf import DEFAULT_WAF_RULE_OVERRIDES, WAF_MANAGED_RULE_GROUPS, WafRuleAction

__all__ = [
    "AlbSettings",
    "HardenedAlb",
    "WebLoadBalancer",
    "default_ingress_cidrs",
    "target_group",
    "weighted_rule",
]

# Deleted access-log versions stay recoverable this long before they expire for good.
_NONCURRENT_LOG_DAYS = 30


def _days(days: int) -> Duration:
    return shared(("Duration.days", days), lambda: Duration.days(days))


def _tcp(port: int) -> ec2.Port:
    return shared(("Port.tcp", port), lambda: ec2.Port.tcp(port))


def _ipv4(cidr: str) -> ec2.IPeer:
    return shared(("Peer.ipv4", cidr), lambda: ec2.Peer.ipv4(cidr))


@dataclass(frozen=True, kw_only=True)
class AlbSettings:
    """What the hardened ALB builder reads, from ``LoadBalancerOptions`` (one service's load
    balancer) or ``SharedIngressProps`` (the shared ingress).

    ``props_name`` and ``certificate_prop`` name the struct and its certificate field in the
    warnings, so a message points at what the user wrote.
    """

    internet_facing: bool
    certificates: tuple[acm.ICertificate, ...]
    ssl_policy: elbv2.SslPolicy
    ingress_prefix_lists: tuple[str, ...]
    deletion_protection: bool | None
    desync_mitigation_mode: elbv2.DesyncMitigationMode
    access_log_expiry_days: int
    access_log_removal_policy: RemovalPolicy
    waf: bool
    web_acl_arn: str | None
    waf_rule_overrides: Mapping[str, Mapping[str, WafRuleAction]]
    props_name: str
    certificate_prop: str

    @property
    def https(self) -> bool:
        return bool(self.certificates)

    @classmethod
    def of(cls, options: LoadBalancerOptions) -> AlbSettings:
        """The settings of one service's load balancer."""
        return cls(
            internet_facing=options.internet_facing,
            certificates=(options.certificate,) if options.certificate is not None else (),
            ssl_policy=options.ssl_policy,
            ingress_prefix_lists=tuple(options.ingress_prefix_lists),
            deletion_protection=options.deletion_protection,
            desync_mitigation_mode=options.desync_mitigation_mode,
            access_log_expiry_days=options.access_log_expiry_days,
            access_log_removal_policy=options.access_log_removal_policy,
            waf=options.waf,
            web_acl_arn=options.web_acl_arn,
            waf_rule_overrides=options.waf_rule_overrides,
            props_name="LoadBalancerOptions",
            certificate_prop="certificate",
        )


def default_ingress_cidrs(
    cidrs: Sequence[str] | None,
    *,
    internet_facing: bool,
    known_vpc_cidr: str | None,
    vpc: ec2.IVpc,
    props_name: str,
    prop: str,
) -> list[str]:
    """The client CIDRs: as given, else anywhere (internet-facing) or the VPC (internal)."""
    if cidrs is not None:
        return list(cidrs)
    if internet_facing:
        return ["0.0.0.0/0"]
    # A new VPC's CIDR is a token to CloudFormation, but the cluster chose it: use the
    # literal so reviewers and rules see the real range.
    if known_vpc_cidr is not None:
        return [known_vpc_cidr]
    try:
        return [vpc.vpc_cidr_block]
    except Exception:  # jsii: a VPC imported without vpc_cidr_block raises on access
        raise ConfigurationError(
            props_name,
            [
                Problem(
                    prop=prop,
                    value=None,
                    allowed="explicit CIDRs for an internal load balancer in a VPC "
                    "imported without its CIDR",
                    fix="Pass ingress_cidrs=[...] (e.g. the VPC or corporate CIDRs), or "
                    "import the VPC with vpc_cidr_block.",
                )
            ],
        ) from None


def target_group(
    scope: Construct,
    id: str,
    props: TargetGroupOptions,
    port: int,
    health_check_path: str,
    vpc: ec2.IVpc,
) -> elbv2.ApplicationTargetGroup:
    """An IP target group for the app port with the props' health check and draining."""
    # 0 means off; an unresolved token is passed through.
    slow_start = None if seconds(props.slow_start) == 0 else props.slow_start
    group = elbv2.ApplicationTargetGroup(
        scope,
        id,
        vpc=vpc,
        port=port,
        # HTTPS to the tasks (Security Hub ELB.21/ELB.22) only when the app serves TLS.
        protocol=props.protocol,
        target_type=elbv2.TargetType.IP,
        deregistration_delay=props.deregistration_delay,
        slow_start=slow_start,
        health_check=elbv2.HealthCheck(
            enabled=True,
            path=health_check_path,
            protocol=elbv2.Protocol.HTTPS
            if props.protocol == elbv2.ApplicationProtocol.HTTPS
            else elbv2.Protocol.HTTP,
            interval=props.health_check_interval,
            timeout=props.health_check_timeout,
            healthy_threshold_count=props.healthy_threshold,
            unhealthy_threshold_count=props.unhealthy_threshold,
            healthy_http_codes="200-299",
        ),
    )
    delay = seconds(props.deregistration_delay)
    if delay is not None and delay > MAX_DEREGISTRATION_DELAY_S:
        Annotations.of(scope).add_warning_v2(
            "ecs-patterns:LongDeregistrationDelay",
            f"deregistration_delay={delay:g}s: every deployment and scale-in waits this long "
            f"per task; the library's target is {MAX_DEREGISTRATION_DELAY_S} s.",
        )
        exempt(group, exemptions.long_deregistration_delay(delay))
    return group


class HardenedAlb:
    """The hardened Application Load Balancer both load balancer forms are built from.

    Not a construct of its own: it adds its resources to ``scope`` (so a per-service load
    balancer keeps the construct paths, and logical ids, it always had). In this order: the
    security group (no egress until targets register), the access-log bucket (private,
    TLS-only, versioned, with expiry; SSE-S3, the only encryption ALB log delivery supports),
    the load balancer (invalid header fields dropped, desync mitigation, access logs); then,
    as the caller asks: the HTTPS listener with every certificate (the first is the default,
    the others are served by SNI) and the port-80 redirect, or plain HTTP when chosen
    explicitly (:meth:`listeners`); a test listener (:meth:`test_listener`); the client
    ingress rules (:meth:`ingress`); the WAF web ACL with its logging (:meth:`waf`); and the
    deletion-protection handling (:meth:`protect`).
    """

    def __init__(self, scope: Construct, settings: AlbSettings, vpc: ec2.IVpc) -> None:
        self._scope = scope
        self.settings = settings
        self.security_group = ec2.SecurityGroup(
            scope,
            "SecurityGroup",
            vpc=vpc,
            description="Load balancer: listeners from the allowed clients, out to the tasks only",
            allow_all_outbound=False,
        )
        self.access_log_bucket = self._access_log_bucket()
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            scope,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=settings.internet_facing,
            vpc_subnets=ec2.SubnetSelection(
                subnet_type=ec2.SubnetType.PUBLIC
                if settings.internet_facing
                else ec2.SubnetType.PRIVATE_WITH_EGRESS
            ),
            security_group=self.security_group,
            deletion_protection=settings.deletion_protection is True,
            drop_invalid_header_fields=True,
            desync_mitigation_mode=settings.desync_mitigation_mode,
        )
        self.load_balancer.log_access_logs(self.access_log_bucket, "alb")
        self.web_acl: wafv2.CfnWebACL | None = None
        self.waf_log_group: logs.LogGroup | None = None

    def _certificates(self) -> list[elbv2.IListenerCertificate]:
        return [
            elbv2.ListenerCertificate.from_certificate_manager(c)
            for c in self.settings.certificates
        ]

    def listeners(
        self,
        *,
        default_target_groups: Sequence[elbv2.IApplicationTargetGroup] | None = None,
        default_action: elbv2.ListenerAction | None = None,
    ) -> tuple[elbv2.ApplicationListener, elbv2.ApplicationListener | None]:
        """The production listener and the HTTP->HTTPS redirect (None for plain HTTP)."""
        settings = self.settings
        if settings.https:
            listener = self.load_balancer.add_listener(
                "Https",
                port=443,
                protocol=elbv2.ApplicationProtocol.HTTPS,
                certificates=self._certificates(),
                ssl_policy=settings.ssl_policy,
                open=False,
                default_target_groups=default_target_groups,
                default_action=default_action,
            )
            redirect = self.load_balancer.add_redirect(
                source_port=80,
                source_protocol=elbv2.ApplicationProtocol.HTTP,
                target_port=443,
                target_protocol=elbv2.ApplicationProtocol.HTTPS,
                open=False,
            )
            exempt(redirect, exemptions.REDIRECT_LISTENER)
            return listener, redirect
        Annotations.of(self._scope).add_warning_v2(
            "ecs-patterns:PlainHttp",
            f"{settings.props_name}(allow_plain_http=True): the load balancer serves plain HTTP "
            f"on port 80 without TLS. Pass {settings.props_name}("
            f"{settings.certificate_prop}=...) for HTTPS in any environment that carries real "
            "data.",
        )
        listener = self.load_balancer.add_listener(
            "Http",
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            open=False,
            default_target_groups=default_target_groups,
            default_action=default_action,
        )
        exempt(listener, *exemptions.PLAIN_HTTP_LISTENER)
        return listener, None

    def test_listener(
        self,
        port: int,
        *,
        default_target_groups: Sequence[elbv2.IApplicationTargetGroup] | None = None,
        default_action: elbv2.ListenerAction | None = None,
    ) -> elbv2.ApplicationListener:
        """The blue/green test listener on ``port``: production's protocol and certificates."""
        if self.settings.https:
            return self.load_balancer.add_listener(
                "TestListener",
                port=port,
                protocol=elbv2.ApplicationProtocol.HTTPS,
                certificates=self._certificates(),
                ssl_policy=self.settings.ssl_policy,
                open=False,
                default_target_groups=default_target_groups,
                default_action=default_action,
            )
        listener = self.load_balancer.add_listener(
            "TestListener",
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            open=False,
            default_target_groups=default_target_groups,
            default_action=default_action,
        )
        exempt(listener, *exemptions.TEST_LISTENER_PLAIN_HTTP)
        return listener

    def ingress(
        self,
        cidrs: list[str],
        *,
        test_port: int | None = None,
        test_cidrs: Sequence[str] = (),
        test_prefix_lists: bool = False,
        reaches: str = "the tasks' port",
    ) -> None:
        """Admit the clients on the listener ports, and ``test_cidrs`` (plus the prefix lists
        when ``test_prefix_lists``) on the test listener's port; ``reaches`` says what the load
        balancer connects to, for the acknowledgement of an open security group."""
        settings = self.settings
        ports = [443, 80] if settings.https else [80]
        peers = [_ipv4(c) for c in cidrs]
        peers += [ec2.Peer.prefix_list(p) for p in settings.ingress_prefix_lists]
        for peer in peers:
            for port in ports:
                self.security_group.add_ingress_rule(
                    peer, _tcp(port), "HTTPS clients" if port == 443 else "HTTP clients"
                )
        public_ports = list(ports) if "0.0.0.0/0" in cidrs else []
        if test_port is not None:
            test_peers = [_ipv4(c) for c in test_cidrs]
            if test_prefix_lists:
                test_peers += [ec2.Peer.prefix_list(p) for p in settings.ingress_prefix_lists]
            for peer in test_peers:
                self.security_group.add_ingress_rule(peer, _tcp(test_port), "Test listener clients")
            if "0.0.0.0/0" in test_cidrs:
                public_ports.append(test_port)
                Annotations.of(self._scope).add_warning_v2(
                    "ecs-patterns:PublicTestListener",
                    f"test_listener_cidrs includes 0.0.0.0/0: anyone can reach the untested "
                    f"green revision on port {test_port} before production traffic moves to "
                    "it. Admit only the testers' networks unless the release is public anyway.",
                )
        if public_ports:
            exempt(
                self.security_group,
                *exemptions.open_security_group(
                    ports=public_ports,
                    port_80="0.0.0.0/0" in cidrs,
                    https=settings.https,
                    reaches=reaches,
                ),
            )

    def protect(self) -> None:
        """Deletion protection: off at create unless asked for, so a failed first create can
        roll back; the load balancer's acknowledgements.

        CloudFormation cannot delete a load balancer with deletion protection ("cannot be
        deleted because deletion protection is enabled"), so a create that fails after the
        load balancer exists ends in ROLLBACK_FAILED and needs manual cleanup
        (aws-cloudformation/rain#187). ``RetainExceptOnCreate`` does not help: the protection
        still blocks that delete. So the protection is turned on by a later deploy
        (``deletion_protection=True`` once the stack exists).
        """
        protection = self.settings.deletion_protection
        if protection is False:
            Annotations.of(self._scope).add_warning_v2(
                "ecs-patterns:NoDeletionProtection",
                "deletion_protection=False: the load balancer can be deleted by a stack update "
                "or destroy. Keep it on in production.",
            )
        elif protection is None:
            Annotations.of(self._scope).add_info(
                "ecs-patterns: deletion protection of the load balancer is off for the first "
                "create, so that a failed create can roll back (CloudFormation cannot delete a "
                "protected load balancer). Set deletion_protection=True in a later deploy, once "
                "the stack exists."
            )
        exempt(
            self.load_balancer,
            *exemptions.load_balancer(waf=self.settings.waf, deletion_protection=protection),
        )

    def _access_log_bucket(self) -> s3.Bucket:
        settings = self.settings
        bucket = s3.Bucket(
            self._scope,
            "AccessLogs",
            # ALB access log delivery supports SSE-S3 only (not SSE-KMS).
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=shared(
                "BlockPublicAccess.BLOCK_ALL", lambda: s3.BlockPublicAccess.BLOCK_ALL
            ),
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            removal_policy=settings.access_log_removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=_days(settings.access_log_expiry_days),
                    noncurrent_version_expiration=_days(_NONCURRENT_LOG_DAYS),
                    abort_incomplete_multipart_upload_after=_days(1),
                )
            ],
        )
        exempt(
            bucket,
            *exemptions.access_log_bucket(
                expiry_days=settings.access_log_expiry_days, noncurrent_days=_NONCURRENT_LOG_DAYS
            ),
        )
        return bucket

    def waf(self, logging: LoggingOptions, key: kms.IKey) -> None:
        """Associate the web ACL: a created one (logged to an encrypted group) or the given
        ``web_acl_arn``; with ``waf=False`` only a warning."""
        settings = self.settings
        if not settings.waf:
            Annotations.of(self._scope).add_warning_v2(
                "ecs-patterns:NoWaf",
                "waf=False: no AWS WAF web ACL filters requests to this load balancer.",
            )
            return
        web_acl_arn = settings.web_acl_arn
        if web_acl_arn is None:
            self.web_acl = self._web_acl()
            self.waf_log_group = self._waf_logging(logging, self.web_acl, key)
            web_acl_arn = self.web_acl.attr_arn
        wafv2.CfnWebACLAssociation(
            self._scope,
            "WebAclAssociation",
            resource_arn=self.load_balancer.load_balancer_arn,
            web_acl_arn=web_acl_arn,
        )

    def _web_acl(self) -> wafv2.CfnWebACL:
        """AWS managed Common and KnownBadInputs rule groups, with rule actions overridden.

        By default the common rule set's SizeRestrictions_BODY (blocks bodies over 8 KB)
        counts instead of blocking; ``waf_rule_overrides`` sets any rule by name.
        """
        props = self.settings
        metric = Names.unique_id(self._scope)[-100:]
        overrides: dict[str, dict[str, WafRuleAction]] = {
            group: {
                **DEFAULT_WAF_RULE_OVERRIDES.get(group, {}),
                **props.waf_rule_overrides.get(group, {}),
            }
            for group in WAF_MANAGED_RULE_GROUPS
        }

        def visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True,
                metric_name=name,
                sampled_requests_enabled=True,
            )

        return wafv2.CfnWebACL(
            self._scope,
            "WebAcl",
            scope="REGIONAL",
            description="AWS managed rules: common web exploits and known bad inputs",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(metric),
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name=group,
                    priority=priority,
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS",
                            name=group,
                            rule_action_overrides=[
                                wafv2.CfnWebACL.RuleActionOverrideProperty(
                                    name=rule,
                                    action_to_use=wafv2.CfnWebACL.RuleActionProperty(
                                        **{action: {}}
                                    ),
                                )
                                for rule, action in sorted(overrides[group].items())
                            ]
                            or None,
                        )
                    ),
                    visibility_config=visibility(f"{metric}-{group}"),
                )
                for priority, group in enumerate(WAF_MANAGED_RULE_GROUPS)
            ],
        )

    def _waf_logging(
        self, logging: LoggingOptions, web_acl: wafv2.CfnWebACL, key: kms.IKey
    ) -> logs.LogGroup:
        # WAF delivers to CloudWatch Logs only into groups named aws-waf-logs-*.
        # The name is new with every stack (see per_stack_log_group_name): after cdk destroy
        # the retained group keeps its logs and a redeploy creates a new one; a named, retained
        # group is RetainExceptOnCreate, so a failed first create deletes the (empty) group.
        log_group = encrypted_log_group(
            self._scope,
            "WafLogs",
            key=key,
            retention=logging.retention,
            removal_policy=logging.removal_policy,
            name=per_stack_log_group_name(self._scope, "aws-waf-logs-"),
        )
        stack = Stack.of(self._scope)
        wafv2.CfnLoggingConfiguration(
            self._scope,
            "WafLogging",
            resource_arn=web_acl.attr_arn,
            # WAF wants the log group ARN without the ':*' suffix of LogGroup.log_group_arn.
            log_destination_configs=[
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=log_group.log_group_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            # Credentials and sessions never reach the logs.
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": "authorization"}
                ),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                    single_header={"Name": "cookie"}
                ),
            ],
        )
        return log_group


class WebLoadBalancer(Construct):
    """One service's own ALB (a :class:`HardenedAlb`) with its IP target group.

    When the deployment strategy needs a green target group (blue/green), it adds one (same
    settings) and a test listener on the strategy's ``test_listener_port`` (same protocol,
    certificate and allowed clients as production):

    * Traffic moved by the listeners (CodeDeploy): the production listener forwards to blue,
      the test listener to green; CodeDeploy re-points both during a deployment.
    * Traffic moved by listener *rules* (``shifts_listener_rules``, ECS-native): each listener
      gets a rule (priority 1, every path) forwarding to blue (weight 100) and green (weight
      0); the default actions forward to blue and are never reached.

    It receives only what it uses: its own options, the target group's, the app ``port`` and
    ``health_check_path`` the target group checks, the deployment strategy (green target group
    and test listener) and the ``logging`` of the WAF log group (the app's log settings).

    Attributes:
        load_balancer, security_group, listener (production), redirect_listener (HTTP->HTTPS,
        None for plain HTTP), target_group (blue), access_log_bucket, web_acl (None unless
        created), waf_log_group (None unless a web ACL is created), green_target_group,
        test_listener, production_rule, test_rule (None unless the strategy needs them).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        options: LoadBalancerOptions,
        target_group: TargetGroupOptions,
        port: int,
        health_check_path: str,
        deployment: DeploymentStrategy,
        logging: LoggingOptions,
        vpc: ec2.IVpc,
        ingress_cidrs: list[str],
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, id)
        self._deployment = deployment
        alb = HardenedAlb(self, AlbSettings.of(options), vpc)
        self.security_group = alb.security_group
        self.access_log_bucket = alb.access_log_bucket
        self.load_balancer = alb.load_balancer
        self.target_group = _target_group(
            self, "TargetGroup", target_group, port, health_check_path, vpc
        )
        self.green_target_group: elbv2.ApplicationTargetGroup | None = None
        self.test_listener: elbv2.ApplicationListener | None = None
        self.production_rule: elbv2.ApplicationListenerRule | None = None
        self.test_rule: elbv2.ApplicationListenerRule | None = None
        blue_green = deployment.needs_green_target_group
        if blue_green:
            self.green_target_group = _target_group(
                self, "GreenTargetGroup", target_group, port, health_check_path, vpc
            )
        self.listener, self.redirect_listener = alb.listeners(
            default_target_groups=[self.target_group]
        )
        if blue_green:
            self._blue_green_listeners(alb)
        test_port = deployment.test_listener_port
        alb.ingress(
            ingress_cidrs,
            test_port=test_port,
            test_cidrs=self._test_listener_cidrs(ingress_cidrs) if test_port is not None else (),
            test_prefix_lists=deployment.test_listener_clients is None,
        )
        alb.waf(logging, key)
        self.web_acl: wafv2.CfnWebACL | None = alb.web_acl
        self.waf_log_group: logs.LogGroup | None = alb.waf_log_group
        alb.protect()

    def _test_listener_cidrs(self, cidrs: list[str]) -> list[str]:
        """The test listener's clients: as given, else production's unless open to anyone."""
        given = self._deployment.test_listener_clients
        if given is not None:
            return list(given)
        return [] if "0.0.0.0/0" in cidrs else list(cidrs)

    def _blue_green_listeners(self, alb: HardenedAlb) -> None:
        """The test listener, and for ECS-native deployments the two listener rules."""
        green = self.green_target_group
        port = self._deployment.test_listener_port
        assert green is not None
        assert port is not None
        native = self._deployment.shifts_listener_rules
        # CodeDeploy: test traffic starts on green (empty until a deployment), which also
        # associates green with the load balancer so CodeDeploy can register tasks in it.
        default_group = self.target_group if native else green
        self.test_listener = alb.test_listener(port, default_target_groups=[default_group])
        if native:
            self.production_rule = weighted_rule(
                self,
                "ProductionRule",
                self.listener,
                self.target_group,
                green,
                priority=1,
                conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
            )
            self.test_rule = weighted_rule(
                self,
                "TestRule",
                self.test_listener,
                self.target_group,
                green,
                priority=1,
                conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
            )


_target_group = target_group


def weighted_rule(
    scope: Construct,
    id: str,
    listener: elbv2.IApplicationListener,
    blue: elbv2.ApplicationTargetGroup,
    green: elbv2.ApplicationTargetGroup,
    *,
    priority: int,
    conditions: Sequence[elbv2.ListenerCondition],
) -> elbv2.ApplicationListenerRule:
    """Blue (100) and green (0): the rule ECS rewrites to shift traffic."""
    return elbv2.ApplicationListenerRule(
        scope,
        id,
        listener=listener,
        priority=priority,
        conditions=conditions,
        action=elbv2.ListenerAction.weighted_forward(
            [
                elbv2.WeightedTargetGroup(target_group=blue, weight=100),
                elbv2.WeightedTargetGroup(target_group=green, weight=0),
            ]
        ),
    )
