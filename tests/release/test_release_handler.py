"""CodeDeployRelease's Lambda handlers, against botocore Stubbers (no AWS account).

Every stubbed call asserts its exact parameters; ``assert_no_pending_responses`` proves that
each expected call was made, and an unexpected call fails the Stubber.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3  # type: ignore[import-untyped,unused-ignore]
import pytest
from botocore.exceptions import (  # type: ignore[import-untyped,unused-ignore]
    BotoCoreError,
    EndpointConnectionError,
)
from botocore.stub import Stubber  # type: ignore[import-untyped,unused-ignore]

from ecs_patterns.release._handler import index

OLD = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1"
NEW = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"
APPSPEC_PROPERTIES: dict[str, Any] = {
    "TaskDefinition": NEW,
    "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8080},
    "NetworkConfiguration": {
        "AwsvpcConfiguration": {
            "Subnets": ["subnet-1", "subnet-2"],
            "SecurityGroups": ["sg-1"],
            "AssignPublicIp": "DISABLED",
        }
    },
    "CapacityProviderStrategy": [
        {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ],
}


def appspec(**changes: Any) -> str:
    properties = {**APPSPEC_PROPERTIES, **changes}
    target = {"Type": "AWS::ECS::Service", "Properties": properties}
    return json.dumps({"version": "0.0", "Resources": [{"TargetService": target}]})


APPSPEC = appspec()
# What ECS reports for a task set (or service) running exactly APPSPEC (less the revision).
RUNNING: dict[str, Any] = {
    "loadBalancers": [
        {"targetGroupArn": "arn:tg/blue", "containerName": "web", "containerPort": 8080}
    ],
    "networkConfiguration": {
        "awsvpcConfiguration": {
            "subnets": ["subnet-2", "subnet-1"],
            "securityGroups": ["sg-1"],
            "assignPublicIp": "DISABLED",
        }
    },
    "capacityProviderStrategy": [
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
    ],
    "platformVersion": "1.4.0",
}
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/App/0a1b2c3d"
DESCRIPTION = f"ecs-patterns CodeDeployRelease Release in {STACK_ID}"
DEPLOYMENT = "d-ABCDEFGH1"
PREVIOUS = "d-ABCDEFGH0"
ROLLBACK = "d-ROLLBACK1"
FOLLOW_UP = "d-FOLLOWUP1"
FOLLOW_UP_DESCRIPTION = f"{DESCRIPTION} after {DEPLOYMENT}"
CREATED = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.UTC)
PROPS = {
    "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:framework",
    "ApplicationName": "web-app",
    "DeploymentGroupName": "web-group",
    "Cluster": "platform",
    "Service": "web",
    "TaskDefinitionArn": NEW,
    "AppSpec": APPSPEC,
}
GROUP = {"applicationName": "web-app", "deploymentGroupName": "web-group"}
ACTIVE_FILTER = {**GROUP, "includeOnlyStatuses": list(index.ACTIVE)}


@dataclass
class Stubs:
    codedeploy: Any
    ecs: Any
    autoscaling: Any
    clients: dict[str, Any]


@pytest.fixture(scope="module")
def session() -> Any:
    """One session: its loader caches the service models, so each test's clients are cheap."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


@pytest.fixture
def stubs(session: Any) -> Iterator[Stubs]:
    clients = {
        "autoscaling": session.client("application-autoscaling"),
        "codedeploy": session.client("codedeploy"),
        "ecs": session.client("ecs"),
    }
    with (
        Stubber(clients["codedeploy"]) as codedeploy,
        Stubber(clients["ecs"]) as ecs,
        Stubber(clients["autoscaling"]) as autoscaling,
    ):
        yield Stubs(codedeploy=codedeploy, ecs=ecs, autoscaling=autoscaling, clients=clients)
        codedeploy.assert_no_pending_responses()
        ecs.assert_no_pending_responses()
        autoscaling.assert_no_pending_responses()


def event(request: str, physical_id: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "RequestType": request,
        "LogicalResourceId": "Release",
        "StackId": STACK_ID,
        "RequestId": "req-1",
        "ResourceType": "Custom::EcsCodeDeployRelease",
        "ResourceProperties": dict(PROPS),
        **extra,
    }
    if physical_id is not None:
        out["PhysicalResourceId"] = physical_id
    return out


def no_active_deployments(stubs: Stubs) -> None:
    stubs.codedeploy.add_response("list_deployments", {"deployments": []}, ACTIVE_FILTER)


