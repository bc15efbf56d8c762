"""Wires :mod:`codedeploy_sim` into moto's server process (imported by ``_moto_server.py``).

Runs in ``.venv/moto``. moto keeps applications and deployment groups; the deployment
operations (Create/Get/BatchGet/List/Stop/ContinueDeployment) go to one simulator per account
and region, which reads the group from moto and switches the ECS service moto holds. One more
gap of moto's ECS is filled for it: ``CreateService`` keeps ``capacityProviderStrategy``
(moto drops it, so a service created with one reads back without it and the release handler
would see a difference that is not there). A test sets a group's faults with ``TagResource``
(see ``codedeploy_sim.FAULTS_TAG``).

CloudFormation's side of the release: after moto's stack update, each changed release custom
resource gets its Update through the library's handler (``_update_then_release``); when one
fails, the stack rolls back as CloudFormation's does (``_update_or_roll_back``): the previous
template and resources, the rollback Update of the release resources, ``UPDATE_ROLLBACK_COMPLETE``.
The rollback is this emulator's: it undoes what an image release changes (task definition
revisions, in-place updates) and ends ``UPDATE_ROLLBACK_FAILED`` on anything else.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import Event, Stack
from moto.codedeploy.models import codedeploy_backends
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.ecs.models import TaskDefinition, ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse

from tests.deploy.codedeploy_sim import CodeDeploySim, Group, Revision, SimError

OPERATIONS = (
    "CreateDeployment",
    "GetDeployment",
    "BatchGetDeployments",
    "ListDeployments",
    "StopDeployment",
    "ContinueDeployment",
)


class MotoGroups:
    """Deployment groups as moto's CodeDeploy backend holds them."""

    def __init__(self, account: str, region: str) -> None:
        self.account, self.region = account, region

    def group(self, application: str, name: str) -> Group:
        backend = codedeploy_backends[self.account][self.region]
        try:
            held = backend.get_deployment_group(application, name)
        except JsonRESTError as error:
            raise SimError(error.error_type, error.message) from None
        tags = {
            t["Key"]: t["Value"]
            for t in backend.list_tags_for_resource(
                backend._deployment_group_arn(application, name)
            )
        }
        return Group.from_api(
            application,
            name,
            {
                "ecsServices": held.ecs_services,
                "deploymentConfigName": held.deployment_config_name,
                "blueGreenDeploymentConfiguration": held.blue_green_deployment_configuration,
                "autoRollbackConfiguration": held.auto_rollback_configuration,
            },
            tags,
        )


class MotoEcs:
    """ECS services as moto's ECS backend holds them (the service itself; no task sets)."""

    def __init__(self, account: str, region: str) -> None:
        self.account, self.region = account, region

    def _service(self, cluster: str, service: str) -> Any:
        return ecs_backends[self.account][self.region]._get_service(cluster, service)

    def current(self, cluster: str, service: str) -> Revision:
        held = self._service(cluster, service)
        strategy = tuple(
            (str(i["capacityProvider"]), int(i.get("base", 0)), int(i.get("weight", 0)))
            for i in getattr(held, "capacity_provider_strategy", None) or []
        )
        return Revision(str(held.task_definition), strategy)

    def switch(self, cluster: str, service: str, revision: Revision) -> None:
        held = self._service(cluster, service)
        held.task_definition = revision.task_definition
        held.capacity_provider_strategy = revision.strategy_json()


_SIMS: dict[tuple[str, str], CodeDeploySim] = {}
_SIMS_LOCK = threading.Lock()


def simulator(account: str, region: str) -> CodeDeploySim:
    with _SIMS_LOCK:
        key = (account, region)
        if key not in _SIMS:
            _SIMS[key] = CodeDeploySim(MotoGroups(*key), MotoEcs(*key))
        return _SIMS[key]


def _operation(name: str) -> Any:
    def call(self: Any) -> str:
        params = json.loads(self.body or "{}")
        try:
            answer = simulator(self.current_account, self.region).handle(name, params)
        except SimError as error:
            raise JsonRESTError(error.code, error.message) from None
        return json.dumps(answer)

    call.__name__ = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return call


for _name in OPERATIONS:
    _method = _operation(_name)
    setattr(CodeDeployResponse, _method.__name__, _method)

_create_service = EC2ContainerServiceResponse.create_service


def _create_service_keeping_strategy(self: Any) -> Any:
    answer = _create_service(self)
    strategy = self._get_param("capacityProviderStrategy")
    if strategy:
        service = ecs_backends[self.current_account][self.region]._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        service.capacity_provider_strategy = [
            {
                "capacityProvider": i["capacityProvider"],
                "base": int(i.get("base", 0)),
                "weight": int(i.get("weight", 0)),
            }
            for i in strategy
        ]
        service.launch_type = None  # a capacity provider strategy and a launch type exclude
    return answer


EC2ContainerServiceResponse.create_service = _create_service_keeping_strategy


# ---------------------------------------------------------------------------------------------
# The release custom resource's Update, run by the emulator's CloudFormation.

