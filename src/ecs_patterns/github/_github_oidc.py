"""GitHubDeployRole: a least-privilege CI role that GitHub Actions assumes through OIDC.

The pipeline assumes an AWS role through GitHub's OpenID Connect provider instead of holding
long-lived access keys (nothing to leak or rotate), pushes the image tagged ``prod-<sha>`` and
rolls it out.

Long module: one construct, its props and the OIDC provider it may create: the role's scoping
rules read the props field by field, and splitting them apart would separate each rule from the
field it judges.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration, Stack
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from ..core._compliance import exempt
from ..core._errors import ConfigurationError, Problem
from ..core._iam import ManagedPolicyRole
from ..core._typecheck import require_types
from ..core._validation import Checks, is_token
from ..repository import EcrRepository
from . import _exemptions as exemptions

__all__ = [
    "GITHUB_OIDC_AUDIENCE",
    "GITHUB_OIDC_URL",
    "GitHubDeployRole",
    "GitHubDeployRoleProps",
    "GitHubRepo",
]

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
"""Issuer URL of GitHub Actions' OIDC tokens (github.com; GitHub Enterprise Server differs)."""

GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
"""Audience that ``aws-actions/configure-aws-credentials`` requests by default."""

_CLAIM_PREFIX = "token.actions.githubusercontent.com"
# GitHub user and organization names: letters, digits and single hyphens, at most 39 characters.
_OWNER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$")
# Repository names: letters, digits, '.', '_' and '-', at most 100 characters.
_NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# Characters that git forbids in ref names, or that mean something in an IAM StringLike pattern.
_BRANCH_FORBIDDEN = set("?:[\\~^") | {" ", "\t", "\n", "\r"}
_ENVIRONMENT_FORBIDDEN = set('*?:"\\') | {"\t", "\n", "\r"}
# cdk bootstrap --qualifier: the pattern the bootstrap template enforces.
_QUALIFIER_RE = re.compile(r"^[A-Za-z0-9_-]{1,10}$")
_ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$")
# The roles `cdk bootstrap` creates that the CDK CLI assumes from CI (the CloudFormation
# execution role is passed by the deploy role, never assumed by the CLI).
_BOOTSTRAP_ROLES = ("deploy-role", "file-publishing-role", "image-publishing-role", "lookup-role")


def _branch_problem(branch: str) -> str | None:
    """Why ``branch`` is not a usable branch name or prefix pattern, or None if it is."""
    if not branch:
        return "it is empty"
    if branch.startswith("refs/"):
        return "it is a full ref, not a branch name"
    if set(branch) & _BRANCH_FORBIDDEN:
        return "it contains whitespace or one of ? : [ \\ ~ ^"
    if ".." in branch or branch.startswith("/") or "//" in branch:
        return "git does not allow '..', '//' or a leading '/' in a branch name"
    stars = branch.count("*")
    if stars and (stars > 1 or not branch.endswith("*") or len(branch) == 1):
        return "'*' is only allowed once, at the end, after a fixed prefix (e.g. 'release/*')"
    return None


