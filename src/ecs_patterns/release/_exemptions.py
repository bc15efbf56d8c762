"""Why parts of CodeDeployRelease are exempt from particular rules: the reasons, as data.

Each resource gets one ``exempt(resource, ...)`` call with the exemptions below; reasons that
depend on values (reserved concurrency, VPC placement, logical ids) are small functions. The
compliance report (``docs/compliance.md``) quotes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core._compliance import Exemption

__all__ = [
    "PROVIDER_ENVIRONMENT",
    "ROLE_DEPENDS_ON",
    "VPC_NETWORK_INTERFACES",
    "WAITER_STATE_MACHINE",
    "WAITER_TRACING_POLICY",
    "function",
    "scale_in_policy",
    "waiter_default_policy",
]

_NAG_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")


def _in_packs(rule: str, packs: Sequence[str] = _NAG_PACKS) -> list[str]:
    return [f"{pack}-{rule}" for pack in packs]


# --- Lambda functions (the two handlers and the provider framework's three) ------------------

ROLE_DEPENDS_ON = Exemption(
    cfn_lint=["W3005"],
    reason="aws-cdk-lib declares a DependsOn the role that the function's GetAtt already implies.",
)

_NO_DLQ = Exemption(
    # PCI DSS 3.2.1 has no LambdaDLQ rule.
    nag=_in_packs("LambdaDLQ", ("NIST.800.53.R5", "HIPAA.Security")),
    checkov=["CKV_AWS_116"],
    reason="Invoked synchronously (by the provider framework or its Step Functions waiter) or, "
    "for the framework's entry point, by CloudFormation, which the framework answers "
    "with SUCCESS or FAILED itself; a failed event in a dead-letter queue would have "
    "nobody to act on it, and CloudFormation already reports the failure on the stack.",
)
_UNRESERVED = Exemption(
    # PCI DSS 3.2.1 has no LambdaConcurrency rule.
    nag=_in_packs("LambdaConcurrency", ("NIST.800.53.R5", "HIPAA.Security")),
    checkov=["CKV_AWS_115"],
    reason="No reserved concurrency (CodeDeployRelease's default, reserved_concurrency=None): "
    "Lambda keeps 100 units of the account's concurrency unreserved, so in an account with a "
    "quota of 100 or less (new accounts often have 10 or 50) any reservation fails the deploy. "
    "A release invokes this function one request at a time (CloudFormation sends one request "
    "per resource, the waiter polls sequentially), so it neither needs a reservation nor can it "
    "starve others; pass reserved_concurrency=1 where the quota allows.",
)
_OUTSIDE_VPC = Exemption(
    nag=_in_packs("LambdaInsideVPC"),
    checkov=["CKV_AWS_117"],
    reason="No vpc was given to CodeDeployRelease: the function only calls the CodeDeploy, "
    "ECS, Step Functions and Lambda APIs and reaches no private resource. Pass vpc= "
    "to run it in private subnets.",
)


def function(*, reserved_concurrency: bool, in_vpc: bool) -> tuple[Exemption, ...]:
    """Every Lambda function of the release: no DLQ, plus what the props opted out of."""
    return (
        ROLE_DEPENDS_ON,
        _NO_DLQ,
        *(() if reserved_concurrency else (_UNRESERVED,)),
        *(() if in_vpc else (_OUTSIDE_VPC,)),
    )


PROVIDER_ENVIRONMENT = Exemption(
    checkov=["CKV_AWS_173"],
    reason="aws-cdk-lib's provider framework sets only the ARNs of the handler functions "
    "and of the waiter state machine as environment variables, no secret; Lambda "
    "encrypts them at rest with its AWS-managed key.",
)
"""The provider framework's functions (in addition to :func:`function`)."""

# --- policies -----------------------------------------------------------------------------------

VPC_NETWORK_INTERFACES = Exemption(
    nag=["AwsSolutions-IAM5[Resource::*]"],
    checkov=["CKV_AWS_111"],
    reason="Only the EC2 network-interface actions a Lambda function needs to run in a VPC "
    "(the statements of AWSLambdaVPCAccessExecutionRole) have Resource '*': they take "
    "no resource ARN at creation time.",
)
"""A function policy in a VPC: its only ``*`` statement is the VPC access one."""


def scale_in_policy(alarms_resource: str) -> tuple[Exemption, ...]:
    """The policy that lets the handlers suspend and resume dynamic scale-in."""
    return (
        Exemption(
            nag=[f"AwsSolutions-IAM5[Resource::{alarms_resource}]"],
            reason="Application Auto Scaling checks that the caller of RegisterScalableTarget "
            "may describe, put and delete CloudWatch alarms (permissions validation on target "
            "resources) with alarm names of its own that the template cannot know; the grant "
            "is limited to alarms of this account and Region, and the handlers never call "
            "these actions themselves.",
        ),
        Exemption(
            nag=["AwsSolutions-IAM5[Resource::*]"],
            checkov=["CKV_AWS_111"],
            reason="Application Auto Scaling: DescribeScalableTargets supports no "
            "resource-level permissions, and the ARN of a scalable target ends in an id "
            "assigned at registration that the template cannot reference (Ref and GetAtt give "
            "the resource id, not the ARN). The handlers call RegisterScalableTarget only with "
            "SuspendedState, on the service's own resource id from the resource properties, to "
            "suspend dynamic scale-in during a CodeDeploy deployment and resume it afterwards.",
        ),
    )


# --- the provider framework's waiter state machine -------------------------------------------

WAITER_STATE_MACHINE = Exemption(
    cfn_lint=["W3005"],
    reason="aws-cdk-lib declares DependsOn the waiter's role next to the GetAtt of its ARN.",
)

WAITER_TRACING_POLICY = Exemption(
    nag=["AwsSolutions-IAM5[Resource::*]"],
    reason="X-Ray's PutTraceSegments, PutTelemetryRecords, GetSamplingRules and "
    "GetSamplingTargets support no resource-level permissions (Service Authorization "
    "Reference), so Step Functions tracing needs Resource '*'.",
)


def waiter_default_policy(function_logical_ids: Sequence[str]) -> tuple[Exemption, ...]:
    """The inline policy aws-cdk-lib builds inside the waiter (invoke, log delivery)."""
    log_delivery = (
        "Step Functions log delivery (logs:CreateLogDelivery, GetLogDelivery, "
        "UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, "
        "DescribeResourcePolicies, DescribeLogGroups) supports no resource-level "
        "permissions; aws-cdk-lib's provider framework grants it with Resource '*'."
    )
    return (
        *(
            Exemption(
                nag=[f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>:*]"],
                reason="aws-cdk-lib's grantInvoke adds the function's qualified ARNs ('ARN:*') "
                "next to the function ARN; the wildcard covers only versions and aliases of "
                "this one framework function, which the state machine must invoke.",
            )
            for logical_id in function_logical_ids
        ),
        Exemption(
            nag=_in_packs("IAMNoInlinePolicy"),
            reason="Created by aws-cdk-lib's provider framework inside its waiter state machine "
            "(no role can be passed in): it allows invoking the framework's isComplete and "
            "onTimeout functions and delivering the state machine's logs, nothing else.",
        ),
        Exemption(
            nag=["AwsSolutions-IAM5[Resource::*]"], checkov=["CKV_AWS_111"], reason=log_delivery
        ),
    )
