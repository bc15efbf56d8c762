"""GitHubDeployRole: exact trust, each grant's actions and resources, nothing broader."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import Synthesized, new_stack
from tests.stacks.github_oidc import PROVIDER_ARN, SERVICE_ARN, TASK_ROLE_ARN

AUD = "token.actions.githubusercontent.com:aud"
SUB = "token.actions.githubusercontent.com:sub"
BOOTSTRAP_ROLES = ("deploy-role", "file-publishing-role", "image-publishing-role", "lookup-role")
ECR_PUSH = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
}
WEB = ep.GitHubRepo(owner="acme", name="web")

Resources = dict[str, dict[str, Any]]


REPOSITORY_KEY = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
"""What pushing to a repository encrypted with its own customer-managed key adds."""


def _repository_key(template: Mapping[str, Any]) -> str:
    (key_id,) = [k for k in _of_type(template, "AWS::KMS::Key") if k.startswith("Repo")]
    return key_id


def _of_type(template: Mapping[str, Any], kind: str) -> Resources:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _one(template: Mapping[str, Any], kind: str, prefix: str) -> dict[str, Any]:
    (resource,) = [v for k, v in _of_type(template, kind).items() if k.startswith(prefix)]
    return resource


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


def _grants(policy: dict[str, Any]) -> dict[frozenset[str], list[Any]]:
    """Actions of each statement mapped to its resources."""
    return {frozenset(_listify(s["Action"])): _listify(s["Resource"]) for s in _statements(policy)}


def _text(value: Any) -> str:
    """A resource ARN as text: literal strings, Fn::Join parts joined, Refs as <Ref>."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(_text(v) for v in value["Fn::Join"][1])
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    raise AssertionError(f"unexpected resource {value}")


def _bootstrap_arns(qualifier: str) -> list[str]:
    return [
        f"arn:<AWS::Partition>:iam::123456789012:role/cdk-{qualifier}-{r}-123456789012-us-east-1"
        for r in BOOTSTRAP_ROLES
    ]


