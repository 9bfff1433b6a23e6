"""The catalogue of document kinds: each is a schema module plus a Word template, found by id."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from marshmallow import fields
from marshmallow.validate import OneOf

import schemas
from schemas.profile import PROFILE
from schemas.validation import validate

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
        """One Chinese line describing the kind; {honours} in it names the first honours of the profile in use."""
        return self.module.SUMMARY.format(honours="、".join(honour.name for honour in PROFILE.honours[:3]))

    @property
    def order(self) -> int:
        """The kind's place in lists: the kinds a secretary uses most come first."""
        return self.module.ORDER

    @property
    def numbering(self) -> Any:
        """How the kind's document number is made, or None."""
        return getattr(self.module, "NUMBERING", None)

    def date(self, data: dict) -> str:
        """The document's date, 2026-03-05: the one its number's year comes from, else its `date`; "" if none."""
        field = self.numbering.date_field if self.numbering else "date"
        return str(data.get(field) or "")[:10]

    @property
    def allows_ole(self) -> bool:
        """Whether an uploaded template may embed OLE objects (ALLOW_OLE = True in the schema module)."""
        return getattr(self.module, "ALLOW_OLE", False)

    def schema(self, **kwargs: Any) -> Any:
        """A fresh instance of the kind's input schema."""
        return self.module.Schema(**kwargs)

    @cached_property
    def template(self) -> engine.Template:
        """The compiled Word template."""
        return engine.load(self.template_path)

    def example(self) -> dict:
        """The kind's example input, suited to the profile in use: organisations and honours it lacks are
        replaced by its own, and a number in another 机关代字's series is left out (the service allocates one)."""
        data = _fit_choices(self._validator, json.loads(self.example_path.read_text(encoding="utf-8")), Counter())
        numbering = self.numbering
        if numbering and data.get(numbering.field):
            series = numbering.parse(data[numbering.field])[0]
            if series != numbering.series(data):
                del data[numbering.field]
        return data

    def example_data(self) -> dict:
        """The example, validated, with the number the service would allocate first (serial 1) when it has none."""
        checked = self.check(self.example())
        if checked.errors:
            raise InvalidExample(f"{self.id} example is invalid: {checked.errors}")
        return self.with_number(checked.data)

    def with_number(self, data: dict) -> dict:
        """Validated data with the number the service would allocate first (serial 1) when it has none."""
        numbering = self.numbering
        if numbering and not data.get(numbering.field):
            data = {**data, numbering.field: numbering.format(numbering.series(data), numbering.year(data), 1)}
        return data

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

    def render(self, data: dict, template: engine.Template | None = None) -> tuple[bytes, str]:
        """Fill the template (the shipped one unless another is given) with validated data; gives the
        .docx and its file name."""
        context = self.context(data)
        return (template or self.template).render(context), self.filename(context)

    def filename(self, context: dict, extension: str = "docx") -> str:
        """A safe Chinese file name from the kind's pattern, filled from the context."""
        stem = file_name(self.module.FILENAME.format(**context)).lstrip(".").strip()
        return f"{stem[:MAX_FILENAME] or self.id}.{extension}"


def _fit_choices(schema: Any, data: Any, replaced: Counter) -> Any:
    """The data with each value a choice no longer offers (a unit or honour the profile in use lacks)
    replaced by the offered choices in turn, so that the shipped examples suit any organisation."""
    if not isinstance(data, dict):
        return data
    fitted = dict(data)
    for name, declared in schema.fields.items():
        key = declared.data_key or name
        if key in fitted:
            fitted[key] = _fit_value(declared, fitted[key], replaced)
    return fitted


def _fit_value(field: Any, value: Any, replaced: Counter) -> Any:
    """One value fitted to its field (lists item by item, nested objects field by field)."""
    if isinstance(field, fields.List) and isinstance(value, list):
        return [_fit_value(field.inner, item, replaced) for item in value]
    if isinstance(field, fields.Nested):
        return _fit_choices(field.schema, value, replaced)
    choices = next((check.choices for check in field.validators if isinstance(check, OneOf)), None)
    if not choices or not isinstance(value, str) or not value or value in choices:
        return value
    replaced[id(field)] += 1
    return choices[(replaced[id(field)] - 1) % len(choices)]


class InvalidExample(ValueError):
    """The kind's example does not validate under the profile in use (e.g. it has no 驻外临时党支部)."""

    message = "按当前组织配置，示例数据无效（如没有驻外临时党支部或荣誉称号），无法试生成：请先在组织配置中补全。"


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
        """Kinds in the order a secretary uses them (each module's ORDER), then by id."""
        return iter(sorted(self._kinds.values(), key=lambda kind: (kind.order, kind.id)))

    def __len__(self) -> int:
        """How many kinds there are."""
        return len(self._kinds)

    def get(self, kind_id: str) -> Kind:
        """The kind with this id, or UnknownKind."""
        try:
            return self._kinds[kind_id]
        except KeyError:
            raise UnknownKind(kind_id) from None
