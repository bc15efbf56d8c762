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

import json
import threading
from typing import Any

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