@pytest.fixture(scope="module")
def defaults(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.templates["GitHubOidcDefaults"]


@pytest.fixture(scope="module")
def imported(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.templates["GitHubOidcImported"]


# --- provider and trust ------------------------------------------------------------------------


def test_creates_a_native_oidc_provider_for_github(defaults: dict[str, Any]) -> None:
    (provider,) = _of_type(defaults, "AWS::IAM::OIDCProvider").values()
    assert provider["Properties"] == {
        "Url": "https://token.actions.githubusercontent.com",
        "ClientIdList": ["sts.amazonaws.com"],
    }
    assert _of_type(defaults, "Custom::AWSCDKOpenIdConnectProvider") == {}
    assert not [k for k in defaults["Resources"] if "OpenIdConnect" in k]


def test_imported_provider_creates_no_provider(imported: dict[str, Any]) -> None:
    assert _of_type(imported, "AWS::IAM::OIDCProvider") == {}


def _trust(template: Mapping[str, Any]) -> dict[str, Any]:
    role = _one(template, "AWS::IAM::Role", "DeployRole")
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    trust: dict[str, Any] = statement
    return trust


def test_trust_is_web_identity_of_the_provider_with_audience_and_exact_subject(
    defaults: dict[str, Any],
) -> None:
    trust = _trust(defaults)
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Effect"] == "Allow"
    (provider_id,) = _of_type(defaults, "AWS::IAM::OIDCProvider")
    assert trust["Principal"] == {"Federated": {"Ref": provider_id}}
    assert trust["Condition"] == {
        "StringEquals": {AUD: "sts.amazonaws.com"},
        "StringLike": {SUB: ["repo:acme/web:ref:refs/heads/main"]},
    }


def test_trust_lists_every_branch_and_environment_and_nothing_else(
    imported: dict[str, Any],
) -> None:
    trust = _trust(imported)
    assert trust["Principal"] == {"Federated": PROVIDER_ARN}
    assert trust["Condition"] == {
        "StringEquals": {AUD: "sts.amazonaws.com"},
        "StringLike": {
            SUB: [
                "repo:acme/web:ref:refs/heads/main",
                "repo:acme/web:environment:production",
                "repo:acme/infra:ref:refs/heads/main",
                "repo:acme/infra:ref:refs/heads/release/*",
                "repo:acme/infra:environment:production",
                "repo:acme/infra:environment:staging",
                "repo:acme-ops/deploy.tools:environment:production",
            ]
        },
    }


def test_no_subject_wildcards_owner_or_repository(imported: dict[str, Any]) -> None:
    for subject in _trust(imported)["Condition"]["StringLike"][SUB]:
        kind, rest = subject.split(":", 1)
        full_name, claim = rest.split(":", 1)
        assert kind == "repo"
        assert "*" not in full_name
        assert "?" not in full_name
        assert "?" not in claim
        assert "*" not in claim or claim.startswith("ref:refs/heads/release/")


def test_session_is_one_hour_by_default_and_configurable(
    defaults: dict[str, Any], imported: dict[str, Any]
) -> None:
    role = _one(defaults, "AWS::IAM::Role", "DeployRole")["Properties"]
    assert role["MaxSessionDuration"] == 3600
    assert "RoleName" not in role
    custom = _one(imported, "AWS::IAM::Role", "DeployRole")["Properties"]
    assert custom["MaxSessionDuration"] == 7200
    assert custom["RoleName"] == "github-deploy-web"


def test_duplicate_subjects_are_listed_once() -> None:
    props = ep.GitHubDeployRoleProps(repositories=[WEB, WEB])
    assert props.subjects() == ["repo:acme/web:ref:refs/heads/main"]


# --- grants ------------------------------------------------------------------------------------


def test_no_inline_policies_only_customer_managed_ones(
    defaults: dict[str, Any], imported: dict[str, Any]
) -> None:
    for template in (defaults, imported):
        assert _of_type(template, "AWS::IAM::Policy") == {}
        role = _one(template, "AWS::IAM::Role", "DeployRole")["Properties"]
        assert "Policies" not in role
        assert "ManagedPolicyArns" not in role
        policies = {k for k in _of_type(template, "AWS::IAM::ManagedPolicy") if "Deploy" in k}
        assert len(policies) == 2


def test_default_grants_exactly(defaults: dict[str, Any]) -> None:
    scoped = _grants(_one(defaults, "AWS::IAM::ManagedPolicy", "DeployPolicy"))
    (repo_id,) = _of_type(defaults, "AWS::ECR::Repository")
    (service_id,) = _of_type(defaults, "AWS::ECS::Service")
    (task_role_id,) = [k for k in _of_type(defaults, "AWS::IAM::Role") if k.startswith("TaskTask")]
    assert {actions: [_text(r) for r in res] for actions, res in scoped.items()} == {
        frozenset(ECR_PUSH): [f"<{repo_id}.Arn>"],
        frozenset(REPOSITORY_KEY): [f"<{_repository_key(defaults)}.Arn>"],
        frozenset({"ecs:UpdateService", "ecs:DescribeServices"}): [f"<{service_id}>"],
        frozenset({"iam:PassRole"}): [f"<{task_role_id}.Arn>", "<ExecutionRole605A040B.Arn>"],
        frozenset({"sts:AssumeRole", "sts:TagSession"}): _bootstrap_arns("hnb659fds"),
    }


def test_pass_role_only_to_ecs_tasks(defaults: dict[str, Any], imported: dict[str, Any]) -> None:
    for template in (defaults, imported):
        policy = _one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy")
        (statement,) = [s for s in _statements(policy) if s["Action"] == "iam:PassRole"]
        assert statement["Condition"] == {
            "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
        }


def test_unscoped_policy_holds_only_actions_iam_cannot_scope(
    defaults: dict[str, Any], imported: dict[str, Any]
) -> None:
    for template in (defaults, imported):
        unscoped = _grants(_one(template, "AWS::IAM::ManagedPolicy", "DeployUnscopedPolicy"))
        assert unscoped == {
            frozenset({"ecr:GetAuthorizationToken"}): ["*"],
            frozenset({"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"}): ["*"],
        }


def test_imported_grants_exactly(imported: dict[str, Any]) -> None:
    scoped = _grants(_one(imported, "AWS::IAM::ManagedPolicy", "DeployPolicy"))
    (repo_id,) = _of_type(imported, "AWS::ECR::Repository")
    codedeploy = "arn:<AWS::Partition>:codedeploy:us-east-1:123456789012"
    assert {actions: [_text(r) for r in res] for actions, res in scoped.items()} == {
        frozenset(ECR_PUSH): [f"<{repo_id}.Arn>"],
        frozenset(REPOSITORY_KEY): [f"<{_repository_key(imported)}.Arn>"],
        frozenset({"ecs:UpdateService", "ecs:DescribeServices"}): [SERVICE_ARN],
        frozenset({"iam:PassRole"}): [TASK_ROLE_ARN],
        frozenset({"codedeploy:CreateDeployment", "codedeploy:GetDeployment"}): [
            f"{codedeploy}:deploymentgroup:web/web-bg"
        ],
        frozenset(
            {"codedeploy:RegisterApplicationRevision", "codedeploy:GetApplicationRevision"}
        ): [f"{codedeploy}:application:web"],
        frozenset({"codedeploy:GetDeploymentConfig"}): [
            f"{codedeploy}:deploymentconfig:CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
        ],
        frozenset({"sts:AssumeRole", "sts:TagSession"}): _bootstrap_arns("acme01"),
    }


def test_nothing_broader_than_named_actions(
    defaults: dict[str, Any], imported: dict[str, Any]
) -> None:
    for template in (defaults, imported):
        for key, policy in _of_type(template, "AWS::IAM::ManagedPolicy").items():
            if "Deploy" not in key:
                continue
            for statement in _statements(policy):
                assert statement["Effect"] == "Allow"
                assert "NotAction" not in statement
                assert "NotResource" not in statement
                for action in _listify(statement["Action"]):
                    assert "*" not in action
                    assert not action.startswith(("iam:Create", "iam:Put", "iam:Attach"))


def test_bootstrap_roles_only_is_a_minimal_role() -> None:
    stack = new_stack()
    ep.GitHubDeployRole(stack, "Deploy", ep.GitHubDeployRoleProps(repositories=[WEB]))
    template = Template.from_stack(stack).to_json()
    assert [k for k in _of_type(template, "AWS::IAM::ManagedPolicy")] == [
        next(k for k in template["Resources"] if k.startswith("DeployPolicy"))
    ]
    policy = _one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy")
    assert list(_grants(policy)) == [frozenset({"sts:AssumeRole", "sts:TagSession"})]


def test_without_bootstrap_roles_no_sts_grant() -> None:
    stack = new_stack()
    repository = ep.EcrRepository(stack, "Repo")
    ep.GitHubDeployRole(
        stack,
        "Deploy",
        ep.GitHubDeployRoleProps(
            repositories=[WEB], ecr_repositories=[repository], assume_cdk_bootstrap_roles=False
        ),
    )
    template = Template.from_stack(stack).to_json()
    policy = _one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy")
    assert list(_grants(policy)) == [frozenset(ECR_PUSH), frozenset(REPOSITORY_KEY)]


def test_customer_key_of_a_repository_is_granted_on_that_key_only() -> None:
    from aws_cdk import aws_kms as kms

    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    repository = ep.EcrRepository(stack, "Repo", ep.RepositoryProps(encryption_key=key))
    ep.GitHubDeployRole(
        stack, "Deploy", ep.GitHubDeployRoleProps(repositories=[WEB], ecr_repositories=[repository])
    )
    template = Template.from_stack(stack).to_json()
    scoped = _grants(_one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy"))
    (key_id,) = _of_type(template, "AWS::KMS::Key")
    kms_grants = {a: r for a, r in scoped.items() if any(x.startswith("kms:") for x in a)}
    assert [[_text(x) for x in r] for r in kms_grants.values()] == [[f"<{key_id}.Arn>"]]


def test_later_grants_land_in_the_managed_policy_and_stay_visible_to_nag() -> None:
    """The IAM5 acknowledgement is on the unscoped policy only: a later ``*`` grant is flagged."""

    def build() -> tuple[Stack, ep.GitHubDeployRole]:
        stack = new_stack()
        repository = ep.EcrRepository(stack, "Repo")
        props = ep.GitHubDeployRoleProps(repositories=[WEB], ecr_repositories=[repository])
        return stack, ep.GitHubDeployRole(stack, "Deploy", props)

    # nag_findings synthesizes the app, after which the tree must not change: one app each.
    assert nag_findings(build()[0]) == []
    stack, deploy = build()
    deploy.role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=["*"]))
    template = Template.from_stack(stack).to_json()
    assert _of_type(template, "AWS::IAM::Policy") == {}
    scoped = _grants(_one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy"))
    assert scoped[frozenset({"s3:ListBucket"})] == ["*"]
    findings = nag_findings(stack)
    assert {(f.rule, f.construct_path) for f in findings} == {
        ("AwsSolutions-IAM5[Resource::*]", "Test/Deploy/Policy/Resource")
    }


def test_escape_hatches(defaults: dict[str, Any]) -> None:
    stack = new_stack()
    deploy = ep.GitHubDeployRole(stack, "Deploy", ep.GitHubDeployRoleProps(repositories=[WEB]))
    assert isinstance(deploy.role, iam.Role)
    assert isinstance(deploy.provider, iam.OidcProviderNative)
    assert isinstance(deploy.policy, iam.ManagedPolicy)
    assert deploy.unscoped_policy is None
    assert deploy.role_arn == deploy.role.role_arn
    assert deploy.subjects == ["repo:acme/web:ref:refs/heads/main"]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "prop", "fragment"),
    [
        ({"owner": ""}, "owner", "GitHub user or organization name"),
        ({"owner": "*"}, "owner", "no wildcards"),
        ({"owner": "ac*"}, "owner", "no wildcards"),
        ({"owner": "acme?"}, "owner", "no wildcards"),
        ({"owner": "acme/web"}, "owner", "GitHub user or organization name"),
        ({"owner": "acme:x"}, "owner", "GitHub user or organization name"),
        ({"owner": "ac me"}, "owner", "GitHub user or organization name"),
        ({"name": ""}, "name", "repository name"),
        ({"name": "*"}, "name", "no wildcards or '/'"),
        ({"name": "web*"}, "name", "no wildcards or '/'"),
        ({"name": "we?b"}, "name", "no wildcards or '/'"),
        ({"name": "acme/web"}, "name", "no wildcards or '/'"),
        ({"name": "web:prod"}, "name", "repository name"),
        ({"name": "web "}, "name", "repository name"),
    ],
)
def test_fails_on_invalid_owner_or_name(kwargs: dict[str, str], prop: str, fragment: str) -> None:
    fields = {"owner": "acme", "name": "web", **kwargs}
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubRepo(**fields)
    assert err.value.props == (prop,)
    message = str(err.value)
    assert message.startswith("GitHubRepo: 1 problem")
    assert f"{prop}={kwargs[prop]!r}" in message
    assert fragment in message


