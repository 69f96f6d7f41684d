"""Hypothesis settings for the whole suite.

A CI run must not fail by chance: when the ``CI`` environment variable is set,
the ``ci`` profile is loaded, which derandomises every property test (the
examples are a fixed function of the test) and keeps no example database, so
two CI runs of the same code draw the same examples. Locally the ``dev``
profile draws fresh examples on each run (``--hypothesis-seed=N`` replays one),
and a failure prints the ``@reproduce_failure`` blob that replays it.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
