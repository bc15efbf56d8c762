"""A two-stack app with one unacknowledged cdk-nag finding that quotes a cross-stack reference.

``Producer`` holds an S3 bucket; ``Consumer`` holds a role allowed to read every object in it,
so the role's policy names ``arn-of-bucket/*`` through a cross-stack reference and
AwsSolutions-IAM5 reports a finding whose id quotes that reference. At synthesis the reference
becomes an export of ``Producer`` and an ``Fn::ImportValue`` in ``Consumer``: the id that
``cdk synth`` reports (and that an acknowledgement must name) quotes the export.

Run by ``tests/test_nag_ids.py`` both in process and as ``cdk synth --app "python -m
tests.apps.cross_stack_finding"``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

ENV = Environment(account="123456789012", region="us-east-1")


def build_app(*, outdir: str | None = None, context: dict[str, Any] | None = None) -> App:
    """The app, with AwsSolutions registered so that synthesis runs it (as the CLI will)."""
    from cdk_nag import AwsSolutionsChecks

    app = App(outdir=outdir, context=context, builtin_cloud_formation_validation=False)
    producer = Stack(app, "Producer", env=ENV)
    bucket = s3.Bucket(
        producer,
        "Bucket",
        enforce_ssl=True,
        server_access_logs_prefix="access-logs/",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
    )
    consumer = Stack(app, "Consumer", env=ENV)
    role = iam.Role(consumer, "Reader", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    role.add_to_policy(
        iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*")])
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


if __name__ == "__main__":
    build_app().synth()
