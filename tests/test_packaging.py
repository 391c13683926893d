"""What a clean clone installs: dev tools pinned to the versions tested, runtime majors bounded, a build
backend that understands the licence field. A new release of a linter must not break `make test`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

# The IANA time-zone data: its newest release is always the right one, so it has no upper bound.
UNBOUNDED_ON_PURPOSE = {"tzdata"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_dev_tools_are_pinned_to_exact_versions() -> None:
    dev = PROJECT["project"]["optional-dependencies"]["dev"]
    assert dev, "the dev extra lists the test and lint tools"
    loose = [r for r in dev if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", r)]
    assert not loose, f"pin these with == to the tested version: {loose}"


def test_runtime_dependencies_have_an_upper_bound_on_their_major() -> None:
    runtime = list(PROJECT["project"]["dependencies"])
    for extra, reqs in PROJECT["project"]["optional-dependencies"].items():
        if extra != "dev":
            runtime += reqs
    unbounded = [r for r in runtime if "<" not in r and _name(r) not in UNBOUNDED_ON_PURPOSE]
    assert not unbounded, f"give these an upper bound below their next major: {unbounded}"


def test_the_build_backend_understands_an_spdx_licence() -> None:
    assert isinstance(PROJECT["project"]["license"], str)
    (setuptools,) = [r for r in PROJECT["build-system"]["requires"] if _name(r) == "setuptools"]
    minimum = re.search(r">=([0-9]+)", setuptools)
    assert minimum is not None and int(minimum.group(1)) >= 77, setuptools
