"""Lambda handlers of CodeDeployRelease: roll a new task definition out through CodeDeploy.

Runs under the aws-cdk-lib custom resource provider framework (``custom_resources.Provider``):
``on_event`` starts the work for Create/Update/Delete and returns at once; ``is_complete`` is
polled by the framework's Step Functions waiter until it returns ``{"IsComplete": True}``,
raises (the stack operation fails, so CloudFormation rolls the stack back) or the provider's
total timeout passes (the framework then reports the resource as failed).

Resource properties (all strings, as CloudFormation sends them):
    ApplicationName, DeploymentGroupName: the CodeDeploy deployment group.
    Cluster, Service: the ECS service (CODE_DEPLOY controller), name or ARN.
    TaskDefinitionArn: the revision to run.
    AppSpec: the AppSpec (JSON) that deploys TaskDefinitionArn.
    SuspendScaleIn, ScalableTargetResourceId (optional): when SuspendScaleIn is "true", dynamic
        scale-in of the service's Application Auto Scaling target (``service/CLUSTER/SERVICE``,
        dimension ``ecs:service:DesiredCount``) is suspended for the length of a deployment.

Create/Update:
    1. An active deployment of the group that this resource started (found by its description)
       is a deployment left running by an earlier, timed-out or cancelled stack operation: it is
       stopped with rollback. CodeDeploy's automatic rollback of a deployment of this resource
       (``rollbackInfo.rollbackTriggeringDeploymentId``) is not stopped but waited for. Either
       way ``is_complete`` waits until it is over; if the service then differs from the AppSpec
       (a forward update, or a leftover that finished before the stop), it deploys the AppSpec
       (description "... after <id>", found again at each poll) and waits for that. An active
       deployment started by anything else fails the request: stopping it is not ours to do.
    2. If the service already runs what the AppSpec asks for (task definition, capacity provider
       strategy, network configuration, pinned platform version, container), nothing is
       deployed: the first creation, where CloudFormation created the service with it; or a
       stack rollback after CodeDeploy already rolled back, where a second deployment would
       only cost time.
    3. Otherwise ``CreateDeployment`` with the AppSpec; the deployment id is the physical id,
       so each release is a new physical resource and CloudFormation deletes the previous one.

Scale-in during a deployment (SuspendScaleIn "true"): before ``CreateDeployment`` (and before
stopping a leftover deployment) ``DynamicScalingInSuspended`` is set on the scalable target,
best effort (a failure is logged and the deployment goes ahead);
scale-out and scheduled scaling keep their state. It is set back to false when the deployment
reaches a final state (Succeeded; Failed or Stopped once CodeDeploy's rollback finished), when
``CreateDeployment`` fails, when nothing needs deploying, when the property is removed, and on
Delete. A missing scalable target means nothing to do; both directions are idempotent. When the
provider times out, the framework answers CloudFormation without calling this code, so scale-in
stays suspended until the stack rollback's Update, which always ends by restoring it.

Delete: a deployment that is still active is stopped with automatic rollback; every error is
logged and ignored (a failed delete would block the stack). Nothing else is deleted.

A deployment can finish between ``GetDeployment`` (still active) and ``StopDeployment``;
CodeDeploy then answers ``DeploymentAlreadyCompletedException``. Every stop (a leftover on
Create/Update, a stack rollback's Update, Delete) treats that as "it is over" and carries on as
if the stop had landed: ``is_complete`` reads its final status and reconciles the service.

No second deployment: ``is_complete`` keeps no state between polls (the provider framework
discards the ``Data`` of an answer that is not complete), so a follow-up deployment it created
is found again by its description through ``ListDeployments``, which may not list it yet right
after ``CreateDeployment``. CodeDeploy admits one active deployment per deployment group and
answers a second ``CreateDeployment`` with ``DeploymentLimitExceededException`` naming the
active one: the handler follows that deployment instead of failing. On a poll, one of this
resource's deployments (or an active one the error does not name) means "not finished, ask
again"; on a request, one of this resource's is a leftover and is stopped like one. An active
deployment started by anything else fails the request, as above. Remembering the created id
would need state the waiter cannot carry; the one-active-deployment rule needs none.

Timeouts: each API call gives up after ``CONNECT_TIMEOUT_S`` + ``READ_TIMEOUT_S`` per attempt
and ``TOTAL_ATTEMPTS`` attempts (botocore's defaults, 60 s each and retries, exceed the
function's 60 s timeout on their own). One stalled call then fails within
``CALL_BUDGET_S``, about half the function's timeout, so on a poll it surfaces as a transient
error ("not finished, ask again") instead of the function timing out, which the provider
framework would report to CloudFormation as a failure.

isComplete treats a transient API error (throttling, 5xx, network) as "not yet", since any
exception fails the stack operation; every other error fails it with the error's message.

Only the Python standard library and the boto3 of the Lambda runtime are used.

Long module: a Lambda handler deployed as a single-file asset, so it cannot import sibling
modules; the CodeDeploy state machine it drives is read top to bottom.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]
from botocore.exceptions import (  # type: ignore[import-untyped,unused-ignore]
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

ACTIVE = ("Created", "Queued", "InProgress", "Baking", "Ready")
"""Deployment statuses that are not final."""
SUCCEEDED = "Succeeded"
FAILED = ("Failed", "Stopped")

TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestTimeout",
        "RequestTimeoutException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServerError",
        # Application Auto Scaling: "a pending update" of the same scalable target.
        "ConcurrentUpdateException",
    }
)
"""Error codes that ``is_complete`` treats as "ask again at the next poll"."""

DEPLOYMENT_ID = re.compile(r"^d-[A-Z0-9]{9}$")
"""CodeDeploy deployment ids; any other physical id means "nothing was deployed"."""
NO_DEPLOYMENT = "no-deployment"

ACTION_NONE = "NONE"
ACTION_DEPLOY = "DEPLOY"
ACTION_STOP = "STOP"
ACTION_WAIT = "WAIT"
"""Waiting for CodeDeploy's automatic rollback of a deployment of this resource."""

