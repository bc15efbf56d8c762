"""CodeDeployRelease: a custom resource that rolls a new task definition out through CodeDeploy.

Once a service has the CODE_DEPLOY deployment controller, CloudFormation cannot change its task
definition ("Unable to update task definition on services with a CODE_DEPLOY deployment
controller": aws/aws-cdk #25777, #11243), and aws-cdk-lib writes only the task definition
family on such services, so a new image registered by ``cdk deploy`` never reaches them. This
construct closes the gap the way cdklabs' cdk-ecs-codedeploy ``EcsDeployment`` does: a custom
resource whose properties carry the task definition ARN in an AppSpec, so every new revision
is an Update that starts a CodeDeploy deployment and waits for it; a failed or rolled-back
deployment fails the stack update and CloudFormation rolls the stack back.

Long module: one construct: the custom resource, its provider functions, their roles and log
groups, and the waiter; their IAM scoping and exemptions refer to each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aws_cdk import ArnFormat, CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct, IConstruct

from ..core._compliance import Exemption, exempt
from ..core._iam import XRAY_WRITE_ACTIONS, flatten_reference
from ..core._logs import encrypted_log_group, logs_kms_key
from ..core._validation import Checks, is_token
from ..core.deployment import CODEDEPLOY_HOOKS, RELEASE_TIMEOUT_MAX, deployment_controller
from . import _exemptions as exemptions
from ._appspec import AppSpecCapacityItem, ecs_appspec

__all__ = [
    "HANDLER_DIR",
    "MIN_RELEASE_TIMEOUT",
    "QUERY_INTERVAL",
    "CodeDeployRelease",
]

HANDLER_DIR = Path(__file__).resolve().parent / "_handler"
"""The Lambda code (``index.on_event`` / ``index.is_complete``), shipped in the wheel."""

QUERY_INTERVAL = Duration.seconds(15)
"""How often the waiter asks CodeDeploy for the deployment status (cdklabs uses 15 s too)."""

MIN_RELEASE_TIMEOUT = Duration.minutes(5)
"""Shortest ``timeout``: less cannot start green tasks and pass a health check."""


_HANDLER_TIMEOUT = Duration.minutes(1)
_RUNTIME = lambda_.Runtime.PYTHON_3_14


class CodeDeployRelease(Construct):
    """Deploy ``task_definition`` to a CODE_DEPLOY ``service`` through CodeDeploy on every change.

    The custom resource (provider framework: an ``on_event`` and an ``is_complete`` Python
    Lambda, a Step Functions waiter polling every :data:`QUERY_INTERVAL`) behaves as follows:

    * Create: the service was just created by CloudFormation with this task definition, so
      nothing is deployed.
    * Update (a new task definition revision, or any other AppSpec change): a CodeDeploy
      deployment of the AppSpec; the stack update waits until it has Succeeded (including the
      deployment group's termination wait). Failed or Stopped: the handler waits for
      CodeDeploy's rollback, then fails the update with CodeDeploy's error, and CloudFormation
      rolls the stack back. The rollback replays the old AppSpec; the service already runs the
      old revision again, so nothing more is deployed.
    * ``timeout`` passes: the update fails ("Operation timed out"); the stack rollback finds
      the deployment still running, stops it with rollback and waits for the rollback.
    * Delete: a deployment still running is stopped with rollback; errors are ignored.
    * With ``scalable_target``: dynamic scale-in of the service is suspended from just before
      ``CreateDeployment`` until the deployment (or its rollback) has ended, and always set
      back afterwards; scale-out and scheduled scaling keep running.

    Args:
        deployment_group: The ECS deployment group of ``service``. Its deployment
            configuration, rollback and alarm settings apply to every release.
        service: The service; it must use the CODE_DEPLOY deployment controller.
        task_definition: The task definition to run; its ARN is in the AppSpec, so each new
            revision is an Update of the custom resource.
        container_name, container_port: The container and port the load balancer targets
            (``LoadBalancerInfo``).
        capacity_provider_strategies: The service's capacity provider strategy. It is written
            into the AppSpec because CodeDeploy drops a strategy that the AppSpec omits
            (aws containers-roadmap #1752). Give the same strategy as the service.
        subnet_ids, security_group_ids, assign_public_ip: The tasks' network configuration
            (CodeDeploy needs all three or none; all three are always written). Default
            ``assign_public_ip=False``: tasks run in private subnets.
        platform_version: Fargate platform version. Default: left out, CodeDeploy uses LATEST.
        hooks: AppSpec hook name (BeforeInstall, AfterInstall, AfterAllowTestTraffic,
            BeforeAllowTraffic, AfterAllowTraffic) to a Lambda function. Default: none. When
            ``deployment_group`` is an ``EcsDeploymentGroup``, its service role is explicitly
            allowed to invoke exactly these functions: aws-cdk-lib's default role
            (AWSCodeDeployRoleForECS) may already invoke any function, but a role with
            AWSCodeDeployRoleForECSLimited only functions named ``CodeDeployHook_*``. For an
            imported group, grant it yourself.
            A hook must call ``codedeploy:PutLifecycleEventHookExecutionStatus``.
        timeout: How long a release may take before the stack update fails. Default 55
            minutes (:data:`RELEASE_TIMEOUT_MAX`, the most CloudFormation allows a custom
            resource, less a margin). Green tasks must start and pass health checks, traffic
            must shift and the termination wait must pass within it. From
            :data:`MIN_RELEASE_TIMEOUT` to :data:`RELEASE_TIMEOUT_MAX`; rounded up to whole
            :data:`QUERY_INTERVAL` s (the waiter counts polls).
        vpc: When given, every Lambda of the provider runs in its private subnets
            (``PRIVATE_WITH_EGRESS``: they call CodeDeploy, ECS and Step Functions APIs, so
            they need a NAT gateway or VPC endpoints) with a security group that allows only
            HTTPS out. Default: the Lambdas run outside any VPC.
        log_key: KMS key of the log group. Default: a new key with rotation.
        log_retention: Retention of the log group. Default one year.
        log_removal_policy: What ``cdk destroy`` does to the log group. Default RETAIN.
        scalable_target: The service's scalable target (``service.auto_scale_task_count(...)``
            or an ``appscaling.ScalableTarget`` of ``ecs:service:DesiredCount``). When given,
            dynamic scale-in (``SuspendedState.DynamicScalingInSuspended``) is suspended for
            the length of each deployment, as Application Auto Scaling does by itself during
            ECS deployments: a target-tracking scale-in would otherwise remove tasks of the
            replacement task set while traffic shifts onto it. Scale-out stays on, so a peak
            during a release is still absorbed. The custom resource depends on the target, so
            CloudFormation finishes any change of the target before a release starts. Default:
            none, scaling is left alone (also when no target is registered at run time).
            Suspending is best effort: when Application Auto Scaling refuses it, a warning is
            logged and the deployment goes ahead.
        reserved_concurrency: Reserved concurrency of each of the five Lambdas (the two
            handlers and the provider framework's three). Default None: no reservation.
            Lambda keeps 100 units of the account's concurrency unreserved, so any reservation
            fails ("decreases account's UnreservedConcurrentExecution below its minimum
            value") in an account whose concurrency quota is 100 or less, as new accounts
            often have (10 or 50), and the first deploy would fail there. Without a
            reservation a release still calls each function one request at a time
            (CloudFormation sends one request per resource, the waiter polls sequentially);
            what is given up is the guarantee: in an account whose other functions use the
            whole unreserved pool, a release's invocation is throttled (the provider retries,
            the release slows down or times out), and nothing caps a runaway loop of these
            functions. Pass a small number (1 is enough for one release at a time) in an
            account whose quota leaves room for it. The nag and checkov concurrency rules are
            acknowledged on these functions only when nothing is reserved.
    Attributes:
        provider: the ``custom_resources.Provider``.
        resource: the ``CustomResource``.
        deployment_id: the id of the deployment the last stack operation started ("" when
            nothing was deployed), a ``GetAtt`` token, e.g. for a stack output.
        on_event_function, is_complete_function: the handler Lambdas.
        log_group: the encrypted log group of every Lambda.
        waiter_log_group: the encrypted log group of the waiter state machine, named
            ``/aws/vendedlogs/states/waiter-state-machine-<function name>-<address>`` as
            aws-cdk-lib names its own (aws/aws-cdk#28577, PR #28706): Step Functions then
            delivers its logs under the account's one ``/aws/vendedlogs/*`` statement instead
            of appending this group to the account's CloudWatch Logs resource policy, which is
            limited to 5,120 characters and makes every later state machine with logging fail
            once full (Step Functions guide, "Best practices": CloudWatch Logs resource policy
            size). The name holds the generated name of the ``is_complete`` function, so it is
            new with every new stack and a retained group never blocks a redeploy.
        appspec: the AppSpec as a dict (tokens unresolved).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        deployment_group: codedeploy.IEcsDeploymentGroup,
        service: ecs.FargateService,
        task_definition: ecs.TaskDefinition,
        container_name: str,
        container_port: int,
        capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy],
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        assign_public_ip: bool = False,
        platform_version: str | None = None,
        hooks: Mapping[str, lambda_.IFunction] | None = None,
        timeout: Duration | None = None,
        vpc: ec2.IVpc | None = None,
        log_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        log_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        scalable_target: appscaling.ScalableTarget | ecs.ScalableTaskCount | None = None,
        reserved_concurrency: int | None = None,
    ) -> None:
        hooks = dict(hooks or {})
        cfn_target = _cfn_scalable_target(scalable_target)
        timeout = timeout if timeout is not None else RELEASE_TIMEOUT_MAX
        _validate(
            controller=deployment_controller(service),
            container_name=container_name,
            container_port=container_port,
            subnet_ids=subnet_ids,
            security_group_ids=security_group_ids,
            hooks=hooks,
            timeout=timeout,
            log_retention=log_retention,
            cfn_target=cfn_target,
            reserved_concurrency=reserved_concurrency,
        )
        super().__init__(scope, id)
        self._reserved_concurrency = reserved_concurrency
        stack = Stack.of(self)

        key = log_key if log_key is not None else logs_kms_key(self, "LogKey")
        self.log_group = encrypted_log_group(
            self, "Logs", key=key, retention=log_retention, removal_policy=log_removal_policy
        )
        self._log_settings = (key, log_retention, log_removal_policy)
        self.security_group: ec2.SecurityGroup | None = None
        if vpc is not None:
            self.security_group = ec2.SecurityGroup(
                self,
                "SecurityGroup",
                vpc=vpc,
                description="CodeDeployRelease Lambdas: HTTPS to AWS APIs only",
                allow_all_outbound=False,
            )
            self.security_group.add_egress_rule(
                ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs"
            )

        self._handler_roles: list[iam.Role] = []
        self.appspec = ecs_appspec(
            task_definition_arn=task_definition.task_definition_arn,
            container_name=container_name,
            container_port=container_port,
            subnet_ids=subnet_ids,
            security_group_ids=security_group_ids,
            assign_public_ip=assign_public_ip,
            capacity_provider_strategy=[
                AppSpecCapacityItem(
                    capacity_provider=item.capacity_provider, weight=item.weight, base=item.base
                )
                for item in capacity_provider_strategies
            ],
            platform_version=platform_version,
            hooks={name: fn.function_arn for name, fn in hooks.items()},
        )

        group_arn = deployment_group.deployment_group_arn
        # CreateDeployment also checks these on the application and the configuration
        # (CodeDeploy permissions reference; cdklabs' EcsDeploymentProvider grants them).
        revision_statements = [
            iam.PolicyStatement(
                sid="RegisterTheRevision",
                actions=[
                    "codedeploy:GetApplicationRevision",
                    "codedeploy:RegisterApplicationRevision",
                ],
                resources=[deployment_group.application.application_arn],
            ),
            iam.PolicyStatement(
                sid="ReadTheDeploymentConfig",
                actions=["codedeploy:GetDeploymentConfig"],
                resources=[deployment_group.deployment_config.deployment_config_arn],
            ),
        ]
        service_statement = iam.PolicyStatement(
            sid="DescribeTheService",
            actions=["ecs:DescribeServices"],
            resources=[service.service_arn],
        )
        self.on_event_function = self._handler(
            "OnEvent",
            "on_event",
            vpc,
            [
                iam.PolicyStatement(
                    sid="DeployToTheGroup",
                    actions=[
                        "codedeploy:CreateDeployment",
                        "codedeploy:GetDeployment",
                        "codedeploy:ListDeployments",
                        "codedeploy:StopDeployment",
                    ],
                    resources=[group_arn],
                ),
                *revision_statements,
                service_statement,
            ],
        )
        self.is_complete_function = self._handler(
            "IsComplete",
            "is_complete",
            vpc,
            [
                # Reads deployments; once a stopped leftover (or CodeDeploy's rollback of one)
                # is over and the service differs from the AppSpec, deploys the AppSpec.
                iam.PolicyStatement(
                    sid="FollowUpDeployments",
                    actions=[
                        "codedeploy:CreateDeployment",
                        "codedeploy:GetDeployment",
                        "codedeploy:ListDeployments",
                    ],
                    resources=[group_arn],
                ),
                *revision_statements,
                service_statement,
            ],
        )
        self.scale_in_policy: iam.ManagedPolicy | None = None
        if cfn_target is not None:
            self.scale_in_policy = self._scale_in_policy(service)
        # No iam:PassRole: CodeDeploy creates the replacement task set with the deployment
        # group's service role (AWSCodeDeployRoleForECS grants iam:PassRole with
        # iam:PassedToService ecs-tasks.amazonaws.com, AWS managed policy reference); the caller
        # of CreateDeployment passes no role.

        self.provider = self._provider(timeout, vpc)
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=self.provider.service_token,
            resource_type="Custom::EcsCodeDeployRelease",
            service_timeout=Duration.seconds(3600),
            properties={
                "ApplicationName": deployment_group.application.application_name,
                "DeploymentGroupName": deployment_group.deployment_group_name,
                "Cluster": service.cluster.cluster_name,
                "Service": service.service_name,
                "TaskDefinitionArn": task_definition.task_definition_arn,
                "AppSpec": stack.to_json_string(self.appspec),
                **(
                    {"SuspendScaleIn": "true", "ScalableTargetResourceId": cfn_target.resource_id}
                    if cfn_target is not None
                    else {}
                ),
            },
        )
        if scalable_target is not None:
            self.resource.node.add_dependency(scalable_target)
        if self.scale_in_policy is not None:
            self.resource.node.add_dependency(self.scale_in_policy)
        self.deployment_id = self.resource.get_att_string("DeploymentId")
        if isinstance(deployment_group, codedeploy.EcsDeploymentGroup) and hooks:
            self._allow_hooks(deployment_group, hooks)

    # -----------------------------------------------------------------------------------------

    def _scale_in_policy(self, service: ecs.FargateService) -> iam.ManagedPolicy:
        """Both handlers may read and set the suspended state of scalable targets.

        Application Auto Scaling validates, on each ``RegisterScalableTarget``, that the caller
        may act on the target and on CloudWatch alarms ("Permissions validation for API calls
        on target resources"; for ECS: ecs:DescribeServices, ecs:UpdateService,
        cloudwatch:DescribeAlarms, PutMetricAlarm, DeleteAlarms, per the ECS guide's "IAM
        permissions required for Amazon ECS service auto scaling"). The handlers never call
        these themselves; ecs:DescribeServices is already in each handler's policy.
        """
        alarms = Stack.of(self).format_arn(
            service="cloudwatch",
            resource="alarm",
            resource_name="*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        policy = iam.ManagedPolicy(
            self,
            "ScaleInPolicy",
            description="CodeDeployRelease: suspend and resume dynamic scale-in of the service",
            roles=[
                fn.role for fn in (self.on_event_function, self.is_complete_function) if fn.role
            ],
            statements=[
                iam.PolicyStatement(
                    sid="SuspendScaleInDuringReleases",
                    actions=[
                        "application-autoscaling:DescribeScalableTargets",
                        "application-autoscaling:RegisterScalableTarget",
                    ],
                    resources=["*"],
                ),
                iam.PolicyStatement(
                    sid="ScalingValidationOnTheService",
                    actions=["ecs:UpdateService"],
                    resources=[service.service_arn],
                ),
                iam.PolicyStatement(
                    sid="ScalingValidationOnAlarms",
                    actions=[
                        "cloudwatch:DeleteAlarms",
                        "cloudwatch:DescribeAlarms",
                        "cloudwatch:PutMetricAlarm",
                    ],
                    resources=[alarms],
                ),
            ],
        )
        exempt(
            policy,
            *exemptions.scale_in_policy(flatten_reference(Stack.of(self).resolve(alarms))),
        )
        return policy

    def _role(
        self, id: str, statements: list[iam.PolicyStatement]
    ) -> tuple[iam.Role, iam.ManagedPolicy]:
        """A Lambda role with a customer-managed policy (no AWS-managed, no inline policy)."""
        role = iam.Role(self, f"{id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            f"{id}Policy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="WriteLogs",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[self.log_group.log_group_arn],
                ),
                *statements,
            ],
        )
        return role, policy

    def _vpc_statement(self) -> iam.PolicyStatement:
        # What AWSLambdaVPCAccessExecutionRole grants; these EC2 actions take no resource ARN.
        return iam.PolicyStatement(
            sid="AttachToTheVpc",
            actions=[
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            resources=["*"],
        )

    def _handler(
        self,
        id: str,
        entry: str,
        vpc: ec2.IVpc | None,
        statements: list[iam.PolicyStatement],
    ) -> lambda_.Function:
        if vpc is not None:
            statements = [*statements, self._vpc_statement()]
        role, policy = self._role(id, statements)
        self._handler_roles.append(role)
        if vpc is not None:
            exempt(policy, exemptions.VPC_NETWORK_INTERFACES)
        fn = lambda_.Function(
            self,
            id,
            description=f"ecs-patterns CodeDeployRelease {entry} ({self.node.path})"[:256],
            runtime=_RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=f"index.{entry}",
            code=lambda_.Code.from_asset(
                str(HANDLER_DIR), exclude=["__pycache__", "*.pyc", "__init__.py"]
            ),
            timeout=_HANDLER_TIMEOUT,
            memory_size=256,
            role=role.without_policy_updates(),
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.TEXT,
            reserved_concurrent_executions=self._reserved_concurrency,
            **self._placement(vpc),
        )
        fn.node.add_dependency(policy)
        exempt(fn, *self._function_exemptions(vpc))
        return fn

    def _placement(self, vpc: ec2.IVpc | None) -> dict[str, Any]:
        """Where the handler and framework functions run: the VPC's private subnets, or no VPC."""
        return {
            "vpc": vpc,
            "vpc_subnets": (
                ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
                if vpc is not None
                else None
            ),
            "security_groups": ([self.security_group] if self.security_group is not None else None),
        }

    def _function_exemptions(self, vpc: ec2.IVpc | None) -> tuple[Exemption, ...]:
        return exemptions.function(
            reserved_concurrency=self._reserved_concurrency is not None, in_vpc=vpc is not None
        )

    def _waiter_log_group(self) -> logs.LogGroup:
        """The waiter's log group, under ``/aws/vendedlogs/states/`` as aws-cdk-lib names it.

        A named group, so a RETAIN removal policy becomes RetainExceptOnCreate: a failed
        first create deletes it instead of leaving it behind.
        """
        key, retention, removal_policy = self._log_settings
        return encrypted_log_group(
            self,
            "WaiterLogs",
            key=key,
            retention=retention,
            removal_policy=removal_policy,
            name="/aws/vendedlogs/states/waiter-state-machine-"
            f"{self.is_complete_function.function_name}-{self.node.addr}",
        )

    def _provider(self, timeout: Duration, vpc: ec2.IVpc | None) -> cr.Provider:
        on_event_role = iam.Role(
            self, "FrameworkOnEventRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
        )
        waiter_role = iam.Role(
            self,
            "FrameworkWaiterRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        )
        self.waiter_log_group = self._waiter_log_group()
        provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event_function,
            is_complete_handler=self.is_complete_function,
            query_interval=QUERY_INTERVAL,
            total_timeout=_whole_intervals(timeout),
            log_group=self.log_group,
            framework_on_event_role=on_event_role.without_policy_updates(),
            framework_complete_and_timeout_role=waiter_role.without_policy_updates(),
            # INFO, not aws-cdk-lib's FATAL: each request, the handler's answer and the response
            # sent to CloudFormation are logged (ResponseURL redacted by the framework).
            framework_lambda_logging_level=lambda_.ApplicationLogLevel.INFO,
            disable_waiter_state_machine_logging=False,
            waiter_state_machine_log_options=cr.LogOptions(
                destination=self.waiter_log_group,
                level=sfn.LogLevel.ALL,
                include_execution_data=False,
            ),
            **self._placement(vpc),
        )
        waiter = provider.node.find_child("waiter-state-machine")
        state_machine = waiter.node.find_child("Resource")
        assert isinstance(state_machine, sfn.CfnStateMachine)
        state_machine_arn = state_machine.attr_arn
        vpc_statements = [self._vpc_statement()] if vpc is not None else []

        def invoke(fn: lambda_.IFunction) -> list[iam.PolicyStatement]:
            # What Provider.addPermissions grants the framework on a user handler.
            return [
                # Unqualified ARN only: the framework invokes $LATEST, never a version/alias.
                iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[fn.function_arn]),
                iam.PolicyStatement(actions=["lambda:GetFunction"], resources=[fn.function_arn]),
            ]

        logs_statement = iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[self.log_group.log_group_arn],
        )
        on_event_policy = iam.ManagedPolicy(
            self,
            "FrameworkOnEventPolicy",
            roles=[on_event_role],
            statements=[
                logs_statement,
                *invoke(self.on_event_function),
                iam.PolicyStatement(
                    actions=["states:StartExecution"], resources=[state_machine_arn]
                ),
                *vpc_statements,
            ],
        )
        waiter_policy = iam.ManagedPolicy(
            self,
            "FrameworkWaiterPolicy",
            roles=[waiter_role],
            statements=[logs_statement, *invoke(self.is_complete_function), *vpc_statements],
        )
        for name in ("onEvent", "isComplete", "onTimeout"):
            fn = provider.node.find_child(f"framework-{name}")
            assert isinstance(fn, lambda_.Function)
            cfn_fn = fn.node.default_child
            assert isinstance(cfn_fn, lambda_.CfnFunction)
            cfn_fn.reserved_concurrent_executions = self._reserved_concurrency
            fn.node.add_dependency(on_event_policy if name == "onEvent" else waiter_policy)
            exempt(fn, *self._function_exemptions(vpc), exemptions.PROVIDER_ENVIRONMENT)
        self._harden_waiter(provider, waiter, state_machine)
        if vpc is not None:
            exempt(on_event_policy, exemptions.VPC_NETWORK_INTERFACES)
            exempt(waiter_policy, exemptions.VPC_NETWORK_INTERFACES)
        return provider

    def _harden_waiter(
        self, provider: cr.Provider, waiter: IConstruct, state_machine: sfn.CfnStateMachine
    ) -> None:
        """X-Ray tracing on the waiter state machine; exempt what its role must keep."""
        state_machine.tracing_configuration = sfn.CfnStateMachine.TracingConfigurationProperty(
            enabled=True
        )
        role = waiter.node.find_child("Role")
        assert isinstance(role, iam.Role)
        tracing = iam.ManagedPolicy(
            self,
            "WaiterTracingPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=list(XRAY_WRITE_ACTIONS),
                    resources=["*"],
                )
            ],
        )
        state_machine.node.add_dependency(tracing)
        exempt(state_machine, exemptions.WAITER_STATE_MACHINE)
        exempt(tracing, exemptions.WAITER_TRACING_POLICY)
        default_policy = role.node.try_find_child("DefaultPolicy")
        if default_policy is not None:
            stack = Stack.of(self)
            logical_ids = []
            for name in ("isComplete", "onTimeout"):
                fn = provider.node.find_child(f"framework-{name}")
                cfn_fn = fn.node.default_child
                assert isinstance(cfn_fn, lambda_.CfnFunction)
                logical_ids.append(stack.get_logical_id(cfn_fn))
            exempt(default_policy, *exemptions.waiter_default_policy(logical_ids))

    def _allow_hooks(
        self,
        deployment_group: codedeploy.EcsDeploymentGroup,
        hooks: Mapping[str, lambda_.IFunction],
    ) -> None:
        """Let the deployment group's service role invoke exactly the hook functions."""
        iam.ManagedPolicy(
            self,
            "HookInvokePolicy",
            roles=[deployment_group.role],
            statements=[
                iam.PolicyStatement(
                    sid="InvokeAppSpecHooks",
                    actions=["lambda:InvokeFunction"],
                    resources=sorted({fn.function_arn for fn in hooks.values()}),
                )
            ],
        )


