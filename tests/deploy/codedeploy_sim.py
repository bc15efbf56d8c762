"""A small CodeDeploy simulator for ECS blue/green deployments (test tree only).

moto 5.2.5 accepts ``CreateDeployment`` but gives UUID ids, keeps every deployment ``Created``
for ever, never touches ECS and has no ``StopDeployment`` or ``ContinueDeployment``. This
module fills that gap for the release handler's tests. It is plain Python (no moto, no boto3):
``_moto_server.py`` routes moto's CodeDeploy deployment operations to one instance, with ports
onto moto's deployment groups and ECS services; tests can also drive it in-process with
:class:`MemoryGroups` and :class:`MemoryEcs`.

What it models, in compressed time (one step per read of the deployment, ``GetDeployment`` or
``BatchGetDeployments``; one simulated minute per step):

* ids ``d-`` + 9 upper-case alphanumerics; one active deployment per group
  (``DeploymentLimitExceededException`` naming it otherwise);
* the lifecycle Created -> InProgress (green tasks start, test traffic hooks run) -> optionally
  Ready (the group's ``deploymentReadyOption`` with ``STOP_DEPLOYMENT``: waits for
  ``ContinueDeployment``, stops with a timeout after its wait time) -> traffic shifting by the
  deployment configuration (all at once, canary: 10 % then the rest after N minutes, linear:
  10 % every N minutes) -> the ECS service's task definition and capacity provider strategy
  become the AppSpec's when all traffic is shifted -> the blue termination wait -> Succeeded;
  a rollback deployment shifts all traffic back at once and has no termination wait;
* failure injection per deployment group, through the group's tags (``FAULTS_TAG``: a comma
  separated list of :data:`FAULTS`; ``LIST_LAG_TAG``: a count), so that a test sets them with
  the ordinary ``TagResource`` call; each deployment keeps the faults its group had when it was
  created (rollbacks only ``rollback_stall``): green tasks fail, an alarm fires once
  production traffic is on green, a lifecycle hook reports Failed; the deployment fails with
  CodeDeploy's ``errorInformation`` and, when the group's auto-rollback is on, CodeDeploy's
  rollback deployment (creator ``autoRollback``, ``rollbackInfo`` both ways) puts the old
  revision back; a lifecycle that never advances, a rollback that never ends, a stop that
  arrives after completion, and ``ListDeployments`` that does not list a new deployment yet;
* ``StopDeployment`` with and without ``autoRollbackEnabled``,
  ``DeploymentAlreadyCompletedException`` for a finished one, ``ContinueDeployment``
  (``READY_WAIT`` and ``TERMINATION_WAIT``).

The lifecycle and its timings are this simulator's, not AWS's: a test against it proves that
the handler's multi-step sequences and its state fit together, not that CodeDeploy behaves so.
"""

from __future__ import annotations

import itertools
import json
import random
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

ACTIVE = ("Created", "Queued", "InProgress", "Baking", "Ready")
FINAL = ("Succeeded", "Failed", "Stopped")
FAULTS = frozenset(
    {
        "green_tasks_fail",  # the replacement tasks never become healthy
        "alarm",  # a group alarm goes to ALARM once production traffic is on green
        "hook_failed",  # the AfterAllowTestTraffic hook reports Failed
        "stall",  # the deployment never leaves InProgress
        "rollback_stall",  # CodeDeploy's rollback deployment never leaves InProgress
        "complete_on_stop",  # the deployment finishes just before a StopDeployment arrives
    }
)
"""Fault names the ``FAULTS_TAG`` tag of a deployment group may list."""
FAULTS_TAG = "ecs-patterns-simulator:faults"
LIST_LAG_TAG = "ecs-patterns-simulator:list-lag"
"""How many ``ListDeployments`` calls a new deployment of the group is left out of."""

# Error codes and messages as CodeDeploy reports them (API reference, ErrorInformation).
ERRORS = {
    "green_tasks_fail": (
        "ECS_UPDATE_ERROR",
        "The ECS service deployment failed. Tasks in the replacement task set failed to start.",
    ),
    "alarm": (
        "ALARM_ACTIVE",
        "One or more alarms have been activated according to the Amazon CloudWatch metrics "
        "you selected, and the affected deployments have been stopped.",
    ),
    "hook_failed": (
        "HOOK_EXECUTION_FAILURE",
        "The deployment failed because a lifecycle event hook (AfterAllowTestTraffic) "
        "reported Failed.",
    ),
    "stopped": ("MANUAL_STOP", "The deployment was stopped by the user."),
    "ready_timeout": (
        "TIMEOUT",
        "The deployment timed out while waiting for traffic to be rerouted.",
    ),
}
ID_ALPHABET = string.ascii_uppercase + string.digits


