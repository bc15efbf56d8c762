"""``moto_server`` with the gaps of moto 5.2.5's CloudFormation that the sample app hits filled.

Runs in the emulator process the deploy test starts (``.venv/moto``); nothing here touches the
library. The gap:

1. elbv2 attributes: moto raises on ``Fn::GetAtt [TargetGroup, TargetGroupFullName]``
   (``FakeTargetGroup`` has no ``get_cfn_attribute``) and on
   ``[LoadBalancer, LoadBalancerFullName]``; the CloudWatch alarm dimensions use both, so
   CreateStack answered HTTP 500. Values follow the AWS formats (``targetgroup/NAME/ID``,
   ``app/NAME/ID``: the ARN's resource part).
2. References to resource types moto does not model (it logs "No Moto CloudFormation support
   for X" and creates nothing): a ``Fn::GetAtt`` on one fails the whole stack with "references
   undefined resource", and a ``Ref`` silently drops the property that holds it (the deploy
   role's trust policy would lose its ``Federated`` principal). For the types in
   ``PLACEHOLDERS`` both resolve to the value real CloudFormation returns, in its documented
   format, with deterministic names (``STACK-LOGICALID`` when the template names none), so an
   update resolves to the same values. Nothing is created: the test's allow-list of skipped
   types (``SKIPPED_BY_MOTO`` in test_deploy_emulator.py) still says so, and a type moto
   starts modelling is used as moto models it (the placeholder only applies while moto has
   no model for the type).
3. Updates: the CDK CLI passes ``BootstrapVersion`` (a parameter with a default that the first
   deploy did not pass) as ``UsePreviousValue``; moto keeps only the parameters a request
   passed, so UpdateStack failed with ``KeyError: 'BootstrapVersion'`` (HTTP 500). A previous
   value moto never stored is dropped from the request, so the template's default applies, as
   it did on create, which is what CloudFormation's stored previous value is.
4. Task definition updates: moto registers the new revision from the template's PascalCase
   ``ContainerDefinitions`` as is (its create converts them to the API's camelCase), so the new
   revision reads back without image, ports or logging. The update gets the same conversion.
5. ``AWS::CloudFormation::CustomResource`` (what CDK's ``CustomResource`` declares when given no
   ``resource_type``) is the same thing as ``Custom::*`` in CloudFormation; moto handles only
   the ``Custom::`` spelling and skips the other. Both go to moto's custom-resource model.
6. ``Fn::GetAtt [StateMachine, Arn]`` (the CDK provider framework's waiter state machine, in
   its policies): moto's state machine answers ``Name`` and a few others but not ``Arn``.
7. A custom resource answered while moto is still creating the stack: the server is threaded
   and the stack's resource map builds resources lazily, unlocked. The cfn-response handler's
   readiness check then builds the rest of the stack concurrently with CreateStack, a custom
   resource can be built twice, the answer lands on the copy the map does not hold, and the
   stack stays CREATE_IN_PROGRESS for ever (seen in the first run on the two-stack sample:
   both answers were logged between CreateStack's "No Moto CloudFormation support" lines, and
   the CLI waited out its 300 s timeout; an in-process replay with the answers after
   CreateStack completed). Stack creation and the cfn-response handler are serialized with
   one lock, so an answer waits for CreateStack to finish building, then completes the stack.
   The same lock covers all of CreateStack and UpdateStack and a read of a stack's outputs or
   resources (which also build resources lazily): a DescribeStacks of the responder during
   CreateStack once created the repository stack's repository twice
   (``RepositoryAlreadyExistsException``, under load).
8. CodeDeploy deployments: moto's have UUID ids and no lifecycle; ``_codedeploy_moto`` routes
   them to the simulator of ``codedeploy_sim.py`` (and keeps an ECS service's capacity
   provider strategy, which moto drops), and runs the release custom resource's Update
   through the library's handler after moto's stack update (moto sends custom resources
   only Create). moto's UpdateStack had no failure path (an exception answered HTTP 500 and
   left the new template in place); a failed release now rolls the stack back as
   CloudFormation does, ending ``UPDATE_ROLLBACK_COMPLETE`` (see ``_update_or_roll_back``).
9. Types moto skips that the release or the sample's other workloads need, modelled thinly in
   ``_moto_models``: CodeDeploy application and deployment group, the scalable target and
   its scaling policies, metric and composite alarms, the web ACL, its association and its
   logging configuration, the Cloud Map HTTP namespace (Service Connect), the Scheduler
   schedule, and the ECS service fields moto's CloudFormation drops.
10. ``DescribeStackResources`` with a ``LogicalResourceId`` (the CLI asks it about a resource
    that failed) answered HTTP 500 on any stack with a skipped type (moto's lookup reads the
    logical id of the skipped types' empty entries); the CLI retried it for about a minute
    before reporting the failure. The lookup now passes over those entries.
11. CloudTrail ``LookupEvents``: after a failed deploy the CLI looks for control-plane errors
    of the stack's principals in CloudTrail; moto does not implement it (HTTP 500), and the
    CLI retried for about half a minute. It answers with no events (nothing is recorded).
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudtrail.responses import CloudTrailResponse
from moto.core.utils import pascal_to_camelcase, remap_nested_keys
from moto.ecs.models import TaskDefinition
from moto.elbv2 import models
from moto.server import main
from moto.stepfunctions.models import StateMachine

# The repository root, so that the simulator imports as tests.deploy.* as it does in pytest.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.deploy import _codedeploy_moto, _moto_models  # noqa: F401 (patch on import)


def _arn_tail(arn: str, prefix: str) -> str:
    return arn.split(f":{prefix}", 1)[1].lstrip("/") if f":{prefix}" in arn else arn


def _target_group_attr(self: Any, name: str) -> Any:
    if name == "TargetGroupFullName":
        return _arn_tail(self.arn, "targetgroup/").join(("targetgroup/", ""))
    if name == "TargetGroupName":
        return self.name
    if name == "TargetGroupArn":
        return self.arn
    if name == "LoadBalancerArns":
        return list(getattr(self, "load_balancer_arns", []))
    raise AttributeError(name)


_lb_get = models.FakeLoadBalancer.get_cfn_attribute


def _load_balancer_attr(self: Any, name: str) -> Any:
    if name == "LoadBalancerFullName":
        return "app/" + _arn_tail(self.arn, "loadbalancer/app/")
    return _lb_get(self, name)


models.FakeTargetGroup.get_cfn_attribute = _target_group_attr
models.FakeLoadBalancer.get_cfn_attribute = _load_balancer_attr

_state_machine_get = StateMachine.get_cfn_attribute
_state_machine_has = StateMachine.has_cfn_attr.__func__


def _state_machine_attr(self: Any, name: str) -> Any:
    return self.arn if name == "Arn" else _state_machine_get(self, name)


def _state_machine_has_attr(cls: Any, name: str) -> bool:
    return name == "Arn" or bool(_state_machine_has(cls, name))


StateMachine.get_cfn_attribute = _state_machine_attr
StateMachine.has_cfn_attr = classmethod(_state_machine_has_attr)


@dataclass(frozen=True)
class Skipped:
    """A resource moto skipped, as its template declares it."""

    account: str
    region: str
    stack: str
    logical_id: str
    properties: dict[str, Any]

    def name(self, prop: str) -> str:
        """The explicit name when the template gives a literal one, else ``STACK-LOGICALID``."""
        value = self.properties.get(prop)
        return value if isinstance(value, str) else f"{self.stack}-{self.logical_id}"

    def id(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.stack}/{self.logical_id}"))


def _oidc_provider(r: Skipped) -> dict[str, str]:
    url = r.properties.get("Url")
    host = url.removeprefix("https://") if isinstance(url, str) else r.logical_id
    arn = f"arn:aws:iam::{r.account}:oidc-provider/{host}"
    return {"Ref": arn, "Arn": arn}


def _id_only(r: Skipped) -> dict[str, str]:
    return {"Ref": r.id(), "Id": r.id()}


# Type -> the Ref value and the Fn::GetAtt attributes real CloudFormation returns for it.
PLACEHOLDERS: dict[str, Callable[[Skipped], dict[str, str]]] = {
    "AWS::IAM::OIDCProvider": _oidc_provider,
    "AWS::EC2::SecurityGroupEgress": _id_only,
    "AWS::S3::BucketPolicy": _id_only,
    "AWS::SNS::TopicPolicy": _id_only,
    "AWS::SQS::QueuePolicy": _id_only,
    "AWS::ECS::ClusterCapacityProviderAssociations": _id_only,
}

_clean_json = parsing.clean_json


def _placeholder(logical_id: Any, resources_map: Any) -> dict[str, str] | None:
    """The placeholder values of ``logical_id`` when it is a skipped type in PLACEHOLDERS."""
    if not isinstance(logical_id, str):
        return None
    # moto also calls clean_json with a plain dict (parameters, conditions): no resources there.
    declared = getattr(resources_map, "_resource_json_map", {}).get(logical_id)
    if not isinstance(declared, dict):
        return None
    type_ = declared.get("Type")
    if type_ not in PLACEHOLDERS or type_ in parsing.get_model_map():
        return None
    if resources_map.get(logical_id) is not None:  # moto's own lookup logs the skip
        return None
    properties = declared.get("Properties", {})
    return PLACEHOLDERS[type_](
        Skipped(
            account=resources_map._account_id,
            region=resources_map._region_name,
            stack=str(resources_map["AWS::StackName"]),
            logical_id=logical_id,
            properties=properties if isinstance(properties, dict) else {},
        )
    )


def clean_json(resource_json: Any, resources_map: Any) -> Any:
    """moto's ``clean_json`` (intrinsic functions), with Ref/GetAtt of PLACEHOLDERS types."""
    if isinstance(resource_json, dict):
        if "Ref" in resource_json:
            values = _placeholder(resource_json["Ref"], resources_map)
            if values is not None:
                return values["Ref"]
        if "Fn::GetAtt" in resource_json:
            target, attribute = resource_json["Fn::GetAtt"][:2]
            values = _placeholder(target, resources_map)
            if values is not None:
                if attribute not in values:
                    raise parsing.ValidationError(
                        message=f"emulator placeholder of {target} has no attribute {attribute}"
                    )
                return values[attribute]
    return _clean_json(resource_json, resources_map)


