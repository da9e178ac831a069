"""Test-suite settings shared by every directory.

On CI (the ``CI`` environment variable is set) hypothesis is derandomized: the
property tests and the random-program tiers check the same fixed examples on
every run, so a green main stays green; locally they explore new examples.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
