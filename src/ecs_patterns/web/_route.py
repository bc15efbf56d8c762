"""A web service's side of a shared ingress: its target groups, rules, DNS and certificate.

Everything here is built in the service's own scope, so in the service's stack: the
ingress's listeners and security group are imported by id (the service stack references the
platform stack, never the reverse), and the target group's registration writes the load
balancer's egress rule and the service's ingress rule, for the service's port only, into the
service stack too.
"""

from __future__ import annotations

from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from constructs import Construct

from ..core._errors import ConfigurationError, Problem
from ..core._validation import is_token
from ..core.deployment import DeploymentStrategy
from ._ingress import SharedIngress
from ._ingress_props import IngressRoute
from ._load_balancer import target_group, weighted_rule
from ._props import TargetGroupOptions, certificate_names
from ._routing import RouteConditions

__all__ = ["IngressAttachment"]


def _conditions(conditions: RouteConditions) -> list[elbv2.ListenerCondition]:
    found = []
    if conditions.hosts:
        found.append(elbv2.ListenerCondition.host_headers(list(conditions.hosts)))
    if conditions.paths:
        found.append(elbv2.ListenerCondition.path_patterns(list(conditions.paths)))
    for name, values in conditions.headers:
        found.append(elbv2.ListenerCondition.http_header(name, list(values)))
    return found


class IngressAttachment(Construct):
    """One service's route through a :class:`SharedIngress` (``WebServiceProps.ingress``).

    Rolling: one rule on the shared listener forwarding to the service's target group.
    A strategy that shifts listener rules (ECS-native blue/green): a green target group, a
    rule on the shared listener forwarding blue 100 / green 0, and a rule with the same
    conditions and priority on the shared test listener, which ECS rewrites during a
    deployment. Optionally an alias A record per literal host and a DNS-validated certificate
    served by SNI on the shared listeners.

    Attributes:
        target_group, green_target_group (None unless blue/green), listener / test_listener
        (the ingress's listeners imported here; test_listener None unless blue/green),
        production_rule, test_rule (None unless blue/green), dns_records, certificate (None
        unless asked for).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        route: IngressRoute,
        priority: int,
        target_group_options: TargetGroupOptions,
        port: int,
        health_check_path: str,
        deployment: DeploymentStrategy,
        vpc: ec2.IVpc,
    ) -> None:
        super().__init__(scope, id)
        ingress = route.ingress
        conditions = RouteConditions.of(route.hosts, route.paths, route.headers)
        ids = ingress.imported_ids
        security_group = ec2.SecurityGroup.from_security_group_id(
            self,
            "LoadBalancerSecurityGroup",
            ids.security_group_id,
            allow_all_outbound=False,
        )
        self.listener = elbv2.ApplicationListener.from_application_listener_attributes(
            self,
            "Listener",
            listener_arn=ids.listener_arn,
            security_group=security_group,
        )
        self.target_group = target_group(
            self, "TargetGroup", target_group_options, port, health_check_path, vpc
        )
        self.green_target_group: elbv2.ApplicationTargetGroup | None = None
        self.test_listener: elbv2.IApplicationListener | None = None
        self.test_rule: elbv2.ApplicationListenerRule | None = None
        rule_conditions = _conditions(conditions)
        if deployment.shifts_listener_rules:
            assert ids.test_listener_arn is not None  # WebServiceProps refuses it otherwise
            self.green_target_group = target_group(
                self, "GreenTargetGroup", target_group_options, port, health_check_path, vpc
            )
            self.test_listener = elbv2.ApplicationListener.from_application_listener_attributes(
                self,
                "TestListener",
                listener_arn=ids.test_listener_arn,
                security_group=security_group,
            )
            self.production_rule = weighted_rule(
                self,
                "ProductionRule",
                self.listener,
                self.target_group,
                self.green_target_group,
                priority=priority,
                conditions=rule_conditions,
            )
            self.test_rule = weighted_rule(
                self,
                "TestRule",
                self.test_listener,
                self.target_group,
                self.green_target_group,
                priority=priority,
                conditions=rule_conditions,
            )
        else:
            self.production_rule = elbv2.ApplicationListenerRule(
                self,
                "ProductionRule",
                listener=self.listener,
                priority=priority,
                conditions=rule_conditions,
                # The kernel builds the forward action itself (ListenerAction.forward): one
                # round trip fewer than building it from Python, the same rule.
                target_groups=[self.target_group],
            )
        self.dns_records: list[route53.ARecord] = []
        self.certificate: acm.Certificate | None = None
        if route.hosted_zone is not None:
            self._dns(route, route.hosted_zone, ingress)

    def _dns(self, route: IngressRoute, zone: route53.IHostedZone, ingress: SharedIngress) -> None:
        zone_name = _zone_name(zone)
        literal = [h for h in route.hosts if is_token(h) or ("*" not in h and "?" not in h)]
        # Every name the zone must hold: the records' hosts and, with a certificate, each name
        # it validates there (a '*.' name's validation record sits under its base name). A
        # validation record outside the zone is never written, so the certificate would stay
        # pending and the stack would wait for it.
        names = [*literal, *(certificate_names(route.hosts) if route.certificate else [])]
        outside = list(
            dict.fromkeys(
                name
                for name in names
                if zone_name is not None
                and not is_token(name)
                and not _in_zone(name.lower().removeprefix("*."), zone_name)
            )
        )
        if outside:
            raise ConfigurationError(
                "WebServiceProps",
                [
                    Problem(
                        prop="ingress.hosted_zone",
                        value=zone_name,
                        allowed="a zone that holds every host, and every name of the "
                        f"certificate (not {', '.join(outside)})",
                        fix="Route those hosts through a service attached with their own zone, "
                        "or drop hosted_zone (and certificate) and create their records "
                        "and certificate yourself (SharedIngressProps.certificates).",
                    )
                ],
            )
        target = route53.RecordTarget.from_alias(
            route53_targets.LoadBalancerTarget(ingress.load_balancer)
        )
        for index, host in enumerate(literal):
            self.dns_records.append(
                route53.ARecord(
                    self,
                    f"Alias{index}",
                    zone=zone,
                    record_name=host if is_token(host) else f"{host.lower()}.",
                    target=target,
                )
            )
        if not route.certificate:
            return
        names = certificate_names(route.hosts)
        self.certificate = acm.Certificate(
            self,
            "Certificate",
            domain_name=names[0],
            subject_alternative_names=names[1:] or None,
            validation=acm.CertificateValidation.from_dns(zone),
        )
        certificates = [elbv2.ListenerCertificate.from_certificate_manager(self.certificate)]
        elbv2.ApplicationListenerCertificate(
            self, "ListenerCertificate", listener=self.listener, certificates=certificates
        )
        if self.test_listener is not None:
            elbv2.ApplicationListenerCertificate(
                self,
                "TestListenerCertificate",
                listener=self.test_listener,
                certificates=certificates,
            )
        ingress.add_certificates(self, 1 if self.test_listener is None else 2)


def _in_zone(name: str, zone_name: str) -> bool:
    return name == zone_name or name.endswith(f".{zone_name}")


def _zone_name(zone: route53.IHostedZone) -> str | None:
    """The zone's name without the final dot, None when unknown at synthesis."""
    try:
        name = zone.zone_name
    except Exception:  # jsii: a zone imported by id only has no name
        return None
    if is_token(name):
        return None
    return name.lower().rstrip(".")
