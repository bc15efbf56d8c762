"""The two hypothesis profiles and their example counts, chosen by ECS_PATTERNS_HYPOTHESIS_PROFILE.

* ``small`` (default, run by ``make test``): few examples, derandomized and without an example
  database, so every CI run explores exactly the same inputs.
* ``deep`` (``make test-deep``): many more examples, random, with the default example database
  (``.hypothesis/``) so failures found once are replayed first next time.

``tests/conftest.py`` loads the chosen one for every hypothesis test of the suite, in
tests/property and beside the unit tests (``make test-deep`` selects them all with
``-m hypothesis``, the marker hypothesis's pytest plugin gives each).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings

__all__ = ["ENV_VAR", "PROFILE", "PROFILES", "Profile", "load_profile"]

ENV_VAR = "ECS_PATTERNS_HYPOTHESIS_PROFILE"


@dataclass(frozen=True)
class Profile:
    """Example counts of one profile.

    Attributes:
        name: the hypothesis profile name.
        props_examples: examples of each props-level property (pure Python, milliseconds each).
        synth_examples: examples of the synthesis property; one example is a batch of stacks
            synthesized in one App and linted with one cfn-lint run (seconds each).
        web_stacks: FargateWebService stacks per synthesis example (besides one repository,
            one cluster and one GitHub deploy-role stack).
        deployment_synth_examples: examples of the deployment-strategy synthesis property per
            kind of strategy (one web service per example, about a second each).
        derandomize: explore the same inputs on every run (CI), without an example database.
    """

    name: str
    props_examples: int
    synth_examples: int
    web_stacks: int
    derandomize: bool
    deployment_synth_examples: int


PROFILES = {
    "small": Profile(
        name="small",
        props_examples=100,
        synth_examples=1,
        web_stacks=3,
        derandomize=True,
        deployment_synth_examples=1,
    ),
    "deep": Profile(
        name="deep",
        props_examples=2000,
        synth_examples=12,
        web_stacks=4,
        derandomize=False,
        deployment_synth_examples=15,
    ),
}
PROFILE = PROFILES[os.environ.get(ENV_VAR, "small")]


def load_profile() -> None:
    """Register both profiles with hypothesis and load the one ``ENV_VAR`` names."""
    for profile in PROFILES.values():
        settings.register_profile(
            profile.name,
            max_examples=profile.props_examples,
            derandomize=profile.derandomize,
            # small: no database, so CI replays nothing from earlier runs; deep: the default
            # .hypothesis/ directory database (git-ignored), so a failure found once is
            # tried first on the next deep run.
            **({"database": None} if profile.derandomize else {}),
            # jsii calls and synthesis times vary with the load of the machine.
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            print_blob=True,
        )
    settings.load_profile(PROFILE.name)