RELEASE_TYPE = "Custom::EcsCodeDeployRelease"
RELEASE_POLLS = 400
RELEASE_DEADLINE_S = 60.0
ROOT = Path(__file__).resolve().parents[2]


def _handler_module() -> Any:
    """The library's release handler (``index.py`` beside a docstring naming CodeDeployRelease),
    loaded from the source tree: the same file the Lambda asset ships."""
    for path in sorted((ROOT / "src" / "ecs_patterns").rglob("index.py")):
        text = path.read_text(encoding="utf-8")
        if "CodeDeployRelease" in text and "def is_complete" in text:
            spec = importlib.util.spec_from_file_location("ecs_patterns_release_handler", path)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise RuntimeError("the release handler's index.py was not found under src/ecs_patterns")


def run_release(event: dict[str, Any]) -> dict[str, Any]:
    """What the provider framework does for one request: onEvent, then isComplete polls
    (bounded by a count and a wall-clock deadline); raises when the release fails."""
    handler = _handler_module()
    answer = handler.on_event(event)
    waiting = {**event, **answer}
    deadline = time.monotonic() + RELEASE_DEADLINE_S
    for _ in range(RELEASE_POLLS):
        done = handler.is_complete(waiting)
        if done.get("IsComplete"):
            return {**answer, "Data": {**answer.get("Data", {}), **done.get("Data", {})}}
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"release {event['LogicalResourceId']} did not finish: {waiting}")


def _release_properties(resource_map: Any) -> dict[str, dict[str, Any]]:
    """Logical id -> resolved properties of the stack's release custom resources."""
    found = {}
    for logical_id, resource in resource_map._resource_json_map.items():
        if isinstance(resource, dict) and resource.get("Type") == RELEASE_TYPE:
            resolved = parsing.clean_json(
                copy.deepcopy(resource.get("Properties", {})), resource_map
            )
            found[logical_id] = resolved
    return found


_resource_map_update = parsing.ResourceMap.update


class ReleaseFailedError(Exception):
    """A release resource's Update failed; CloudFormation would roll the stack back."""

    def __init__(self, logical_id: str, reason: str, sent: list[dict[str, Any]]) -> None:
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id, self.reason = logical_id, reason
        self.sent = sent
        """The Update events sent in this stack update, the failed one last."""


