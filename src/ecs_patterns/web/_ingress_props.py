"""Props of the shared ingress (SharedIngressProps) and of one service's route (IngressRoute).

Typed, frozen, keyword-only and validated at creation like every props class of the library.
The fields shared with ``LoadBalancerOptions`` mean the same and are checked by the same code
(``_alb_checks``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aws_cdk import RemovalPolicy
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from ..cluster import FargateCluster, ImportedCluster
from ..core._options import LoggingOptions
from ..core._typecheck import require_types
from ..core._validation import Checks
from ..core.deployment._base import check_test_cidrs, check_test_port
from ._alb_checks import check_certificate_arn, check_clients, check_waf
from ._waf import WafRuleAction

if TYPE_CHECKING:
    from aws_cdk import aws_route53 as route53

    from ._ingress import SharedIngress

__all__ = ["IngressRoute", "SharedIngressProps"]


@dataclass(frozen=True, kw_only=True)
class SharedIngressProps:
    """Props of :class:`SharedIngress`: one hardened load balancer for many services.

    ``SharedIngressProps(cluster=cluster, certificates=[certificate])``. Every field but
    ``cluster`` has the meaning and default of the same field of ``LoadBalancerOptions``;
    the rest concern the shared listeners.
    """

    cluster: FargateCluster | ImportedCluster
    """The cluster whose VPC the load balancer lives in (its KMS key encrypts the WAF log
    group). Services that route through the ingress run in this cluster by default."""
    internet_facing: bool = True
    """Default True (public subnets). False for an internal ALB in the private subnets."""
    certificates: Sequence[acm.ICertificate] = ()
    """ACM certificates of the HTTPS listener on 443 (and of the test listener): the first is
    the listener's default, the others are served by SNI (TLS server name indication) to
    clients that ask for their names. Required unless ``allow_plain_http``; a service's
    ``IngressRoute(certificate=True)`` adds its own certificate by SNI as well. ACM ARNs of the
    stack's region."""
    ssl_policy: elbv2.SslPolicy = elbv2.SslPolicy.RECOMMENDED_TLS
    """TLS policy of the HTTPS listeners. Default RECOMMENDED_TLS (TLS 1.2 and 1.3 only,
    forward-secret ciphers)."""
    allow_plain_http: bool = False
    """Serve plain HTTP on 80 without certificates. Default False; True raises the warning
    ``ecs-patterns:PlainHttp``. Not together with ``certificates``."""
    ingress_cidrs: Sequence[str] | None = None
    """IPv4 CIDRs allowed to reach the listeners. Default ``0.0.0.0/0`` when internet-facing,
    the VPC CIDR when internal."""
    ingress_prefix_lists: Sequence[str] = ()
    """Managed prefix list ids (``pl-...``) allowed as well. Default: none."""
    deletion_protection: bool | None = None
    """Deletion protection of the load balancer. Default None: off for the first create (so a
    failed create can roll back; CloudFormation cannot delete a protected load balancer),
    announced at synthesis; set True in a later deploy. False turns it off explicitly with the
    warning ``ecs-patterns:NoDeletionProtection``."""
    desync_mitigation_mode: elbv2.DesyncMitigationMode = elbv2.DesyncMitigationMode.DEFENSIVE
    """Default DEFENSIVE (the AWS default)."""
    access_log_expiry_days: int = 365
    """Days ALB access logs are kept. Default 365. 1 to 3650."""
    access_log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    """What ``cdk destroy`` does to the access log bucket. Default RETAIN."""
    waf: bool = True
    """One WAFv2 web ACL with the AWS managed Common and KnownBadInputs rule groups for every
    service behind the ingress. Default True; False raises the warning ``ecs-patterns:NoWaf``."""
    web_acl_arn: str | None = None
    """Associate this existing regional web ACL instead of creating one. Only with ``waf``."""
    waf_rule_overrides: Mapping[str, Mapping[str, WafRuleAction]] = field(default_factory=dict)
    """Actions for rules of the created web ACL's managed rule groups, as in
    ``LoadBalancerOptions.waf_rule_overrides`` (merged over the default, which counts
    ``SizeRestrictions_BODY`` instead of blocking it)."""
    logging: LoggingOptions = field(default_factory=LoggingOptions)
    """Retention and removal policy of the WAF log group. Default: :class:`LoggingOptions`."""
    test_listener_port: int | None = None
    """Port of the shared test listener that services deploying with ``EcsNativeBlueGreen``
    route their test traffic through (a rule per service, same conditions as production).
    Default None: no test listener, and such services are refused. 1 to 65535, not 80 or
    443."""
    test_listener_cidrs: Sequence[str] | None = None
    """IPv4 CIDRs the test listener admits. Default: ``ingress_cidrs`` (and the prefix lists)
    unless those are open to any IPv4 client; then nobody until you name the testers'
    networks. ``0.0.0.0/0`` needs ``allow_public_test_listener``."""
    allow_public_test_listener: bool = False
    """Allow ``0.0.0.0/0`` in ``test_listener_cidrs``: anyone could reach every service's
    untested green revision. Default False; True raises the warning
    ``ecs-patterns:PublicTestListener``."""
    default_action: elbv2.ListenerAction | None = None
    """What the listeners do with a request no service's rule matches. Default: a fixed 404
    response (text/plain, "Not found"): an unknown host or path reaches no service."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("SharedIngressProps")
        certificates = list(self.certificates)
        if not certificates and not self.allow_plain_http:
            checks.fail(
                "certificates",
                [],
                "at least one ACM certificate for the HTTPS listener",
                "Pass certificates=[acm.Certificate.from_certificate_arn(...)], or set "
                "allow_plain_http=True for a non-production, internal-only ingress.",
            )
        for index, certificate in enumerate(certificates):
            check_certificate_arn(checks, f"certificates[{index}]", certificate)
        if certificates and self.allow_plain_http:
            checks.fail(
                "allow_plain_http",
                True,
                "False when certificates are given (HTTP then redirects to HTTPS)",
                "Drop allow_plain_http; with certificates, port 80 redirects to 443.",
            )
        check_clients(checks, self.ingress_cidrs, self.ingress_prefix_lists)
        checks.int_range("access_log_expiry_days", self.access_log_expiry_days, 1, 3650)
        check_waf(
            checks,
            waf=self.waf,
            web_acl_arn=self.web_acl_arn,
            waf_rule_overrides=self.waf_rule_overrides,
        )
        if self.test_listener_port is not None:
            check_test_port(checks, self.test_listener_port)
        check_test_cidrs(checks, self.test_listener_cidrs)
        if self.test_listener_cidrs is not None:
            checks.check(
                self.test_listener_port is not None,
                "test_listener_cidrs",
                list(self.test_listener_cidrs),
                "only with test_listener_port (there is no test listener without one)",
                "Set test_listener_port=8443 (for example), or drop test_listener_cidrs.",
            )
            checks.check(
                "0.0.0.0/0" not in self.test_listener_cidrs or self.allow_public_test_listener,
                "test_listener_cidrs",
                list(self.test_listener_cidrs),
                "networks of the testers; 0.0.0.0/0 only with allow_public_test_listener=True "
                "(anyone could reach every service's untested green revision)",
                "Name the testers' networks, e.g. ['203.0.113.0/24'], or set "
                "allow_public_test_listener=True if the releases are public anyway.",
            )
        checks.done()

    @property
    def https(self) -> bool:
        """Whether the listeners serve HTTPS (certificates given)."""
        return bool(self.certificates)


@dataclass(frozen=True, kw_only=True)
class IngressRoute:
    """How one service is reached through a :class:`SharedIngress`.

    ``IngressRoute(ingress=ingress, hosts=["api.example.com"], paths=["/orders/*"])``: a
    listener rule on the ingress's listener (and for ``EcsNativeBlueGreen`` one on its test
    listener) forwards requests that match every condition to the service's target group.
    Checked by ``WebServiceProps`` (as ``ingress.*``), which knows the service.
    """

    ingress: SharedIngress
    """The shared ingress to attach to."""
    hosts: Sequence[str] = ()
    """Host-header condition values (any matches), e.g. ``["api.example.com"]``;
    ``*`` and ``?`` are wildcards. Default: any host."""
    paths: Sequence[str] = ()
    """Path-pattern condition values (any matches), e.g. ``["/orders", "/orders/*"]``.
    Default: any path."""
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """HTTP-header conditions: header name to the values (any matches). Default: none."""
    priority: int | None = None
    """Listener-rule priority, 1 to 50000 (lower is evaluated first). Default: derived from the
    service's construct path and the kind of its conditions (more specific conditions first),
    so that adding a service never renumbers another; 1 to 999 are never derived and stay
    free for explicit priorities."""
    hosted_zone: route53.IHostedZone | None = None
    """A Route 53 hosted zone: an alias A record to the load balancer is created in it for
    every literal host (without wildcards; each must be in the zone). Default: no records."""
    certificate: bool = False
    """Create an ACM certificate for the hosts (literal hosts, and ``*.`` wildcards), validated
    through DNS records in ``hosted_zone``, and serve it on the ingress's HTTPS listeners by
    SNI. Default False. Needs a public ``hosted_zone`` that holds every name (ACM reads the
    validation records from public DNS) and an ingress with HTTPS. Each such certificate counts
    toward the load balancer's certificate quota (25 by default) once per listener."""

    def __post_init__(self) -> None:
        require_types(self)
