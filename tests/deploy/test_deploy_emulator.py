"""The real CDK CLI bootstraps and deploys the sample app into moto (server mode, 127.0.0.1).

Proves: the app synthesizes under the pinned CLI, its assets publish to the bootstrap bucket,
the templates are accepted by moto's CloudFormation and create and update to *_COMPLETE, the
stack's outputs resolve, a new image tag registers a new task definition revision, and what moto
models faithfully reads back as the library configured it. Not proven: see docs/deploying.md,
"What the emulator test proves and what it does not" (no task runs, property validation is
moto's, the types in SKIPPED_BY_MOTO are not created at all).

The CLI arguments are the commands of docs/deploying.md (``test_readme_commands.py`` checks
that they stay the same); the test adds only ``--output`` to keep its cloud assemblies apart.
The flow is the documented first deploy on a new account: bootstrap, the repository stack alone,
the first image pushed (a manifest put into moto's ECR in place of `docker push`), then
``--all`` with that tag; then a release (``--all`` with the next tag).
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from sample_app.stacks import (
    SAMPLE_REPOSITORY_NAME,
    SAMPLE_REPOSITORY_STACK,
    SAMPLE_SERVICES_STACK,
    TEST_LISTENER_PORT,
)
from tests.deploy.conftest import (
    ACCOUNT,
    REGION,
    Cdk,
    Moto,
    process_group_members,
    running_emulator,
)

pytestmark = pytest.mark.deploy

SAMPLE_STACK = SAMPLE_SERVICES_STACK
REPOSITORY_STACK = SAMPLE_REPOSITORY_STACK
SAMPLE_REPOSITORY = SAMPLE_REPOSITORY_NAME
TOOLKIT_STACK = "CDKToolkit"

# The documented commands (docs/deploying.md; see test_readme_commands.py), without the
# `node .../cdk` prefix.
# `--app ""`: bootstrapping needs no synthesis of the app; in the app's directory the CLI
# would otherwise synthesize the sample first (measured: about a minute of the test's time).
BOOTSTRAP_ARGS = ("bootstrap", f"aws://{ACCOUNT}/{REGION}", "--app", "")
# `--method=direct`: moto gives change-set deployments no outputs and loops on their cleanup.
# First the long-lived repository stack alone (no service yet, so nothing pulls), then --all.
REPOSITORY_DEPLOY_ARGS = (
    "deploy",
    REPOSITORY_STACK,
    "--require-approval",
    "never",
    "--method=direct",
)
DEPLOY_ARGS = ("deploy", "--all", "--require-approval", "never", "--method=direct")
FIRST_TAG = "emulator-1"
NEXT_TAG = "emulator-2"
FAILING_TAG = "emulator-3"
FAULT = "alarm"
"""The simulator's fault for the failing release: a deployment group alarm fires once
production traffic is on the new revision (CodeDeploy stops the deployment and rolls back)."""
RELEASE_TYPE = "Custom::EcsCodeDeployRelease"
RETAINED = ("Retain", "RetainExceptOnCreate")

# Resource types moto 5.2.5's CloudFormation does not model: it logs "No Moto CloudFormation
# support for X", creates nothing, and the stack still completes. Nothing about these is tested
# here (the synthesis tests and cfn-lint cover their properties). A type not listed makes
# test_no_new_types_skipped_by_moto fail: add it with a reason once the gap is understood, and
# a placeholder in _moto_server.PLACEHOLDERS if the template references it, or model it thinly
# in _moto_models (alarms, scaling policies and WAF are modelled there, so moto no longer skips
# them). Listed types the sample does not (yet) use are harmless: this list is what the
# emulator cannot show.
SKIPPED_BY_MOTO: dict[str, str] = {
    "AWS::S3::BucketPolicy": "bucket policies (TLS-only, ALB log delivery) are not modelled",
    "AWS::SNS::TopicPolicy": "the alarm topic's policy is not modelled",
    "AWS::SQS::QueuePolicy": "the queues' TLS-only policies are not modelled",
    "AWS::ECS::ClusterCapacityProviderAssociations": "FARGATE/FARGATE_SPOT strategy unmodelled",
    "AWS::EC2::SecurityGroupEgress": "standalone egress rules (ALB to tasks) are not modelled",
    "AWS::IAM::OIDCProvider": "the GitHub OIDC provider of the deploy role is not modelled",
}
SKIP_LINE = re.compile(r"No Moto CloudFormation support for (\S+)")


def _resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> properties of the template's resources of one type."""
    return {
        name: resource.get("Properties", {})
        for name, resource in template["Resources"].items()
        if resource["Type"] == type_
    }


