"""The one Jinja environment the engine renders with: sandboxed, autoescaping, explicit filters."""

from __future__ import annotations

from jinja2.sandbox import SandboxedEnvironment

from .filters import FILTERS


def make_environment(autoescape: bool = True) -> SandboxedEnvironment:
    """Build a sandboxed environment with the engine's filters; XML parts autoescape."""
    env = SandboxedEnvironment(autoescape=autoescape, auto_reload=False, cache_size=0)
    env.filters.update(FILTERS)
    return env
