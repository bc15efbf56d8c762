"""FargateWebService: an ALB-fronted, autoscaled, hardened Fargate service in one statement."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from aws_cdk import Duration, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ..cluster import ClusterHandle, FargateCluster
from ..core._capacity import announce_spot_without_base
from ..core._compliance import exempt
from ..core._errors import ConfigurationError, Problem
from ..core._exemptions import EXEC_CHANNELS, EXEC_DESCRIBE_LOG_GROUPS
from ..core._iam import (
    ManagedPolicyRole,
    WildcardAllowance,
    wildcard_exemptions,
)
from ..core._options import ContainerOptions
from ..core._scaling import ScalingOptions
from ..core._service import (
    autoscale_task_count,
    exec_session_log_allowance,
    order_service_creation,
    private_fargate_service,
)
from ..core._service_names import claim_service_name
from ..core._task import HardenedTask, aws_logs_driver, default_health_check_command
from ..core._validation import is_token
from ..core.deployment import DeploymentTimeEstimate, ServiceTargets, longest_stack_wait
from ._alb_checks import certificate_arn, region_problems
from ._ingress import SharedIngress
from ._ingress_props import IngressRoute
from ._load_balancer import WebLoadBalancer, default_ingress_cidrs
from ._props import ServiceConnectOptions, WebServiceProps
from ._routing import RouteConditions

if TYPE_CHECKING:
    from aws_cdk import aws_certificatemanager as acm

    # CodeDeploy and its release custom resource (Lambda, Step Functions) are imported only by
    # services that deploy through CodeDeploy (an app pays only for what it uses).
    from aws_cdk import aws_codedeploy as codedeploy
    from aws_cdk import aws_route53 as route53

    from ..release import CodeDeployRelease

__all__ = ["FargateWebService", "ServiceConnectOptions", "WebServiceProps"]


def _release_construct() -> type[CodeDeployRelease]:
    """The release custom resource, for a strategy that deploys through CodeDeploy; imported
    on first use, so that a service deploying otherwise never loads it."""
    from ..release import CodeDeployRelease

    return CodeDeployRelease


class FargateWebService(Construct):
    """A web service on Fargate behind an Application Load Balancer, safe by default.

    Minimal use, one statement (a cluster and VPC are created)::

        FargateWebService(stack, "Web", WebServiceProps(
            container=ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
            ),
            load_balancer=LoadBalancerOptions(certificate=certificate),
        ))

    What it builds (defaults and why: :class:`WebServiceProps`):

    * **Task** (:class:`HardenedTask`): Fargate (awsvpc) from the valid size table; separate
      execution and task roles, each with a customer-managed policy holding exactly what was granted
      (pull from the named repository, read the named secrets, write the service's log group); the
      app container as a non-root user on a read-only root filesystem with a writable ``/tmp``, a
      named ``http`` port, a container health check and ``awslogs`` to a KMS-encrypted, finite log
      group; optionally an ADOT collector sidecar with hard limits for tracing to X-Ray.
    * **Load balancer**: its own (``load_balancer``), or a rule on a :class:`SharedIngress`
      that many services share (``ingress``; the page "SharedIngress"). Its own: HTTPS with an
      ACM certificate and a TLS 1.2/1.3 policy, port 80
      redirecting to 443; invalid headers dropped, desync mitigation, deletion protection;
      access logs to a private, TLS-only, versioned S3 bucket with expiry; a WAFv2 web ACL with
      AWS managed rules, logged with credentials redacted. Its security group admits the
      allowed clients on the listener ports and reaches only the tasks.
    * **Service**: private subnets without public IPs, a security group that admits only the
      load balancer on the container port; FARGATE + FARGATE_SPOT; ECS managed tags propagated
      from the service; optional ECS Exec and Service Connect.
    * **Deployments** (``deployment``): rolling with 100 %/200 %, the circuit breaker with
      rollback and AZ rebalancing (default); or CodeDeploy blue/green (``CODE_DEPLOY``
      controller, green target group, test listener, ``EcsApplication`` and
      ``EcsDeploymentGroup``, and a custom resource that rolls each new task definition
      revision through CodeDeploy on ``cdk deploy``); or ECS-native blue/green, linear or
      canary (alternate target group, listener rules, bake time).

    Listener reset (aws/aws-cdk#36649): after a blue/green deployment CodeDeploy or ECS leaves
    production traffic on the *other* target group than the template names. A later stack
    update that changes the production listener (or, ECS-native, its rule) writes the
    template's target group back, which can send production to a target group without tasks.
    Change listener settings (certificate, SSL policy, ports) only right after a deployment
    that ended on the template's target group, or in a stack update that also deploys.
    * **Autoscaling**: target tracking on CPU (and optionally memory and requests per target)
      between ``scaling.min_capacity`` and ``scaling.max_capacity``, plus optional schedules. During
      a deployment scale-in is off and scale-out continues: Application Auto Scaling does this
      itself for ECS deployments (rolling, ECS-native); for CodeDeploy blue/green the release custom
      resource suspends dynamic scale-in until the deployment has ended.

    Attributes:
        props: the props as given.
        cluster: the :class:`ClusterHandle`: a created :class:`FargateCluster`, or the one
            given (also an :class:`ImportedCluster`).
        service: the ``ecs.FargateService``.
        task_definition: the ``ecs.FargateTaskDefinition``.
        container: the app ``ecs.ContainerDefinition``.
        otel_collector: the tracing sidecar, or None.
        execution_role / task_role: the two roles (``iam.Role``; grants land in managed
            policies).
        log_group: the app's encrypted log group.
        load_balancer: the ``elbv2.ApplicationLoadBalancer``.
        listener: the production listener (HTTPS, or HTTP with ``allow_plain_http``).
        redirect_listener: the HTTP->HTTPS redirect listener, or None for plain HTTP.
        target_group: the ``elbv2.ApplicationTargetGroup``.
        access_log_bucket: the access log ``s3.Bucket``.
        web_acl: the created ``wafv2.CfnWebACL``, or None.
        service_security_group / load_balancer_security_group: the two security groups.
        scalable_target: the service's ``ecs.ScalableTaskCount`` (add more scaling policies).
        green_target_group / test_listener: blue/green only, else None.
        production_rule / test_rule: the listener rules ECS rewrites (ECS-native only).
        application / deployment_group / deployment_config: CodeDeploy only, else None.
        release: the ``CodeDeployRelease`` custom resource (CodeDeploy only), else None.
        ingress: the :class:`SharedIngress` of the shared form, else None. In the shared form
            ``load_balancer``, ``listener``, ``redirect_listener``, ``test_listener``,
            ``access_log_bucket``, ``web_acl`` and ``load_balancer_security_group`` are the
            ingress's; ``target_group``, ``green_target_group``, ``production_rule`` (set for
            rolling too) and ``test_rule`` are the service's own.
        route_priority: the priority of the service's listener rule(s) on the ingress (given or
            derived), else None.
        dns_records: the alias ``route53.ARecord`` per host (``IngressRoute.hosted_zone``).
        certificate: the ``acm.Certificate`` created for the hosts
            (``IngressRoute.certificate``), else None.
    """

    def __init__(self, scope: Construct, id: str, props: WebServiceProps) -> None:
        # A service stack is usually the scope itself: asking the kernel is a round trip.
        stack = scope if isinstance(scope, Stack) else Stack.of(scope)
        _check_against_the_stack(stack, props)
        route = props.ingress
        given_cluster = props.cluster or (route.ingress.props.cluster if route else None)
        # Read only when needed: each read of the path is a jsii round trip.
        owner = f"{scope.node.path}/{id}" if route or props.placement.service_name else ""
        if given_cluster is not None and props.placement.service_name is not None:
            claim_service_name(
                given_cluster,
                props.placement.service_name,
                owner,
                props_name="WebServiceProps",
            )
        self.ingress: SharedIngress | None = route.ingress if route else None
        self.route_priority: int | None = None
        if route is not None:
            self.route_priority = route.ingress.routes.claim(
                owner,
                RouteConditions.of(route.hosts, route.paths, route.headers),
                route.priority,
                target_groups=2 if props.deployment.needs_green_target_group else 1,
            )
            route.ingress.export_for(stack)
        super().__init__(scope, id)
        self.props = props
        self.cluster: ClusterHandle = (
            given_cluster if given_cluster is not None else FargateCluster(self, "Cluster")
        )
        if props.placement.enable_execute_command and self.cluster.exec_log_group is None:
            raise ConfigurationError(
                "WebServiceProps",
                [
                    Problem(
                        prop="placement.enable_execute_command",
                        value=True,
                        allowed="False on an imported cluster whose ECS Exec log group is unknown",
                        fix="Pass exec_log_group= (and import the cluster with its "
                        "execute_command_configuration) to FargateCluster.from_existing, or set "
                        "enable_execute_command=False.",
                    )
                ],
            )
        vpc = self.cluster.vpc
        ingress_cidrs = self._ingress_cidrs(props) if route is None else []

        task = HardenedTask(
            self, "Task", container=self._container(props), task=props.task, key=self.cluster.key
        )
        self.task_definition: ecs.FargateTaskDefinition = task.task_definition
        self.container: ecs.ContainerDefinition = task.container
        self.otel_collector: ecs.ContainerDefinition | None = task.sidecar
        self.execution_role: ManagedPolicyRole = task.execution_role
        self.task_role: ManagedPolicyRole = task.task_role
        self.log_group: logs.LogGroup = task.log_group

        self.dns_records: list[route53.ARecord] = []
        self.certificate: acm.Certificate | None = None
        if route is None:
            self._own_load_balancer(props, vpc, ingress_cidrs)
        else:
            assert self.route_priority is not None
            self._shared_load_balancer(props, route, self.route_priority, vpc)

        self.service_security_group = ec2.SecurityGroup(
            self,
            "ServiceSecurityGroup",
            vpc=vpc,
            description="Service tasks: the container port from the load balancer only",
            allow_all_outbound=True,
        )
        self.service = self._service(props, task)
        self.scalable_target = self._autoscaling(
            props.scaling, props.target_group.requests_per_target
        )
        capacity = props.placement.capacity or self.cluster.default_capacity
        if capacity.may_lose_every_task:
            announce_spot_without_base(self, self.service)
        deployed = props.deployment.attach(
            self,
            ServiceTargets(
                service=self.service,
                task_definition=self.task_definition,
                container_name=props.container.name,
                container_port=props.port,
                target_group=self.target_group,
                listener=self.listener,
                green_target_group=self.green_target_group,
                test_listener=self.test_listener,
                production_rule=self.production_rule,
                test_rule=self.test_rule,
                capacity=capacity,
                vpc=vpc,
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                security_groups=[self.service_security_group],
                key=self.cluster.key,
                log_retention=props.container.logging.retention,
                log_removal_policy=props.container.logging.removal_policy,
                scalable_target=self.scalable_target,
                timing=props.health_timing,
                release=_release_construct,
            ),
        )
        self.application: codedeploy.EcsApplication | None = deployed.application
        self.deployment_group: codedeploy.EcsDeploymentGroup | None = deployed.deployment_group
        self.deployment_config: codedeploy.IEcsDeploymentConfig | None = deployed.deployment_config
        # Strategies build their release with _release_construct: a CodeDeployRelease.
        self.release: CodeDeployRelease | None = cast("CodeDeployRelease | None", deployed.release)

        order_service_creation(self.service, task, self.cluster.cluster)
        if (policy := task.task_role.policy) is not None:
            exec_grants = [EXEC_CHANNELS, EXEC_DESCRIBE_LOG_GROUPS, *self._exec_session_logs()]
            exempt(policy, *wildcard_exemptions(policy, exec_grants))
        # Security Hub ECS.13/ECS.15: the service and task definition carry the team's tags;
        # tasks get the service's through propagate_tags=SERVICE.
        for key, value in props.tags.items():
            Tags.of(self).add(key, value)

    def _own_load_balancer(self, props: WebServiceProps, vpc: ec2.IVpc, cidrs: list[str]) -> None:
        assert props.load_balancer is not None  # WebServiceProps requires one without ingress
        alb = WebLoadBalancer(
            self,
            "LoadBalancer",
            options=props.load_balancer,
            target_group=props.target_group,
            port=props.port,
            health_check_path=props.container.health_check.path,
            deployment=props.deployment,
            logging=props.container.logging,
            vpc=vpc,
            ingress_cidrs=cidrs,
            key=self.cluster.key,
        )
        self.load_balancer: elbv2.ApplicationLoadBalancer = alb.load_balancer
        self.load_balancer_security_group: ec2.SecurityGroup = alb.security_group
        self.listener: elbv2.ApplicationListener = alb.listener
        self.redirect_listener: elbv2.ApplicationListener | None = alb.redirect_listener
        self.target_group: elbv2.ApplicationTargetGroup = alb.target_group
        self.green_target_group: elbv2.ApplicationTargetGroup | None = alb.green_target_group
        self.test_listener: elbv2.ApplicationListener | None = alb.test_listener
        self.production_rule: elbv2.ApplicationListenerRule | None = alb.production_rule
        self.test_rule: elbv2.ApplicationListenerRule | None = alb.test_rule
        self.access_log_bucket: s3.Bucket = alb.access_log_bucket
        self.web_acl: wafv2.CfnWebACL | None = alb.web_acl

    def _shared_load_balancer(
        self, props: WebServiceProps, route: IngressRoute, priority: int, vpc: ec2.IVpc
    ) -> None:
        """The service's route through a shared ingress, built in this scope (its stack)."""
        from ._route import IngressAttachment

        ingress = route.ingress
        attached = IngressAttachment(
            self,
            "Ingress",
            route=route,
            priority=priority,
            target_group_options=props.target_group,
            port=props.port,
            health_check_path=props.container.health_check.path,
            deployment=props.deployment,
            vpc=vpc,
        )
        self.load_balancer = ingress.load_balancer
        self.load_balancer_security_group = ingress.security_group
        self.listener = ingress.listener
        self.redirect_listener = ingress.redirect_listener
        self.target_group = attached.target_group
        self.green_target_group = attached.green_target_group
        self.test_listener = ingress.test_listener if attached.test_rule is not None else None
        self.production_rule = attached.production_rule
        self.test_rule = attached.test_rule
        self.access_log_bucket = ingress.access_log_bucket
        self.web_acl = ingress.web_acl
        self.dns_records = attached.dns_records
        self.certificate = attached.certificate

    @staticmethod
    def _container(props: WebServiceProps) -> ContainerOptions:
        """The container as the task runs it: the web kind's default port (8080) when none is
        given, and with HTTPS to the targets an ``https://`` default health check."""
        container = props.container
        if container.port is None:
            container = replace(container, port=props.port)
        health = container.health_check
        if (
            health.command is None
            and props.target_group.protocol == elbv2.ApplicationProtocol.HTTPS
        ):
            command = default_health_check_command(props.port, health.path, tls=True)
            container = replace(container, health_check=replace(health, command=command))
        return container

    def estimated_deployment_time(self) -> DeploymentTimeEstimate:
        """Estimated phases and total of one successful deployment of a new image.

        Computed from the props (``WebServiceProps.estimated_deployment_time``): task start
        (an assumption, ``TASK_START_ESTIMATE``), target group ``interval x healthy
        threshold``, deployment-ready wait, traffic-shift steps x interval, bake time or
        termination wait, deregistration delay and stop timeout.
        """
        return self.props.estimated_deployment_time()

    def longest_stack_wait(self) -> Duration:
        """The longest a stack update is expected to wait for this service's deployment.

        A failed deployment and its rollback included (:func:`longest_stack_wait`); give the
        CI job that runs ``cdk deploy`` at least this plus its set-up
        (:func:`release_job_timeout_minutes`).
        """
        return longest_stack_wait(self.props.deployment, self.estimated_deployment_time())

    def _ingress_cidrs(self, props: WebServiceProps) -> list[str]:
        """The client CIDRs: as given, else anywhere (internet-facing) or the VPC (internal)."""
        options = props.load_balancer
        assert options is not None
        return default_ingress_cidrs(
            options.ingress_cidrs,
            internet_facing=options.internet_facing,
            known_vpc_cidr=self.cluster.known_vpc_cidr,
            vpc=self.cluster.vpc,
            props_name="WebServiceProps",
            prop="load_balancer.ingress_cidrs",
        )

    def _service(self, props: WebServiceProps, task: HardenedTask) -> ecs.FargateService:
        placement = props.placement
        capacity = placement.capacity or self.cluster.default_capacity
        return private_fargate_service(
            self,
            cluster=self.cluster.cluster,
            task=task,
            placement=placement,
            desired_count=props.effective_desired_count,
            capacity=capacity,
            security_group=self.service_security_group,
            deployment=props.deployment.service_options(),
            health_check_grace_period=props.target_group.health_check_grace_period,
            service_connect_configuration=self._service_connect(props.service_connect, task),
        )

    def _service_connect(
        self, options: ServiceConnectOptions | None, task: HardenedTask
    ) -> ecs.ServiceConnectProps | None:
        if options is None:
            return None
        return ecs.ServiceConnectProps(
            namespace=options.namespace,
            services=[
                ecs.ServiceConnectService(
                    port_mapping_name="http",
                    discovery_name=options.discovery_name,
                    dns_name=options.dns_name,
                    port=options.port,
                )
            ],
            log_driver=aws_logs_driver(
                self.props.container.logging, "service-connect", task.log_group
            ),
        )

    def _autoscaling(
        self, options: ScalingOptions, requests_per_target: int | None
    ) -> ecs.ScalableTaskCount:
        def scale_on_requests(scaling: ecs.ScalableTaskCount) -> None:
            if requests_per_target is not None:
                scaling.scale_on_request_count(
                    "Requests",
                    requests_per_target=requests_per_target,
                    target_group=self.target_group,
                    scale_in_cooldown=options.scale_in_cooldown,
                    scale_out_cooldown=options.scale_out_cooldown,
                )

        return autoscale_task_count(self.service, options, scale_on_requests)

    def _exec_session_logs(self) -> list[WildcardAllowance]:
        """ECS Exec writes session logs to streams of the cluster's exec log group (``:*``)."""
        if self.cluster.exec_log_group is None:
            return []
        return [exec_session_log_allowance(self, self.cluster.exec_log_group)]


