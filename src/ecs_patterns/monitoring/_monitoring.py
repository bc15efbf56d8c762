"""ServiceMonitoring: alarms, an encrypted alarm topic and a dashboard for any ECS service.

Long module: one construct and its props: every alarm, its threshold and its documentation, and
the deployment alarms that depend on the service's strategy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct
from jsii.errors import JSIIError

from ..core._errors import ConfigurationError, Problem
from ..core._notify import task_state_change_rule
from ..core._shared_load_balancers import shared_load_balancer_owner
from ..core._typecheck import require_types
from ..core._validation import Checks, is_token, seconds
from ..core.deployment import DeploymentStrategy, deployment_controller
from ._checks import Notifier, check_alarm_window, check_subscriptions
from ._dashboard import ServiceMetrics, service_widgets

__all__ = ["MonitoringProps", "ServiceMonitoring"]

_DASHBOARD_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
# Container Insights publishes service-level task counts here (ClusterName + ServiceName).
_INSIGHTS = "ECS/ContainerInsights"
# ECS stops a task with these codes, or with a reason starting "Task failed", when it crashed,
# could not start, or failed its container or load balancer health checks; deployments, scale-in
# and Spot interruptions stop tasks with other codes and are not reported.
_UNEXPECTED_STOP = {
    "$or": [
        {"stopCode": ["EssentialContainerExited", "TaskFailedToStart"]},
        {"stoppedReason": [{"prefix": "Task failed"}]},
    ]
}


# Dashboard labels of the per-group lines: none for one group, blue/green for two.
_GROUP_LABELS = {1: ("",), 2: (" (blue)", " (green)")}


def _across(
    function: str, id: str, metrics: list[cloudwatch.Metric], *, fill: bool = False
) -> cloudwatch.IMetric:
    """The one metric, or ``function([...])`` over a blue and a green target group's metrics.

    With one target group (rolling) the plain metric is returned, so those alarms keep the
    single-metric form. ``fill`` turns a group's missing minutes into 0 (the load balancer
    publishes counts only for minutes that had some), so the other group's value is kept.
    """
    if len(metrics) == 1:
        return metrics[0]
    ids = [f"{id}blue", f"{id}green"]
    terms = [f"FILL({i}, 0)" if fill else i for i in ids]
    return cloudwatch.MathExpression(
        expression=f"{function}([{', '.join(terms)}])",
        using_metrics=dict(zip(ids, metrics, strict=True)),
        period=metrics[0].period,
    )


def _minutes() -> Duration:
    return Duration.minutes(1)


def _one_second() -> Duration:
    return Duration.seconds(1)


@dataclass(frozen=True, kw_only=True)
class MonitoringProps:
    """Props of :class:`ServiceMonitoring`. Only ``service`` is required.

    Every metric alarm uses ``period``, ``evaluation_periods`` and ``datapoints_to_alarm``.
    Missing data: the running-task alarm keeps its state (**missing**: a new service has no
    count until Container Insights reports the first one, so it waits in INSUFFICIENT_DATA
    instead of paging on every create; a count below the threshold alarms, and tasks that
    stop unexpectedly are also reported by ``notify_on_task_failure``. The cost: if Container
    Insights stopped reporting, this alarm would show INSUFFICIENT_DATA instead of paging);
    every other alarm treats it as
    **not breaching** (no tasks means no CPU or memory to measure, and
    the running-task alarm covers that; no requests means no errors and no latency; the load
    balancer publishes 5xx counts only for minutes that had some).

    Attributes:
        service: The ECS service to watch (a new or an imported one). Its cluster and service
            names are the alarm dimensions.
        target_group: The service's ALB target group. Default: no target group, so no target
            5xx, unhealthy-host or latency alarms and no traffic graphs. It must already be
            attached to a listener (or be imported with ``load_balancer_arns``), because its
            metrics name the load balancer.
        alternate_target_group: The blue/green service's second (green) target group, e.g.
            ``FargateWebService.green_target_group``. Both CodeDeploy and ECS-native blue/green
            alternate production between the two groups (after the first deployment the tasks
            are behind green, after the second behind blue again), so with it the target
            alarms and the traffic graphs read both groups through CloudWatch metric math:
            5xx counts and requests are the SUM of the two groups, unhealthy hosts the MAX,
            and p99 latency the MAX of the two groups' p99s (the p99 of the combined traffic
            cannot be derived from per-group percentiles; the larger one is never below the
            busier group's, so the alarm errs towards firing, e.g. on a canary's slow 10 %).
            Default: none, for a rolling service. Required with ``target_group`` when the
            service has the ``CODE_DEPLOY`` controller or is a :class:`FargateWebService` with
            :class:`EcsNativeBlueGreen` (else the alarms would watch the old tasks after every
            other deployment); rejected for a :class:`FargateWebService` with
            :class:`Rolling`; only allowed with ``target_group``. The ECS-native strategy of
            any other service (built directly, or imported) is not checked: pass the group for
            any blue/green service.
        load_balancer: The ALB in front of the service. Default: no load balancer, so no
            load-balancer 5xx alarm. On a shared ALB that alarm counts every service's 5xx, so
            it notifies only and is never a rollback alarm.
        topic: The SNS topic alarms notify. Default: a new topic encrypted with its own KMS key
            (rotation on), publishing over TLS only, SHA256 message signatures. A given topic
            gets the topic-policy statements CloudWatch (and EventBridge) need when it is
            defined in this app; an imported topic's policy, and the key policy of any given
            topic's key, must already allow ``cloudwatch.amazonaws.com`` and
            ``events.amazonaws.com`` (kms:Decrypt, kms:GenerateDataKey*).
        email_subscriptions: Email addresses subscribed to the topic (new or given). Default:
            no subscription. Each recipient must confirm the subscription. Subscribe an address
            once per topic: a second identical subscription is rejected by CDK.
        https_subscriptions: HTTPS endpoints (``https://...``) subscribed to the topic, e.g. a
            chat or paging webhook. Default: no subscription. Plain HTTP is rejected.
        alarm_name_prefix: Prefix of every alarm name. Default: a name unique to this construct
            (stack name, construct path and a hash), at most 200 characters. Alarm names are
            physical so that ECS deployment alarms can reference them without a circular
            dependency between the service and its alarms.
        period: Alarm period. Default 1 minute: the resolution at which ECS and ALB publish
            these metrics. A multiple of 60 s; sub-minute periods would
            only see missing data.
        evaluation_periods: Periods evaluated. Default 3: a 3-minute window
            rides out a single spike or a deployment's task replacement.
        datapoints_to_alarm: Breaching periods in the window that raise the alarm. Default 3
            (3 of 3): sustained problems only. ECS derives the deployment bake time from
            ``period`` x ``evaluation_periods``.
        cpu_threshold_percent: CPUUtilization (AWS/ECS, Average) alarms above this. Default 80:
            headroom left for a scale-out to take effect.
        memory_threshold_percent: MemoryUtilization (AWS/ECS, Average) alarms above this.
            Default 80: a warning before tasks are killed for running out of memory.
        min_running_tasks: RunningTaskCount (Container Insights, Minimum) alarms below this.
            Default 1: alarms when the service has no running task at all. Set it to the
            service's minimum capacity to hear about any shortfall. At most the service's
            minimum task count (autoscaling ``min_capacity``, else the desired count) with
            ``deployment_alarm_rollback``: above it the alarm is in ALARM whenever the
            service is at its minimum, and as a rollback alarm it would roll deployments back
            (rejected with :class:`ConfigurationError`). Needs Container Insights on the
            cluster (FargateCluster turns it on); without it the alarm stays in
            INSUFFICIENT_DATA.
        target_5xx_threshold: HTTPCode_Target_5XX_Count (Sum per period) alarms above this.
            Default 5 per minute: a stray error (a client abort, one bad request) is ignored,
            a release that keeps failing is not. It is a count, not a rate: tune it to traffic.
        elb_5xx_threshold: HTTPCode_ELB_5XX_Count (Sum per period) alarms above this. Default 5
            per minute, for the same reason.
        unhealthy_hosts_threshold: UnHealthyHostCount (Maximum) alarms above this. Default 0:
            any target failing its health check for the whole window is a problem (targets
            that are starting or draining are not counted as unhealthy).
        latency_p99_threshold: TargetResponseTime p99 alarms above this. Default 1 second, a
            common interactive-latency budget; raise it for slow APIs.
        notify_on_task_failure: Publish an EventBridge notification when a task of the service
            stops unexpectedly (crashed essential container, failed to start, failed health
            checks), so an operator hears of a crash loop before users do. Default True.
        deployment_alarm_rollback: Roll a deployment back when a critical alarm fires (see
            :meth:`ServiceMonitoring.enable_deployment_alarm_rollback`): ECS deployment alarms
            for a service with the ECS controller (rolling and ECS-native blue/green, linear,
            canary); for a ``CODE_DEPLOY`` service, the alarms are added to
            ``deployment_group``, whose automatic rollback on alarm then turns on. Default
            False, because it changes the service or the group: a pattern that owns them turns
            it on. Needs a service defined in this app. When the service's name is literal
            (``service_name``), the service depends on its deployment alarms, so they exist
            before it names them; a generated name can only be read once the service exists,
            so the alarms follow it (harmless: ECS applies deployment alarms from the first
            update on).
        deployment_group: The service's CodeDeploy ``EcsDeploymentGroup`` (e.g.
            ``FargateWebService.deployment_group``). Required with
            ``deployment_alarm_rollback`` for a ``CODE_DEPLOY`` service (ECS rejects deployment
            alarms under CodeDeploy); not allowed otherwise. Default: none.
        create_dashboard: Create a dashboard for this service. Default True.
        dashboard: An existing dashboard to add this service's widgets to instead of creating
            one, so several services share a dashboard. Default: a dashboard of its own when
            ``create_dashboard`` is True.
        dashboard_name: Name of a new dashboard (letters, digits, ``-`` and ``_``). Default: a
            name generated by CloudFormation.
    """

    service: ecs.IBaseService
    target_group: elbv2.IApplicationTargetGroup | None = None
    alternate_target_group: elbv2.IApplicationTargetGroup | None = None
    load_balancer: elbv2.IApplicationLoadBalancer | None = None
    topic: sns.ITopic | None = None
    email_subscriptions: Sequence[str] = ()
    https_subscriptions: Sequence[str] = ()
    alarm_name_prefix: str | None = None
    period: Duration = field(default_factory=_minutes)
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 3
    cpu_threshold_percent: float = 80
    memory_threshold_percent: float = 80
    min_running_tasks: int = 1
    target_5xx_threshold: int = 5
    elb_5xx_threshold: int = 5
    unhealthy_hosts_threshold: int = 0
    latency_p99_threshold: Duration = field(default_factory=_one_second)
    notify_on_task_failure: bool = True
    deployment_alarm_rollback: bool = False
    deployment_group: codedeploy.EcsDeploymentGroup | None = None
    create_dashboard: bool = True
    dashboard: cloudwatch.Dashboard | None = None
    dashboard_name: str | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("MonitoringProps")
        self._check_alarm_shape(checks)
        self._check_subscriptions(checks)
        self._check_dashboard(checks)
        for name in ("target_group", "alternate_target_group"):
            group = getattr(self, name)
            if group is None:
                continue
            try:
                group.metrics  # noqa: B018 - raises when no load balancer is known
            except (JSIIError, RuntimeError):  # jsii surfaces CDK's ValidationError as these
                checks.fail(
                    name,
                    group.node.path,
                    "a target group attached to a load balancer listener, or imported with "
                    "load_balancer_arns",
                    "Add the target group to a listener before creating ServiceMonitoring.",
                )
        self._check_alternate(checks)
        if self.load_balancer is not None:
            owner = shared_load_balancer_owner(self.load_balancer)
            checks.check(
                owner is None,
                "load_balancer",
                self.load_balancer.node.path,
                f"the service's own load balancer (this one is shared by the services of {owner})",
                "Drop load_balancer: the shared load balancer's alarms belong to "
                "IngressMonitoring(IngressMonitoringProps(load_balancer=...)), once for all its "
                "services; ServiceMonitoring keeps this service's target-group alarms.",
            )
        if self.deployment_alarm_rollback:
            for problem in deployment_alarm_problems(self.service, self.deployment_group):
                checks.fail(problem.prop, problem.value, problem.allowed, problem.fix)
            tasks = _min_running_tasks_problem(self.service, self.min_running_tasks)
            if tasks is not None:
                checks.fail(tasks.prop, tasks.value, tasks.allowed, tasks.fix)
        elif self.deployment_group is not None:
            checks.fail(
                "deployment_group",
                self.deployment_group.node.path,
                "only with deployment_alarm_rollback=True",
                "Set deployment_alarm_rollback=True to roll CodeDeploy deployments back on "
                "these alarms, or drop deployment_group.",
            )
        checks.done()

    def _check_alternate(self, checks: Checks) -> None:
        alternate, kind = self.alternate_target_group, blue_green_kind(self.service)
        blue_green = kind if kind not in (None, "ROLLING") else None
        if alternate is None:
            checks.check(
                self.target_group is None or blue_green is None,
                "alternate_target_group",
                None,
                f"the service's second target group (the service deploys with {blue_green}, "
                "which moves production between two target groups)",
                "Pass alternate_target_group=web.green_target_group, so the target alarms "
                "watch whichever group serves production.",
            )
            return
        checks.check(
            self.target_group is not None,
            "alternate_target_group",
            alternate.node.path,
            "only together with target_group",
            "Pass target_group=web.target_group as well, or drop alternate_target_group.",
        )
        checks.check(
            alternate is not self.target_group,
            "alternate_target_group",
            alternate.node.path,
            "a target group other than target_group",
            "Pass the green target group (web.green_target_group).",
        )
        checks.check(
            kind != "ROLLING",
            "alternate_target_group",
            alternate.node.path,
            "only for a blue/green service (CODE_DEPLOY controller or an ECS-native "
            "BLUE_GREEN, LINEAR or CANARY strategy)",
            "Drop alternate_target_group: a rolling service serves from target_group only.",
        )

    def _check_alarm_shape(self, checks: Checks) -> None:
        for name in ("cpu_threshold_percent", "memory_threshold_percent"):
            value = getattr(self, name)
            checks.check(
                isinstance(value, (int, float)) and 1 <= value <= 100,
                name,
                value,
                "a percentage from 1 to 100",
                f"Set {name} to the utilization that needs attention, such as 80.",
            )
        checks.int_range("min_running_tasks", self.min_running_tasks, 1, 5000)
        for name in ("target_5xx_threshold", "elb_5xx_threshold"):
            checks.int_range(name, getattr(self, name), 0, 1_000_000)
        checks.int_range("unhealthy_hosts_threshold", self.unhealthy_hosts_threshold, 0, 1000)
        latency = seconds(self.latency_p99_threshold)
        if latency is not None:
            checks.check(
                0.001 <= latency <= 4000,
                "latency_p99_threshold",
                f"{latency:g}s",
                "a duration from 1 ms to 4000 s (the longest ALB idle timeout)",
                "Set latency_p99_threshold to Duration.millis(n) or Duration.seconds(n).",
            )
        check_alarm_window(
            checks,
            period=self.period,
            evaluation_periods=self.evaluation_periods,
            datapoints_to_alarm=self.datapoints_to_alarm,
            alarm_name_prefix=self.alarm_name_prefix,
        )

    def _check_subscriptions(self, checks: Checks) -> None:
        check_subscriptions(checks, self.email_subscriptions, self.https_subscriptions)

    def _check_dashboard(self, checks: Checks) -> None:
        checks.check(
            self.dashboard is None or self.create_dashboard,
            "create_dashboard",
            self.create_dashboard,
            "True (the default) when a dashboard is given",
            "Drop create_dashboard=False to add widgets to the given dashboard, or drop "
            "dashboard to have none.",
        )
        name = self.dashboard_name
        if name is None:
            return
        checks.check(
            self.dashboard is None and self.create_dashboard,
            "dashboard_name",
            name,
            "a name only for a new dashboard",
            "Drop dashboard_name: it names the dashboard this construct creates.",
        )
        if not is_token(name):
            checks.check(
                bool(_DASHBOARD_NAME.match(name)),
                "dashboard_name",
                name,
                "1 to 255 letters, digits, '-' and '_'",
                "Use a name such as 'prod-web'.",
            )


def blue_green_kind(service: ecs.IBaseService) -> str | None:
    """How a service alternates target groups: ``"CODE_DEPLOY"``, an ECS-native strategy
    (``"BLUE_GREEN"``, ``"LINEAR"``, ``"CANARY"``), ``"ROLLING"`` for a strategy that serves
    from one target group, or None when it cannot be seen.

    The CODE_DEPLOY controller is read from the service's template; otherwise the owning
    workload's strategy (``props.deployment``, e.g. a :class:`FargateWebService`'s) says
    whether it alternates (:attr:`~DeploymentStrategy.needs_green_target_group`) and its
    :attr:`~DeploymentStrategy.kind`. The strategy of any other service is
    not read (jsii cannot hand over its ``DeploymentConfiguration`` while the deployment
    alarms are an unresolved placeholder, and a failed attempt breaks later reads of the
    resource's properties), so it is None.
    """
    if deployment_controller(service) == "CODE_DEPLOY":
        return "CODE_DEPLOY"
    owner = service.node.scope
    deployment = getattr(getattr(owner, "props", None), "deployment", None)
    if getattr(owner, "service", None) is not service or not isinstance(
        deployment, DeploymentStrategy
    ):
        return None
    return deployment.kind if deployment.needs_green_target_group else "ROLLING"


def _literal_service_name(service: ecs.IBaseService) -> str | None:
    """The service's name when the template states it (``service_name="..."``), else None."""
    cfn = service.node.default_child
    if not isinstance(cfn, ecs.CfnService):
        return None
    name = cfn.service_name
    return name if isinstance(name, str) and not is_token(name) else None


def minimum_task_count(service: ecs.IBaseService) -> int | None:
    """The fewest tasks the service runs by design: its autoscaling minimum, else its desired
    count; None when unknown (an imported service, a token)."""
    if not isinstance(service, ecs.BaseService):
        return None
    # BaseService.auto_scale_task_count keeps a ScalableTaskCount "TaskCount", whose
    # ScalableTarget is its child "Target" (aws-cdk-lib).
    count = service.node.try_find_child("TaskCount")
    target = count.node.try_find_child("Target") if count is not None else None
    value: object = None
    if target is not None:
        cfn_target = target.node.default_child
        if isinstance(cfn_target, appscaling.CfnScalableTarget):
            value = cfn_target.min_capacity
    else:
        cfn_service = service.node.default_child
        if isinstance(cfn_service, ecs.CfnService):
            value = cfn_service.desired_count
    if isinstance(value, int) and not isinstance(value, bool) and not is_token(value):
        return value
    return None


def _min_running_tasks_problem(service: ecs.IBaseService, min_running_tasks: int) -> Problem | None:
    """``min_running_tasks`` above the service's minimum makes a rollback alarm of the minimum.

    At its autoscaling minimum the service runs fewer tasks than the alarm wants, so the
    running-task alarm is in ALARM whenever traffic is low, and as a rollback alarm it rolls
    back (or, already in ALARM when a deployment starts, is ignored by) every deployment.
    """
    minimum = minimum_task_count(service)
    if minimum is None or is_token(min_running_tasks) or min_running_tasks <= minimum:
        return None
    return Problem(
        prop="min_running_tasks",
        value=min_running_tasks,
        allowed=f"at most the service's minimum task count ({minimum}) while the alarms roll "
        "deployments back",
        fix=f"Lower min_running_tasks to {minimum} or less, raise the service's min_capacity, "
        "or turn deployment_alarm_rollback off.",
    )


def deployment_alarm_problems(
    service: ecs.IBaseService, deployment_group: codedeploy.EcsDeploymentGroup | None = None
) -> list[Problem]:
    """Why alarm rollback cannot be wired for ``service`` (empty when it can).

    ``BaseService.enable_deployment_alarms`` itself does not check the deployment controller
    (only the service's constructor does), so it is checked here: ECS rejects alarm rollback
    under CODE_DEPLOY and EXTERNAL controllers, where the CodeDeploy deployment group rolls
    back on alarms instead.
    """
    if not isinstance(service, ecs.BaseService):
        return [
            Problem(
                prop="deployment_alarm_rollback",
                value=True,
                allowed="a service defined in this app (not an imported one)",
                fix="Configure deployment alarms where the service is defined, using "
                "deployment_alarm_names.",
            )
        ]
    kind = deployment_controller(service)
    if kind == "CODE_DEPLOY":
        if deployment_group is None:
            return [
                Problem(
                    prop="deployment_group",
                    value=None,
                    allowed="the service's CodeDeploy EcsDeploymentGroup (the service uses the "
                    "CODE_DEPLOY controller, which rejects ECS deployment alarms)",
                    fix="Pass deployment_group=web.deployment_group so CodeDeploy rolls back "
                    "on these alarms.",
                )
            ]
        return []
    if kind not in (None, "ECS"):
        return [
            Problem(
                prop="deployment_alarm_rollback",
                value=True,
                allowed="a service with the ECS or CODE_DEPLOY deployment controller",
                fix=f"The service uses the {kind} controller: wire rollback_alarms into "
                "whatever deploys it.",
            )
        ]
    if deployment_group is not None:
        return [
            Problem(
                prop="deployment_group",
                value=deployment_group.node.path,
                allowed="only for a service with the CODE_DEPLOY controller",
                fix="Drop deployment_group: this service's own ECS deployment alarms roll it back.",
            )
        ]
    return []


class ServiceMonitoring(Construct):
    """Alarms, an encrypted SNS topic and a dashboard for one ECS (Fargate) service.

    * Metric alarms (1-minute period, 3 of 3 datapoints by default): CPU and memory above 80 %,
      running tasks below ``min_running_tasks``; with a target group, target 5xx, unhealthy
      hosts and p99 latency; with a load balancer, load-balancer 5xx.
    * A composite alarm, :attr:`unhealthy_alarm`, in ALARM when ANY critical alarm is (running
      tasks, target 5xx, unhealthy hosts): the one alarm to page on.
    * Every alarm, the composite included, sends both ALARM and OK notifications to the topic.
    * An EventBridge notification when a task stops unexpectedly (``notify_on_task_failure``).
    * A dashboard: CPU, memory, running/desired/pending tasks, requests, 5xx, p50/p99 latency
      and every alarm's state. Container Insights has no per-capacity-provider task count, so
      the task graph shows totals.
    * Rollback wiring: :attr:`deployment_alarm_names` for ECS deployment alarms,
      :attr:`rollback_alarms` for a CodeDeploy deployment group, and
      :meth:`enable_deployment_alarm_rollback`, which wires either (``deployment_group``).

    Attributes:
        topic: the alarm topic (escape hatch).
        key: the topic's KMS key, None when a topic was given.
        alarms: the metric alarms by name: ``cpu``, ``memory``, ``running_tasks`` and, when
            configured, ``target_5xx``, ``unhealthy_hosts``, ``latency_p99``, ``elb_5xx``.
        critical_alarms: the metric alarms the composite alarm combines.
        unhealthy_alarm: the composite "service unhealthy" alarm.
        dashboard: the dashboard created or given, None when there is none.
        task_failure_rule: the EventBridge rule for unexpected task stops, or None.
        alarm_name_prefix: the prefix of every alarm name.
    """

    def __init__(self, scope: Construct, id: str, props: MonitoringProps) -> None:
        super().__init__(scope, id)
        self.props = props
        notifier = Notifier.of(self, props)
        self._notifier = notifier
        self.alarm_name_prefix = notifier.prefix
        self.topic: sns.ITopic = notifier.topic
        self.key: kms.IKey | None = notifier.key

        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self.critical_alarms: list[cloudwatch.Alarm] = []
        self._alarm_metrics: dict[str, cloudwatch.IMetric] = {}
        self._metrics = self._service_metrics()
        self._add_alarms()
        self.unhealthy_alarm = notifier.any_of(
            "Unhealthy",
            self.critical_alarms,
            "ECS service unhealthy: any of "
            + ", ".join(a.node.id for a in self.critical_alarms)
            + " is in ALARM. Page on this alarm.",
        )

        self.task_failure_rule: events.Rule | None = (
            self._task_failure_rule() if props.notify_on_task_failure else None
        )
        self.dashboard: cloudwatch.Dashboard | None = props.dashboard
        if self.dashboard is None and props.create_dashboard:
            self.dashboard = cloudwatch.Dashboard(
                self, "Dashboard", dashboard_name=props.dashboard_name
            )
        if self.dashboard is not None:
            self.add_to_dashboard(self.dashboard)
        self._rollback_enabled = False
        if props.deployment_alarm_rollback:
            self.enable_deployment_alarm_rollback()

    # -- alarms ------------------------------------------------------------------------------

    def _service_metrics(self) -> ServiceMetrics:
        """Fill ``self._alarm_metrics`` (unlabelled, so alarms keep the plain metric form) and
        return the dashboard's labelled metrics."""
        props = self.props
        period = props.period
        literal_name = _literal_service_name(props.service)
        dims = {
            "ClusterName": props.service.cluster.cluster_name,
            # A literal name keeps the alarms free of references to the service, so the
            # service can depend on them (see _create_alarms_first).
            "ServiceName": literal_name if literal_name is not None else props.service.service_name,
        }

        def ecs_metric(name: str, statistic: str, namespace: str = "AWS/ECS") -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=namespace,
                metric_name=name,
                dimensions_map=dims,
                statistic=statistic,
                period=period,
            )

        def labelled(metric: cloudwatch.IMetric, label: str) -> cloudwatch.IMetric:
            if isinstance(metric, (cloudwatch.Metric, cloudwatch.MathExpression)):
                return metric.with_(label=label)
            return metric

        found = self._alarm_metrics
        found["cpu"] = ecs_metric("CPUUtilization", "Average")
        found["memory"] = ecs_metric("MemoryUtilization", "Average")
        found["running_tasks"] = ecs_metric("RunningTaskCount", "Minimum", _INSIGHTS)
        requests: list[cloudwatch.IMetric] = []
        errors: list[cloudwatch.IMetric] = []
        latency: list[cloudwatch.IMetric] = []
        tg, lb = props.target_group, props.load_balancer
        if tg is not None:
            alternate = props.alternate_target_group
            groups = [tg] if alternate is None else [tg, alternate]
            found["target_5xx"] = _across(
                "SUM",
                "t5xx",
                [
                    g.metrics.http_code_target(
                        elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=period, statistic="Sum"
                    )
                    for g in groups
                ],
                fill=True,
            )
            found["unhealthy_hosts"] = _across(
                "MAX",
                "unhealthy",
                [
                    g.metrics.unhealthy_host_count(period=period, statistic="Maximum")
                    for g in groups
                ],
                fill=True,
            )
            found["latency_p99"] = _across(
                "MAX",
                "p99",
                [g.metrics.target_response_time(period=period, statistic="p99") for g in groups],
            )
            requests.extend(
                g.metrics.request_count(period=period, statistic="Sum", label=f"Requests{label}")
                for g, label in zip(groups, _GROUP_LABELS[len(groups)], strict=True)
            )
            errors.append(labelled(found["target_5xx"], "Target 5xx"))
            latency.extend(
                g.metrics.target_response_time(period=period, statistic="p50", label=f"p50{label}")
                for g, label in zip(groups, _GROUP_LABELS[len(groups)], strict=True)
            )
            latency.append(labelled(found["latency_p99"], "p99"))
        if lb is not None:
            found["elb_5xx"] = lb.metrics.http_code_elb(
                elbv2.HttpCodeElb.ELB_5XX_COUNT, period=period, statistic="Sum"
            )
            errors.append(labelled(found["elb_5xx"], "Load balancer 5xx"))
            if tg is None:
                requests.append(
                    lb.metrics.request_count(period=period, statistic="Sum", label="Requests")
                )
        return ServiceMetrics(
            title=f"ECS service {props.service.service_name}",
            cpu=[
                labelled(found["cpu"], "Average"),
                ecs_metric("CPUUtilization", "Maximum").with_(label="Maximum"),
            ],
            memory=[
                labelled(found["memory"], "Average"),
                ecs_metric("MemoryUtilization", "Maximum").with_(label="Maximum"),
            ],
            tasks=[
                labelled(found["running_tasks"], "Running (minimum)"),
                ecs_metric("DesiredTaskCount", "Maximum", _INSIGHTS).with_(label="Desired"),
                ecs_metric("PendingTaskCount", "Maximum", _INSIGHTS).with_(label="Pending"),
            ],
            cpu_threshold=props.cpu_threshold_percent,
            memory_threshold=props.memory_threshold_percent,
            requests=requests,
            errors=errors,
            latency=latency,
            latency_threshold_s=seconds(props.latency_p99_threshold) if tg else None,
        )

    def _alarm(
        self,
        key: str,
        id: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        missing: cloudwatch.TreatMissingData,
        description: str,
        critical: bool = False,
    ) -> cloudwatch.Alarm:
        alarm = self._notifier.alarm(
            id,
            metric,
            threshold=threshold,
            comparison=comparison,
            missing=missing,
            description=description,
        )
        self.alarms[key] = alarm
        if critical:
            self.critical_alarms.append(alarm)
        return alarm

    def _add_alarms(self) -> None:
        props = self.props
        metrics = self._alarm_metrics
        above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        quiet = cloudwatch.TreatMissingData.NOT_BREACHING
        self._alarm(
            "cpu",
            "CpuHigh",
            metrics["cpu"],
            threshold=props.cpu_threshold_percent,
            comparison=above,
            missing=quiet,
            description=f"Average CPU of the ECS service above {props.cpu_threshold_percent}%: "
            "scale out or raise task CPU.",
        )
        self._alarm(
            "memory",
            "MemoryHigh",
            metrics["memory"],
            threshold=props.memory_threshold_percent,
            comparison=above,
            missing=quiet,
            description="Average memory of the ECS service above "
            f"{props.memory_threshold_percent}%: tasks risk being stopped out of memory.",
        )
        self._alarm(
            "running_tasks",
            "RunningTasksLow",
            metrics["running_tasks"],
            threshold=props.min_running_tasks,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            # Missing, not breaching: a new service has no count until Container Insights
            # reports the first one, and a breaching default paged on every create (and
            # made ECS ignore the alarm for the first deployment, which starts in ALARM).
            # Container Insights publishes the count every minute for a service it watches,
            # a low count alarms; tasks that crash are also reported by the task-failure
            # notification (notify_on_task_failure).
            missing=cloudwatch.TreatMissingData.MISSING,
            description=f"Fewer than {props.min_running_tasks} running task(s) reported by "
            "Container Insights: tasks are stopping or failing to start.",
            critical=True,
        )
        if "target_5xx" in metrics:
            self._alarm(
                "target_5xx",
                "Target5xx",
                metrics["target_5xx"],
                threshold=props.target_5xx_threshold,
                comparison=above,
                missing=quiet,
                description=f"More than {props.target_5xx_threshold} 5xx responses per period "
                "from the service's targets.",
                critical=True,
            )
            self._alarm(
                "unhealthy_hosts",
                "UnhealthyHosts",
                metrics["unhealthy_hosts"],
                threshold=props.unhealthy_hosts_threshold,
                comparison=above,
                missing=quiet,
                description="Targets of the service fail their load balancer health check.",
                critical=True,
            )
            latency_s = props.latency_p99_threshold.to_seconds(integral=False)
            self._alarm(
                "latency_p99",
                "LatencyP99High",
                metrics["latency_p99"],
                threshold=latency_s,
                comparison=above,
                missing=quiet,
                description=f"p99 target response time above {latency_s:g} s.",
            )
        if "elb_5xx" in metrics:
            self._alarm(
                "elb_5xx",
                "Elb5xx",
                metrics["elb_5xx"],
                threshold=props.elb_5xx_threshold,
                comparison=above,
                missing=quiet,
                description=f"More than {props.elb_5xx_threshold} 5xx responses per period "
                "generated by the load balancer (502/503/504: no healthy or responsive target).",
            )

    def _task_failure_rule(self) -> events.Rule:
        service = self.props.service
        return task_state_change_rule(
            self,
            "TaskFailures",
            description="ECS tasks of one service stopping unexpectedly",
            detail={
                "clusterArn": [service.cluster.cluster_arn],
                "group": [f"service:{service.service_name}"],
                "lastStatus": ["STOPPED"],
                **_UNEXPECTED_STOP,
            },
            topic=self.topic,
            headline="ECS task stopped unexpectedly",
        )

    # -- rollback wiring -----------------------------------------------------------------------

    @property
    def deployment_alarm_names(self) -> list[str]:
        """Names of the critical metric alarms, for ECS deployment alarms.

        The composite alarm is left out: ECS derives the deployment bake time from each
        alarm's period and evaluation periods, which a composite alarm does not have, and its
        documentation names metric alarms only. The names are plain strings (physical names),
        so passing them to the service creates no circular dependency.
        """
        return [f"{self.alarm_name_prefix}-{a.node.id}" for a in self.critical_alarms]

    @property
    def rollback_alarms(self) -> list[cloudwatch.IAlarm]:
        """The critical metric alarms, for ``codedeploy.EcsDeploymentGroup(alarms=...)``.

        Metric alarms rather than the composite: CodeDeploy reads alarm states with
        DescribeAlarms, which returns metric alarms unless composite ones are asked for.
        """
        return list(self.critical_alarms)

    def enable_deployment_alarm_rollback(self) -> None:
        """Make the service's deployments roll back when a critical alarm fires.

        ECS controller (rolling, ECS-native blue/green): calls
        ``service.enable_deployment_alarms(deployment_alarm_names,
        behavior=ROLLBACK_ON_ALARM)``, so ``DeploymentConfiguration.Alarms`` gets
        ``Enable: true, Rollback: true``. ``CODE_DEPLOY`` controller: adds
        :attr:`rollback_alarms` to ``props.deployment_group``, whose auto-rollback then
        includes ``DEPLOYMENT_STOP_ON_ALARM``. Raises :class:`ConfigurationError` for an
        imported service, another controller, or a CodeDeploy service without
        ``deployment_group``. Calling it twice has no further effect.
        """
        if self._rollback_enabled:
            return
        group = self.props.deployment_group
        problems = deployment_alarm_problems(self.props.service, group)
        tasks = _min_running_tasks_problem(self.props.service, self.props.min_running_tasks)
        if tasks is not None:
            problems.append(tasks)
        if problems:
            raise ConfigurationError("ServiceMonitoring", problems)
        service = self.props.service
        assert isinstance(service, ecs.BaseService)  # checked by deployment_alarm_problems
        if group is not None:
            for alarm in self.rollback_alarms:
                group.add_alarm(alarm)
        else:
            service.enable_deployment_alarms(
                self.deployment_alarm_names, behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM
            )
            self._create_alarms_first(service)
        self._rollback_enabled = True

    def _create_alarms_first(self, service: ecs.BaseService) -> None:
        """The service names its deployment alarms: create them before it when possible.

        Possible when the service's name is literal (``service_name``), since the alarms then
        read it without referencing the service; a generated name is only known once the
        service exists, so the alarms must follow it. That order is harmless at create (ECS
        applies deployment alarms from the first update on: a rollback needs an earlier
        deployment) and the alarms exist by the first release.
        """
        if _literal_service_name(service) is None or Stack.of(service) is not Stack.of(self):
            return
        service.node.add_dependency(*self.critical_alarms)

    # -- dashboard ---------------------------------------------------------------------------

    def add_to_dashboard(self, dashboard: cloudwatch.Dashboard) -> None:
        """Add this service's widgets (a title row, metrics, alarm states) to ``dashboard``."""
        all_alarms: list[cloudwatch.IAlarm] = [*self.alarms.values(), self.unhealthy_alarm]
        for row in service_widgets(self._metrics, all_alarms):
            dashboard.add_widgets(*row)