def _update_then_release(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
    """moto's stack update, then each changed release resource's Update through the handler.

    moto never sends a custom resource an Update (it re-creates nothing and calls no Lambda);
    CloudFormation would send it once everything it references is updated, so it runs after
    moto's update, in this process, against this server (the handler's boto3 reaches it through
    ``AWS_ENDPOINT_URL``). A failed release raises :class:`ReleaseFailedError`, which the
    stack update turns into a rollback (``_update_or_roll_back``).
    """
    before = _release_properties(self)
    _resource_map_update(self, template, parameters)
    after = _release_properties(self)
    sent: list[dict[str, Any]] = []
    for logical_id, properties in after.items():
        old = before.get(logical_id)
        if old is None or old == properties:
            continue
        held = self._parsed_resources.get(logical_id)
        event = {
            "RequestType": "Update",
            "LogicalResourceId": logical_id,
            "StackId": self["AWS::StackId"],
            "RequestId": str(uuid.uuid4()),
            "ResourceType": RELEASE_TYPE,
            "PhysicalResourceId": getattr(held, "physical_resource_id", logical_id),
            "ResourceProperties": {k: _string(v) for k, v in properties.items()},
            "OldResourceProperties": {k: _string(v) for k, v in old.items()},
        }
        sent.append(event)
        try:
            answer = run_release(event)
        except Exception as error:
            traceback.print_exc()  # into the server's log
            raise ReleaseFailedError(logical_id, str(error), sent) from error
        _record(self, logical_id, answer)


def _record(resource_map: Any, logical_id: str, answer: dict[str, Any]) -> None:
    """What CloudFormation keeps of a custom resource's answer: physical id and data."""
    print(f"release {logical_id}: {json.dumps(answer)}", flush=True)
    held = resource_map._parsed_resources.get(logical_id)
    if held is not None and hasattr(held, "resource_name"):
        held.resource_name = answer["PhysicalResourceId"]
        held.data = answer.get("Data", {})


def _string(value: Any) -> str:
    """CloudFormation sends a custom resource's scalar properties as strings."""
    return value if isinstance(value, str) else json.dumps(value)


parsing.ResourceMap.update = _update_then_release


# ---------------------------------------------------------------------------------------------
# The stack rollback after a failed release.


@dataclass(frozen=True)
class _Before:
    """What a stack held before an update, to roll back to."""

    template: Any
    template_dict: dict[str, Any]
    input_parameters: Any
    parsed: dict[str, Any]


class RollbackUnsupportedError(Exception):
    """A change this emulator cannot undo (the stack then ends UPDATE_ROLLBACK_FAILED)."""


_stack_update = Stack.update


def _update_or_roll_back(
    self: Any,
    template: str,
    role_arn: str | None = None,
    parameters: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """moto's UpdateStack; when a release fails, CloudFormation's update rollback.

    moto's update runs synchronously inside the UpdateStack request and had no failure path
    (an exception answered HTTP 500, left the new template and resources in place, and the
    stack ``UPDATE_COMPLETE``). As CloudFormation does, the request now succeeds and the
    stack rolls back: the failed resource's ``UPDATE_FAILED`` event with the handler's
    message, ``UPDATE_ROLLBACK_IN_PROGRESS``, the previous template and resources back, each
    release resource sent in this update gets the rollback Update (old and new properties
    swapped, newest first), the resources that replaced old ones are deleted (cleanup), then
    ``UPDATE_ROLLBACK_COMPLETE``. The CLI sees that status and reports the deploy failed.
    """
    resources = self.resource_map
    before = _Before(
        template=self.template,
        template_dict=resources._template,
        input_parameters=resources.input_parameters,
        parsed=dict(resources._parsed_resources),
    )
    try:
        _stack_update(self, template, role_arn, parameters, tags)
    except ReleaseFailedError as failure:
        _roll_back(self, before, failure)


def _roll_back(stack: Any, before: _Before, failure: ReleaseFailedError) -> None:
    resources = stack.resource_map
    failed = failure.sent[-1]
    _resource_event(
        stack,
        failure.logical_id,
        failed["PhysicalResourceId"],
        "UPDATE_FAILED",
        # As the provider framework words the custom resource's failure to CloudFormation.
        f"Received response status [FAILED] from custom resource. Message returned: "
        f"{failure.reason} (RequestId: {failed['RequestId']})",
    )
    stack.status = "UPDATE_ROLLBACK_IN_PROGRESS"
    stack._add_stack_event(
        "UPDATE_ROLLBACK_IN_PROGRESS",
        resource_status_reason=f"The following resource(s) failed to update: "
        f"[{failure.logical_id}]. ",
    )
    try:
        replacements = _restore(resources, before)
        stack.template = before.template
        stack._parse_template()
        for event in reversed(failure.sent):
            rollback = {
                **event,
                "RequestId": str(uuid.uuid4()),
                "ResourceProperties": event["OldResourceProperties"],
                "OldResourceProperties": event["ResourceProperties"],
            }
            _resource_event(
                stack, event["LogicalResourceId"], event["PhysicalResourceId"], "UPDATE_IN_PROGRESS"
            )
            _record(resources, event["LogicalResourceId"], run_release(rollback))
            _resource_event(
                stack, event["LogicalResourceId"], event["PhysicalResourceId"], "UPDATE_COMPLETE"
            )
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        for new in replacements:
            _delete_replacement(new, resources)
    except Exception as error:
        traceback.print_exc()
        stack.status = "UPDATE_ROLLBACK_FAILED"
        stack._add_stack_event("UPDATE_ROLLBACK_FAILED", resource_status_reason=str(error))
        return
    stack.status = "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


def _restore(resources: Any, before: _Before) -> list[Any]:
    """The previous template, parameters and resources back in the stack's resource map.

    Returns the resources that had replaced previous ones (deleted in the cleanup). Undone:
    a replaced task definition (moto deregistered the old revision and registered a new one:
    the old one is active again, as CloudFormation keeps the old physical resource until the
    cleanup) and every other changed resource (its previous properties applied again through
    its model's update). Resources the update added or removed are beyond this emulator.
    """
    now = resources._parsed_resources
    added = [k for k, v in now.items() if k not in before.parsed and v is not None]
    removed = [k for k in before.parsed if k not in now]
    if added or removed:
        raise RollbackUnsupportedError(
            f"emulator: rolling back added {added} or removed {removed} resources"
        )
    new_json = dict(resources._resource_json_map)
    replacements, in_place = [], []
    for logical_id, old in before.parsed.items():
        new = now[logical_id]
        if isinstance(new, TaskDefinition) and new is not old:
            old.status = "ACTIVE"
            replacements.append(new)
            now[logical_id] = old
        elif new is not old or new_json.get(logical_id) != before.template_dict["Resources"].get(
            logical_id
        ):
            if new is None:
                raise RollbackUnsupportedError(f"emulator: {logical_id} has no update model")
            in_place.append(logical_id)
    resources._template = before.template_dict
    resources.input_parameters = before.input_parameters
    resources.load_mapping()
    resources.load_parameters()
    resources.load_conditions()
    resources._resource_json_map = before.template_dict["Resources"]
    for logical_id in in_place:
        updated = parsing.parse_and_update_resource(
            logical_id,
            copy.deepcopy(resources._resource_json_map[logical_id]),
            resources,
            account_id=resources._account_id,
            region_name=resources._region_name,
        )
        if updated is not None:
            now[logical_id] = updated
    return replacements


def _delete_replacement(new: Any, resources: Any) -> None:
    ecs_backends[resources._account_id][resources._region_name].deregister_task_definition(new.arn)


def _resource_event(
    stack: Any, logical_id: str, physical_id: str, status: str, reason: str | None = None
) -> None:
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=RELEASE_TYPE,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


Stack.update = _update_or_roll_back
