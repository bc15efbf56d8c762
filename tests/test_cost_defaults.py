"""Cost defaults of FargateCluster: standard Container Insights, VPC endpoints as an option."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import new_stack


def _cluster(**kwargs: Any) -> tuple[ep.FargateCluster, Template]:
    stack = new_stack("Cost")
    cluster = ep.FargateCluster(stack, "Cluster", ep.ClusterProps(**kwargs))
    return cluster, Template.from_stack(stack)


def test_container_insights_is_standard_by_default() -> None:
    # The library's alarms and dashboards read RunningTaskCount, DesiredTaskCount and
    # PendingTaskCount by ClusterName and ServiceName, which standard Container Insights has.
    _, template = _cluster()
    template.has_resource_properties(
        "AWS::ECS::Cluster",
        {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]},
    )


def test_enhanced_container_insights_is_an_option() -> None:
    _, template = _cluster(container_insights=ecs.ContainerInsights.ENHANCED)
    template.has_resource_properties(
        "AWS::ECS::Cluster",
        {"ClusterSettings": [{"Name": "containerInsights", "Value": "enhanced"}]},
    )


def test_no_vpc_endpoints_by_default() -> None:
    _, template = _cluster()
    template.resource_count_is("AWS::EC2::VPCEndpoint", 0)


def test_vpc_endpoints_keep_image_pulls_and_logs_off_nat() -> None:
    cluster, template = _cluster(vpc_endpoints=True)
    endpoints = template.find_resources("AWS::EC2::VPCEndpoint")
    kinds = sorted(e["Properties"].get("VpcEndpointType", "Gateway") for e in endpoints.values())
    assert kinds == ["Gateway", "Interface", "Interface", "Interface"]
    names = sorted(str(e["Properties"]["ServiceName"]) for e in endpoints.values())
    assert any("ecr.api" in n for n in names)
    assert any("ecr.dkr" in n for n in names)
    assert any(n.endswith(".logs") or ".logs" in n for n in names)
    assert any(".s3" in n for n in names)
    for endpoint in endpoints.values():
        props = endpoint["Properties"]
        if props.get("VpcEndpointType") == "Interface":
            assert props["PrivateDnsEnabled"] is True
            assert len(props["SubnetIds"]) == 2  # one network interface per AZ
    # The endpoints' security groups admit HTTPS from the VPC only.
    for group in template.find_resources("AWS::EC2::SecurityGroup").values():
        for rule in group["Properties"].get("SecurityGroupIngress", []):
            assert rule["FromPort"] == rule["ToPort"] == 443
            assert rule["CidrIp"] != "0.0.0.0/0"
    assert sorted(cluster.endpoints) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert nag_findings(cluster, packs=[ep.EcsHardeningChecks(cluster)]) == []
    assert nag_findings(cluster) == []


def test_fails_vpc_endpoints_for_a_given_vpc() -> None:
    stack = new_stack("Cost")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["us-east-1a"]
    )
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ClusterProps(vpc=vpc, vpc_endpoints=True)
    assert err.value.props == ("vpc_endpoints",)
