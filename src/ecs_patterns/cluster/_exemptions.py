"""Why parts of FargateCluster are exempt from particular rules: the reasons, as data.

Each resource gets one ``exempt(resource, ...)`` call with the exemptions below. The compliance
report (``docs/compliance.md``) quotes them.
"""

from __future__ import annotations

from ..core._compliance import Exemption

__all__ = [
    "NO_CONTAINER_INSIGHTS",
    "PUBLIC_SUBNET_ROUTE",
    "RESTRICT_DEFAULT_SG_PROVIDER",
    "SUBNET_AZ",
]

NO_CONTAINER_INSIGHTS = Exemption(
    nag=["AwsSolutions-ECS4"],
    reason="Container Insights was turned off explicitly with "
    "container_insights=ContainerInsights.DISABLED (announced by the "
    "ecs-patterns:NoContainerInsights warning), e.g. to save its cost outside "
    "production.",
)

SUBNET_AZ = Exemption(
    cfn_lint=["W3010"],
    reason="AZ names come from the committed context of an environment-pinned stack: that is "
    "deliberate, so the hard-coded availability zone of each subnet is expected.",
)

RESTRICT_DEFAULT_SG_PROVIDER = (
    Exemption(
        cfn_lint=["W3005"],
        reason="aws-cdk-lib's provider declares a DependsOn its role that a GetAtt already "
        "implies.",
    ),
    Exemption(
        checkov=["CKV_AWS_115"],
        reason="aws-cdk-lib's provider for Custom::VpcRestrictDefaultSG runs only when "
        "CloudFormation creates, updates or deletes a VPC's default-security-group "
        "restriction, a few times per deployment; reserved concurrency would only set aside "
        "account capacity for it.",
    ),
    Exemption(
        checkov=["CKV_AWS_116"],
        reason="CloudFormation invokes this custom-resource provider synchronously and turns a "
        "failure into a failed, rolled-back stack operation; a dead-letter queue only receives "
        "failed asynchronous invocations, so it would never receive anything.",
    ),
    Exemption(
        checkov=["CKV_AWS_117"],
        reason="The function only calls the EC2 API to revoke the default security group's "
        "rules. Placing it in the VPC it restricts would need a NAT gateway or an EC2 endpoint "
        "to reach that API, for no isolation gain; it reads no data and holds no secrets.",
    ),
)
"""aws-cdk-lib's Custom::VpcRestrictDefaultSG provider function (one per stack)."""

PUBLIC_SUBNET_ROUTE = Exemption(
    nag=[
        "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
        "HIPAA.Security-VPCNoUnrestrictedRouteToIGW",
        "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW",
    ],
    reason="Public subnets hold only the internet-facing load balancer and the NAT "
    "gateways, which need a route to the internet gateway; tasks run in "
    "private subnets without one, and no public IP is assigned on launch.",
)
