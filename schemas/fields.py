"""The fields every kind schema is made of, speaking Chinese, and BaseSchema.

Loaded data is JSON-native: dates load as "2026-03-05" and date-times as "2026-03-05T14:30"
(normalised ISO strings), optional fields load as "", [] or None, so loaded data can be stored
as JSON and validates again to itself. Every field class here carries Chinese error messages;
kind modules use only these classes and validators, never marshmallow's directly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validates_schema

from schemas.checks import (
    BREAKS, FIELD_MESSAGES, ItemCount, LONG_LENGTH, NAME_LENGTH, NUMBER_SHAPE, OneOf, PHONE_SHAPE, SHORT_LENGTH,
    SPACES, TextLength, VISIBLE, doc_number, phone, single_line, xml_chars,
)
from schemas.numbering import Numbering
from schemas.problems import raise_problems
from service.engine.text import UNSAVABLE
from service.jsonschema import json_schema


def takes_default(kwargs: dict) -> bool:
    """Whether a field made with ``kwargs`` is optional with a default, which null and "" load."""
    return not kwargs.get("required") and kwargs.get("load_default", missing) is not missing


class DefaultWhenEmpty:
    """Mixin for optional fields: null or "" loads the field's default, unvalidated.

    The published JSON Schema says so: the type gains "null" and, for fields whose JSON_TYPE is
    not "string", also "string", limited to "" by maxLength 0.
    """

    JSON_TYPE: ClassVar[str] = "string"

    def __init__(self, *args, **kwargs):
        """Allow null (marshmallow's allow_none, which JSON Schema shows) and "" when a default is taken."""
        if takes_default(kwargs):
            kwargs.setdefault("allow_none", True)
            if self.JSON_TYPE != "string":
                kwargs["metadata"] = {"type": [self.JSON_TYPE, "string"], "maxLength": 0, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)

    def deserialize(self, value, *args, **kwargs):
        """Treat an empty form input or a JSON null as 'not given'."""
        if not self.required and self.load_default is not missing and (value is None or value == ""):
            value = missing
        return super().deserialize(value, *args, **kwargs)


def _validators(extra, *first) -> list:
    """Put a field's own checks before those the caller passed in ``validate``."""
    if extra is None:
        return list(first)
    return [*first, *(extra if isinstance(extra, (list, tuple)) else [extra])]


def text_pattern(*, multiline: bool, required: bool) -> str:
    """The JSON Schema pattern of a text: savable, one line unless ``multiline``, not blank if ``required``."""
    allowed = f"[^{UNSAVABLE}]" if multiline else f"[^{UNSAVABLE}{BREAKS}]"
    if not required:
        return f"^{allowed}*$"
    leading = f"[{SPACES}{BREAKS}]" if multiline else f"[{SPACES}]"
    return f"^{leading}*{VISIBLE}{allowed}*$"


def anchored(shape: str, required: bool) -> str:
    """A pattern matching exactly ``shape``, or "" too when the field is optional ("" means not given)."""
    return f"^(?:{shape})$" if required else f"^(?:{shape})?$"


class Text(DefaultWhenEmpty, fields.String):
    """Text typed by a person: length-limited, XML-safe, one line unless ``multiline``."""

    default_error_messages = {
        **FIELD_MESSAGES,
        "invalid": "应为文字（字符串）",
        "invalid_utf8": "不是有效的UTF-8文字",
        "blank": "不能为空白",
    }

    def __init__(self, *, max_length: int = SHORT_LENGTH, multiline: bool = False, shape: str | None = None,
                 **kwargs):
        """Add the length, XML and line checks and publish them; ``shape``: a stricter validator's regex."""
        required = bool(kwargs.get("required"))
        checks = [TextLength(min=1 if required else None, max=max_length), xml_chars]
        kwargs["validate"] = _validators(kwargs.get("validate"), *checks, *([] if multiline else [single_line]))
        pattern = text_pattern(multiline=multiline, required=required) if shape is None else anchored(shape, required)
        kwargs["metadata"] = {"pattern": pattern, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        """Load the text as typed; a required text must hold more than white space."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.required and not text.strip():
            raise self.make_error("blank")
        return text


def Name(**kwargs) -> Text:
    """A person's or team's name (one line, 30 characters)."""
    return Text(max_length=kwargs.pop("max_length", NAME_LENGTH), **kwargs)


def LongText(**kwargs) -> Text:
    """A paragraph or several: newlines allowed, 5000 characters."""
    return Text(max_length=kwargs.pop("max_length", LONG_LENGTH), multiline=True, **kwargs)


def Phone(**kwargs) -> Text:
    """A telephone number: mobile, landline with area code or international."""
    return Text(max_length=NAME_LENGTH, validate=phone, shape=PHONE_SHAPE, **kwargs)


def Choice(choices: Iterable[str] | Callable[[], Iterable[str]], **kwargs) -> Text:
    """One of a list of texts (fixed, or a function of the profile): an enum in JSON Schema, with "" and
    null when they load the default (service/jsonschema.py publishes the list as it is at that moment)."""
    return Text(validate=OneOf(choices), **kwargs)


class DocNumber(Text):
    """A 发文字号-style number; when optional, omitted, null and "" load as None."""

    def __init__(self, **kwargs):
        """A one-line text checked by doc_number(), None by default unless required."""
        if not kwargs.get("required"):
            kwargs.setdefault("load_default", None)
        super().__init__(max_length=NAME_LENGTH, validate=doc_number, shape=NUMBER_SHAPE, **kwargs)


class Integer(DefaultWhenEmpty, fields.Integer):
    """A whole number (JSON number, not a string)."""

    JSON_TYPE = "integer"

    default_error_messages = {**FIELD_MESSAGES, "invalid": "应为整数", "too_large": "数值过大"}

    def __init__(self, **kwargs):
        """Accept integers only: no strings, no fractions."""
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        """Load a JSON number without a fraction; 3.0 is 3, as JSON Schema's "integer" has it."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


FIRST_YEAR, LAST_YEAR = 2000, 2099
# Every real day from 2000-01-01 to 2099-12-31 (each year divisible by 4 is a leap year), and a
# time of day with optional seconds: published exactly, as validators need not check "format".
DAY_SHAPE = (
    "20[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))|20(?:[02468][048]|[13579][26])-02-29"
)
TIME_SHAPE = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"


class _Moment(DefaultWhenEmpty):
    """Loading shared by Date and DateTime: a strict shape, a real calendar value, years 2000–2099.

    Subclasses set SHAPE (a regex for the text), TYPE (date or datetime), FORMAT (how the loaded
    value is written: the normalised ISO string the loaded data holds), and CALENDAR and EXAMPLE
    (what JSON Schema publishes: a regex of exactly the values that load, and an example).
    """

    SHAPE: str
    TYPE: type
    FORMAT: str
    CALENDAR: str
    EXAMPLE: str
    moment_messages = {
        "nonexistent": "没有这个日期或时间：{input}",
        "range": f"日期应在{FIRST_YEAR}年至{LAST_YEAR}年之间",
    }

    def __init__(self, **kwargs):
        """Publish the pattern and the example in the JSON Schema metadata."""
        published = {"pattern": anchored(self.CALENDAR, bool(kwargs.get("required"))), "example": self.EXAMPLE}
        super().__init__(metadata={**published, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        """Load the text (or a date/datetime object, e.g. from Excel) into the ISO string; an empty
        required one (a form's input left blank) is reported as missing, not as misshapen."""
        if isinstance(value, str) and not value.strip() and self.required:
            raise self.make_error("required")
        if isinstance(value, self.TYPE):
            moment = value
        elif isinstance(value, str) and re.fullmatch(self.SHAPE, value):
            try:
                moment = self.TYPE.fromisoformat(value)
            except ValueError:
                raise self.make_error("nonexistent", input=value) from None
        else:
            raise self.make_error("invalid")
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise self.make_error("range")
        return moment.strftime(self.FORMAT)

    def _serialize(self, value, attr, obj, **kwargs):
        """Write the stored ISO string (or a date/datetime) back out."""
        return value if value is None or isinstance(value, str) else value.strftime(self.FORMAT)


class Date(_Moment, fields.Date):
    """A date written 2026-03-05; loads as that ISO string."""

    default_error_messages = {**FIELD_MESSAGES, **_Moment.moment_messages, "invalid": "日期格式应为“2026-03-05”"}
    SHAPE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    TYPE = dt.date
    FORMAT = "%Y-%m-%d"
    CALENDAR = DAY_SHAPE
    EXAMPLE = "2026-03-05"


class DateTime(_Moment, fields.String):
    """A local date and time written 2026-03-05T14:30 (as an HTML datetime-local input sends it).

    Loads as that ISO string, to the minute. A string field with a pattern rather than
    fields.DateTime, because JSON Schema's "date-time" format demands seconds and a time zone.
    """

    default_error_messages = {
        **FIELD_MESSAGES,
        **_Moment.moment_messages,
        "invalid": "日期时间格式应为“2026-03-05T14:30”",
    }
    SHAPE = "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?"
    TYPE = dt.datetime
    FORMAT = "%Y-%m-%dT%H:%M"
    CALENDAR = f"(?:{DAY_SHAPE})[T ]{TIME_SHAPE}"
    EXAMPLE = "2026-03-05T14:30"


class WholeOrNothing:
    """Mixin for fields holding other fields: when any part fails, the field loads nothing.

    marshmallow hands schema validators the parts of a failed list or object that did load
    (entries missing, later indexes shifted); cross-field checks must see only complete values.
    """

    def deserialize(self, *args, **kwargs):
        """Load the value, or raise its errors without the partly loaded result."""
        try:
            return super().deserialize(*args, **kwargs)
        except ValidationError as error:
            error.valid_data = None
            raise


class List(DefaultWhenEmpty, WholeOrNothing, fields.List):
    """A list with a size limit; ``min_items=1`` makes an empty list an error."""

    JSON_TYPE = "array"

    default_error_messages = {**FIELD_MESSAGES, "invalid": "应为列表（[…]）"}

    def __init__(self, inner, *, min_items: int = 0, max_items: int = 100, **kwargs):
        """Add the item-count check; optional lists default to []."""
        kwargs["validate"] = _validators(kwargs.get("validate"), ItemCount(min=min_items, max=max_items))
        if not kwargs.get("required") and "load_default" not in kwargs:
            kwargs["load_default"] = list
        super().__init__(inner, **kwargs)


class Nested(WholeOrNothing, fields.Nested):
    """An object inside the document data."""

    default_error_messages = {**FIELD_MESSAGES, "type": "应为对象（{…}）"}


class TextOrNested(WholeOrNothing, fields.Field):
    """Text, or an object loaded by ``nested``; text loads as {"text": …, "items": []}.

    Used for 款 and 项 of a policy: plain paragraphs, or paragraphs with numbered sub-items.
    Plain text is checked by the nested schema's own ``text`` field.
    """

    default_error_messages = {**FIELD_MESSAGES, "invalid": "应为文字，或带text的对象"}

    def __init__(self, nested: type[Schema], **kwargs):
        """Keep the object schema; publish both forms (the text as the object's text) as oneOf."""
        self.schema = nested()
        self.text = self.schema.fields["text"]
        items = self.schema.fields["items"]
        document = json_schema(nested, f"{self.text.metadata['title']}（带{items.metadata['title']}）")
        form = {key: value for key, value in document.items() if key not in ("$schema", "description")}
        metadata = {"oneOf": [form["properties"]["text"], form]}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        """Load either form into the object form."""
        if isinstance(value, str):
            return {"text": self.text.deserialize(value), "items": []}
        if isinstance(value, dict):
            return self.schema.load(value)
        raise self.make_error("invalid")

    def _serialize(self, value, attr, obj, **kwargs):
        """Write the object form."""
        return value


def meta(title: str, description: str) -> dict:
    """The metadata every field carries: the Chinese label and help text for forms and sheets."""
    return {"title": title, "description": description}


# ---------------------------------------------------------------- schemas


class BaseSchema(Schema):
    """Every input schema: unknown fields rejected, Chinese messages, optional number check."""

    numbering: ClassVar[Numbering | None] = None
    error_messages = {"unknown": "本文书没有这一项（未知字段）", "type": "应为对象（{…}）"}

    class Meta:
        """Reject fields the schema does not declare."""

        unknown = RAISE

    @validates_schema(skip_on_field_errors=False)
    def _check_number(self, data: dict, **kwargs) -> None:
        """A number the caller supplies must carry this document's series and year."""
        if self.numbering:
            raise_problems(self.numbering.problems(data))


class Person(BaseSchema):
    """A person in a list, with an optional post (职务)."""

    name = Name(required=True, metadata=meta("姓名", "如：王喆"))
    post = Text(max_length=50, load_default="", metadata=meta("职务", "可选，如：总支书记、仿真评估处处长"))


def People(schema: type[Schema] | None = None, **kwargs) -> List:
    """A list of people (``Person`` objects unless another schema is given)."""
    return List(Nested(schema or Person), **kwargs)