@dataclass(frozen=True, kw_only=True)
class GitHubRepo:
    """One GitHub repository whose workflows may assume the deploy role, and from where.

    Each entry becomes exact ``sub`` claims in the role's trust policy: one
    ``repo:OWNER/NAME:ref:refs/heads/BRANCH`` per branch and one
    ``repo:OWNER/NAME:environment:ENV`` per environment. GitHub puts the environment claim in
    the token *instead of* the branch claim when a job declares ``environment:``, so list the
    environments such jobs use.

    Matching is case-sensitive: spell owner, name, branches and environments exactly as GitHub
    shows them.

    Attributes:
        owner: User or organization, e.g. ``"acme"``. Never a wildcard.
        name: Repository name, e.g. ``"web"``. Never a wildcard.
        branches: Branches whose push workflows may deploy. Default ``("main",)``, the branch
            the release workflow runs on. A branch may end in one ``*`` after a fixed prefix
            (``"release/*"``) to match every branch under it: anyone who can push such a
            branch can then deploy, so protect the prefix with a branch ruleset. A bare ``"*"``
            (every branch) is rejected.
        environments: GitHub deployment environments whose jobs may deploy. Default none.
            Environments can require reviewers and restrict branches, which makes them the
            stronger gate for production.
    """

    owner: str
    name: str
    branches: Sequence[str] = ("main",)
    environments: Sequence[str] = ()

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("GitHubRepo")
        checks.check(
            bool(_OWNER_RE.match(self.owner)),
            "owner",
            self.owner,
            "a GitHub user or organization name: 1-39 letters, digits or inner hyphens, "
            "no wildcards",
            "Give the exact owner, e.g. owner='acme'; trust one repository per entry.",
        )
        checks.check(
            bool(_NAME_RE.match(self.name)) and self.name not in (".", ".."),
            "name",
            self.name,
            "a repository name: 1-100 letters, digits, '.', '_' or '-', no wildcards or '/'",
            "Give the repository name alone, e.g. owner='acme', name='web' for acme/web.",
        )
        for branch in self.branches:
            if is_token(branch):
                continue
            problem = _branch_problem(branch)
            checks.check(
                problem is None,
                "branches",
                branch,
                "a branch name such as 'main', or a prefix ending in one '*' such as "
                f"'release/*' (rejected because {problem})",
                "Name the branch exactly (without 'refs/heads/'); to trust every branch, "
                "don't: list the release branches instead.",
            )
        for env in self.environments:
            checks.check(
                0 < len(env) <= 255
                and env == env.strip()
                and not set(env) & _ENVIRONMENT_FORBIDDEN,
                "environments",
                env,
                'an environment name of 1-255 characters without * ? : " \\ or surrounding '
                "whitespace",
                "Use the environment's name exactly as in the repository settings.",
            )
        checks.check(
            bool(self.branches) or bool(self.environments),
            "branches",
            tuple(self.branches),
            "at least one branch or environment",
            "Keep the default branches=('main',) or name the environments that deploy.",
        )
        checks.done()

    @property
    def full_name(self) -> str:
        """``OWNER/NAME``."""
        return f"{self.owner}/{self.name}"

    def subjects(self) -> list[str]:
        """The exact ``sub`` claims this repository may present, branches first."""
        return [f"repo:{self.full_name}:ref:refs/heads/{b}" for b in self.branches] + [
            f"repo:{self.full_name}:environment:{e}" for e in self.environments
        ]


def _one_hour() -> Duration:
    return Duration.hours(1)


