"""Every refusal of the shared ingress and the shared form: a ConfigurationError naming the
prop, before synthesis."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aws_cdk import App, Aws, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Annotations, Match, Template
from constructs import Construct

import ecs_patterns as ep
from tests.conftest import ENV, new_app
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

OTHER_REGION_ARN = CERTIFICATE_ARN.replace("us-east-1", "eu-west-1")


@pytest.fixture
def stack() -> Stack:
    return Stack(new_app(), "Test", env=ENV)


@pytest.fixture
def cluster(stack: Stack) -> ep.FargateCluster:
    return ep.FargateCluster(stack, "Cluster")


def _certificate(stack: Stack, arn: str = CERTIFICATE_ARN, id: str = "Cert") -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, id, arn)


def _ingress(stack: Stack, cluster: ep.FargateCluster, **props: Any) -> ep.SharedIngress:
    if "allow_plain_http" not in props and "certificates" not in props:
        props["certificates"] = [_certificate(stack)]
    return ep.SharedIngress(stack, "Ingress", ep.SharedIngressProps(cluster=cluster, **props))


def _container() -> ep.ContainerOptions:
    return ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE))


def _props_fail(cls: Any, **props: Any) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as err:
        cls(**props)
    return err.value


# --- SharedIngressProps -----------------------------------------------------------------------


def test_https_needs_a_certificate(cluster: ep.FargateCluster) -> None:
    err = _props_fail(ep.SharedIngressProps, cluster=cluster)
    assert err.props == ("certificates",)
    assert err.props_class == "SharedIngressProps"


def test_certificates_and_plain_http_are_exclusive(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    err = _props_fail(
        ep.SharedIngressProps,
        cluster=cluster,
        certificates=[_certificate(stack)],
        allow_plain_http=True,
    )
    assert err.props == ("allow_plain_http",)


def test_a_certificate_arn_must_be_an_acm_arn(stack: Stack, cluster: ep.FargateCluster) -> None:
    bad = acm.Certificate.from_certificate_arn(
        stack, "Iam", "arn:aws:iam::123456789012:server-certificate/web"
    )
    err = _props_fail(
        ep.SharedIngressProps, cluster=cluster, certificates=[_certificate(stack), bad]
    )
    assert err.props == ("certificates[1]",)


def test_a_certificate_of_another_region_is_refused(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        _ingress(
            stack,
            cluster,
            certificates=[_certificate(stack), _certificate(stack, OTHER_REGION_ARN, "Far")],
        )
    assert err.value.props == ("certificates[1]",)
    assert "eu-west-1" in str(err.value)


def test_a_web_acl_of_another_region_is_refused(stack: Stack, cluster: ep.FargateCluster) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        _ingress(
            stack,
            cluster,
            web_acl_arn="arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/abc",
        )
    assert err.value.props == ("web_acl_arn",)


@pytest.mark.parametrize(
    ("props", "prop"),
    [
        ({"ingress_cidrs": ["10.0.0.1/8"]}, "ingress_cidrs"),
        ({"ingress_prefix_lists": ["corp"]}, "ingress_prefix_lists"),
        ({"access_log_expiry_days": 0}, "access_log_expiry_days"),
        (
            {"waf": False, "web_acl_arn": "arn:aws:wafv2:us-east-1:1:regional/webacl/a/b"},
            "web_acl_arn",
        ),
        (
            {"waf_rule_overrides": {"AWSManagedRulesSQLiRuleSet": {"x": "count"}}},
            "waf_rule_overrides",
        ),
        ({"test_listener_port": 443}, "test_listener_port"),
        (
            {"test_listener_port": 8443, "test_listener_cidrs": ["10.0.0.1/8"]},
            "test_listener_cidrs",
        ),
        ({"test_listener_cidrs": ["10.0.0.0/8"]}, "test_listener_cidrs"),
        ({"test_listener_port": 8443, "test_listener_cidrs": ["0.0.0.0/0"]}, "test_listener_cidrs"),
    ],
)
def test_bad_ingress_props_are_refused_by_name(
    stack: Stack, cluster: ep.FargateCluster, props: dict[str, Any], prop: str
) -> None:
    err = _props_fail(
        ep.SharedIngressProps, cluster=cluster, certificates=[_certificate(stack)], **props
    )
    assert err.props == (prop,)


def test_the_ingress_props_check_their_types(cluster: ep.FargateCluster) -> None:
    err = _props_fail(
        ep.SharedIngressProps, cluster=cluster, allow_plain_http=True, test_listener_port="8443"
    )
    assert err.props == ("test_listener_port",)


# --- WebServiceProps with ingress -------------------------------------------------------------


def _web_fail(**props: Any) -> ep.ConfigurationError:
    props.setdefault("container", _container())
    return _props_fail(ep.WebServiceProps, **props)


def _web(
    scope: Construct,
    ingress: ep.SharedIngress,
    *,
    name: str = "Web",
    deployment: ep.DeploymentStrategy | None = None,
    **route: Any,
) -> ep.FargateWebService:
    """A web service in ``scope`` on ``ingress``, routed by ``route`` (IngressRoute's props)."""
    props = ep.WebServiceProps(
        container=_container(),
        ingress=ep.IngressRoute(ingress=ingress, **route),
        deployment=deployment or ep.Rolling(),  # WebServiceProps's own default
    )
    return ep.FargateWebService(scope, name, props)


def _web_refused(
    scope: Construct, ingress: ep.SharedIngress, *, name: str = "Web", **route: Any
) -> ep.ConfigurationError:
    """The refusal of :func:`_web` (raised by the construct, not by its props)."""
    with pytest.raises(ep.ConfigurationError) as err:
        _web(scope, ingress, name=name, **route)
    return err.value


def test_neither_a_load_balancer_nor_an_ingress_is_refused() -> None:
    err = _web_fail()
    assert err.props == ("load_balancer",)


def test_load_balancer_options_with_an_ingress_are_refused(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]),
        load_balancer=ep.LoadBalancerOptions(certificate=_certificate(stack, id="Own")),
    )
    assert err.props == ("load_balancer",)
    assert "SharedIngressProps" in str(err)


