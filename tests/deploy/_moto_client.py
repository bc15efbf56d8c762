"""boto3 side of the emulator test; runs with the Python that has moto (see conftest.py).

``respond ENDPOINT``: play the Lambda behind every ``Custom::*`` resource of a stack in
CREATE_IN_PROGRESS by sending SUCCESS to moto's cfn-response URL (moto needs Docker to run
the real handler). ``readback ENDPOINT STACK``: print what moto holds for the stack as JSON.
``faults ENDPOINT STACK FAULTS``: set the CodeDeploy simulator's faults (comma separated, see
``codedeploy_sim.FAULTS``) on every deployment group of the stack; an empty FAULTS clears them.
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
ACCOUNT = "123456789012"
FAULTS_TAG = "ecs-patterns-simulator:faults"
"""``codedeploy_sim.FAULTS_TAG`` (this script runs without the repository on its path)."""
# Custom resources: `Custom::Name`, or CloudFormation's generic type (see _moto_server.py).
CUSTOM_PREFIXES = ("Custom::", "AWS::CloudFormation::CustomResource")
SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"


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
        "template": _template(cfn, stack_name),
        "events": [
            [e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", "")]
            for e in cfn.describe_stack_events(StackName=stack_name)["StackEvents"]
        ],
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
    targets_physical = ids("AWS::ApplicationAutoScaling::ScalableTarget")
    targets = {ref.split("|")[0]: logical for logical, ref in targets_physical.items()}
    out["scalable_targets"] = {
        targets[t["ResourceId"]]: t
        for t in _client("application-autoscaling", endpoint).describe_scalable_targets(
            ServiceNamespace="ecs"
        )["ScalableTargets"]
        if t["ResourceId"] in targets
    }
    policies = {arn: logical for logical, arn in ids(SCALING_POLICY).items()}
    out["scaling_policies"] = {
        policies[p["PolicyARN"]]: p
        for namespace in sorted({t.split("|")[-1] for t in targets_physical.values()})
        for p in _client("application-autoscaling", endpoint).describe_scaling_policies(
            ServiceNamespace=namespace
        )["ScalingPolicies"]
        if p["PolicyARN"] in policies
    }
    out["alarms"], out["composite_alarms"] = _alarms(
        endpoint, ids("AWS::CloudWatch::Alarm"), ids("AWS::CloudWatch::CompositeAlarm")
    )
    waf = _client("wafv2", endpoint)
    out["web_acls"] = {}
    for logical, ref in ids("AWS::WAFv2::WebACL").items():
        name, acl_id, scope = ref.split("|")  # the web ACL's Ref: NAME|ID|SCOPE
        out["web_acls"][logical] = waf.get_web_acl(Name=name, Id=acl_id, Scope=scope)["WebACL"]
    out["web_acl_associations"] = {}
    for logical, ref in ids("AWS::WAFv2::WebACLAssociation").items():
        resource_arn = ref.split("|")[0]  # RESOURCE_ARN|WEB_ACL_ARN
        held = waf.get_web_acl_for_resource(ResourceArn=resource_arn).get("WebACL") or {}
        out["web_acl_associations"][logical] = {
            "ResourceArn": resource_arn,
            "WebACLArn": held.get("ARN"),
        }
    out["waf_logging"] = {
        logical: waf.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"]
        for logical, arn in ids("AWS::WAFv2::LoggingConfiguration").items()
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


def _template(cfn: Any, stack_name: str) -> Any:
    """The stack's template: parsed when JSON (the CLI's), as stored otherwise (YAML)."""
    body = cfn.get_template(StackName=stack_name)["TemplateBody"]
    if isinstance(body, str) and body.lstrip().startswith("{"):
        return json.loads(body)
    return body


def faults(endpoint: str, stack_name: str, names: str) -> None:
    """Tag every CodeDeploy deployment group of the stack with the simulator's faults
    (``codedeploy_sim.FAULTS_TAG``, comma separated; empty: none). Deployments created from
    now on fail so; those already created keep the faults they had."""
    cfn, codedeploy = _client("cloudformation", endpoint), _client("codedeploy", endpoint)
    tagged = 0
    for resource in cfn.describe_stack_resources(StackName=stack_name)["StackResources"]:
        if resource.get("ResourceType") != "AWS::CodeDeploy::Application":
            continue
        application = resource["PhysicalResourceId"]
        for group in codedeploy.list_deployment_groups(applicationName=application)[
            "deploymentGroups"
        ]:
            codedeploy.tag_resource(
                ResourceArn=f"arn:aws:codedeploy:{REGION}:{ACCOUNT}:deploymentgroup:"
                f"{application}/{group}",
                Tags=[{"Key": FAULTS_TAG, "Value": names}],
            )
            tagged += 1
    if not tagged:
        raise SystemExit(f"no CodeDeploy deployment group in stack {stack_name}")
    print(tagged)


def _alarms(
    endpoint: str, metric: dict[str, str], composite: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Logical ID -> the metric alarm, and -> the composite alarm, as DescribeAlarms reads them."""
    logical = {name: key for key, name in {**metric, **composite}.items()}
    names = sorted(logical)
    found: dict[str, Any] = {"MetricAlarms": {}, "CompositeAlarms": {}}
    cloudwatch = _client("cloudwatch", endpoint)
    for start in range(0, len(names), 100):  # DescribeAlarms takes up to 100 names
        page = cloudwatch.describe_alarms(
            AlarmNames=names[start : start + 100], AlarmTypes=["MetricAlarm", "CompositeAlarm"]
        )
        for kind in found:
            for alarm in page.get(kind, []):
                found[kind][logical[alarm["AlarmName"]]] = alarm
    return found["MetricAlarms"], found["CompositeAlarms"]


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
    elif argv[1] == "faults":
        faults(argv[2], argv[3], argv[4])
    elif argv[1] == "readback":
        print(json.dumps(readback(argv[2], argv[3]), default=str))
    else:
        raise SystemExit(f"unknown command {argv[1]!r}")


if __name__ == "__main__":
    main(sys.argv)