def service_runs(
    stubs: Stubs, task_definition: str, *, task_sets: bool = True, **changes: Any
) -> None:
    state = {**RUNNING, "taskDefinition": task_definition, **changes}
    service: dict[str, Any] = {"serviceName": "web", "status": "ACTIVE", **state}
    if task_sets:
        # The service's own fields lag behind; the PRIMARY task set decides.
        service["taskDefinition"] = OLD
        service["capacityProviderStrategy"] = []
        service["taskSets"] = [
            {"id": "ecs-svc/2", "status": "ACTIVE", "taskDefinition": "arn:other"},
            {"id": "ecs-svc/1", "status": "PRIMARY", **state},
        ]
    stubs.ecs.add_response(
        "describe_services",
        {"services": [service], "failures": []},
        {"cluster": "platform", "services": ["web"]},
    )


def deployment(stubs: Stubs, deployment_id: str, status: str, **info: Any) -> None:
    stubs.codedeploy.add_response(
        "get_deployment",
        {"deploymentInfo": {"deploymentId": deployment_id, "status": status, **info}},
        {"deploymentId": deployment_id},
    )


def create_deployment(stubs: Stubs) -> None:
    stubs.codedeploy.add_response(
        "create_deployment",
        {"deploymentId": DEPLOYMENT},
        {
            **GROUP,
            "description": DESCRIPTION,
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": APPSPEC}},
        },
    )


def data(action: str, deployment_id: str = "") -> dict[str, str]:
    return {"DeploymentId": deployment_id, "Action": action}


# ---------------------------------------------------------------------------------------------
# on_event: Create and Update


def test_create_skips_when_the_service_already_runs_the_task_definition(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, NEW)
    result = index.handle_event(event("Create"), stubs.clients)
    assert result == {
        "PhysicalResourceId": f"no-deployment:{NEW}",
        "Data": data(index.ACTION_NONE),
    }


def test_create_skip_reads_the_service_task_definition_without_task_sets(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, NEW, task_sets=False)
    result = index.handle_event(event("Create"), stubs.clients)
    assert result["Data"]["Action"] == index.ACTION_NONE


@pytest.mark.parametrize(
    ("changes", "difference"),
    [
        (
            {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]},
            "capacity provider strategy",
        ),
        (
            {
                "networkConfiguration": {
                    "awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}
                }
            },
            "subnets",
        ),
        (
            {
                "networkConfiguration": {
                    "awsvpcConfiguration": {
                        "subnets": ["subnet-1", "subnet-2"],
                        "securityGroups": ["sg-9"],
                    }
                }
            },
            "security groups",
        ),
        (
            {"loadBalancers": [{"containerName": "web", "containerPort": 80}]},
            "load balancer container",
        ),
    ],
)
def test_update_deploys_an_appspec_change_with_the_same_task_definition(
    stubs: Stubs, changes: dict[str, Any], difference: str, caplog: pytest.LogCaptureFixture
) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, NEW, **changes)
    create_deployment(stubs)
    with caplog.at_level(logging.INFO):
        result = index.handle_event(event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)
    assert difference in caplog.text


def test_a_pinned_platform_version_is_compared_and_latest_is_not() -> None:
    current = {**RUNNING, "taskDefinition": NEW}
    pinned = {**PROPS, "AppSpec": appspec(PlatformVersion="1.3.0")}
    latest = {**PROPS, "AppSpec": appspec(PlatformVersion="LATEST")}
    assert index.differences(pinned, current) == ["platform version: 1.4.0 -> 1.3.0"]
    assert index.differences(latest, current) == []


def test_public_ip_defaults_to_disabled_on_both_sides() -> None:
    network = {"Subnets": ["subnet-1", "subnet-2"], "SecurityGroups": ["sg-1"]}
    props = {**PROPS, "AppSpec": appspec(NetworkConfiguration={"AwsvpcConfiguration": network})}
    current = {**copy.deepcopy(RUNNING), "taskDefinition": NEW}
    del current["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"]
    assert index.differences(props, current) == []