def test_codedeploy_on_a_shared_ingress_is_refused_naming_the_alternative(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster, test_listener_port=8443)
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]),
        deployment=ep.CodeDeployBlueGreen(),
    )
    assert err.props == ("deployment",)
    assert "EcsNativeBlueGreen()" in str(err)
    assert "listeners, not listener rules" in str(err)


def test_ecs_native_needs_the_ingress_test_listener(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]),
        deployment=ep.EcsNativeBlueGreen(),
    )
    assert err.props == ("ingress",)
    assert "test_listener_port" in str(err)


def test_ecs_native_test_listener_settings_must_be_the_ingress_ones(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster, test_listener_port=9443)
    route = ep.IngressRoute(ingress=ingress, hosts=["a.example.com"])
    err = _web_fail(ingress=route, deployment=ep.EcsNativeBlueGreen(test_listener_port=9000))
    assert err.props == ("deployment.test_listener_port",)
    err = _web_fail(
        ingress=route, deployment=ep.EcsNativeBlueGreen(test_listener_cidrs=["10.0.0.0/8"])
    )
    assert err.props == ("deployment.test_listener_cidrs",)
    # The strategy's default port, or the ingress's own, is accepted.
    ep.WebServiceProps(container=_container(), ingress=route, deployment=ep.EcsNativeBlueGreen())
    ep.WebServiceProps(
        container=_container(),
        ingress=route,
        deployment=ep.EcsNativeBlueGreen(test_listener_port=9443),
    )


def test_a_cluster_in_another_vpc_is_refused(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    other = ep.FargateCluster(stack, "Other")
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]), cluster=other
    )
    assert err.props == ("cluster",)


def test_a_cluster_in_the_ingress_vpc_is_accepted(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    imported = ep.FargateCluster.from_existing(
        stack,
        "Imported",
        cluster=ecs.Cluster.from_cluster_attributes(
            stack, "Ecs", cluster_name="other", vpc=cluster.vpc
        ),
        key=cluster.key,
    )
    props = ep.WebServiceProps(
        container=_container(),
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"]),
        cluster=imported,
    )
    assert props.cluster is imported


def _zone(stack: Stack) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )


def test_a_certificate_needs_a_hosted_zone(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["a.example.com"], certificate=True)
    )
    assert err.props == ("ingress.certificate",)


def test_a_certificate_needs_an_https_ingress(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster, allow_plain_http=True)
    err = _web_fail(
        ingress=ep.IngressRoute(
            ingress=ingress, hosts=["a.example.com"], hosted_zone=_zone(stack), certificate=True
        )
    )
    assert err.props == ("ingress.certificate",)
    assert "HTTPS" in str(err)