def _check_against_the_stack(stack: Stack, props: WebServiceProps) -> None:
    """Refuse ARNs of another region than the stack: the deploy would fail on them.

    An ALB takes ACM certificates and regional web ACLs of its own region only (a shared
    ingress checks its own). A service routed through a shared ingress lives in the ingress's
    account and region: its rules, target groups and security-group rules import the
    ingress's listeners and security group, which CloudFormation exports reach only within
    one account and region.
    """
    if props.ingress is not None:
        _check_same_environment(stack, props.ingress.ingress.environment)
    options = props.load_balancer
    if options is None:
        return
    problems = region_problems(
        stack,
        [
            ("load_balancer.certificate", certificate_arn(options.certificate)),
            ("load_balancer.web_acl_arn", options.web_acl_arn),
        ],
    )
    if problems:
        raise ConfigurationError("WebServiceProps", problems)


def _check_same_environment(stack: Stack, theirs: tuple[str, str]) -> None:
    """Refuse a service in another account or region than its shared ingress (both known)."""
    if any(is_token(v) for v in theirs):
        return
    mine = _environment(stack)
    if mine is None or mine == theirs:
        return
    raise ConfigurationError(
        "WebServiceProps",
        [
            Problem(
                prop="ingress",
                value=f"an ingress in account {theirs[0]}, region {theirs[1]}",
                allowed=f"an ingress in the service stack's account {mine[0]} and region "
                f"{mine[1]} (a listener rule, target group and security-group rule can only "
                "join a load balancer of their own account and region)",
                fix="Put the service stack in the ingress's account and region, or attach the "
                "service to a SharedIngress of its own region.",
            )
        ],
    )


def _environment(stack: Stack) -> tuple[str, str] | None:
    """The stack's (account, region), None unless both are known at synthesis.

    One read of ``Stack.environment`` (``aws://ACCOUNT/REGION``) instead of two: aws-cdk-lib
    writes ``unknown-account`` / ``unknown-region`` there for an account or region that is a
    token (``Stack.account`` / ``Stack.region`` are then tokens), so the answer is the same.
    """
    account, _, region = stack.environment.removeprefix("aws://").partition("/")
    if account == "unknown-account" or region == "unknown-region" or is_token(account + region):
        return None
    return (account, region)
