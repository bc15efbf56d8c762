"""Runs with the moto venv's Python: one stack through the patched moto, in process.

Prints JSON: the stack status, its outputs, and the SNS topic display name that holds a
``Fn::GetAtt`` of an alarm (a type the emulator models thinly, ``_moto_models``).
``test_moto_workarounds.py`` asserts on it.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import boto3
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).parent))
importlib.import_module("_moto_server")  # applies the patches, as in the emulator process

TEMPLATE = {
    "Resources": {
        "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmName": "a1"}},
        "Unnamed": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}},
        "Provider": {
            "Type": "AWS::IAM::OIDCProvider",
            "Properties": {"Url": "https://token.actions.githubusercontent.com"},
        },
        "App": {"Type": "AWS::CodeDeploy::Application", "Properties": {}},
        "Topic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": {"Fn::GetAtt": ["Alarm", "Arn"]}},
        },
    },
    "Outputs": {
        "AlarmArn": {"Value": {"Fn::GetAtt": ["Unnamed", "Arn"]}},
        "ProviderRef": {"Value": {"Ref": "Provider"}},
        "AppRef": {"Value": {"Ref": "App"}},
        "Sub": {"Value": {"Fn::Sub": "${Alarm.Arn}|${Provider}"}},
    },
}


def main() -> None:
    with mock_aws():
        cfn = boto3.client("cloudformation", region_name="us-east-1")
        cfn.create_stack(StackName="Check", TemplateBody=json.dumps(TEMPLATE))
        stack = cfn.describe_stacks(StackName="Check")["Stacks"][0]
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.list_topics()["Topics"][0]["TopicArn"]
        print(
            json.dumps(
                {
                    "status": stack["StackStatus"],
                    "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]},
                    "display_name": sns.get_topic_attributes(TopicArn=topic)["Attributes"].get(
                        "DisplayName"
                    ),
                }
            )
        )


if __name__ == "__main__":
    main()
