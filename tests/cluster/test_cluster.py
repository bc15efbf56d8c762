"""FargateCluster: insights, capacity providers, exec, VPC defaults and validation."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import Synthesized, new_stack


@pytest.fixture(scope="module")
def default_cluster(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["ClusterDefaults"])


@pytest.fixture(scope="module")
def custom_cluster(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["ClusterCustom"])


def test_container_insights_standard(default_cluster: Template) -> None:
    default_cluster.has_resource_properties(
        "AWS::ECS::Cluster",
        {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]},
    )


def test_fargate_and_spot_with_base_1_weight_1_and_spot_weight_3(default_cluster: Template) -> None:
    default_cluster.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {
            "CapacityProviders": Match.array_with(["FARGATE", "FARGATE_SPOT"]),
            "DefaultCapacityProviderStrategy": [
                {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
            ],
        },
    )


def test_exec_sessions_encrypted_with_kms_and_logged_encrypted(default_cluster: Template) -> None:
    default_cluster.has_resource_properties(
        "AWS::ECS::Cluster",
        {
            "Configuration": {
                "ExecuteCommandConfiguration": {
                    "KmsKeyId": Match.any_value(),
                    "Logging": "OVERRIDE",
                    "LogConfiguration": {
                        "CloudWatchEncryptionEnabled": True,
                        "CloudWatchLogGroupName": Match.any_value(),
                    },
                }
            }
        },
    )


def test_key_rotates_and_is_retained(default_cluster: Template) -> None:
    default_cluster.has_resource(
        "AWS::KMS::Key",
        {"Properties": Match.object_like({"EnableKeyRotation": True}), "DeletionPolicy": "Retain"},
    )


def test_log_groups_encrypted_finite_and_retained(default_cluster: Template) -> None:
    groups = default_cluster.find_resources("AWS::Logs::LogGroup")
    assert len(groups) == 2  # exec sessions + flow logs
    for group in groups.values():
        assert group["DeletionPolicy"] == "Retain"
        assert group["Properties"]["RetentionInDays"] == 365
        assert "KmsKeyId" in group["Properties"]


def test_vpc_two_azs_nat_per_az_no_public_ip_on_launch(default_cluster: Template) -> None:
    default_cluster.resource_count_is("AWS::EC2::NatGateway", 2)
    default_cluster.resource_count_is("AWS::EC2::Subnet", 4)
    for subnet in default_cluster.find_resources("AWS::EC2::Subnet").values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False


def test_flow_logs_all_traffic_with_managed_policy_role(default_cluster: Template) -> None:
    default_cluster.has_resource_properties(
        "AWS::EC2::FlowLog", {"TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}
    )
    default_cluster.resource_count_is("AWS::IAM::Policy", 0)
    default_cluster.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogStreams",
                            ]
                        }
                    )
                ]
            }
        },
    )


def test_default_security_group_is_closed(default_cluster: Template) -> None:
    default_cluster.resource_count_is("Custom::VpcRestrictDefaultSG", 1)


def test_custom_vpc_shape_and_on_demand_strategy(custom_cluster: Template) -> None:
    custom_cluster.resource_count_is("AWS::EC2::NatGateway", 1)
    custom_cluster.resource_count_is("AWS::EC2::Subnet", 6)
    custom_cluster.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.20.0.0/16"})
    custom_cluster.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {
            "DefaultCapacityProviderStrategy": [
                {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1}
            ]
        },
    )
    custom_cluster.has_resource_properties("AWS::ECS::Cluster", {"ClusterName": "platform"})


def test_existing_vpc_is_used_as_is(synthesized: Synthesized) -> None:
    template = Template.from_json(synthesized.templates["ClusterExistingVpc"])
    template.resource_count_is("AWS::EC2::VPC", 0)
    template.resource_count_is("AWS::EC2::FlowLog", 0)
    template.resource_count_is("AWS::ECS::Cluster", 1)


def test_escape_hatches_expose_the_l2_objects() -> None:
    cluster = ep.FargateCluster(new_stack(), "Cluster")
    assert cluster.cluster.vpc is cluster.vpc
    assert cluster.flow_log is not None
    assert cluster.exec_log_group.log_group_name


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"max_azs": 1}, "max_azs"),
        ({"nat_gateways": 3}, "nat_gateways"),
        ({"nat_gateways": 0}, "nat_gateways"),
        ({"vpc_cidr": "10.0.0.0/24"}, "vpc_cidr"),
        ({"flow_log_retention": logs.RetentionDays.INFINITE}, "flow_log_retention"),
        ({"log_retention": logs.RetentionDays.INFINITE}, "log_retention"),
        # Found by tests/property: ECS allows 1-255 letters, digits, '-' and '_'.
        ({"cluster_name": ""}, "cluster_name"),
        # Found by tests/property: aws-cdk-lib raised a jsii error for these CIDRs.
        ({"vpc_cidr": "10.0.0.0/19"}, "vpc_cidr"),
        ({"vpc_cidr": "10.0.0.0/18", "max_azs": 4}, "vpc_cidr"),
        ({"vpc_cidr": "300.0.0.0/16"}, "vpc_cidr"),
        ({"vpc_cidr": "not-a-cidr/16"}, "vpc_cidr"),
        ({"vpc_cidr": "10.0.0.1/16"}, "vpc_cidr"),
        ({"cluster_name": "my cluster"}, "cluster_name"),
        ({"cluster_name": "c" * 256}, "cluster_name"),
    ],
)
def test_fails_on_invalid_props(kwargs: dict[str, object], prop: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ClusterProps(**kwargs)  # type: ignore[arg-type]
    assert err.value.props == (prop,)
    assert f"{prop}=" in str(err.value)


def test_fails_on_nat_gateways_beyond_six_even_with_max_azs_out_of_range() -> None:
    # Found by tests/property (deep): max_azs=7 let nat_gateways=7 pass unnamed.
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ClusterProps(max_azs=7, nat_gateways=7)
    assert set(err.value.props) == {"max_azs", "nat_gateways"}


def test_fails_when_existing_vpc_is_combined_with_new_vpc_shape() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc")
    with pytest.raises(ep.ConfigurationError, match="vpc=") as err:
        ep.ClusterProps(vpc=vpc, nat_gateways=1)
    assert err.value.props == ("vpc",)


@pytest.mark.parametrize(
    ("kwargs", "prop", "fragment"),
    [
        ({"on_demand_weight": 0, "spot_weight": 0}, "spot_weight", "at least one"),
        ({"on_demand_base": 0, "on_demand_weight": 0}, "on_demand_base", "allow_spot_only=True"),
        # Found by tests/property: base 0 with on-demand weight passed, and the library's
        # EcsPatterns-SpotOnly rule then failed the service.
        ({"on_demand_base": 0}, "on_demand_base", "allow_spot_only=True"),
        ({"spot_weight": 1001}, "spot_weight", "an integer from 0 to 1000"),
        ({"on_demand_base": -1}, "on_demand_base", "an integer from 0 to 100000"),
    ],
)
def test_capacity_strategy_fails_on_invalid_weights(
    kwargs: dict[str, int], prop: str, fragment: str
) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CapacityStrategy(**kwargs)  # type: ignore[arg-type]
    assert prop in err.value.props
    assert fragment in str(err.value)


def test_capacity_strategy_spot_only_is_an_explicit_opt_in() -> None:
    strategy = ep.CapacityStrategy(
        on_demand_base=0, on_demand_weight=0, spot_weight=1, allow_spot_only=True
    )
    assert strategy.uses_spot


def test_disabled_container_insights_is_announced_and_acknowledged() -> None:
    # Found by tests/property: ContainerInsights.DISABLED was accepted and AwsSolutions-ECS4
    # then failed the stack.
    stack = new_stack()
    cluster = ep.FargateCluster(
        stack, "Cluster", ep.ClusterProps(container_insights=ecs.ContainerInsights.DISABLED)
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::ECS::Cluster",
        {"ClusterSettings": [{"Name": "containerInsights", "Value": "disabled"}]},
    )
    assert [f.rule for f in nag_findings(stack)] == []
    assert any(
        "container_insights=DISABLED" in str(entry.data)
        for entry in cluster.node.metadata
        if entry.type == "aws:cdk:warning"
    )


def test_spot_without_base_is_announced_and_acknowledged_on_cluster_and_service() -> None:
    stack = new_stack()
    strategy = ep.CapacityStrategy(on_demand_base=0, allow_spot_only=True)
    cluster = ep.FargateCluster(stack, "Cluster", ep.ClusterProps(default_capacity=strategy))
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
            allow_plain_http=True,
            cluster=cluster,
        ),
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::ECS::Service",
        {"CapacityProviderStrategy": Match.array_with([Match.object_like({"Weight": 3})])},
    )
    assert nag_findings(stack, packs=[ep.EcsHardeningChecks(stack)]) == []
    assert any(
        "allow_spot_only=True" in str(entry.data)
        for entry in cluster.node.metadata
        if entry.type == "aws:cdk:warning"
    )
