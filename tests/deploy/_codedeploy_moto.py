"""Wires :mod:`codedeploy_sim` into moto's server process (imported by ``_moto_server.py``).

Runs in ``.venv/moto``. moto keeps applications and deployment groups; the deployment
operations (Create/Get/BatchGet/List/Stop/ContinueDeployment) go to one simulator per account
and region, which reads the group from moto and switches the ECS service moto holds. Two more
gaps of moto's ECS are filled for it: ``CreateService`` keeps ``capacityProviderStrategy``
(moto drops it, so a service created with one reads back without it and the release handler
would see a difference that is not there),. A test sets a group's faults with
``TagResource`` (see ``codedeploy_sim.FAULTS_TAG``).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from moto.cloudformation import parsing
from moto.codedeploy.models import codedeploy_backends
from moto.codedeploy.responses import CodeDeployResponse
from moto.core.exceptions import JsonRESTError
from moto.ecs.models import ecs_backends
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


def _update_then_release(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
    """moto's stack update, then each changed release resource's Update through the handler.

    moto never sends a custom resource an Update (it re-creates nothing and calls no Lambda);
    CloudFormation would send it once everything it references is updated, so it runs after
    moto's update, in this process, against this server (the handler's boto3 reaches it through
    ``AWS_ENDPOINT_URL``). A failed release fails UpdateStack; no stack rollback is emulated.
    """
    before = _release_properties(self)
    _resource_map_update(self, template, parameters)
    after = _release_properties(self)
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
        try:
            answer = run_release(event)
        except Exception:
            traceback.print_exc()  # into the server's log; moto answers UpdateStack with an error
            raise
        print(f"release {logical_id}: {json.dumps(answer)}", flush=True)
        if held is not None and hasattr(held, "resource_name"):
            held.resource_name = answer["PhysicalResourceId"]
            held.data = answer.get("Data", {})


def _string(value: Any) -> str:
    """CloudFormation sends a custom resource's scalar properties as strings."""
    return value if isinstance(value, str) else json.dumps(value)


parsing.ResourceMap.update = _update_then_release
