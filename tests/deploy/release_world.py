"""The release handler against a moto server with the CodeDeploy simulator (no Stubbers).

:func:`running_moto` starts ``_moto_server.py`` (moto plus ``codedeploy_sim``) on 127.0.0.1 and
stops it. :class:`World` creates, per scenario, an ECS service under the CODE_DEPLOY controller
with a capacity provider strategy, its scalable target, and a CodeDeploy application and
deployment group. :class:`Release` plays CloudFormation and the provider framework: it runs the
handler module in this process (``on_event``, then ``is_complete`` polls, each with the
handler's own boto3 clients pointed at the server through ``AWS_ENDPOINT_URL``), merges their
answers as the framework does, and gives up after the provider's total timeout (a number of
polls) like the framework. Every poll loop is bounded twice, by a poll count and by a wall-clock
deadline, so a lifecycle that never ends fails the scenario instead of hanging it.

The lifecycle and timings are the simulator's, not AWS's (see ``codedeploy_sim``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]

from ecs_patterns.release._handler import index
from tests.deploy.codedeploy_sim import FAULTS_TAG, LIST_LAG_TAG
from tests.deploy.conftest import (
    ACCOUNT,
    REGION,
    SERVER_SCRIPT,
    Moto,
    _free_port,
    _wait_until_up,
    fake_aws_env,
    moto_bin_dir,
    process_group_members,
    stop_process,
)

STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/Release/{uuid.uuid4()}"
PROVIDER_POLLS = 60
"""Polls before the provider gives up in a scenario (the library's default allows 220)."""
DEADLINE_S = 30.0
"""Wall-clock bound of one request's polling: a stuck lifecycle fails, never hangs."""
FIRST = [{"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1}]
SECOND = [
    {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
    {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
]


class ScenarioStuckError(AssertionError):
    """Polling passed its wall-clock deadline: the lifecycle (or the handler) does not end."""


@contextmanager
def running_moto(workdir: Path) -> Iterator[Moto]:
    """``_moto_server.py`` alone on 127.0.0.1 (no custom-resource responder); always stopped."""
    bindir = moto_bin_dir()
    port = _free_port()
    log = workdir / "moto_server.log"
    moto = Moto(port, f"http://127.0.0.1:{port}", log, bindir / "python", workdir)
    with log.open("w", encoding="utf-8") as log_file:
        proc = subprocess.Popen(
            [str(moto.python), str(SERVER_SCRIPT), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            env=fake_aws_env(os.environ, moto.endpoint, workdir),
            start_new_session=True,
        )
        moto.procs.append(proc)
        try:
            _wait_until_up(moto, proc)
            yield moto
        finally:
            stop_process(proc)
    assert not process_group_members(proc.pid), "moto server processes left running"


def appspec(task_definition: str, strategy: list[dict[str, Any]]) -> str:
    properties = {
        "TaskDefinition": task_definition,
        "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8080},
        "CapacityProviderStrategy": strategy,
    }
    target = {"Type": "AWS::ECS::Service", "Properties": properties}
    return json.dumps({"version": "0.0", "Resources": [{"TargetService": target}]})


@dataclass
class Outcome:
    """What CloudFormation would be told about one request."""

    status: str  # SUCCESS, FAILED, or TIMEOUT (the provider's total timeout passed)
    physical_id: str
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    polls: int = 0


@dataclass
class World:
    """One scenario's service, scalable target and deployment group in the moto server."""

    endpoint: str
    name: str
    task_definitions: list[str]
    config_name: str = "CodeDeployDefault.ECSAllAtOnce"
    termination_wait: int = 1

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    @classmethod
    def create(cls, endpoint: str, **options: Any) -> World:
        name = f"w{uuid.uuid4().hex[:10]}"
        world = cls(endpoint, name, [], **options)
        ecs = world.client("ecs")
        ecs.create_cluster(clusterName=name)
        for image in ("one", "two", "three"):
            world.task_definitions.append(
                ecs.register_task_definition(
                    family=name,
                    containerDefinitions=[{"name": "web", "image": f"repo:{image}", "memory": 512}],
                )["taskDefinition"]["taskDefinitionArn"]
            )
        ecs.create_service(
            cluster=name,
            serviceName=name,
            taskDefinition=world.task_definitions[0],
            desiredCount=2,
            deploymentController={"type": "CODE_DEPLOY"},
            capacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 1, "weight": 1}],
            loadBalancers=[
                {
                    "targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:"
                    f"targetgroup/{name}-blue/0123456789abcdef",
                    "containerName": "web",
                    "containerPort": 8080,
                }
            ],
        )
        world.client("application-autoscaling").register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=world.resource_id,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=2,
            MaxCapacity=6,
        )
        codedeploy = world.client("codedeploy")
        codedeploy.create_application(applicationName=name, computePlatform="ECS")
        codedeploy.create_deployment_group(
            applicationName=name,
            deploymentGroupName=name,
            serviceRoleArn=f"arn:aws:iam::{ACCOUNT}:role/codedeploy",
            deploymentConfigName=world.config_name,
            deploymentStyle={
                "deploymentType": "BLUE_GREEN",
                "deploymentOption": "WITH_TRAFFIC_CONTROL",
            },
            blueGreenDeploymentConfiguration={
                "terminateBlueInstancesOnDeploymentSuccess": {
                    "action": "TERMINATE",
                    "terminationWaitTimeInMinutes": world.termination_wait,
                },
                "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
            },
            autoRollbackConfiguration={
                "enabled": True,
                "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
            },
            ecsServices=[{"clusterName": name, "serviceName": name}],
        )
        return world

    @property
    def resource_id(self) -> str:
        return f"service/{self.name}/{self.name}"

    @property
    def group_arn(self) -> str:
        return f"arn:aws:codedeploy:{REGION}:{ACCOUNT}:deploymentgroup:{self.name}/{self.name}"

    def inject(self, *faults: str, list_lag: int = 0) -> None:
        """Faults of the deployments the group starts from now on (see ``codedeploy_sim``)."""
        self.client("codedeploy").tag_resource(
            ResourceArn=self.group_arn,
            Tags=[
                {"Key": FAULTS_TAG, "Value": ",".join(faults)},
                {"Key": LIST_LAG_TAG, "Value": str(list_lag)},
            ],
        )

    def props(self, revision: int, strategy: list[dict[str, Any]] | None = None) -> dict[str, str]:
        """The custom resource's properties for task definition ``revision`` (0, 1 or 2)."""
        task_definition = self.task_definitions[revision]
        return {
            "ServiceToken": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:framework",
            "ApplicationName": self.name,
            "DeploymentGroupName": self.name,
            "Cluster": self.name,
            "Service": self.name,
            "TaskDefinitionArn": task_definition,
            "AppSpec": appspec(task_definition, strategy if strategy is not None else FIRST),
            "SuspendScaleIn": "true",
            "ScalableTargetResourceId": self.resource_id,
        }

    # -- what the scenarios check --------------------------------------------------------------

    def service(self) -> dict[str, Any]:
        found: dict[str, Any] = self.client("ecs").describe_services(
            cluster=self.name, services=[self.name]
        )["services"][0]
        return found

    def running(self) -> tuple[str, list[tuple[str, int, int]]]:
        """The service's task definition and capacity provider strategy."""
        service = self.service()
        strategy = sorted(
            (i["capacityProvider"], i.get("base", 0), i.get("weight", 0))
            for i in service.get("capacityProviderStrategy", [])
        )
        return str(service["taskDefinition"]), strategy

    def scale_in_suspended(self) -> bool:
        targets = self.client("application-autoscaling").describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[self.resource_id]
        )["ScalableTargets"]
        state = targets[0].get("SuspendedState") or {}
        return bool(state.get("DynamicScalingInSuspended", False))

    def deployments(self, *statuses: str) -> list[str]:
        kwargs: dict[str, Any] = {"applicationName": self.name, "deploymentGroupName": self.name}
        if statuses:
            kwargs["includeOnlyStatuses"] = list(statuses)
        ids: list[str] = []
        while True:
            page = self.client("codedeploy").list_deployments(**kwargs)
            ids += page["deployments"]
            if "nextToken" not in page:
                return ids
            kwargs["nextToken"] = page["nextToken"]

    def deployment(self, deployment_id: str) -> dict[str, Any]:
        info: dict[str, Any] = self.client("codedeploy").get_deployment(deploymentId=deployment_id)[
            "deploymentInfo"
        ]
        return info

    def wait_until_final(self, deployment_id: str, polls: int = 50) -> dict[str, Any]:
        """Read a deployment until it is final (each read is a simulated minute); bounded."""
        deadline = time.monotonic() + DEADLINE_S
        for _ in range(polls):
            info = self.deployment(deployment_id)
            if info["status"] not in index.ACTIVE:
                return info
            if time.monotonic() > deadline:
                break
        raise ScenarioStuckError(
            f"deployment {deployment_id} still {info['status']} after {polls} reads"
        )


@dataclass
class Release:
    """The custom resource as CloudFormation and the provider framework drive it."""

    world: World
    props: dict[str, str] = field(default_factory=dict)
    physical_id: str = ""
    provider_polls: int = PROVIDER_POLLS
    suspended_while_polling: list[bool] = field(default_factory=list)
    rollback_outcome: Outcome | None = None
    """The answer to CloudFormation's rollback Update after the last failed :meth:`update`."""

    def event(
        self, request: str, props: dict[str, str], old: dict[str, str] | None
    ) -> dict[str, Any]:
        event: dict[str, Any] = {
            "RequestType": request,
            "LogicalResourceId": "Release",
            "StackId": STACK_ID,
            "RequestId": str(uuid.uuid4()),
            "ResourceType": "Custom::EcsCodeDeployRelease",
            "ResourceProperties": props,
        }
        if request != "Create":
            event["PhysicalResourceId"] = self.physical_id
        if old is not None:
            event["OldResourceProperties"] = old
        return event

    def start(
        self, request: str, props: dict[str, str], old: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """onEvent; returns the event the waiter polls isComplete with (framework merge)."""
        event = self.event(request, props, old)
        answer = index.on_event(event)
        return {**event, **answer}

    def poll(self, waiting: dict[str, Any], polls: int) -> Outcome:
        """isComplete up to ``polls`` times; the provider's timeout when it never completes."""
        deadline = time.monotonic() + DEADLINE_S
        for count in range(1, polls + 1):
            if time.monotonic() > deadline:
                raise ScenarioStuckError(f"still polling after {DEADLINE_S} s ({count} polls)")
            try:
                answer = index.is_complete(waiting)
            except Exception as error:  # the framework answers FAILED with the message
                return Outcome(
                    "FAILED", waiting.get("PhysicalResourceId", ""), reason=str(error), polls=count
                )
            if answer.get("IsComplete"):
                data = {**waiting.get("Data", {}), **answer.get("Data", {})}
                physical = answer.get("PhysicalResourceId", waiting["PhysicalResourceId"])
                return Outcome("SUCCESS", physical, data, polls=count)
            self.suspended_while_polling.append(self.world.scale_in_suspended())
        return Outcome(
            "TIMEOUT", waiting["PhysicalResourceId"], reason="Operation timed out", polls=polls
        )

    def request(
        self,
        request: str,
        props: dict[str, str],
        old: dict[str, str] | None = None,
        *,
        polls: int | None = None,
    ) -> Outcome:
        """One CloudFormation request, start to answer."""
        try:
            waiting = self.start(request, props, old)
        except Exception as error:
            return Outcome("FAILED", self.physical_id, reason=str(error))
        outcome = self.poll(waiting, self.provider_polls if polls is None else polls)
        if outcome.status == "SUCCESS" and request != "Delete":
            self.physical_id, self.props = outcome.physical_id, props
        return outcome

    def create(self, props: dict[str, str]) -> Outcome:
        return self.request("Create", props)

    def update(self, props: dict[str, str], *, polls: int | None = None) -> Outcome:
        """A stack update of this resource; on a failure CloudFormation's rollback Update."""
        old = self.props
        outcome = self.request("Update", props, old, polls=polls)
        if outcome.status != "SUCCESS":
            self.rollback_outcome = self.request("Update", old, props)
        return outcome

    def abandon(self, props: dict[str, str], polls: int = 2) -> str:
        """An update whose waiter is cut off after ``polls`` (a cancelled or timed-out stack
        operation); returns the deployment it left running."""
        waiting = self.start("Update", props, self.props)
        outcome = self.poll(waiting, polls)
        assert outcome.status == "TIMEOUT", outcome
        deployment_id = str(waiting["Data"]["DeploymentId"])
        assert self.world.deployment(deployment_id)["status"] in index.ACTIVE
        return deployment_id