@pytest.mark.parametrize(
    ("branch", "reason"),
    [
        ("*", "'*' is only allowed once, at the end, after a fixed prefix"),
        ("**", "'*' is only allowed once"),
        ("*-hotfix", "at the end"),
        ("release/*/x", "at the end"),
        ("", "it is empty"),
        ("refs/heads/main", "it is a full ref"),
        ("main branch", "whitespace"),
        ("ma?n", "whitespace or one of ?"),
        ("a:b", "whitespace or one of ?"),
        ("a..b", "'..'"),
    ],
)
def test_fails_on_invalid_branch(branch: str, reason: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubRepo(owner="acme", name="web", branches=[branch])
    assert err.value.props == ("branches",)
    message = str(err.value)
    assert f"branches={branch!r}" in message
    assert "'release/*'" in message
    assert reason in message
    assert "without 'refs/heads/'" in message


@pytest.mark.parametrize("branch", ["main", "release/*", "hotfix-*", "feature/JIRA-12_x.y"])
def test_branch_names_and_prefix_patterns_are_allowed(branch: str) -> None:
    repo = ep.GitHubRepo(owner="acme", name="web", branches=[branch])
    assert repo.subjects() == [f"repo:acme/web:ref:refs/heads/{branch}"]


def test_fails_on_a_single_string_for_branches() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubRepo(owner="acme", name="web", branches="main")
    assert err.value.props == ("branches",)
    assert "Wrap the string in a list: branches=['main']" in str(err.value)


@pytest.mark.parametrize("env", ["", "prod*", "pr?d", "a:b", " production"])
def test_fails_on_invalid_environment(env: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubRepo(owner="acme", name="web", environments=[env])
    assert err.value.props == ("environments",)
    assert f"environments={env!r}" in str(err.value)
    assert "1-255 characters without *" in str(err.value)


def test_fails_on_a_repository_with_no_branch_and_no_environment() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubRepo(owner="acme", name="web", branches=())
    assert err.value.props == ("branches",)
    message = str(err.value)
    assert "branches=()" in message
    assert "at least one branch or environment" in message
    assert "branches=('main',)" in message


def test_fails_on_empty_repositories() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubDeployRoleProps(repositories=[])
    assert err.value.props == ("repositories",)
    assert "repositories=()" in str(err.value)
    assert "at least one GitHubRepo" in str(err.value)


def test_fails_without_any_grant() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubDeployRoleProps(repositories=[WEB], assume_cdk_bootstrap_roles=False)
    assert err.value.props == ("assume_cdk_bootstrap_roles",)
    message = str(err.value)
    assert "assume_cdk_bootstrap_roles=False" in message
    assert "ecr_repositories, ecs_services, codedeploy_deployment_groups" in message


@pytest.mark.parametrize(
    ("duration", "shown"), [(Duration.minutes(30), "1800s"), (Duration.hours(13), "46800s")]
)
def test_fails_on_session_duration_outside_1_to_12_hours(duration: Duration, shown: str) -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubDeployRoleProps(repositories=[WEB], max_session_duration=duration)
    assert err.value.props == ("max_session_duration",)
    assert f"max_session_duration='{shown}'" in str(err.value)
    assert "a whole number of seconds from 3600s to 43200s" in str(err.value)


@pytest.mark.parametrize("hours", [1, 12])
def test_session_duration_bounds_are_allowed(hours: int) -> None:
    props = ep.GitHubDeployRoleProps(repositories=[WEB], max_session_duration=Duration.hours(hours))
    assert props.max_session_duration.to_hours() == hours


def test_fails_on_invalid_qualifier_and_role_name_at_once() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubDeployRoleProps(
            repositories=[WEB], cdk_bootstrap_qualifier="not a qualifier", role_name="a b"
        )
    assert err.value.props == ("cdk_bootstrap_qualifier", "role_name")
    assert "2 problems" in str(err.value)
    assert "'hnb659fds'" in str(err.value)


def test_fails_on_pass_roles_without_services() -> None:
    stack = new_stack()
    role = iam.Role.from_role_arn(stack, "R", TASK_ROLE_ARN)
    with pytest.raises(ep.ConfigurationError) as err:
        ep.GitHubDeployRoleProps(repositories=[WEB], pass_roles=[role])
    assert err.value.props == ("pass_roles",)
    assert "only together with ecs_services" in str(err.value)


def test_an_imported_repository_is_granted_like_an_ecr_repository() -> None:
    from aws_cdk import aws_ecr as ecr

    stack = new_stack()
    imported = ecr.Repository.from_repository_name(stack, "Imported", "team/web")
    ep.GitHubDeployRole(
        stack,
        "Deploy",
        ep.GitHubDeployRoleProps(
            repositories=[WEB], ecr_repositories=[imported], assume_cdk_bootstrap_roles=False
        ),
    )
    template = Template.from_stack(stack).to_json()
    scoped = _grants(_one(template, "AWS::IAM::ManagedPolicy", "DeployPolicy"))
    assert list(scoped) == [frozenset(ECR_PUSH)]
    (resource,) = scoped[frozenset(ECR_PUSH)]
    assert _text(resource).endswith(":repository/team/web")
    unscoped = _grants(_one(template, "AWS::IAM::ManagedPolicy", "DeployUnscopedPolicy"))
    assert unscoped == {frozenset({"ecr:GetAuthorizationToken"}): ["*"]}
    assert nag_findings(stack) == []


def test_ecr_repositories_rejects_a_repository_name_string() -> None:
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.GitHubDeployRoleProps(
            repositories=[WEB],
            ecr_repositories=["team/web"],  # type: ignore[list-item]
        )
    assert raised.value.props == ("ecr_repositories",)
    assert "IRepository" in str(raised.value)
