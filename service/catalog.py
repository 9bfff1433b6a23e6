"""The catalogue of document kinds: each is a schema module plus a Word template, found by id."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import schemas
from schemas.common import validate

from . import engine
from .jsonschema import json_schema
from .resources import data_dir

# Path separators and the characters Windows refuses in a file name.
UNSAFE_FILENAME = re.compile(r'[/\\:*?"<>|]+')
# Unicode categories no file name may hold: control and format characters (bidi overrides such
# as U+202E, which make 奖状.exe.docx show as 奖状xcod.exe; zero-width characters; the BOM),
# surrogates, and the line and paragraph separators.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
MAX_FILENAME = 120


@dataclass
class Checked:
    """The outcome of validating a payload: data when valid, else errors; warnings either way."""

    data: dict | None
    errors: list[dict]
    warnings: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    """One document kind: schema module, template file and the values derived from them."""

    module: ModuleType
    template_path: Path
    example_path: Path

    @property
    def id(self) -> str:
        """The kind's id, e.g. meeting-minutes."""
        return self.module.ID

    @property
    def title(self) -> str:
        """The kind's Chinese name, e.g. 会议纪要."""
        return self.module.TITLE

    @property
    def summary(self) -> str:
        """One Chinese line describing the kind."""
        return self.module.SUMMARY

    @property
    def numbering(self) -> Any:
        """How the kind's document number is made, or None."""
        return getattr(self.module, "NUMBERING", None)

    def schema(self, **kwargs: Any) -> Any:
        """A fresh instance of the kind's input schema."""
        return self.module.Schema(**kwargs)

    @cached_property
    def template(self) -> engine.Template:
        """The compiled Word template."""
        return engine.load(self.template_path)

    def example(self) -> dict:
        """The kind's example input."""
        return json.loads(self.example_path.read_text(encoding="utf-8"))

    def json_schema(self) -> dict:
        """The input's JSON Schema (draft 2020-12) with the Chinese titles."""
        return json_schema(self.module.Schema, self.title, self.summary)

    @cached_property
    def _validator(self) -> Any:
        """One schema instance for every validation (marshmallow schemas keep no per-load state)."""
        return self.schema()

    def check(self, payload: Any) -> Checked:
        """Validate a payload; every error at once, warnings only for valid data."""
        data, errors = validate(self._validator, payload)
        if errors:
            return Checked(None, errors)
        return Checked(data, [], self.module.warnings(data))

    def context(self, data: dict) -> dict:
        """The values the template prints, derived from validated data."""
        return self.module.context(data)

    def render(self, data: dict) -> tuple[bytes, str]:
        """Fill the template with validated data; gives the .docx and its file name."""
        context = self.context(data)
        return self.template.render(context), self.filename(context)

    def filename(self, context: dict, extension: str = "docx") -> str:
        """A safe Chinese file name from the kind's pattern, filled from the context."""
        stem = file_name(self.module.FILENAME.format(**context)).lstrip(".").strip()
        return f"{stem[:MAX_FILENAME] or self.id}.{extension}"


def file_name(text: str, replacement: str = "") -> str:
    """`text` fit to name a file: invisible characters dropped, separators and reserved ones replaced."""
    visible = "".join(char for char in text if unicodedata.category(char) not in INVISIBLE)
    return UNSAFE_FILENAME.sub(replacement, visible)


class UnknownKind(LookupError):
    """No document kind has this id."""


class Catalog:
    """All kinds found in the schemas package; adding a kind adds files, not code here."""

    def __init__(self, package: ModuleType = schemas):
        templates, examples = data_dir("templates") / "docx", data_dir("examples")
        self._kinds: dict[str, Kind] = {}
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            if hasattr(module, "ID"):
                kind = Kind(module, templates / f"{module.ID}.docx", examples / f"{module.ID}.json")
                self._kinds[kind.id] = kind

    def __iter__(self):
        """Kinds in a stable order."""
        return iter(sorted(self._kinds.values(), key=lambda kind: kind.id))

    def __len__(self) -> int:
        """How many kinds there are."""
        return len(self._kinds)

    def get(self, kind_id: str) -> Kind:
        """The kind with this id, or UnknownKind."""
        try:
            return self._kinds[kind_id]
        except KeyError:
            raise UnknownKind(kind_id) from None
