"""Hypothesis settings shared by the fuzz tests.

Hypothesis (https://hypothesis.readthedocs.io) was chosen because it is
already the suite's property-testing library (tests/news/test_sanitize.py),
it shrinks a failure to the smallest input that still fails, and its
stateful testing (RuleBasedStateMachine) drives the editorial workflow.

Two profiles, picked with the HYPOTHESIS_PROFILE environment variable:

- ``ci`` (the default): modest example counts and ``derandomize=True``, so
  every run (and CI) tries the same examples and the fuzz files stay fast;
- ``long``: twenty times the examples, random, for a deeper search before a
  release: ``HYPOTHESIS_PROFILE=long pytest tests/public/test_fuzz_params.py``.

The profiles are applied per test (``fuzz_settings``), not loaded globally,
so the suite's other Hypothesis tests keep their own settings.
"""

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
SCALE = {"ci": 1, "long": 20}.get(PROFILE, 1)


def fuzz_settings(max_examples: int, **overrides) -> settings:
    """`max_examples` under the ci profile, SCALE times more under long."""
    options = {
        "max_examples": max_examples * SCALE,
        "derandomize": PROFILE != "long",
        # No example database: a run is reproducible from the code alone.
        "database": None,
        # A hang is caught by the tests' own bounds, not by per-example timing
        # on a shared two-core machine.
        "deadline": None,
        "suppress_health_check": [
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
        "print_blob": True,
    }
    options.update(overrides)
    return settings(**options)
