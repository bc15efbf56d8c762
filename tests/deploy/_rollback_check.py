"""Runs with the moto venv's Python: the emulator's stack rollback mechanics, in process.

A stack with a task definition and a topic is updated (a new image and a new topic name),
then rolled back with ``_codedeploy_moto._restore``: the previous task definition revision is
the stack's and active again, the new one is returned for the cleanup, the topic has its
previous name again. An update that adds a resource is refused (the emulator cannot undo it).
Prints JSON; ``test_moto_workarounds.py`` asserts on it.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).parent))
importlib.import_module("_moto_server")  # applies the patches, as in the emulator process
from tests.deploy import _codedeploy_moto  # noqa: E402 (after the patches)


def template(image: str, topic: str, extra: bool = False) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Task": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Family": "rollback-check",
                "ContainerDefinitions": [{"Name": "app", "Image": image, "Memory": 512}],
            },
        },
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": topic}},
    }
    if extra:
        resources["Extra"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
    return {"Resources": resources}


def main() -> None:
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name="us-east-1")
        cfn.create_stack(StackName="Check", TemplateBody=json.dumps(template("repo:1", "one")))
        backend = sys.modules["moto.cloudformation.models"].cloudformation_backends
        (stack,) = backend["123456789012"]["us-east-1"].stacks.values()
        resources = stack.resource_map

        def snapshot() -> Any:
            return _codedeploy_moto._Before(
                template=stack.template,
                template_dict=resources._template,
                input_parameters=resources.input_parameters,
                parsed=dict(resources._parsed_resources),
            )

        before = snapshot()
        first = resources["Task"].arn
        resources.update(copy.deepcopy(template("repo:2", "two")))
        second = resources["Task"].arn
        replaced = _codedeploy_moto._restore(resources, before)
        ecs = boto3.client("ecs", region_name="us-east-1")
        topic = resources["Topic"].physical_resource_id
        sns = boto3.client("sns", region_name="us-east-1")
        result: dict[str, Any] = {
            "first": first,
            "second": second,
            "after": resources["Task"].arn,
            "first_status": ecs.describe_task_definition(taskDefinition=first)["taskDefinition"][
                "status"
            ],
            "replaced": [r.arn for r in replaced],
            "display_name": sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"],
        }
        before = snapshot()
        resources.update(copy.deepcopy(template("repo:1", "one", extra=True)))
        try:
            _codedeploy_moto._restore(resources, before)
        except _codedeploy_moto.RollbackUnsupportedError as error:
            result["added"] = str(error)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
