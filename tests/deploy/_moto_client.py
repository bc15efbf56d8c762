"""boto3 side of the emulator test; runs with the Python that has moto (see conftest.py).

``respond ENDPOINT``: play the Lambda behind every ``Custom::*`` resource of a stack in
CREATE_IN_PROGRESS by sending SUCCESS to moto's cfn-response URL (moto needs Docker to run
the real handler). ``readback ENDPOINT STACK``: print what moto holds for the stack as JSON.
``push ENDPOINT REPOSITORY TAG``: put a minimal image manifest under TAG, standing in for the
`docker push` of the first image in docs/deploying.md (moto stores the manifest; no layers
exist).
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from typing import Any

import boto3

REGION = "us-east-1"
# Custom resources: `Custom::Name`, or CloudFormation's generic type (see _moto_server.py).
CUSTOM_PREFIXES = ("Custom::", "AWS::CloudFormation::CustomResource")


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION)


def respond(endpoint: str) -> None:
    """Answer each custom resource of a stack being created once; runs until killed.

    The answer carries no ``Data``: a ``Fn::GetAtt`` on a custom resource resolves to nothing
    (moto then drops the property that holds it).
    """
    cfn = _client("cloudformation", endpoint)
    answered: set[tuple[str, str]] = set()
    while True:
        for stack in cfn.describe_stacks()["Stacks"]:
            if stack["StackStatus"] != "CREATE_IN_PROGRESS":
                continue
            stack_id = stack["StackId"]
            body = cfn.get_template(StackName=stack_id)["TemplateBody"]
            if isinstance(body, str):
                body = json.loads(body)
            for logical_id, resource in body.get("Resources", {}).items():
                type_ = str(resource.get("Type", ""))
                if not type_.startswith(CUSTOM_PREFIXES):
                    continue
                if (stack_id, logical_id) in answered:
                    continue
                payload = {
                    "Status": "SUCCESS",
                    "StackId": stack_id,
                    "LogicalResourceId": logical_id,
                    "PhysicalResourceId": logical_id,
                    "Data": {},
                }
                request = urllib.request.Request(
                    f"{endpoint}/cloudformation_{REGION}/cfnresponse?stack={stack_id}",
                    data=json.dumps(payload).encode(),
                    # As cfn-response sends it: with urllib's default form content type, moto
                    # parses the body as a query and routes the request to the wrong service.
                    headers={"Content-Type": ""},
                    method="PUT",
                )
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        ok = response.status == 200
                except OSError:
                    ok = False
                if ok:
                    answered.add((stack_id, logical_id))
                    print(f"answered {resource['Type']} {logical_id}", flush=True)
        time.sleep(0.5)


def readback(endpoint: str, stack_name: str) -> dict[str, Any]:
    """The stack and what moto holds for its resources, keyed by logical ID where useful."""
    cfn = _client("cloudformation", endpoint)
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    # moto lists the types it skipped as entries without any field: keep the modelled ones.
    physical: dict[str, dict[str, str]] = {}
    for resource in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
        if resource.get("ResourceType"):
            physical.setdefault(resource["ResourceType"], {})[resource["LogicalResourceId"]] = (
                resource.get("PhysicalResourceId", "")
            )

    def ids(type_: str) -> dict[str, str]:
        return physical.get(type_, {})

    ecs, elbv2, iam, ecr = (_client(s, endpoint) for s in ("ecs", "elbv2", "iam", "ecr"))
    repositories = ecr.describe_repositories()["repositories"]
    log_group_ids = set(ids("AWS::Logs::LogGroup").values())
    out: dict[str, Any] = {
        "status": stack["StackStatus"],
        "stacks": {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]},
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "physical": physical,
        "repositories": repositories,
        "image_tags": {
            r["repositoryName"]: sorted(
                tag
                for image in ecr.list_images(repositoryName=r["repositoryName"])["imageIds"]
                for tag in [image.get("imageTag")]
                if tag
            )
            for r in repositories
        },
        "clusters": ecs.describe_clusters(clusters=list(ids("AWS::ECS::Cluster").values()))[
            "clusters"
        ],
        "vpcs": _client("ec2", endpoint).describe_vpcs(VpcIds=list(ids("AWS::EC2::VPC").values()))[
            "Vpcs"
        ]
        if ids("AWS::EC2::VPC")
        else [],
        "log_groups": {
            g["logGroupName"]: g
            for g in _client("logs", endpoint).describe_log_groups()["logGroups"]
            if g["logGroupName"] in log_group_ids
        },
        "roles": {
            logical: iam.get_role(RoleName=name)["Role"]
            for logical, name in ids("AWS::IAM::Role").items()
        },
        "services": {},
        "task_definitions": {},
        "listeners": {},
        "target_groups": {},
    }
    for logical, arn in ids("AWS::ECS::Service").items():
        for cluster in ids("AWS::ECS::Cluster").values():
            found = ecs.describe_services(cluster=cluster, services=[arn])["services"]
            if found:
                out["services"][logical] = found[0]
                break
    codedeploy = _client("codedeploy", endpoint)
    out["deployment_groups"], out["deployments"] = {}, {}
    for application in ids("AWS::CodeDeploy::Application").values():
        for group in codedeploy.list_deployment_groups(applicationName=application)[
            "deploymentGroups"
        ]:
            out["deployment_groups"][group] = codedeploy.get_deployment_group(
                applicationName=application, deploymentGroupName=group
            )["deploymentGroupInfo"]
            out["deployments"][group] = [
                codedeploy.get_deployment(deploymentId=d)["deploymentInfo"]
                for d in codedeploy.list_deployments(
                    applicationName=application, deploymentGroupName=group
                )["deployments"]
            ]
    targets = {
        physical.split("|")[0]: logical
        for logical, physical in ids("AWS::ApplicationAutoScaling::ScalableTarget").items()
    }
    out["scalable_targets"] = {
        targets[t["ResourceId"]]: t
        for t in _client("application-autoscaling", endpoint).describe_scalable_targets(
            ServiceNamespace="ecs"
        )["ScalableTargets"]
        if t["ResourceId"] in targets
    }
    for logical, arn in ids("AWS::ECS::TaskDefinition").items():
        out["task_definitions"][logical] = ecs.describe_task_definition(taskDefinition=arn)[
            "taskDefinition"
        ]
    sqs = _client("sqs", endpoint)
    out["queues"] = {
        logical: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for logical, url in ids("AWS::SQS::Queue").items()
    }
    cloud_map = _client("servicediscovery", endpoint)
    out["namespaces"] = {
        logical: cloud_map.get_namespace(Id=namespace_id)["Namespace"]
        for logical, namespace_id in ids("AWS::ServiceDiscovery::HttpNamespace").items()
    }
    scheduler = _client("scheduler", endpoint)
    out["schedules"] = {
        logical: scheduler.get_schedule(Name=name)
        for logical, name in ids("AWS::Scheduler::Schedule").items()
    }
    states = _client("stepfunctions", endpoint)
    out["state_machines"] = {
        logical: states.describe_state_machine(stateMachineArn=arn)
        for logical, arn in ids("AWS::StepFunctions::StateMachine").items()
    }
    events = _client("events", endpoint)
    out["rules"] = {
        logical: events.describe_rule(Name=name.split("|")[-1].split("/")[-1])
        for logical, name in ids("AWS::Events::Rule").items()
    }
    for logical, arn in ids("AWS::ElasticLoadBalancingV2::Listener").items():
        out["listeners"][logical] = elbv2.describe_listeners(ListenerArns=[arn])["Listeners"][0]
    for logical, arn in ids("AWS::ElasticLoadBalancingV2::TargetGroup").items():
        out["target_groups"][logical] = elbv2.describe_target_groups(TargetGroupArns=[arn])[
            "TargetGroups"
        ][0]
    # The shared ingress: its load balancer and each service's listener rules on it.
    out["load_balancers"] = {
        logical: elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]
        for logical, arn in ids("AWS::ElasticLoadBalancingV2::LoadBalancer").items()
    }
    out["listener_rules"] = {
        logical: elbv2.describe_rules(RuleArns=[arn])["Rules"][0]
        for logical, arn in ids("AWS::ElasticLoadBalancingV2::ListenerRule").items()
    }
    return out


def push(endpoint: str, repository: str, tag: str) -> None:
    """Register a (layer-less) image manifest as ``repository:tag``."""
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + "0" * 64,
        },
        "layers": [],
    }
    _client("ecr", endpoint).put_image(
        repositoryName=repository, imageManifest=json.dumps(manifest), imageTag=tag
    )


def main(argv: list[str]) -> None:
    if argv[1] == "respond":
        respond(argv[2])
    elif argv[1] == "push":
        push(argv[2], argv[3], argv[4])
    elif argv[1] == "readback":
        print(json.dumps(readback(argv[2], argv[3]), default=str))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
