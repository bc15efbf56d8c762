"""ContainerOptions.command and entry_point: one image, several workloads."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from tests.conftest import new_stack

IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")


def _container_definition(options: ep.ContainerOptions) -> Template:
    stack = new_stack("Command")
    ep.HardenedTask(stack, "Task", container=options, key=kms.Key(stack, "Key"))
    return Template.from_stack(stack)


def test_command_and_entry_point_replace_the_images() -> None:
    template = _container_definition(
        ep.ContainerOptions(
            image=IMAGE,
            command=["/app/worker.py", "--once"],
            entry_point=["python3"],
            health_check=ep.HealthCheck(command=["CMD", "python3", "-c", "print(1)"]),
        )
    )
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "ContainerDefinitions": Match.array_with(
                [
                    Match.object_like(
                        {"Command": ["/app/worker.py", "--once"], "EntryPoint": ["python3"]}
                    )
                ]
            )
        },
    )


def test_without_them_the_image_decides() -> None:
    template = _container_definition(ep.ContainerOptions(image=IMAGE, port=8080))
    (task,) = template.find_resources("AWS::ECS::TaskDefinition").values()
    (app,) = [c for c in task["Properties"]["ContainerDefinitions"] if c["Name"] == "app"]
    assert "Command" not in app
    assert "EntryPoint" not in app


@pytest.mark.parametrize("prop", ["command", "entry_point"])
@pytest.mark.parametrize("value", [[], ["python3", " "]])
def test_fails_on_an_empty_command_or_item(prop: str, value: list[str]) -> None:
    with pytest.raises(ep.ConfigurationError, match=rf"{prop}=.*at least one item"):
        ep.ContainerOptions(image=IMAGE, port=8080, **{prop: value})  # type: ignore[arg-type]


def test_fails_on_a_plain_string_command() -> None:
    with pytest.raises(ep.ConfigurationError, match="command"):
        ep.ContainerOptions(image=IMAGE, port=8080, command="python3 app.py")
