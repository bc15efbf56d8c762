"""The sample stack: what a platform team's CDK app built on ecs-patterns looks like."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Environment, Stack
from constructs import Construct

import ecs_patterns as ep
from ecs_patterns.testing import add_compliance_packs

__all__ = ["SampleStack", "build_app"]


class SampleStack(Stack):
    """One repository, one cluster (with its VPC); services arrive with later releases."""

    def __init__(self, scope: Construct, id: str, *, env: Environment) -> None:
        super().__init__(
            scope,
            id,
            env=env,
            description="ecs-patterns sample: ECR repository and Fargate cluster",
        )
        self.repository = ep.EcrRepository(
            self, "Repository", ep.RepositoryProps(repository_name="ecs-patterns/sample-web")
        )
        self.cluster = ep.FargateCluster(self, "Cluster")


def build_app(context: Mapping[str, Any] | None = None, **app_kwargs: Any) -> App:
    """Build the sample app; ``context`` as in ``cdk.json`` (account, region, image_tag, AZs).

    The four cdk-nag packs are registered on the app, so ``cdk synth`` fails on any
    unacknowledged finding, exactly as the test suite does.
    """
    app = App(context=dict(context) if context is not None else None, **app_kwargs)
    env = Environment(
        account=str(app.node.try_get_context("account") or "123456789012"),
        region=str(app.node.try_get_context("region") or "us-east-1"),
    )
    SampleStack(app, "EcsPatternsSample", env=env)
    add_compliance_packs(app)
    return app
