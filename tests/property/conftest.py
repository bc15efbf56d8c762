"""Hypothesis profiles for the property-based tests, chosen by ECS_PATTERNS_HYPOTHESIS_PROFILE.

* ``small`` (default, run by ``make test``): few examples, derandomized and without an example
  database, so every CI run explores exactly the same inputs.
* ``deep`` (``make test-deep``): many more examples, random, with the default example database
  (``.hypothesis/``) so failures found once are replayed first next time.

The example counts per kind of property live in :mod:`tests.property.profiles`.
"""

from __future__ import annotations

from tests.property.profiles import load_profile

load_profile()
