"""The CodeDeploy simulator on its own, in-process (no moto, no network; fast unit tests).

The scenarios in ``test_release_scenarios.py`` run it inside the moto server; these pin down
its lifecycle so that a scenario's result means what its name says.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session  # type: ignore[import-untyped,unused-ignore]
import pytest

from tests.deploy.codedeploy_sim import (
    ERRORS,
    CodeDeploySim,
    Group,
    MemoryEcs,
    MemoryGroups,
    Revision,
    SimError,
    traffic_steps,
)

OLD = Revision("arn:td/web:1", (("FARGATE", 1, 1),))
NEW = Revision("arn:td/web:2", (("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)))
ROLLBACK_ON = frozenset({"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"})


def appspec(revision: Revision) -> str:
    strategy = [
        {"CapacityProvider": p, "Base": b, "Weight": w}
        for p, b, w in revision.capacity_provider_strategy
    ]
    properties = {"TaskDefinition": revision.task_definition, "CapacityProviderStrategy": strategy}
    target = {"Type": "AWS::ECS::Service", "Properties": properties}
    return json.dumps({"version": "0.0", "Resources": [{"TargetService": target}]})


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def sim(**group: Any) -> tuple[CodeDeploySim, MemoryEcs]:
    groups, ecs = MemoryGroups(), MemoryEcs()
    groups.add(Group("app", "group", "cluster", "web", **group))
    ecs.switch("cluster", "web", OLD)
    return CodeDeploySim(groups, ecs, clock=Clock(), seed=1), ecs


def create(simulator: CodeDeploySim, revision: Revision = NEW, description: str = "mine") -> str:
    answer = simulator.handle(
        "CreateDeployment",
        {
            "applicationName": "app",
            "deploymentGroupName": "group",
            "description": description,
            "revision": {
                "revisionType": "AppSpecContent",
                "appSpecContent": {"content": appspec(revision)},
            },
        },
    )
    return str(answer["deploymentId"])


def read(simulator: CodeDeploySim, deployment_id: str) -> dict[str, Any]:
    info: dict[str, Any] = simulator.handle("GetDeployment", {"deploymentId": deployment_id})[
        "deploymentInfo"
    ]
    return info


def statuses(simulator: CodeDeploySim, deployment_id: str, reads: int = 30) -> list[str]:
    """The status after each read, until final (bounded)."""
    seen = []
    for _ in range(reads):
        seen.append(read(simulator, deployment_id)["status"])
        if seen[-1] in ("Succeeded", "Failed", "Stopped"):
            return seen
    raise AssertionError(f"{deployment_id} not final after {reads} reads: {seen}")


def test_ids_have_codedeploys_format_and_differ() -> None:
    simulator, _ = sim()
    ids = set()
    for _ in range(20):
        deployment_id = create(simulator)
        statuses(simulator, deployment_id)
        ids.add(deployment_id)
    assert len(ids) == 20
    assert all(len(i) == 11 and i.startswith("d-") for i in ids), ids
    assert all(c.isupper() or c.isdigit() for i in ids for c in i[2:]), ids


def test_lifecycle_advances_on_each_read_and_switches_the_service_at_full_traffic() -> None:
    simulator, ecs = sim()
    deployment_id = create(simulator)
    assert simulator.handle("ListDeployments", {"includeOnlyStatuses": ["Created"]}) == {
        "deployments": [deployment_id]
    }
    seen = []
    for _ in range(6):
        seen.append((read(simulator, deployment_id)["status"], ecs.current("cluster", "web")))
    assert seen == [
        ("InProgress", OLD),  # green tasks start
        ("InProgress", OLD),  # test traffic and its hooks
        ("InProgress", OLD),  # production traffic starts to move
        ("InProgress", NEW),  # all production traffic on green: the service runs NEW
        ("Succeeded", NEW),  # no termination wait
        ("Succeeded", NEW),  # final states stay
    ]
    info = read(simulator, deployment_id)
    assert info["creator"] == "user"
    assert info["description"] == "mine"
    assert "errorInformation" not in info
    assert info["completeTime"] >= info["createTime"]


@pytest.mark.parametrize(
    ("config", "steps"),
    [
        ("CodeDeployDefault.ECSAllAtOnce", [100]),
        ("CodeDeployDefault.ECSCanary10Percent5Minutes", [10] * 5 + [100]),
        ("CodeDeployDefault.ECSLinear10PercentEvery1Minutes", [*range(10, 100, 10), 100]),
        ("Custom.ECSCanary25Percent2Minutes", [25, 25, 100]),
    ],
)
def test_traffic_routing_steps(config: str, steps: list[int]) -> None:
    assert traffic_steps(config) == steps


def test_canary_and_termination_wait_take_their_minutes() -> None:
    simulator, ecs = sim(
        config_name="CodeDeployDefault.ECSCanary10Percent5Minutes", termination_wait_minutes=3
    )
    deployment_id = create(simulator)
    seen = statuses(simulator, deployment_id)
    # install, test traffic, reroute start, 6 shift steps, 3 waiting minutes, final read.
    assert seen == ["InProgress"] * 12 + ["Succeeded"]
    assert ecs.current("cluster", "web") == NEW


def test_continue_deployment_ends_the_termination_wait() -> None:
    simulator, _ = sim(termination_wait_minutes=60)
    deployment_id = create(simulator)
    for _ in range(4):
        read(simulator, deployment_id)
    simulator.handle(
        "ContinueDeployment",
        {"deploymentId": deployment_id, "deploymentWaitType": "TERMINATION_WAIT"},
    )
    assert read(simulator, deployment_id)["status"] == "Succeeded"


def test_ready_waits_for_continue_deployment() -> None:
    simulator, ecs = sim(ready_wait_minutes=30)
    deployment_id = create(simulator)
    assert [read(simulator, deployment_id)["status"] for _ in range(4)] == [
        "InProgress",
        "InProgress",
        "Ready",
        "Ready",
    ]
    assert ecs.current("cluster", "web") == OLD
    simulator.handle("ContinueDeployment", {"deploymentId": deployment_id})
    assert statuses(simulator, deployment_id)[-1] == "Succeeded"
    assert ecs.current("cluster", "web") == NEW


def test_ready_times_out_and_rolls_back() -> None:
    simulator, ecs = sim(ready_wait_minutes=2, auto_rollback_events=ROLLBACK_ON)
    deployment_id = create(simulator)
    assert statuses(simulator, deployment_id)[-1] == "Stopped"
    info = read(simulator, deployment_id)
    assert info["errorInformation"]["code"] == "TIMEOUT"
    assert statuses(simulator, info["rollbackInfo"]["rollbackDeploymentId"])[-1] == "Succeeded"
    assert ecs.current("cluster", "web") == OLD


def test_continue_deployment_outside_a_wait_is_refused() -> None:
    simulator, _ = sim()
    deployment_id = create(simulator)
    with pytest.raises(SimError) as raised:
        simulator.handle("ContinueDeployment", {"deploymentId": deployment_id})
    assert raised.value.code == "InvalidDeploymentStatusException"


@pytest.mark.parametrize(
    ("fault", "status", "switched_before_failing"),
    [
        ("green_tasks_fail", "Failed", False),
        ("hook_failed", "Failed", False),
        ("alarm", "Stopped", True),
    ],
)
def test_fault_fails_with_error_information_and_rolls_back(
    fault: str, status: str, switched_before_failing: bool
) -> None:
    simulator, ecs = sim(auto_rollback_events=ROLLBACK_ON, faults=frozenset({fault}))
    deployment_id = create(simulator)
    seen_new = False
    for _ in range(10):
        info = read(simulator, deployment_id)
        seen_new |= ecs.current("cluster", "web") == NEW
        if info["status"] not in ("Created", "InProgress"):
            break
    assert info["status"] == status
    assert info["errorInformation"]["code"] == ERRORS[fault][0]
    assert seen_new is switched_before_failing
    rollback_id = info["rollbackInfo"]["rollbackDeploymentId"]
    rollback = read(simulator, rollback_id)
    assert rollback["creator"] == "autoRollback"
    assert rollback["rollbackInfo"] == {"rollbackTriggeringDeploymentId": deployment_id}
    assert "description" not in rollback
    assert statuses(simulator, rollback_id)[-1] == "Succeeded"
    assert ecs.current("cluster", "web") == OLD


def test_no_rollback_unless_the_group_enables_it() -> None:
    simulator, ecs = sim(faults=frozenset({"green_tasks_fail"}))
    deployment_id = create(simulator)
    assert statuses(simulator, deployment_id)[-1] == "Failed"
    assert "rollbackInfo" not in read(simulator, deployment_id)
    assert simulator.handle("ListDeployments", {}) == {"deployments": [deployment_id]}
    assert ecs.current("cluster", "web") == OLD


@pytest.mark.parametrize("rollback", [True, False])
def test_stop_deployment_with_and_without_rollback(rollback: bool) -> None:
    simulator, ecs = sim(termination_wait_minutes=10)
    deployment_id = create(simulator)
    for _ in range(4):  # past the switch, into the termination wait
        read(simulator, deployment_id)
    assert ecs.current("cluster", "web") == NEW
    answer = simulator.handle(
        "StopDeployment", {"deploymentId": deployment_id, "autoRollbackEnabled": rollback}
    )
    assert answer["status"] == ("Pending" if rollback else "Succeeded")
    info = read(simulator, deployment_id)
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "MANUAL_STOP"
    if rollback:
        statuses(simulator, info["rollbackInfo"]["rollbackDeploymentId"])
        assert ecs.current("cluster", "web") == OLD
    else:
        assert "rollbackInfo" not in info
        assert ecs.current("cluster", "web") == NEW  # stopped where it was


def test_stopping_a_finished_deployment_raises_already_completed() -> None:
    simulator, _ = sim()
    deployment_id = create(simulator)
    statuses(simulator, deployment_id)
    with pytest.raises(SimError) as raised:
        simulator.handle("StopDeployment", {"deploymentId": deployment_id})
    assert raised.value.code == "DeploymentAlreadyCompletedException"


def test_complete_on_stop_finishes_first_then_raises_already_completed() -> None:
    simulator, ecs = sim(faults=frozenset({"complete_on_stop"}))
    deployment_id = create(simulator)
    assert read(simulator, deployment_id)["status"] == "InProgress"
    with pytest.raises(SimError) as raised:
        simulator.handle(
            "StopDeployment", {"deploymentId": deployment_id, "autoRollbackEnabled": True}
        )
    assert raised.value.code == "DeploymentAlreadyCompletedException"
    assert read(simulator, deployment_id)["status"] == "Succeeded"
    assert ecs.current("cluster", "web") == NEW


def test_one_active_deployment_per_group() -> None:
    simulator, _ = sim()
    active = create(simulator)
    with pytest.raises(SimError) as raised:
        create(simulator)
    assert raised.value.code == "DeploymentLimitExceededException"
    assert active in raised.value.message
    statuses(simulator, active)
    create(simulator)  # fine once the first is over


@pytest.mark.parametrize("fault", ["stall", "rollback_stall"])
def test_stalls_never_end(fault: str) -> None:
    simulator, _ = sim(
        auto_rollback_events=ROLLBACK_ON, faults=frozenset({fault, "green_tasks_fail"})
    )
    deployment_id = create(simulator)
    if fault == "rollback_stall":
        statuses(simulator, deployment_id)
        deployment_id = read(simulator, deployment_id)["rollbackInfo"]["rollbackDeploymentId"]
    with pytest.raises(AssertionError, match="not final after 200 reads"):
        statuses(simulator, deployment_id, reads=200)
    # Stoppable all the same.
    simulator.handle("StopDeployment", {"deploymentId": deployment_id})
    assert read(simulator, deployment_id)["status"] == "Stopped"


def test_list_deployments_filters_pages_and_lags() -> None:
    simulator, _ = sim(list_lag=2)
    first = create(simulator)
    assert simulator.handle("ListDeployments", {}) == {"deployments": []}
    assert simulator.handle("ListDeployments", {}) == {"deployments": []}
    assert simulator.handle("ListDeployments", {}) == {"deployments": [first]}
    created = [first]
    statuses(simulator, first)
    for _ in range(4):
        created.append(create(simulator))
        statuses(simulator, created[-1])
    for _ in range(2):
        simulator.handle("ListDeployments", {})
    page = simulator.handle("ListDeployments", {"applicationName": "app"})
    assert page["deployments"] == created[::-1][:3]  # newest first, 3 a page
    rest = simulator.handle("ListDeployments", {"nextToken": page["nextToken"]})
    assert rest == {"deployments": created[::-1][3:]}
    since = read(simulator, created[2])["createTime"]
    assert simulator.handle("ListDeployments", {"createTimeRange": {"start": since}}) == {
        "deployments": created[::-1][:3]
    }
    assert simulator.handle("ListDeployments", {"includeOnlyStatuses": ["InProgress"]}) == {
        "deployments": []
    }
    assert simulator.handle("ListDeployments", {"deploymentGroupName": "other"}) == {
        "deployments": []
    }


def test_errors_of_unknown_things() -> None:
    simulator, _ = sim()
    with pytest.raises(SimError) as raised:
        read(simulator, "d-NOTHERE00")
    assert raised.value.code == "DeploymentDoesNotExistException"
    with pytest.raises(SimError) as raised:
        Group("app", "group", "cluster", "web", faults=frozenset({"typo"}))
    assert raised.value.code == "InvalidTagException"


def test_group_from_the_api_and_its_tags() -> None:
    group = Group.from_api(
        "app",
        "group",
        {
            "ecsServices": [{"clusterName": "c", "serviceName": "s"}],
            "deploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
            "blueGreenDeploymentConfiguration": {
                "terminateBlueInstancesOnDeploymentSuccess": {
                    "action": "TERMINATE",
                    "terminationWaitTimeInMinutes": 5,
                },
                "deploymentReadyOption": {
                    "actionOnTimeout": "STOP_DEPLOYMENT",
                    "waitTimeInMinutes": 7,
                },
            },
            "autoRollbackConfiguration": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
        },
        {"ecs-patterns-simulator:faults": "alarm,stall", "ecs-patterns-simulator:list-lag": "2"},
    )
    assert group == Group(
        "app",
        "group",
        "c",
        "s",
        config_name="CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        termination_wait_minutes=5,
        ready_wait_minutes=7,
        auto_rollback_events=frozenset({"DEPLOYMENT_FAILURE"}),
        faults=frozenset({"alarm", "stall"}),
        list_lag=2,
    )


def test_error_codes_and_answers_fit_codedeploys_api_model() -> None:
    """The simulator's error codes are CodeDeploy's (botocore's service model), and a
    deployment's info has only fields of its DeploymentInfo shape."""
    model = botocore.session.get_session().get_service_model("codedeploy")
    error_codes = set(model.shape_for("ErrorCode").enum)
    assert {code for code, _ in ERRORS.values()} <= error_codes
    exceptions = {shape.name for shape in model.error_shapes}
    for code in (
        "DeploymentAlreadyCompletedException",
        "DeploymentLimitExceededException",
        "DeploymentDoesNotExistException",
        "InvalidDeploymentStatusException",
        "DeploymentGroupDoesNotExistException",
        "RevisionRequiredException",
    ):
        assert code in exceptions, code
    simulator, _ = sim(auto_rollback_events=ROLLBACK_ON, faults=frozenset({"green_tasks_fail"}))
    deployment_id = create(simulator)
    statuses(simulator, deployment_id)
    members = set(model.shape_for("DeploymentInfo").members)
    assert set(read(simulator, deployment_id)) <= members
    statuses_enum = set(model.shape_for("DeploymentStatus").enum)
    assert {"Created", "InProgress", "Ready", "Succeeded", "Failed", "Stopped"} <= statuses_enum
