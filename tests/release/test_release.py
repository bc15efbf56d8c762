"""CodeDeployRelease: AppSpec, custom resource properties, IAM scope, provider and validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.core.deployment import CODEDEPLOY_HOOKS, RELEASE_TIMEOUT_MAX
from ecs_patterns.release._appspec import AppSpecCapacityItem, ecs_appspec
from ecs_patterns.release._release import HANDLER_DIR, QUERY_INTERVAL
from ecs_patterns.testing import nag_findings
from tests.conftest import Synthesized, new_stack
from tests.stacks.monitoring import fargate_service
from tests.stacks.release import CONTAINER, codedeploy_service, release

Resource = dict[str, Any]
GROUP_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":codedeploy:us-east-1:123456789012:deploymentgroup:",
            {"Ref": "DeploymentGroupApplication7B89ABEB"},
            "/",
            {"Ref": "DeploymentGroup6D277AF0"},
        ],
    ]
}


# ---------------------------------------------------------------------------------------------
# AppSpec (pure)


def test_appspec_carries_every_documented_field_in_pascal_case() -> None:
    appspec = ecs_appspec(
        task_definition_arn="arn:td:2",
        container_name="web",
        container_port=8080,
        subnet_ids=["subnet-1", "subnet-2"],
        security_group_ids=["sg-1"],
        capacity_provider_strategy=[
            AppSpecCapacityItem(capacity_provider="FARGATE", base=1, weight=1),
            AppSpecCapacityItem(capacity_provider="FARGATE_SPOT", weight=3),
        ],
        platform_version="1.4.0",
        hooks={"AfterAllowTestTraffic": "arn:fn:smoke", "BeforeInstall": "arn:fn:pre"},
    )
    assert appspec == {
        "version": "0.0",
        "Resources": [
            {
                "TargetService": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": "arn:td:2",
                        "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 8080},
                        "PlatformVersion": "1.4.0",
                        "NetworkConfiguration": {
                            "AwsvpcConfiguration": {
                                "Subnets": ["subnet-1", "subnet-2"],
                                "SecurityGroups": ["sg-1"],
                                "AssignPublicIp": "DISABLED",
                            }
                        },
                        "CapacityProviderStrategy": [
                            {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
                            {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
                        ],
                    },
                }
            }
        ],
        # Lifecycle order, not the mapping's order.
        "Hooks": [{"BeforeInstall": "arn:fn:pre"}, {"AfterAllowTestTraffic": "arn:fn:smoke"}],
    }


def test_appspec_leaves_out_optional_sections() -> None:
    appspec = ecs_appspec(
        task_definition_arn="arn:td:2",
        container_name="web",
        container_port=80,
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        assign_public_ip=True,
    )
    properties = appspec["Resources"][0]["TargetService"]["Properties"]
    assert "Hooks" not in appspec
    assert "PlatformVersion" not in properties
    assert "CapacityProviderStrategy" not in properties
    assert properties["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "ENABLED"


def test_appspec_rejects_unknown_hooks() -> None:
    with pytest.raises(ValueError, match="AfterTraffic"):
        ecs_appspec(
            task_definition_arn="arn:td:2",
            container_name="web",
            container_port=80,
            subnet_ids=["subnet-1"],
            security_group_ids=["sg-1"],
            hooks={"AfterTraffic": "arn:fn"},
        )


def test_appspec_hooks_are_the_five_ecs_hooks() -> None:
    assert CODEDEPLOY_HOOKS == (
        "BeforeInstall",
        "AfterInstall",
        "AfterAllowTestTraffic",
        "BeforeAllowTraffic",
        "AfterAllowTraffic",
    )


# ---------------------------------------------------------------------------------------------
# The synthesized test stacks


@pytest.fixture(scope="module")
def defaults(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["ReleaseDefaults"])


@pytest.fixture(scope="module")
def in_vpc(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["ReleaseInVpc"])


def only(template: Template, type_: str, props: Any = None) -> Resource:
    found = template.find_resources(type_, {"Properties": props} if props else None)
    assert len(found) == 1, sorted(found)
    resource: Resource = dict(next(iter(dict(found).values())))
    return resource


def appspec_of(template: Template) -> dict[str, Any]:
    """The AppSpec with each token replaced by a marker naming what it references."""
    join = only(template, "Custom::EcsCodeDeployRelease")["Properties"]["AppSpec"]["Fn::Join"]
    parts = []
    for part in join[1]:
        if isinstance(part, str):
            parts.append(part)
        elif "Ref" in part:
            parts.append(f"<Ref {part['Ref']}>")
        else:
            parts.append(f"<GetAtt {'.'.join(part['Fn::GetAtt'])}>")
    parsed: dict[str, Any] = json.loads("".join(parts))
    return parsed


def test_custom_resource_names_the_group_service_and_task_definition(defaults: Template) -> None:
    resource = only(defaults, "Custom::EcsCodeDeployRelease")
    properties = resource["Properties"]
    assert properties["ApplicationName"] == {"Ref": "DeploymentGroupApplication7B89ABEB"}
    assert properties["DeploymentGroupName"] == {"Ref": "DeploymentGroup6D277AF0"}
    assert properties["Cluster"] == {"Ref": "ClusterC2E21B66"}
    assert properties["Service"] == {"Fn::GetAtt": ["WebServiceDF29B54C", "Name"]}
    assert properties["TaskDefinitionArn"] == {"Ref": "WebTask51ED7374"}
    assert properties["ServiceTimeout"] == "3600"


def test_appspec_in_the_template_has_the_task_definition_arn_and_capacity(
    defaults: Template,
) -> None:
    target = appspec_of(defaults)["Resources"][0]["TargetService"]
    assert target["Type"] == "AWS::ECS::Service"
    properties = target["Properties"]
    # The ARN (Ref of the task definition), so every new revision changes the resource.
    assert properties["TaskDefinition"] == "<Ref WebTask51ED7374>"
    assert properties["LoadBalancerInfo"] == {"ContainerName": CONTAINER, "ContainerPort": 8080}
    assert properties["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ]
    assert properties["NetworkConfiguration"] == {
        "AwsvpcConfiguration": {
            "Subnets": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
            "SecurityGroups": ["<GetAtt WebSecurityGroup73AF7387.GroupId>"],
            "AssignPublicIp": "DISABLED",
        }
    }


def policy_statements(template: Template, logical_prefix: str) -> list[Resource]:
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    matches = [v for k, v in policies.items() if k.startswith(logical_prefix)]
    assert len(matches) == 1, sorted(policies)
    statements: list[Resource] = matches[0]["Properties"]["PolicyDocument"]["Statement"]
    return statements


def by_sid(statements: list[Resource]) -> dict[str, Resource]:
    return {s.get("Sid", ""): s for s in statements}


def test_on_event_may_deploy_only_to_its_deployment_group(defaults: Template) -> None:
    statements = by_sid(policy_statements(defaults, "ReleaseOnEventPolicy"))
    assert set(statements) == {
        "WriteLogs",
        "DeployToTheGroup",
        "RegisterTheRevision",
        "ReadTheDeploymentConfig",
        "DescribeTheService",
    }
    assert statements["DeployToTheGroup"]["Action"] == [
        "codedeploy:CreateDeployment",
        "codedeploy:GetDeployment",
        "codedeploy:ListDeployments",
        "codedeploy:StopDeployment",
    ]
    assert statements["DeployToTheGroup"]["Resource"] == GROUP_ARN
    application = statements["RegisterTheRevision"]["Resource"]["Fn::Join"][1]
    assert ":codedeploy:us-east-1:123456789012:application:" in application
    config = statements["ReadTheDeploymentConfig"]["Resource"]["Fn::Join"][1][-1]
    assert config.endswith(":deploymentconfig:CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    assert statements["DescribeTheService"] == {
        "Sid": "DescribeTheService",
        "Effect": "Allow",
        "Action": "ecs:DescribeServices",
        "Resource": {"Ref": "WebServiceDF29B54C"},
    }
    assert statements["WriteLogs"]["Resource"] == {"Fn::GetAtt": ["ReleaseLogsB9EA69B0", "Arn"]}


def test_is_complete_may_read_and_create_deployments_but_not_stop_them(
    defaults: Template,
) -> None:
    # It deploys the AppSpec once a stopped leftover (or CodeDeploy's rollback) is over.
    statements = by_sid(policy_statements(defaults, "ReleaseIsCompletePolicy"))
    assert set(statements) == {
        "WriteLogs",
        "FollowUpDeployments",
        "RegisterTheRevision",
        "ReadTheDeploymentConfig",
        "DescribeTheService",
    }
    assert statements["FollowUpDeployments"]["Action"] == [
        "codedeploy:CreateDeployment",
        "codedeploy:GetDeployment",
        "codedeploy:ListDeployments",
    ]
    assert statements["FollowUpDeployments"]["Resource"] == GROUP_ARN


def test_no_statement_grants_pass_role_or_wildcard_actions(defaults: Template) -> None:
    for policy in defaults.find_resources("AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"]
            actions = actions if isinstance(actions, list) else [actions]
            assert "iam:PassRole" not in actions
            assert not any(a.endswith(":*") or a == "*" for a in actions)


def test_handlers_have_no_vpc_wildcards_outside_a_vpc(defaults: Template) -> None:
    for prefix in ("ReleaseOnEventPolicy", "ReleaseIsCompletePolicy"):
        assert all(s["Resource"] != "*" for s in policy_statements(defaults, prefix))


def test_handlers_get_the_vpc_statement_in_a_vpc(in_vpc: Template) -> None:
    statements = by_sid(policy_statements(in_vpc, "ReleaseOnEventPolicy"))
    assert statements["AttachToTheVpc"]["Resource"] == "*"
    assert "ec2:CreateNetworkInterface" in statements["AttachToTheVpc"]["Action"]


def test_handlers_are_python_lambdas_from_the_shipped_directory(defaults: Template) -> None:
    for handler in ("index.on_event", "index.is_complete"):
        only(
            defaults,
            "AWS::Lambda::Function",
            {
                "Handler": handler,
                "Runtime": "python3.14",
                "Timeout": 60,
                "LoggingConfig": {"LogGroup": {"Ref": "ReleaseLogsB9EA69B0"}, "LogFormat": "Text"},
            },
        )
    assert sorted(p.name for p in HANDLER_DIR.glob("*.py")) == ["__init__.py", "index.py"]


def test_reserved_concurrency_none_reserves_nothing_and_acknowledges_it(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    release(stack, fixture, reserved_concurrency=None)  # the default, spelled out
    template = Template.from_stack(stack)
    functions = {
        k: v
        for k, v in template.find_resources("AWS::Lambda::Function").items()
        if k.startswith("Release")
    }
    assert len(functions) == 5
    for fn in functions.values():
        assert "ReservedConcurrentExecutions" not in fn["Properties"]
        skips = {s["id"]: s["comment"] for s in fn["Metadata"]["checkov"]["skip"]}
        assert "quota" in skips["CKV_AWS_115"]
    assert nag_findings(stack) == []


def test_reserved_concurrency_is_configurable(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    release(stack, fixture, reserved_concurrency=2)
    functions = Template.from_stack(stack).find_resources("AWS::Lambda::Function")
    release_fns = [v for k, v in functions.items() if k.startswith("Release")]
    assert [f["Properties"]["ReservedConcurrentExecutions"] for f in release_fns] == [2] * 5
    for fn in release_fns:
        skips = fn["Metadata"]["checkov"]["skip"]
        assert "CKV_AWS_115" not in [s["id"] for s in skips]


@pytest.mark.parametrize("value", [0, -1, 1001])
def test_rejects_a_reserved_concurrency_out_of_range(stack: Stack, value: int) -> None:
    fixture = codedeploy_service(stack)
    with pytest.raises(ep.ConfigurationError, match="reserved_concurrency"):
        release(stack, fixture, reserved_concurrency=value)


def test_lambdas_run_in_private_subnets_with_https_only_egress(in_vpc: Template) -> None:
    functions = in_vpc.find_resources("AWS::Lambda::Function")
    release = [v for k, v in functions.items() if k.startswith("Release")]
    assert len(release) == 5
    for fn in release:
        vpc_config = fn["Properties"]["VpcConfig"]
        assert vpc_config["SubnetIds"] == ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
        assert vpc_config["SecurityGroupIds"] == [
            {"Fn::GetAtt": ["ReleaseSecurityGroup6E0D0DB7", "GroupId"]}
        ]
    in_vpc.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "GroupDescription": "CodeDeployRelease Lambdas: HTTPS to AWS APIs only",
            "SecurityGroupEgress": [
                Match.object_like({"CidrIp": "0.0.0.0/0", "FromPort": 443, "ToPort": 443})
            ],
        },
    )


def test_waiter_polls_every_15_seconds_for_the_timeout(
    defaults: Template, in_vpc: Template
) -> None:
    for template, minutes in ((defaults, 55), (in_vpc, 30)):
        machine = only(template, "AWS::StepFunctions::StateMachine")["Properties"]
        definition = "".join(
            p if isinstance(p, str) else "<token>"
            for p in machine["DefinitionString"]["Fn::Join"][1]
        )
        assert '"IntervalSeconds":15' in definition
        assert f'"MaxAttempts":{minutes * 60 // 15}' in definition


def test_waiter_logs_all_events_encrypted_and_traces(defaults: Template) -> None:
    machine = only(defaults, "AWS::StepFunctions::StateMachine")["Properties"]
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    destination = machine["LoggingConfiguration"]["Destinations"][0]
    group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert group.startswith("ReleaseWaiterLogs")
    defaults.has_resource_properties(
        "AWS::Logs::LogGroup",
        {"RetentionInDays": 365, "KmsKeyId": {"Fn::GetAtt": ["ClusterKeyB247D7DD", "Arn"]}},
    )


def test_framework_roles_have_managed_policies_only(defaults: Template) -> None:
    on_event = policy_statements(defaults, "ReleaseFrameworkOnEventPolicy")
    actions = sorted(
        a
        for s in on_event
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    )
    assert actions == [
        "lambda:GetFunction",
        "lambda:InvokeFunction",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "states:StartExecution",
    ]
    policies = defaults.find_resources("AWS::IAM::Policy")
    # The only inline policy is the one aws-cdk-lib builds inside the waiter (acknowledged).
    assert [k for k in policies if k.startswith("Release")] == [
        "ReleaseProviderwaiterstatemachineRoleDefaultPolicyBA5D2040"
    ]


# ---------------------------------------------------------------------------------------------
# Construct options and validation


@pytest.fixture
def stack() -> Stack:
    return new_stack()


def test_hooks_go_into_the_appspec_and_the_group_role_may_invoke_them(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    hook = lambda_.Function(
        stack,
        "SmokeTest",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )
    release(stack, fixture, hooks={"AfterAllowTestTraffic": hook}, platform_version="1.4.0")
    template = Template.from_stack(stack)
    appspec = appspec_of(template)
    assert appspec["Hooks"] == [{"AfterAllowTestTraffic": "<GetAtt SmokeTest737D2188.Arn>"}]
    assert appspec["Resources"][0]["TargetService"]["Properties"]["PlatformVersion"] == "1.4.0"
    invoke = by_sid(policy_statements(template, "ReleaseHookInvokePolicy"))["InvokeAppSpecHooks"]
    assert invoke["Action"] == "lambda:InvokeFunction"
    assert invoke["Resource"] == {"Fn::GetAtt": ["SmokeTest737D2188", "Arn"]}
    # The invoke policy adds no finding; only the bare stand-in hook function has some.
    findings = nag_findings(stack)
    assert findings
    assert all(f.construct_path.startswith("Test/SmokeTest/") for f in findings), findings


def test_without_hooks_the_group_role_gets_no_invoke_policy(defaults: Template) -> None:
    assert not [
        k
        for k in defaults.find_resources("AWS::IAM::ManagedPolicy")
        if k.startswith("ReleaseHookInvokePolicy")
    ]


def test_a_new_key_is_created_without_log_key(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    release(stack, fixture, log_key=None)
    template = Template.from_stack(stack)
    keys = [k for k in template.find_resources("AWS::KMS::Key") if k.startswith("ReleaseLogKey")]
    assert len(keys) == 1


def test_release_is_exported() -> None:
    assert ep.CodeDeployRelease.__name__ == "CodeDeployRelease"
    assert "CodeDeployRelease" in ep.__all__


def test_default_timeout_is_the_maximum() -> None:
    assert RELEASE_TIMEOUT_MAX.to_minutes() == 55
    assert QUERY_INTERVAL.to_seconds() == 15


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"timeout": Duration.minutes(2)}, "timeout"),
        ({"timeout": Duration.minutes(60)}, "timeout"),
        ({"hooks": {"AfterTraffic": None}}, "hooks"),
        ({"container_port": 0}, "container_port"),
        ({"container_name": ""}, "container_name"),
        ({"subnet_ids": []}, "subnet_ids"),
        ({"security_group_ids": []}, "security_group_ids"),
        ({"security_group_ids": [f"sg-{i}" for i in range(6)]}, "security_group_ids"),
        ({"log_retention": logs.RetentionDays.INFINITE}, "log_retention"),
    ],
)
def test_fails_on_invalid_props(stack: Stack, kwargs: dict[str, Any], prop: str) -> None:
    fixture = codedeploy_service(stack)
    with pytest.raises(ep.ConfigurationError) as raised:
        release(stack, fixture, **kwargs)
    assert raised.value.props_class == "CodeDeployRelease"
    assert raised.value.props == (prop,)


def test_reports_every_problem_at_once(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    with pytest.raises(ep.ConfigurationError) as raised:
        release(stack, fixture, container_port=70000, timeout=Duration.hours(2))
    assert raised.value.props == ("container_port", "timeout")
    assert "a whole number of seconds from 300s to 3300s" in str(raised.value)


def test_tokens_pass_validation(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    release(
        stack,
        fixture,
        container_name=fixture.task_definition.default_container.container_name,  # type: ignore[union-attr]
        subnet_ids=fixture.cluster.vpc.select_subnets().subnet_ids,
    )
    assert isinstance(fixture.service, ecs.FargateService)


def test_handler_code_ships_in_the_package() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["where"] == ["src"]
    # A package (with __init__.py) under ecs_patterns: setuptools' find includes index.py.
    assert (HANDLER_DIR / "__init__.py").is_file()
    assert HANDLER_DIR.parent.name == "release"
    assert HANDLER_DIR.parent.parent.name == "ecs_patterns"


def test_framework_lambdas_log_at_info_to_the_encrypted_group(defaults: Template) -> None:
    functions = defaults.find_resources("AWS::Lambda::Function")
    framework = {k: v for k, v in functions.items() if k.startswith("ReleaseProviderframework")}
    assert len(framework) == 3
    for fn in framework.values():
        assert fn["Properties"]["LoggingConfig"] == {
            "ApplicationLogLevel": "INFO",
            "LogFormat": "JSON",
            "LogGroup": {"Ref": "ReleaseLogsB9EA69B0"},
        }


def test_fails_for_a_service_without_the_code_deploy_controller(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    rolling = fargate_service(stack, "Rolling", fixture.cluster)
    with pytest.raises(ep.ConfigurationError) as raised:
        release(stack, fixture, service=rolling)
    assert raised.value.props == ("service",)
    assert "the ECS deployment controller" in str(raised.value)


def test_timeout_is_rounded_up_to_whole_polls(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    release(stack, fixture, timeout=Duration.seconds(610))
    machine = only(Template.from_stack(stack), "AWS::StepFunctions::StateMachine")
    definition = "".join(
        p if isinstance(p, str) else ""
        for p in machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    )
    assert '"MaxAttempts":41' in definition  # 615 s / 15 s


def test_deployment_id_is_the_custom_resource_attribute(stack: Stack) -> None:
    created = release(stack, codedeploy_service(stack))
    assert stack.resolve(created.deployment_id) == {
        "Fn::GetAtt": [stack.get_logical_id(created.resource.node.default_child), "DeploymentId"]  # type: ignore[arg-type]
    }


# ---------------------------------------------------------------------------------------------
# Dynamic scale-in suspended during releases (scalable_target)


def test_scalable_target_turns_on_scale_in_suspension(in_vpc: Template) -> None:
    resource = only(in_vpc, "Custom::EcsCodeDeployRelease")
    properties = resource["Properties"]
    assert properties["SuspendScaleIn"] == "true"
    target_id, target = next(
        iter(in_vpc.find_resources("AWS::ApplicationAutoScaling::ScalableTarget").items())
    )
    assert properties["ScalableTargetResourceId"] == target["Properties"]["ResourceId"]
    assert target["Properties"]["ServiceNamespace"] == "ecs"
    assert target["Properties"]["ScalableDimension"] == "ecs:service:DesiredCount"
    # CloudFormation finishes a change of the target (and the policy) before a release.
    assert target_id in resource["DependsOn"]
    assert any(d.startswith("ReleaseScaleInPolicy") for d in resource["DependsOn"])


def test_without_scalable_target_scaling_is_left_alone(defaults: Template) -> None:
    properties = only(defaults, "Custom::EcsCodeDeployRelease")["Properties"]
    assert "SuspendScaleIn" not in properties
    assert "ScalableTargetResourceId" not in properties
    policies = defaults.find_resources("AWS::IAM::ManagedPolicy")
    assert not [k for k in policies if k.startswith("ReleaseScaleInPolicy")]
    for policy in policies.values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert "application-autoscaling" not in json.dumps(statement["Action"])


def test_both_handlers_may_only_describe_and_register_scalable_targets(
    in_vpc: Template,
) -> None:
    statements = policy_statements(in_vpc, "ReleaseScaleInPolicy")[:1]
    assert statements == [
        {
            "Sid": "SuspendScaleInDuringReleases",
            "Effect": "Allow",
            "Action": [
                "application-autoscaling:DescribeScalableTargets",
                "application-autoscaling:RegisterScalableTarget",
            ],
            "Resource": "*",
        }
    ]
    policy = next(
        v
        for k, v in in_vpc.find_resources("AWS::IAM::ManagedPolicy").items()
        if k.startswith("ReleaseScaleInPolicy")
    )
    roles = sorted(r["Ref"] for r in policy["Properties"]["Roles"])
    assert [r.rsplit("Role", 1)[0] for r in roles] == ["ReleaseIsComplete", "ReleaseOnEvent"]
    skips = policy["Metadata"]["checkov"]["skip"]
    assert [s["id"] for s in skips] == ["CKV_AWS_111"]
    assert "no resource-level" in skips[0]["comment"]
    # Neither handler's own policy gains any Application Auto Scaling action.
    for prefix in ("ReleaseOnEventPolicy", "ReleaseIsCompletePolicy"):
        for statement in policy_statements(in_vpc, prefix):
            assert "application-autoscaling" not in json.dumps(statement["Action"])


def test_scale_in_policy_passes_application_auto_scalings_permission_validation(
    in_vpc: Template,
) -> None:
    # RegisterScalableTarget checks the caller's ECS and CloudWatch permissions on the target.
    statements = by_sid(policy_statements(in_vpc, "ReleaseScaleInPolicy"))
    assert statements["ScalingValidationOnTheService"] == {
        "Sid": "ScalingValidationOnTheService",
        "Effect": "Allow",
        "Action": "ecs:UpdateService",
        "Resource": {"Ref": "WebServiceDF29B54C"},
    }
    alarms = statements["ScalingValidationOnAlarms"]
    assert alarms["Action"] == [
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:PutMetricAlarm",
    ]
    assert alarms["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":cloudwatch:us-east-1:123456789012:alarm:*"],
        ]
    }
    # ecs:DescribeServices, the third validated action, is in both handlers' own policies.
    for prefix in ("ReleaseOnEventPolicy", "ReleaseIsCompletePolicy"):
        described = by_sid(policy_statements(in_vpc, prefix))["DescribeTheService"]
        assert described["Action"] == "ecs:DescribeServices"


def test_scale_in_policy_adds_no_unacknowledged_finding(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    scaling = fixture.service.auto_scale_task_count(min_capacity=2, max_capacity=4)
    scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
    release(stack, fixture, scalable_target=scaling)
    assert nag_findings(stack) == []


def test_accepts_a_plain_scalable_target(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    target = appscaling.ScalableTarget(
        stack,
        "Target",
        service_namespace=appscaling.ServiceNamespace.ECS,
        scalable_dimension="ecs:service:DesiredCount",
        resource_id="service/platform/web",
        min_capacity=1,
        max_capacity=3,
    )
    release(stack, fixture, scalable_target=target)
    properties = only(Template.from_stack(stack), "Custom::EcsCodeDeployRelease")["Properties"]
    assert properties["ScalableTargetResourceId"] == "service/platform/web"


def test_rejects_a_scalable_target_of_another_dimension(stack: Stack) -> None:
    fixture = codedeploy_service(stack)
    table = appscaling.ScalableTarget(
        stack,
        "Table",
        service_namespace=appscaling.ServiceNamespace.DYNAMODB,
        scalable_dimension="dynamodb:table:ReadCapacityUnits",
        resource_id="table/orders",
        min_capacity=1,
        max_capacity=3,
    )
    with pytest.raises(ep.ConfigurationError, match="scalable_target"):
        release(stack, fixture, scalable_target=table)
