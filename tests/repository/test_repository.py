"""EcrRepository: each default, the opt-ins, and every validation rule with its message."""

from __future__ import annotations

import json

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from tests.conftest import Synthesized, new_stack


@pytest.fixture(scope="module")
def default_repo(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["RepositoryDefaults"])


@pytest.fixture(scope="module")
def custom_repo(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["RepositoryCustom"])


def test_scan_on_push_immutable_tags_and_kms(default_repo: Template) -> None:
    default_repo.has_resource_properties(
        "AWS::ECR::Repository",
        {
            "ImageScanningConfiguration": {"ScanOnPush": True},
            "ImageTagMutability": "IMMUTABLE",
            "EncryptionConfiguration": {"EncryptionType": "KMS"},
        },
    )


def test_retained_on_destroy_by_default(default_repo: Template) -> None:
    default_repo.has_resource(
        "AWS::ECR::Repository", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )
    props = default_repo.find_resources("AWS::ECR::Repository")
    assert all("EmptyOnDelete" not in r["Properties"] for r in props.values())


def _lifecycle_rules(template: Template) -> list[dict[str, object]]:
    repos = template.find_resources("AWS::ECR::Repository")
    (repo,) = repos.values()
    policy = json.loads(repo["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])
    rules: list[dict[str, object]] = policy["rules"]
    return rules


def test_lifecycle_keeps_30_prod_images_and_expires_untagged_after_7_days(
    default_repo: Template,
) -> None:
    rules = _lifecycle_rules(default_repo)
    assert rules[0]["selection"] == {
        "tagStatus": "tagged",
        "tagPrefixList": ["prod-"],
        "countType": "imageCountMoreThan",
        "countNumber": 30,
    }
    assert rules[0]["action"] == {"type": "expire"}
    assert rules[1]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countNumber": 7,
        "countUnit": "days",
    }


def test_enhanced_scanning_is_off_by_default(default_repo: Template) -> None:
    default_repo.resource_count_is("AWS::ECR::RegistryScanningConfiguration", 0)


def test_custom_props_reach_the_template(custom_repo: Template) -> None:
    custom_repo.has_resource_properties(
        "AWS::ECR::Repository",
        {
            "RepositoryName": "team/web",
            "EncryptionConfiguration": {
                "EncryptionType": "KMS",
                "KmsKey": Match.object_like({"Fn::GetAtt": Match.any_value()}),
            },
        },
    )
    rules = _lifecycle_rules(custom_repo)
    assert rules[0]["selection"]["countNumber"] == 10  # type: ignore[index]
    assert rules[1]["selection"]["countNumber"] == 3  # type: ignore[index]
    custom_repo.has_resource(
        "AWS::ECR::Repository",
        {"DeletionPolicy": "Delete", "Properties": Match.object_like({"EmptyOnDelete": True})},
    )


def test_enhanced_scanning_is_continuous_and_scoped_to_the_repository(
    custom_repo: Template,
) -> None:
    custom_repo.has_resource_properties(
        "AWS::ECR::RegistryScanningConfiguration",
        {
            "ScanType": "ENHANCED",
            "Rules": [
                {
                    "ScanFrequency": "CONTINUOUS_SCAN",
                    "RepositoryFilters": [{"Filter": Match.any_value(), "FilterType": "WILDCARD"}],
                }
            ],
        },
    )


def test_grant_pull_is_read_only_on_this_repository() -> None:
    stack = new_stack()
    repo = ep.EcrRepository(stack, "Repo")
    role = iam.Role(stack, "Exec", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    repo.grant_pull(role)
    statements = Template.from_stack(stack).find_resources("AWS::IAM::Policy")
    (policy,) = statements.values()
    actions = {
        a
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "ecr:BatchGetImage" in actions
    assert not any(a.startswith("ecr:Put") or a.startswith("ecr:Upload") for a in actions)


def test_grant_push_allows_layer_upload() -> None:
    stack = new_stack()
    repo = ep.EcrRepository(stack, "Repo")
    role = iam.Role(stack, "Ci", assumed_by=iam.AccountRootPrincipal())
    repo.grant_push(role)
    text = json.dumps(Template.from_stack(stack).find_resources("AWS::IAM::Policy"))
    assert "ecr:PutImage" in text
    assert "ecr:CompleteLayerUpload" in text


@pytest.mark.parametrize(
    ("kwargs", "prop", "fragment"),
    [
        ({"repository_name": "Team/Web"}, "repository_name", "lower-case"),
        ({"repository_name": "x"}, "repository_name", "2-256 characters"),
        # Found by tests/property: ECR (and aws-cdk-lib, with a jsii error) rejects these.
        ({"repository_name": "web-"}, "repository_name", "ending with a letter or digit"),
        ({"repository_name": "a//b"}, "repository_name", "separated by single"),
        ({"repository_name": "a..b"}, "repository_name", "separated by single"),
        ({"repository_name": "team/"}, "repository_name", "ending with a letter or digit"),
        ({"keep_prod_images": 0}, "keep_prod_images", "an integer from 1 to 10000"),
        ({"untagged_expiry_days": -1}, "untagged_expiry_days", "an integer from 1 to 3650"),
        ({"prod_tag_prefix": ""}, "prod_tag_prefix", "non-empty tag prefix"),
        ({"enhanced_scan_frequency": "DAILY"}, "enhanced_scan_frequency", "'SCAN_ON_PUSH'"),
        ({"empty_on_delete": True}, "empty_on_delete", "removal_policy=RemovalPolicy.DESTROY"),
    ],
)
def test_fails_on_invalid_props(kwargs: dict[str, object], prop: str, fragment: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.RepositoryProps(**kwargs)  # type: ignore[arg-type]
    assert err.value.props == (prop,)
    message = str(err.value)
    assert f"{prop}={kwargs[prop]!r}" in message
    assert fragment in message


def test_fails_reports_every_problem_at_once() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.RepositoryProps(keep_prod_images=0, untagged_expiry_days=0)
    assert err.value.props == ("keep_prod_images", "untagged_expiry_days")
    assert "2 problems" in str(err.value)


def test_destroy_with_empty_on_delete_is_allowed() -> None:
    props = ep.RepositoryProps(removal_policy=RemovalPolicy.DESTROY, empty_on_delete=True)
    assert props.empty_on_delete


def test_configuration_error_is_a_value_error() -> None:
    assert issubclass(ep.ConfigurationError, ValueError)