def test_create_deploys_when_the_service_runs_another_task_definition(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    create_deployment(stubs)
    result = index.handle_event(event("Create"), stubs.clients)
    assert result == {
        "PhysicalResourceId": DEPLOYMENT,
        "Data": data(index.ACTION_DEPLOY, DEPLOYMENT),
    }


def test_update_with_a_new_revision_creates_a_deployment(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    create_deployment(stubs)
    result = index.handle_event(
        event("Update", PREVIOUS, OldResourceProperties={**PROPS, "TaskDefinitionArn": OLD}),
        stubs.clients,
    )
    assert result["PhysicalResourceId"] == DEPLOYMENT
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)


def test_stack_rollback_after_codedeploy_rolled_back_deploys_nothing(stubs: Stubs) -> None:
    # The rollback replays the old AppSpec (TaskDefinitionArn=OLD) and the service runs OLD.
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    rollback = event("Update", DEPLOYMENT)
    rollback["ResourceProperties"]["TaskDefinitionArn"] = OLD
    result = index.handle_event(rollback, stubs.clients)
    assert result == {"PhysicalResourceId": f"no-deployment:{OLD}", "Data": data("NONE")}


def test_update_stops_its_own_deployment_left_running_by_a_timed_out_operation(
    stubs: Stubs,
) -> None:
    stubs.codedeploy.add_response("list_deployments", {"deployments": [DEPLOYMENT]}, ACTIVE_FILTER)
    deployment(stubs, DEPLOYMENT, "InProgress", description=DESCRIPTION)
    stubs.codedeploy.add_response(
        "stop_deployment",
        {"status": "Pending", "statusMessage": "stopping"},
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True},
    )
    result = index.handle_event(event("Update", PREVIOUS), stubs.clients)
    assert result == {"PhysicalResourceId": DEPLOYMENT, "Data": data("STOP", DEPLOYMENT)}


def test_fails_when_another_deployment_is_running_in_the_group(stubs: Stubs) -> None:
    stubs.codedeploy.add_response(
        "list_deployments",
        {"deployments": ["d-FOREIGN01"]},
        ACTIVE_FILTER,
    )
    deployment(stubs, "d-FOREIGN01", "InProgress", description="started by a pipeline")
    with pytest.raises(RuntimeError, match=r"d-FOREIGN01 \(InProgress\).*not started by this"):
        index.handle_event(event("Update", PREVIOUS), stubs.clients)


def test_waits_for_codedeploys_rollback_of_its_own_deployment(stubs: Stubs) -> None:
    # The stack rollback arrives while CodeDeploy's automatic rollback of our deployment runs.
    stubs.codedeploy.add_response("list_deployments", {"deployments": [ROLLBACK]}, ACTIVE_FILTER)
    deployment(
        stubs,
        ROLLBACK,
        "InProgress",
        creator="autoRollback",
        rollbackInfo={"rollbackTriggeringDeploymentId": DEPLOYMENT},
    )
    deployment(stubs, DEPLOYMENT, "Failed", description=DESCRIPTION)
    # no StopDeployment, no CreateDeployment: the Stubber rejects any other call
    rollback = event("Update", DEPLOYMENT)
    rollback["ResourceProperties"]["TaskDefinitionArn"] = OLD
    result = index.handle_event(rollback, stubs.clients)
    assert result == {"PhysicalResourceId": ROLLBACK, "Data": data("WAIT", ROLLBACK)}


def test_rollback_of_a_foreign_deployment_still_fails(stubs: Stubs) -> None:
    stubs.codedeploy.add_response("list_deployments", {"deployments": [ROLLBACK]}, ACTIVE_FILTER)
    deployment(
        stubs,
        ROLLBACK,
        "InProgress",
        creator="autoRollback",
        rollbackInfo={"rollbackTriggeringDeploymentId": "d-FOREIGN01"},
    )
    deployment(stubs, "d-FOREIGN01", "Failed", description="started by a pipeline")
    with pytest.raises(RuntimeError, match=rf"{ROLLBACK} \(InProgress\).*not started by this"):
        index.handle_event(event("Update", PREVIOUS), stubs.clients)


def test_waiting_for_the_rollback_completes_when_the_service_matches(stubs: Stubs) -> None:
    rollback_props = {**PROPS, "TaskDefinitionArn": OLD, "AppSpec": appspec(TaskDefinition=OLD)}
    waiting_event = event("Update", ROLLBACK, Data=data("WAIT", ROLLBACK))
    waiting_event["ResourceProperties"] = rollback_props
    deployment(stubs, ROLLBACK, "InProgress")
    assert index.check_complete(waiting_event, stubs.clients) == {"IsComplete": False}
    deployment(stubs, ROLLBACK, "Succeeded")  # no createTime: every deployment is read
    stubs.codedeploy.add_response("list_deployments", {"deployments": [ROLLBACK]}, GROUP)
    service_runs(stubs, OLD)
    assert index.check_complete(waiting_event, stubs.clients) == {"IsComplete": True}


def test_lists_every_page_of_active_deployments(stubs: Stubs) -> None:
    stubs.codedeploy.add_response(
        "list_deployments", {"deployments": [], "nextToken": "page-2"}, ACTIVE_FILTER
    )
    stubs.codedeploy.add_response(
        "list_deployments", {"deployments": []}, {**ACTIVE_FILTER, "nextToken": "page-2"}
    )
    service_runs(stubs, NEW)
    assert index.handle_event(event("Create"), stubs.clients)["Data"]["Action"] == "NONE"


