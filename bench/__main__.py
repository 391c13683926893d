"""``python -m bench``: store-scale benchmarks; ``python -m bench generate``: build a dataset only."""

from __future__ import annotations

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
