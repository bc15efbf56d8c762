"""The sample app, built exactly as `cdk synth` builds it (nag packs and built-in validation on)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from syrupy.assertion import SnapshotAssertion

from ecs_patterns.testing import Finding, assert_no_findings, stack_template, synth_findings
from sample_app.service.app import (
    HEARTBEAT_CHECK,
    PATH_PREFIX_VARIABLE,
    SERVICE_NAME_VARIABLE,
    routed_paths,
)
from sample_app.stacks import (
    SAMPLE_REPOSITORY_NAME,
    SAMPLE_REPOSITORY_STACK,
    SAMPLE_SERVICES_STACK,
    TEST_LISTENER_PORT,
    build_app,
)
from tests.conftest import CDK_CONTEXT, SampleSynthesized

Templates = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def sample(
    sample_synthesized: SampleSynthesized,
) -> tuple[Templates, list[Finding]]:
    return sample_synthesized.templates, sample_synthesized.findings


def test_sample_app_has_no_unacknowledged_findings(
    sample: tuple[Templates, list[Finding]],
) -> None:
    # Four nag packs and aws-cdk-lib's built-in CloudFormation validation, as at `cdk synth`.
    assert_no_findings(sample[1])


def _types(template: dict[str, Any]) -> set[str]:
    return {r["Type"] for r in template["Resources"].values()}


def test_sample_app_is_two_stacks_repository_first(sample_synthesized: SampleSynthesized) -> None:
    assert set(sample_synthesized.templates) == {SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK}
    manifest = json.loads((sample_synthesized.outdir / "manifest.json").read_text("utf-8"))
    artifacts = manifest["artifacts"]
    # `cdk deploy --all` deploys a stack's dependencies first.
    assert SAMPLE_REPOSITORY_STACK in artifacts[SAMPLE_SERVICES_STACK]["dependencies"]
    assert SAMPLE_SERVICES_STACK not in artifacts[SAMPLE_REPOSITORY_STACK].get("dependencies", [])
    # Both stacks are written, so `cdk synth` / `cdk deploy` find both templates.
    for stack in (SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK):
        assert (sample_synthesized.outdir / f"{stack}.template.json").is_file()


def test_sample_repository_stack_snapshot(
    sample: tuple[Templates, list[Finding]], template_snapshot: SnapshotAssertion
) -> None:
    assert sample[0][SAMPLE_REPOSITORY_STACK] == template_snapshot


def test_sample_services_stack_snapshot(
    sample: tuple[Templates, list[Finding]], template_snapshot: SnapshotAssertion
) -> None:
    assert sample[0][SAMPLE_SERVICES_STACK] == template_snapshot


def test_sample_repository_stack_holds_only_the_repository_and_the_deploy_role(
    sample: tuple[Templates, list[Finding]],
) -> None:
    template = sample[0][SAMPLE_REPOSITORY_STACK]
    repositories = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ECR::Repository"
    ]
    assert [r["RepositoryName"] for r in repositories] == [SAMPLE_REPOSITORY_NAME]
    types = _types(template)
    assert {"AWS::IAM::Role", "AWS::IAM::OIDCProvider"} <= types
    # Nothing that pulls an image or runs: the stack deploys before any image exists.
    assert not {t for t in types if t.startswith(("AWS::ECS::", "AWS::EC2::", "AWS::Elastic"))}
    assert "DeployRoleArn" in template["Outputs"]


def test_sample_services_stack_holds_cluster_services_and_monitoring_but_no_repository(
    sample: tuple[Templates, list[Finding]],
) -> None:
    types = _types(sample[0][SAMPLE_SERVICES_STACK])
    assert {
        "AWS::ECS::Cluster",
        "AWS::EC2::VPC",
        "AWS::ECS::Service",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Dashboard",
    } <= types
    assert "AWS::ECR::Repository" not in types
    assert "AWS::IAM::OIDCProvider" not in types


def test_sample_service_image_comes_from_the_repository_stack_and_context_tag(
    sample: tuple[Templates, list[Finding]],
) -> None:
    exports = {
        o["Export"]["Name"]
        for o in sample[0][SAMPLE_REPOSITORY_STACK]["Outputs"].values()
        if "Export" in o
    }
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    tasks = [r for r in resources.values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    # The web service, the API, the catalog, the backend, the worker and the job: one image.
    assert len(tasks) == 6
    for task in tasks:
        image = json.dumps(task["Properties"]["ContainerDefinitions"][0]["Image"])
        assert ":bootstrap" in image  # cdk.json's image_tag
        imported = set(re.findall(r'"Fn::ImportValue": "([^"]+)"', image))
        assert imported, image  # the repository's name and ARN, imported from its stack
        assert imported <= exports
    # The execution roles may pull from the imported repository ARN only.
    pulls = [
        s
        for r in resources.values()
        if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if "ecr:BatchGetImage" in json.dumps(s["Action"])
    ]
    assert len(pulls) == 6
    for statement in pulls:
        (name,) = re.findall(r'"Fn::ImportValue": "([^"]+)"', json.dumps(statement["Resource"]))
        assert name in exports


def _services(sample: tuple[Templates, list[Finding]]) -> dict[str, Any]:
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    return {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::ECS::Service"}


def test_sample_web_service_deploys_with_codedeploy_blue_green_and_alarm_rollback(
    sample: tuple[Templates, list[Finding]],
) -> None:
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    (web,) = [p for k, p in _services(sample).items() if k.startswith("Web")]
    assert web["DeploymentController"] == {"Type": "CODE_DEPLOY"}
    (group,) = [r for r in resources.values() if r["Type"] == "AWS::CodeDeploy::DeploymentGroup"]
    props = group["Properties"]
    assert props["DeploymentConfigName"] == "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    assert "DEPLOYMENT_STOP_ON_ALARM" in props["AutoRollbackConfiguration"]["Events"]
    assert len(props["AlarmConfiguration"]["Alarms"]) == 3
    # The release custom resource carries the task definition ARN, so `cdk deploy` of a new
    # image triggers a CodeDeploy deployment.
    releases = [
        r
        for r in resources.values()
        if r["Type"].startswith("Custom::") and "AWS::ECS::Service" in json.dumps(r)
    ]
    assert len(releases) == 1


def test_sample_api_service_deploys_rolling_with_circuit_breaker_and_alarm_rollback(
    sample: tuple[Templates, list[Finding]],
) -> None:
    (api,) = [p for k, p in _services(sample).items() if k.startswith("Api")]
    assert api["DeploymentController"] == {"Type": "ECS"}
    config = api["DeploymentConfiguration"]
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert (config["Alarms"]["Enable"], config["Alarms"]["Rollback"]) == (True, True)
    assert (config["MinimumHealthyPercent"], config["MaximumPercent"]) == (100, 200)


def _resources_of(sample: tuple[Templates, list[Finding]], kind: str) -> dict[str, Any]:
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    return {k: r for k, r in resources.items() if r["Type"] == kind}


def _app_container_of(sample: tuple[Templates, list[Finding]], prefix: str) -> dict[str, Any]:
    (task,) = [
        r
        for k, r in _resources_of(sample, "AWS::ECS::TaskDefinition").items()
        if k.startswith(prefix)
    ]
    (app,) = [c for c in task["Properties"]["ContainerDefinitions"] if c["Name"] == "app"]
    return dict(app)


def test_sample_api_calls_the_orders_backend_through_service_connect(
    sample: tuple[Templates, list[Finding]],
) -> None:
    services = _services(sample)
    (orders,) = [p for k, p in services.items() if k.startswith("Orders")]
    (api,) = [p for k, p in services.items() if k.startswith("Api")]
    (web,) = [p for k, p in services.items() if k.startswith("Web")]
    server = orders["ServiceConnectConfiguration"]
    assert server["Enabled"] is True
    ((service,),) = [server["Services"]]
    assert service["DiscoveryName"] == "orders"
    assert service["ClientAliases"] == [{"DnsName": "orders", "Port": 8080}]
    assert "LoadBalancers" not in orders or not orders["LoadBalancers"]
    # The API is a client of the same namespace (no services of its own)...
    client = api["ServiceConnectConfiguration"]
    assert client["Enabled"] is True
    assert client["Namespace"] == server["Namespace"]
    assert not client.get("Services")
    # ...the blue/green web service (CodeDeploy controller) cannot be one.
    assert "ServiceConnectConfiguration" not in web
    # The backend admits the API on its port and nothing else.
    ingress = [
        r["Properties"]
        for r in _resources_of(sample, "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [_orders_sg(sample), "GroupId"]}
    ]
    assert len(ingress) == 1
    assert (ingress[0]["FromPort"], ingress[0]["ToPort"]) == (8080, 8080)
    assert "Api" in json.dumps(ingress[0]["SourceSecurityGroupId"])


def _one(items: dict[str, Any], prefix: str) -> tuple[str, Any]:
    (found,) = [(k, v) for k, v in items.items() if k.startswith(prefix)]
    return found


def test_sample_api_and_catalog_share_one_ingress_routed_by_path(
    sample: tuple[Templates, list[Finding]],
) -> None:
    balancers = _resources_of(sample, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    # The CodeDeploy web service keeps its own (a shared ingress refuses CodeDeploy); Api and
    # Catalog have none of their own.
    assert sorted(k.split("LoadBalancer")[0] for k in balancers) == ["Ingress", "Web"]
    ingress_lb, _ = _one(balancers, "Ingress")
    assert balancers[ingress_lb]["Properties"]["Scheme"] == "internal"
    listeners = {
        k: r["Properties"]
        for k, r in _resources_of(sample, "AWS::ElasticLoadBalancingV2::Listener").items()
        if r["Properties"]["LoadBalancerArn"] == {"Ref": ingress_lb}
    }
    # Production (plain HTTP: cdk.json gives no certificate_arn) and the test listener, both
    # answering 404 to a path no service claims.
    assert sorted(p["Port"] for p in listeners.values()) == [80, TEST_LISTENER_PORT]
    for props in listeners.values():
        assert props["DefaultActions"] == [
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {
                    "ContentType": "text/plain",
                    "MessageBody": "Not found",
                    "StatusCode": "404",
                },
            }
        ]
    (production,) = [k for k, p in listeners.items() if p["Port"] == 80]
    (test,) = [k for k, p in listeners.items() if p["Port"] == TEST_LISTENER_PORT]
    rules = {
        k: r["Properties"]
        for k, r in _resources_of(sample, "AWS::ElasticLoadBalancingV2::ListenerRule").items()
    }
    groups = _resources_of(sample, "AWS::ElasticLoadBalancingV2::TargetGroup")
    # Api (rolling): one rule forwarding to its one target group.
    (api_rule,) = [p for k, p in rules.items() if k.startswith("Api")]
    api_group, _ = _one(groups, "ApiIngressTargetGroup")
    assert api_rule["ListenerArn"] == {"Ref": production}
    assert api_rule["Actions"] == [{"Type": "forward", "TargetGroupArn": {"Ref": api_group}}]
    assert api_rule["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api", "/api/*"]}}
    ]
    # Catalog (ECS-native blue/green): the same conditions and priority on both listeners,
    # blue 100 / green 0 until ECS shifts the weights.
    catalog_rules = {k: p for k, p in rules.items() if k.startswith("Catalog")}
    assert sorted(p["ListenerArn"]["Ref"] for p in catalog_rules.values()) == sorted(
        [production, test]
    )
    blue, _ = _one(groups, "CatalogIngressTargetGroup")
    green, _ = _one(groups, "CatalogIngressGreenTargetGroup")
    for props in catalog_rules.values():
        assert props["Conditions"] == [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/catalog", "/catalog/*"]}}
        ]
        assert props["Actions"] == [
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": {"Ref": blue}, "Weight": 100},
                        {"TargetGroupArn": {"Ref": green}, "Weight": 0},
                    ]
                },
            }
        ]
    assert len({p["Priority"] for p in catalog_rules.values()}) == 1
    assert api_rule["Priority"] not in {p["Priority"] for p in catalog_rules.values()}
    # ECS moves the Catalog's own rules; its controller is ECS, its strategy blue/green.
    _, catalog = _one(_services(sample), "CatalogService")
    assert catalog["DeploymentController"] == {"Type": "ECS"}
    assert catalog["DeploymentConfiguration"]["Strategy"] == "BLUE_GREEN"
    ((balanced,),) = [catalog["LoadBalancers"]]
    advanced = balanced["AdvancedConfiguration"]
    assert balanced["TargetGroupArn"] == {"Ref": blue}
    assert advanced["AlternateTargetGroupArn"] == {"Ref": green}
    assert {advanced["ProductionListenerRule"]["Ref"], advanced["TestListenerRule"]["Ref"]} == (
        set(catalog_rules)
    )


def test_sample_routed_services_answer_the_paths_their_rule_sends_them(
    sample: tuple[Templates, list[Finding]],
) -> None:
    rules = _resources_of(sample, "AWS::ElasticLoadBalancingV2::ListenerRule")
    for prefix, name in (("Api", "api"), ("Catalog", "catalog")):
        app = _app_container_of(sample, f"{prefix}Task")
        variables = {v["Name"]: v["Value"] for v in app["Environment"]}
        assert variables[SERVICE_NAME_VARIABLE] == name
        paths = list(routed_paths(variables[PATH_PREFIX_VARIABLE]))
        for logical, rule in rules.items():
            if logical.startswith(prefix):
                (condition,) = rule["Properties"]["Conditions"]
                assert condition["PathPatternConfig"]["Values"] == paths


def test_sample_ingress_is_monitored_once_and_each_routed_service_on_its_target_groups(
    sample: tuple[Templates, list[Finding]],
) -> None:
    alarms = _resources_of(sample, "AWS::CloudWatch::Alarm")
    ingress_lb, _ = _one(
        _resources_of(sample, "AWS::ElasticLoadBalancingV2::LoadBalancer"), "Ingress"
    )
    on_ingress = {
        k
        for k, a in alarms.items()
        if {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": [ingress_lb, "LoadBalancerFullName"]}}
        in a["Properties"].get("Dimensions", [])
    }
    # The load balancer's own counts: IngressMonitoring's three alarms and no service's.
    assert len(on_ingress) == 3
    assert all(k.startswith("IngressMonitoring") for k in on_ingress)
    groups = _resources_of(sample, "AWS::ElasticLoadBalancingV2::TargetGroup")
    for monitoring, group_prefix, count in (
        ("ApiMonitoring", "ApiIngress", 1),
        ("CatalogMonitoring", "CatalogIngress", 2),
    ):
        mine = {k: a for k, a in alarms.items() if k.startswith(monitoring)}
        assert not any("Elb5xx" in k for k in mine), monitoring
        (target_5xx,) = [a for k, a in mine.items() if "Target5xx" in k]
        watched = set(re.findall(r'"(\w+TargetGroup\w+)"', json.dumps(target_5xx)))
        watched = {w for w in watched if w in groups}
        assert len(watched) == count, watched
        assert all(w.startswith(group_prefix) for w in watched), watched


def _orders_sg(sample: tuple[Templates, list[Finding]]) -> str:
    (sg,) = [k for k in _resources_of(sample, "AWS::EC2::SecurityGroup") if k.startswith("Orders")]
    return sg


def test_sample_worker_consumes_an_encrypted_queue_in_the_worker_role(
    sample: tuple[Templates, list[Finding]],
) -> None:
    queues = {
        k: q for k, q in _resources_of(sample, "AWS::SQS::Queue").items() if k.startswith("Worker")
    }
    assert len(queues) == 2  # the work queue and its dead-letter queue
    assert all("KmsMasterKeyId" in q["Properties"] for q in queues.values())
    # processing_time 30 s: visibility timeout 2 x 30 s + 30 s.
    (main,) = [q for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    assert main["Properties"]["VisibilityTimeout"] == 90
    app = _app_container_of(sample, "Worker")
    variables = {v["Name"]: v["Value"] for v in app["Environment"]}
    assert variables["APP_ROLE"] == "worker"
    assert "QUEUE_URL" in variables
    assert "PortMappings" not in app or not app["PortMappings"]


def test_sample_job_runs_nightly_in_berlin_in_the_job_role(
    sample: tuple[Templates, list[Finding]],
) -> None:
    (schedule,) = _resources_of(sample, "AWS::Scheduler::Schedule").values()
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == "cron(30 2 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "Europe/Berlin"
    (machine,) = [
        k for k in _resources_of(sample, "AWS::StepFunctions::StateMachine") if "Nightly" in k
    ]
    assert props["Target"]["Arn"] == {"Ref": machine}
    app = _app_container_of(sample, "NightlyReport")
    assert {v["Name"]: v["Value"] for v in app["Environment"]} == {"APP_ROLE": "job"}


def test_sample_worker_and_job_health_check_is_the_images_heartbeat_check(
    sample: tuple[Templates, list[Finding]],
) -> None:
    for prefix in ("Worker", "NightlyReport"):
        check = _app_container_of(sample, prefix)["HealthCheck"]["Command"]
        assert check == ["CMD", "python3", "-c", HEARTBEAT_CHECK]


def test_sample_failures_of_every_workload_reach_the_one_topic(
    sample: tuple[Templates, list[Finding]],
) -> None:
    assert len(_resources_of(sample, "AWS::SNS::Topic")) == 1


def test_sample_app_sources_exist() -> None:
    service = Path(__file__).resolve().parent.parent / "sample_app" / "service"
    dockerfile = (service / "Dockerfile").read_text(encoding="utf-8")
    assert "USER" in dockerfile
    assert dockerfile.count("FROM ") >= 2


def test_sample_deploy_role_trusts_main_of_the_context_repository_and_pushes_only_its_repo(
    sample: tuple[Templates, list[Finding]],
) -> None:
    template = sample[0][SAMPLE_REPOSITORY_STACK]
    resources = template["Resources"]
    roles = [
        r
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role"
        and "sts:AssumeRoleWithWebIdentity"
        in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(roles) == 1
    (statement,) = roles[0]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    conditions = statement["Condition"]
    # StringLike because branch prefixes ('release/*') are allowed; here the one subject is exact.
    subjects = conditions["StringLike"]["token.actions.githubusercontent.com:sub"]
    assert subjects == ["repo:ecs-patterns/ecs-patterns:ref:refs/heads/main"]
    assert conditions["StringEquals"]["token.actions.githubusercontent.com:aud"] == (
        "sts.amazonaws.com"
    )
    # ECR push is granted on exactly the sample repository.
    (repo_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::ECR::Repository"]
    push = [
        s
        for r in resources.values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if "ecr:PutImage" in json.dumps(s["Action"])
    ]
    assert push
    assert all(repo_id in json.dumps(s["Resource"]) for s in push)
    assert "DeployRoleArn" in template["Outputs"]


def test_sample_with_a_certificate_serves_https_on_both_load_balancers_and_the_test_listener(
    tmp_path: Path,
) -> None:
    """``-c certificate_arn=...``: the web service's load balancer and the shared ingress both
    serve HTTPS with it (port 80 redirects); the ingress's test listener too, still a 404 for
    a path no service claims; no finding either way."""
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    app = build_app({**CDK_CONTEXT, "certificate_arn": arn}, outdir=str(tmp_path))
    assert_no_findings(synth_findings(app))
    services_stack = app.node.find_child(SAMPLE_SERVICES_STACK)
    assert isinstance(services_stack, Stack)
    template = stack_template(services_stack)
    resources = template["Resources"]
    listeners = {
        k: r["Properties"]
        for k, r in resources.items()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"
    }
    ingress = {k: p for k, p in listeners.items() if k.startswith("Ingress")}
    by_port = {p["Port"]: p for p in ingress.values()}
    assert sorted(by_port) == [80, 443, TEST_LISTENER_PORT]
    for port in (443, TEST_LISTENER_PORT):
        assert by_port[port]["Protocol"] == "HTTPS"
        assert by_port[port]["Certificates"] == [{"CertificateArn": arn}]
        assert by_port[port]["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"] == "404"
    assert by_port[80]["DefaultActions"][0]["Type"] == "redirect"
    web = {p["Port"]: p for k, p in listeners.items() if k.startswith("Web")}
    assert web[443]["Certificates"] == [{"CertificateArn": arn}]
    # The routed services' rules hang on the HTTPS listener.
    (https,) = [k for k, p in ingress.items() if p["Port"] == 443]
    (test,) = [k for k, p in ingress.items() if p["Port"] == TEST_LISTENER_PORT]
    rules = [
        r["Properties"]["ListenerArn"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::ListenerRule"
    ]
    assert sorted(rules) == sorted([https, https, test])
