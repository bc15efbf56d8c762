"""boto3 side of the emulator test; runs with the Python that has moto (see conftest.py).

``respond ENDPOINT``: play the Lambda behind every ``Custom::*`` resource of a stack in
CREATE_IN_PROGRESS by sending SUCCESS to moto's cfn-response URL (moto needs Docker to run
the real handler). ``readback ENDPOINT STACK``: print what moto holds for the stack as JSON.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from typing import Any

import boto3

REGION = "us-east-1"


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION)


def respond(endpoint: str) -> None:
    """Answer each custom resource of a stack being created once; runs until killed."""
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
                if not str(resource.get("Type", "")).startswith("Custom::"):
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
        time.sleep(0.3)


def readback(endpoint: str, stack_name: str) -> dict[str, Any]:
    cfn = _client("cloudformation", endpoint)
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    resources = cfn.describe_stack_resources(StackName=stack_name)["StackResources"]
    by_type: dict[str, list[str]] = {}
    for resource in resources:
        by_type.setdefault(resource.get("ResourceType", "?"), []).append(
            resource.get("PhysicalResourceId", "")
        )
    ecr = _client("ecr", endpoint)
    ecs = _client("ecs", endpoint)
    elbv2 = _client("elbv2", endpoint)
    out: dict[str, Any] = {
        "status": stack["StackStatus"],
        "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
        "resource_types": sorted(by_type),
        "repositories": ecr.describe_repositories()["repositories"],
        "clusters": ecs.describe_clusters(clusters=by_type.get("AWS::ECS::Cluster", []))[
            "clusters"
        ],
        "vpcs": _client("ec2", endpoint).describe_vpcs(VpcIds=by_type.get("AWS::EC2::VPC", []))[
            "Vpcs"
        ]
        if by_type.get("AWS::EC2::VPC")
        else [],
        "log_groups": _client("logs", endpoint).describe_log_groups()["logGroups"],
        "roles": [
            _client("iam", endpoint).get_role(RoleName=name)["Role"]
            for name in by_type.get("AWS::IAM::Role", [])
        ],
        "services": [],
        "task_definitions": [],
        "listeners": [],
        "target_groups": [],
    }
    for cluster in out["clusters"]:
        arns = ecs.list_services(cluster=cluster["clusterArn"])["serviceArns"]
        if arns:
            services = ecs.describe_services(cluster=cluster["clusterArn"], services=arns)
            out["services"].extend(services["services"])
    for service in out["services"]:
        task_def = service.get("taskDefinition")
        if task_def:
            out["task_definitions"].append(
                ecs.describe_task_definition(taskDefinition=task_def)["taskDefinition"]
            )
    for lb_arn in by_type.get("AWS::ElasticLoadBalancingV2::LoadBalancer", []):
        out["listeners"].extend(elbv2.describe_listeners(LoadBalancerArn=lb_arn)["Listeners"])
    if by_type.get("AWS::ElasticLoadBalancingV2::TargetGroup"):
        out["target_groups"] = elbv2.describe_target_groups()["TargetGroups"]
    return out


def main(argv: list[str]) -> None:
    if argv[1] == "respond":
        respond(argv[2])
    elif argv[1] == "readback":
        print(json.dumps(readback(argv[2], argv[3]), default=str))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
