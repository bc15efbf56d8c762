"""What a real AWS account would reject or regret: each default checked from the template.

Every test here builds a fresh stack (no session fixtures), so the file runs in seconds:
release Lambdas without reserved concurrency, the waiter's log group under
``/aws/vendedlogs/states/``, create-rollback-safe retention and load balancer protection, the
circuit breaker on ECS-native blue/green, alarms that are quiet at create, a closed test
listener, and values refused at synthesis that would fail at deploy.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template
from ruamel.yaml import YAML

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import new_stack
from tests.stacks.monitoring import _cluster, fargate_service
from tests.stacks.release import codedeploy_service, release
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

ROOT = Path(__file__).resolve().parent.parent
Resources = dict[str, dict[str, Any]]
ACL_ID = "0a1b2c3d-1111-2222-3333-444455556666"


def _resources(stack: Stack, type_: str) -> Resources:
    return {k: dict(v) for k, v in Template.from_stack(stack).find_resources(type_).items()}


def _web(
    stack: Stack, *, load_balancer: dict[str, Any] | None = None, **props: Any
) -> ep.FargateWebService:
    """A web service; ``load_balancer`` entries go to LoadBalancerOptions (with a certificate of
    the stack's region unless one is given), the rest to WebServiceProps."""
    options: dict[str, Any] = {
        "certificate": acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
        **(load_balancer or {}),
    }
    return ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(**options),
            **props,
        ),
    )


# --- 1. deploys that fail -------------------------------------------------------------------


def test_release_lambdas_reserve_no_concurrency_by_default() -> None:
    stack = new_stack()
    release(stack, codedeploy_service(stack))
    functions = {k: v for k, v in _resources(stack, "AWS::Lambda::Function").items()}
    release_fns = [v for k, v in functions.items() if k.startswith("Release")]
    assert len(release_fns) == 5
    for fn in release_fns:
        assert "ReservedConcurrentExecutions" not in fn["Properties"]
        skips = {s["id"]: s["comment"] for s in fn["Metadata"]["checkov"]["skip"]}
        assert "quota" in skips["CKV_AWS_115"]
    assert nag_findings(stack) == []


def test_waiter_logs_to_a_vendedlogs_group_that_is_encrypted_finite_and_retained() -> None:
    stack = new_stack()
    release(stack, codedeploy_service(stack))
    (machine,) = _resources(stack, "AWS::StepFunctions::StateMachine").values()
    arn = machine["Properties"]["LoggingConfiguration"]["Destinations"][0][
        "CloudWatchLogsLogGroup"
    ]["LogGroupArn"]
    group_id = arn["Fn::GetAtt"][0]
    group = _resources(stack, "AWS::Logs::LogGroup")[group_id]
    name = group["Properties"]["LogGroupName"]["Fn::Join"][1]
    # aws-cdk-lib's own waiter group (aws/aws-cdk#28577): a vended-logs prefix, so Step
    # Functions does not append to the account's CloudWatch Logs resource policy.
    assert name[0].startswith("/aws/vendedlogs/states/")
    assert "KmsKeyId" in group["Properties"]
    assert group["Properties"]["RetentionInDays"] == 365
    # Named, so a failed first create deletes it and a retry can create it again.
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == (
        "RetainExceptOnCreate",
        "Retain",
    )
    assert nag_findings(stack) == []


def test_codedeploy_strategy_passes_reserved_concurrency_to_the_release() -> None:
    stack = new_stack()
    web = _web(stack, deployment=ep.CodeDeployBlueGreen(release_reserved_concurrency=2))
    assert web.release is not None
    functions = _resources(stack, "AWS::Lambda::Function")
    release_fns = [v for k, v in functions.items() if k.startswith("WebRelease")]
    assert len(release_fns) == 5
    assert {f["Properties"]["ReservedConcurrentExecutions"] for f in release_fns} == {2}