def test_a_certificate_needs_a_host_it_can_name(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(
        ingress=ep.IngressRoute(
            ingress=ingress, paths=["/a/*"], hosted_zone=_zone(stack), certificate=True
        )
    )
    assert set(err.props) == {"ingress.hosted_zone", "ingress.certificate"}


def test_records_need_a_host_without_wildcards(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(
        ingress=ep.IngressRoute(ingress=ingress, hosts=["*.example.com"], hosted_zone=_zone(stack))
    )
    assert err.props == ("ingress.hosted_zone",)


def test_a_host_outside_the_zone_is_refused(stack: Stack, cluster: ep.FargateCluster) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_refused(stack, ingress, hosts=["a.example.org"], hosted_zone=_zone(stack))
    assert err.props == ("ingress.hosted_zone",)
    assert "a.example.org" in str(err)


def test_a_wildcard_host_gets_a_certificate_but_no_record(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    web = _web(
        stack,
        ingress,
        hosts=["*.api.example.com", "api.example.com"],
        hosted_zone=_zone(stack),
        certificate=True,
    )
    assert len(web.dns_records) == 1
    assert web.certificate is not None


def test_the_same_priority_twice_is_refused_naming_both_services(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    _web(stack, ingress, name="First", hosts=["a.example.com"], priority=7)
    err = _web_refused(stack, ingress, name="Second", hosts=["b.example.com"], priority=7)
    assert "Test/First" in str(err)
    assert "Test/Second" in str(err)
    assert stack.node.try_find_child("Second") is None  # refused before anything was built


def test_an_imported_vpc_without_cidr_needs_explicit_clients_on_an_internal_ingress(
    stack: Stack,
) -> None:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["us-east-1a", "us-east-1b"],
        private_subnet_ids=["subnet-1", "subnet-2"],
    )
    imported = ep.FargateCluster.from_existing(
        stack,
        "Imported",
        cluster=ecs.Cluster.from_cluster_attributes(stack, "Ecs", cluster_name="c", vpc=vpc),
        key=None,
    )
    with pytest.raises(ep.ConfigurationError) as err:
        ep.SharedIngress(
            stack,
            "Ingress",
            ep.SharedIngressProps(
                cluster=imported, certificates=[_certificate(stack)], internet_facing=False
            ),
        )
    assert err.value.props == ("ingress_cidrs",)


@pytest.mark.parametrize(
    ("route", "prop"),
    [
        ({}, "ingress"),
        ({"hosts": ["not a host"]}, "ingress.hosts"),
        ({"paths": ["orders/*"]}, "ingress.paths"),
        ({"paths": ["/" + "a" * 128]}, "ingress.paths"),
        ({"hosts": [f"h{i}.example.com" for i in range(6)]}, "ingress"),
        ({"hosts": ["a.example.com"], "priority": 0}, "ingress.priority"),
        ({"hosts": ["a.example.com"], "priority": 50001}, "ingress.priority"),
    ],
)
def test_bad_routes_are_refused_naming_the_ingress_prop(
    stack: Stack, cluster: ep.FargateCluster, route: dict[str, Any], prop: str
) -> None:
    ingress = _ingress(stack, cluster)
    err = _web_fail(ingress=ep.IngressRoute(ingress=ingress, **route))
    assert err.props_class == "WebServiceProps"
    assert prop in err.props


def test_overlapping_derived_routes_are_refused_naming_both_services(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    _web(stack, ingress, name="First", hosts=["shop.example.com"])
    err = _web_refused(stack, ingress, name="Second", hosts=["shop.example.com"])
    assert "Test/First" in str(err)
    assert "Test/Second" in str(err)


def test_only_codedeploy_refuses_a_shared_listener() -> None:
    assert ep.Rolling().shared_listener_refusal is None
    assert ep.EcsNativeBlueGreen().shared_listener_refusal is None
    refusal = ep.CodeDeployBlueGreen().shared_listener_refusal
    assert refusal is not None
    assert "TargetGroupPairInfo" in refusal


def test_a_blue_green_route_certificate_is_served_on_the_test_listener_too(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster, test_listener_port=8443)
    _web(
        stack,
        ingress,
        deployment=ep.EcsNativeBlueGreen(),
        hosts=["pay.example.com"],
        hosted_zone=_zone(stack),
        certificate=True,
    )
    template = Template.from_stack(stack)
    listeners = {
        r["Properties"]["Port"]: k
        for k, r in template.find_resources("AWS::ElasticLoadBalancingV2::Listener").items()
    }
    served_on = {
        r["Properties"]["ListenerArn"]["Ref"]
        for r in template.find_resources(
            "AWS::ElasticLoadBalancingV2::ListenerCertificate"
        ).values()
        if "Ref" in r["Properties"]["Certificates"][0]["CertificateArn"]
    }
    assert served_on == {listeners[443], listeners[8443]}


def test_a_wildcard_certificate_name_outside_the_zone_is_refused(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    # ACM's validation record for *.example.org would have to go into example.com: Route 53
    # refuses it, and the certificate (and the stack) would wait for a validation that never
    # comes.
    ingress = _ingress(stack, cluster)
    err = _web_refused(
        stack,
        ingress,
        hosts=["*.example.org", "api.example.com"],
        hosted_zone=_zone(stack),
        certificate=True,
    )
    assert err.props == ("ingress.hosted_zone",)
    assert "*.example.org" in str(err)
    assert "api.example.com" not in str(err).split("(not ")[1]


def test_a_wildcard_certificate_name_of_the_zone_apex_is_accepted(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster)
    web = _web(
        stack,
        ingress,
        hosts=["*.example.com", "example.com"],
        hosted_zone=_zone(stack),
        certificate=True,
    )
    assert web.certificate is not None


@pytest.mark.parametrize(
    ("env", "nested"),
    [
        (Environment(account="123456789012", region="eu-west-1"), False),
        (Environment(account="210987654321", region="us-east-1"), False),
        # The scope is a construct inside the stack, not the stack: the stack is looked up.
        (Environment(account="123456789012", region="eu-west-1"), True),
    ],
    ids=["region", "account", "nested"],
)
def test_a_service_in_another_environment_than_its_ingress_is_refused(
    stack: Stack, cluster: ep.FargateCluster, env: Environment, nested: bool
) -> None:
    # Without the check, aws-cdk-lib fails while resolving the cross-stack references with a
    # message about the cluster's physical name, which says nothing about the ingress.
    ingress = _ingress(stack, cluster)
    other = Stack(cast("App", stack.node.root), "Elsewhere", env=env)
    scope = Construct(other, "Team") if nested else other
    err = _web_refused(scope, ingress, hosts=["a.example.com"])
    assert err.props == ("ingress",)
    assert str(env.region) in str(err)


@pytest.mark.parametrize(
    "env",
    [
        None,
        Environment(account="123456789012"),
        Environment(region="us-east-1"),
        Environment(account=Aws.ACCOUNT_ID, region="us-east-1"),
    ],
)
def test_a_service_whose_account_or_region_is_unknown_is_not_refused(
    stack: Stack, cluster: ep.FargateCluster, env: Environment | None
) -> None:
    # An account or region unknown at synthesis (a token) cannot be compared: no refusal.
    ingress = _ingress(stack, cluster)
    other = Stack(cast("App", stack.node.root), "Agnostic", env=env)
    web = _web(other, ingress, hosts=["a.example.com"])
    assert web.ingress is ingress


@pytest.mark.parametrize(("ingress_certificates", "warned"), [(25, False), (26, True)])
def test_more_sni_certificates_than_the_default_quota_are_announced(
    stack: Stack, cluster: ep.FargateCluster, ingress_certificates: int, warned: bool
) -> None:
    # 24 or 25 certificates besides the listener's default, plus the route's own.
    certificates = [
        _certificate(stack, CERTIFICATE_ARN.replace("11111111", f"{i:08d}"), id=f"Cert{i}")
        for i in range(ingress_certificates)
    ]
    ingress = _ingress(stack, cluster, certificates=certificates)
    _web(stack, ingress, hosts=["api.example.com"], hosted_zone=_zone(stack), certificate=True)
    assert ingress.extra_certificates == ingress_certificates
    found = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("ListenerCertificateQuota")
    )
    assert bool(found) is warned


def test_a_certificate_validated_in_a_private_zone_is_refused(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster, internet_facing=False)
    zone = route53.PrivateHostedZone(stack, "Private", zone_name="example.com", vpc=cluster.vpc)
    err = _web_fail(
        ingress=ep.IngressRoute(
            ingress=ingress, hosts=["api.example.com"], hosted_zone=zone, certificate=True
        )
    )
    assert err.props == ("ingress.certificate",)
    assert "public" in str(err)


def test_records_alone_in_a_private_zone_are_accepted(
    stack: Stack, cluster: ep.FargateCluster
) -> None:
    ingress = _ingress(stack, cluster, internet_facing=False)
    zone = route53.PrivateHostedZone(stack, "Private", zone_name="example.com", vpc=cluster.vpc)
    web = _web(stack, ingress, hosts=["api.example.com"], hosted_zone=zone)
    assert len(web.dns_records) == 1
