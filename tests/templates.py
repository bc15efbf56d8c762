"""Template helpers the per-construct tests share: build a registered test stack on its own,
and find the one resource (or its logical id) of a type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Template

from tests.conftest import new_stack

__all__ = ["build", "logical_id", "one_resource"]


def build(builder: Callable[[Stack], None]) -> tuple[Stack, Template]:
    """A new stack named after ``builder``, filled by it, and its template."""
    stack = new_stack(builder.__name__.title())
    builder(stack)
    return stack, Template.from_stack(stack)


def one_resource(
    template: Template, type_: str, props: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The one resource of ``type_`` (with ``props``, when given); fails unless exactly one."""
    found = template.find_resources(type_, {"Properties": props} if props else None)
    assert len(found) == 1, sorted(found)
    (resource,) = found.values()
    return dict(resource)


def logical_id(template: Template, type_: str, props: dict[str, Any] | None = None) -> str:
    """The logical id of the one resource of ``type_`` (with ``props``, when given)."""
    found = template.find_resources(type_, {"Properties": props} if props else None)
    assert len(found) == 1, sorted(found)
    return next(iter(found))
