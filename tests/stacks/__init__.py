"""Registry of the test stacks that every harness test (snapshot, nag, cfn-lint) runs over.

Each construct module contributes ``STACKS``: a mapping from a stack name to a builder that
fills an empty Stack. All registered stacks are synthesized once per session in one App
(``tests/conftest.py``), with aws-cdk-lib's built-in CloudFormation validation on.
"""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import Stack

from . import (
    backend,
    blue_green,
    cluster,
    github_oidc,
    job,
    monitoring,
    release,
    repository,
    service,
    shared_ingress,
    worker,
)

StackBuilder = Callable[[Stack], None]

STACKS: dict[str, StackBuilder] = {
    **repository.STACKS,
    **cluster.STACKS,
    **github_oidc.STACKS,
    **service.STACKS,
    **monitoring.STACKS,
    **blue_green.STACKS,
    **release.STACKS,
    **worker.STACKS,
    **backend.STACKS,
    **job.STACKS,
    **shared_ingress.STACKS,
}

__all__ = ["STACKS", "StackBuilder"]