def _whole_intervals(timeout: Duration) -> Duration:
    """``timeout`` rounded up to whole query intervals (the provider needs an integral count)."""
    interval = int(QUERY_INTERVAL.to_seconds())
    total = math.ceil(timeout.to_seconds(integral=False) / interval)
    return Duration.seconds(total * interval)


def _cfn_scalable_target(
    target: appscaling.ScalableTarget | ecs.ScalableTaskCount | None,
) -> appscaling.CfnScalableTarget | None:
    """The CloudFormation scalable target behind ``target`` (None when none is given)."""
    if target is None:
        return None
    if isinstance(target, ecs.ScalableTaskCount):
        # BaseScalableAttribute keeps its ScalableTarget as the child "Target" (aws-cdk-lib).
        inner = target.node.find_child("Target")
        assert isinstance(inner, appscaling.ScalableTarget)
        target = inner
    cfn = target.node.default_child
    assert isinstance(cfn, appscaling.CfnScalableTarget)
    return cfn


def _validate(
    *,
    controller: str | None,
    container_name: str,
    container_port: int,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str],
    hooks: Mapping[str, lambda_.IFunction],
    timeout: Duration,
    log_retention: logs.RetentionDays,
    cfn_target: appscaling.CfnScalableTarget | None = None,
    reserved_concurrency: int | None = None,
) -> None:
    checks = Checks("CodeDeployRelease")
    checks.int_range(
        "reserved_concurrency",
        reserved_concurrency,
        1,
        1000,
        "Pass a small positive number (1 is enough for one release at a time), or leave it "
        "None to reserve nothing (required in an account whose Lambda concurrency quota is "
        "100 or less).",
    )
    if cfn_target is not None:
        key = (cfn_target.service_namespace, cfn_target.scalable_dimension)
        checks.check(
            any(is_token(part) for part in key) or key == ("ecs", "ecs:service:DesiredCount"),
            "scalable_target",
            f"a scalable target of {key[0]} / {key[1]}",
            "the scalable target of the service's desired count (ecs / ecs:service:DesiredCount)",
            "Pass service.auto_scale_task_count(...) of the released service.",
        )
    checks.check(
        controller in (None, "CODE_DEPLOY"),
        "service",
        f"a service with the {controller} deployment controller",
        "a service with the CODE_DEPLOY deployment controller",
        "Create the service with deployment_controller=ecs.DeploymentController("
        "type=ecs.DeploymentControllerType.CODE_DEPLOY); an ECS-controlled service takes new "
        "task definitions from CloudFormation directly and needs no release.",
    )
    checks.check(
        is_token(container_name) or bool(container_name),
        "container_name",
        container_name,
        "the name of a container in the task definition",
        "Set container_name to the container the load balancer targets.",
    )
    checks.int_range(
        "container_port",
        container_port,
        1,
        65535,
        "Set container_port to the container port the load balancer targets.",
    )
    checks.check(
        is_token(list(subnet_ids)) or 1 <= len(subnet_ids) <= 16,
        "subnet_ids",
        list(subnet_ids),
        "1 to 16 subnet ids (an ECS service accepts up to 16)",
        "Pass the service's subnets, e.g. vpc.select_subnets(...).subnet_ids.",
    )
    checks.check(
        is_token(list(security_group_ids)) or 1 <= len(security_group_ids) <= 5,
        "security_group_ids",
        list(security_group_ids),
        "1 to 5 security group ids (an ECS service accepts up to 5)",
        "Pass the service's security groups, e.g. [sg.security_group_id].",
    )
    unknown = sorted(set(hooks) - set(CODEDEPLOY_HOOKS))
    checks.check(
        not unknown,
        "hooks",
        unknown,
        f"ECS AppSpec hooks: {', '.join(CODEDEPLOY_HOOKS)}",
        "Use one of the ECS hook names as the key (they are case-sensitive).",
    )
    low, high = MIN_RELEASE_TIMEOUT.to_seconds(), RELEASE_TIMEOUT_MAX.to_seconds()
    checks.duration_range("timeout", timeout, low, high)
    checks.check(
        log_retention != logs.RetentionDays.INFINITE,
        "log_retention",
        log_retention,
        "a finite logs.RetentionDays",
        "Set log_retention=logs.RetentionDays.ONE_YEAR or another finite period.",
    )
    checks.done()
