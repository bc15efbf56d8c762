"""The job's state machine definition (Amazon States Language), as a pure function.

EventBridge Scheduler can run an ECS task itself (``EcsParameters``), but ECS has no maximum
run time (aws/containers-roadmap#291) and Scheduler does not look at the previous run. So the
schedule starts a Standard state machine, which

1. with ``allow_overlap=False``, lists this job's tasks that are running or starting
   (``ecs:ListTasks`` by family, desired status RUNNING) and, if there is one, fails with
   ``PreviousRunStillRunning`` instead of starting a second copy;
2. runs the task with the ``ecs:runTask.sync`` integration (the Step Functions guide, "Run
   Amazon ECS or Fargate tasks with Step Functions"), which waits for the task to stop and
   fails the state when its essential container exits non-zero (``States.TaskFailed``) or
   when RunTask reports failures (``AmazonECS.Unknown``); those start failures, and ECS API
   errors, are retried ``start_attempts - 1`` times, a task that ran is never run again;
3. gives that state ``TimeoutSeconds`` = the maximum run time; on ``States.Timeout`` it lists
   the run's task by its ``startedBy`` (a UUID the run draws first) and stops it with
   ``ecs:StopTask``, then fails with ``MaxRunTimeExceeded``. Stopping explicitly does not rely
   on what Step Functions itself does to a timed-out job.

A task that was stopped is no longer listed (its desired status is STOPPED), so a stop the
service made itself, or a task that ended in the meantime, is handled the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core._capacity import CapacityStrategy

__all__ = [
    "MAX_RUN_TIME_ERROR",
    "OVERLAP_ERROR",
    "START_ERRORS",
    "JobTarget",
    "job_definition",
]

OVERLAP_ERROR = "PreviousRunStillRunning"
"""The error of a run skipped because a task of the job is still running or starting."""
MAX_RUN_TIME_ERROR = "MaxRunTimeExceeded"
"""The error of a run whose task was stopped at the maximum run time."""
START_ERRORS = ("ECS.AmazonECSException", "AmazonECS.Unknown")
"""Errors of a task that did not start: an ECS API error (throttling, capacity), and RunTask's
failures list, which ``runTask.sync`` raises as ``AmazonECS.Unknown`` (Step Functions guide)."""

_START_RETRY_INTERVAL_S = 30
_API_RETRY = {
    # Any error of the idempotent list and stop calls (States.TaskFailed matches every error
    # except States.Timeout).
    "ErrorEquals": ["States.TaskFailed"],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2,
    "JitterStrategy": "FULL",
}


@dataclass(frozen=True)
class JobTarget:
    """Where and how the task runs; values may be CloudFormation tokens."""

    partition: str
    cluster_arn: str
    task_definition_arn: str
    family: str
    group: str
    subnets: Sequence[str]
    security_group_id: str
    capacity: CapacityStrategy


def capacity_provider_strategy(capacity: CapacityStrategy) -> list[dict[str, Any]]:
    """RunTask's ``CapacityProviderStrategy``; a provider with weight 0 and no base is left
    out."""
    items: list[dict[str, Any]] = []
    if capacity.on_demand_base > 0 or capacity.on_demand_weight > 0:
        fargate: dict[str, Any] = {
            "CapacityProvider": "FARGATE",
            "Weight": capacity.on_demand_weight,
        }
        if capacity.on_demand_base > 0:
            fargate["Base"] = capacity.on_demand_base
        items.append(fargate)
    if capacity.spot_weight > 0:
        items.append({"CapacityProvider": "FARGATE_SPOT", "Weight": capacity.spot_weight})
    return items


def job_definition(
    target: JobTarget, *, max_run_time_s: int, allow_overlap: bool, start_attempts: int
) -> dict[str, Any]:
    """The state machine definition of one job (a JSON-ready mapping)."""
    integration = f"arn:{target.partition}:states:::"
    states: dict[str, Any] = {}
    if not allow_overlap:
        states["CheckPreviousRun"] = {
            "Type": "Task",
            "Comment": "Tasks of this job that are running or starting: a previous run",
            "Resource": f"{integration}aws-sdk:ecs:listTasks",
            "Parameters": {
                "Cluster": target.cluster_arn,
                "Family": target.family,
                "DesiredStatus": "RUNNING",
            },
            "ResultSelector": {"running.$": "$.TaskArns"},
            "ResultPath": "$.previous",
            "Retry": [_API_RETRY],
            "Next": "IsPreviousRunRunning",
        }
        states["IsPreviousRunRunning"] = {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.previous.running[0]", "IsPresent": True, "Next": "SkipRun"}
            ],
            "Default": "PrepareRun",
        }
        states["SkipRun"] = {
            "Type": "Fail",
            "Error": OVERLAP_ERROR,
            "Cause": "A task of this job is still running or starting; with allow_overlap=False "
            "this run is skipped.",
        }
    states["PrepareRun"] = {
        "Type": "Pass",
        "Comment": "A unique startedBy, to find this run's task at the maximum run time",
        "Parameters": {"startedBy.$": "States.UUID()"},
        "ResultPath": "$.run",
        "Next": "RunTask",
    }
    states["RunTask"] = {
        "Type": "Task",
        "Comment": "Run the task and wait until it stops; a non-zero exit fails the state",
        "Resource": f"{integration}ecs:runTask.sync",
        "Parameters": {
            "Cluster": target.cluster_arn,
            "TaskDefinition": target.task_definition_arn,
            "Group": target.group,
            "StartedBy.$": "$.run.startedBy",
            "CapacityProviderStrategy": capacity_provider_strategy(target.capacity),
            "PlatformVersion": "LATEST",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": list(target.subnets),
                    "SecurityGroups": [target.security_group_id],
                    "AssignPublicIp": "DISABLED",
                }
            },
            "EnableECSManagedTags": True,
            "PropagateTags": "TASK_DEFINITION",
        },
        "TimeoutSeconds": max_run_time_s,
        "Retry": [
            {
                "ErrorEquals": list(START_ERRORS),
                "IntervalSeconds": _START_RETRY_INTERVAL_S,
                "MaxAttempts": start_attempts - 1,
                "BackoffRate": 2,
                "JitterStrategy": "FULL",
            }
        ],
        "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "FindTask"}],
        "ResultPath": "$.task",
        "End": True,
    }
    states["FindTask"] = {
        "Type": "Task",
        "Comment": "The task of this run, if it still runs",
        "Resource": f"{integration}aws-sdk:ecs:listTasks",
        # startedBy must be ListTasks' only filter (ECS API reference).
        "Parameters": {"Cluster": target.cluster_arn, "StartedBy.$": "$.run.startedBy"},
        "ResultSelector": {"taskArns.$": "$.TaskArns"},
        "ResultPath": "$.timedOut",
        "Retry": [_API_RETRY],
        "Next": "StopTask",
    }
    states["StopTask"] = {
        "Type": "Map",
        "ItemsPath": "$.timedOut.taskArns",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Stop",
            "States": {
                "Stop": {
                    "Type": "Task",
                    "Resource": f"{integration}aws-sdk:ecs:stopTask",
                    "Parameters": {
                        "Cluster": target.cluster_arn,
                        "Task.$": "$",
                        "Reason": f"Maximum run time of {max_run_time_s} s exceeded",
                    },
                    "Retry": [_API_RETRY],
                    "End": True,
                }
            },
        },
        "ResultPath": None,
        "Next": "RunTimeExceeded",
    }
    states["RunTimeExceeded"] = {
        "Type": "Fail",
        "Error": MAX_RUN_TIME_ERROR,
        "Cause": f"The run took longer than max_run_time ({max_run_time_s} s); its task was "
        "stopped.",
    }
    return {
        "Comment": "ecs-patterns ScheduledJob: one run of the job's task",
        "StartAt": "PrepareRun" if allow_overlap else "CheckPreviousRun",
        "States": states,
    }
