"""ScheduledJob: a Fargate task on an EventBridge Scheduler schedule, with a maximum run time,
an overlap guard and notifications of failed runs."""

from __future__ import annotations

import json

from aws_cdk import Aws, Stack, TimeZone
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from ..cluster import FargateCluster
from ..core._compliance import WildcardAllowance, exempt
from ..core._iam import ManagedPolicyRole, reference_in, wildcard_exemptions
from ..core._logs import encrypted_log_group, per_stack_log_group_name
from ..core._queues import dead_letter_queue, queue_key
from ..core._task import HardenedTask
from ._alarms import JobAlarms
from ._definition import JobTarget, job_definition
from ._exemptions import (
    DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTER_QUEUE,
    LIST_TASKS,
    LOG_DELIVERY,
    STATE_MACHINE_DEPENDS_ON_ROLE,
    UNSCOPED_POLICY_CHECKOV,
    XRAY,
    family_allowance,
    tasks_allowance,
)
from ._props import ScheduledJobProps, ScheduleOptions

__all__ = ["GROUP_PREFIX", "ScheduledJob"]

GROUP_PREFIX = "scheduled-job:"
"""The ECS task group of a job's runs is this prefix and the task definition family, so the
failed-task rule matches this job's scheduled runs only."""

_MAX_GROUP_LENGTH = 255
_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"


