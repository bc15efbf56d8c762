"""The sample stacks: what a platform team's CDK app built on ecs-patterns looks like."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import App, CfnOutput, Duration, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from constructs import Construct

import ecs_patterns as ep
from ecs_patterns.testing import add_compliance_packs
from sample_app.service.app import (
    HEARTBEAT_CHECK,
    PATH_PREFIX_VARIABLE,
    SERVICE_NAME_VARIABLE,
    routed_paths,
)

__all__ = [
    "SAMPLE_REPOSITORY_NAME",
    "SAMPLE_REPOSITORY_STACK",
    "SAMPLE_SERVICES_STACK",
    "TEST_LISTENER_PORT",
    "SampleRepositoryStack",
    "SampleStack",
    "build_app",
]

SAMPLE_REPOSITORY_STACK = "EcsPatternsSampleRepository"
"""The long-lived stack: repository and CI deploy role (deployed first on a new account)."""
SAMPLE_SERVICES_STACK = "EcsPatternsSample"
"""The services stack: cluster, shared ingress, ``Web``, ``Api``, ``Catalog`` and ``Orders``
services, ``Worker``, ``NightlyReport``, monitoring."""
SAMPLE_REPOSITORY_NAME = "ecs-patterns/sample-web"
"""The explicit name of the sample's ECR repository (``ECR_REPOSITORY`` in release.yml)."""
TEST_LISTENER_PORT = 8443
"""Port of the shared ingress's test listener (green tasks of ``Catalog`` before they serve)."""
API_PREFIX = "/api"
"""``Api`` is routed ``/api`` and ``/api/*`` on the shared ingress (and answers them)."""
CATALOG_PREFIX = "/catalog"
"""``Catalog`` is routed ``/catalog`` and ``/catalog/*`` on the shared ingress."""


def _routed_container(
    repository: ep.EcrRepository, image_tag: str, name: str, prefix: str
) -> ep.ContainerOptions:
    """The sample image as the service ``name``, answering the paths under ``prefix`` that
    its listener rule on the shared ingress sends it (``routed_paths``)."""
    return ep.ContainerOptions(
        repository=repository,
        image_tag=image_tag,
        environment={SERVICE_NAME_VARIABLE: name, PATH_PREFIX_VARIABLE: prefix},
    )


