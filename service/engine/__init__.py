"""Fills docxtpl-style Word templates: compiled once per file, rendered in a Jinja sandbox."""

from .errors import DataError, EngineError, InvalidTemplate, RenderError, TemplateSyntaxError
from .template import Template, compiled, from_bytes, load

__all__ = [
    "DataError",
    "EngineError",
    "InvalidTemplate",
    "RenderError",
    "Template",
    "TemplateSyntaxError",
    "compiled",
    "from_bytes",
    "load",
]
