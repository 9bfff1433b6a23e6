"""Dependencies: compatible ranges in pyproject.toml, every package pinned in requirements.lock, and every
install (the README's commands, .ci/run, the Dockerfile) constrained by the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def locked() -> dict[str, Version]:
    """requirements.lock as {normalised name: version}; every line a comment or NAME==VERSION."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not a pin: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = Version(version)
    return pins


def test_every_dependency_is_a_range_and_locked_within_it():
    """Runtime and extra dependencies are ranges (not pins); the lock holds a version of each inside its range."""
    pins = locked()
    requirements = [*PROJECT["dependencies"], *(r for extra in PROJECT["optional-dependencies"].values() for r in extra)]
    for text in requirements:
        requirement = Requirement(text)
        if requirement.name == "docgen":  # the test extra pulls in the backends' extras
            continue
        assert not any(spec.operator == "==" for spec in requirement.specifier), text
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} missing from requirements.lock"
        assert pins[name] in requirement.specifier, f"{name} {pins[name]} outside {requirement.specifier}"


def test_the_backends_are_extras_the_test_extra_pulls_in():
    """boto3, psycopg and redis are optional; the tests install them all; wtforms is not pinned by hand."""
    runtime = {Requirement(text).name for text in PROJECT["dependencies"]}
    assert not runtime & {"boto3", "psycopg", "redis", "wtforms"}
    extras = PROJECT["optional-dependencies"]
    assert {"s3", "postgresql", "redis"} <= set(extras)
    assert Requirement(extras["test"][0]).extras == {"s3", "postgresql", "redis"}


def test_every_install_is_constrained_by_the_lock():
    """The README's two commands, .ci/run and the Dockerfile all install with -c requirements.lock."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installs = re.findall(r"pip install[^\n&]*", readme[readme.index("## Run it"):readme.index("## Using it")])
    installs += re.findall(r"pip install[^\n&]*", (ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    installs += re.findall(r"pip install[^\n&]*", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert len(installs) == 4, installs
    assert all("-c " in line and "requirements.lock" in line for line in installs), installs