CONNECT_TIMEOUT_S = 3
READ_TIMEOUT_S = 10
TOTAL_ATTEMPTS = 2
"""Per API call: attempts, the first included (botocore's ``total_max_attempts``; its
``max_attempts`` counts retries only), each bounded by the connect and read timeouts."""
RETRY_BACKOFF_S = 2
"""Upper bound of botocore's standard-mode backoff before the one retry (random up to 1 s)."""
CALL_BUDGET_S = TOTAL_ATTEMPTS * (CONNECT_TIMEOUT_S + READ_TIMEOUT_S) + RETRY_BACKOFF_S
"""Longest a single stalled API call can take: 28 s of the function's 60 s."""

_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_S,
    read_timeout=READ_TIMEOUT_S,
    retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
)

ALREADY_COMPLETED = "DeploymentAlreadyCompletedException"
LIMIT_EXCEEDED = "DeploymentLimitExceededException"
DEPLOYMENT_IN_MESSAGE = re.compile(r"\bd-[A-Z0-9]{9}\b")

Clients = dict[str, Any]


SCALING_NAMESPACE = "ecs"
SCALING_DIMENSION = "ecs:service:DesiredCount"


def _clients() -> Clients:
    return {
        "autoscaling": boto3.client("application-autoscaling", config=_CONFIG),
        "codedeploy": boto3.client("codedeploy", config=_CONFIG),
        "ecs": boto3.client("ecs", config=_CONFIG),
    }