class SampleRepositoryStack(Stack):
    """The long-lived half of the sample: the image repository and the CI deploy role.

    Deployed first, and on its own, on a new account (``cdk deploy EcsPatternsSampleRepository``)
    so that the first image can be pushed before any service tries to pull it; releases leave it
    unchanged. The GitHub deploy role trusts the ``main`` branch of
    ``github_owner/github_repository`` (context values ``github_owner`` and
    ``github_repository``) and may push to this repository only; its ARN is the
    ``DeployRoleArn`` output.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: Environment,
        github_owner: str = "ecs-patterns",
        github_repository: str = "ecs-patterns",
    ) -> None:
        super().__init__(
            scope,
            id,
            env=env,
            description=(
                "ecs-patterns sample (long-lived, deploy first): ECR repository, CI deploy role"
            ),
        )
        self.repository = ep.EcrRepository(
            self, "Repository", ep.RepositoryProps(repository_name=SAMPLE_REPOSITORY_NAME)
        )
        # The role `.github/workflows/release.yml` assumes through GitHub's OIDC provider: push
        # to this repository only, and run `cdk deploy` through the CDK bootstrap roles. The
        # services roll with `cdk deploy`, so the pipeline needs no ECS grant of its own.
        self.deploy_role = ep.GitHubDeployRole(
            self,
            "DeployRole",
            ep.GitHubDeployRoleProps(
                repositories=[ep.GitHubRepo(owner=github_owner, name=github_repository)],
                ecr_repositories=[self.repository],
            ),
        )
        CfnOutput(
            self,
            "DeployRoleArn",
            value=self.deploy_role.role.role_arn,
            description="Set as the DEPLOY_ROLE_ARN variable of the GitHub repository",
        )


class SampleStack(Stack):
    """A cluster and every workload kind, all running the one image from ``repository``.

    ``web`` (internet-facing) deploys with CodeDeploy blue/green on its own load balancer (a
    shared one refuses CodeDeploy, which re-points whole listeners). ``api`` and ``catalog``
    share one internal load balancer, ``ingress`` (:class:`SharedIngress`), routed by path
    (``/api``, ``/catalog`` and everything beneath each; any other path gets a 404): ``api``
    with ECS rolling deployments and the circuit breaker, ``catalog`` with ECS-native blue/green
    through the ingress's test listener, so all three strategies are in the reviewed snapshot.
    ``ingress_monitoring`` watches the shared load balancer once; each service's monitoring
    watches its own target group(s), all on one topic. ``orders`` is a backend without a load
    balancer that ``api`` calls through Service Connect (``http://orders:8080``); ``worker``
    consumes a queue; ``nightly_report`` is a job that runs at 02:30 Berlin time. The image
    picks what it runs from ``APP_ROLE``, and a routed service its name and path from
    ``SERVICE_NAME`` and ``PATH_PREFIX``.

    ``repository`` is the :class:`SampleRepositoryStack`'s repository, passed as a construct: the
    CDK turns its name and ARN into exports of that stack and ``Fn::ImportValue`` here, and this
    stack depends on the repository stack (also declared explicitly), so ``cdk deploy --all``
    deploys the repository first and CloudFormation refuses to delete the repository stack or
    change the exported values while these services use them.

    The image tag comes from the ``image_tag`` context value, so a pipeline ships a new image
    with ``cdk deploy --all -c image_tag=prod-<sha>`` without editing code. HTTPS needs a
    certificate: pass ``-c certificate_arn=arn:aws:acm:...`` (served by the web service's load
    balancer and by the shared ingress); without one both opt in to plain HTTP (announced as
    synthesis warnings), which is only acceptable for a demo.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        env: Environment,
        repository: ep.EcrRepository,
        image_tag: str,
        certificate_arn: str | None,
    ) -> None:
        super().__init__(
            scope,
            id,
            env=env,
            description=(
                "ecs-patterns sample: Fargate cluster, blue/green web service, shared ingress "
                "with a rolling and a blue/green service, backend, queue worker, nightly job, "
                "monitoring (images from EcsPatternsSampleRepository)"
            ),
        )
        self.repository = repository
        self.add_stack_dependency(
            Stack.of(repository), "the services pull their image from the repository"
        )
        self.cluster = ep.FargateCluster(self, "Cluster")
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", certificate_arn)
            if certificate_arn
            else None
        )
        # The public web service rolls out with CodeDeploy blue/green (linear 10 % a minute,
        # blue kept 5 minutes for an instant rollback): `cdk deploy -c image_tag=...`
        # registers the new task definition revision and a custom resource runs the CodeDeploy
        # deployment, failing the stack update if CodeDeploy rolls back.
        self.web = ep.FargateWebService(
            self,
            "Web",
            ep.WebServiceProps(
                container=ep.ContainerOptions(repository=self.repository, image_tag=image_tag),
                cluster=self.cluster,
                load_balancer=ep.LoadBalancerOptions(
                    certificate=certificate, allow_plain_http=certificate is None
                ),
                deployment=ep.CodeDeployBlueGreen(),
            ),
        )
        self.monitoring = ep.ServiceMonitoring(
            self,
            "Monitoring",
            ep.MonitoringProps(
                service=self.web.service,
                target_group=self.web.target_group,
                # Blue/green alternates the two groups: alarm on both.
                alternate_target_group=self.web.green_target_group,
                load_balancer=self.web.load_balancer,
                min_running_tasks=1,
                deployment_alarm_rollback=True,
                deployment_group=self.web.deployment_group,
            ),
        )
        # The internal services share one load balancer (SharedIngress): one ALB, one web ACL
        # and one access-log bucket for both, each service reached by its path through its own
        # listener rule and target group(s); a path no service claims gets a 404. The web
        # service above keeps its own load balancer: CodeDeploy blue/green re-points whole
        # listeners, so a shared ingress refuses it. The test listener (TEST_LISTENER_PORT,
        # reachable from the VPC only, as the ingress itself) carries the blue/green service's
        # test traffic to its green tasks before production traffic moves.
        self.ingress = ep.SharedIngress(
            self,
            "Ingress",
            ep.SharedIngressProps(
                cluster=self.cluster,
                internet_facing=False,
                certificates=[certificate] if certificate is not None else [],
                allow_plain_http=certificate is None,
                test_listener_port=TEST_LISTENER_PORT,
            ),
        )
        # Its load-balancer-level alarms, once for every service behind it.
        self.ingress_monitoring = ep.IngressMonitoring(
            self,
            "IngressMonitoring",
            ep.IngressMonitoringProps(
                load_balancer=self.ingress.load_balancer, topic=self.monitoring.topic
            ),
        )
        # An internal API on the same cluster and image, rolled out by ECS itself: rolling
        # deployments with the circuit breaker, rolled back on the same kind of alarms.
        self.api = ep.FargateWebService(
            self,
            "Api",
            ep.WebServiceProps(
                container=_routed_container(self.repository, image_tag, "api", API_PREFIX),
                cluster=self.cluster,
                ingress=ep.IngressRoute(ingress=self.ingress, paths=routed_paths(API_PREFIX)),
                deployment=ep.Rolling(),
            ),
        )
        # Its alarms watch its own target group; the load balancer's are the ingress's.
        self.api_monitoring = ep.ServiceMonitoring(
            self,
            "ApiMonitoring",
            ep.MonitoringProps(
                service=self.api.service,
                target_group=self.api.target_group,
                topic=self.monitoring.topic,
                min_running_tasks=1,
                deployment_alarm_rollback=True,
            ),
        )
        # A second routed service, on ECS-native blue/green: its rules on the shared listener
        # and test listener forward blue 100 / green 0 until ECS shifts them.
        self.catalog = ep.FargateWebService(
            self,
            "Catalog",
            ep.WebServiceProps(
                container=_routed_container(self.repository, image_tag, "catalog", CATALOG_PREFIX),
                cluster=self.cluster,
                ingress=ep.IngressRoute(ingress=self.ingress, paths=routed_paths(CATALOG_PREFIX)),
                deployment=ep.EcsNativeBlueGreen(),
            ),
        )
        self.catalog_monitoring = ep.ServiceMonitoring(
            self,
            "CatalogMonitoring",
            ep.MonitoringProps(
                service=self.catalog.service,
                target_group=self.catalog.target_group,
                # Blue/green alternates the two groups: alarm on both.
                alternate_target_group=self.catalog.green_target_group,
                topic=self.monitoring.topic,
                min_running_tasks=1,
                deployment_alarm_rollback=True,
            ),
        )
        # A backend without a load balancer, reached through Service Connect only. The API
        # calls it as http://orders:8080; a client must use the ECS deployment controller, so
        # the blue/green web service (CodeDeploy) cannot be one.
        self.orders = ep.BackendService(
            self,
            "Orders",
            ep.BackendServiceProps(
                container=ep.ContainerOptions(repository=self.repository, image_tag=image_tag),
                cluster=self.cluster,
            ),
        )
        self.orders.allow_from(self.api)
        # The worker and the job run the same image in another role (APP_ROLE); neither has a
        # port, so their health check is a command: the heartbeat the loop touches is fresh.
        heartbeat = ep.HealthCheck(command=["CMD", "python3", "-c", HEARTBEAT_CHECK])
        self.worker = ep.QueueWorkerService(
            self,
            "Worker",
            ep.QueueWorkerProps(
                container=ep.ContainerOptions(
                    repository=self.repository,
                    image_tag=image_tag,
                    environment={"APP_ROLE": "worker"},
                    health_check=heartbeat,
                ),
                cluster=self.cluster,
                queue=ep.QueueOptions(processing_time=Duration.seconds(30)),
                alarms=ep.WorkerAlarmOptions(topic=self.monitoring.topic),
            ),
        )
        self.nightly_report = ep.ScheduledJob(
            self,
            "NightlyReport",
            ep.ScheduledJobProps(
                container=ep.ContainerOptions(
                    repository=self.repository,
                    image_tag=image_tag,
                    environment={"APP_ROLE": "job"},
                    health_check=heartbeat,
                ),
                cluster=self.cluster,
                schedule=ep.ScheduleOptions(
                    expression="cron(30 2 * * ? *)", time_zone="Europe/Berlin"
                ),
                run=ep.RunOptions(max_run_time=Duration.minutes(30)),
                alarms=ep.JobAlarmOptions(topic=self.monitoring.topic),
            ),
        )


