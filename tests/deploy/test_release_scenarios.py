"""The release handler end to end against moto plus the CodeDeploy simulator, over HTTP.

Each scenario ends by checking what production runs: the ECS service's task definition and
capacity provider strategy, and whether dynamic scale-in of its scalable target is suspended.
The lifecycle and timings are the simulator's (``codedeploy_sim``), not AWS's: these tests
prove that the handler's multi-step sequences (create, wait, stop, wait for CodeDeploy's
rollback, reconcile, follow up) and its state between requests and polls fit together, not
that CodeDeploy behaves exactly so. See ``release_world`` for how CloudFormation and the
provider framework are played.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ecs_patterns.release._handler import index
from tests.deploy.conftest import Moto
from tests.deploy.release_world import (
    FIRST,
    SECOND,
    Release,
    ScenarioStuckError,
    World,
    running_moto,
)

pytestmark = pytest.mark.deploy


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    with running_moto(tmp_path_factory.mktemp("release")) as moto:
        yield moto


@pytest.fixture
def aws_env(server: Moto, monkeypatch: pytest.MonkeyPatch) -> str:
    """The handler's own boto3 clients reach the server, and nothing else."""
    for key, value in {
        "AWS_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return server.endpoint


@pytest.fixture
def world(aws_env: str) -> World:
    """A fresh service, scalable target and deployment group (all-at-once traffic)."""
    return World.create(aws_env)


@pytest.fixture
def release(world: World) -> Release:
    """The custom resource after its Create: nothing deployed (the service runs revision 0)."""
    release = Release(world)
    outcome = release.create(world.props(0))
    assert outcome.status == "SUCCESS", outcome
    return release


def runs(world: World, revision: int, strategy: list[dict[str, object]]) -> None:
    """The service runs task definition ``revision`` with ``strategy``; scale-in not suspended."""
    expected = sorted(
        (str(i["CapacityProvider"]), int(str(i.get("Base", 0))), int(str(i.get("Weight", 0))))
        for i in strategy
    )
    assert world.running() == (world.task_definitions[revision], expected)
    assert world.scale_in_suspended() is False


def test_create_deploys_nothing(world: World, release: Release) -> None:
    assert release.physical_id == f"{index.NO_DEPLOYMENT}:{world.task_definitions[0]}"
    assert world.deployments() == []
    runs(world, 0, FIRST)


def test_update_to_succeeded(world: World, release: Release) -> None:
    outcome = release.update(world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    assert index.DEPLOYMENT_ID.match(outcome.physical_id), outcome.physical_id
    assert outcome.data == {"DeploymentId": outcome.physical_id, "Action": index.ACTION_DEPLOY}
    assert world.deployment(outcome.physical_id)["status"] == "Succeeded"
    # Suspended for the whole wait, restored by the final answer.
    assert release.suspended_while_polling
    assert all(release.suspended_while_polling), release.suspended_while_polling
    runs(world, 1, SECOND)


def test_update_waits_through_canary_and_termination_wait(aws_env: str) -> None:
    """Traffic routing and the termination wait take (simulated) minutes; the handler waits."""
    world = World.create(
        aws_env, config_name="CodeDeployDefault.ECSCanary10Percent5Minutes", termination_wait=5
    )
    release = Release(world)
    assert release.create(world.props(0)).status == "SUCCESS"
    outcome = release.update(world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    # 1 install + 1 test traffic + 6 shift + 6 termination steps, at least one read each.
    assert outcome.polls >= 10, outcome
    runs(world, 1, SECOND)


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("green_tasks_fail", "ECS_UPDATE_ERROR"),
        ("alarm", "ALARM_ACTIVE"),
        ("hook_failed", "HOOK_EXECUTION_FAILURE"),
    ],
)
def test_failed_deployment_rolls_back_and_fails_the_update(
    world: World, release: Release, fault: str, code: str
) -> None:
    world.inject(fault)
    outcome = release.update(world.props(1, SECOND))
    assert outcome.status == "FAILED", outcome
    assert code in outcome.reason
    assert "Rollback deployment d-" in outcome.reason
    failed, rollback = sorted(world.deployments(), key=lambda d: world.deployment(d)["createTime"])
    assert world.deployment(rollback)["creator"] == "autoRollback"
    assert world.deployment(rollback)["status"] == "Succeeded"
    assert world.deployment(failed)["errorInformation"]["code"] == code
    # CloudFormation's rollback Update finds the old revision running: nothing more to deploy.
    assert release.rollback_outcome is not None
    assert release.rollback_outcome.status == "SUCCESS", release.rollback_outcome
    assert release.rollback_outcome.data["Action"] == index.ACTION_NONE
    runs(world, 0, FIRST)


def test_stack_rollback_during_a_deployment(world: World, release: Release) -> None:
    """The stack rolls back (say another resource failed) while the deployment still runs."""
    leftover = release.abandon(world.props(1, SECOND))
    assert world.scale_in_suspended() is True
    outcome = release.request("Update", world.props(0), world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    assert outcome.data["Action"] == index.ACTION_STOP
    stopped = world.deployment(leftover)
    assert stopped["status"] == "Stopped"
    assert (
        world.deployment(stopped["rollbackInfo"]["rollbackDeploymentId"])["status"] == "Succeeded"
    )
    runs(world, 0, FIRST)


def test_forward_update_finds_a_leftover(world: World, release: Release) -> None:
    """A new release while an abandoned one still runs: stop it, then deploy the new one."""
    leftover = release.abandon(world.props(1, SECOND))
    outcome = release.request("Update", world.props(2, SECOND), world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    follow_up = outcome.data["DeploymentId"]
    assert follow_up != leftover
    assert world.deployment(follow_up)["description"].endswith(f" after {leftover}")
    assert world.deployment(follow_up)["status"] == "Succeeded"
    runs(world, 2, SECOND)


def test_delete_during_a_deployment(world: World, release: Release) -> None:
    leftover = release.abandon(world.props(1, SECOND))
    release.physical_id = leftover
    outcome = release.request("Delete", world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    stopped = world.deployment(leftover)
    assert stopped["status"] == "Stopped"
    # Nobody polls after a Delete; CodeDeploy finishes its rollback on its own.
    world.wait_until_final(stopped["rollbackInfo"]["rollbackDeploymentId"])
    runs(world, 0, FIRST)


def test_release_timeout(aws_env: str) -> None:
    """The provider gives up before a slow shift ends; the stack rollback puts things back."""
    slow = World.create(
        aws_env,
        config_name="CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        termination_wait=5,
    )
    release = Release(slow)
    assert release.create(slow.props(0)).status == "SUCCESS"
    outcome = release.update(slow.props(1, SECOND), polls=5)
    assert outcome.status == "TIMEOUT", outcome
    # The framework answered without the handler, so scale-in stayed suspended until the
    # rollback Update, which stopped the deployment, waited for its rollback and restored it.
    assert release.suspended_while_polling[-1] is True
    assert release.rollback_outcome is not None
    assert release.rollback_outcome.status == "SUCCESS", release.rollback_outcome
    assert release.rollback_outcome.data["Action"] == index.ACTION_STOP
    runs(slow, 0, FIRST)


@pytest.mark.parametrize("back_to", [0, 2], ids=["stack-rollback", "forward-update"])
def test_leftover_completes_between_get_and_stop(
    world: World, release: Release, back_to: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The leftover finishes after GetDeployment read it active and before StopDeployment:
    CodeDeploy answers DeploymentAlreadyCompletedException; the handler carries on as if the
    stop had landed, and deploys what the request asks for over the finished leftover."""
    world.inject("complete_on_stop")
    release.abandon(world.props(1, SECOND))
    with caplog.at_level(logging.INFO):
        outcome = release.request("Update", world.props(back_to), world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    assert "deployment finished before it could be stopped" in caplog.text
    runs(world, back_to, FIRST)


def test_delete_after_the_leftover_completed(
    world: World, release: Release, caplog: pytest.LogCaptureFixture
) -> None:
    world.inject("complete_on_stop")
    release.physical_id = release.abandon(world.props(1, SECOND))
    with caplog.at_level(logging.INFO):
        outcome = release.request("Delete", world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    assert "deployment finished before it could be stopped" in caplog.text
    assert "ignoring error" not in caplog.text
    runs(world, 1, SECOND)


def test_follow_up_not_listed_yet_is_not_created_twice(world: World, release: Release) -> None:
    """ListDeployments lags behind CreateDeployment: the next poll must follow the follow-up
    (CodeDeploy's one-active-deployment rule names it), not fail creating a second one."""
    world.inject(list_lag=3)
    release.abandon(world.props(1, SECOND))
    outcome = release.request("Update", world.props(2, SECOND), world.props(1, SECOND))
    assert outcome.status == "SUCCESS", outcome
    users = [d for d in world.deployments() if world.deployment(d)["creator"] == "user"]
    assert len(users) == 2, users  # the abandoned one and one follow-up, no third
    runs(world, 2, SECOND)


def test_unlisted_foreign_deployment_fails_the_request(world: World, release: Release) -> None:
    """An active deployment someone else started, not listed yet: CreateDeployment's
    DeploymentLimitExceededException names it; the handler fails the request (stopping it is
    not its to do) rather than following or stopping it."""
    world.inject(list_lag=5)
    foreign = world.client("codedeploy").create_deployment(
        applicationName=world.name,
        deploymentGroupName=world.name,
        description="started by hand",
        revision={
            "revisionType": "AppSpecContent",
            "appSpecContent": {"content": world.props(2)["AppSpec"]},
        },
    )["deploymentId"]
    outcome = release.request("Update", world.props(1, SECOND), world.props(0))
    assert outcome.status == "FAILED", outcome
    assert f"CodeDeploy deployment {foreign}" in outcome.reason
    assert "was not started by this stack" in outcome.reason
    assert world.deployment(foreign)["status"] in index.ACTIVE  # left alone
    assert world.scale_in_suspended() is False  # CreateDeployment failed: resumed


def test_never_advancing_deployment_ends_in_the_provider_timeout(
    world: World, release: Release
) -> None:
    """A lifecycle that never advances: the provider's timeout fails the update, and the
    rollback Update stops it (the stall does not block StopDeployment) and restores."""
    world.inject("stall")
    outcome = release.update(world.props(1, SECOND), polls=4)
    assert outcome.status == "TIMEOUT", outcome
    assert release.rollback_outcome is not None
    assert release.rollback_outcome.status == "SUCCESS", release.rollback_outcome
    runs(world, 0, FIRST)


@pytest.mark.parametrize(
    "faults", [("stall",), ("green_tasks_fail", "rollback_stall")], ids=["stall", "rollback"]
)
def test_never_ending_lifecycle_fails_the_scenario_instead_of_hanging(
    world: World, release: Release, monkeypatch: pytest.MonkeyPatch, faults: tuple[str, ...]
) -> None:
    """A deployment, or CodeDeploy's rollback, that never ends: with more polls than it can
    use, the scenario's poll loop stops at its wall-clock deadline and fails; it never hangs."""
    world.inject(*faults)
    monkeypatch.setattr("tests.deploy.release_world.DEADLINE_S", 1.0)
    release.provider_polls = 1_000_000
    with pytest.raises(ScenarioStuckError, match="still polling"):
        release.update(world.props(1, SECOND))
    stuck = world.deployments("InProgress")
    assert len(stuck) == 1, stuck
    with pytest.raises(ScenarioStuckError, match="still InProgress after 50 reads"):
        world.wait_until_final(stuck[0])


def test_scenarios_left_nothing_on_the_server(server: Moto) -> None:
    assert server.answers()
    assert "Traceback" not in server.log_text()
