"""The option structs: documented per field, shared defaults, and each part of a service
receives only its own options."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import textwrap
from typing import Any

import pytest
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep
from ecs_patterns.web._load_balancer import WebLoadBalancer
from ecs_patterns.web._service import FargateWebService

STRUCTS: list[type[Any]] = [
    ep.HealthCheck,
    ep.LoggingOptions,
    ep.ContainerOptions,
    ep.TaskOptions,
    ep.ScalingOptions,
    ep.ScheduledCapacity,
    ep.PlacementOptions,
    ep.LoadBalancerOptions,
    ep.TargetGroupOptions,
    ep.ServiceConnectOptions,
    ep.ServiceConnectServerOptions,
    ep.BackendServiceProps,
    ep.WebServiceProps,
]


def _field_docstrings(cls: type[Any]) -> dict[str, str]:
    """Field name -> the string literal right below it in the class body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = after.value.value
    return docs


@pytest.mark.parametrize("cls", STRUCTS, ids=lambda c: c.__name__)
def test_every_field_has_an_attribute_docstring_without_default_none(cls: type[Any]) -> None:
    docs = _field_docstrings(cls)
    fields = [f.name for f in dataclasses.fields(cls)]
    assert sorted(docs) == sorted(fields)
    assert not [name for name, doc in docs.items() if "Default: None" in doc]
    assert cls.__doc__
    assert len(cls.__doc__.splitlines()) <= 20  # short, with an example


@pytest.mark.parametrize("cls", STRUCTS[:-1], ids=lambda c: c.__name__)
def test_every_struct_is_frozen_and_keyword_only(cls: type[Any]) -> None:
    params = dataclasses.fields(cls)
    assert all(f.kw_only for f in params)
    assert cls.__dataclass_params__.frozen


def test_defaults_are_not_shared_mutable_state() -> None:
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
    first, second = ep.ContainerOptions(image=image), ep.ContainerOptions(image=image)
    assert first.environment == {}
    assert first.environment is not second.environment
    assert first.health_check == ep.HealthCheck()
    assert first.logging == ep.LoggingOptions()


def _annotations(function: Any) -> list[str]:
    return [str(p.annotation) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(
    "part",
    [ep.HardenedTask.__init__, WebLoadBalancer.__init__, FargateWebService._autoscaling],
    ids=["HardenedTask", "WebLoadBalancer", "autoscaling"],
)
def test_each_part_of_a_web_service_receives_only_its_own_options(part: Any) -> None:
    annotations = _annotations(part)
    assert not [a for a in annotations if "WebServiceProps" in a]


def test_the_hardened_task_takes_only_container_task_and_key() -> None:
    names = list(inspect.signature(ep.HardenedTask.__init__).parameters)
    assert names == ["self", "scope", "id", "container", "task", "key", "port_name"]