def test_fails_when_the_service_is_missing(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    stubs.ecs.add_response(
        "describe_services",
        {"services": [], "failures": [{"arn": "web", "reason": "MISSING"}]},
        {"cluster": "platform", "services": ["web"]},
    )
    with pytest.raises(RuntimeError, match="MISSING"):
        index.handle_event(event("Create"), stubs.clients)


def test_create_deployment_errors_fail_the_request(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    stubs.codedeploy.add_client_error(
        "create_deployment", "DeploymentLimitExceededException", "an active deployment"
    )
    with pytest.raises(Exception, match="DeploymentLimitExceededException"):
        index.handle_event(event("Update", PREVIOUS), stubs.clients)


def test_unknown_request_type_fails(stubs: Stubs) -> None:
    with pytest.raises(ValueError, match="Replace"):
        index.handle_event(event("Replace", PREVIOUS), stubs.clients)


# ---------------------------------------------------------------------------------------------
# on_event: Delete


def test_delete_stops_a_deployment_in_progress_with_rollback(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "InProgress")
    stubs.codedeploy.add_response(
        "stop_deployment",
        {"status": "Pending"},
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True},
    )
    result = index.handle_event(event("Delete", DEPLOYMENT), stubs.clients)
    assert result == {"PhysicalResourceId": DEPLOYMENT}


@pytest.mark.parametrize("status", ["Succeeded", "Failed", "Stopped"])
def test_delete_leaves_a_finished_deployment_alone(stubs: Stubs, status: str) -> None:
    deployment(stubs, DEPLOYMENT, status)
    result = index.handle_event(event("Delete", DEPLOYMENT), stubs.clients)
    assert result == {"PhysicalResourceId": DEPLOYMENT}


def test_delete_without_a_deployment_calls_nothing(stubs: Stubs) -> None:
    physical_id = f"no-deployment:{NEW}"
    assert index.handle_event(event("Delete", physical_id), stubs.clients) == {
        "PhysicalResourceId": physical_id
    }


def test_delete_ignores_network_errors(stubs: Stubs, caplog: pytest.LogCaptureFixture) -> None:
    error = EndpointConnectionError(endpoint_url="https://codedeploy.us-east-1.amazonaws.com")

    class Unreachable:
        def get_deployment(self, **_: Any) -> Any:
            raise error

    clients = {**stubs.clients, "codedeploy": Unreachable()}
    with caplog.at_level(logging.WARNING):
        result = index.handle_event(event("Delete", DEPLOYMENT), clients)
    assert result == {"PhysicalResourceId": DEPLOYMENT}
    assert "ignoring error" in caplog.text
    assert "Could not connect" in caplog.text


@pytest.mark.parametrize("failing", ["get_deployment", "stop_deployment"])
def test_delete_ignores_errors(
    stubs: Stubs, failing: str, caplog: pytest.LogCaptureFixture
) -> None:
    if failing == "get_deployment":
        stubs.codedeploy.add_client_error(
            "get_deployment", "DeploymentDoesNotExistException", "gone"
        )
    else:
        deployment(stubs, DEPLOYMENT, "InProgress")
        stubs.codedeploy.add_client_error(
            "stop_deployment", "DeploymentAlreadyCompletedException", "done"
        )
    with caplog.at_level(logging.WARNING):
        result = index.handle_event(event("Delete", DEPLOYMENT), stubs.clients)
    assert result == {"PhysicalResourceId": DEPLOYMENT}
    assert "ignoring error" in caplog.text


# ---------------------------------------------------------------------------------------------
# is_complete


def waiting(action: str = "DEPLOY", request: str = "Update") -> dict[str, Any]:
    return event(request, DEPLOYMENT, Data=data(action, DEPLOYMENT))


@pytest.mark.parametrize("status", ["Created", "Queued", "InProgress", "Baking", "Ready"])
def test_not_complete_while_the_deployment_runs(stubs: Stubs, status: str) -> None:
    deployment(stubs, DEPLOYMENT, status)
    assert index.check_complete(waiting(), stubs.clients) == {"IsComplete": False}


def test_complete_when_the_deployment_succeeded(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Succeeded")
    assert index.check_complete(waiting(), stubs.clients) == {"IsComplete": True}


def test_complete_at_once_when_nothing_was_deployed(stubs: Stubs) -> None:
    skipped = event("Create", f"no-deployment:{NEW}", Data=data("NONE"))
    assert index.check_complete(skipped, stubs.clients) == {"IsComplete": True}


def test_complete_at_once_on_delete(stubs: Stubs) -> None:
    assert index.check_complete(waiting(request="Delete"), stubs.clients) == {"IsComplete": True}


@pytest.mark.parametrize("status", ["Failed", "Stopped"])
def test_failure_without_rollback_raises_codedeploy_error(stubs: Stubs, status: str) -> None:
    deployment(
        stubs,
        DEPLOYMENT,
        status,
        errorInformation={"code": "ECS_UPDATE_ERROR", "message": "tasks failed health checks"},
    )
    with pytest.raises(RuntimeError) as raised:
        index.check_complete(waiting(), stubs.clients)
    message = str(raised.value)
    assert f"{DEPLOYMENT} {status}: [ECS_UPDATE_ERROR] tasks failed health checks." in message
    assert "rolls the stack back" in message


def test_failure_waits_while_the_rollback_deployment_runs(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Failed", rollbackInfo={"rollbackDeploymentId": ROLLBACK})
    deployment(stubs, ROLLBACK, "InProgress")
    assert index.check_complete(waiting(), stubs.clients) == {"IsComplete": False}


@pytest.mark.parametrize("rollback_status", ["Succeeded", "Failed"])
def test_failure_raises_once_the_rollback_finished(stubs: Stubs, rollback_status: str) -> None:
    deployment(
        stubs,
        DEPLOYMENT,
        "Failed",
        errorInformation={"code": "ALARM_ACTIVE", "message": "5xx alarm"},
        rollbackInfo={
            "rollbackDeploymentId": ROLLBACK,
            "rollbackMessage": "Rolled back to the original task set.",
        },
    )
    deployment(stubs, ROLLBACK, rollback_status)
    with pytest.raises(RuntimeError) as raised:
        index.check_complete(waiting(), stubs.clients)
    message = str(raised.value)
    assert "[ALARM_ACTIVE] 5xx alarm." in message
    assert f"Rollback deployment {ROLLBACK}: {rollback_status}." in message
    assert "Rolled back to the original task set." in message


def test_stopped_leftover_waits_for_the_stop(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "InProgress")
    assert index.check_complete(waiting("STOP"), stubs.clients) == {"IsComplete": False}


def no_follow_up(stubs: Stubs, *others: str) -> None:
    """ListDeployments since DEPLOYMENT was created: only ``others`` (none is a follow-up)."""
    stubs.codedeploy.add_response(
        "list_deployments",
        {"deployments": [DEPLOYMENT, *others]},
        {**GROUP, "createTimeRange": {"start": CREATED}},
    )
    for other in others:
        deployment(stubs, other, "Succeeded", description="something else")


def follow_up(stubs: Stubs, status: str, **info: Any) -> None:
    stubs.codedeploy.add_response(
        "list_deployments",
        {"deployments": [FOLLOW_UP, ROLLBACK, DEPLOYMENT]},
        {**GROUP, "createTimeRange": {"start": CREATED}},
    )
    deployment(stubs, FOLLOW_UP, status, description=FOLLOW_UP_DESCRIPTION, **info)


def create_follow_up(stubs: Stubs) -> None:
    stubs.codedeploy.add_response(
        "create_deployment",
        {"deploymentId": FOLLOW_UP},
        {
            **GROUP,
            "description": FOLLOW_UP_DESCRIPTION,
            "revision": {"revisionType": "AppSpecContent", "appSpecContent": {"content": APPSPEC}},
        },
    )


def test_stopped_leftover_completes_when_the_service_runs_the_requested_revision(
    stubs: Stubs,
) -> None:
    deployment(stubs, DEPLOYMENT, "Stopped", createTime=CREATED)
    no_follow_up(stubs, ROLLBACK)
    service_runs(stubs, NEW)
    assert index.check_complete(waiting("STOP"), stubs.clients) == {"IsComplete": True}


@pytest.mark.parametrize("action", ["STOP", "WAIT"])
def test_forward_update_deploys_the_appspec_once_the_leftover_is_over(
    stubs: Stubs, action: str
) -> None:
    # Stopped leftover (or CodeDeploy's rollback) over, service on OLD, the update asks for NEW:
    # deploy NEW now instead of failing with "retry the stack update".
    deployment(stubs, DEPLOYMENT, "Stopped", createTime=CREATED)
    no_follow_up(stubs)
    service_runs(stubs, OLD)
    create_follow_up(stubs)
    assert index.check_complete(waiting(action), stubs.clients) == {"IsComplete": False}


def test_follow_up_deployment_is_waited_for_then_completes(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Stopped", createTime=CREATED)
    follow_up(stubs, "InProgress")  # no second CreateDeployment, no DescribeServices
    assert index.check_complete(waiting("STOP"), stubs.clients) == {"IsComplete": False}
    deployment(stubs, DEPLOYMENT, "Stopped", createTime=CREATED)
    follow_up(stubs, "Succeeded")
    assert index.check_complete(waiting("STOP"), stubs.clients) == {
        "IsComplete": True,
        "Data": {"DeploymentId": FOLLOW_UP},
    }


def test_failed_follow_up_deployment_fails_the_update(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Succeeded", createTime=CREATED)  # done before the stop
    follow_up(
        stubs,
        "Failed",
        errorInformation={"code": "HEALTH_CONSTRAINTS", "message": "unhealthy"},
    )
    with pytest.raises(RuntimeError, match=rf"{FOLLOW_UP} Failed: \[HEALTH_CONSTRAINTS\]"):
        index.check_complete(waiting("STOP"), stubs.clients)


def test_permanent_api_errors_fail_is_complete(stubs: Stubs) -> None:
    stubs.codedeploy.add_client_error("get_deployment", "AccessDeniedException", "no")
    with pytest.raises(Exception, match="AccessDeniedException"):
        index.check_complete(waiting(), stubs.clients)


@pytest.mark.parametrize(
    ("code", "http_status"),
    [("ThrottlingException", 400), ("InternalError", 500), ("ServiceUnavailable", 503)],
)
def test_transient_api_errors_mean_not_yet(
    stubs: Stubs, code: str, http_status: int, caplog: pytest.LogCaptureFixture
) -> None:
    stubs.codedeploy.add_client_error(
        "get_deployment", code, "try later", http_status_code=http_status
    )
    with caplog.at_level(logging.WARNING):
        assert index.check_complete(waiting(), stubs.clients) == {"IsComplete": False}
    assert "transient error" in caplog.text


def test_network_errors_mean_not_yet() -> None:
    class Unreachable:
        def get_deployment(self, **_: Any) -> Any:
            raise EndpointConnectionError(endpoint_url="https://codedeploy")

    clients = {"codedeploy": Unreachable(), "ecs": None}
    assert index.check_complete(waiting(), clients) == {"IsComplete": False}


def test_other_botocore_errors_fail_is_complete() -> None:
    class Broken:
        def get_deployment(self, **_: Any) -> Any:
            raise BotoCoreError()

    with pytest.raises(BotoCoreError):
        index.check_complete(waiting(), {"codedeploy": Broken(), "ecs": None})


# ---------------------------------------------------------------------------------------------
# entry points


def test_entry_points_build_their_own_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    def fake_clients() -> dict[str, Any]:
        clients: dict[str, Any] = {"codedeploy": object(), "ecs": object()}
        seen.append(clients)
        return clients

    monkeypatch.setattr(index, "_clients", fake_clients)
    skipped = event("Delete", f"no-deployment:{NEW}")
    assert index.on_event(skipped, None) == {"PhysicalResourceId": f"no-deployment:{NEW}"}
    assert index.is_complete(skipped, None) == {"IsComplete": True}
    assert len(seen) == 2


def test_default_clients_use_standard_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    clients = index._clients()
    assert sorted(clients) == ["autoscaling", "codedeploy", "ecs"]
    assert clients["autoscaling"].meta.service_model.service_name == "application-autoscaling"
    assert clients["codedeploy"].meta.config.retries["mode"] == "standard"


# ---------------------------------------------------------------------------------------------
# scale-in suspended for the length of a deployment (SuspendScaleIn)

TARGET = "service/platform/web"
TARGET_ARN_PREFIX = "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target"
SCALING_PROPS = {**PROPS, "SuspendScaleIn": "true", "ScalableTargetResourceId": TARGET}
TARGET_KEY = {
    "ServiceNamespace": "ecs",
    "ResourceId": TARGET,
    "ScalableDimension": "ecs:service:DesiredCount",
}


def scaling_event(request: str, physical_id: str | None = None, **extra: Any) -> dict[str, Any]:
    out = event(request, physical_id, **extra)
    out["ResourceProperties"] = dict(SCALING_PROPS)
    return out


def scalable_target(
    stubs: Stubs, *, scale_in_suspended: bool | None, out: bool = False, scheduled: bool = False
) -> None:
    """DescribeScalableTargets answers; ``scale_in_suspended=None``: no target registered."""
    targets: list[dict[str, Any]] = []
    if scale_in_suspended is not None:
        targets.append(
            {
                **TARGET_KEY,
                "MinCapacity": 2,
                "MaxCapacity": 10,
                "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/ecs",
                "CreationTime": "2026-01-01T00:00:00Z",
                "SuspendedState": {
                    "DynamicScalingInSuspended": scale_in_suspended,
                    "DynamicScalingOutSuspended": out,
                    "ScheduledScalingSuspended": scheduled,
                },
            }
        )
    stubs.autoscaling.add_response(
        "describe_scalable_targets",
        {"ScalableTargets": targets},
        {
            "ServiceNamespace": "ecs",
            "ResourceIds": [TARGET],
            "ScalableDimension": "ecs:service:DesiredCount",
        },
    )


def scale_in_set(
    stubs: Stubs, suspended: bool, *, out: bool = False, scheduled: bool = False
) -> None:
    """RegisterScalableTarget with exactly the suspended state, and no MinCapacity/MaxCapacity."""
    stubs.autoscaling.add_response(
        "register_scalable_target",
        {"ScalableTargetARN": f"{TARGET_ARN_PREFIX}/1234abcd56ab78cd901ef1234567890ab123"},
        {
            **TARGET_KEY,
            "SuspendedState": {
                "DynamicScalingInSuspended": suspended,
                "DynamicScalingOutSuspended": out,
                "ScheduledScalingSuspended": scheduled,
            },
        },
    )


def test_scale_in_target_needs_the_flag_and_the_resource_id() -> None:
    assert index.scale_in_target(SCALING_PROPS) == TARGET
    assert index.scale_in_target({**SCALING_PROPS, "SuspendScaleIn": "TRUE"}) == TARGET
    assert index.scale_in_target({**SCALING_PROPS, "SuspendScaleIn": "false"}) is None
    assert index.scale_in_target(PROPS) is None
    assert index.scale_in_target({**PROPS, "SuspendScaleIn": "true"}) is None


def test_update_suspends_scale_in_before_creating_the_deployment(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    scalable_target(stubs, scale_in_suspended=False)
    scale_in_set(stubs, True)
    create_deployment(stubs)
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)


def test_suspending_keeps_scale_out_and_scheduled_scaling_as_they_were(stubs: Stubs) -> None:
    scalable_target(stubs, scale_in_suspended=False, out=True, scheduled=True)
    scale_in_set(stubs, True, out=True, scheduled=True)
    assert index.set_scale_in_suspended(TARGET, True, stubs.clients["autoscaling"]) is True


def test_update_without_a_scalable_target_deploys_without_suspending(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    scalable_target(stubs, scale_in_suspended=None)
    create_deployment(stubs)  # no RegisterScalableTarget: the Stubber rejects any other call
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)


@pytest.mark.parametrize("failing", ["describe_scalable_targets", "register_scalable_target"])
def test_a_failed_suspend_is_logged_and_the_release_deploys_anyway(
    stubs: Stubs, failing: str, caplog: pytest.LogCaptureFixture
) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    if failing == "register_scalable_target":
        scalable_target(stubs, scale_in_suspended=False)
    # e.g. Application Auto Scaling's permission validation on the service and its alarms
    stubs.autoscaling.add_client_error(
        failing, "ValidationException", "not authorized to perform: ecs:UpdateService"
    )
    create_deployment(stubs)
    with caplog.at_level(logging.WARNING):
        result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)
    assert "could not suspend dynamic scale-in; deploying anyway" in caplog.text
    assert "ecs:UpdateService" in caplog.text


def test_a_failed_suspend_before_stopping_a_leftover_still_stops_it(stubs: Stubs) -> None:
    stubs.codedeploy.add_response("list_deployments", {"deployments": [DEPLOYMENT]}, ACTIVE_FILTER)
    deployment(stubs, DEPLOYMENT, "InProgress", description=DESCRIPTION)
    stubs.autoscaling.add_client_error("describe_scalable_targets", "AccessDeniedException", "no")
    stubs.codedeploy.add_response(
        "stop_deployment",
        {"status": "Pending"},
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True},
    )
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_STOP, DEPLOYMENT)


def test_retried_update_does_not_suspend_twice(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    scalable_target(stubs, scale_in_suspended=True)
    create_deployment(stubs)  # already suspended: no RegisterScalableTarget
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_DEPLOY, DEPLOYMENT)


def test_create_deployment_failure_resumes_scale_in(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, OLD)
    scalable_target(stubs, scale_in_suspended=False)
    scale_in_set(stubs, True)
    stubs.codedeploy.add_client_error(
        "create_deployment", "DeploymentLimitExceededException", "too many"
    )
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    with pytest.raises(Exception, match="DeploymentLimitExceededException"):
        index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)


def test_nothing_to_deploy_resumes_a_suspension_left_by_a_timeout(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, NEW)
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_NONE)


