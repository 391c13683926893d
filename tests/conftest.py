"""Hypothesis profiles shared by the whole suite.

`make test` (and CI) runs the properties derandomized: the same examples on every machine and every run, so a
landing is never blocked by an example that one run happened to draw. Finding new examples is separate work:
`make explore` runs the same properties with fresh random examples and many more of them; whatever it finds
becomes an explicit example in the test that caught it.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", max_examples=2000, print_blob=True)
settings.load_profile(os.environ.get("LOYALTY_HYPOTHESIS_PROFILE", "ci"))