def test_codedeploy_strategy_reserves_nothing_by_default() -> None:
    stack = new_stack()
    _web(stack, deployment=ep.CodeDeployBlueGreen())
    functions = _resources(stack, "AWS::Lambda::Function")
    release_fns = [v for k, v in functions.items() if k.startswith("WebRelease")]
    assert len(release_fns) == 5
    assert all("ReservedConcurrentExecutions" not in f["Properties"] for f in release_fns)


def test_fails_on_a_release_reserved_concurrency_out_of_range() -> None:
    with pytest.raises(ep.ConfigurationError, match="release_reserved_concurrency"):
        ep.CodeDeployBlueGreen(release_reserved_concurrency=0)


# --- 3. deployments that cannot hang --------------------------------------------------------


@pytest.mark.parametrize(
    "strategy",
    [
        ecs.DeploymentStrategy.BLUE_GREEN,
        ecs.DeploymentStrategy.LINEAR,
        ecs.DeploymentStrategy.CANARY,
    ],
)
def test_ecs_native_strategies_get_the_circuit_breaker_with_rollback(
    strategy: ecs.DeploymentStrategy,
) -> None:
    """Green tasks that crash before registering trip no alarm: the breaker stops them."""
    stack = new_stack()
    web = _web(stack, deployment=ep.EcsNativeBlueGreen(strategy=strategy))
    (service,) = _resources(stack, "AWS::ECS::Service").values()
    config = service["Properties"]["DeploymentConfiguration"]
    assert config["Strategy"] == strategy.value
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    # The warning that says a circuit breaker is missing is no longer acknowledged away.
    acknowledged = [
        entry.data
        for entry in web.service.node.metadata
        if "shouldUseCircuitBreaker" in str(entry.data)
    ]
    assert acknowledged == []


def _workflow_timeout() -> int:
    workflow = YAML(typ="safe").load((ROOT / ".github/workflows/release.yml").read_text("utf-8"))
    minutes: int = workflow["jobs"]["release"]["timeout-minutes"]
    return minutes


def test_longest_stack_wait_of_codedeploy_is_the_release_timeout_plus_a_rollback() -> None:
    strategy = ep.CodeDeployBlueGreen()
    timing = ep.HealthTiming(
        target_health_check_interval=Duration.seconds(10),
        target_healthy_threshold=2,
        deregistration_delay=Duration.seconds(30),
        health_check_grace_period=Duration.seconds(60),
        stop_timeout=Duration.seconds(30),
    )
    estimate = ep.estimate_deployment_time(strategy, timing)
    wait = ep.longest_stack_wait(strategy, estimate)
    timeout = ep.release_timeout(strategy, estimate)
    assert wait.to_seconds() == timeout.to_seconds() + math.ceil(estimate.total_s)


def test_release_job_timeout_is_the_longest_wait_plus_setup_in_whole_five_minutes() -> None:
    waits = [Duration.minutes(20), Duration.seconds(48 * 60 + 20)]
    assert ep.release_job_timeout_minutes(waits, setup=Duration.minutes(20)) == 70


def test_release_workflow_timeout_covers_the_longest_release_of_the_sample_services() -> None:
    """The job must outlast a failed release and its rollback, or the stack is left IN_PROGRESS."""
    from sample_app.stacks import SAMPLE_SERVICES_STACK, build_app
    from tests.conftest import CDK_CONTEXT

    app = build_app(CDK_CONTEXT)
    services_stack = app.node.find_child(SAMPLE_SERVICES_STACK)
    services = [
        child for child in services_stack.node.find_all() if isinstance(child, ep.FargateWebService)
    ]
    assert len(services) == 3  # Web (CodeDeploy), Api (rolling), Catalog (ECS blue/green)
    recommended = ep.release_job_timeout_minutes(s.longest_stack_wait() for s in services)
    assert _workflow_timeout() >= recommended
    # GitHub-hosted runners end any job after 6 hours.
    assert recommended <= 360


# --- 4. alarms that mean something at create ------------------------------------------------


def _named_service(stack: Stack, name: str | None) -> ecs.FargateService:
    service = fargate_service(stack, "Web", _cluster(stack))
    if name is not None:
        cfn = service.node.default_child
        assert isinstance(cfn, ecs.CfnService)
        cfn.service_name = name
    return service


