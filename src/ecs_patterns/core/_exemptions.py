"""Why the core building blocks are exempt from particular rules: the reasons, as data.

Each constant is an :class:`Exemption` (or a :class:`WildcardAllowance` for a wildcard IAM
resource) that the building block passes to :func:`exempt` on one resource; reasons that
depend on values are small functions returning one. The compliance report
(``docs/compliance.md``) quotes these reasons.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._compliance import Exemption, WildcardAllowance

__all__ = [
    "ALTERNATE_TARGET_ROLE",
    "CODEDEPLOY_ROLE",
    "ECR_LOGIN",
    "EXEC_CHANNELS",
    "EXEC_DESCRIBE_LOG_GROUPS",
    "SERVICE_DEPENDS_ON_CLUSTER",
    "SPOT_ONLY",
    "TRACING_POLICY",
    "WRITABLE_ROOT_FILESYSTEM",
    "exec_session_logs",
    "plain_environment",
    "task_definition",
]

# --- task roles: wildcard resources IAM cannot scope (AwsSolutions-IAM5 findings) ----------

ECR_LOGIN = WildcardAllowance(
    actions=frozenset({"ecr:GetAuthorizationToken"}),
    resource="*",
    reason="ecr:GetAuthorizationToken has no resource-level permissions (an ECR login token "
    "is account-wide); image layers are readable from the named repository only",
)
EXEC_CHANNELS = WildcardAllowance(
    actions=frozenset(
        {
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        }
    ),
    resource="*",
    reason="the ssmmessages channel actions of ECS Exec have no resource-level permissions; "
    "who may open a session is governed by ecs:ExecuteCommand on the caller's side",
)
EXEC_DESCRIBE_LOG_GROUPS = WildcardAllowance(
    actions=frozenset({"logs:DescribeLogGroups"}),
    resource="*",
    reason="logs:DescribeLogGroups (the ECS Exec agent looks up its session log group) has no "
    "resource-level permissions",
)


def exec_session_logs(resource: str, reported_as: str | None = None) -> WildcardAllowance:
    """ECS Exec writes session logs to streams of the cluster's exec log group (``:*``)."""
    return WildcardAllowance(
        actions=frozenset({"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}),
        resource=resource,
        reported_as=reported_as,
        reason="the ECS Exec agent writes each session to a new log stream of the "
        "cluster's one, KMS-encrypted exec session log group; ':*' names the streams of "
        "that group only",
    )


# --- the task definition ----------------------------------------------------------------------

WRITABLE_ROOT_FILESYSTEM = Exemption(
    nag=["EcsPatterns-ReadonlyRootFilesystem"],
    reason="The app's root filesystem was made writable explicitly with "
    "readonly_root_filesystem=False (announced by the "
    "ecs-patterns:WritableRootFilesystem warning), which ECS Exec requires; the "
    "tracing sidecar, if any, stays read-only.",
)


def task_definition(
    *, readonly_root_filesystem: bool, environment: Iterable[str]
) -> tuple[Exemption, ...]:
    """What a hardened task definition is exempt from, given its container's options."""
    names = list(environment)
    return (
        *(() if readonly_root_filesystem else (WRITABLE_ROOT_FILESYSTEM,)),
        *((plain_environment(names),) if names else ()),
    )


def plain_environment(names: Iterable[str]) -> Exemption:
    """AwsSolutions-ECS2 for a container environment of the given (non-secret) variables."""
    return Exemption(
        nag=["AwsSolutions-ECS2"],
        reason="The environment holds only non-secret configuration "
        f"({', '.join(sorted(names))}); secrets are injected from SSM "
        "Parameter Store or Secrets Manager through the task's secrets section.",
    )


TRACING_POLICY = Exemption(
    nag=["AwsSolutions-IAM5[Resource::*]"],
    reason="The X-Ray write and sampling actions have no resource-level permissions, so "
    "AWS's own AWSXrayWriteOnlyAccess grants them on '*'; this policy holds nothing "
    "else.",
)

# --- capacity ---------------------------------------------------------------------------------

SPOT_ONLY = Exemption(
    nag=["EcsPatterns-SpotOnly"],
    reason="Spot without a FARGATE base was chosen explicitly with "
    "CapacityStrategy(allow_spot_only=True) (announced by the "
    "ecs-patterns:SpotWithoutBase warning), for interruption-tolerant workloads.",
)

# --- deployment strategies ----------------------------------------------------------------------

ALTERNATE_TARGET_ROLE = Exemption(
    nag=[
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
        "AmazonECSInfrastructureRolePolicyForLoadBalancers]"
    ],
    reason="The infrastructure role ECS assumes to rewrite the listener rules and register "
    "green tasks uses the AWS managed "
    "AmazonECSInfrastructureRolePolicyForLoadBalancers policy, the one the ECS "
    "blue/green documentation prescribes; aws-cdk-lib's AlternateTarget creates it.",
)

CODEDEPLOY_ROLE = Exemption(
    nag=["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSCodeDeployRoleForECS]"],
    reason="The CodeDeploy service role uses the AWS managed policy AWSCodeDeployRoleForECS, "
    "the documented policy for ECS blue/green deployments: CodeDeploy needs to "
    "create and delete task sets, modify the two listeners and read alarms, and "
    "AWS keeps the action list current as ECS adds features.",
)


SERVICE_DEPENDS_ON_CLUSTER = Exemption(
    cfn_lint=["W3005"],
    reason="FARGATE_SPOT must be associated with the cluster before a service names it "
    "(aws/containers-roadmap#631). aws-cdk-lib creates that association under the "
    "ecs.Cluster only at synthesis, so the service depends on the whole ecs.Cluster; its "
    "CfnCluster part duplicates the service's Ref, which cfn-lint reports as W3005.",
)
"""cfn-lint W3005 on every library service, which depends on its whole ``ecs.Cluster``."""
