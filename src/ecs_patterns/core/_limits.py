"""Names and limits that the constructs validate against and the rule pack checks."""

from __future__ import annotations

import re

__all__ = ["ECS_NAME_RE", "MAX_DEREGISTRATION_DELAY_S", "MAX_TIME_TO_HEALTHY_S", "looks_secret"]

# ECS cluster and service names: up to 255 letters, digits, hyphens and underscores.
ECS_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")

# Target groups: how long a deregistering target may drain, and how fast a new one must be
# found healthy (interval x healthy threshold), so deployments do not stall on draining.
MAX_DEREGISTRATION_DELAY_S = 60
MAX_TIME_TO_HEALTHY_S = 30

# Environment variable names that look like credentials.
_SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY")
# Names that hold a *reference* to a secret, not the secret itself.
_REFERENCE_SUFFIXES = ("_ARN", "_NAME", "_ID", "_PATH", "_PARAM", "_PARAMETER", "_FILE", "_URL")


def looks_secret(name: str) -> bool:
    """True for an environment variable name that looks like it holds a credential."""
    upper = name.upper().replace("-", "_")
    if upper.endswith(_REFERENCE_SUFFIXES):
        return False
    return any(word in upper for word in _SECRET_WORDS)
