"""Container defaults that work with real images, and the sample image that agrees with them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Template

import ecs_patterns as ep
from sample_app.service.app import HEARTBEAT_CHECK, HEARTBEAT_FILE
from sample_app.stacks import SAMPLE_SERVICES_STACK
from tests.conftest import SampleSynthesized, new_stack
from tests.stacks.service import IMAGE

DOCKERFILE = Path(__file__).resolve().parent.parent / "sample_app" / "service" / "Dockerfile"


def _app_container(**kwargs: Any) -> dict[str, Any]:
    stack = new_stack("Container")
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            **{
                "container": ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
                "load_balancer": ep.LoadBalancerOptions(allow_plain_http=True),
                **kwargs,
            }
        ),
    )
    (task,) = Template.from_stack(stack).find_resources("AWS::ECS::TaskDefinition").values()
    (app,) = [c for c in task["Properties"]["ContainerDefinitions"] if c["Name"] == "app"]
    return dict(app)


def _tools(command: list[str]) -> list[str]:
    """The programs a CMD-SHELL health check tries, in order (``a ... || b ... || exit 1``)."""
    assert command[0] == "CMD-SHELL"
    return [alt.split()[0] for alt in command[1].split(" || ") if not alt.startswith("exit")]


def test_default_user_is_a_numeric_uid_and_gid_so_the_process_never_gets_group_0() -> None:
    # A uid alone, without an /etc/passwd entry, runs with the root group (gid 0).
    assert _app_container()["User"] == "1000:1000"


def test_default_health_check_tries_curl_then_wget_then_python3() -> None:
    command = _app_container()["HealthCheck"]["Command"]
    assert _tools(command) == ["curl", "wget", "python3"]
    assert command[1].count("http://localhost:8080/health") == 3
    assert command[1].endswith("|| exit 1")


def test_default_health_check_follows_the_port_and_path() -> None:
    command = _app_container(
        container=ep.ContainerOptions(
            image=ecs.ContainerImage.from_registry(IMAGE),
            port=9000,
            health_check=ep.HealthCheck(path="/ready"),
        )
    )["HealthCheck"]
    assert command["Command"][1].count("http://localhost:9000/ready") == 3


def test_https_targets_get_an_https_health_check_that_accepts_the_apps_own_certificate() -> None:
    command = _app_container(
        target_group=ep.TargetGroupOptions(protocol=elbv2.ApplicationProtocol.HTTPS)
    )["HealthCheck"]
    text = command["Command"][1]
    assert text.count("https://localhost:8080/health") == 3
    assert "curl -fsSk" in text
    assert "--no-check-certificate" in text
    assert "ssl._create_unverified_context()" in text


def _runtime_stage(dockerfile: str) -> str:
    """The last stage of a multi-stage Dockerfile (the image that runs)."""
    return re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[-1]


@pytest.fixture(scope="module")
def sample_app_container(sample_synthesized: SampleSynthesized) -> dict[str, Any]:
    template = sample_synthesized.templates[SAMPLE_SERVICES_STACK]
    apps = [
        c
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ECS::TaskDefinition"
        for c in r["Properties"]["ContainerDefinitions"]
        if c["Name"] == "app"
    ]
    # Web, API, catalog, backend, worker and job all run the one sample image as the same user.
    assert len(apps) == 6
    assert len({app["User"] for app in apps}) == 1
    # The four with a port share the default HTTP check; the worker and the job, which have
    # no port, run the image's heartbeat check with the python3 the image has.
    served = [app for app in apps if app.get("PortMappings")]
    assert len(served) == 4
    assert all(app["HealthCheck"] == served[0]["HealthCheck"] for app in served)
    unserved = [app["HealthCheck"]["Command"] for app in apps if not app.get("PortMappings")]
    assert unserved == [["CMD", "python3", "-c", HEARTBEAT_CHECK]] * 2
    return dict(served[0])


def test_sample_dockerfile_runs_as_the_user_the_sample_services_run_as(
    sample_app_container: dict[str, Any],
) -> None:
    runtime = _runtime_stage(DOCKERFILE.read_text(encoding="utf-8"))
    users = re.findall(r"^USER (\S+)$", runtime, flags=re.MULTILINE)
    assert users == [sample_app_container["User"]]
    # The sample uses the library default, so the Dockerfile and the default agree.
    assert sample_app_container["User"] == ep.ContainerOptions.__dataclass_fields__["user"].default
    uid, gid = users[0].split(":")
    # ...and the image knows that user and group (a home, a name in logs, no gid 0).
    assert f"app:x:{uid}:{gid}:" in runtime
    assert f"app:x:{gid}:" in runtime


def test_sample_image_has_a_program_the_default_health_check_runs(
    sample_app_container: dict[str, Any],
) -> None:
    runtime = _runtime_stage(DOCKERFILE.read_text(encoding="utf-8"))
    installed = set()
    for line in re.findall(r"dnf install -y ([^&\n]+)", runtime):
        installed.update(line.split())
    tools = _tools(sample_app_container["HealthCheck"]["Command"])
    assert installed & set(tools), (installed, tools)
    # The image's own HEALTHCHECK (for `docker run`) is the one ECS runs.
    healthcheck = re.search(r"^HEALTHCHECK .*CMD (.+)$", runtime, flags=re.MULTILINE)
    assert healthcheck is not None
    assert healthcheck[1] == sample_app_container["HealthCheck"]["Command"][1]


def test_sample_heartbeat_lives_on_the_writable_scratch_volume(
    sample_synthesized: SampleSynthesized,
) -> None:
    # The root filesystem is read-only; the worker and the job can only touch the heartbeat
    # because it is on the /tmp volume every task mounts.
    template = sample_synthesized.templates[SAMPLE_SERVICES_STACK]
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::ECS::TaskDefinition":
            continue
        (app,) = [c for c in resource["Properties"]["ContainerDefinitions"] if c["Name"] == "app"]
        assert app["ReadonlyRootFilesystem"] is True
        mounts = [m["ContainerPath"] for m in app["MountPoints"]]
        assert any(HEARTBEAT_FILE.startswith(f"{path.rstrip('/')}/") for path in mounts), mounts
