"""SharedIngress: one hardened load balancer that many web services share by listener rules."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..cluster import ClusterHandle
from ..core._errors import ConfigurationError
from ..core._shared_load_balancers import mark_shared_load_balancer
from ._alb_checks import certificate_arn, region_problems
from ._ingress_props import SharedIngressProps
from ._load_balancer import AlbSettings, HardenedAlb, default_ingress_cidrs
from ._routing import RouteTable

__all__ = ["ImportedIds", "SharedIngress"]


@dataclass(frozen=True)
class ImportedIds:
    """The tokens a routed service imports the ingress's listeners and security group by."""

    listener_arn: str
    security_group_id: str
    test_listener_arn: str | None


def not_found() -> elbv2.ListenerAction:
    """The default action of the shared listeners: a fixed 404, so an unknown host or path
    reaches no service."""
    return elbv2.ListenerAction.fixed_response(
        404, content_type="text/plain", message_body="Not found"
    )


class SharedIngress(Construct):
    """One hardened Application Load Balancer for many web services, routed by listener rules.

    Minimal use, in a platform stack beside the cluster::

        ingress = SharedIngress(stack, "Ingress", SharedIngressProps(
            cluster=cluster, certificates=[certificate],
        ))
        FargateWebService(service_stack, "Orders", WebServiceProps(
            container=ContainerOptions(image=...),
            ingress=IngressRoute(ingress=ingress, hosts=["orders.example.com"]),
        ))

    What it builds: the hardening of a service's own load balancer (the same builder): HTTPS
    with a TLS 1.2/1.3 policy and every certificate (the first is the default, the others are
    served by SNI), port 80 redirecting to 443, invalid header fields dropped, desync
    mitigation, access logs to a private, TLS-only, versioned bucket with expiry, one WAFv2 web
    ACL with AWS managed rules (logged with credentials redacted), deletion protection after the
    first create; a security group that admits the clients on the listener ports and has no
    egress of its own. The listeners' default action answers 404 (``default_action``), so only
    a service's rule sends a request anywhere. With ``test_listener_port``, a shared test
    listener (same protocol and certificates, the same 404 default) for services deploying with
    ``EcsNativeBlueGreen``, reachable only from ``test_listener_cidrs``.

    Each service (``WebServiceProps(ingress=IngressRoute(...))``) builds its own target
    group(s), listener rule(s), security-group rules, DNS records and certificate in its own
    scope, importing the listeners and the security group by id: a service stack depends on
    the platform stack and never the reverse, so there is no reference cycle and each service
    stack deploys on its own. Load-balancer-level alarms belong to the ingress; a service's
    watch its own target group(s): monitor the ingress once with ``IngressMonitoring``
    (``MonitoringProps`` refuses this load balancer).

    Attributes:
        props: the props as given.
        cluster: the cluster (its VPC holds the load balancer).
        load_balancer, security_group, listener (HTTPS, or HTTP with ``allow_plain_http``),
        redirect_listener (None for plain HTTP), test_listener (None without
        ``test_listener_port``), access_log_bucket, web_acl (None unless created),
        waf_log_group (None unless a web ACL is created).
        routes: the :class:`RouteTable` of the services attached so far (priorities, target
            groups), which refuses clashing routes naming both services.
        stack, environment: the ingress's stack and its (account, region).
        imported_ids: the listener ARN(s) and security group id (tokens) that each attached
            service imports them by, read once per ingress.
        extra_certificates: certificates served by SNI besides the listeners' defaults, each
            listener's counted (the ingress's own and the routes' so far); above
            ``CERTIFICATES_QUOTA`` (25, the adjustable ELB default) a warning names the
            quota.
    """

    def __init__(self, scope: Construct, id: str, props: SharedIngressProps) -> None:
        stack = Stack.of(scope)
        _check_against_the_stack(stack, props)
        super().__init__(scope, id)
        self.stack = stack
        self.environment = (stack.account, stack.region)
        self._exported = False
        self._imported_ids: ImportedIds | None = None
        self.props = props
        self.cluster: ClusterHandle = props.cluster
        self.routes = RouteTable()
        vpc = self.cluster.vpc
        settings = AlbSettings(
            internet_facing=props.internet_facing,
            certificates=tuple(props.certificates),
            ssl_policy=props.ssl_policy,
            ingress_prefix_lists=tuple(props.ingress_prefix_lists),
            deletion_protection=props.deletion_protection,
            desync_mitigation_mode=props.desync_mitigation_mode,
            access_log_expiry_days=props.access_log_expiry_days,
            access_log_removal_policy=props.access_log_removal_policy,
            waf=props.waf,
            web_acl_arn=props.web_acl_arn,
            waf_rule_overrides=props.waf_rule_overrides,
            props_name="SharedIngressProps",
            certificate_prop="certificates",
        )
        cidrs = default_ingress_cidrs(
            props.ingress_cidrs,
            internet_facing=props.internet_facing,
            known_vpc_cidr=self.cluster.known_vpc_cidr,
            vpc=vpc,
            props_name="SharedIngressProps",
            prop="ingress_cidrs",
        )
        alb = HardenedAlb(self, settings, vpc)
        self.security_group: ec2.SecurityGroup = alb.security_group
        self.access_log_bucket: s3.Bucket = alb.access_log_bucket
        self.load_balancer: elbv2.ApplicationLoadBalancer = alb.load_balancer
        # Its load-balancer-level alarms belong to the ingress (IngressMonitoring), not to the
        # monitoring of each service behind it.
        mark_shared_load_balancer(self.load_balancer, self.node.path)
        self.listener: elbv2.ApplicationListener
        self.redirect_listener: elbv2.ApplicationListener | None
        self.listener, self.redirect_listener = alb.listeners(
            default_action=props.default_action or not_found()
        )
        self.test_listener: elbv2.ApplicationListener | None = None
        test_port = props.test_listener_port
        test_cidrs: list[str] = []
        if test_port is not None:
            self.test_listener = alb.test_listener(
                test_port, default_action=props.default_action or not_found()
            )
            if props.test_listener_cidrs is not None:
                test_cidrs = list(props.test_listener_cidrs)
            elif "0.0.0.0/0" not in cidrs:
                test_cidrs = list(cidrs)
        alb.ingress(
            cidrs,
            test_port=test_port,
            test_cidrs=test_cidrs,
            test_prefix_lists=props.test_listener_cidrs is None,
            reaches="the port of each service attached to it (one rule per service, written "
            "when the service attaches)",
        )
        # Certificates besides each listener's default, counted per listener (the quota
        # counts certificates per load balancer; whether one served on two listeners counts
        # twice is not documented, so this counts it twice).
        self.extra_certificates = 0
        self.add_certificates(
            self,
            max(len(props.certificates) - 1, 0) * (2 if self.test_listener is not None else 1),
        )
        alb.waf(props.logging, self.cluster.key)
        self.web_acl: wafv2.CfnWebACL | None = alb.web_acl
        self.waf_log_group: logs.LogGroup | None = alb.waf_log_group
        alb.protect()

    def export_for(self, consumer: Stack) -> None:
        """Export what services import from the ingress, once a service lives in another stack.

        aws-cdk-lib exports a value only while some stack in the app imports it. When the last
        consumer of one goes (the last blue/green service, which imports the test listener;
        the last service with DNS records, which imports the load balancer's DNS name),
        ``cdk deploy`` would update this stack first and CloudFormation would refuse to remove
        an export the not yet updated service stack still imports (aws/aws-cdk discussion
        #38371). Exporting every such value as soon as one service is in another stack keeps
        the exports (same names as the automatic ones) while any service stack exists.
        """
        if self._exported or consumer is self.stack:
            return
        self._exported = True
        values = [
            self.imported_ids.listener_arn,
            self.imported_ids.security_group_id,
            self.load_balancer.load_balancer_dns_name,
            self.load_balancer.load_balancer_canonical_hosted_zone_id,
        ]
        if self.imported_ids.test_listener_arn is not None:
            values.append(self.imported_ids.test_listener_arn)
        for value in values:
            self.stack.export_value(value)

    @property
    def imported_ids(self) -> ImportedIds:
        """The ids every attached service imports the listeners and security group by.

        Read from the jsii kernel once per ingress, not once per service: each is a token string
        that stands for the same value in every stack (a reference the CDK turns into an
        export and an import). Saves 2 round trips per routed service (3 with a test listener).
        """
        if self._imported_ids is None:
            test = self.test_listener
            self._imported_ids = ImportedIds(
                listener_arn=self.listener.listener_arn,
                security_group_id=self.security_group.security_group_id,
                test_listener_arn=test.listener_arn if test is not None else None,
            )
        return self._imported_ids

    # Certificates per Application Load Balancer besides the default ones: 25 by default, an
    # adjustable quota (ELB user guide, "Quotas for your Application Load Balancers").
    CERTIFICATES_QUOTA = 25

    def add_certificates(self, scope: Construct, count: int) -> None:
        """Count ``count`` more certificates served on the listeners by SNI (a route's); warn
        on ``scope`` once the load balancer holds more than the default quota."""
        self.extra_certificates += count
        if self.extra_certificates <= self.CERTIFICATES_QUOTA:
            return
        Annotations.of(scope).add_warning_v2(
            "ecs-patterns:ListenerCertificateQuota",
            f"the shared ingress {self.node.path} now serves {self.extra_certificates} "
            f"certificates besides its listeners' default ones (each listener's counted); "
            f"the default quota is {self.CERTIFICATES_QUOTA} per load balancer (ELB quotas page), "
            "beyond which this stack's listener certificate fails with TooManyCertificates. "
            "Raise the quota 'Certificates per Application Load Balancer' first, or give "
            "the ingress one wildcard certificate (SharedIngressProps.certificates) instead "
            "of a certificate per route.",
        )


def _check_against_the_stack(stack: Stack, props: SharedIngressProps) -> None:
    """Refuse certificates and web ACLs of another region than the stack."""
    problems = region_problems(
        stack,
        [
            *((f"certificates[{i}]", certificate_arn(c)) for i, c in enumerate(props.certificates)),
            ("web_acl_arn", props.web_acl_arn),
        ],
    )
    if problems:
        raise ConfigurationError("SharedIngressProps", problems)