def _log(message: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """One JSON log line: easy to read in the console, easy to query in Logs Insights."""
    LOG.log(level, json.dumps({"message": message, **fields}, default=str, sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Lambda entry points


def on_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Provider framework onEvent handler."""
    return handle_event(event, _clients())


def is_complete(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Provider framework isComplete handler."""
    return check_complete(event, _clients())


# ---------------------------------------------------------------------------------------------
# onEvent


def handle_event(event: dict[str, Any], clients: Clients) -> dict[str, Any]:
    """Start the work for one CloudFormation request; see the module docstring."""
    request = event["RequestType"]
    _log(
        "request",
        request=request,
        logical_id=event.get("LogicalResourceId"),
        physical_id=event.get("PhysicalResourceId"),
        task_definition=event.get("ResourceProperties", {}).get("TaskDefinitionArn"),
    )
    if request in ("Create", "Update"):
        return _release(event, clients)
    if request == "Delete":
        _stop_quietly(event.get("PhysicalResourceId", ""), clients)
        _resume_quietly(event.get("ResourceProperties", {}), clients)
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    raise ValueError(f"unknown RequestType {request!r}")


def _description(event: dict[str, Any]) -> str:
    """The deployment description; it names the stack and resource that started it."""
    return f"ecs-patterns CodeDeployRelease {event['LogicalResourceId']} in {event['StackId']}"


def _release(event: dict[str, Any], clients: Clients) -> dict[str, Any]:
    props = event["ResourceProperties"]
    codedeploy = clients["codedeploy"]
    requested = props["TaskDefinitionArn"]
    target = scale_in_target(props)
    previous_target = scale_in_target(event.get("OldResourceProperties", {}))
    if previous_target is not None and previous_target != target:
        # SuspendScaleIn was switched off (or the service replaced): leave nothing suspended.
        set_scale_in_suspended(previous_target, False, clients["autoscaling"])

    for deployment_id in _active_deployments(props, codedeploy):
        info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
        trigger = _triggering_deployment(info, event, codedeploy)
        if trigger is not None:
            # CodeDeploy's automatic rollback of a deployment of ours (e.g. the stack rollback
            # arrives while it still runs): wait for it, then reconcile like a stopped one.
            _log(
                "waiting for CodeDeploy's rollback of a deployment of this resource",
                deployment_id=deployment_id,
                triggered_by=trigger,
                status=info.get("status"),
            )
            if target is not None:
                _suspend_quietly(target, clients)
            return _response(deployment_id, ACTION_WAIT)
        if not _ours(info.get("description"), event):
            raise RuntimeError(
                f"CodeDeploy deployment {deployment_id} ({info.get('status')}) is already "
                f"running in deployment group {props['DeploymentGroupName']} and was not "
                "started by this stack; wait for it to finish (or stop it) and retry the "
                "stack update."
            )
        return _stop_leftover(deployment_id, str(info.get("status")), target, clients)

    changes = differences(props, running(props, clients["ecs"]))
    if not changes:
        _log(
            "the service already runs what the AppSpec asks for: nothing to deploy",
            task_definition=requested,
        )
        if target is not None:
            # Restores a suspension left by a timed-out operation (the framework's onTimeout
            # cannot); a no-op otherwise.
            set_scale_in_suspended(target, False, clients["autoscaling"])
        return _response(f"{NO_DEPLOYMENT}:{requested}", ACTION_NONE)

    try:
        deployment_id = _create_deployment(event, _description(event), clients)
    except ClientError as error:
        active = _limit_exceeded_by(error, event, codedeploy)
        if active is None:
            raise
        # Ours, yet not listed by ListDeployments a moment ago: a leftover like any other.
        return _stop_leftover(active, "active", target, clients)
    _log("created deployment", deployment_id=deployment_id, changes=changes)
    return _response(deployment_id, ACTION_DEPLOY)


def _stop_leftover(
    deployment_id: str, status: str, target: str | None, clients: Clients
) -> dict[str, Any]:
    """Stop a deployment of this resource with rollback; ``is_complete`` waits and reconciles."""
    _log(
        "stopping a deployment left running by an earlier stack operation",
        deployment_id=deployment_id,
        status=status,
    )
    if target is not None:
        # Kept suspended through the rollback; is_complete restores it once it is over.
        _suspend_quietly(target, clients)
    stop_deployment(deployment_id, clients["codedeploy"])
    return _response(deployment_id, ACTION_STOP)


def stop_deployment(deployment_id: str, codedeploy: Any) -> bool:
    """``StopDeployment`` with automatic rollback; False when the deployment already finished.

    A deployment read as active a moment ago can complete before the stop arrives; CodeDeploy
    then answers ``DeploymentAlreadyCompletedException``, which means the same as a stop that
    landed late: the deployment is over, and its final status tells what the service runs.
    """
    try:
        codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
    except ClientError as error:
        if _code(error) != ALREADY_COMPLETED:
            raise
        _log(
            "deployment finished before it could be stopped",
            deployment_id=deployment_id,
            error=str(error),
        )
        return False
    _log("stopped deployment with rollback", deployment_id=deployment_id)
    return True


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _named_active(error: ClientError) -> str | None:
    """The active deployment a ``DeploymentLimitExceededException`` names, or None."""
    if _code(error) != LIMIT_EXCEEDED:
        return None
    named = DEPLOYMENT_IN_MESSAGE.search(str(error.response.get("Error", {}).get("Message", "")))
    return named.group(0) if named is not None else None


def _limit_exceeded_by(error: ClientError, event: dict[str, Any], codedeploy: Any) -> str | None:
    """For ``DeploymentLimitExceededException`` naming a deployment of ours: that deployment.

    Returns None for any other error (and for one that names no deployment). Raises when the
    named active deployment was started by anything else (stopping it is not ours to do).
    """
    active = _named_active(error)
    if active is None:
        return None
    info = codedeploy.get_deployment(deploymentId=active)["deploymentInfo"]
    if not _ours(info.get("description"), event):
        raise RuntimeError(
            f"CodeDeploy deployment {active} ({info.get('status')}) is already running in "
            f"deployment group {event['ResourceProperties']['DeploymentGroupName']} and was "
            "not started by this stack; wait for it to finish (or stop it) and retry the "
            "stack update."
        ) from error
    _log("CreateDeployment found an active deployment of this resource", deployment_id=active)
    return active


def _create_deployment(event: dict[str, Any], description: str, clients: Clients) -> str:
    """Suspend scale-in (best effort), then ``CreateDeployment``; resume it when that fails."""
    props = event["ResourceProperties"]
    target = scale_in_target(props)
    if target is not None:
        _suspend_quietly(target, clients)
    try:
        created = clients["codedeploy"].create_deployment(
            applicationName=props["ApplicationName"],
            deploymentGroupName=props["DeploymentGroupName"],
            description=description,
            revision={
                "revisionType": "AppSpecContent",
                "appSpecContent": {"content": props["AppSpec"]},
            },
        )
    except Exception:
        if target is not None:
            _resume_quietly(props, clients)
        raise
    return str(created["deploymentId"])


def _ours(description: Any, event: dict[str, Any]) -> bool:
    """Whether a deployment with this description was started by this resource."""
    base = _description(event)
    return description == base or str(description).startswith(f"{base} after ")


def _follow_up_description(event: dict[str, Any], waited_for: str) -> str:
    """Description of the deployment ``is_complete`` starts once ``waited_for`` is over."""
    return f"{_description(event)} after {waited_for}"


def _triggering_deployment(
    info: dict[str, Any], event: dict[str, Any], codedeploy: Any
) -> str | None:
    """The deployment of this resource whose automatic rollback ``info`` is, or None.

    CodeDeploy's automatic rollback is a deployment of its own (creator ``autoRollback``) whose
    ``rollbackInfo.rollbackTriggeringDeploymentId`` names the deployment it rolls back.
    """
    trigger = (info.get("rollbackInfo") or {}).get("rollbackTriggeringDeploymentId")
    if not trigger:
        return None
    triggering = codedeploy.get_deployment(deploymentId=trigger)["deploymentInfo"]
    return str(trigger) if _ours(triggering.get("description"), event) else None


def _response(physical_id: str, action: str) -> dict[str, Any]:
    deployment_id = physical_id if DEPLOYMENT_ID.match(physical_id) else ""
    return {
        "PhysicalResourceId": physical_id,
        "Data": {"DeploymentId": deployment_id, "Action": action},
    }


def _active_deployments(props: dict[str, Any], codedeploy: Any) -> list[str]:
    ids: list[str] = []
    kwargs = {
        "applicationName": props["ApplicationName"],
        "deploymentGroupName": props["DeploymentGroupName"],
        "includeOnlyStatuses": list(ACTIVE),
    }
    while True:
        page = codedeploy.list_deployments(**kwargs)
        ids.extend(page.get("deployments", []))
        if not page.get("nextToken"):
            return ids
        kwargs["nextToken"] = page["nextToken"]


def running(props: dict[str, Any], ecs: Any) -> dict[str, Any]:
    """What serves production: the PRIMARY task set, else the service itself.

    Both carry the same keys (taskDefinition, capacityProviderStrategy, networkConfiguration,
    platformVersion, loadBalancers).
    """
    described = ecs.describe_services(cluster=props["Cluster"], services=[props["Service"]])
    services = described.get("services", [])
    if not services or services[0].get("status") != "ACTIVE":
        failures = described.get("failures", [])
        raise RuntimeError(
            f"ECS service {props['Service']} in cluster {props['Cluster']} was not found or is "
            f"not ACTIVE: {failures or [s.get('status') for s in services]}"
        )
    service: dict[str, Any] = services[0]
    for task_set in service.get("taskSets", []):
        if task_set.get("status") == "PRIMARY":
            return dict(task_set)
    return service


def _capacity(items: list[dict[str, Any]], provider: str, base: str, weight: str) -> list[Any]:
    return sorted((i.get(provider), i.get(base) or 0, i.get(weight) or 0) for i in items)


def differences(props: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """How ``current`` (see :func:`running`) differs from what the AppSpec asks for.

    Compares the task definition, and what the AppSpec sets of the capacity provider strategy,
    the network configuration, a pinned platform version and the container behind the load
    balancer: under CODE_DEPLOY each of them changes only through a deployment, so a change of
    any one of them needs one even when the task definition is unchanged.
    """
    appspec = json.loads(props["AppSpec"])
    wanted = appspec["Resources"][0]["TargetService"].get("Properties", {})
    found: list[str] = []

    def differ(what: str, have: Any, want: Any) -> None:
        if have != want:
            found.append(f"{what}: {have} -> {want}")

    differ("task definition", current.get("taskDefinition"), props["TaskDefinitionArn"])
    if "CapacityProviderStrategy" in wanted:
        differ(
            "capacity provider strategy",
            _capacity(
                current.get("capacityProviderStrategy", []), "capacityProvider", "base", "weight"
            ),
            _capacity(wanted["CapacityProviderStrategy"], "CapacityProvider", "Base", "Weight"),
        )
    network = wanted.get("NetworkConfiguration", {}).get("AwsvpcConfiguration")
    if network is not None:
        have = current.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
        differ("subnets", sorted(have.get("subnets", [])), sorted(network.get("Subnets", [])))
        differ(
            "security groups",
            sorted(have.get("securityGroups", [])),
            sorted(network.get("SecurityGroups", [])),
        )
        differ(
            "public IP",
            have.get("assignPublicIp", "DISABLED"),
            network.get("AssignPublicIp", "DISABLED"),
        )
    platform = wanted.get("PlatformVersion")
    if platform not in (None, "LATEST"):
        differ("platform version", current.get("platformVersion"), platform)
    target = wanted.get("LoadBalancerInfo")
    balancers = current.get("loadBalancers", [])
    if target is not None and balancers:
        differ(
            "load balancer container",
            [(b.get("containerName"), b.get("containerPort")) for b in balancers][:1],
            [(target.get("ContainerName"), target.get("ContainerPort"))],
        )
    return found


def scale_in_target(props: dict[str, Any]) -> str | None:
    """The scalable target whose scale-in a deployment suspends, or None (feature off)."""
    if str(props.get("SuspendScaleIn", "")).lower() != "true":
        return None
    resource_id = props.get("ScalableTargetResourceId")
    return str(resource_id) if resource_id else None


def set_scale_in_suspended(resource_id: str, suspended: bool, autoscaling: Any) -> bool:
    """Set ``DynamicScalingInSuspended`` of the service's scalable target; False when none.

    The target is read first: a call is made only when the flag differs (idempotent on
    retries), and the other two flags are written back unchanged, so that only scale-in moves.
    ``RegisterScalableTarget`` on an existing target changes only the parameters it is given
    (Application Auto Scaling API reference), so the minimum and maximum capacity stay.
    """
    described = autoscaling.describe_scalable_targets(
        ServiceNamespace=SCALING_NAMESPACE,
        ResourceIds=[resource_id],
        ScalableDimension=SCALING_DIMENSION,
    )
    targets = described.get("ScalableTargets", [])
    if not targets:
        _log("no scalable target: scale-in left alone", resource_id=resource_id)
        return False
    state = targets[0].get("SuspendedState") or {}
    if bool(state.get("DynamicScalingInSuspended", False)) == suspended:
        _log("scale-in already in the wanted state", resource_id=resource_id, suspended=suspended)
        return True
    autoscaling.register_scalable_target(
        ServiceNamespace=SCALING_NAMESPACE,
        ResourceId=resource_id,
        ScalableDimension=SCALING_DIMENSION,
        SuspendedState={
            "DynamicScalingInSuspended": suspended,
            "DynamicScalingOutSuspended": bool(state.get("DynamicScalingOutSuspended", False)),
            "ScheduledScalingSuspended": bool(state.get("ScheduledScalingSuspended", False)),
        },
    )
    _log(
        "suspended dynamic scale-in" if suspended else "resumed dynamic scale-in",
        resource_id=resource_id,
    )
    return True


def _set_scale_in_quietly(target: str, suspended: bool, clients: Clients) -> None:
    """Suspend or resume scale-in, best effort: a release must not fail over scaling.

    Application Auto Scaling validates the caller's permissions on the service and on
    CloudWatch alarms for each ``RegisterScalableTarget``; a denied, throttled or failed call is
    logged as a warning: on suspend the deployment goes ahead with scaling as it was, on resume
    (after a failure or on delete) the original error is not hidden and the delete not blocked.
    """
    try:
        set_scale_in_suspended(target, suspended, clients["autoscaling"])
    except (ClientError, BotoCoreError) as error:
        _log(
            "could not suspend dynamic scale-in; deploying anyway"
            if suspended
            else "could not resume dynamic scale-in; resume it by hand",
            level=logging.WARNING,
            resource_id=target,
            error=str(error),
        )


def _suspend_quietly(target: str, clients: Clients) -> None:
    _set_scale_in_quietly(target, True, clients)


def _resume_quietly(props: dict[str, Any], clients: Clients) -> None:
    target = scale_in_target(props)
    if target is not None:
        _set_scale_in_quietly(target, False, clients)


def _stop_quietly(physical_id: str, clients: Clients) -> None:
    if not DEPLOYMENT_ID.match(physical_id):
        _log("nothing to stop: no deployment behind this physical id", physical_id=physical_id)
        return
    codedeploy = clients["codedeploy"]
    try:
        status = codedeploy.get_deployment(deploymentId=physical_id)["deploymentInfo"]["status"]
        if status not in ACTIVE:
            _log(
                "deployment already finished: nothing to stop",
                deployment_id=physical_id,
                status=status,
            )
            return
        stop_deployment(physical_id, codedeploy)
    except (ClientError, BotoCoreError) as error:
        LOG.warning(
            json.dumps(
                {
                    "message": "ignoring error while stopping a deployment on delete",
                    "deployment_id": physical_id,
                    "error": str(error),
                }
            )
        )


# ---------------------------------------------------------------------------------------------
# isComplete


def check_complete(event: dict[str, Any], clients: Clients) -> dict[str, Any]:
    """Whether the work that ``handle_event`` started is finished; raises when it failed.

    Returns no ``Data`` while not complete (the framework rejects it). A transient API error
    (throttling, a 5xx, a network timeout) left after botocore's own retries means "not yet":
    any exception here fails the stack operation at once, which a slow API must not do.
    """
    try:
        return _check_complete(event, clients)
    except (ClientError, BotoCoreError) as error:
        if not _transient(error):
            raise
        LOG.warning(
            json.dumps(
                {"message": "transient error; asking again at the next poll", "error": str(error)}
            )
        )
        return {"IsComplete": False}


def _transient(error: Exception) -> bool:
    if isinstance(error, ClientError):
        response = error.response
        code = str(response.get("Error", {}).get("Code", ""))
        status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in TRANSIENT_CODES or status >= 500
    return isinstance(
        error,
        (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError, ConnectTimeoutError),
    )


def _check_complete(event: dict[str, Any], clients: Clients) -> dict[str, Any]:
    if event["RequestType"] == "Delete":
        return {"IsComplete": True}
    data = event.get("Data", {})
    action = data.get("Action", ACTION_NONE)
    deployment_id = data.get("DeploymentId", "")
    if action == ACTION_NONE or not deployment_id:
        return {"IsComplete": True}
    codedeploy = clients["codedeploy"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    over, rollback = _over(deployment_id, info, action, codedeploy)
    if not over:
        return {"IsComplete": False}
    if action in (ACTION_STOP, ACTION_WAIT):
        return _reconcile(event, deployment_id, info, clients)
    return _final(event, deployment_id, info, rollback, clients)


def _rollback(info: dict[str, Any], codedeploy: Any) -> tuple[str | None, str | None]:
    """The id and status of the rollback deployment CodeDeploy started for ``info``, if any."""
    rollback_id = (info.get("rollbackInfo") or {}).get("rollbackDeploymentId")
    if not rollback_id:
        return None, None
    status = codedeploy.get_deployment(deploymentId=rollback_id)["deploymentInfo"]["status"]
    return str(rollback_id), str(status)


def _over(
    deployment_id: str, info: dict[str, Any], action: str, codedeploy: Any
) -> tuple[bool, tuple[str | None, str | None]]:
    """Whether the deployment and its rollback (if any) are final; and that rollback."""
    status = info["status"]
    rollback_id, rollback_status = _rollback(info, codedeploy)
    _log(
        "deployment status",
        deployment_id=deployment_id,
        action=action,
        status=status,
        rollback_id=rollback_id,
        rollback_status=rollback_status,
        overview=info.get("deploymentOverview"),
    )
    if status in ACTIVE:
        if status == "Ready":
            _log(
                "deployment is Ready: waiting for traffic to be rerouted (ContinueDeployment)",
                deployment_id=deployment_id,
            )
        return False, (rollback_id, rollback_status)
    if rollback_status in ACTIVE:
        _log("waiting for the rollback deployment", rollback_id=rollback_id)
        return False, (rollback_id, rollback_status)
    return True, (rollback_id, rollback_status)


def _final(
    event: dict[str, Any],
    deployment_id: str,
    info: dict[str, Any],
    rollback: tuple[str | None, str | None],
    clients: Clients,
) -> dict[str, Any]:
    """The answer for a deployment (and its rollback) that is over.

    Scale-in is resumed before any answer, so that no final answer leaves it suspended. An
    error here is retried at the next poll when transient (check_complete); the status is read
    again, which is cheap.
    """
    target = scale_in_target(event["ResourceProperties"])
    if target is not None:
        set_scale_in_suspended(target, False, clients["autoscaling"])
    if info["status"] == SUCCEEDED:
        _log("deployment succeeded", deployment_id=deployment_id)
        return {"IsComplete": True}
    raise RuntimeError(_failure_message(deployment_id, info, *rollback))


def _reconcile(
    event: dict[str, Any], waited_for: str, info: dict[str, Any], clients: Clients
) -> dict[str, Any]:
    """After a stopped leftover or CodeDeploy's rollback ended: make the service match.

    Complete when the service runs what the AppSpec asks for (the usual stack rollback: the
    rollback restored the old revision). Otherwise the AppSpec is deployed now (a forward
    update, or a leftover that finished before the stop arrived), with a description naming
    ``waited_for`` so that later polls find this follow-up deployment and wait for it.
    """
    props = event["ResourceProperties"]
    follow_up = _find_follow_up(event, waited_for, info, clients["codedeploy"])
    if follow_up is not None:
        follow_up_id = str(follow_up["deploymentId"])
        over, rollback = _over(follow_up_id, follow_up, ACTION_DEPLOY, clients["codedeploy"])
        if not over:
            return {"IsComplete": False}
        # The framework merges this Data into the resource's: DeploymentId names the follow-up.
        answer = _final(event, follow_up_id, follow_up, rollback, clients)
        return {**answer, "Data": {"DeploymentId": follow_up_id}}
    changes = differences(props, running(props, clients["ecs"]))
    if not changes:
        _log(
            "the earlier deployment is over; the service runs what the AppSpec asks for",
            deployment_id=waited_for,
            task_definition=props["TaskDefinitionArn"],
        )
        target = scale_in_target(props)
        if target is not None:
            set_scale_in_suspended(target, False, clients["autoscaling"])
        return {"IsComplete": True}
    try:
        created = _create_deployment(event, _follow_up_description(event, waited_for), clients)
    except ClientError as error:
        if _code(error) != LIMIT_EXCEEDED:
            raise
        _limit_exceeded_by(error, event, clients["codedeploy"])  # raises when not ours
        # Most likely the follow-up of the previous poll, not listed yet: follow it.
        _log(
            "a deployment is already active; asking again instead of creating a second one",
            after=waited_for,
            error=str(error),
        )
        return {"IsComplete": False}
    _log(
        "the earlier deployment is over; deploying the AppSpec",
        deployment_id=created,
        after=waited_for,
        changes=changes,
    )
    return {"IsComplete": False}


def _find_follow_up(
    event: dict[str, Any], waited_for: str, info: dict[str, Any], codedeploy: Any
) -> dict[str, Any] | None:
    """The deployment ``_reconcile`` started after ``waited_for`` (any status), or None.

    Only deployments of the group created since ``waited_for`` are read (usually its rollback
    and the follow-up): the waiter keeps no state between polls, so the description tells.
    """
    wanted = _follow_up_description(event, waited_for)
    props = event["ResourceProperties"]
    kwargs: dict[str, Any] = {
        "applicationName": props["ApplicationName"],
        "deploymentGroupName": props["DeploymentGroupName"],
    }
    if info.get("createTime") is not None:
        kwargs["createTimeRange"] = {"start": info["createTime"]}
    while True:
        page = codedeploy.list_deployments(**kwargs)
        for candidate in page.get("deployments", []):
            if candidate == waited_for:
                continue
            found = codedeploy.get_deployment(deploymentId=candidate)["deploymentInfo"]
            if found.get("description") == wanted:
                return dict(found)
        if not page.get("nextToken"):
            return None
        kwargs["nextToken"] = page["nextToken"]


def _failure_message(
    deployment_id: str, info: dict[str, Any], rollback_id: str | None, rollback_status: str | None
) -> str:
    error = info.get("errorInformation") or {}
    rollback = info.get("rollbackInfo") or {}
    parts = [
        f"CodeDeploy deployment {deployment_id} {info.get('status')}: "
        f"[{error.get('code', 'UNKNOWN')}] {error.get('message', 'no error information')}."
    ]
    if rollback_id:
        parts.append(f"Rollback deployment {rollback_id}: {rollback_status}.")
    if rollback.get("rollbackMessage"):
        parts.append(str(rollback["rollbackMessage"]))
    parts.append("The stack update fails so that CloudFormation rolls the stack back.")
    return " ".join(parts)