def test_running_task_alarm_keeps_missing_data_out_of_alarm() -> None:
    """Before Container Insights reports the first count the alarm waits instead of paging."""
    stack = new_stack()
    ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=_named_service(stack, None))
    )
    alarms = _resources(stack, "AWS::CloudWatch::Alarm")
    (running,) = [a for k, a in alarms.items() if "RunningTasksLow" in k]
    assert running["Properties"]["TreatMissingData"] == "missing"


def test_service_with_a_known_name_is_created_after_its_deployment_alarms() -> None:
    stack = new_stack()
    service = _named_service(stack, "web")
    monitoring = ep.ServiceMonitoring(
        stack,
        "Monitoring",
        ep.MonitoringProps(service=service, deployment_alarm_rollback=True),
    )
    template = Template.from_stack(stack).to_json()
    (service_id,) = [
        k for k, v in template["Resources"].items() if v["Type"] == "AWS::ECS::Service"
    ]
    resource = template["Resources"][service_id]
    names = resource["Properties"]["DeploymentConfiguration"]["Alarms"]["AlarmNames"]
    assert names == monitoring.deployment_alarm_names
    alarm_ids = {
        k
        for k, v in template["Resources"].items()
        if v["Type"] == "AWS::CloudWatch::Alarm" and v["Properties"]["AlarmName"] in names
    }
    assert len(alarm_ids) == len(names)
    assert alarm_ids <= set(resource.get("DependsOn", []))
    # No cycle: the alarms name the service by its literal name, not by a GetAtt of it.
    for alarm_id in alarm_ids:
        assert service_id not in str(template["Resources"][alarm_id])