class SimError(Exception):
    """A CodeDeploy API error: ``code`` is the error code botocore reports."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Revision:
    """What an ECS service (or its PRIMARY task set) runs, as far as a deployment changes it."""

    task_definition: str
    capacity_provider_strategy: tuple[tuple[str, int, int], ...] = ()

    @classmethod
    def from_appspec(cls, content: str) -> Revision:
        appspec = json.loads(content)
        props = appspec["Resources"][0]["TargetService"]["Properties"]
        strategy = tuple(
            (str(i["CapacityProvider"]), int(i.get("Base", 0)), int(i.get("Weight", 0)))
            for i in props.get("CapacityProviderStrategy", [])
        )
        return cls(str(props["TaskDefinition"]), strategy)

    def strategy_json(self) -> list[dict[str, Any]]:
        return [
            {"capacityProvider": p, "base": b, "weight": w}
            for p, b, w in self.capacity_provider_strategy
        ]


@dataclass(frozen=True)
class Group:
    """What the simulator reads of a deployment group."""

    application: str
    name: str
    cluster: str
    service: str
    config_name: str = "CodeDeployDefault.ECSAllAtOnce"
    termination_wait_minutes: int = 0
    ready_wait_minutes: int | None = None
    """Minutes to wait in Ready for ContinueDeployment; None: traffic is rerouted at once."""
    auto_rollback_events: frozenset[str] = frozenset()
    faults: frozenset[str] = frozenset()
    list_lag: int = 0

    def __post_init__(self) -> None:
        unknown = self.faults - FAULTS
        if unknown:
            raise SimError("InvalidTagException", f"unknown simulator faults {sorted(unknown)}")

    @classmethod
    def from_api(
        cls, application: str, name: str, info: dict[str, Any], tags: dict[str, str]
    ) -> Group:
        """From ``CreateDeploymentGroup``'s (and ``GetDeploymentGroup``'s) camelCase fields."""
        service = (info.get("ecsServices") or [{}])[0]
        blue_green = info.get("blueGreenDeploymentConfiguration") or {}
        terminate = blue_green.get("terminateBlueInstancesOnDeploymentSuccess") or {}
        ready = blue_green.get("deploymentReadyOption") or {}
        rollback = info.get("autoRollbackConfiguration") or {}
        return cls(
            application=application,
            name=name,
            cluster=str(service.get("clusterName", "")),
            service=str(service.get("serviceName", "")),
            config_name=str(info.get("deploymentConfigName") or "CodeDeployDefault.ECSAllAtOnce"),
            termination_wait_minutes=int(terminate.get("terminationWaitTimeInMinutes", 0) or 0),
            ready_wait_minutes=(
                int(ready.get("waitTimeInMinutes", 0) or 0)
                if ready.get("actionOnTimeout") == "STOP_DEPLOYMENT"
                else None
            ),
            auto_rollback_events=(
                frozenset(rollback.get("events", [])) if rollback.get("enabled") else frozenset()
            ),
            faults=frozenset(f for f in tags.get(FAULTS_TAG, "").split(",") if f),
            list_lag=int(tags.get(LIST_LAG_TAG, "0") or 0),
        )


def traffic_steps(config_name: str) -> list[int]:
    """Percent of production traffic on green after each step of the shift (one per minute).

    ``CodeDeployDefault.ECSCanary10Percent5Minutes``: 10 % then, 5 minutes later, 100 %;
    ``...ECSLinear10PercentEvery3Minutes``: 10 % more every 3 minutes; anything else all at once.
    """
    name = config_name.rsplit(".", 1)[-1]
    if name.startswith(("ECSCanary", "Canary")):
        percent, minutes = _numbers(name)
        return [percent] * minutes + [100]
    if name.startswith(("ECSLinear", "Linear")):
        percent, minutes = _numbers(name)
        steps: list[int] = []
        for share in range(percent, 100, percent):
            steps += [share] * minutes
        return [*steps, 100]
    return [100]


def _numbers(name: str) -> tuple[int, int]:
    digits = ["".join(g) for k, g in itertools.groupby(name, str.isdigit) if k]
    return int(digits[0]), int(digits[1])


class Groups(Protocol):
    """Deployment groups: moto's (``_moto_server.py``) or :class:`MemoryGroups`."""

    def group(self, application: str, name: str) -> Group: ...