def test_create_with_nothing_suspended_only_reads_the_target(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    service_runs(stubs, NEW)
    scalable_target(stubs, scale_in_suspended=False)
    result = index.handle_event(scaling_event("Create"), stubs.clients)
    assert result["Data"] == data(index.ACTION_NONE)


def test_stopping_a_leftover_keeps_scale_in_suspended(stubs: Stubs) -> None:
    stubs.codedeploy.add_response("list_deployments", {"deployments": [DEPLOYMENT]}, ACTIVE_FILTER)
    deployment(stubs, DEPLOYMENT, "InProgress", description=DESCRIPTION)
    scalable_target(stubs, scale_in_suspended=False)
    scale_in_set(stubs, True)
    stubs.codedeploy.add_response(
        "stop_deployment",
        {"status": "Pending"},
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True},
    )
    result = index.handle_event(scaling_event("Update", PREVIOUS), stubs.clients)
    assert result["Data"] == data(index.ACTION_STOP, DEPLOYMENT)


def test_switching_the_flag_off_resumes_scale_in(stubs: Stubs) -> None:
    no_active_deployments(stubs)
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    service_runs(stubs, OLD)
    create_deployment(stubs)  # the new properties do not suspend: no second scaling call
    update = event("Update", PREVIOUS, OldResourceProperties=dict(SCALING_PROPS))
    assert index.handle_event(update, stubs.clients)["Data"]["Action"] == index.ACTION_DEPLOY


