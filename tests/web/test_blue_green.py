"""FargateWebService deployment strategies: one behaviour per test.

The two registered stacks (tests/stacks/blue_green.py) are synthesized once per session; a
module fixture builds one more app holding the non-default variants (custom CodeDeploy
configuration with a hook on plain HTTP, ECS-native BLUE_GREEN with a hook).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, cast

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from tests.conftest import ENV, Synthesized, new_app
from tests.stacks.service import IMAGE, _certificate


@pytest.fixture(scope="module")
def codedeploy(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["BlueGreenCodeDeploy"])


@pytest.fixture(scope="module")
def native(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["BlueGreenEcsNative"])


@pytest.fixture(scope="module")
def rolling(synthesized: Synthesized) -> Template:
    return Template.from_json(synthesized.templates["ServiceDefaults"])


def _web(synthesized: Synthesized, stack: str) -> ep.FargateWebService:
    web = synthesized.stacks[stack].node.find_child("Web")
    assert isinstance(web, ep.FargateWebService)
    return web


def _hook(stack: Stack, id: str) -> lambda_.Function:
    return lambda_.Function(
        stack,
        id,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )


@pytest.fixture(scope="module")
def variants() -> dict[str, Template]:
    app = new_app()
    custom = Stack(app, "Custom", env=ENV)
    ep.FargateWebService(
        custom,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            deployment=ep.CodeDeployBlueGreen(
                traffic_shift=ep.CodeDeployTrafficShift.linear(
                    percent=20, interval=Duration.minutes(2)
                ),
                test_listener_port=9000,
                termination_wait=Duration.minutes(0),
                deployment_ready_wait=Duration.minutes(20),
                hooks={"AfterAllowTestTraffic": _hook(custom, "Check")},
            ),
        ),
    )
    hooked = Stack(app, "Hooked", env=ENV)
    ep.FargateWebService(
        hooked,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(certificate=_certificate(hooked)),
            deployment=ep.EcsNativeBlueGreen(
                hooks={ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT: _hook(hooked, "Check")}
            ),
        ),
    )
    return {"custom": Template.from_stack(custom), "hooked": Template.from_stack(hooked)}


def _service(template: Template) -> dict[str, Any]:
    (service,) = template.find_resources("AWS::ECS::Service").values()
    props: dict[str, Any] = service["Properties"]
    return props


def _ref_prefix(value: Any) -> str:
    """The logical id a Ref / GetAtt points at."""
    if "Ref" in value:
        return str(value["Ref"])
    return str(value["Fn::GetAtt"][0])


def _listener_ids(template: Template) -> dict[int, str]:
    return {
        r["Properties"]["Port"]: k
        for k, r in template.find_resources("AWS::ElasticLoadBalancingV2::Listener").items()
    }


def _target_groups(template: Template) -> dict[str, dict[str, Any]]:
    return {
        k: r["Properties"]
        for k, r in template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup").items()
    }


def _lb_ingress(template: Template) -> list[tuple[str, int]]:
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    (group,) = (g for k, g in groups.items() if k.startswith("WebLoadBalancerSecurityGroup"))
    return sorted((r["CidrIp"], r["FromPort"]) for r in group["Properties"]["SecurityGroupIngress"])


# --- rolling (default) -------------------------------------------------------------------------


def test_rolling_uses_the_ecs_controller_with_circuit_breaker_and_no_second_target_group(
    rolling: Template, synthesized: Synthesized
) -> None:
    props = _service(rolling)
    assert props["DeploymentController"] == {"Type": "ECS"}
    assert props["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": True,
    }
    assert "Strategy" not in props["DeploymentConfiguration"]
    rolling.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 1)
    rolling.resource_count_is("AWS::CodeDeploy::DeploymentGroup", 0)
    web = _web(synthesized, "ServiceDefaults")
    assert (web.green_target_group, web.test_listener, web.deployment_group, web.release) == (
        None,
        None,
        None,
        None,
    )


# --- CodeDeploy ---------------------------------------------------------------------------


def test_codedeploy_service_has_code_deploy_controller_and_no_ecs_deployment_features(
    codedeploy: Template,
) -> None:
    props = _service(codedeploy)
    assert props["DeploymentController"] == {"Type": "CODE_DEPLOY"}
    config = props["DeploymentConfiguration"]
    assert "DeploymentCircuitBreaker" not in config
    assert "Alarms" not in config
    assert "Strategy" not in config
    assert props["AvailabilityZoneRebalancing"] == "DISABLED"


def test_codedeploy_service_names_the_task_definition_family_not_a_revision(
    codedeploy: Template,
) -> None:
    # aws-cdk-lib writes the family for CODE_DEPLOY services, so a new image does not make
    # CloudFormation update the service (which CODE_DEPLOY forbids); the release does it.
    task_definition = _service(codedeploy)["TaskDefinition"]
    assert isinstance(task_definition, str) or "Ref" not in task_definition


def test_codedeploy_green_target_group_copies_the_blue_health_check(
    codedeploy: Template,
) -> None:
    groups = list(_target_groups(codedeploy).values())
    assert len(groups) == 2
    keys = (
        "HealthCheckPath",
        "HealthCheckIntervalSeconds",
        "HealthyThresholdCount",
        "TargetGroupAttributes",
        "TargetType",
        "Port",
    )
    assert (
        next({k: g.get(k) for k in keys} for g in groups)
        == [{k: g.get(k) for k in keys} for g in groups][1]
    )


def test_codedeploy_production_forwards_to_blue_and_test_listener_to_green(
    codedeploy: Template, synthesized: Synthesized
) -> None:
    web = _web(synthesized, "BlueGreenCodeDeploy")
    assert web.test_listener is not None
    assert web.green_target_group is not None
    listeners = {
        r["Properties"]["Port"]: r["Properties"]
        for r in codedeploy.find_resources("AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert _ref_prefix(listeners[443]["DefaultActions"][0]["TargetGroupArn"]).startswith(
        "WebLoadBalancerTargetGroup"
    )
    assert _ref_prefix(listeners[8443]["DefaultActions"][0]["TargetGroupArn"]).startswith(
        "WebLoadBalancerGreenTargetGroup"
    )
    assert listeners[8443]["Protocol"] == "HTTPS"
    assert listeners[8443]["Certificates"] == listeners[443]["Certificates"]
    assert listeners[8443]["SslPolicy"] == listeners[443]["SslPolicy"]
    codedeploy.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 0)


def test_codedeploy_test_listener_admits_only_the_production_clients(
    codedeploy: Template,
) -> None:
    assert _lb_ingress(codedeploy) == [
        ("203.0.113.0/24", 80),
        ("203.0.113.0/24", 443),
        ("203.0.113.0/24", 8443),
    ]


def test_codedeploy_deployment_group_settings(codedeploy: Template) -> None:
    codedeploy.has_resource_properties("AWS::CodeDeploy::Application", {"ComputePlatform": "ECS"})
    codedeploy.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "DeploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
            "DeploymentStyle": {
                "DeploymentOption": "WITH_TRAFFIC_CONTROL",
                "DeploymentType": "BLUE_GREEN",
            },
            "BlueGreenDeploymentConfiguration": {
                "DeploymentReadyOption": {"ActionOnTimeout": "CONTINUE_DEPLOYMENT"},
                "TerminateBlueInstancesOnDeploymentSuccess": {
                    "Action": "TERMINATE",
                    "TerminationWaitTimeInMinutes": 5,
                },
            },
        },
    )


def test_codedeploy_rolls_back_on_failure_stop_and_the_monitoring_alarms(
    codedeploy: Template,
) -> None:
    (group,) = codedeploy.find_resources("AWS::CodeDeploy::DeploymentGroup").values()
    props = group["Properties"]
    assert props["AutoRollbackConfiguration"]["Enabled"] is True
    assert set(props["AutoRollbackConfiguration"]["Events"]) == {
        "DEPLOYMENT_FAILURE",
        "DEPLOYMENT_STOP_ON_REQUEST",
        "DEPLOYMENT_STOP_ON_ALARM",
    }
    alarms = props["AlarmConfiguration"]
    assert alarms["Enabled"] is True
    names = json.dumps(alarms["Alarms"])
    for alarm in ("RunningTasksLow", "Target5xx", "UnhealthyHosts"):
        assert alarm in names
    assert len(alarms["Alarms"]) == 3


def test_codedeploy_group_uses_both_listeners_and_target_groups(codedeploy: Template) -> None:
    (group,) = codedeploy.find_resources("AWS::CodeDeploy::DeploymentGroup").values()
    (pair,) = group["Properties"]["LoadBalancerInfo"]["TargetGroupPairInfoList"]
    listeners = _listener_ids(codedeploy)
    assert pair["ProdTrafficRoute"]["ListenerArns"] == [{"Ref": listeners[443]}]
    assert pair["TestTrafficRoute"]["ListenerArns"] == [{"Ref": listeners[8443]}]
    assert len(pair["TargetGroups"]) == 2


def test_codedeploy_custom_shape_creates_a_deployment_config(variants: dict[str, Template]) -> None:
    custom = variants["custom"]
    custom.has_resource_properties(
        "AWS::CodeDeploy::DeploymentConfig",
        {
            "ComputePlatform": "ECS",
            "TrafficRoutingConfig": {
                "Type": "TimeBasedLinear",
                "TimeBasedLinear": {"LinearInterval": 2, "LinearPercentage": 20},
            },
        },
    )
    custom.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        {
            "DeploymentConfigName": Match.object_like({"Ref": Match.any_value()}),
            "BlueGreenDeploymentConfiguration": {
                "DeploymentReadyOption": {
                    "ActionOnTimeout": "STOP_DEPLOYMENT",
                    "WaitTimeInMinutes": 20,
                },
                "TerminateBlueInstancesOnDeploymentSuccess": {
                    "Action": "TERMINATE",
                    "TerminationWaitTimeInMinutes": 0,
                },
            },
        },
    )


def test_codedeploy_hook_may_report_to_its_deployment_group_only(
    variants: dict[str, Template],
) -> None:
    policies = [
        p["Properties"]
        for p in variants["custom"].find_resources("AWS::IAM::ManagedPolicy").values()
        if "PutLifecycleEventHookExecutionStatus" in json.dumps(p)
    ]
    assert len(policies) == 1
    (statement,) = policies[0]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "codedeploy:PutLifecycleEventHookExecutionStatus"
    assert "WebDeploymentGroup" in json.dumps(statement["Resource"])
    assert _ref_prefix(policies[0]["Roles"][0]).startswith("CheckServiceRole")


def test_codedeploy_plain_http_test_listener_on_the_given_port(
    variants: dict[str, Template],
) -> None:
    variants["custom"].has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener", {"Port": 9000, "Protocol": "HTTP"}
    )


def test_fails_on_codedeploy_with_service_connect() -> None:
    with pytest.raises(ep.ConfigurationError, match="ECS deployment controller") as err:
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            service_connect=ep.ServiceConnectOptions(namespace="internal"),
            deployment=ep.CodeDeployBlueGreen(),
        )
    assert err.value.props == ("service_connect",)


def test_fails_on_codedeploy_estimate_beyond_the_release_wait() -> None:
    with pytest.raises(ep.ConfigurationError, match="release_timeout") as err:
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            deployment=ep.CodeDeployBlueGreen(termination_wait=Duration.minutes(60)),
        )
    assert err.value.props == ("deployment",)


def test_fails_on_codedeploy_estimate_beyond_an_explicit_release_timeout() -> None:
    # 60 min termination wait: the estimate (about 71 min) cannot fit the longest wait (55).
    with pytest.raises(ep.ConfigurationError, match="no longer than release_timeout") as err:
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            deployment=ep.CodeDeployBlueGreen(
                termination_wait=Duration.minutes(60), release_timeout=Duration.minutes(55)
            ),
        )
    assert err.value.props == ("deployment",)


def test_fails_on_explicit_release_timeout_shorter_than_the_default_estimate() -> None:
    # The default estimate is 16.3 min; a 10-minute release wait would roll back every release.
    with pytest.raises(ep.ConfigurationError, match=r"16\.3 min") as err:
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            deployment=ep.CodeDeployBlueGreen(release_timeout=Duration.minutes(10)),
        )
    assert err.value.props == ("deployment",)


def test_explicit_release_timeout_admits_an_estimate_up_to_it() -> None:
    # 16.3 min default + 38 min more ready wait = 54.3 min: over the default wait's 40-min
    # limit, within an explicit 55-min release_timeout.
    props = ep.WebServiceProps(
        container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
        load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
        deployment=ep.CodeDeployBlueGreen(
            deployment_ready_wait=Duration.minutes(38), release_timeout=Duration.minutes(55)
        ),
    )
    assert props.estimated_deployment_time().total_minutes == 54.3
    with pytest.raises(ep.ConfigurationError, match="release_timeout"):
        replace(
            props, deployment=ep.CodeDeployBlueGreen(deployment_ready_wait=Duration.minutes(38))
        )


@pytest.mark.parametrize(
    "deployment",
    [ep.CodeDeployBlueGreen(), ep.EcsNativeBlueGreen()],
    ids=["codedeploy", "ecs-native"],
)
def test_fails_on_request_count_scaling_with_blue_green(deployment: ep.DeploymentStrategy) -> None:
    with pytest.raises(ep.ConfigurationError, match="cpu_target_percent") as err:
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            deployment=deployment,
            target_group=ep.TargetGroupOptions(requests_per_target=1000),
        )
    assert err.value.props == ("target_group.requests_per_target",)


def test_request_count_scaling_stays_allowed_for_rolling() -> None:
    props = ep.WebServiceProps(
        container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
        load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
        target_group=ep.TargetGroupOptions(requests_per_target=1000),
    )
    assert props.target_group.requests_per_target == 1000


# --- ECS-native ---------------------------------------------------------------------------


def test_native_service_uses_the_ecs_strategy_bake_time_and_linear_steps(native: Template) -> None:
    props = _service(native)
    assert props["DeploymentController"] == {"Type": "ECS"}
    config = props["DeploymentConfiguration"]
    assert config["Strategy"] == "LINEAR"
    assert config["BakeTimeInMinutes"] == 2
    assert config["LinearConfiguration"] == {"StepPercent": 20, "StepBakeTimeInMinutes": 1}
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}


def test_native_service_rolls_back_on_the_monitoring_alarms(native: Template) -> None:
    alarms = _service(native)["DeploymentConfiguration"]["Alarms"]
    assert (alarms["Enable"], alarms["Rollback"]) == (True, True)
    assert len(alarms["AlarmNames"]) == 3


def test_native_service_names_green_and_both_listener_rules(native: Template) -> None:
    (lb,) = _service(native)["LoadBalancers"]
    advanced = lb["AdvancedConfiguration"]
    assert _ref_prefix(lb["TargetGroupArn"]).startswith("WebLoadBalancerTargetGroup")
    assert _ref_prefix(advanced["AlternateTargetGroupArn"]).startswith(
        "WebLoadBalancerGreenTargetGroup"
    )
    assert _ref_prefix(advanced["ProductionListenerRule"]).startswith(
        "WebLoadBalancerProductionRule"
    )
    assert _ref_prefix(advanced["TestListenerRule"]).startswith("WebLoadBalancerTestRule")
    assert _ref_prefix(advanced["RoleArn"]).startswith("WebServiceAlternateTargetRole")


def test_native_rules_forward_every_path_to_blue_with_green_at_weight_zero(
    native: Template,
) -> None:
    listeners = _listener_ids(native)
    rules = native.find_resources("AWS::ElasticLoadBalancingV2::ListenerRule")
    assert sorted(r["Properties"]["ListenerArn"]["Ref"] for r in rules.values()) == sorted(
        [listeners[443], listeners[8443]]
    )
    for rule in rules.values():
        props = rule["Properties"]
        assert props["Priority"] == 1
        assert props["Conditions"] == [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
        ]
        groups = props["Actions"][0]["ForwardConfig"]["TargetGroups"]
        assert [(_ref_prefix(g["TargetGroupArn"])[:26], g["Weight"]) for g in groups] == [
            ("WebLoadBalancerTargetGroup", 100),
            ("WebLoadBalancerGreenTarget", 0),
        ]


def test_native_service_waits_for_both_rules(native: Template) -> None:
    (service,) = native.find_resources("AWS::ECS::Service").values()
    depends = service["DependsOn"]
    assert any(d.startswith("WebLoadBalancerProductionRule") for d in depends)
    assert any(d.startswith("WebLoadBalancerTestRule") for d in depends)


def test_native_test_listener_is_closed_when_production_is_open_to_anyone(
    native: Template,
) -> None:
    assert _lb_ingress(native) == [("0.0.0.0/0", 80), ("0.0.0.0/0", 443)]


def test_native_lifecycle_hook_runs_at_its_stage(variants: dict[str, Template]) -> None:
    config = _service(variants["hooked"])["DeploymentConfiguration"]
    assert config["Strategy"] == "BLUE_GREEN"
    assert config["BakeTimeInMinutes"] == 5  # the default: alarm window (3 min) + metric delay
    (hook,) = config["LifecycleHooks"]
    assert hook["LifecycleStages"] == ["POST_TEST_TRAFFIC_SHIFT"]
    assert _ref_prefix(hook["HookTargetArn"]).startswith("Check")


# --- the estimate on the construct --------------------------------------------------------


def test_construct_estimate_reads_its_props(synthesized: Synthesized) -> None:
    assert _web(synthesized, "ServiceDefaults").estimated_deployment_time().total_s == 140
    codedeploy = _web(synthesized, "BlueGreenCodeDeploy").estimated_deployment_time()
    assert codedeploy.strategy == "CodeDeployBlueGreen"
    assert codedeploy.total_s == 80 + 540 + 300 + 60
    native = _web(synthesized, "BlueGreenEcsNative").estimated_deployment_time()
    assert native.traffic_shift_s == 4 * 60  # 20 % steps: 5 increments, 4 one-minute waits
    assert native.bake_s == 120


def test_codedeploy_release_deploys_each_task_definition_revision_with_the_spot_strategy(
    codedeploy: Template, synthesized: Synthesized
) -> None:
    web = _web(synthesized, "BlueGreenCodeDeploy")
    assert isinstance(web.release, ep.CodeDeployRelease)
    (release,) = codedeploy.find_resources("Custom::EcsCodeDeployRelease").values()
    props = release["Properties"]
    assert _ref_prefix(props["TaskDefinitionArn"]).startswith("WebTaskTaskDefinition")
    assert _ref_prefix(props["DeploymentGroupName"]).startswith("WebDeploymentGroup")
    appspec = json.dumps(props["AppSpec"])
    assert "WebTaskTaskDefinition" in appspec  # a new revision changes the resource
    assert (
        '\\"CapacityProviderStrategy\\":[{\\"CapacityProvider\\":\\"FARGATE\\",\\"Base\\":1,'
        '\\"Weight\\":1},{\\"CapacityProvider\\":\\"FARGATE_SPOT\\",\\"Weight\\":3}]'
    ) in appspec
    assert '\\"AssignPublicIp\\":\\"DISABLED\\"' in appspec


def test_codedeploy_release_suspends_scale_in_of_the_service_scalable_target(
    codedeploy: Template, synthesized: Synthesized
) -> None:
    web = _web(synthesized, "BlueGreenCodeDeploy")
    assert web.release is not None
    assert web.release.scale_in_policy is not None
    ((target_id, target),) = codedeploy.find_resources(
        "AWS::ApplicationAutoScaling::ScalableTarget"
    ).items()
    (release,) = codedeploy.find_resources("Custom::EcsCodeDeployRelease").values()
    assert release["Properties"]["SuspendScaleIn"] == "true"
    assert release["Properties"]["ScalableTargetResourceId"] == target["Properties"]["ResourceId"]
    assert target_id in release["DependsOn"]


def test_rolling_and_native_services_add_no_scale_in_suspension(
    rolling: Template, native: Template
) -> None:
    # Application Auto Scaling itself turns scale-in off during ECS deployments.
    for template in (rolling, native):
        assert template.find_resources("Custom::EcsCodeDeployRelease") == {}
        assert "application-autoscaling:RegisterScalableTarget" not in json.dumps(
            template.to_json()
        )


def test_fails_on_deployment_group_without_alarm_rollback(synthesized: Synthesized) -> None:
    web = _web(synthesized, "BlueGreenCodeDeploy")
    with pytest.raises(ep.ConfigurationError, match="deployment_alarm_rollback=True") as err:
        ep.MonitoringProps(service=web.service, deployment_group=web.deployment_group)
    assert err.value.props == ("deployment_group",)


def test_fails_on_deployment_group_for_an_ecs_controlled_service(
    synthesized: Synthesized,
) -> None:
    group = _web(synthesized, "BlueGreenCodeDeploy").deployment_group
    rolling = _web(synthesized, "ServiceDefaults").service
    with pytest.raises(ep.ConfigurationError, match="CODE_DEPLOY controller") as err:
        ep.MonitoringProps(service=rolling, deployment_alarm_rollback=True, deployment_group=group)
    assert err.value.props == ("deployment_group",)


def test_documented_estimate_table_matches_the_method() -> None:
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "deployment-strategies.md"
    readme = page.read_text(encoding="utf-8")
    base: dict[str, Any] = {
        "container": ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
        "load_balancer": ep.LoadBalancerOptions(allow_plain_http=True),
    }
    rows: dict[str, ep.DeploymentStrategy] = {
        "Rolling()": ep.Rolling(),
        "CodeDeployBlueGreen()": ep.CodeDeployBlueGreen(),
        "CodeDeployBlueGreen(traffic_shift=CodeDeployTrafficShift.canary())": (
            ep.CodeDeployBlueGreen(traffic_shift=ep.CodeDeployTrafficShift.canary())
        ),
        "CodeDeployBlueGreen(traffic_shift=all_at_once(), termination_wait=0)": (
            ep.CodeDeployBlueGreen(
                traffic_shift=ep.CodeDeployTrafficShift.all_at_once(),
                termination_wait=Duration.minutes(0),
            )
        ),
        "EcsNativeBlueGreen()": ep.EcsNativeBlueGreen(),
        "EcsNativeBlueGreen(strategy=LINEAR)": ep.EcsNativeBlueGreen(
            strategy=ecs.DeploymentStrategy.LINEAR
        ),
        "EcsNativeBlueGreen(strategy=CANARY)": ep.EcsNativeBlueGreen(
            strategy=ecs.DeploymentStrategy.CANARY
        ),
    }
    for name, strategy in rows.items():
        e = ep.WebServiceProps(**base, deployment=strategy).estimated_deployment_time()
        row = (
            f"| `{name}` | {e.start_s:g} | {e.ready_wait_s:g} | {e.traffic_shift_s:g} | "
            f"{e.bake_s:g} | {e.drain_s:g} | {e.to_full_traffic_s / 60:.1f} | "
            f"**{e.total_minutes:g}** |"
        )
        assert row in readme


# --- monitoring across blue and green -------------------------------------------------------

_BOTH_GROUPS = {
    "Target5xx": (
        "SUM([FILL(t5xxblue, 0), FILL(t5xxgreen, 0)])",
        "Sum",
        "HTTPCode_Target_5XX_Count",
    ),
    "UnhealthyHosts": (
        "MAX([FILL(unhealthyblue, 0), FILL(unhealthygreen, 0)])",
        "Maximum",
        "UnHealthyHostCount",
    ),
    "LatencyP99High": ("MAX([p99blue, p99green])", "p99", "TargetResponseTime"),
}


def _alarm_named(template: Template, suffix: str) -> dict[str, Any]:
    found = [
        r["Properties"]
        for r in template.to_json()["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and str(r["Properties"].get("AlarmName", "")).endswith(f"-{suffix}")
    ]
    assert len(found) == 1
    return cast(dict[str, Any], found[0])


def _target_group_ids(template: Template) -> set[str]:
    groups = template.find_resources("AWS::ElasticLoadBalancingV2::TargetGroup")
    assert len(groups) == 2
    return set(groups)


@pytest.mark.parametrize("stack", ["BlueGreenCodeDeploy", "BlueGreenEcsNative"])
@pytest.mark.parametrize("suffix", sorted(_BOTH_GROUPS))
def test_blue_green_target_alarms_read_both_target_groups(
    synthesized: Synthesized, stack: str, suffix: str
) -> None:
    template = Template.from_json(synthesized.templates[stack])
    expression, stat, metric_name = _BOTH_GROUPS[suffix]
    props = _alarm_named(template, suffix)
    assert "MetricName" not in props
    (math,) = [m for m in props["Metrics"] if "Expression" in m]
    assert math["Expression"] == expression
    assert math.get("ReturnData", True) is True
    stats = [m["MetricStat"] for m in props["Metrics"] if "MetricStat" in m]
    assert {s["Stat"] for s in stats} == {stat}
    assert {s["Metric"]["MetricName"] for s in stats} == {metric_name}
    assert {s["Period"] for s in stats} == {60}
    groups = {
        d["Value"]["Fn::GetAtt"][0]
        for s in stats
        for d in s["Metric"]["Dimensions"]
        if d["Name"] == "TargetGroup"
    }
    assert groups == _target_group_ids(template)
    assert (props["EvaluationPeriods"], props["DatapointsToAlarm"]) == (3, 3)


@pytest.mark.parametrize("stack", ["BlueGreenCodeDeploy", "BlueGreenEcsNative"])
def test_blue_green_dashboard_graphs_requests_of_both_groups(
    synthesized: Synthesized, stack: str
) -> None:
    template = Template.from_json(synthesized.templates[stack])
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for label in ("Requests (blue)", "Requests (green)", "p50 (blue)", "p50 (green)"):
        assert label in body
    assert "SUM([FILL(t5xxblue, 0), FILL(t5xxgreen, 0)])" in body


@pytest.mark.parametrize("stack", ["BlueGreenCodeDeploy", "BlueGreenEcsNative"])
def test_fails_when_blue_green_monitoring_misses_the_alternate_target_group(
    synthesized: Synthesized, stack: str
) -> None:
    web = _web(synthesized, stack)
    with pytest.raises(ep.ConfigurationError, match="green_target_group") as err:
        ep.MonitoringProps(service=web.service, target_group=web.target_group)
    assert err.value.props == ("alternate_target_group",)


def test_blue_green_service_without_target_group_needs_no_alternate(
    synthesized: Synthesized,
) -> None:
    web = _web(synthesized, "BlueGreenEcsNative")
    assert ep.MonitoringProps(service=web.service).alternate_target_group is None


def test_fails_on_alternate_target_group_for_a_rolling_service(synthesized: Synthesized) -> None:
    rolling = _web(synthesized, "ServiceDefaults")
    green = _web(synthesized, "BlueGreenEcsNative").green_target_group
    with pytest.raises(ep.ConfigurationError, match="rolling service") as err:
        ep.MonitoringProps(
            service=rolling.service,
            target_group=rolling.target_group,
            alternate_target_group=green,
        )
    assert err.value.props == ("alternate_target_group",)


def test_fails_on_alternate_target_group_without_or_equal_to_target_group(
    synthesized: Synthesized,
) -> None:
    web = _web(synthesized, "BlueGreenCodeDeploy")
    with pytest.raises(ep.ConfigurationError, match="only together with target_group") as err:
        ep.MonitoringProps(service=web.service, alternate_target_group=web.green_target_group)
    assert err.value.props == ("alternate_target_group",)
    with pytest.raises(ep.ConfigurationError, match="other than target_group") as err:
        ep.MonitoringProps(
            service=web.service,
            target_group=web.target_group,
            alternate_target_group=web.target_group,
        )
    assert err.value.props == ("alternate_target_group",)
