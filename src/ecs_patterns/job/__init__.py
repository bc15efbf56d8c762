"""ScheduledJob: a Fargate task on an EventBridge Scheduler schedule, with a maximum run time,
an overlap guard and notifications of failed runs, and its props."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._job import ScheduledJob
    from ._props import (
        JOB_CAPACITY,
        JobAlarmOptions,
        RunOptions,
        ScheduledJobProps,
        ScheduleOptions,
    )

__all__ = [
    "JOB_CAPACITY",
    "JobAlarmOptions",
    "RunOptions",
    "ScheduleOptions",
    "ScheduledJob",
    "ScheduledJobProps",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "JOB_CAPACITY": "._props",
    "JobAlarmOptions": "._props",
    "RunOptions": "._props",
    "ScheduleOptions": "._props",
    "ScheduledJob": "._job",
    "ScheduledJobProps": "._props",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