# moto's clean_json recurses through the module global, so nested intrinsics use this one too.
parsing.clean_json = clean_json

_validate_outputs = parsing.ResourceMap.validate_outputs


def _validate_outputs_but_placeholders(self: Any) -> None:
    """moto's check of output GetAtts, minus those on PLACEHOLDERS types (it has no class)."""
    template = self._template
    outputs = template.get("Outputs") or {}

    def on_placeholder(output: Any) -> bool:
        value = output.get("Value") if isinstance(output, dict) else None
        if not isinstance(value, dict) or "Fn::GetAtt" not in value:
            return False
        declared = self._resource_json_map.get(value["Fn::GetAtt"][0]) or {}
        type_ = declared.get("Type")
        return type_ in PLACEHOLDERS and type_ not in parsing.get_model_map()

    self._template = {
        **template,
        "Outputs": {k: v for k, v in outputs.items() if not on_placeholder(v)},
    }
    try:
        _validate_outputs(self)
    finally:
        self._template = template


parsing.ResourceMap.validate_outputs = _validate_outputs_but_placeholders

CUSTOM_RESOURCE = "AWS::CloudFormation::CustomResource"
_moto_resource_class_from_type = parsing.resource_class_from_type


def _resource_class_from_type(resource_type: str) -> Any:
    if resource_type == CUSTOM_RESOURCE:
        return parsing.CustomModel
    return _moto_resource_class_from_type(resource_type)