def build_app(context: Mapping[str, Any] | None = None, **app_kwargs: Any) -> App:
    """Build the sample app; ``context`` as in ``cdk.json`` (account, region, image_tag, AZs).

    Two stacks, repository first: ``EcsPatternsSampleRepository`` (repository and CI deploy
    role, long-lived) and ``EcsPatternsSample`` (cluster, services, monitoring), which depends
    on it. A new account deploys the first alone, pushes the first image, then deploys both.

    The four cdk-nag packs are registered on the app, so ``cdk synth`` fails on any
    unacknowledged finding, exactly as the test suite does.
    """
    app = App(context=dict(context) if context is not None else None, **app_kwargs)
    env = Environment(
        account=str(app.node.try_get_context("account") or "123456789012"),
        region=str(app.node.try_get_context("region") or "us-east-1"),
    )
    certificate_arn = app.node.try_get_context("certificate_arn")
    repository_stack = SampleRepositoryStack(
        app,
        SAMPLE_REPOSITORY_STACK,
        env=env,
        github_owner=str(app.node.try_get_context("github_owner") or "ecs-patterns"),
        github_repository=str(app.node.try_get_context("github_repository") or "ecs-patterns"),
    )
    SampleStack(
        app,
        SAMPLE_SERVICES_STACK,
        env=env,
        repository=repository_stack.repository,
        image_tag=str(app.node.try_get_context("image_tag") or "bootstrap"),
        certificate_arn=str(certificate_arn) if certificate_arn else None,
    )
    add_compliance_packs(app)
    return app
