"""Test stacks for GitHubDeployRole."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs

import ecs_patterns as ep

PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/platform/web"
TASK_ROLE_ARN = "arn:aws:iam::123456789012:role/web-task"


def _service(stack: Stack) -> ecs.FargateService:
    """A plain Fargate service on a FargateCluster, with a minimal task definition.

    Its execution role gets a customer-managed policy (not CDK's inline default policy), as
    the NIST, HIPAA and PCI packs require; the container logs to a KMS-encrypted log group.
    """
    cluster = ep.FargateCluster(stack, "Cluster", ep.ClusterProps(nat_gateways=1))
    log_group = logs.LogGroup(
        stack, "Logs", encryption_key=cluster.key, retention=logs.RetentionDays.ONE_YEAR
    )
    execution_role = iam.Role(
        stack, "ExecutionRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")
    )
    iam.ManagedPolicy(
        stack,
        "ExecutionPolicy",
        roles=[execution_role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ],
    )
    task = ecs.FargateTaskDefinition(
        stack,
        "Task",
        cpu=256,
        memory_limit_mib=512,
        execution_role=execution_role.without_policy_updates(),
    )
    task.add_container(
        "web",
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        port_mappings=[ecs.PortMapping(container_port=8080, name="http")],
        logging=ecs.LogDrivers.aws_logs(stream_prefix="ecs", log_group=log_group),
        readonly_root_filesystem=True,
        user="1000",
        health_check=ecs.HealthCheck(
            command=["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"]
        ),
    )
    return ecs.FargateService(
        stack,
        "Service",
        cluster=cluster.cluster,
        task_definition=task,
        circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
    )


def defaults(stack: Stack) -> None:
    repository = ep.EcrRepository(stack, "Repo")
    ep.GitHubDeployRole(
        stack,
        "Deploy",
        ep.GitHubDeployRoleProps(
            repositories=[ep.GitHubRepo(owner="acme", name="web")],
            ecr_repositories=[repository],
            ecs_services=[_service(stack)],
        ),
    )


def imported(stack: Stack) -> None:
    provider = iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(
        stack, "GitHub", PROVIDER_ARN
    )
    service = ecs.FargateService.from_service_arn_with_cluster(stack, "Web", SERVICE_ARN)
    application = codedeploy.EcsApplication.from_ecs_application_name(stack, "App", "web")
    group = codedeploy.EcsDeploymentGroup.from_ecs_deployment_group_attributes(
        stack,
        "BlueGreen",
        application=application,
        deployment_group_name="web-bg",
        deployment_config=codedeploy.EcsDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTES,
    )
    ep.GitHubDeployRole(
        stack,
        "Deploy",
        ep.GitHubDeployRoleProps(
            repositories=[
                ep.GitHubRepo(owner="acme", name="web", environments=["production"]),
                ep.GitHubRepo(
                    owner="acme",
                    name="infra",
                    branches=["main", "release/*"],
                    environments=["production", "staging"],
                ),
                ep.GitHubRepo(
                    owner="acme-ops", name="deploy.tools", branches=[], environments=["production"]
                ),
            ],
            provider=provider,
            ecr_repositories=[
                ep.EcrRepository(stack, "Repo", ep.RepositoryProps(repository_name="acme/web")),
            ],
            ecs_services=[service],
            pass_roles=[iam.Role.from_role_arn(stack, "TaskRole", TASK_ROLE_ARN)],
            codedeploy_deployment_groups=[group],
            cdk_bootstrap_qualifier="acme01",
            max_session_duration=Duration.hours(2),
            role_name="github-deploy-web",
        ),
    )


STACKS = {"GitHubOidcDefaults": defaults, "GitHubOidcImported": imported}
