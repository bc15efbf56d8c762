"""SharedIngress and FargateWebService in the shared form: one behaviour per test.

The registered stack (tests/stacks/shared_ingress.py: an ingress with two certificates and a
test listener, a rolling service by host with its record and certificate, an ECS-native one by
path) is synthesized once per session; module fixtures build the variants.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from tests.conftest import ENV, Synthesized, new_app
from tests.stacks.service import CERTIFICATE_ARN, IMAGE
from tests.stacks.shared_ingress import SECOND_CERTIFICATE_ARN, TESTERS

LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
LB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
NOT_FOUND = {
    "Type": "fixed-response",
    "FixedResponseConfig": {
        "StatusCode": "404",
        "ContentType": "text/plain",
        "MessageBody": "Not found",
    },
}


@pytest.fixture(scope="module")
def shared(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["SharedIngress"])


@pytest.fixture(scope="module")
def stack(synthesized: Synthesized) -> Stack:
    return synthesized.stacks["SharedIngress"]


def _child(stack: Stack, id: str) -> Any:
    return stack.node.find_child(id)


def _messages(construct: Any, kind: str) -> list[str]:
    """The annotations of ``kind`` (``warning``, ``info``) on ``construct`` itself."""
    return [str(e.data) for e in construct.node.metadata if e.type == f"aws:cdk:{kind}"]


def _container() -> ep.ContainerOptions:
    return ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE))


def _certificate(stack: Stack, arn: str = CERTIFICATE_ARN, id: str = "Cert") -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, id, arn)


def _listeners(template: Template) -> dict[int, Any]:
    return {r["Properties"]["Port"]: r for r in template.find_resources(LISTENER).values()}


def _lb_ingress(template: Template, logical_prefix: str = "Ingress") -> set[tuple[str, int]]:
    found = set()
    for key, group in template.find_resources("AWS::EC2::SecurityGroup").items():
        if not key.startswith(f"{logical_prefix}SecurityGroup"):
            continue
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            peer = rule.get("CidrIp") or rule.get("SourcePrefixListId")
            found.add((peer, rule["FromPort"]))
    return found


def _attributes(template: Template) -> dict[str, str]:
    (lb,) = template.find_resources(LB).values()
    return {a["Key"]: a["Value"] for a in lb["Properties"]["LoadBalancerAttributes"]}


# --- the ingress ----------------------------------------------------------------------------


def test_listeners_answer_404_to_a_request_no_service_claims(shared: Template) -> None:
    listeners = _listeners(shared)
    assert listeners[443]["Properties"]["DefaultActions"] == [NOT_FOUND]
    assert listeners[8443]["Properties"]["DefaultActions"] == [NOT_FOUND]


def test_the_first_certificate_is_the_default_and_the_others_are_served_by_sni(
    shared: Template,
) -> None:
    listeners = _listeners(shared)
    for port in (443, 8443):
        assert listeners[port]["Properties"]["Certificates"] == [
            {"CertificateArn": CERTIFICATE_ARN}
        ]
        assert listeners[port]["Properties"]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    sni = [
        r["Properties"]
        for r in shared.find_resources("AWS::ElasticLoadBalancingV2::ListenerCertificate").values()
        if r["Properties"]["Certificates"] == [{"CertificateArn": SECOND_CERTIFICATE_ARN}]
    ]
    assert len(sni) == 2  # production and test listener


def test_port_80_only_redirects_to_https(shared: Template) -> None:
    listeners = _listeners(shared)
    assert listeners[80]["Properties"]["DefaultActions"] == [
        {
            "Type": "redirect",
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
        }
    ]


def test_the_load_balancer_is_hardened_and_logs_access(shared: Template) -> None:
    attributes = _attributes(shared)
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["routing.http.desync_mitigation_mode"] == "defensive"
    assert attributes["access_logs.s3.enabled"] == "true"
    shared.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "VersioningConfiguration": {"Status": "Enabled"},
            "PublicAccessBlockConfiguration": Match.object_like({"BlockPublicAcls": True}),
        },
    )


def test_one_web_acl_with_managed_rules_is_associated_and_logged(shared: Template) -> None:
    shared.resource_count_is("AWS::WAFv2::WebACL", 1)
    shared.resource_count_is("AWS::WAFv2::WebACLAssociation", 1)
    shared.resource_count_is("AWS::WAFv2::LoggingConfiguration", 1)
    shared.has_resource_properties(
        "AWS::WAFv2::WebACL",
        {
            "Rules": Match.array_with(
                [Match.object_like({"Name": "AWSManagedRulesKnownBadInputsRuleSet"})]
            )
        },
    )


def test_the_test_listener_admits_only_the_testers(shared: Template) -> None:
    rules = _lb_ingress(shared)
    assert (TESTERS, 8443) in rules
    assert {port for _, port in rules} == {80, 443, 8443}
    assert [peer for peer, port in rules if port == 8443] == [TESTERS]


def test_the_ingress_security_group_has_no_egress_of_its_own(shared: Template) -> None:
    (group,) = [
        g["Properties"]
        for k, g in shared.find_resources("AWS::EC2::SecurityGroup").items()
        if k.startswith("IngressSecurityGroup")
    ]
    egress = group["SecurityGroupEgress"]
    assert [e["CidrIp"] for e in egress] == ["255.255.255.255/32"]  # CDK's "disallow all"


def test_deletion_protection_is_off_at_create_and_announced(stack: Stack, shared: Template) -> None:
    assert _attributes(shared)["deletion_protection.enabled"] == "false"
    assert any("deletion protection" in m for m in _messages(_child(stack, "Ingress"), "info"))


@pytest.fixture(scope="module")
def variants() -> dict[str, Stack]:
    app = new_app()
    stacks: dict[str, Stack] = {}

    def build(name: str, **props: Any) -> ep.SharedIngress:
        stack = Stack(app, name, env=ENV)
        stacks[name] = stack
        cluster = ep.FargateCluster(stack, "Cluster")
        if "allow_plain_http" not in props and "certificates" not in props:
            props["certificates"] = [_certificate(stack)]
        return ep.SharedIngress(stack, "Ingress", ep.SharedIngressProps(cluster=cluster, **props))

    build("Protected", deletion_protection=True)
    build("Unprotected", deletion_protection=False)
    build("NoWaf", waf=False)
    build(
        "GivenAcl",
        web_acl_arn="arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/abc",
    )
    build("Plain", allow_plain_http=True)
    build("DefaultTesters", ingress_cidrs=["10.20.0.0/16"], test_listener_port=9443)
    build("OpenNoTesters", test_listener_port=9443)
    build(
        "PublicTesters",
        test_listener_port=9443,
        test_listener_cidrs=["0.0.0.0/0"],
        allow_public_test_listener=True,
    )
    build("Internal", internet_facing=False)
    return stacks


def _template(variants: dict[str, Stack], name: str) -> Template:
    return Template.from_stack(variants[name])


def test_deletion_protection_true_protects_the_load_balancer(variants: dict[str, Stack]) -> None:
    assert _attributes(_template(variants, "Protected"))["deletion_protection.enabled"] == "true"


def test_deletion_protection_false_warns(variants: dict[str, Stack]) -> None:
    warnings = _messages(_child(variants["Unprotected"], "Ingress"), "warning")
    assert any(re.search("deletion_protection=False", w) for w in warnings), warnings


def test_waf_false_warns_and_creates_no_web_acl(variants: dict[str, Stack]) -> None:
    template = _template(variants, "NoWaf")
    template.resource_count_is("AWS::WAFv2::WebACL", 0)
    template.resource_count_is("AWS::WAFv2::WebACLAssociation", 0)
    warnings = _messages(_child(variants["NoWaf"], "Ingress"), "warning")
    assert any(re.search("waf=False", w) for w in warnings), warnings


def test_a_given_web_acl_is_associated_instead_of_a_new_one(variants: dict[str, Stack]) -> None:
    template = _template(variants, "GivenAcl")
    template.resource_count_is("AWS::WAFv2::WebACL", 0)
    template.has_resource_properties(
        "AWS::WAFv2::WebACLAssociation",
        {"WebACLArn": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/abc"},
    )


def test_plain_http_serves_404_on_80_and_warns_naming_the_ingress_props(
    variants: dict[str, Stack],
) -> None:
    listeners = _listeners(_template(variants, "Plain"))
    assert set(listeners) == {80}
    assert listeners[80]["Properties"]["Protocol"] == "HTTP"
    assert listeners[80]["Properties"]["DefaultActions"] == [NOT_FOUND]
    warnings = _messages(_child(variants["Plain"], "Ingress"), "warning")
    assert any(re.search(r"SharedIngressProps\(certificates=", w) for w in warnings), warnings


def test_the_test_listener_admits_production_clients_by_default(
    variants: dict[str, Stack],
) -> None:
    rules = _lb_ingress(_template(variants, "DefaultTesters"))
    assert ("10.20.0.0/16", 9443) in rules


def test_an_open_ingress_admits_nobody_to_the_test_listener_by_default(
    variants: dict[str, Stack],
) -> None:
    rules = _lb_ingress(_template(variants, "OpenNoTesters"))
    assert ("0.0.0.0/0", 443) in rules
    assert [r for r in rules if r[1] == 9443] == []


def test_a_public_test_listener_needs_the_opt_in_and_warns(variants: dict[str, Stack]) -> None:
    assert ("0.0.0.0/0", 9443) in _lb_ingress(_template(variants, "PublicTesters"))
    warnings = _messages(_child(variants["PublicTesters"], "Ingress"), "warning")
    assert any(re.search("0.0.0.0/0", w) for w in warnings), warnings
    with pytest.raises(ep.ConfigurationError) as err:
        ep.SharedIngressProps(
            cluster=_child(variants["PublicTesters"], "Cluster"),
            allow_plain_http=True,
            test_listener_port=9443,
            test_listener_cidrs=["0.0.0.0/0"],
        )
    assert err.value.props == ("test_listener_cidrs",)


def test_an_internal_ingress_admits_the_vpc_in_private_subnets(variants: dict[str, Stack]) -> None:
    template = _template(variants, "Internal")
    template.has_resource_properties(LB, {"Scheme": "internal"})
    assert {peer for peer, _ in _lb_ingress(template)} == {"10.0.0.0/16"}


# --- services on the ingress ----------------------------------------------------------------


def _rules(template: Template) -> dict[str, dict[str, Any]]:
    return {k: r["Properties"] for k, r in template.find_resources(RULE).items()}


def _listener_id(template: Template, port: int) -> str:
    return next(
        k for k, r in template.find_resources(LISTENER).items() if r["Properties"]["Port"] == port
    )


def test_a_rolling_service_gets_one_rule_with_its_conditions_and_derived_priority(
    stack: Stack, shared: Template
) -> None:
    orders = _child(stack, "Orders")
    (rule,) = [r for k, r in _rules(shared).items() if k.startswith("OrdersIngress")]
    assert rule["Conditions"] == [
        {"Field": "host-header", "HostHeaderConfig": {"Values": ["orders.example.com"]}}
    ]
    assert rule["Priority"] == orders.route_priority
    assert 31000 <= orders.route_priority <= 40999  # the band of host-only rules
    assert rule["ListenerArn"] == {"Ref": _listener_id(shared, 443)}
    ((action),) = rule["Actions"]
    assert action["Type"] == "forward"
    assert action["TargetGroupArn"]["Ref"].startswith("OrdersIngressTargetGroup")


def test_an_ecs_native_service_gets_weighted_rules_on_both_listeners(
    stack: Stack, shared: Template
) -> None:
    payments = _child(stack, "Payments")
    rules = {k: r for k, r in _rules(shared).items() if k.startswith("PaymentsIngress")}
    assert {r["ListenerArn"]["Ref"] for r in rules.values()} == {
        _listener_id(shared, 443),
        _listener_id(shared, 8443),
    }
    for rule in rules.values():
        assert rule["Priority"] == 10 == payments.route_priority
        assert rule["Conditions"] == [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/payments/*"]}}
        ]
        weights = [
            (g["TargetGroupArn"]["Ref"].split("Ingress")[1][:5], g["Weight"])
            for g in rule["Actions"][0]["ForwardConfig"]["TargetGroups"]
        ]
        assert weights == [("Targe", 100), ("Green", 0)]
    service = next(
        r["Properties"]
        for k, r in shared.find_resources("AWS::ECS::Service").items()
        if k.startswith("Payments")
    )
    assert service["DeploymentConfiguration"]["Strategy"] == "BLUE_GREEN"
    (balancer,) = service["LoadBalancers"]
    assert set(balancer["AdvancedConfiguration"]) >= {
        "AlternateTargetGroupArn",
        "ProductionListenerRule",
        "TestListenerRule",
    }


def test_the_load_balancer_reaches_each_service_on_its_port_only(shared: Template) -> None:
    egress = [
        r["Properties"] for r in shared.find_resources("AWS::EC2::SecurityGroupEgress").values()
    ]
    ingress = [
        r["Properties"] for r in shared.find_resources("AWS::EC2::SecurityGroupIngress").values()
    ]
    assert len(egress) == 2
    assert len(ingress) == 2
    for rule in egress:
        assert rule["GroupId"]["Fn::GetAtt"][0].startswith("IngressSecurityGroup")
        assert (rule["FromPort"], rule["ToPort"], rule["IpProtocol"]) == (8080, 8080, "tcp")
    assert {r["DestinationSecurityGroupId"]["Fn::GetAtt"][0][:6] for r in egress} == {
        "Orders",
        "Paymen",
    }
    for rule in ingress:
        assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("IngressSecurityGroup")
        assert (rule["FromPort"], rule["ToPort"]) == (8080, 8080)


def test_a_host_gets_an_alias_record_and_a_dns_validated_certificate_served_by_sni(
    stack: Stack, shared: Template
) -> None:
    orders = _child(stack, "Orders")
    shared.has_resource_properties(
        "AWS::Route53::RecordSet",
        {
            "Name": "orders.example.com.",
            "Type": "A",
            "HostedZoneId": "Z0123456789ABCDEFGHIJ",
            "AliasTarget": Match.object_like(
                {
                    "HostedZoneId": {
                        "Fn::GetAtt": [
                            Match.string_like_regexp("IngressLoadBalancer"),
                            "CanonicalHostedZoneID",
                        ]
                    }
                }
            ),
        },
    )
    shared.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "orders.example.com",
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [
                {"DomainName": "orders.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
            ],
        },
    )
    shared.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        {
            "ListenerArn": {"Ref": _listener_id(shared, 443)},
            "Certificates": [
                {"CertificateArn": {"Ref": Match.string_like_regexp("OrdersIngressCertificate")}}
            ],
        },
    )
    assert len(orders.dns_records) == 1
    assert orders.certificate is not None


def test_the_shared_form_exposes_the_ingress_and_its_own_rules(stack: Stack) -> None:
    ingress = _child(stack, "Ingress")
    orders = _child(stack, "Orders")
    payments = _child(stack, "Payments")
    for web in (orders, payments):
        assert web.ingress is ingress
        assert web.load_balancer is ingress.load_balancer
        assert web.listener is ingress.listener
        assert web.access_log_bucket is ingress.access_log_bucket
        assert web.web_acl is ingress.web_acl
        assert web.load_balancer_security_group is ingress.security_group
        assert web.production_rule is not None
        assert web.cluster is _child(stack, "Cluster")
    assert orders.test_rule is None
    assert orders.green_target_group is None
    assert orders.test_listener is None
    assert payments.test_rule is not None
    assert payments.green_target_group is not None
    assert payments.test_listener is ingress.test_listener
    assert payments.dns_records == []
    assert payments.certificate is None
    assert ingress.routes.rule_count == 3  # Payments has a production and a test rule
    assert ingress.routes.target_group_count == 3


def test_the_service_runs_in_the_ingress_cluster_by_default(shared: Template) -> None:
    shared.resource_count_is("AWS::ECS::Cluster", 1)
    shared.resource_count_is(LB, 1)


def test_the_service_port_decides_the_security_group_rule() -> None:
    app = new_app()
    stack = Stack(app, "Port", env=ENV)
    ingress = ep.SharedIngress(
        stack,
        "Ingress",
        ep.SharedIngressProps(
            cluster=ep.FargateCluster(stack, "Cluster"), certificates=[_certificate(stack)]
        ),
    )
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE), port=9000),
            ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]),
        ),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress", {"FromPort": 9000, "ToPort": 9000}
    )
    template.resource_count_is("AWS::EC2::SecurityGroupEgress", 1)


def test_header_conditions_and_request_scaling_work_across_stacks() -> None:
    app = new_app()
    platform = Stack(app, "Platform", env=ENV)
    ingress = ep.SharedIngress(
        platform,
        "Ingress",
        ep.SharedIngressProps(
            cluster=ep.FargateCluster(platform, "Cluster"), allow_plain_http=True
        ),
    )
    stack = Stack(app, "Tenant", env=ENV)
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            ingress=ep.IngressRoute(ingress=ingress, headers={"X-Tenant": ["b", "a"]}),
            target_group=ep.TargetGroupOptions(requests_per_target=500),
        ),
    )
    template = Template.from_stack(stack)
    (rule,) = _rules(template).values()
    assert rule["Conditions"] == [
        {
            "Field": "http-header",
            "HttpHeaderConfig": {"HttpHeaderName": "x-tenant", "Values": ["a", "b"]},
        }
    ]
    assert 1000 <= rule["Priority"] <= 10999  # the band of header rules, evaluated first
    # Request-count scaling reads the shared load balancer's name from the imported listener.
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {
                    "TargetValue": 500,
                    "PredefinedMetricSpecification": Match.object_like(
                        {"PredefinedMetricType": "ALBRequestCountPerTarget"}
                    ),
                }
            )
        },
    )
