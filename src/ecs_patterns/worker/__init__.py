"""QueueWorkerService: a Fargate service consuming an SQS queue, scaled on its backlog per
task, and its props."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._props import (
        WORKER_CAPACITY,
        BacklogScalingOptions,
        QueueOptions,
        QueueWorkerProps,
        WorkerAlarmOptions,
    )
    from ._service import QueueWorkerService

__all__ = [
    "WORKER_CAPACITY",
    "BacklogScalingOptions",
    "QueueOptions",
    "QueueWorkerProps",
    "QueueWorkerService",
    "WorkerAlarmOptions",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "BacklogScalingOptions": "._props",
    "QueueOptions": "._props",
    "QueueWorkerProps": "._props",
    "QueueWorkerService": "._service",
    "WORKER_CAPACITY": "._props",
    "WorkerAlarmOptions": "._props",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