class ScheduledJob(Construct):
    """A scheduled job on Fargate: an EventBridge Scheduler schedule runs a hardened task,
    stops it at a maximum run time, skips a run while the previous one still runs, and reports
    failed runs.

    Minimal use, one statement (a cluster and VPC are created)::

        job = ScheduledJob(stack, "Nightly", ScheduledJobProps(
            container=ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/.../report:2.0.1"),
                health_check=HealthCheck(command=["CMD", "/app/healthcheck"]),
            ),
            schedule=ScheduleOptions(expression="cron(0 3 * * ? *)", time_zone="Europe/Berlin"),
        ))

    What it builds (defaults and why: :class:`ScheduledJobProps`):

    * **Schedule** (``AWS::Scheduler::Schedule``): the cron or rate expression in its time
      zone, validated at synthesis; it starts the job's state machine with a retry policy
      (185 attempts within 1 hour) and a dead-letter queue (SQS, its own KMS key, TLS only,
      14 days, retained) for invocations that never started a run. Its role, trusted by
      ``scheduler.amazonaws.com`` for this account only, may start this state machine and
      send to that queue, nothing else.
    * **State machine** (Step Functions, Standard): checks that no task of the job runs
      (unless ``allow_overlap``), runs the task with ``ecs:runTask.sync`` (Fargate Spot by
      default, private subnets, no public IP, ECS managed tags, tags propagated from the task
      definition) and stops it at ``max_run_time``; logs every event to an encrypted log
      group and traces with X-Ray. Its role may run this task definition family on this
      cluster, pass exactly the task's two roles, and follow and stop the tasks it starts.
      See ``job._definition`` for why a state machine, and not Scheduler's own ECS target.
    * **Task** (:class:`HardenedTask`): no port, a security group without ingress.
    * **Notifications**: an EventBridge rule on the job's tasks that stop with a non-zero
      exit code or fail to start (ECS task state changes), an alarm on failed runs, and an
      alarm on the dead-letter queue, to an encrypted SNS topic.

    Attributes:
        props: the props as given.
        cluster: the :class:`FargateCluster` (created or given).
        schedule: the ``scheduler.Schedule``.
        schedule_role: the schedule's :class:`ManagedPolicyRole`.
        dead_letter_queue / dead_letter_key: the schedule's dead-letter queue and its key.
        state_machine: the ``sfn.StateMachine`` that runs one run.
        state_machine_role: its :class:`ManagedPolicyRole`.
        state_machine_log_group: the state machine's encrypted execution log.
        task_definition / container / log_group: the task's parts.
        execution_role / task_role: the task's two roles (grants land in managed policies).
        security_group: the tasks' security group (no ingress).
        group: the ECS task group of the job's runs (``scheduled-job:<family>``).
        alarms: the :class:`JobAlarms` (topic, rule, alarms), or None without alarms.
    """

    def __init__(self, scope: Construct, id: str, props: ScheduledJobProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.cluster = (
            props.cluster if props.cluster is not None else FargateCluster(self, "Cluster")
        )
        task = HardenedTask(
            self, "Task", container=props.container, task=props.task, key=self.cluster.key
        )
        self.task_definition: ecs.FargateTaskDefinition = task.task_definition
        self.container: ecs.ContainerDefinition = task.container
        self.execution_role: ManagedPolicyRole = task.execution_role
        self.task_role: ManagedPolicyRole = task.task_role
        self.log_group: logs.LogGroup = task.log_group
        family = self.task_definition.family
        self.group = f"{GROUP_PREFIX}{family}"[:_MAX_GROUP_LENGTH]
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=self.cluster.vpc,
            description="Scheduled job tasks: no inbound traffic, outbound to the "
            "dependencies of the job",
            allow_all_outbound=True,
        )
        self.dead_letter_key, self.dead_letter_queue = self._dead_letter_queue(props.schedule)
        self.state_machine_log_group: logs.LogGroup = encrypted_log_group(
            self,
            "StateMachineLogs",
            key=self.cluster.key,
            retention=props.container.logging.retention,
            removal_policy=props.container.logging.removal_policy,
            name=per_stack_log_group_name(self, "/aws/vendedlogs/states/scheduled-job-"),
        )
        self.state_machine_role = ManagedPolicyRole(
            self,
            "StateMachineRole",
            assumed_by=self._service_principal("states.amazonaws.com"),
            description="Scheduled job state machine: run, follow and stop the job's task",
        )
        self.state_machine = self._state_machine(props, family)
        self.schedule_role = ManagedPolicyRole(
            self,
            "ScheduleRole",
            assumed_by=self._service_principal("scheduler.amazonaws.com"),
            description="Scheduled job schedule: start the job's state machine",
        )
        self.schedule = self._schedule(props.schedule)
        self.alarms: JobAlarms | None = None
        if props.alarms is not None:
            self.alarms = JobAlarms(
                self,
                "Alarms",
                options=props.alarms,
                cluster_arn=self.cluster.cluster.cluster_arn,
                group=self.group,
                state_machine=self.state_machine,
                dead_letter_queue=self.dead_letter_queue,
            )

    def _service_principal(self, service: str) -> iam.IPrincipal:
        """``service``, acting for this account only (the confused-deputy guard AWS advises)."""
        return iam.ServicePrincipal(service).with_conditions(
            {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
        )

    def _dead_letter_queue(self, options: ScheduleOptions) -> tuple[kms.IKey, sqs.Queue]:
        removal = options.dead_letter_removal_policy
        key = options.dead_letter_key
        if key is None:
            key = queue_key(
                self,
                "DeadLetterKey",
                description="ecs-patterns: scheduled job dead-letter queue",
                removal_policy=removal,
            )
        queue = dead_letter_queue(self, key=key, removal_policy=removal)
        exempt(queue, DEAD_LETTER_QUEUE_HAS_NO_DEAD_LETTER_QUEUE)
        return key, queue

    def _state_machine(self, props: ScheduledJobProps, family: str) -> sfn.StateMachine:
        stack = Stack.of(self)
        cluster = self.cluster.cluster
        run = props.run
        target = JobTarget(
            partition=Aws.PARTITION,
            cluster_arn=cluster.cluster_arn,
            task_definition_arn=self.task_definition.task_definition_arn,
            family=family,
            group=self.group,
            subnets=self.cluster.vpc.select_subnets(
                subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
            ).subnet_ids,
            security_group_id=self.security_group.security_group_id,
            capacity=run.capacity_strategy,
        )
        definition = job_definition(
            target,
            max_run_time_s=run.max_run_time_s,
            allow_overlap=run.allow_overlap,
            start_attempts=run.start_attempts,
        )
        role = self.state_machine_role
        allowances = self._grant_run(family)
        unscoped = iam.ManagedPolicy(
            role,
            "UnscopedPolicy",
            description="Scheduled job state machine: actions without resource-level "
            "permissions (log delivery, X-Ray, listing the cluster's tasks)",
            roles=[role],
        )
        with role.routing_unscoped(unscoped):
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["ecs:ListTasks"],
                    resources=["*"],
                    conditions={"ArnEquals": {"ecs:cluster": cluster.cluster_arn}},
                )
            )
            state_machine = sfn.StateMachine(
                self,
                "StateMachine",
                definition_body=sfn.DefinitionBody.from_string(stack.to_json_string(definition)),
                state_machine_type=sfn.StateMachineType.STANDARD,
                role=role,
                tracing_enabled=True,
                logs=sfn.LogOptions(
                    destination=self.state_machine_log_group,
                    level=sfn.LogLevel.ALL,
                    include_execution_data=True,
                ),
                comment="ecs-patterns ScheduledJob: one run of the job's task",
            )
        self._unscoped_policy = unscoped
        if role.policy is not None:
            exempt(role.policy, *wildcard_exemptions(role.policy, allowances))
        exempt(
            unscoped,
            *wildcard_exemptions(unscoped, [LIST_TASKS, LOG_DELIVERY, XRAY]),
            UNSCOPED_POLICY_CHECKOV,
        )
        # aws-cdk-lib declares DependsOn the role (so its policies exist before the first
        # execution) next to the GetAtt of its ARN.
        cfn_state_machine = state_machine.node.default_child
        assert isinstance(cfn_state_machine, sfn.CfnStateMachine)
        exempt(cfn_state_machine, STATE_MACHINE_DEPENDS_ON_ROLE)
        return state_machine

    def _grant_run(self, family: str) -> list[WildcardAllowance]:
        """What the state machine needs to run, follow and stop this job's task."""
        stack = Stack.of(self)
        role = self.state_machine_role
        cluster = self.cluster.cluster
        prefix = f"arn:{stack.partition}:ecs:{stack.region}:{stack.account}"
        family_arn = f"{prefix}:task-definition/{family}:*"
        # The acknowledgement below names this ARN as cdk-nag prints it at synthesis (a
        # cluster of another stack is an Fn::ImportValue of its export by then).
        cluster_name = reference_in(stack, cluster, cluster.cluster_name)
        tasks_arn = f"{prefix}:task/{cluster_name}/*"
        on_cluster = {"ArnEquals": {"ecs:cluster": cluster.cluster_arn}}
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ecs:RunTask"], resources=[family_arn], conditions=on_cluster
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.execution_role.role_arn, self.task_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": _TASKS_PRINCIPAL}},
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ecs:DescribeTasks", "ecs:StopTask"],
                resources=[tasks_arn],
                conditions=on_cluster,
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ecs:TagResource"],
                resources=[tasks_arn],
                conditions={"StringEquals": {"ecs:CreateAction": "RunTask"}},
            )
        )
        # runTask.sync learns that the task stopped from this managed EventBridge rule, which
        # Step Functions creates in the account (Step Functions guide, "IAM policies for ECS").
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[
                    f"arn:{stack.partition}:events:{stack.region}:{stack.account}:rule/"
                    "StepFunctionsGetEventsForECSTaskRule"
                ],
            )
        )
        return [family_allowance(stack, family_arn), tasks_allowance(stack, tasks_arn)]

    def _schedule(self, options: ScheduleOptions) -> scheduler.Schedule:
        window = (
            scheduler.TimeWindow.flexible(options.flexible_window)
            if options.flexible_window is not None
            else scheduler.TimeWindow.off()
        )
        target = targets.StepFunctionsStartExecution(
            self.state_machine,
            role=self.schedule_role,
            dead_letter_queue=self.dead_letter_queue,
            retry_attempts=options.retry_attempts,
            max_event_age=options.max_event_age,
            input=scheduler.ScheduleTargetInput.from_text(
                json.dumps(
                    {
                        "scheduledTime": "<aws.scheduler.scheduled-time>",
                        "scheduleArn": "<aws.scheduler.schedule-arn>",
                        "executionId": "<aws.scheduler.execution-id>",
                    }
                )
            ),
        )
        # Scheduler sends a failed invocation to the encrypted dead-letter queue with this role.
        self.schedule_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[self.dead_letter_key.key_arn],
            )
        )
        schedule = scheduler.Schedule(
            self,
            "Schedule",
            schedule=scheduler.ScheduleExpression.expression(
                options.expression, TimeZone.of(options.time_zone)
            ),
            target=target,
            enabled=options.enabled,
            time_window=window,
            description="ecs-patterns ScheduledJob: starts one run of the job",
        )
        # The first run needs the schedule's and the state machine's permissions, and the
        # cluster's capacity providers, which the definition names (aws-cdk-lib adds their
        # association under the ecs.Cluster only at synthesis, so the dependency is on it).
        assert self.schedule_role.policy is not None  # the target's grants created it
        assert self.state_machine_role.policy is not None  # _grant_run created it
        schedule.node.add_dependency(
            self.schedule_role.policy,
            self.state_machine_role.policy,
            self._unscoped_policy,
            self.cluster.cluster,
        )
        return schedule
