"""Security Hub (Foundational Security Best Practices) controls the defaults and options meet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

import ecs_patterns as ep
from scripts.compliance_report import REPORT, SECURITY_HUB_CONTROLS, security_hub_section
from tests.conftest import new_stack
from tests.stacks.service import IMAGE

# --- ECR.5: customer-managed key ------------------------------------------------------------------


def test_repository_is_encrypted_with_its_own_rotating_customer_managed_key_by_default() -> None:
    stack = new_stack("Repo")
    ep.EcrRepository(stack, "Repo")
    template = Template.from_stack(stack)
    (key_id,) = template.find_resources("AWS::KMS::Key").keys()
    template.has_resource(
        "AWS::KMS::Key",
        {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain"},
    )
    template.has_resource_properties(
        "AWS::ECR::Repository",
        {
            "EncryptionConfiguration": {
                "EncryptionType": "KMS",
                "KmsKey": {"Fn::GetAtt": [key_id, "Arn"]},
            }
        },
    )


def test_aws_managed_key_is_an_opt_out() -> None:
    stack = new_stack("Repo")
    ep.EcrRepository(stack, "Repo", ep.RepositoryProps(aws_managed_key=True))
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 0)
    template.has_resource_properties(
        "AWS::ECR::Repository", {"EncryptionConfiguration": {"EncryptionType": "KMS"}}
    )


def test_fails_aws_managed_key_together_with_an_encryption_key() -> None:
    stack = new_stack("Repo")
    from aws_cdk import aws_kms as kms

    key = kms.Key(stack, "Key", enable_key_rotation=True)
    with pytest.raises(ep.ConfigurationError) as err:
        ep.RepositoryProps(aws_managed_key=True, encryption_key=key)
    assert err.value.props == ("aws_managed_key",)


def test_pull_and_push_grants_include_the_created_key() -> None:
    stack = new_stack("Repo")
    repo = ep.EcrRepository(stack, "Repo")
    puller = iam.Role(stack, "Puller", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    pusher = iam.Role(stack, "Pusher", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    repo.grant_pull(puller)
    repo.grant_push(pusher)
    assert repo.key is not None
    template = Template.from_stack(stack)
    key_id = stack.get_logical_id(repo.key.node.default_child)  # type: ignore[arg-type]
    policies = template.find_resources("AWS::IAM::Policy")
    for role, action in (("Puller", "kms:Decrypt"), ("Pusher", "kms:Encrypt")):
        (policy,) = [p for k, p in policies.items() if k.startswith(role)]
        granted = [
            statement
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if statement["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}
        ]
        assert granted, role
        actions = granted[0]["Action"]
        assert action in (actions if isinstance(actions, list) else [actions])


# --- ELB.21 / ELB.22: HTTPS to the targets ------------------------------------------------------


def _web(**kwargs: Any) -> Template:
    stack = new_stack("Web")
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE), allow_plain_http=True, **kwargs
        ),
    )
    return Template.from_stack(stack)


def test_targets_are_plain_http_by_default() -> None:
    _web().has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {"Protocol": "HTTP", "HealthCheckProtocol": "HTTP"},
    )


def test_https_to_the_targets_is_an_option_for_traffic_and_health_checks() -> None:
    template = _web(
        target_protocol=elbv2.ApplicationProtocol.HTTPS,
        deployment=ep.EcsNativeBlueGreen(),
    )
    groups = template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup")
    assert len(groups) == 2  # blue and green alike
    for group in groups.values():
        assert group["Properties"]["Protocol"] == "HTTPS"
        assert group["Properties"]["HealthCheckProtocol"] == "HTTPS"


# --- ECS.13 to ECS.15: tags ---------------------------------------------------------------------


def _tags(resource: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource["Properties"].get("Tags", [])}


def test_tags_reach_the_service_its_task_definition_and_the_cluster() -> None:
    stack = new_stack("Tagged")
    cluster = ep.FargateCluster(stack, "Cluster", ep.ClusterProps(tags={"team": "platform"}))
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            allow_plain_http=True,
            cluster=cluster,
            tags={"service": "web", "cost-center": "42"},
        ),
    )
    template = Template.from_stack(stack)
    (service,) = template.find_resources("AWS::ECS::Service").values()
    (task,) = template.find_resources("AWS::ECS::TaskDefinition").values()
    (ecs_cluster,) = template.find_resources("AWS::ECS::Cluster").values()
    assert _tags(service) == {"service": "web", "cost-center": "42"}
    assert _tags(task) == {"service": "web", "cost-center": "42"}
    assert _tags(ecs_cluster) == {"team": "platform"}
    # Tasks get the service's tags (ECS.13 to ECS.15 look at services, clusters, definitions).
    assert service["Properties"]["PropagateTags"] == "SERVICE"
    assert service["Properties"]["EnableECSManagedTags"] is True
    (alb,) = template.find_resources("AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert _tags(alb) == {"service": "web", "cost-center": "42"}


@pytest.mark.parametrize(
    "tags", [{"aws:team": "x"}, {"": "x"}, {"k" * 129: "x"}, {"team": "v" * 257}]
)
def test_fails_tags_aws_rejects(tags: dict[str, str]) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE), allow_plain_http=True, tags=tags
        )
    assert err.value.props == ("tags",)
    with pytest.raises(ep.ConfigurationError) as err:
        ep.ClusterProps(tags=tags)
    assert err.value.props == ("tags",)


# --- the compliance report maps the library to Security Hub control ids -------------------------


def test_security_hub_controls_are_data_with_every_control_the_library_answers() -> None:
    ids = [c.control for c in SECURITY_HUB_CONTROLS]
    assert len(ids) == len(set(ids))
    for control in ("ECR.5", "ELB.18", "ELB.21", "ELB.22", "ECS.13", "ECS.14", "ECS.15", "ECS.4"):
        assert control in ids
    assert {c.status for c in SECURITY_HUB_CONTROLS} <= {
        "passes with the defaults",
        "passes with an option",
        "fails by design",
    }


def test_report_has_the_security_hub_section_rendered_from_the_data() -> None:
    section = security_hub_section()
    assert section[0] == "## AWS Security Hub (Foundational Security Best Practices)"
    assert all(any(f"| {c.control} |" in line for line in section) for c in SECURITY_HUB_CONTROLS)
    assert "\n".join(section) in REPORT.read_text(encoding="utf-8")