@dataclass(frozen=True, kw_only=True)
class GitHubDeployRoleProps:
    """Props of :class:`GitHubDeployRole`. Only ``repositories`` and at least one grant are needed.

    Attributes:
        repositories: The repositories (and their branches and environments) trusted to assume
            the role. At least one; every entry is exact, never a wildcard over owner or name.
        provider: GitHub's OIDC provider in this account. Default: a new native
            ``AWS::IAM::OIDCProvider`` (``iam.OidcProviderNative``, no custom-resource Lambda)
            for ``https://token.actions.githubusercontent.com`` with client id
            ``sts.amazonaws.com`` and no thumbprints (IAM verifies GitHub's certificate through
            its own trusted CAs). **An account can hold only one provider per URL**: if one
            exists already (another stack, another team, the console), import it with
            ``iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(scope, id,
            "arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com")``, or the
            deployment fails with ``EntityAlreadyExists``; a second GitHubDeployRole that would
            create one for the same account in the same app is refused with
            :class:`ConfigurationError` (pass the first one's ``provider``). A created
            provider is deleted with
            its stack, so keep it in a long-lived stack when several roles trust it.
        ecr_repositories: Repositories the pipeline pushes images to (push and pull on exactly
            these, plus the account-wide ``ecr:GetAuthorizationToken`` that ``docker login``
            needs): :class:`EcrRepository` objects, or ``ecr.IRepository`` ones made elsewhere
            (``ecr.Repository.from_repository_name(scope, id, "team/web")``). An
            EcrRepository's customer-managed key is granted too; an imported repository's key
            is unknown to the library, so grant it yourself
            (``key.grant_encrypt_decrypt(deploy.role)``). Default none.
        ecs_services: Services the pipeline rolls itself (``ecs:UpdateService`` and
            ``ecs:DescribeServices`` on exactly these; ``ecs:RegisterTaskDefinition`` and
            ``ecs:DescribeTaskDefinition``, which IAM only grants on ``*``; ``iam:PassRole`` of
            the task and execution roles of services defined in this app, restricted to
            ``ecs-tasks.amazonaws.com``, since registering a revision that names a role needs
            it). Default none: a pipeline that deploys with ``cdk deploy`` needs no ECS grant,
            CloudFormation does the update through the bootstrap roles.
        pass_roles: Task and execution roles of *imported* ``ecs_services`` that registered
            revisions name (``iam:PassRole`` to ``ecs-tasks.amazonaws.com`` only). Default
            none; only with ``ecs_services``.
        codedeploy_deployment_groups: ECS blue/green deployment groups the pipeline starts
            deployments of (``codedeploy:CreateDeployment``/``GetDeployment`` on the group,
            ``RegisterApplicationRevision``/``GetApplicationRevision`` on its application,
            ``GetDeploymentConfig`` on its deployment configuration). Default none.
        assume_cdk_bootstrap_roles: Allow ``sts:AssumeRole`` and ``sts:TagSession`` (the CDK CLI
            tags its sessions) on the four roles ``cdk bootstrap`` made in this stack's
            account and region: ``cdk-QUALIFIER-{deploy,file-publishing,image-publishing,
            lookup}-role-ACCOUNT-REGION``, named one by one rather than by a ``cdk-*`` pattern.
            Default True, so the pipeline can run ``cdk deploy``; what a deployment may change
            is then bounded by the bootstrap's CloudFormation execution policy.
        cdk_bootstrap_qualifier: The ``--qualifier`` of ``cdk bootstrap``. Default
            ``"hnb659fds"``, CDK's default.
        max_session_duration: Longest session the role allows. Default 1 hour (also the
            default session of ``configure-aws-credentials``): short-lived credentials, enough
            for a build, push and deploy. 1 to 12 hours.
        role_name: Explicit role name. Default: generated by CloudFormation (the workflow
            reads the ARN from a repository variable, so the name does not matter).
    """

    repositories: Sequence[GitHubRepo]
    provider: iam.IOpenIdConnectProvider | iam.IOidcProvider | None = None
    ecr_repositories: Sequence[EcrRepository | ecr.IRepository] = ()
    ecs_services: Sequence[ecs.IBaseService] = ()
    pass_roles: Sequence[iam.IRole] = ()
    codedeploy_deployment_groups: Sequence[codedeploy.IEcsDeploymentGroup] = ()
    assume_cdk_bootstrap_roles: bool = True
    cdk_bootstrap_qualifier: str = "hnb659fds"
    max_session_duration: Duration = field(default_factory=_one_hour)
    role_name: str | None = None

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("GitHubDeployRoleProps")
        checks.check(
            bool(self.repositories),
            "repositories",
            tuple(self.repositories),
            "at least one GitHubRepo",
            "Name the repository that deploys, e.g. repositories=[GitHubRepo(owner='acme', "
            "name='web')].",
        )
        checks.check(
            bool(
                self.ecr_repositories
                or self.ecs_services
                or self.codedeploy_deployment_groups
                or self.assume_cdk_bootstrap_roles
            ),
            "assume_cdk_bootstrap_roles",
            self.assume_cdk_bootstrap_roles,
            "True, or at least one of ecr_repositories, ecs_services, "
            "codedeploy_deployment_groups (a role with no grant is useless)",
            "Keep assume_cdk_bootstrap_roles=True to deploy with cdk deploy, or list what the "
            "pipeline pushes to and rolls.",
        )
        checks.check(
            not self.pass_roles or bool(self.ecs_services),
            "pass_roles",
            tuple(r.node.path for r in self.pass_roles),
            "roles only together with ecs_services",
            "Add the services whose task definitions name these roles to ecs_services, or "
            "drop pass_roles.",
        )
        if self.assume_cdk_bootstrap_roles:
            checks.check(
                bool(_QUALIFIER_RE.match(self.cdk_bootstrap_qualifier)),
                "cdk_bootstrap_qualifier",
                self.cdk_bootstrap_qualifier,
                "1-10 letters, digits, '_' or '-' (as cdk bootstrap --qualifier)",
                "Use the qualifier the account was bootstrapped with; CDK's default is "
                "'hnb659fds'.",
            )
        checks.duration_range("max_session_duration", self.max_session_duration, 3600, 43200)
        if self.role_name is not None:
            checks.check(
                bool(_ROLE_NAME_RE.match(self.role_name)),
                "role_name",
                self.role_name,
                "1-64 letters, digits or + = , . @ _ -",
                "Use a name such as 'github-deploy-web', or leave role_name unset.",
            )
        checks.done()

    def subjects(self) -> list[str]:
        """Every trusted ``sub`` claim, in order, without duplicates."""
        return list(dict.fromkeys(s for repo in self.repositories for s in repo.subjects()))