parsing.resource_class_from_type = _resource_class_from_type

_resolve_update_parameters = CloudFormationBackend._resolve_update_parameters


def _resolve_known_previous_values(
    self: Any, instance: Any, incoming_params: list[dict[str, Any]]
) -> Any:
    known = [
        p
        for p in incoming_params
        if not p.get("UsePreviousValue") or p.get("ParameterKey") in instance.parameters
    ]
    return _resolve_update_parameters(self, instance, known)


CloudFormationBackend._resolve_update_parameters = _resolve_known_previous_values

_describe_stack_resources = CloudFormationBackend.describe_stack_resources


def _describe_stack_resource_past_skipped(
    self: Any, stack_name: str, logical_resource_id: str | None
) -> Any:
    """moto's DescribeStackResources; by logical id, past the skipped types' empty entries."""
    if logical_resource_id is None:
        return _describe_stack_resources(self, stack_name, None)
    stack, resources = _describe_stack_resources(self, stack_name, None)
    found = [
        r
        for r in resources
        if r is not None and getattr(r, "logical_resource_id", None) == logical_resource_id
    ]
    return stack, found


CloudFormationBackend.describe_stack_resources = _describe_stack_resource_past_skipped


def _lookup_no_events(self: Any) -> str:
    return json.dumps({"Events": []})


CloudTrailResponse.lookup_events = _lookup_no_events

_task_definition_update = TaskDefinition.update_from_cloudformation_json.__func__


def _task_definition_update_camel_case(cls: Any, *args: Any, **kwargs: Any) -> Any:
    cloudformation_json = copy.deepcopy(kwargs.pop("cloudformation_json"))
    properties = cloudformation_json["Properties"]
    for key in ("ContainerDefinitions", "Volumes"):
        if key in properties:
            properties[key] = remap_nested_keys(properties[key], pascal_to_camelcase)
    return _task_definition_update(cls, *args, cloudformation_json=cloudformation_json, **kwargs)


TaskDefinition.update_from_cloudformation_json = classmethod(_task_definition_update_camel_case)

STACK_LOCK = threading.RLock()
"""Held while a stack's resources are built and while a cfn-response is processed (gap 7)."""


def _serialized(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with STACK_LOCK:
            return method(*args, **kwargs)

    return locked


Stack.create_resources = _serialized(Stack.create_resources)
# Also the whole of CreateStack (moto registers the stack, then evaluates its exports, which
# builds resources lazily, before create_resources) and UpdateStack, and the stack's outputs
# and resources as a read serializes them (a DescribeStacks during CreateStack builds what its
# outputs reference: the repository was created twice once, RepositoryAlreadyExistsException).
CloudFormationBackend.create_stack = _serialized(CloudFormationBackend.create_stack)
Stack.update = _serialized(Stack.update)
Stack.outputs = property(_serialized(Stack.outputs.fget))
Stack.stack_resources = property(_serialized(Stack.stack_resources.fget))
CloudFormationResponse.process_cfn_response = _serialized(
    CloudFormationResponse.process_cfn_response
)

if __name__ == "__main__":
    sys.exit(main())
