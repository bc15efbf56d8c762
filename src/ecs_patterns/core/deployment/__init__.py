"""Deployment strategies: how a service rolls out a new task definition revision.

Each strategy is one module and answers every question a workload asks about it (the
:class:`DeploymentStrategy` base, ``_base.py``): its deployment controller and circuit breaker,
whether the load balancer needs a green target group, a test listener (and on which port) and
weighted listener rules, the ``ecs.FargateService`` arguments it owns, its conflicts with the
other props, its deployment-time estimate, what it wires once the service exists, and what
monitoring reads. Workloads call these methods and never test which strategy they have, so
adding a strategy is adding one module here (and its public name below).

* ``_rolling.py``: :class:`Rolling`, the default.
* ``_codedeploy.py``: :class:`CodeDeployBlueGreen`, its :class:`CodeDeployTrafficShift` and the
  ``cdk deploy`` wait (:func:`release_timeout`).
* ``_ecs_native.py``: :class:`EcsNativeBlueGreen`.

Why the CodeDeploy release construct is handed in: the strategies are shared by every
workload kind, so they live in core, and core imports no construct family. CodeDeploy
blue/green needs one construct from a family, the release custom resource
(``ecs_patterns.CodeDeployRelease``, a public construct of its own that also serves services
built without this library). So :class:`ServiceTargets` carries ``release``, a loader that
returns that construct class (typed by :class:`ReleaseFactory`, which mypy checks against
``CodeDeployRelease``); a workload that can release through CodeDeploy passes one that imports
the release family on first use, so a rolling service never loads CodeDeploy, Lambda or Step
Functions. Rather than that, moving the strategies into a family of their own would have made
core's shared strategy types depend on a family, and a registry filled when the release family
is imported would make the result depend on import order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._base import (
        RELEASE_JOB_SETUP,
        TASK_START_ESTIMATE,
        DeploymentFacts,
        DeploymentPhases,
        DeploymentResources,
        DeploymentStrategy,
        DeploymentTimeEstimate,
        HealthTiming,
        ReleaseFactory,
        ServiceOptions,
        ServiceTargets,
        deployment_controller,
        estimate_deployment_time,
        longest_stack_wait,
        release_job_timeout_minutes,
    )
    from ._codedeploy import (
        CODEDEPLOY_HOOKS,
        RELEASE_TIMEOUT_MAX,
        CodeDeployBlueGreen,
        CodeDeployTrafficShift,
        ShiftKind,
        release_timeout,
    )
    from ._ecs_native import EcsNativeBlueGreen
    from ._rolling import Rolling

__all__ = [
    "CODEDEPLOY_HOOKS",
    "RELEASE_JOB_SETUP",
    "RELEASE_TIMEOUT_MAX",
    "TASK_START_ESTIMATE",
    "CodeDeployBlueGreen",
    "CodeDeployTrafficShift",
    "DeploymentFacts",
    "DeploymentPhases",
    "DeploymentResources",
    "DeploymentStrategy",
    "DeploymentTimeEstimate",
    "EcsNativeBlueGreen",
    "HealthTiming",
    "ReleaseFactory",
    "Rolling",
    "ServiceOptions",
    "ServiceTargets",
    "ShiftKind",
    "deployment_controller",
    "estimate_deployment_time",
    "longest_stack_wait",
    "release_job_timeout_minutes",
    "release_timeout",
]

# Public name -> the module that defines it, imported on first use.
_MODULE_OF: dict[str, str] = {
    "CODEDEPLOY_HOOKS": "._codedeploy",
    "RELEASE_JOB_SETUP": "._base",
    "RELEASE_TIMEOUT_MAX": "._codedeploy",
    "TASK_START_ESTIMATE": "._base",
    "CodeDeployBlueGreen": "._codedeploy",
    "CodeDeployTrafficShift": "._codedeploy",
    "DeploymentFacts": "._base",
    "DeploymentPhases": "._base",
    "DeploymentResources": "._base",
    "DeploymentStrategy": "._base",
    "DeploymentTimeEstimate": "._base",
    "EcsNativeBlueGreen": "._ecs_native",
    "HealthTiming": "._base",
    "ReleaseFactory": "._base",
    "Rolling": "._rolling",
    "ServiceOptions": "._base",
    "ServiceTargets": "._base",
    "ShiftKind": "._codedeploy",
    "deployment_controller": "._base",
    "estimate_deployment_time": "._base",
    "longest_stack_wait": "._base",
    "release_job_timeout_minutes": "._base",
    "release_timeout": "._codedeploy",
}

__getattr__, __dir__ = lazy_exports(globals(), _MODULE_OF)