def _provider_arn(provider: iam.IOpenIdConnectProvider | iam.IOidcProvider) -> str:
    arn = getattr(provider, "open_id_connect_provider_arn", None) or getattr(
        provider, "oidc_provider_arn", None
    )
    if not isinstance(arn, str):
        raise TypeError("provider must be an IAM OpenID Connect provider")
    return arn


# The GitHubDeployRoles of each app that create a provider, by account: IAM holds one
# provider per URL in an account, so a second create fails the deploy with EntityAlreadyExists.
_PROVIDERS: weakref.WeakKeyDictionary[IConstruct, dict[str, str]] = weakref.WeakKeyDictionary()


def _claim_provider(scope: Construct, path: str) -> None:
    """Refuse a second created GitHub OIDC provider for one account in one app.

    Stacks whose account is not a literal (environment-agnostic) are taken to deploy into one
    account, the CLI's, so they share one entry.
    """
    account = Stack.of(scope).account
    key = "the CLI's account" if is_token(account) else account
    taken = _PROVIDERS.setdefault(scope.node.root, {})
    owner = taken.get(key)
    if owner is not None:
        raise ConfigurationError(
            "GitHubDeployRoleProps",
            [
                Problem(
                    prop="provider",
                    value=None,
                    allowed=f"one created provider for {GITHUB_OIDC_URL} per account ({owner} "
                    f"already creates the one of {key}; IAM refuses a second with "
                    "EntityAlreadyExists)",
                    fix=f"Pass provider= the .provider of the GitHubDeployRole at {owner}, or "
                    "import the existing provider with "
                    "iam.OpenIdConnectProvider.from_open_id_connect_provider_arn(...).",
                )
            ],
        )
    taken[key] = path


