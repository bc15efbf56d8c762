"""CloudWatch dashboard widgets for one ECS service, built fresh for every dashboard.

A widget is positioned by the dashboard it is added to, so the same widget object must never be
placed on two dashboards: :func:`service_widgets` returns new widgets on every call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import aws_cloudwatch as cloudwatch

__all__ = ["ServiceMetrics", "service_widgets"]

_FULL = 24
_THIRD = 8


@dataclass(frozen=True, kw_only=True)
class ServiceMetrics:
    """The metrics one service's dashboard rows show; load-balancer rows only when given."""

    title: str
    cpu: Sequence[cloudwatch.IMetric]
    memory: Sequence[cloudwatch.IMetric]
    tasks: Sequence[cloudwatch.IMetric]
    cpu_threshold: float
    memory_threshold: float
    requests: Sequence[cloudwatch.IMetric] = ()
    errors: Sequence[cloudwatch.IMetric] = ()
    latency: Sequence[cloudwatch.IMetric] = ()
    latency_threshold_s: float | None = None


def _graph(
    title: str,
    metrics: Sequence[cloudwatch.IMetric],
    *,
    threshold: float | None = None,
    label: str = "",
    max_y: float | None = None,
) -> cloudwatch.GraphWidget:
    annotations = (
        [cloudwatch.HorizontalAnnotation(value=threshold, label=label)]
        if threshold is not None
        else None
    )
    return cloudwatch.GraphWidget(
        title=title,
        left=list(metrics),
        left_annotations=annotations,
        left_y_axis=cloudwatch.YAxisProps(min=0, max=max_y),
        width=_THIRD,
    )


def service_widgets(
    metrics: ServiceMetrics, alarms: Sequence[cloudwatch.IAlarm]
) -> list[list[cloudwatch.IWidget]]:
    """Rows of widgets: a title, utilization and tasks, traffic (if any), then alarm states."""
    rows: list[list[cloudwatch.IWidget]] = [
        [cloudwatch.TextWidget(markdown=f"## {metrics.title}", width=_FULL, height=1)],
        [
            _graph(
                "CPU utilization (%)",
                metrics.cpu,
                threshold=metrics.cpu_threshold,
                label="alarm",
                max_y=100,
            ),
            _graph(
                "Memory utilization (%)",
                metrics.memory,
                threshold=metrics.memory_threshold,
                label="alarm",
                max_y=100,
            ),
            _graph("Tasks", metrics.tasks),
        ],
    ]
    if metrics.requests or metrics.errors or metrics.latency:
        rows.append(
            [
                _graph("Requests", metrics.requests),
                _graph("5xx responses", metrics.errors),
                _graph(
                    "Target response time (s)",
                    metrics.latency,
                    threshold=metrics.latency_threshold_s,
                    label="p99 alarm",
                ),
            ]
        )
    rows.append(
        [
            cloudwatch.AlarmStatusWidget(
                title="Alarms",
                alarms=list(alarms),
                width=_FULL,
                height=3,
            )
        ]
    )
    return rows
