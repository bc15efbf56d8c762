"""Test stacks for EcrRepository."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_kms as kms

import ecs_patterns as ep


def defaults(stack: Stack) -> None:
    ep.EcrRepository(stack, "Repo")


def custom(stack: Stack) -> None:
    key = kms.Key(stack, "RepoKey", enable_key_rotation=True)
    ep.EcrRepository(
        stack,
        "Repo",
        ep.RepositoryProps(
            repository_name="team/web",
            keep_prod_images=10,
            untagged_expiry_days=3,
            encryption_key=key,
            enhanced_scanning=True,
            removal_policy=RemovalPolicy.DESTROY,
            empty_on_delete=True,
        ),
    )


STACKS = {"RepositoryDefaults": defaults, "RepositoryCustom": custom}
