"""IngressMonitoring: the load-balancer-level alarms of a load balancer that several services share.

A service's own alarms (:class:`ServiceMonitoring`) watch its target group(s): its 5xx, unhealthy
hosts and latency. What the load balancer itself answers or refuses (its own 5xx when no target
responds, connections it rejects, connections to targets that fail) concerns every service behind
it, so it is watched once, here, instead of by a copy of the alarm per service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..core._typecheck import require_types
from ..core._validation import Checks
from ._checks import Notifier, check_alarm_window, check_subscriptions

__all__ = ["IngressMonitoring", "IngressMonitoringProps"]


def _minutes() -> Duration:
    return Duration.minutes(1)


@dataclass(frozen=True, kw_only=True)
class IngressMonitoringProps:
    """Props of :class:`IngressMonitoring`. Only ``load_balancer`` is required.

    Every alarm uses ``period``, ``evaluation_periods`` and ``datapoints_to_alarm`` and treats
    missing data as **not breaching**: the load balancer publishes these counts only for minutes
    that had some.

    Attributes:
        load_balancer: The Application Load Balancer to watch, e.g.
            ``SharedIngress.load_balancer``.
        topic: The SNS topic the alarms notify. Default: a new topic encrypted with its own KMS
            key (rotation on), publishing over TLS only; the same rules as
            :class:`MonitoringProps` ``topic`` apply to a given one.
        email_subscriptions: Email addresses subscribed to the topic. Default: none.
        https_subscriptions: HTTPS endpoints subscribed to the topic. Default: none.
        alarm_name_prefix: Prefix of every alarm name. Default: a name unique to this construct.
        period: Alarm period. Default 1 minute, the load balancer's metric resolution.
        evaluation_periods: Periods evaluated. Default 3.
        datapoints_to_alarm: Breaching periods in the window that raise an alarm. Default 3.
        elb_5xx_threshold: ``HTTPCode_ELB_5XX_Count`` (Sum per period) alarms above this.
            Default 5 per minute. These are 502/503/504 responses the load balancer generates
            itself when a target does not answer, is unhealthy or missing, for any service.
        target_connection_errors_threshold: ``TargetConnectionErrorCount`` (Sum per period)
            alarms above this. Default 5 per minute: connections to targets that failed, usually
            a security-group rule or a container not listening on its port.
        rejected_connections_threshold: ``RejectedConnectionCount`` (Sum per period) alarms
            above this. Default 0: the load balancer refused connections because it reached its
            connection limit, which no service can fix on its own.
    """

    load_balancer: elbv2.IApplicationLoadBalancer
    topic: sns.ITopic | None = None
    email_subscriptions: Sequence[str] = ()
    https_subscriptions: Sequence[str] = ()
    alarm_name_prefix: str | None = None
    period: Duration = field(default_factory=_minutes)
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 3
    elb_5xx_threshold: int = 5
    target_connection_errors_threshold: int = 5
    rejected_connections_threshold: int = 0

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("IngressMonitoringProps")
        for name in (
            "elb_5xx_threshold",
            "target_connection_errors_threshold",
            "rejected_connections_threshold",
        ):
            checks.int_range(name, getattr(self, name), 0, 1_000_000)
        check_alarm_window(
            checks,
            period=self.period,
            evaluation_periods=self.evaluation_periods,
            datapoints_to_alarm=self.datapoints_to_alarm,
            alarm_name_prefix=self.alarm_name_prefix,
        )
        check_subscriptions(checks, self.email_subscriptions, self.https_subscriptions)
        checks.done()


class IngressMonitoring(Construct):
    """Load-balancer-level alarms, once per shared load balancer, and the one to page on.

    * ``elb_5xx``: responses the load balancer generated itself (502, 503, 504).
    * ``target_connection_errors``: connections to targets that failed.
    * ``rejected_connections``: connections refused at the load balancer's limit.
    * :attr:`unhealthy_alarm`: a composite in ALARM when the 5xx or the target-connection alarm
      is. Every alarm sends ALARM and OK notifications to the topic.

    Services behind the load balancer keep their own target-group alarms
    (:class:`ServiceMonitoring` with ``target_group``, without ``load_balancer``).

    Attributes:
        topic: the alarm topic. key: its KMS key, None when a topic was given.
        alarms: the metric alarms by name (``elb_5xx``, ``target_connection_errors``,
            ``rejected_connections``).
        unhealthy_alarm: the composite alarm.
        alarm_name_prefix: the prefix of every alarm name.
    """

    def __init__(self, scope: Construct, id: str, props: IngressMonitoringProps) -> None:
        super().__init__(scope, id)
        self.props = props
        notifier = Notifier.of(self, props)
        self._notifier = notifier
        self.alarm_name_prefix = notifier.prefix
        self.topic: sns.ITopic = notifier.topic
        self.key: kms.IKey | None = notifier.key
        metrics = props.load_balancer.metrics
        period = props.period
        self.alarms: dict[str, cloudwatch.Alarm] = {
            "elb_5xx": self._alarm(
                "Elb5xx",
                metrics.http_code_elb(
                    elbv2.HttpCodeElb.ELB_5XX_COUNT, period=period, statistic="Sum"
                ),
                props.elb_5xx_threshold,
                f"More than {props.elb_5xx_threshold} 5xx responses per period generated by the "
                "shared load balancer itself (502/503/504: a target did not answer, or none is "
                "healthy). Each service's target alarms tell which one.",
            ),
            "target_connection_errors": self._alarm(
                "TargetConnectionErrors",
                metrics.target_connection_error_count(period=period, statistic="Sum"),
                props.target_connection_errors_threshold,
                f"More than {props.target_connection_errors_threshold} failed connections from "
                "the shared load balancer to targets per period: a security-group rule, or a "
                "container not listening on its port.",
            ),
            "rejected_connections": self._alarm(
                "RejectedConnections",
                metrics.rejected_connection_count(period=period, statistic="Sum"),
                props.rejected_connections_threshold,
                "The shared load balancer rejected connections: it reached its connection limit.",
            ),
        }
        self.unhealthy_alarm = notifier.any_of(
            "Unhealthy",
            [self.alarms["elb_5xx"], self.alarms["target_connection_errors"]],
            "Shared load balancer unhealthy: Elb5xx or TargetConnectionErrors is in ALARM. "
            "Page on this alarm.",
        )

    def _alarm(
        self, id: str, metric: cloudwatch.IMetric, threshold: int, description: str
    ) -> cloudwatch.Alarm:
        return self._notifier.alarm(
            id,
            metric,
            threshold=threshold,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            missing=cloudwatch.TreatMissingData.NOT_BREACHING,
            description=description,
        )