def _read_back(
    template: dict[str, Any], state: dict[str, Any], type_: str, key: str
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(logical ID, template properties, what the API read back) of each resource of
    ``type_``, after checking the template has some and ``state[key]`` holds exactly those."""
    resources = _resources(template, type_)
    assert resources, type_
    assert set(state[key]) == set(resources), type_
    return [(logical, props, state[key][logical]) for logical, props in resources.items()]


def _same_where_set(
    held: dict[str, Any], props: dict[str, Any], keys: tuple[str, ...], logical: str
) -> None:
    """Each of ``keys`` that the template sets reads back as set."""
    for key in keys:
        if key in props:
            assert held[key] == props[key], (logical, key)


def _principals(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(principal kind, value) pairs of a trust policy; values as moto resolved them."""
    pairs = []
    for statement in document["Statement"]:
        for kind, values in statement["Principal"].items():
            for value in values if isinstance(values, list) else [values]:
                pairs.append((kind, value if isinstance(value, str) else "<intrinsic>"))
    return sorted(pairs)


def str_json(stack: dict[str, Any]) -> str:
    """A deployed stack's template as JSON text (to search for intrinsics)."""
    return json.dumps(stack["template"])


def _images(task_definition: dict[str, Any]) -> list[str]:
    """Container images; moto stores a revision registered by a stack update with the
    template's PascalCase keys (``Image``), one registered on create with the API's."""
    return [d.get("image", d.get("Image")) for d in task_definition["containerDefinitions"]]


@pytest.fixture(scope="module")
def bootstrapped(cdk: Cdk, moto: Moto) -> dict[str, Any]:
    cdk.run(*BOOTSTRAP_ARGS, output="bootstrap.out")
    return moto.readback(TOOLKIT_STACK, "bootstrap")


@pytest.fixture(scope="module")
def repository_created(cdk: Cdk, moto: Moto, bootstrapped: dict[str, Any]) -> dict[str, Any]:
    """The first deploy on a new account: the repository stack alone, then the first push."""
    cdk.run(*REPOSITORY_DEPLOY_ARGS, output="deploy-0.out")
    state = moto.readback(REPOSITORY_STACK, "0")
    moto.client("push", moto.endpoint, SAMPLE_REPOSITORY, FIRST_TAG)
    return {"template": cdk.template("deploy-0.out", REPOSITORY_STACK), "state": state}


@pytest.fixture(scope="module")
def created(cdk: Cdk, moto: Moto, repository_created: dict[str, Any]) -> dict[str, Any]:
    """Each sample stack's template and moto's state right after the first ``--all`` deploy."""
    cdk.run(*DEPLOY_ARGS, "-c", f"image_tag={FIRST_TAG}", output="deploy-1.out")
    return {
        stack: {"template": cdk.template("deploy-1.out", stack), "state": moto.readback(stack, "1")}
        for stack in cdk.stacks("deploy-1.out")
    }


@pytest.fixture(scope="module")
def updated(cdk: Cdk, moto: Moto, created: dict[str, Any]) -> dict[str, Any]:
    """The release flow: the same deploy with the next image tag."""
    cdk.run(*DEPLOY_ARGS, "-c", f"image_tag={NEXT_TAG}", output="deploy-2.out")
    return {
        stack: {"template": cdk.template("deploy-2.out", stack), "state": moto.readback(stack, "2")}
        for stack in cdk.stacks("deploy-2.out")
    }


@pytest.fixture(scope="module")
def failed_release(cdk: Cdk, moto: Moto, updated: dict[str, Any]) -> dict[str, Any]:
    """A release whose CodeDeploy deployment the simulator fails (``FAULT`` on every deployment
    group of the services stack, for this one deploy), on the already-deployed stacks."""
    moto.client("faults", moto.endpoint, SAMPLE_STACK, FAULT)
    try:
        result = cdk.run(
            *DEPLOY_ARGS, "-c", f"image_tag={FAILING_TAG}", output="deploy-3.out", check=False
        )
    finally:
        moto.client("faults", moto.endpoint, SAMPLE_STACK, "")
    return {
        "returncode": result.returncode,
        "output": result.stdout,
        "template": cdk.template("deploy-3.out", SAMPLE_STACK),
        "state": moto.readback(SAMPLE_STACK, "3"),
    }


def test_bootstrap_creates_toolkit_stack(bootstrapped: dict[str, Any]) -> None:
    assert bootstrapped["status"] == "CREATE_COMPLETE"
    buckets = list(bootstrapped["physical"]["AWS::S3::Bucket"].values())
    assert [b.startswith("cdk-hnb659fds-assets-") for b in buckets] == [True], buckets
    repos = [r["repositoryName"] for r in bootstrapped["repositories"]]
    assert any(name.startswith("cdk-hnb659fds-container-assets-") for name in repos), repos


def test_repository_stack_deploys_alone_first(repository_created: dict[str, Any]) -> None:
    """``deploy EcsPatternsSampleRepository`` creates the repository stack and nothing else."""
    state = repository_created["state"]
    assert state["status"] == "CREATE_COMPLETE"
    assert state["stacks"] == {
        TOOLKIT_STACK: "CREATE_COMPLETE",
        REPOSITORY_STACK: "CREATE_COMPLETE",
    }
    assert set(state["outputs"]) == set(repository_created["template"]["Outputs"])
    repos = {r["repositoryName"] for r in state["repositories"]}
    assert SAMPLE_REPOSITORY in repos, sorted(repos)
    assert state["image_tags"][SAMPLE_REPOSITORY] == []  # no image yet: nothing may pull


def test_sample_stacks_create_complete(created: dict[str, Any]) -> None:
    assert set(created) == {REPOSITORY_STACK, SAMPLE_STACK}
    assert {s: c["state"]["status"] for s, c in created.items()} == dict.fromkeys(
        created, "CREATE_COMPLETE"
    )


def test_outputs_resolve(created: dict[str, Any]) -> None:
    """Every declared output has a value; the deploy role ARN names the role moto created."""
    for c in created.values():
        assert set(c["state"]["outputs"]) == set(c["template"].get("Outputs", {}))
    state = created[REPOSITORY_STACK]["state"]
    role_arns = {role["Arn"] for role in state["roles"].values()}
    assert state["outputs"]["DeployRoleArn"] in role_arns


def test_services_stack_imports_the_repository_stack_exports(created: dict[str, Any]) -> None:
    """The cross-stack reference resolves: every import names an export of the repository
    stack, and the first image the services run is the one pushed before ``--all``."""
    exports = {
        o["Export"]["Name"]
        for o in created[REPOSITORY_STACK]["template"]["Outputs"].values()
        if "Export" in o
    }
    imported = set(re.findall(r'"Fn::ImportValue": "([^"]+)"', str_json(created[SAMPLE_STACK])))
    assert imported
    assert imported <= exports
    state = created[SAMPLE_STACK]["state"]
    assert FIRST_TAG in state["image_tags"][SAMPLE_REPOSITORY]
    repo_uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{SAMPLE_REPOSITORY}"
    for task_def in state["task_definitions"].values():
        assert _images(task_def) == [f"{repo_uri}:{FIRST_TAG}"]


def test_repository_reads_back(created: dict[str, Any]) -> None:
    """Explicit name and immutable tags (moto drops scan-on-push and encryption from CFN)."""
    repos = {r["repositoryName"]: r for r in created[REPOSITORY_STACK]["state"]["repositories"]}
    assert SAMPLE_REPOSITORY in repos, sorted(repos)
    assert repos[SAMPLE_REPOSITORY]["imageTagMutability"] == "IMMUTABLE"
    assert repos[SAMPLE_REPOSITORY]["repositoryUri"] == (
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{SAMPLE_REPOSITORY}"
    )


def test_cluster_and_vpc_read_back(created: dict[str, Any]) -> None:
    for c in created.values():
        template, state = c["template"], c["state"]
        assert len(state["clusters"]) == len(_resources(template, "AWS::ECS::Cluster"))
        assert all(cluster["status"] == "ACTIVE" for cluster in state["clusters"])
        wanted = sorted(v["CidrBlock"] for v in _resources(template, "AWS::EC2::VPC").values())
        assert wanted == sorted(v["CidrBlock"] for v in state["vpcs"])
    assert created[SAMPLE_STACK]["state"]["clusters"], "the sample has a cluster"


def test_log_group_retention_reads_back(created: dict[str, Any]) -> None:
    for c in created.values():
        groups = _resources(c["template"], "AWS::Logs::LogGroup")
        held = c["state"]["log_groups"]
        physical = c["state"]["physical"].get("AWS::Logs::LogGroup", {})
        assert set(physical) == set(groups)
        for logical, props in groups.items():
            retention = held[physical[logical]].get("retentionInDays")
            assert retention == props.get("RetentionInDays"), logical
    assert created[SAMPLE_STACK]["state"]["log_groups"], "the sample has log groups"


def test_iam_roles_read_back(created: dict[str, Any]) -> None:
    """Every role exists with the trust policy's principals (an OIDC one as a provider ARN)."""
    for c in created.values():
        roles = _resources(c["template"], "AWS::IAM::Role")
        held = c["state"]["roles"]
        assert set(held) == set(roles)
        for logical, props in roles.items():
            wanted = _principals(props["AssumeRolePolicyDocument"])
            got = _principals(held[logical]["AssumeRolePolicyDocument"])
            assert [kind for kind, _ in got] == [kind for kind, _ in wanted], logical
            for (kind, want), (_, value) in zip(wanted, got, strict=True):
                if want != "<intrinsic>":
                    assert value == want, logical
                elif kind == "Federated":
                    assert value.startswith(f"arn:aws:iam::{ACCOUNT}:oidc-provider/"), value
    assert len(created[SAMPLE_STACK]["state"]["roles"]) >= 4
    assert len(created[REPOSITORY_STACK]["state"]["roles"]) == 1  # the GitHub deploy role


def test_service_listeners_and_health_checks_read_back(created: dict[str, Any]) -> None:
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    for _, props, held in _read_back(template, state, "AWS::ECS::Service", "services"):
        assert held["desiredCount"] == props["DesiredCount"]
        assert held["status"] == "ACTIVE"
    listener = "AWS::ElasticLoadBalancingV2::Listener"
    for _, props, held in _read_back(template, state, listener, "listeners"):
        assert (held["Port"], held["Protocol"]) == (props["Port"], props["Protocol"])
        assert [a["Type"] for a in held["DefaultActions"]] == [
            a["Type"] for a in props["DefaultActions"]
        ]
    group = "AWS::ElasticLoadBalancingV2::TargetGroup"
    for logical, props, held in _read_back(template, state, group, "target_groups"):
        _same_where_set(
            held,
            props,
            (
                "HealthCheckPath",
                "HealthCheckIntervalSeconds",
                "HealthCheckTimeoutSeconds",
                "HealthyThresholdCount",
                "UnhealthyThresholdCount",
                "Port",
                "Protocol",
                "TargetType",
            ),
            logical,
        )
        assert "HealthCheckPath" in props, logical  # the library always sets it


def _ingress_listeners(template: dict[str, Any]) -> tuple[str, dict[str, dict[str, Any]]]:
    """The shared ingress's load balancer and its listeners (logical IDs -> properties)."""
    (ingress,) = [
        k
        for k in _resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        if k.startswith("Ingress")
    ]
    listeners = {
        k: p
        for k, p in _resources(template, "AWS::ElasticLoadBalancingV2::Listener").items()
        if p["LoadBalancerArn"] == {"Ref": ingress}
    }
    return ingress, listeners


def test_shared_ingress_listeners_answer_404_by_default(created: dict[str, Any]) -> None:
    """The shared ingress exists as configured: internal, its production listener and its
    test listener on the one load balancer, each answering a fixed 404 to a request no
    service's rule claims."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    ingress, listeners = _ingress_listeners(template)
    held_lb = state["load_balancers"][ingress]
    assert (held_lb["Scheme"], held_lb["Type"]) == ("internal", "application")
    assert sorted(p["Port"] for p in listeners.values()) == [80, TEST_LISTENER_PORT]
    for logical, props in listeners.items():
        held = state["listeners"][logical]
        assert held["LoadBalancerArn"] == held_lb["LoadBalancerArn"]
        assert (held["Port"], held["Protocol"]) == (props["Port"], props["Protocol"])
        ((action,),) = [held["DefaultActions"]]
        ((wanted,),) = [props["DefaultActions"]]
        assert action["Type"] == wanted["Type"] == "fixed-response"
        assert action["FixedResponseConfig"] == wanted["FixedResponseConfig"]
        assert action["FixedResponseConfig"]["StatusCode"] == "404"


def test_shared_ingress_rules_route_each_service_to_its_target_groups(
    created: dict[str, Any],
) -> None:
    """Each routed service's rule reads back on its listener with its conditions, priority and
    action: Api forwards to its target group; Catalog (ECS-native blue/green) has one rule on
    the listener and one on the test listener, same conditions and priority, forwarding blue
    100 / green 0; every target group named is one the stack created."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    _, listeners = _ingress_listeners(template)
    rules = _resources(template, "AWS::ElasticLoadBalancingV2::ListenerRule")
    assert sorted(k.split("Ingress")[0] for k in rules) == ["Api", "Catalog", "Catalog"]
    assert set(state["listener_rules"]) == set(rules)
    group_arns = {k: g["TargetGroupArn"] for k, g in state["target_groups"].items()}
    on_listener: dict[str, list[str]] = {}
    for logical, props in rules.items():
        held = state["listener_rules"][logical]
        listener = props["ListenerArn"]["Ref"]
        assert listener in listeners, logical
        on_listener.setdefault(logical.split("Ingress")[0], []).append(listener)
        # A rule's ARN is its listener's, as listener-rule/.../RULE-ID (the AWS format).
        listener_arn = state["listeners"][listener]["ListenerArn"]
        prefix = listener_arn.replace(":listener/", ":listener-rule/") + "/"
        assert held["RuleArn"].startswith(prefix), (held["RuleArn"], listener_arn)
        assert int(held["Priority"]) == props["Priority"]
        assert held["IsDefault"] is False
        assert [(c["Field"], c["PathPatternConfig"]["Values"]) for c in held["Conditions"]] == [
            (c["Field"], c["PathPatternConfig"]["Values"]) for c in props["Conditions"]
        ]
        ((action,),) = [held["Actions"]]
        ((wanted,),) = [props["Actions"]]
        assert action["Type"] == wanted["Type"] == "forward"
        if "ForwardConfig" in wanted:
            assert [
                (g["TargetGroupArn"], int(g["Weight"]))
                for g in action["ForwardConfig"]["TargetGroups"]
            ] == [
                (group_arns[g["TargetGroupArn"]["Ref"]], g["Weight"])
                for g in wanted["ForwardConfig"]["TargetGroups"]
            ]
        else:
            assert action["TargetGroupArn"] == group_arns[wanted["TargetGroupArn"]["Ref"]]
    assert {k: len(v) for k, v in on_listener.items()} == {"Api": 1, "Catalog": 2}
    # Catalog's two rules: one on each listener, the test one on the test listener's port.
    ports = sorted(listeners[listener]["Port"] for listener in on_listener["Catalog"])
    assert ports == [80, TEST_LISTENER_PORT]
    catalog = {k: p for k, p in rules.items() if k.startswith("Catalog")}
    assert len({p["Priority"] for p in catalog.values()}) == 1
    blue = _by_prefix(group_arns, "CatalogIngressTargetGroup")
    green = _by_prefix(group_arns, "CatalogIngressGreenTargetGroup")
    for logical in catalog:
        forward = state["listener_rules"][logical]["Actions"][0]["ForwardConfig"]
        assert [(g["TargetGroupArn"], int(g["Weight"])) for g in forward["TargetGroups"]] == [
            (blue, 100),
            (green, 0),
        ]


def test_service_runs_the_first_task_definition(created: dict[str, Any]) -> None:
    state = created[SAMPLE_STACK]["state"]
    arns = {t["taskDefinitionArn"] for t in state["task_definitions"].values()}
    assert arns
    assert {s["taskDefinition"] for s in state["services"].values()} <= arns


def test_update_registers_new_task_definition(
    created: dict[str, Any], updated: dict[str, Any]
) -> None:
    """The next tag registers a new revision of the same family with the new image.

    (moto does not re-point a service at it on update; the blue/green service is moved by the
    release, see test_release_runs_the_handler_through_the_simulator.)
    """
    assert {s: c["state"]["status"] for s, c in updated.items()} == {
        # A release changes only the tag: the CLI finds the repository stack unchanged and
        # skips it, so the long-lived stack is never touched by a release.
        REPOSITORY_STACK: "CREATE_COMPLETE",
        SAMPLE_STACK: "UPDATE_COMPLETE",
    }
    assert updated[REPOSITORY_STACK]["template"] == created[REPOSITORY_STACK]["template"]
    before = created[SAMPLE_STACK]["state"]["task_definitions"]
    after = updated[SAMPLE_STACK]["state"]["task_definitions"]
    assert before
    assert set(after) == set(before)
    repo_uri = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{SAMPLE_REPOSITORY}"
    for logical, task_def in after.items():
        old = before[logical]
        assert task_def["family"] == old["family"]
        assert task_def["revision"] == old["revision"] + 1
        assert f"{repo_uri}:{FIRST_TAG}" in _images(old)
        assert f"{repo_uri}:{NEXT_TAG}" in _images(task_def)


def _camel_strategy(items: list[dict[str, Any]], provider: str, base: str, weight: str) -> Any:
    return sorted((i[provider], int(i.get(base, 0)), int(i.get(weight, 0))) for i in items)


def test_service_fields_read_back(created: dict[str, Any]) -> None:
    """The fields moto's CloudFormation dropped, kept by the emulator's patch (_moto_models)."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    services = _resources(template, "AWS::ECS::Service")
    for logical, props in services.items():
        held = state["services"][logical]
        assert held["deploymentController"]["type"] == props["DeploymentController"]["Type"]
        assert _camel_strategy(
            held["capacityProviderStrategy"], "capacityProvider", "base", "weight"
        ) == _camel_strategy(
            props["CapacityProviderStrategy"], "CapacityProvider", "Base", "Weight"
        )
        assert "launchType" not in held or not held["launchType"], logical
        assert [(b["containerName"], b["containerPort"]) for b in held["loadBalancers"]] == [
            (b["ContainerName"], b["ContainerPort"]) for b in props.get("LoadBalancers", [])
        ]
        network = props["NetworkConfiguration"]["AwsvpcConfiguration"]
        held_network = held["networkConfiguration"]["awsvpcConfiguration"]
        assert held_network["assignPublicIp"] == network["AssignPublicIp"]
        assert len(held_network["subnets"]) == len(network["Subnets"])
        assert all(s.startswith("subnet-") for s in held_network["subnets"])
    controllers = {p["DeploymentController"]["Type"] for p in services.values()}
    # Web on CodeDeploy; the others on ECS (Catalog with ECS-native blue/green).
    assert controllers == {"CODE_DEPLOY", "ECS"}
    # Web, Api, Catalog, the Orders backend and the worker; the job is no service (RunTask).
    assert len(services) == 5
    # The backend and the worker have no load balancer.
    assert sum(1 for p in services.values() if not p.get("LoadBalancers")) == 2


def _by_prefix(items: dict[str, Any], prefix: str) -> Any:
    (found,) = [value for logical, value in items.items() if logical.startswith(prefix)]
    return found


def test_service_connect_namespace_and_configuration_read_back(created: dict[str, Any]) -> None:
    """The cluster's Cloud Map HTTP namespace exists (modelled, _moto_models), and the backend
    (server) and the API (client) carry their Service Connect configuration on it."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    namespaces = _resources(template, "AWS::ServiceDiscovery::HttpNamespace")
    assert set(state["namespaces"]) == set(namespaces)
    ((logical, props),) = namespaces.items()
    held = state["namespaces"][logical]
    assert (held["Name"], held["Type"]) == (props["Name"], "HTTP")
    services = _resources(template, "AWS::ECS::Service")
    connected = {k: p for k, p in services.items() if "ServiceConnectConfiguration" in p}
    assert {k.split("Service")[0] for k in connected} == {"Api", "Orders"}
    for name, props in connected.items():
        assert props["ServiceConnectConfiguration"]["Namespace"] == {"Fn::GetAtt": [logical, "Arn"]}
        (primary,) = [d for d in state["services"][name]["deployments"] if d["status"] == "PRIMARY"]
        config = primary["serviceConnectConfiguration"]
        assert config["enabled"] is True
        assert config["namespace"] == held["Arn"]  # the GetAtt resolved to the namespace
    orders = _by_prefix(state["services"], "OrdersService")
    (primary,) = orders["deployments"]
    ((server,),) = [primary["serviceConnectConfiguration"]["services"]]
    assert server["discoveryName"] == "orders"
    assert server["clientAliases"] == [{"dnsName": "orders", "port": 8080}]
    api = _by_prefix(state["services"], "ApiService")
    assert not api["deployments"][0]["serviceConnectConfiguration"].get("services")


def test_worker_queues_read_back(created: dict[str, Any]) -> None:
    """The worker's queue and dead-letter queue exist with their KMS key, retention,
    visibility timeout and redrive policy as configured."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    queues = _resources(template, "AWS::SQS::Queue")
    keys = state["physical"]["AWS::KMS::Key"]
    for logical, props, held in _read_back(template, state, "AWS::SQS::Queue", "queues"):
        key = props["KmsMasterKeyId"]["Fn::GetAtt"][0]
        assert held["KmsMasterKeyId"].endswith(keys[key]), logical
        for key_name in ("MessageRetentionPeriod", "VisibilityTimeout"):
            if key_name in props:
                assert int(held[key_name]) == int(props[key_name]), (logical, key_name)
    work = _by_prefix(queues, "WorkerQueue")
    assert work["VisibilityTimeout"] == 90  # processing time 30 s x 2 + 30 s
    held = _by_prefix(state["queues"], "WorkerQueue")
    redrive = json.loads(held["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == work["RedrivePolicy"]["maxReceiveCount"] == 5
    dead_letter = work["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert redrive["deadLetterTargetArn"] == state["queues"][dead_letter]["QueueArn"]
    # The worker's container is told its queue.
    task = _by_prefix(state["task_definitions"], "WorkerTask")
    (app,) = task["containerDefinitions"]
    variables = {v["name"]: v["value"] for v in app["environment"]}
    assert variables["APP_ROLE"] == "worker"
    assert variables["QUEUE_URL"].endswith(held["QueueArn"].rsplit(":", 1)[-1])


def test_nightly_job_schedule_and_state_machine_read_back(created: dict[str, Any]) -> None:
    """The schedule (modelled, _moto_models) starts the job's state machine at 02:30 Berlin
    time with its retry policy and dead-letter queue; the state machine runs the job's task."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    schedules = _resources(template, "AWS::Scheduler::Schedule")
    assert set(state["schedules"]) == set(schedules)
    ((logical, props),) = schedules.items()
    held = state["schedules"][logical]
    assert held["ScheduleExpression"] == "cron(30 2 * * ? *)"
    assert held["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert held["State"] == "ENABLED"
    assert held["FlexibleTimeWindow"] == {"Mode": "OFF"}
    machine = props["Target"]["Arn"]["Ref"]
    assert held["Target"]["Arn"] == state["state_machines"][machine]["stateMachineArn"]
    assert held["Target"]["RetryPolicy"] == props["Target"]["RetryPolicy"]
    dead_letter = props["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert held["Target"]["DeadLetterConfig"]["Arn"] == state["queues"][dead_letter]["QueueArn"]
    assert held["Target"]["RoleArn"].startswith(f"arn:aws:iam::{ACCOUNT}:role/")
    definition = json.loads(state["state_machines"][machine]["definition"])
    assert "arn:aws:states:::ecs:runTask.sync" in json.dumps(definition)
    task = _by_prefix(state["task_definitions"], "NightlyReportTask")
    (app,) = task["containerDefinitions"]
    assert {v["name"]: v["value"] for v in app["environment"]} == {"APP_ROLE": "job"}
    assert set(state["rules"]) == set(_resources(template, "AWS::Events::Rule"))


def test_codedeploy_group_reads_back(created: dict[str, Any]) -> None:
    """Application and deployment group (modelled by the emulator, _moto_models), with its
    alarms (names as the placeholders of the unmodelled alarms resolve) and auto-rollback."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    groups = _resources(template, "AWS::CodeDeploy::DeploymentGroup")
    assert groups
    assert len(state["deployment_groups"]) == len(groups)
    for logical, props in groups.items():
        name = state["physical"]["AWS::CodeDeploy::DeploymentGroup"][logical]
        held = state["deployment_groups"][name]
        assert held["deploymentConfigName"] == props["DeploymentConfigName"]
        assert held["autoRollbackConfiguration"] == {
            "enabled": props["AutoRollbackConfiguration"]["Enabled"],
            "events": props["AutoRollbackConfiguration"]["Events"],
        }
        blue_green = props["BlueGreenDeploymentConfiguration"]
        assert (
            held["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"][
                "terminationWaitTimeInMinutes"
            ]
            == (
                blue_green["TerminateBlueInstancesOnDeploymentSuccess"][
                    "TerminationWaitTimeInMinutes"
                ]
            )
        )
        alarms = props["AlarmConfiguration"]
        assert held["alarmConfiguration"]["enabled"] == alarms["Enabled"]
        assert len(held["alarmConfiguration"]["alarms"]) == len(alarms["Alarms"]) > 0
        assert all(a["name"] for a in held["alarmConfiguration"]["alarms"])
        assert held["deploymentStyle"] == {
            "deploymentType": "BLUE_GREEN",
            "deploymentOption": "WITH_TRAFFIC_CONTROL",
        }
        assert [e["serviceName"] for e in held["ecsServices"]] == [
            s["serviceName"]
            for s in state["services"].values()
            if s["deploymentController"]["type"] == "CODE_DEPLOY"
        ]
        assert len(held["loadBalancerInfo"]["targetGroupPairInfoList"][0]["targetGroups"]) == 2
        assert state["deployments"][name] == []  # the first creation deploys nothing


def test_scalable_targets_read_back(created: dict[str, Any]) -> None:
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    target = "AWS::ApplicationAutoScaling::ScalableTarget"
    for _, props, held in _read_back(template, state, target, "scalable_targets"):
        assert (held["MinCapacity"], held["MaxCapacity"]) == (
            props["MinCapacity"],
            props["MaxCapacity"],
        )
        assert held["ScalableDimension"] == props["ScalableDimension"]
        assert held["ResourceId"].startswith("service/")
        assert not (held.get("SuspendedState") or {}).get("DynamicScalingInSuspended", False)


def test_release_runs_the_handler_through_the_simulator(
    created: dict[str, Any], updated: dict[str, Any]
) -> None:
    """The release (next image tag) runs the library's handler for the release resource's
    Update (the emulator's CloudFormation calls it; see _codedeploy_moto): one CodeDeploy
    deployment to Succeeded moves the blue/green service to the new revision, with its
    capacity strategy kept and scale-in not left suspended. The lifecycle is the simulator's."""
    template, state = updated[SAMPLE_STACK]["template"], updated[SAMPLE_STACK]["state"]
    before = created[SAMPLE_STACK]["state"]
    releases = _resources(template, "Custom::EcsCodeDeployRelease")
    assert len(releases) == 1
    (release,) = releases.values()
    task_logical = release["TaskDefinitionArn"]["Ref"]
    new_arn = state["task_definitions"][task_logical]["taskDefinitionArn"]
    assert new_arn != before["task_definitions"][task_logical]["taskDefinitionArn"]
    blue_green = {
        logical: held
        for logical, held in state["services"].items()
        if held["deploymentController"]["type"] == "CODE_DEPLOY"
    }
    assert len(blue_green) == 1
    (service,) = blue_green.values()
    assert service["taskDefinition"] == new_arn
    (logical,) = blue_green
    assert (
        service["capacityProviderStrategy"]
        == (before["services"][logical]["capacityProviderStrategy"])
    )
    (deployments,) = state["deployments"].values()
    assert [(d["status"], d["creator"]) for d in deployments] == [("Succeeded", "user")]
    assert deployments[0]["description"].startswith("ecs-patterns CodeDeployRelease ")
    for target in state["scalable_targets"].values():
        assert not (target.get("SuspendedState") or {}).get("DynamicScalingInSuspended", False)


def _resolve(value: Any, state: dict[str, Any]) -> Any:
    """A template value as the emulator resolved it: literals, ``Ref`` (a resource's physical
    id or ``AWS::Partition``), ``Fn::Join`` and ``Fn::GetAtt [ALARM or WEB ACL, Arn]``."""
    if isinstance(value, list):
        return [_resolve(v, state) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        if value["Ref"] == "AWS::Partition":
            return "aws"
        (found,) = [ids[value["Ref"]] for ids in state["physical"].values() if value["Ref"] in ids]
        return found
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(_resolve(part, state)) for part in parts)
    if "Fn::GetAtt" in value:
        logical, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn", value
        held = {**state["alarms"], **state["composite_alarms"]}.get(logical)
        return held["AlarmArn"] if held is not None else state["web_acls"][logical]["ARN"]
    return {k: _resolve(v, state) for k, v in value.items()}


def test_alarms_read_back(created: dict[str, Any]) -> None:
    """Every metric alarm exists (modelled, _moto_models) with its metric or metric math,
    threshold, evaluation and actions; the deployment group's alarms are among them."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    for logical, props, held in _read_back(template, state, "AWS::CloudWatch::Alarm", "alarms"):
        _same_where_set(
            held,
            props,
            (
                "AlarmName",
                "AlarmDescription",
                "MetricName",
                "Namespace",
                "Statistic",
                "ExtendedStatistic",
                "Period",
                "Threshold",
                "ComparisonOperator",
                "EvaluationPeriods",
                "DatapointsToAlarm",
                "TreatMissingData",
            ),
            logical,
        )
        for key in ("AlarmActions", "OKActions"):
            assert held[key] == _resolve(props.get(key, []), state), (logical, key)
        # Dimension values are names and ARN parts moto resolved (GetAtt Name, Fn::Split).
        assert [d["Name"] for d in held["Dimensions"]] == [
            d["Name"] for d in props.get("Dimensions", [])
        ], logical
        assert all(d["Value"] for d in held["Dimensions"]), logical
        assert [
            (m["Id"], m.get("Expression"), m.get("ReturnData"), m.get("MetricStat", {}).get("Stat"))
            for m in held.get("Metrics", [])
        ] == [
            (m["Id"], m.get("Expression"), m.get("ReturnData"), m.get("MetricStat", {}).get("Stat"))
            for m in props.get("Metrics", [])
        ], logical
    names = {alarm["AlarmName"] for alarm in state["alarms"].values()}
    assert state["deployment_groups"]
    for group in state["deployment_groups"].values():
        watched = {alarm["name"] for alarm in group["alarmConfiguration"]["alarms"]}
        assert watched
        assert watched <= names, watched - names


def test_composite_alarms_read_back(created: dict[str, Any]) -> None:
    """Each composite alarm (modelled) holds its rule over the ARNs of the alarms it combines."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    arns = {alarm["AlarmArn"] for alarm in state["alarms"].values()}
    composite = "AWS::CloudWatch::CompositeAlarm"
    for _, props, held in _read_back(template, state, composite, "composite_alarms"):
        assert held["AlarmName"] == props["AlarmName"]
        assert held["AlarmRule"] == _resolve(props["AlarmRule"], state)
        combined = set(re.findall(r'ALARM\("([^"]+)"\)', held["AlarmRule"]))
        assert combined
        assert combined <= arns, combined - arns
        assert held["AlarmActions"] == _resolve(props["AlarmActions"], state)
        assert held["OKActions"] == _resolve(props.get("OKActions", []), state)


def test_scaling_policies_read_back(created: dict[str, Any]) -> None:
    """Each scaling policy (modelled) is registered on its scalable target with its type,
    target value, cooldowns and metric."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    policy = "AWS::ApplicationAutoScaling::ScalingPolicy"
    for logical, props, held in _read_back(template, state, policy, "scaling_policies"):
        assert (held["PolicyName"], held["PolicyType"]) == (
            props["PolicyName"],
            props["PolicyType"],
        )
        target = state["scalable_targets"][props["ScalingTargetId"]["Ref"]]
        assert (held["ResourceId"], held["ScalableDimension"]) == (
            target["ResourceId"],
            target["ScalableDimension"],
        )
        assert props["PolicyType"] == "TargetTrackingScaling"  # all the library creates
        config = props["TargetTrackingScalingPolicyConfiguration"]
        held_config = held["TargetTrackingScalingPolicyConfiguration"]
        _same_where_set(
            held_config,
            config,
            ("TargetValue", "ScaleInCooldown", "ScaleOutCooldown", "DisableScaleIn"),
            logical,
        )
        if "PredefinedMetricSpecification" in config:
            assert (
                held_config["PredefinedMetricSpecification"]
                == config["PredefinedMetricSpecification"]
            )
        else:
            metrics = config["CustomizedMetricSpecification"]["Metrics"]
            held_metrics = held_config["CustomizedMetricSpecification"]["Metrics"]
            assert [(m["Id"], m.get("Expression")) for m in held_metrics] == [
                (m["Id"], m.get("Expression")) for m in metrics
            ]


def test_web_acls_and_associations_read_back(created: dict[str, Any]) -> None:
    """Each web ACL (modelled) holds its default action, managed rule groups and visibility;
    each association ties it to its load balancer; each logging configuration sends its logs
    to the log group, with the headers redacted."""
    template, state = created[SAMPLE_STACK]["template"], created[SAMPLE_STACK]["state"]
    for _, props, held in _read_back(template, state, "AWS::WAFv2::WebACL", "web_acls"):
        assert held["DefaultAction"] == props["DefaultAction"]
        assert held["VisibilityConfig"] == props["VisibilityConfig"]
        assert held["Description"] == props.get("Description", "")
        assert [
            (r["Name"], r["Priority"], r["Statement"], r.get("OverrideAction"))
            for r in held["Rules"]
        ] == [
            (r["Name"], r["Priority"], r["Statement"], r.get("OverrideAction"))
            for r in props["Rules"]
        ]
    association = "AWS::WAFv2::WebACLAssociation"
    for _, props, held in _read_back(template, state, association, "web_acl_associations"):
        assert held["WebACLArn"] == _resolve(props["WebACLArn"], state)
        assert held["ResourceArn"] == _resolve(props["ResourceArn"], state)
        assert (
            held["ResourceArn"]
            in state["physical"]["AWS::ElasticLoadBalancingV2::LoadBalancer"].values()
        )
    logging = "AWS::WAFv2::LoggingConfiguration"
    for _, props, held in _read_back(template, state, logging, "waf_logging"):
        assert held["ResourceArn"] == _resolve(props["ResourceArn"], state)
        assert held["LogDestinationConfigs"] == _resolve(props["LogDestinationConfigs"], state)
        for destination in held["LogDestinationConfigs"]:
            assert destination.rsplit(":", 1)[-1] in state["log_groups"], destination
        assert held["RedactedFields"] == props["RedactedFields"]


def _blue_green(state: dict[str, Any]) -> dict[str, Any]:
    return {
        logical: held
        for logical, held in state["services"].items()
        if held["deploymentController"]["type"] == "CODE_DEPLOY"
    }


def test_failed_release_fails_the_deploy_and_rolls_the_stack_back(
    updated: dict[str, Any], failed_release: dict[str, Any]
) -> None:
    """A release whose deployment fails: the CLI reports the failure with the handler's reason,
    and the stack is back on the previous template (UPDATE_ROLLBACK_COMPLETE). The rollback is
    the emulator's (see _codedeploy_moto), the deployment the simulator's."""
    output, state = failed_release["output"], failed_release["state"]
    assert failed_release["returncode"] != 0, output[-3000:]
    assert f"{SAMPLE_STACK} failed to deploy" in output, output[-3000:]
    # The CLI names the failed resource with CodeDeploy's error, through the handler.
    assert "Failed resources:" in output, output[-3000:]
    failed = output.split("Failed resources:", 1)[1]
    assert "UPDATE_FAILED" in failed, failed
    assert "ALARM_ACTIVE" in failed, failed
    assert state["status"] == "UPDATE_ROLLBACK_COMPLETE"
    assert state["stacks"][REPOSITORY_STACK] == "CREATE_COMPLETE"
    previous = updated[SAMPLE_STACK]["state"]["template"]
    assert state["template"] == previous
    assert failed_release["template"] != previous  # the failing release did change it
    releases = set(_resources(failed_release["template"], RELEASE_TYPE))
    failures = [e for e in state["events"] if e[1] == "UPDATE_FAILED"]
    assert failures
    assert {logical for logical, _, _ in failures} <= releases
    assert all("ALARM_ACTIVE" in reason for _, _, reason in failures), failures


def test_failed_release_leaves_the_old_revision_and_scale_in(
    updated: dict[str, Any], failed_release: dict[str, Any]
) -> None:
    """CodeDeploy's rollback put the blue/green service back on the previous revision (the
    failed deployment had moved it); the stack rollback deployed nothing more; scale-in of
    every scalable target is resumed; every task definition is the previous revision again."""
    before, state = updated[SAMPLE_STACK]["state"], failed_release["state"]
    services = _blue_green(state)
    assert services
    for logical, service in services.items():
        previous = _blue_green(before)[logical]
        assert service["taskDefinition"] == previous["taskDefinition"]
        assert service["capacityProviderStrategy"] == previous["capacityProviderStrategy"]
    failed_ones = []
    for group, deployments in state["deployments"].items():
        known = {d["deploymentId"] for d in before["deployments"][group]}
        new = {d["deploymentId"]: d for d in deployments if d["deploymentId"] not in known}
        assert all(d["status"] not in ("Created", "InProgress", "Ready") for d in new.values())
        for deployment in new.values():
            if deployment["creator"] != "user":
                continue
            failed_ones.append(deployment)
            assert deployment["status"] == "Stopped"
            assert deployment["errorInformation"]["code"] == "ALARM_ACTIVE"
            rollback = new[deployment["rollbackInfo"]["rollbackDeploymentId"]]
            assert (rollback["creator"], rollback["status"]) == ("autoRollback", "Succeeded")
            appspec = json.loads(deployment["revision"]["appSpecContent"]["content"])
            wanted = appspec["Resources"][0]["TargetService"]["Properties"]["TaskDefinition"]
            assert wanted not in {s["taskDefinition"] for s in services.values()}
            assert wanted.rsplit(":", 1)[0] in {
                s["taskDefinition"].rsplit(":", 1)[0] for s in services.values()
            }
    assert failed_ones, "no deployment of the failing release was found"
    assert {k: t["taskDefinitionArn"] for k, t in state["task_definitions"].items()} == {
        k: t["taskDefinitionArn"] for k, t in before["task_definitions"].items()
    }
    assert {t["status"] for t in state["task_definitions"].values()} == {"ACTIVE"}
    assert state["scalable_targets"]
    for target in state["scalable_targets"].values():
        assert not (target.get("SuspendedState") or {}).get("DynamicScalingInSuspended", False)


def test_failed_release_loses_nothing(
    updated: dict[str, Any], failed_release: dict[str, Any]
) -> None:
    """Every resource of the stack is the one it was before the failed release (the release
    resource records the rollback's answer), and the retained ones still exist."""
    before, state = updated[SAMPLE_STACK]["state"], failed_release["state"]
    kept = {t: ids for t, ids in before["physical"].items() if t != RELEASE_TYPE}
    assert {t: ids for t, ids in state["physical"].items() if t != RELEASE_TYPE} == kept
    retained = {
        logical: resource["Type"]
        for logical, resource in state["template"]["Resources"].items()
        if resource.get("DeletionPolicy") in RETAINED
    }
    assert retained
    for logical, type_ in retained.items():
        physical = state["physical"][type_][logical]
        if type_ == "AWS::Logs::LogGroup":
            assert physical in state["log_groups"], logical
        elif type_ == "AWS::SQS::Queue":
            assert state["queues"][logical]["QueueArn"], logical
    for key in ("alarms", "composite_alarms", "scaling_policies", "web_acls", "queues"):
        assert state[key].keys() == before[key].keys(), key


def test_fault_tag_is_the_simulators() -> None:
    """The client script spells the simulator's fault tag as the simulator does."""
    from tests.deploy import _moto_client, codedeploy_sim

    assert _moto_client.FAULTS_TAG == codedeploy_sim.FAULTS_TAG


def unlisted_skips(log_text: str) -> list[str]:
    """Resource types moto's log says it skipped that SKIPPED_BY_MOTO does not list."""
    return sorted(set(SKIP_LINE.findall(log_text)) - SKIPPED_BY_MOTO.keys())


def test_no_new_types_skipped_by_moto(moto: Moto, updated: dict[str, Any]) -> None:
    log = moto.log_text()
    assert SKIP_LINE.search(log), "moto's log holds no skip line: the check would prove nothing"
    new = unlisted_skips(log)
    assert not new, (
        f"moto silently skipped resource types not in SKIPPED_BY_MOTO: {new}. These were NOT "
        "created in the emulator, so nothing about them is tested; add each with a reason."
    )


def test_emulator_stops_and_leaves_no_process(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The fixture's context manager stops both processes, also when the body raises."""
    pids: list[int] = []
    port = 0
    with (  # noqa: PT012 - the body must run inside the emulator to test its exit
        pytest.raises(RuntimeError, match="body failed"),
        running_emulator(tmp_path_factory.mktemp("stop")) as emulator,
    ):
        assert emulator.answers()
        pids, port = emulator.pids(), emulator.port
        assert len(pids) == 2
        raise RuntimeError("body failed")
    # running_emulator itself asserts that no process of either group is alive; check the
    # leaders and the port from the outside too.
    for pid in pids:
        assert not (Path("/proc") / str(pid)).exists(), pid
        assert not process_group_members(pid), pid
    assert pids
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))  # the port is free again