class Ecs(Protocol):
    """The ECS side: read and switch what a service runs."""

    def current(self, cluster: str, service: str) -> Revision: ...

    def switch(self, cluster: str, service: str, revision: Revision) -> None: ...


@dataclass
class MemoryGroups:
    groups: dict[tuple[str, str], Group] = field(default_factory=dict)

    def add(self, group: Group) -> None:
        self.groups[(group.application, group.name)] = group

    def group(self, application: str, name: str) -> Group:
        try:
            return self.groups[(application, name)]
        except KeyError:
            raise SimError(
                "DeploymentGroupDoesNotExistException", f"No deployment group {name}"
            ) from None


@dataclass
class MemoryEcs:
    services: dict[tuple[str, str], Revision] = field(default_factory=dict)

    def current(self, cluster: str, service: str) -> Revision:
        return self.services[(cluster, service)]

    def switch(self, cluster: str, service: str, revision: Revision) -> None:
        self.services[(cluster, service)] = revision


@dataclass
class Deployment:
    id: str
    group: Group
    target: Revision
    previous: Revision
    description: str | None
    appspec: str
    created: float
    creator: str = "user"
    status: str = "Created"
    stage: str = "created"
    steps_left: int = 0
    traffic: list[int] = field(default_factory=list)
    faults: frozenset[str] = frozenset()
    error: tuple[str, str] | None = None
    rollback_id: str | None = None
    rollback_message: str | None = None
    triggered_by: str | None = None
    completed: float | None = None
    switched: bool = False

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class CodeDeploySim:
    """The deployments of one account and region; thread-safe (moto's server is threaded)."""

    def __init__(
        self,
        groups: Groups,
        ecs: Ecs,
        *,
        page_size: int = 3,
        clock: Callable[[], float] = time.time,
        seed: int | None = None,
    ) -> None:
        self.groups = groups
        self.ecs = ecs
        self.page_size = page_size
        self.clock = clock
        self.deployments: dict[str, Deployment] = {}
        self.hidden: dict[str, int] = {}
        self.lock = threading.RLock()
        self._random = random.Random(seed)

    def handle(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """One API call: operation name as in the API reference, camelCase parameters."""
        method = {
            "CreateDeployment": self.create_deployment,
            "GetDeployment": self.get_deployment,
            "BatchGetDeployments": self.batch_get_deployments,
            "ListDeployments": self.list_deployments,
            "StopDeployment": self.stop_deployment,
            "ContinueDeployment": self.continue_deployment,
        }[operation]
        with self.lock:
            return method(params)

    # -- API -----------------------------------------------------------------------------------

    def create_deployment(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.groups.group(params["applicationName"], params["deploymentGroupName"])
        revision = params.get("revision") or {}
        content = (revision.get("appSpecContent") or {}).get("content")
        if revision.get("revisionType") != "AppSpecContent" or not content:
            raise SimError("RevisionRequiredException", "An AppSpecContent revision is required")
        for other in self.deployments.values():
            if other.active and (other.group.application, other.group.name) == (
                group.application,
                group.name,
            ):
                raise SimError(
                    "DeploymentLimitExceededException",
                    f"The Deployment Group '{group.name}' already has an active Deployment "
                    f"'{other.id}'",
                )
        deployment = self._new(
            group,
            Revision.from_appspec(content),
            description=params.get("description"),
            appspec=content,
            faults=group.faults,
        )
        if group.list_lag:
            self.hidden[deployment.id] = group.list_lag
        return {"deploymentId": deployment.id}

    def get_deployment(self, params: dict[str, Any]) -> dict[str, Any]:
        deployment = self._get(params["deploymentId"])
        self._advance(deployment)
        return {"deploymentInfo": self._info(deployment)}

    def batch_get_deployments(self, params: dict[str, Any]) -> dict[str, Any]:
        found = []
        for deployment_id in params.get("deploymentIds", []):
            if deployment_id in self.deployments:
                self._advance(self.deployments[deployment_id])
                found.append(self._info(self.deployments[deployment_id]))
        return {"deploymentsInfo": found}

    def list_deployments(self, params: dict[str, Any]) -> dict[str, Any]:
        statuses = set(params.get("includeOnlyStatuses") or [])
        window = params.get("createTimeRange") or {}
        start, end = _epoch(window.get("start")), _epoch(window.get("end"))
        matching = []
        for deployment in sorted(self.deployments.values(), key=lambda d: -d.created):
            if self.hidden.get(deployment.id, 0) > 0:
                continue
            if params.get("applicationName") not in (None, deployment.group.application):
                continue
            if params.get("deploymentGroupName") not in (None, deployment.group.name):
                continue
            if statuses and deployment.status not in statuses:
                continue
            if start is not None and deployment.created < start:
                continue
            if end is not None and deployment.created > end:
                continue
            matching.append(deployment.id)
        for deployment_id, left in list(self.hidden.items()):
            self.hidden[deployment_id] = left - 1
        offset = int(params.get("nextToken") or 0)
        page = matching[offset : offset + self.page_size]
        answer: dict[str, Any] = {"deployments": page}
        if offset + self.page_size < len(matching):
            answer["nextToken"] = str(offset + self.page_size)
        return answer

    def stop_deployment(self, params: dict[str, Any]) -> dict[str, Any]:
        deployment = self._get(params["deploymentId"])
        if deployment.active and "complete_on_stop" in deployment.faults:
            while deployment.active:
                self._advance(deployment, ignore_stall=True)
        if not deployment.active:
            raise SimError(
                "DeploymentAlreadyCompletedException",
                f"The deployment {deployment.id} has already completed.",
            )
        self._finish(deployment, "Stopped", ERRORS["stopped"])
        rollback = bool(params.get("autoRollbackEnabled"))
        if rollback:
            self._start_rollback(deployment, "the deployment was stopped")
        return {
            "status": "Pending" if rollback else "Succeeded",
            "statusMessage": "Stop request with rollback accepted"
            if rollback
            else "Stop request accepted",
        }

    def continue_deployment(self, params: dict[str, Any]) -> dict[str, Any]:
        deployment = self._get(params["deploymentId"])
        wait = params.get("deploymentWaitType", "READY_WAIT")
        if wait == "READY_WAIT":
            if deployment.stage != "ready":
                raise SimError(
                    "InvalidDeploymentStatusException",
                    f"The deployment {deployment.id} is not waiting for traffic rerouting.",
                )
            self._enter_shift(deployment)
        elif wait == "TERMINATION_WAIT":
            if deployment.stage != "terminating":
                raise SimError(
                    "InvalidDeploymentStatusException",
                    f"The deployment {deployment.id} is not in its termination wait.",
                )
            deployment.steps_left = 0
        else:
            raise SimError("InvalidDeploymentWaitTypeException", str(wait))
        return {}

    # -- lifecycle -----------------------------------------------------------------------------

    def _new_id(self) -> str:
        while True:
            candidate = "d-" + "".join(self._random.choice(ID_ALPHABET) for _ in range(9))
            if candidate not in self.deployments:
                return candidate

    def _new(
        self,
        group: Group,
        target: Revision,
        *,
        description: str | None,
        appspec: str,
        faults: frozenset[str] = frozenset(),
        creator: str = "user",
        triggered_by: str | None = None,
    ) -> Deployment:
        previous = self.ecs.current(group.cluster, group.service)
        created = self.clock()
        # Strictly increasing: createTimeRange filters must order deployments as created.
        latest = max((d.created for d in self.deployments.values()), default=0.0)
        deployment = Deployment(
            id=self._new_id(),
            group=group,
            target=target,
            previous=previous,
            description=description,
            appspec=appspec,
            created=max(created, latest + 0.001),
            creator=creator,
            faults=faults,
            triggered_by=triggered_by,
        )
        self.deployments[deployment.id] = deployment
        return deployment

    def _get(self, deployment_id: str) -> Deployment:
        if deployment_id not in self.deployments:
            raise SimError(
                "DeploymentDoesNotExistException", f"The deployment {deployment_id} does not exist"
            )
        return self.deployments[deployment_id]

    def _advance(self, d: Deployment, *, ignore_stall: bool = False) -> None:
        """One simulated minute of ``d``."""
        if not d.active:
            return
        stalled = "rollback_stall" if d.creator == "autoRollback" else "stall"
        if stalled in d.faults and d.stage != "created" and not ignore_stall:
            return
        if d.stage == "created":
            d.status, d.stage = "InProgress", "install"
        elif d.stage == "install":
            if "green_tasks_fail" in d.faults:
                self._fail(d, "green_tasks_fail")
                return
            d.stage = "test_traffic"
        elif d.stage == "test_traffic":
            if "hook_failed" in d.faults:
                self._fail(d, "hook_failed")
                return
            if d.group.ready_wait_minutes is not None and d.creator == "user":
                d.status, d.stage, d.steps_left = "Ready", "ready", d.group.ready_wait_minutes
            else:
                self._enter_shift(d)
        elif d.stage == "ready":
            if d.steps_left <= 0:
                self._finish(d, "Stopped", ERRORS["ready_timeout"])
                if "DEPLOYMENT_FAILURE" in d.group.auto_rollback_events:
                    self._start_rollback(d, "the deployment timed out in Ready")
                return
            d.steps_left -= 1
        elif d.stage == "shifting":
            share = d.traffic.pop(0)
            if share == 100:
                self.ecs.switch(d.group.cluster, d.group.service, d.target)
                d.switched = True
                wait = 0 if d.creator == "autoRollback" else d.group.termination_wait_minutes
                d.stage, d.steps_left = "terminating", wait
        elif d.stage == "terminating":
            if "alarm" in d.faults:
                # Production traffic is on green: an alarm stops the deployment (Stopped), and
                # the rollback (when the group enables it for alarms) moves traffic back.
                self._fail(d, "alarm", status="Stopped", event="DEPLOYMENT_STOP_ON_ALARM")
            elif d.steps_left <= 0:
                self._finish(d, "Succeeded", None)
            else:
                d.steps_left -= 1

    def _enter_shift(self, d: Deployment) -> None:
        d.status, d.stage = "InProgress", "shifting"
        d.traffic = [100] if d.creator == "autoRollback" else traffic_steps(d.group.config_name)

    def _finish(self, d: Deployment, status: str, error: tuple[str, str] | None) -> None:
        d.status, d.stage, d.error, d.completed = status, "done", error, self.clock()

    def _fail(
        self,
        d: Deployment,
        fault: str,
        *,
        status: str = "Failed",
        event: str = "DEPLOYMENT_FAILURE",
    ) -> None:
        self._finish(d, status, ERRORS[fault])
        if event in d.group.auto_rollback_events:
            self._start_rollback(d, ERRORS[fault][1])

    def _start_rollback(self, d: Deployment, why: str) -> None:
        """CodeDeploy's automatic rollback: a deployment of its own that restores ``previous``."""
        rollback = self._new(
            d.group,
            d.previous,
            description=None,
            appspec=d.appspec,
            faults=frozenset(f for f in d.faults if f == "rollback_stall"),
            creator="autoRollback",
            triggered_by=d.id,
        )
        d.rollback_id = rollback.id
        d.rollback_message = f"Automatic rollback deployment {rollback.id} started: {why}."

    def _info(self, d: Deployment) -> dict[str, Any]:
        info: dict[str, Any] = {
            "applicationName": d.group.application,
            "deploymentGroupName": d.group.name,
            "deploymentConfigName": d.group.config_name,
            "deploymentId": d.id,
            "status": d.status,
            "creator": d.creator,
            "createTime": d.created,
            "computePlatform": "ECS",
            "deploymentStyle": {
                "deploymentType": "BLUE_GREEN",
                "deploymentOption": "WITH_TRAFFIC_CONTROL",
            },
            "revision": {
                "revisionType": "AppSpecContent",
                "appSpecContent": {"content": d.appspec},
            },
        }
        if d.description is not None:
            info["description"] = d.description
        if d.completed is not None:
            info["completeTime"] = d.completed
        if d.error is not None:
            info["errorInformation"] = {"code": d.error[0], "message": d.error[1]}
        rollback: dict[str, Any] = {}
        if d.rollback_id is not None:
            rollback["rollbackDeploymentId"] = d.rollback_id
            rollback["rollbackMessage"] = d.rollback_message
        if d.triggered_by is not None:
            rollback["rollbackTriggeringDeploymentId"] = d.triggered_by
        if rollback:
            info["rollbackInfo"] = rollback
        return info


def _epoch(value: Any) -> float | None:
    """A timestamp as botocore's JSON protocol sends it (epoch seconds), or None."""
    if value is None:
        return None
    return float(value)