def test_delete_resumes_scale_in(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "InProgress")
    stubs.codedeploy.add_response(
        "stop_deployment",
        {"status": "Pending"},
        {"deploymentId": DEPLOYMENT, "autoRollbackEnabled": True},
    )
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    assert index.handle_event(scaling_event("Delete", DEPLOYMENT), stubs.clients) == {
        "PhysicalResourceId": DEPLOYMENT
    }


def test_delete_ignores_scaling_errors(stubs: Stubs, caplog: pytest.LogCaptureFixture) -> None:
    stubs.autoscaling.add_client_error("describe_scalable_targets", "AccessDeniedException", "no")
    with caplog.at_level(logging.WARNING):
        result = index.handle_event(scaling_event("Delete", f"no-deployment:{NEW}"), stubs.clients)
    assert result == {"PhysicalResourceId": f"no-deployment:{NEW}"}
    assert "could not resume dynamic scale-in" in caplog.text


def scaling_waiting(action: str = "DEPLOY") -> dict[str, Any]:
    return scaling_event("Update", DEPLOYMENT, Data=data(action, DEPLOYMENT))


def test_scale_in_stays_suspended_while_the_deployment_runs(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "InProgress")  # no scaling call while active
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": False}


def test_success_resumes_scale_in(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Succeeded")
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": True}


def test_scale_in_stays_suspended_while_the_rollback_runs(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Failed", rollbackInfo={"rollbackDeploymentId": ROLLBACK})
    deployment(stubs, ROLLBACK, "InProgress")
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": False}


@pytest.mark.parametrize("status", ["Failed", "Stopped"])
def test_failure_resumes_scale_in_after_the_rollback_then_fails(stubs: Stubs, status: str) -> None:
    deployment(
        stubs,
        DEPLOYMENT,
        status,
        errorInformation={"code": "ALARM_ACTIVE", "message": "5xx alarm"},
        rollbackInfo={"rollbackDeploymentId": ROLLBACK},
    )
    deployment(stubs, ROLLBACK, "Succeeded")
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    with pytest.raises(RuntimeError, match=r"\[ALARM_ACTIVE\] 5xx alarm"):
        index.check_complete(scaling_waiting(), stubs.clients)


def test_stopped_leftover_resumes_scale_in_when_done(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Stopped", createTime=CREATED)
    no_follow_up(stubs)
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    service_runs(stubs, NEW)
    assert index.check_complete(scaling_waiting("STOP"), stubs.clients) == {"IsComplete": True}


def test_success_without_a_scalable_target_completes(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Succeeded")
    scalable_target(stubs, scale_in_suspended=None)
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": True}


def test_throttled_resume_is_retried_at_the_next_poll(stubs: Stubs) -> None:
    deployment(stubs, DEPLOYMENT, "Succeeded")
    scalable_target(stubs, scale_in_suspended=True)
    stubs.autoscaling.add_client_error(
        "register_scalable_target", "ConcurrentUpdateException", "busy", http_status_code=400
    )
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": False}
    # next poll: the status is read again and the resume is repeated
    deployment(stubs, DEPLOYMENT, "Succeeded")
    scalable_target(stubs, scale_in_suspended=True)
    scale_in_set(stubs, False)
    assert index.check_complete(scaling_waiting(), stubs.clients) == {"IsComplete": True}
