"""QueueWorkerService: a Fargate service that consumes an SQS queue, scaled on its backlog."""

from __future__ import annotations

from dataclasses import replace

from aws_cdk import Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from ..cluster import FargateCluster
from ..core._capacity import announce_spot_without_base
from ..core._compliance import WildcardAllowance, exempt
from ..core._exemptions import EXEC_CHANNELS, EXEC_DESCRIBE_LOG_GROUPS
from ..core._iam import ManagedPolicyRole, reference_in, wildcard_exemptions
from ..core._scaling import desired_count_at_creation
from ..core._service import (
    exec_session_log_allowance,
    order_service_creation,
    private_fargate_service,
)
from ..core._service_names import claim_service_name
from ..core._task import HardenedTask
from ..core.deployment import ServiceOptions
from ._alarms import WorkerAlarms
from ._exemptions import TASK_PROTECTION_ACTIONS, task_protection_allowance
from ._props import QUEUE_URL_VARIABLE, QueueWorkerProps
from ._queue import grant_consume, worker_queues
from ._scaling import backlog_policy, out_of_zero_policy

__all__ = ["QueueWorkerService"]


class QueueWorkerService(Construct):
    """A queue worker on Fargate: consumes an SQS queue, scaled on the backlog per task.

    Minimal use, one statement (a cluster, VPC and queue are created)::

        worker = QueueWorkerService(stack, "Worker", QueueWorkerProps(
            container=ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/.../worker:1.4.2"),
                health_check=HealthCheck(command=["CMD", "/app/healthcheck"]),
            ),
        ))
        worker.queue.grant_send_messages(producer)

    What it builds (defaults and why: :class:`QueueWorkerProps`):

    * **Queue**: SQS encrypted with a customer-managed KMS key, TLS-only queue policy, a
      dead-letter queue (also encrypted and TLS-only, 14 days) after ``max_receive_count``
      receives, visibility timeout and retention derived from ``processing_time``; retained on
      ``cdk destroy``. Or a queue passed in.
    * **Task** (:class:`HardenedTask`): no port; the app reads the queue URL from
      ``QUEUE_URL``; the task role may only consume (receive, delete, change visibility, read
      attributes, kms:Decrypt on the queue's key), in its managed policy; stop timeout 120 s
      so the message in hand finishes; optionally task scale-in protection.
    * **Service**: private subnets, no public IP, a security group without ingress; the first
      task on Fargate and the rest on Fargate Spot; rolling deployments with the circuit
      breaker and rollback.
    * **Scaling**: target tracking on visible messages / running tasks with target
      ``acceptable_latency / processing_time``; with ``min_capacity=0`` also a step policy that
      starts a first task when messages wait and none runs (see ``worker._scaling``).
    * **Alarms**: oldest message age, dead-letter queue not empty, CPU, memory, running tasks,
      to an encrypted SNS topic.

    Attributes:
        props: the props as given.
        cluster: the :class:`FargateCluster` (created or given).
        queue: the queue consumed (created or given).
        dead_letter_queue: the created dead-letter queue, or None for a given queue.
        queue_key: the queues' KMS key (created or given), or None when unknown.
        service: the ``ecs.FargateService``.
        task_definition / container / log_group: the task's parts.
        execution_role / task_role: the two roles (grants land in managed policies).
        security_group: the tasks' security group (no ingress).
        scalable_target: the service's ``ecs.ScalableTaskCount``.
        backlog_policy: the target tracking ``CfnScalingPolicy``.
        scale_out_from_zero: the step policy starting the first task, or None when
            ``min_capacity`` is above 0.
        scale_out_from_zero_alarm: its alarm, or None.
        alarms: the :class:`WorkerAlarms` (topic, key, alarms), or None without alarms.
    """

    def __init__(self, scope: Construct, id: str, props: QueueWorkerProps) -> None:
        if props.cluster is not None:
            claim_service_name(
                props.cluster,
                props.placement.service_name,
                f"{scope.node.path}/{id}",
                props_name="QueueWorkerProps",
            )
        super().__init__(scope, id)
        self.props = props
        self.cluster = (
            props.cluster if props.cluster is not None else FargateCluster(self, "Cluster")
        )
        queues = worker_queues(self, props.queue)
        self.queue: sqs.IQueue = queues.queue
        self.dead_letter_queue: sqs.Queue | None = queues.dead_letter_queue
        self.queue_key: kms.IKey | None = queues.key

        container = replace(
            props.container,
            environment={**props.container.environment, QUEUE_URL_VARIABLE: self.queue.queue_url},
            stop_timeout=props.stop_timeout,
        )
        task = HardenedTask(
            self, "Task", container=container, task=props.task, key=self.cluster.key
        )
        self.task_definition: ecs.FargateTaskDefinition = task.task_definition
        self.container: ecs.ContainerDefinition = task.container
        self.execution_role: ManagedPolicyRole = task.execution_role
        self.task_role: ManagedPolicyRole = task.task_role
        self.log_group: logs.LogGroup = task.log_group
        grant_consume(queues, self.task_role)

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=self.cluster.vpc,
            description="Queue worker tasks: no inbound traffic, outbound to SQS and the "
            "dependencies of the app",
            allow_all_outbound=True,
        )
        self.service = self._service(props, task)
        allowances = [
            EXEC_CHANNELS,
            EXEC_DESCRIBE_LOG_GROUPS,
            exec_session_log_allowance(self, self.cluster.exec_log_group),
        ]
        if props.task_protection:
            allowances.append(self._grant_task_protection())
        if (policy := self.task_role.policy) is not None:
            exempt(policy, *wildcard_exemptions(policy, allowances))

        scaling = props.scaling
        self.scalable_target: ecs.ScalableTaskCount = self.service.auto_scale_task_count(
            min_capacity=scaling.min_capacity, max_capacity=scaling.max_capacity
        )
        target = self.scalable_target.node.find_child("Target")
        assert isinstance(target, appscaling.ScalableTarget)
        self.backlog_policy = backlog_policy(
            self,
            target,
            queue=self.queue,
            service=self.service,
            options=scaling,
            target_backlog_per_task=props.target_backlog_per_task,
        )
        self.scale_out_from_zero: appscaling.StepScalingAction | None = None
        self.scale_out_from_zero_alarm: cloudwatch.Alarm | None = None
        if scaling.may_scale_to_zero:
            self.scale_out_from_zero, self.scale_out_from_zero_alarm = out_of_zero_policy(
                self, target, queue=self.queue, service=self.service
            )

        self.alarms: WorkerAlarms | None = None
        if props.alarms is not None:
            self.alarms = WorkerAlarms(
                self,
                "Alarms",
                options=props.alarms,
                service=self.service,
                queue=self.queue,
                dead_letter_queue=self.dead_letter_queue,
                oldest_message_age_s=props.oldest_message_age_s,
                min_capacity=scaling.min_capacity,
            )
        order_service_creation(self.service, task, self.cluster.cluster)

    def _service(self, props: QueueWorkerProps, task: HardenedTask) -> ecs.FargateService:
        placement = props.placement
        capacity = props.capacity
        service = private_fargate_service(
            self,
            cluster=self.cluster.cluster,
            task=task,
            placement=placement,
            desired_count=desired_count_at_creation(placement, props.scaling.min_capacity),
            capacity=capacity,
            security_group=self.security_group,
            # Rolling: new tasks start before old ones stop, so the backlog keeps draining.
            deployment=ServiceOptions(
                circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
                deployment_controller=ecs.DeploymentController(
                    type=ecs.DeploymentControllerType.ECS
                ),
                availability_zone_rebalancing=ecs.AvailabilityZoneRebalancing.ENABLED,
            ),
        )
        if capacity.may_lose_every_task:
            # On the CloudFormation resource, where the rule's finding is.
            cfn_service = service.node.default_child
            assert isinstance(cfn_service, ecs.CfnService)
            announce_spot_without_base(self, cfn_service)
        return service

    def _grant_task_protection(self) -> WildcardAllowance:
        """ecs:UpdateTaskProtection / GetTaskProtection on this cluster's tasks."""
        stack = Stack.of(self)
        cluster = self.cluster.cluster
        # A cluster of another stack is named through that stack's export, as cdk-nag
        # reports the finding the allowance acknowledges.
        cluster_name = reference_in(stack, cluster, cluster.cluster_name)
        tasks = f"arn:{stack.partition}:ecs:{stack.region}:{stack.account}:task/{cluster_name}/*"
        self.task_role.add_to_principal_policy(
            iam.PolicyStatement(actions=sorted(TASK_PROTECTION_ACTIONS), resources=[tasks])
        )
        return task_protection_allowance(stack, tasks)
