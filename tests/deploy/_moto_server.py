"""``moto_server`` with two GetAtt gaps of moto 5.2.5's elbv2 CloudFormation models filled.

moto raises on ``Fn::GetAtt [TargetGroup, TargetGroupFullName]`` (FakeTargetGroup has no
``get_cfn_attribute``) and on ``[LoadBalancer, LoadBalancerFullName]``; CloudWatch alarm
dimensions use both, so CreateStack answers HTTP 500. Values follow the AWS formats
(``targetgroup/NAME/ID``, ``app/NAME/ID``: the ARN's resource part). Test-tree only.
"""

from __future__ import annotations

import sys
from typing import Any

from moto.elbv2 import models
from moto.server import main


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

if __name__ == "__main__":
    sys.exit(main())
