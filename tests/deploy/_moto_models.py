"""Thin CloudFormation models for types moto 5.2.5 skips, and the ECS service fields it drops.

Runs in the moto server process (imported by ``_moto_server.py``, ``.venv/moto``). Each model
creates the resource through moto's own API backend, so the ordinary API reads it back, and
returns the ``Ref`` and ``Fn::GetAtt`` values real CloudFormation documents:

* ``AWS::CodeDeploy::Application``: ``Ref`` the name.
* ``AWS::CodeDeploy::DeploymentGroup``: ``Ref`` the name; the ECS services, deployment
  configuration, blue/green configuration, auto-rollback, alarms, deployment style and load
  balancer info as given (PascalCase converted to the API's camelCase).
  moto's API answered every group's ``alarmConfiguration`` empty; it now reads back what the
  group holds (from this model or from ``CreateDeploymentGroup``).
* ``AWS::ApplicationAutoScaling::ScalableTarget``: ``Ref`` ``resourceId|dimension|namespace``;
  minimum, maximum and suspended state (an update changes them in place).
* ``AWS::ApplicationAutoScaling::ScalingPolicy``: ``Ref`` and ``Fn::GetAtt`` ``Arn`` the policy
  ARN; put through moto's API on the target its ``ScalingTargetId`` names (or its resource id,
  dimension and namespace), with its type and target tracking or step configuration (moto
  adds the two CloudWatch alarms a target tracking policy of an ECS service has).
* ``AWS::CloudWatch::Alarm`` and ``AWS::CloudWatch::CompositeAlarm``: ``Ref`` the name,
  ``Fn::GetAtt`` ``Arn``; a metric alarm with its metric or metric math, statistic,
  threshold, evaluation, missing-data treatment and actions, a composite alarm with its rule
  and actions, through moto's ``PutMetricAlarm`` backend (moto implements no
  ``PutCompositeAlarm``, but keeps an alarm with a rule and lists it as composite).
  Nothing evaluates them: they stay ``OK`` unless a test sets their state.
* ``AWS::WAFv2::WebACL``: ``Ref`` ``NAME|ID|SCOPE``, ``Fn::GetAtt`` ``Arn``, ``Id`` and
  ``LabelNamespace``; default action, rules, visibility and description through moto's WAFv2
  API. ``AWS::WAFv2::WebACLAssociation`` (``Ref`` ``RESOURCE_ARN|WEB_ACL_ARN``) associates it,
  so ``GetWebACLForResource`` finds it; ``AWS::WAFv2::LoggingConfiguration`` (``Ref`` the web
  ACL ARN) holds its log destinations and redacted fields. No request is ever inspected.
* ``AWS::ServiceDiscovery::HttpNamespace``: ``Ref`` the namespace id, ``Fn::GetAtt`` ``Arn``
  and ``Id``; created through moto's Cloud Map API (name and description), so
  ``GetNamespace`` reads it back.
* ``AWS::Scheduler::Schedule``: ``Ref`` the name, ``Fn::GetAtt`` ``Arn``; expression, time zone,
  state, flexible window and target (the API's own PascalCase) through moto's Scheduler API,
  so ``GetSchedule`` reads it back. Nothing is ever invoked.
* ``AWS::ECS::Service`` (moto's model, patched): keeps the deployment controller, load
  balancers, network configuration, capacity provider strategy and platform version; moto
  kept only cluster, task definition and desired count. A Service Connect configuration is
  kept on the service's primary deployment, where ``DescribeServices`` reports it.

Nothing here is validated as AWS would (cfn-lint and the synthesis tests cover properties).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cloudwatch.models import (
    Dimension,
    Metric,
    MetricDataQuery,
    MetricStat,
    cloudwatch_backends,
)
from moto.codedeploy import responses as codedeploy_responses
from moto.codedeploy.models import codedeploy_backends
from moto.core.common_models import BaseModel, CloudFormationModel
from moto.core.utils import camelcase_to_underscores, pascal_to_camelcase, remap_nested_keys
from moto.ecs import models as ecs_models
from moto.scheduler.models import scheduler_backends
from moto.servicediscovery.models import servicediscovery_backends
from moto.wafv2.models import wafv2_backends


def _camel(value: Any) -> Any:
    return remap_nested_keys(value, pascal_to_camelcase)


def _name(properties: dict[str, Any], key: str, resource_name: str) -> str:
    value = properties.get(key)
    return value if isinstance(value, str) and value else resource_name


class _ThinModel:
    """What every model here shares, so that a model states only what differs.

    A model names its type (``CFN_TYPE``), the property that names it (``NAME_PROPERTY``, ""
    where it has none), the attributes its ``Ref`` joins with ``|`` (``REF``), its
    ``Fn::GetAtt`` names (``ATTRIBUTES``, each answered by the attribute of the same name in
    snake case) and moto's backends of its service (``BACKENDS``); ``create`` makes it through
    that backend and ``remove`` deletes it there (by default nothing is deleted). An update
    removes it and creates it again, under its name unless the template gives a new one;
    ``KEEP_ON_UPDATE`` leaves it as it is instead, and a model may override ``update``.

    A plain mixin, not a ``CloudFormationModel``: moto lists that class's direct subclasses as
    its models, so each model names ``CloudFormationModel`` itself, after this class.
    """

    CFN_TYPE: ClassVar[str]
    NAME_PROPERTY: ClassVar[str] = ""
    REF: ClassVar[tuple[str, ...]] = ("name",)
    ATTRIBUTES: ClassVar[tuple[str, ...]] = ()
    BACKENDS: ClassVar[Any]
    KEEP_ON_UPDATE: ClassVar[bool] = False

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.CFN_TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @property
    def physical_resource_id(self) -> str:
        return "|".join(str(getattr(self, field)) for field in self.REF)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name not in self.ATTRIBUTES:
            raise UnformattedGetAttTemplateException()
        return str(getattr(self, camelcase_to_underscores(attribute_name)))

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        raise NotImplementedError(cls.CFN_TYPE)

    def remove(self, backend: Any) -> None:
        """Delete it through moto's API (a model that says nothing leaves it in place)."""

    @classmethod
    def update(cls, original: Any, backend: Any, p: dict[str, Any], name: str) -> Any:
        if cls.KEEP_ON_UPDATE:
            return original
        original.remove(backend)
        return cls.create(backend, p, name)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Self:
        p = cloudformation_json.get("Properties", {})
        backend = cls.BACKENDS[account_id][region_name]
        return cls.create(backend, p, _name(p, cls.NAME_PROPERTY, resource_name))

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        p = cloudformation_json.get("Properties", {})
        backend = cls.BACKENDS[account_id][region_name]
        # The name it has (a model with none takes the one CloudFormation generated).
        name = getattr(original_resource, "name", new_resource_name)
        return cls.update(original_resource, backend, p, _name(p, cls.NAME_PROPERTY, name))

    def delete(self, account_id: str, region_name: str) -> None:
        self.remove(self.BACKENDS[account_id][region_name])