class GitHubDeployRole(Construct):
    """The IAM role a GitHub Actions release workflow assumes, with only what it needs.

    * Trust: GitHub's OIDC provider (``sts:AssumeRoleWithWebIdentity``), only for tokens with
      audience ``sts.amazonaws.com`` (``StringEquals``) and a ``sub`` claim in the exact list
      from ``repositories`` (``StringLike``, so that a ``release/*`` branch prefix works; no
      owner or repository is ever a pattern).
    * Permissions: push to the given ECR repositories, roll the given ECS services and CodeDeploy
      deployment groups, and assume the CDK bootstrap roles; nothing else, no ``iam:*``.
    * Customer-managed policies, not inline ones (NIST/HIPAA/PCI ``IAMNoInlinePolicy``):
      ``policy`` holds every statement scoped to resources, and later grants to ``role`` land
      there too; ``unscoped_policy`` (only when needed) holds just the actions IAM cannot scope
      (``ecr:GetAuthorizationToken``, ``ecs:RegisterTaskDefinition``,
      ``ecs:DescribeTaskDefinition``), and is the only resource that carries an
      acknowledgement (``AwsSolutions-IAM5[Resource::*]``).

    Defaults and why: see :class:`GitHubDeployRoleProps`. Give the role ARN to the workflow as
    the ``DEPLOY_ROLE_ARN`` repository variable (see ``.github/workflows/release.yml``).

    Attributes:
        role: the IAM role (escape hatch); ``role_arn`` for the workflow.
        provider: GitHub's OIDC provider, created or given.
        policy: the customer-managed policy with the scoped grants.
        unscoped_policy: the customer-managed policy with the ``Resource: *`` actions, or None.
        subjects: the trusted ``sub`` claims.
    """

    def __init__(self, scope: Construct, id: str, props: GitHubDeployRoleProps) -> None:
        if props.provider is None:
            _claim_provider(scope, f"{scope.node.path}/{id}")
        super().__init__(scope, id)
        self.props = props
        self.provider: iam.IOpenIdConnectProvider | iam.IOidcProvider = (
            props.provider
            if props.provider is not None
            else iam.OidcProviderNative(
                self, "Provider", url=GITHUB_OIDC_URL, client_ids=[GITHUB_OIDC_AUDIENCE]
            )
        )
        self.subjects = props.subjects()
        self.policy = iam.ManagedPolicy(
            self,
            "Policy",
            description="GitHub Actions deploy role: grants scoped to resources",
        )
        self._managed_role = ManagedPolicyRole(
            self,
            "Role",
            policy=self.policy,
            assumed_by=iam.WebIdentityPrincipal(
                _provider_arn(self.provider),
                conditions={
                    "StringEquals": {f"{_CLAIM_PREFIX}:aud": GITHUB_OIDC_AUDIENCE},
                    "StringLike": {f"{_CLAIM_PREFIX}:sub": self.subjects},
                },
            ),
            description="Assumed by GitHub Actions through OIDC to release images",
            max_session_duration=props.max_session_duration,
            role_name=props.role_name,
        )
        self.role: iam.Role = self._managed_role
        self.unscoped_policy: iam.ManagedPolicy | None = None
        unscoped_actions: list[str] = []
        if props.ecr_repositories:
            unscoped_actions.append("ecr:GetAuthorizationToken")
            self._grant_ecr(props.ecr_repositories)
        if props.ecs_services:
            unscoped_actions += ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
            self._grant_ecs(props.ecs_services, props.pass_roles)
        if props.codedeploy_deployment_groups:
            self._grant_codedeploy(props.codedeploy_deployment_groups)
        if props.assume_cdk_bootstrap_roles:
            self._grant_bootstrap_roles(props.cdk_bootstrap_qualifier)
        if self.unscoped_policy is not None:
            exempt(self.unscoped_policy, exemptions.unscoped_policy(unscoped_actions))

    @property
    def role_arn(self) -> str:
        """The role's ARN, for ``role-to-assume`` of ``aws-actions/configure-aws-credentials``."""
        return self.role.role_arn

    def _unscoped(self) -> iam.ManagedPolicy:
        if self.unscoped_policy is None:
            self.unscoped_policy = iam.ManagedPolicy(
                self,
                "UnscopedPolicy",
                description="GitHub Actions deploy role: actions IAM only grants on *",
                roles=[self.role],
            )
        return self.unscoped_policy

    def _grant_ecr(self, repositories: Sequence[EcrRepository | ecr.IRepository]) -> None:
        with self._managed_role.routing_unscoped(self._unscoped()):
            for repository in repositories:
                # EcrRepository also grants its customer-managed key, if it has one.
                repository.grant_pull_push(self.role)

    def _grant_ecs(self, services: Sequence[ecs.IBaseService], extra: Sequence[iam.IRole]) -> None:
        self.policy.add_statements(
            iam.PolicyStatement(
                sid="RollEcsServices",
                actions=["ecs:UpdateService", "ecs:DescribeServices"],
                resources=[s.service_arn for s in services],
            )
        )
        self._unscoped().add_statements(
            iam.PolicyStatement(
                sid="RegisterTaskDefinitions",
                actions=["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
                resources=["*"],
            )
        )
        roles: list[iam.IRole] = []
        for service in services:
            if isinstance(service, ecs.BaseService):
                task_definition = service.task_definition
                roles.append(task_definition.task_role)
                if task_definition.execution_role is not None:
                    roles.append(task_definition.execution_role)
        roles += extra
        arns = list(dict.fromkeys(r.role_arn for r in roles))
        if arns:
            self.policy.add_statements(
                iam.PolicyStatement(
                    sid="PassTaskRolesToEcs",
                    actions=["iam:PassRole"],
                    resources=arns,
                    conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                )
            )

    def _grant_codedeploy(self, groups: Sequence[codedeploy.IEcsDeploymentGroup]) -> None:
        self.policy.add_statements(
            iam.PolicyStatement(
                sid="CodeDeployDeployments",
                actions=["codedeploy:CreateDeployment", "codedeploy:GetDeployment"],
                resources=list(dict.fromkeys(g.deployment_group_arn for g in groups)),
            ),
            iam.PolicyStatement(
                sid="CodeDeployRevisions",
                actions=[
                    "codedeploy:RegisterApplicationRevision",
                    "codedeploy:GetApplicationRevision",
                ],
                resources=list(dict.fromkeys(g.application.application_arn for g in groups)),
            ),
            iam.PolicyStatement(
                sid="CodeDeployConfigs",
                actions=["codedeploy:GetDeploymentConfig"],
                resources=list(
                    dict.fromkeys(g.deployment_config.deployment_config_arn for g in groups)
                ),
            ),
        )

    def _grant_bootstrap_roles(self, qualifier: str) -> None:
        stack = Stack.of(self)
        self.policy.add_statements(
            iam.PolicyStatement(
                sid="AssumeCdkBootstrapRoles",
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=[
                    f"arn:{stack.partition}:iam::{stack.account}:role/"
                    f"cdk-{qualifier}-{role}-{stack.account}-{stack.region}"
                    for role in _BOOTSTRAP_ROLES
                ],
            )
        )