def test_service_with_a_generated_name_keeps_the_alarms_after_it_without_a_cycle() -> None:
    """The alarms must read the generated name, so they come after the service (no cycle)."""
    stack = new_stack()
    service = _named_service(stack, None)
    ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=service, deployment_alarm_rollback=True)
    )
    template = Template.from_stack(stack).to_json()
    (resource,) = [v for v in template["Resources"].values() if v["Type"] == "AWS::ECS::Service"]
    alarm_ids = {
        k for k, v in template["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert not alarm_ids & set(resource.get("DependsOn", []))


def test_fails_when_min_running_tasks_exceeds_the_autoscaling_minimum_with_rollback() -> None:
    stack = new_stack()
    web = _web(stack, scaling=ep.ScalingOptions(min_capacity=2, max_capacity=4))
    with pytest.raises(ep.ConfigurationError, match="min_running_tasks") as err:
        ep.MonitoringProps(service=web.service, min_running_tasks=3, deployment_alarm_rollback=True)
    assert "min_running_tasks" in err.value.props


def test_min_running_tasks_at_the_autoscaling_minimum_is_accepted_with_rollback() -> None:
    stack = new_stack()
    web = _web(stack, scaling=ep.ScalingOptions(min_capacity=2, max_capacity=4))
    ep.MonitoringProps(service=web.service, min_running_tasks=2, deployment_alarm_rollback=True)


def test_min_running_tasks_above_the_minimum_only_notifies_without_rollback() -> None:
    stack = new_stack()
    web = _web(stack, scaling=ep.ScalingOptions(min_capacity=2, max_capacity=4))
    ep.MonitoringProps(service=web.service, min_running_tasks=3)


def test_enabling_rollback_later_checks_min_running_tasks_too() -> None:
    stack = new_stack()
    web = _web(stack, scaling=ep.ScalingOptions(min_capacity=2, max_capacity=4))
    monitoring = ep.ServiceMonitoring(
        stack, "Monitoring", ep.MonitoringProps(service=web.service, min_running_tasks=3)
    )
    with pytest.raises(ep.ConfigurationError, match="min_running_tasks"):
        monitoring.enable_deployment_alarm_rollback()


# --- 6. exposure ----------------------------------------------------------------------------


def _ingress_on(stack: Stack, port: int) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for group in _resources(stack, "AWS::EC2::SecurityGroup").values():
        rules += [
            r for r in group["Properties"].get("SecurityGroupIngress", []) if r["FromPort"] == port
        ]
    for rule in _resources(stack, "AWS::EC2::SecurityGroupIngress").values():
        if rule["Properties"]["FromPort"] == port:
            rules.append(rule["Properties"])
    return rules


BLUE_GREEN = [
    pytest.param(ep.CodeDeployBlueGreen, id="codedeploy"),
    pytest.param(ep.EcsNativeBlueGreen, id="ecs-native"),
]


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_test_listener_is_closed_to_the_internet_by_default(strategy: Any) -> None:
    stack = new_stack()
    _web(stack, deployment=strategy())
    assert _ingress_on(stack, 443)[0]["CidrIp"] == "0.0.0.0/0"  # production stays public
    assert _ingress_on(stack, 8443) == []


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_test_listener_keeps_the_restricted_production_clients_by_default(strategy: Any) -> None:
    stack = new_stack()
    _web(stack, load_balancer={"ingress_cidrs": ["203.0.113.0/24"]}, deployment=strategy())
    assert [r["CidrIp"] for r in _ingress_on(stack, 8443)] == ["203.0.113.0/24"]


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_test_listener_admits_exactly_the_given_cidrs(strategy: Any) -> None:
    stack = new_stack()
    _web(stack, deployment=strategy(test_listener_cidrs=["10.20.0.0/16"]))
    assert [r["CidrIp"] for r in _ingress_on(stack, 8443)] == ["10.20.0.0/16"]


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_opening_the_test_listener_to_the_internet_is_explicit_and_warned(strategy: Any) -> None:
    stack = new_stack()
    web = _web(stack, deployment=strategy(test_listener_cidrs=["0.0.0.0/0"]))
    assert [r["CidrIp"] for r in _ingress_on(stack, 8443)] == ["0.0.0.0/0"]
    warnings = [
        str(entry.data)
        for construct in web.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    assert any("PublicTestListener" in w for w in warnings)
    assert nag_findings(stack) == []


def _load_balancer_group(stack: Stack) -> dict[str, Any]:
    groups = _resources(stack, "AWS::EC2::SecurityGroup")
    (group,) = (g for k, g in groups.items() if k.startswith("WebLoadBalancerSecurityGroup"))
    return group


def _checkov_skips(group: dict[str, Any]) -> list[str]:
    return [skip["id"] for skip in group.get("Metadata", {}).get("checkov", {}).get("skip", [])]


def _acknowledgement_reasons(web: ep.FargateWebService) -> list[str]:
    """The cdk-nag acknowledgement reasons on the load balancer's security group."""
    group = web.node.find_child("LoadBalancer").node.find_child("SecurityGroup")
    cfn = group.node.default_child
    assert cfn is not None
    return [
        str(reason)
        for entry in cfn.node.metadata
        if entry.type == "aws:cdk:acknowledged-rules"
        for reason in dict(entry.data).values()
    ]


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_only_the_test_listener_open_to_anyone_exempts_just_its_port(strategy: Any) -> None:
    stack = new_stack()
    web = _web(
        stack,
        load_balancer={"ingress_cidrs": ["203.0.113.0/24"]},
        deployment=strategy(test_listener_cidrs=["0.0.0.0/0"]),
    )
    # EC23 is exempted naming the test port only; port 80 is not open, so no CKV_AWS_260 skip.
    reasons = _acknowledgement_reasons(web)
    assert len(reasons) == 1
    assert "listener ports (8443) only" in reasons[0]
    assert _checkov_skips(_load_balancer_group(stack)) == []
    assert nag_findings(stack) == []


def test_production_open_to_anyone_skips_the_port_80_check_and_names_its_ports() -> None:
    stack = new_stack()
    web = _web(stack, deployment=ep.CodeDeployBlueGreen())
    reasons = _acknowledgement_reasons(web)
    assert len(reasons) == 1
    assert "listener ports (443, 80) only" in reasons[0]
    assert _checkov_skips(_load_balancer_group(stack)) == ["CKV_AWS_260"]


@pytest.mark.parametrize("strategy", BLUE_GREEN)
def test_fails_on_an_invalid_test_listener_cidr(strategy: Any) -> None:
    with pytest.raises(ep.ConfigurationError, match="test_listener_cidrs"):
        strategy(test_listener_cidrs=["10.0.0.1/8"])


# --- 10. known at synthesis, refused at synthesis -------------------------------------------


def _web_with_certificate(stack: Stack, arn: str, **kwargs: Any) -> ep.FargateWebService:
    certificate = acm.Certificate.from_certificate_arn(stack, "OtherCert", arn)
    return _web(stack, load_balancer={"certificate": certificate}, **kwargs)


def test_fails_on_a_certificate_arn_that_is_not_an_acm_arn() -> None:
    stack = new_stack()
    certificate = acm.Certificate.from_certificate_arn(
        stack, "IamCert", "arn:aws:iam::123456789012:server-certificate/web"
    )
    with pytest.raises(ep.ConfigurationError, match="certificate") as err:
        ep.LoadBalancerOptions(certificate=certificate)
    assert "certificate" in err.value.props


def test_fails_on_a_certificate_in_another_region_than_the_stack() -> None:
    stack = new_stack()  # us-east-1
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    with pytest.raises(ep.ConfigurationError, match="certificate") as err:
        _web_with_certificate(stack, arn)
    assert "load_balancer.certificate" in err.value.props
    assert "eu-west-1" in str(err.value)


def test_a_certificate_of_the_stack_region_and_a_token_certificate_pass() -> None:
    stack = new_stack()
    _web(stack)  # CERTIFICATE_ARN is in us-east-1
    other = new_stack()
    created = acm.Certificate(other, "Created", domain_name="web.example.com")
    _web(other, load_balancer={"certificate": created})  # a Ref: judged by CloudFormation, not here


def test_fails_on_a_cloudfront_web_acl_for_a_load_balancer() -> None:
    stack = new_stack()
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)
    arn = f"arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/{ACL_ID}"
    with pytest.raises(ep.ConfigurationError, match="web_acl_arn") as err:
        ep.LoadBalancerOptions(certificate=certificate, web_acl_arn=arn)
    assert "CLOUDFRONT" in str(err.value)


def test_fails_on_a_regional_web_acl_of_another_region() -> None:
    stack = new_stack()
    arn = f"arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/app/{ACL_ID}"
    with pytest.raises(ep.ConfigurationError, match="web_acl_arn"):
        _web(stack, load_balancer={"web_acl_arn": arn})


def test_fails_on_two_services_with_the_same_name_on_one_cluster() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)

    def service(id: str, name: str, on: ep.FargateCluster) -> ep.FargateWebService:
        return ep.FargateWebService(
            stack,
            id,
            ep.WebServiceProps(
                container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
                load_balancer=ep.LoadBalancerOptions(certificate=certificate),
                cluster=on,
                placement=ep.PlacementOptions(service_name=name),
            ),
        )

    service("Web", "web", cluster)
    service("Api", "api", cluster)
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        service("Web2", "web", cluster)
    assert "Web" in str(err.value)
    # Another cluster may use the name.
    service("Web3", "web", ep.FargateCluster(stack, "Other"))


def test_fails_on_two_github_oidc_providers_for_one_account_in_one_app() -> None:
    stack = new_stack()
    repos = [ep.GitHubRepo(owner="acme", name="web")]
    first = ep.GitHubDeployRole(stack, "Deploy", ep.GitHubDeployRoleProps(repositories=repos))
    other = Stack(_app(stack), "Other", env=_env("123456789012"))
    with pytest.raises(ep.ConfigurationError, match="provider") as err:
        ep.GitHubDeployRole(other, "Deploy", ep.GitHubDeployRoleProps(repositories=repos))
    assert "provider" in err.value.props
    # Passing the first provider is the fix.
    ep.GitHubDeployRole(
        other, "Reuse", ep.GitHubDeployRoleProps(repositories=repos, provider=first.provider)
    )


def test_github_oidc_providers_in_different_accounts_are_accepted() -> None:
    stack = new_stack()
    repos = [ep.GitHubRepo(owner="acme", name="web")]
    ep.GitHubDeployRole(stack, "Deploy", ep.GitHubDeployRoleProps(repositories=repos))
    other = Stack(_app(stack), "Prod", env=_env("210987654321"))
    ep.GitHubDeployRole(other, "Deploy", ep.GitHubDeployRoleProps(repositories=repos))


def _env(account: str) -> Environment:
    return Environment(account=account, region="us-east-1")


def _app(stack: Stack) -> App:
    app = stack.node.root
    assert isinstance(app, App)
    return app


# --- 2. a failed first create rolls back cleanly, and a retry succeeds -----------------------


def _attributes(stack: Stack) -> dict[str, str]:
    (alb,) = _resources(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    return {a["Key"]: a["Value"] for a in alb["Properties"]["LoadBalancerAttributes"]}


def test_a_failed_first_create_can_delete_the_load_balancer_by_default() -> None:
    """CloudFormation cannot delete a protected ALB: a create rollback would end ROLLBACK_FAILED."""
    stack = new_stack()
    _web(stack)
    assert _attributes(stack)["deletion_protection.enabled"] == "false"
    (alb,) = _resources(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert alb.get("DeletionPolicy", "Delete") == "Delete"


def test_deletion_protection_is_turned_on_by_a_later_deploy() -> None:
    stack = new_stack()
    _web(stack, load_balancer={"deletion_protection": True})
    assert _attributes(stack)["deletion_protection.enabled"] == "true"


def test_default_deletion_protection_is_announced_as_a_step_after_the_first_deploy() -> None:
    stack = new_stack()
    web = _web(stack)
    infos = [
        str(entry.data)
        for construct in web.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:info"
    ]
    assert any("deletion_protection=True" in i for i in infos)
    warnings = [
        str(entry.data)
        for construct in web.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:warning" and "NoDeletionProtection" in str(entry.data)
    ]
    assert warnings == []
    assert nag_findings(stack) == []


def test_waf_log_group_is_deleted_by_a_failed_create_and_named_per_stack() -> None:
    """Retained on delete, but a create rollback removes it, and a redeploy gets a new name."""
    stack = new_stack()
    _web(stack)
    groups = _resources(stack, "AWS::Logs::LogGroup")
    (waf,) = [g for k, g in groups.items() if k.startswith("WebLoadBalancerWafLogs")]
    assert (waf["DeletionPolicy"], waf["UpdateReplacePolicy"]) == ("RetainExceptOnCreate", "Retain")
    name = waf["Properties"]["LogGroupName"]
    assert name["Fn::Join"][1][0].startswith("aws-waf-logs-")
    assert "AWS::StackId" in str(name)


def test_a_named_repository_is_deleted_by_a_failed_create_and_warns_about_redeploys() -> None:
    stack = new_stack()
    repository = ep.EcrRepository(stack, "Repo", ep.RepositoryProps(repository_name="acme/web"))
    (repo,) = _resources(stack, "AWS::ECR::Repository").values()
    assert (repo["DeletionPolicy"], repo["UpdateReplacePolicy"]) == (
        "RetainExceptOnCreate",
        "Retain",
    )
    warnings = [
        str(entry.data)
        for construct in repository.node.find_all()
        for entry in construct.node.metadata
        if entry.type == "aws:cdk:warning"
    ]
    assert any("RetainedNamedRepository" in w for w in warnings)


def test_a_generated_repository_name_stays_plainly_retained() -> None:
    stack = new_stack()
    ep.EcrRepository(stack, "Repo")
    (repo,) = _resources(stack, "AWS::ECR::Repository").values()
    assert (repo["DeletionPolicy"], repo["UpdateReplacePolicy"]) == ("Retain", "Retain")