class CodeDeployApplication(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::CodeDeploy::Application"
    NAME_PROPERTY = "ApplicationName"
    BACKENDS = codedeploy_backends
    KEEP_ON_UPDATE = True

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        backend.create_application(name, p.get("ComputePlatform", "Server"), p.get("Tags") or [])
        return cls(name)


class CodeDeployDeploymentGroup(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::CodeDeploy::DeploymentGroup"
    NAME_PROPERTY = "DeploymentGroupName"
    BACKENDS = codedeploy_backends

    def __init__(self, application: str, name: str) -> None:
        self.application, self.name = application, name

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        application = str(p["ApplicationName"])
        groups = backend.deployment_groups.get(application, {})
        groups.pop(name, None)  # an update replaces the group's settings
        backend.create_deployment_group(
            application_name=application,
            deployment_group_name=name,
            deployment_config_name=p.get("DeploymentConfigName"),
            ec2_tag_filters=None,
            on_premises_instance_tag_filters=None,
            auto_scaling_groups=None,
            service_role_arn=str(p.get("ServiceRoleArn", "")),
            alarm_configuration=_camel(p.get("AlarmConfiguration")),
            auto_rollback_configuration=_camel(p.get("AutoRollbackConfiguration")),
            deployment_style=_camel(p.get("DeploymentStyle")),
            blue_green_deployment_configuration=_camel(p.get("BlueGreenDeploymentConfiguration")),
            load_balancer_info=_camel(p.get("LoadBalancerInfo")),
            # CloudFormation spells it ECSServices; the API ecsServices.
            ecs_services=[
                {"clusterName": str(e["ClusterName"]), "serviceName": str(e["ServiceName"])}
                for e in p.get("ECSServices") or []
            ],
            tags=p.get("Tags") or None,
        )
        return cls(application, name)


class ScalableTarget(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::ApplicationAutoScaling::ScalableTarget"
    REF = ("resource_id", "dimension", "namespace")
    BACKENDS = applicationautoscaling_backends

    def __init__(self, resource_id: str, dimension: str, namespace: str) -> None:
        self.resource_id, self.dimension, self.namespace = resource_id, dimension, namespace

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        # Registering it again changes it in place (an update).
        target = cls(str(p["ResourceId"]), str(p["ScalableDimension"]), str(p["ServiceNamespace"]))
        suspended = p.get("SuspendedState")
        backend.register_scalable_target(
            target.namespace,
            target.resource_id,
            target.dimension,
            int(p["MinCapacity"]) if "MinCapacity" in p else None,
            int(p["MaxCapacity"]) if "MaxCapacity" in p else None,
            str(p.get("RoleARN", "")),
            _camel(suspended) if suspended else None,
        )
        return target


class HttpNamespace(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::ServiceDiscovery::HttpNamespace"
    NAME_PROPERTY = "Name"
    REF = ("id",)
    ATTRIBUTES = ("Arn", "Id")
    BACKENDS = servicediscovery_backends
    KEEP_ON_UPDATE = True  # the sample never renames its namespace

    def __init__(self, namespace_id: str, arn: str) -> None:
        self.id, self.arn = namespace_id, arn

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        backend.create_http_namespace(
            name,
            creator_request_id=name,
            description=p.get("Description") or "",
            tags=p.get("Tags") or [],
        )
        (namespace,) = [n for n in backend.namespaces.values() if n.name == name]
        return cls(namespace.id, namespace.arn)


class SchedulerSchedule(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::Scheduler::Schedule"
    NAME_PROPERTY = "Name"
    ATTRIBUTES = ("Arn",)
    BACKENDS = scheduler_backends

    def __init__(self, name: str, group: str, arn: str) -> None:
        self.name, self.group, self.arn = name, group, arn

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        group = str(p.get("GroupName") or "default")
        backend.schedule_groups[group].schedules.pop(name, None)  # an update replaces it
        schedule = backend.create_schedule(
            description=p.get("Description"),
            end_date=p.get("EndDate"),
            flexible_time_window=p.get("FlexibleTimeWindow") or {"Mode": "OFF"},
            group_name=group,
            kms_key_arn=p.get("KmsKeyArn"),
            name=name,
            schedule_expression=str(p["ScheduleExpression"]),
            schedule_expression_timezone=p.get("ScheduleExpressionTimezone"),
            start_date=p.get("StartDate"),
            state=p.get("State"),
            target=dict(p["Target"]),
            action_after_completion=p.get("ActionAfterCompletion"),
        )
        return cls(name, group, schedule.arn)


def _actions(value: Any) -> list[str]:
    return [str(v) for v in value or []]


def _enabled(value: Any) -> bool:
    """A CloudFormation boolean, given as a JSON boolean or as the string "true"/"false"."""
    return str(value).lower() != "false" if value is not None else True


def _metric_queries(items: Any) -> list[Any]:
    """The ``Metrics`` of an alarm as moto's API builds them from ``PutMetricAlarm``."""
    queries = []
    for item in items or []:
        stat = item.get("MetricStat")
        metric_stat = None
        if stat:
            metric = stat["Metric"]
            metric_stat = MetricStat(
                metric=Metric(
                    metric_name=metric.get("MetricName"),
                    namespace=metric.get("Namespace"),
                    dimensions=[
                        Dimension(name=d.get("Name"), value=d.get("Value"))
                        for d in metric.get("Dimensions") or []
                    ],
                ),
                period=stat.get("Period"),
                stat=stat.get("Stat"),
                unit=stat.get("Unit"),
            )
        queries.append(
            MetricDataQuery(
                query_id=item.get("Id"),
                label=item.get("Label"),
                period=item.get("Period"),
                return_data=item.get("ReturnData"),
                expression=item.get("Expression"),
                metric_stat=metric_stat,
            )
        )
    return queries


class CloudWatchAlarm(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    """A metric alarm; :class:`CompositeAlarm` overrides what differs."""

    CFN_TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES = ("Arn",)
    BACKENDS = cloudwatch_backends

    def __init__(self, name: str, arn: str) -> None:
        self.name, self.arn = name, arn

    @classmethod
    def put(cls, backend: Any, name: str, p: dict[str, Any]) -> Any:
        return backend.put_metric_alarm(
            name=name,
            namespace=p.get("Namespace"),
            metric_name=p.get("MetricName"),
            metric_data_queries=_metric_queries(p.get("Metrics")) or None,
            comparison_operator=p.get("ComparisonOperator"),
            evaluation_periods=p.get("EvaluationPeriods"),
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            period=p.get("Period"),
            threshold=p.get("Threshold"),
            statistic=p.get("Statistic"),
            extended_statistic=p.get("ExtendedStatistic"),
            description=p.get("AlarmDescription"),
            dimensions=[
                {"Name": str(d["Name"]), "Value": str(d["Value"])}
                for d in p.get("Dimensions") or []
            ],
            alarm_actions=_actions(p.get("AlarmActions")),
            ok_actions=_actions(p.get("OKActions")),
            insufficient_data_actions=_actions(p.get("InsufficientDataActions")),
            unit=p.get("Unit"),
            actions_enabled=_enabled(p.get("ActionsEnabled")),
            treat_missing_data=p.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=p.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=p.get("ThresholdMetricId"),
            rule=None,
            tags=p.get("Tags") or None,
        )

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        return cls(name, str(cls.put(backend, name, p).alarm_arn))

    @classmethod
    def update(cls, original: Any, backend: Any, p: dict[str, Any], name: str) -> Any:
        # The name is the alarm's identity: a new one replaces the alarm, otherwise in place
        # (a test's state on the alarm survives).
        if name != original.name:
            original.remove(backend)
        return cls.create(backend, p, name)

    def remove(self, backend: Any) -> None:
        backend.delete_alarms([self.name])


class CompositeAlarm(CloudWatchAlarm, CloudFormationModel):  # type: ignore[misc]
    # CloudFormationModel named again: moto lists its direct subclasses only.
    CFN_TYPE = "AWS::CloudWatch::CompositeAlarm"

    @classmethod
    def put(cls, backend: Any, name: str, p: dict[str, Any]) -> Any:
        # moto's API stores a composite alarm as an alarm with a rule (DescribeAlarms lists
        # it under CompositeAlarms); PutCompositeAlarm itself is not implemented.
        return backend.put_metric_alarm(
            name=name,
            namespace=None,
            metric_name=None,
            comparison_operator=None,
            evaluation_periods=None,
            period=None,
            threshold=None,
            statistic=None,
            description=p.get("AlarmDescription"),
            dimensions=[],
            alarm_actions=_actions(p.get("AlarmActions")),
            ok_actions=_actions(p.get("OKActions")),
            insufficient_data_actions=_actions(p.get("InsufficientDataActions")),
            actions_enabled=_enabled(p.get("ActionsEnabled")),
            rule=str(p["AlarmRule"]),
            tags=p.get("Tags") or None,
        )


class ScalingPolicy(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::ApplicationAutoScaling::ScalingPolicy"
    NAME_PROPERTY = "PolicyName"
    REF = ("arn",)
    ATTRIBUTES = ("Arn",)
    BACKENDS = applicationautoscaling_backends

    def __init__(
        self, arn: str, name: str, namespace: str, resource_id: str, dimension: str
    ) -> None:
        self.arn, self.name = arn, name
        self.namespace, self.resource_id, self.dimension = namespace, resource_id, dimension

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        if p.get("ScalingTargetId"):
            # The scalable target's Ref: RESOURCE_ID|DIMENSION|NAMESPACE (ScalableTarget above).
            resource_id, dimension, namespace = str(p["ScalingTargetId"]).split("|")
        else:
            resource_id = str(p["ResourceId"])
            dimension, namespace = str(p["ScalableDimension"]), str(p["ServiceNamespace"])
        body = p.get("TargetTrackingScalingPolicyConfiguration") or p.get(
            "StepScalingPolicyConfiguration"
        )
        policy = backend.put_scaling_policy(
            name, namespace, resource_id, dimension, dict(body or {}), p.get("PolicyType")
        )
        return cls(str(policy.policy_arn), name, namespace, resource_id, dimension)

    def remove(self, backend: Any) -> None:
        backend.delete_scaling_policy(self.name, self.namespace, self.resource_id, self.dimension)


class WebAcl(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::WAFv2::WebACL"
    NAME_PROPERTY = "Name"
    REF = ("name", "id", "scope")
    ATTRIBUTES = ("Arn", "Id", "LabelNamespace")
    BACKENDS = wafv2_backends

    def __init__(self, acl: Any, scope: str) -> None:
        self.name, self.id, self.arn, self.scope = acl.name, acl.id, acl.arn, scope
        self.label_namespace = acl.label_namespace

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        scope = str(p.get("Scope", "REGIONAL"))
        acl = backend.create_web_acl(
            name=name,
            visibility_config=p["VisibilityConfig"],
            default_action=p["DefaultAction"],
            scope=scope,
            description=p.get("Description") or "",
            tags=p.get("Tags") or [],
            rules=p.get("Rules") or [],
            association_config=p.get("AssociationConfig"),
            captcha_config=p.get("CaptchaConfig"),
            challenge_config=p.get("ChallengeConfig"),
            custom_response_bodies=p.get("CustomResponseBodies"),
            token_domains=p.get("TokenDomains"),
        )
        return cls(acl, scope)

    @classmethod
    def update(cls, original: Any, backend: Any, p: dict[str, Any], name: str) -> Any:
        if name != original.name:
            raise NotImplementedError("emulator: renaming a web ACL (a replacement)")
        acl = backend.get_web_acl(original.arn, None, None)
        backend.update_web_acl(
            name=acl.name,
            _id=acl.id,
            default_action=p["DefaultAction"],
            rules=p.get("Rules") or [],
            description=p.get("Description"),
            visibility_config=p["VisibilityConfig"],
            lock_token=acl.lock_token,
            custom_response_bodies=p.get("CustomResponseBodies"),
            captcha_config=p.get("CaptchaConfig"),
            challenge_config=p.get("ChallengeConfig"),
            token_domains=p.get("TokenDomains"),
            association_config=p.get("AssociationConfig"),
        )
        return original

    def remove(self, backend: Any) -> None:
        acl = backend.get_web_acl(self.arn, None, None)
        backend.delete_web_acl(acl.name, self.scope, acl.id, acl.lock_token)


class WebAclAssociation(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::WAFv2::WebACLAssociation"
    REF = ("resource_arn", "web_acl_arn")
    BACKENDS = wafv2_backends

    def __init__(self, resource_arn: str, web_acl_arn: str) -> None:
        self.resource_arn, self.web_acl_arn = resource_arn, web_acl_arn

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        association = cls(str(p["ResourceArn"]), str(p["WebACLArn"]))
        backend.associate_web_acl(association.web_acl_arn, association.resource_arn)
        return association

    def remove(self, backend: Any) -> None:
        backend.disassociate_web_acl(self.resource_arn)


class WafLogging(_ThinModel, CloudFormationModel, BaseModel):  # type: ignore[misc]
    CFN_TYPE = "AWS::WAFv2::LoggingConfiguration"
    REF = ("resource_arn",)
    BACKENDS = wafv2_backends

    def __init__(self, resource_arn: str) -> None:
        self.resource_arn = resource_arn

    @classmethod
    def create(cls, backend: Any, p: dict[str, Any], name: str) -> Self:
        backend.put_logging_configuration(
            str(p["ResourceArn"]),
            [str(d) for d in p["LogDestinationConfigs"]],
            p.get("RedactedFields"),
            False,
            p.get("LoggingFilter"),
        )
        return cls(str(p["ResourceArn"]))

    def remove(self, backend: Any) -> None:
        backend.delete_logging_configuration(self.resource_arn)


MODELLED = (
    CodeDeployApplication,
    CodeDeployDeploymentGroup,
    ScalableTarget,
    HttpNamespace,
    SchedulerSchedule,
    CloudWatchAlarm,
    CompositeAlarm,
    ScalingPolicy,
    WebAcl,
    WebAclAssociation,
    WafLogging,
)
"""Types these models take off the deploy test's skipped list."""

# moto lists its models once (cached) from CloudFormationModel's subclasses: list them again.
for _cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
    _cached.cache_clear()

_service_create = ecs_models.Service.create_from_cloudformation_json.__func__


def _service_create_with_fields(
    cls: Any,
    /,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    service = _service_create(
        cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
    )
    p = cloudformation_json["Properties"]
    if "DeploymentController" in p:
        service.deployment_controller = _camel(p["DeploymentController"])
        if service.deployment_controller.get("type") != "ECS":
            service.deployments = []  # CODE_DEPLOY and EXTERNAL services report task sets
    if "LoadBalancers" in p:
        service.load_balancers = _camel(p["LoadBalancers"])
    if "NetworkConfiguration" in p:
        service.network_configuration = _camel(p["NetworkConfiguration"])
    if "CapacityProviderStrategy" in p:
        service.capacity_provider_strategy = [
            {
                "capacityProvider": i["CapacityProvider"],
                "base": int(i.get("Base", 0)),
                "weight": int(i.get("Weight", 0)),
            }
            for i in p["CapacityProviderStrategy"]
        ]
        service.launch_type = None
    elif "LaunchType" in p:
        service.launch_type = p["LaunchType"]
    if "PlatformVersion" in p:
        service.platform_version = p["PlatformVersion"]
    if "DeploymentConfiguration" in p:
        service.deployment_configuration = _camel(p["DeploymentConfiguration"])
    if "ServiceConnectConfiguration" in p:
        for deployment in service.deployments:
            if deployment.get("status") == "PRIMARY":
                deployment["serviceConnectConfiguration"] = _camel(p["ServiceConnectConfiguration"])
    return service


ecs_models.Service.create_from_cloudformation_json = classmethod(_service_create_with_fields)


_group_info = codedeploy_responses._deployment_group_info


def _group_info_with_alarms(group: Any) -> dict[str, Any]:
    info: dict[str, Any] = _group_info(group)
    held = group.alarm_configuration
    if isinstance(held, dict):
        info["alarmConfiguration"] = held
    elif held is not None:
        info["alarmConfiguration"] = {
            "alarms": held.alarms,
            "enabled": bool(held.enabled),
            "ignorePollAlarmFailure": bool(held.ignore_poll_alarm_failure),
        }
    return info


codedeploy_responses._deployment_group_info = _group_info_with_alarms
