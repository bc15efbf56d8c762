"""Test stacks for FargateCluster."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs

import ecs_patterns as ep


def defaults(stack: Stack) -> None:
    ep.FargateCluster(stack, "Cluster")


def custom(stack: Stack) -> None:
    ep.FargateCluster(
        stack,
        "Cluster",
        ep.ClusterProps(
            max_azs=3,
            nat_gateways=1,
            vpc_cidr="10.20.0.0/16",
            flow_log_retention=logs.RetentionDays.THREE_MONTHS,
            default_capacity=ep.CapacityStrategy.on_demand_only(base=1),
            cluster_name="platform",
            vpc_endpoints=True,
            tags={"team": "platform"},
        ),
    )


def existing_vpc(stack: Stack) -> None:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["us-east-1a", "us-east-1b"],
        private_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    )
    ep.FargateCluster(stack, "Cluster", ep.ClusterProps(vpc=vpc))


STACKS = {
    "ClusterDefaults": defaults,
    "ClusterCustom": custom,
    "ClusterExistingVpc": existing_vpc,
}
