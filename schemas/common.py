"""Shared pieces of the kind schemas: Chinese-speaking fields, BaseSchema, numbering, validate().

Loaded data is JSON-native: dates load as "2026-03-05" and date-times as "2026-03-05T14:30"
(normalised ISO strings), optional fields load as "", [] or None, so loaded data can be stored
as JSON and validates again to itself. Every field class here carries Chinese error messages;
kind modules use only these classes and validators, never marshmallow's directly.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate, validates_schema
from marshmallow.error_store import merge_errors

from schemas.profile import PROFILE
from service.engine.filters import cn_date, cn_join, cn_numeral
from service.jsonschema import json_schema

NAME_LENGTH = 30
SHORT_LENGTH = 100
LONG_LENGTH = 5000

FIELD_MESSAGES = {
    "required": "此项必填",
    "null": "不能为空值（null）",
    "validator_failed": "取值无效",
}

# ---------------------------------------------------------------- validators


class _Length(validate.Length):
    """Length check with Chinese messages; subclasses say what is counted."""

    too_short = ""
    too_long = ""

    def __call__(self, value):
        """Raise a Chinese error when ``value`` is too short or too long."""
        if self.min is not None and len(value) < self.min:
            raise ValidationError(self.too_short.format(min=self.min, length=len(value)))
        if self.max is not None and len(value) > self.max:
            raise ValidationError(self.too_long.format(max=self.max, length=len(value)))
        return value


class TextLength(_Length):
    """Number of characters in a text."""

    too_short = "至少{min}个字符"
    too_long = "不能超过{max}个字符（现有{length}个）"


class ItemCount(_Length):
    """Number of entries in a list."""

    too_short = "不能为空，至少填写{min}项"
    too_long = "最多填写{max}项（现有{length}项）"


class Range(validate.Range):
    """Inclusive numeric range with Chinese messages."""

    message_min = "不能小于{{min}}"
    message_max = "不能大于{{max}}"
    message_all = "应在{{min}}至{{max}}之间"


class OneOf(validate.OneOf):
    """Choice from a list with a Chinese message listing the choices. The list is fixed, or a function
    of the profile in use (its branches, its honours), read at every validation."""

    default_message = "应为以下之一：{choices}"

    def __init__(self, choices: Iterable[str] | Callable[[], Iterable[str]], *, error: str | None = None):
        """Keep the list, or the function that gives it."""
        self._choices = choices if callable(choices) else tuple(choices)
        self.labels, self.labels_text = [], ""
        self.error = error or self.default_message

    @property
    def choices(self) -> list[str]:
        """The choices now."""
        return list(self._choices() if callable(self._choices) else self._choices)

    @property
    def choices_text(self) -> str:
        """The choices listed with 、 for the message."""
        return "、".join(str(choice) for choice in self.choices)


# Character classes, spelled so that the JSON Schema validators' regex engines read them as Python does.
# UNSAVABLE: what an XML 1.0 document (a .docx) cannot hold; lone surrogates cannot be held either,
# but only Python's engine can spell them, so the published patterns leave them out.
UNSAVABLE = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
SURROGATES = r"\ud800-\udfff"
BREAKS = r"\n\r"
# The white space str.strip() removes, less BREAKS and the control characters in UNSAVABLE:
# engines disagree on what \s means, so it is spelled out.
SPACES = r"\t \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE = f"[^{UNSAVABLE}{BREAKS}{SPACES}]"
BAD_XML_CHARS = re.compile(f"[{UNSAVABLE}{SURROGATES}]")
LONE_SURROGATE = re.compile(f"[{SURROGATES}]")
# An error lists at most MAX_ERRORS problems (and counts the rest); it shows a key at most SHOWN_KEY long.
MAX_ERRORS = 100
SHOWN_KEY = 40


def xml_chars(value: str) -> None:
    """Reject characters an XML 1.0 document (a .docx) cannot hold."""
    found = BAD_XML_CHARS.search(value)
    if found:
        raise ValidationError(
            f"含有Word文档无法保存的控制字符 U+{ord(found.group()):04X}"
            f"（第{found.start() + 1}个字符），请删除后重试"
        )


def single_line(value: str) -> None:
    """Reject line breaks in one-line fields such as names and titles."""
    if "\n" in value or "\r" in value:
        raise ValidationError("此项只能填写一行，不能换行")


# A mobile (1 3-9 and 9 digits), a landline (0 and 9 to 11 digits) or +country number (7 to 15
# digits), with single spaces or hyphens allowed between digits.
PHONE_SHAPE = r"1[ -]?[3-9](?:[ -]?[0-9]){9}|0(?:[ -]?[0-9]){9,11}|\+[1-9](?:[ -]?[0-9]){6,14}"
PHONE_PATTERN = re.compile(PHONE_SHAPE)


def phone(value: str) -> None:
    """Accept a mainland mobile, a landline with area code, or +country number."""
    if not PHONE_PATTERN.fullmatch(value):
        raise ValidationError(
            "电话号码格式不对：手机如13812345678，座机带区号如010-68371234，境外号码如+92 51 2345678"
        )


# Series (机关代字), year and serial; plain groups, as JSON Schema's regex dialect spells named ones otherwise.
SERIES_SHAPE = f"[^{UNSAVABLE}{BREAKS}{SPACES}〔〕]+"
NUMBER_SHAPE = f"({SERIES_SHAPE})〔([0-9]{{4}})〕([1-9][0-9]{{0,5}})号"
SERIES_PATTERN = re.compile(f"[^{UNSAVABLE}{SURROGATES}{BREAKS}{SPACES}〔〕]{{1,{NAME_LENGTH}}}")
NUMBER_PATTERN = re.compile(NUMBER_SHAPE)
NUMBER_MISTAKES = (
    (re.compile(r".*〕\s*第"), "序号前不加“第”"),
    (re.compile(r"^[^〔〕]*$|.*[\[\]［］()（）【】{}]"), "年份应使用六角括号〔〕"),
    (re.compile(r".*〔(?![0-9]{4}〕)"), "年份应写全4位数字"),
    (re.compile(r".*〕0"), "序号不编虚位，不加前导0（写“3号”，不写“03号”）"),
    (re.compile(r".*(?<!号)$"), "应以“号”结尾"),
)


def series_name(value: str) -> None:
    """Check a series (机关代字) given on its own, e.g. to adopt a counter: as it may stand in a number."""
    if not SERIES_PATTERN.fullmatch(value):
        code = PROFILE.organisation.code
        raise ValidationError(f"机关代字应为1–{NAME_LENGTH}个字，不含空白、控制字符和六角括号〔〕，如“{code}〔2026〕3号”中的“{code}”")


def doc_number(value: str) -> None:
    """Check a 发文字号 against GB/T 9704: 机关代字〔2026〕3号."""
    if NUMBER_PATTERN.fullmatch(value):
        return
    problem = next((text for pattern, text in NUMBER_MISTAKES if pattern.match(value)), "格式不对")
    raise ValidationError(f"发文字号{problem}，如“{PROFILE.organisation.code}〔2026〕3号”")


# ---------------------------------------------------------------- fields


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


def problem_tree(problems: list[tuple[tuple, str]]) -> dict:
    """Build marshmallow's nested error dict from (path, message) pairs.

    A path may end where another continues (members, and members[3].role): marshmallow keeps
    the shorter path's messages under "_schema" beside the nested ones, as merge_errors() does.
    """
    tree: dict = {}
    for path, message in problems:
        node: Any = [message]
        for key in reversed(path):
            node = {key: node}
        tree = merge_errors(tree, node)
    return tree


def raise_problems(problems: list[tuple[tuple, str]]) -> None:
    """Raise the cross-field problems, each at its own path, if there are any."""
    if problems:
        raise ValidationError(problem_tree(problems))


def repeated(values: list) -> list[int]:
    """Indexes of entries equal to an earlier entry."""
    seen: set = set()
    found = []
    for index, value in enumerate(values):
        if value in seen:
            found.append(index)
        seen.add(value)
    return found


def duplicate_names(data: dict, key: str, what: str = "name") -> list[tuple[tuple, str]]:
    """Problems for entries of the list ``data[key]`` whose ``what`` repeats an earlier one."""
    entries = [entry.get(what) for entry in data.get(key) or []]
    return [((key, index, what), f"“{entries[index]}”重复了") for index in repeated(entries)]


def not_before(data: dict, key: str, earlier_key: str, message: str, at: str = "") -> list[tuple[tuple, str]]:
    """A problem (at ``at``, by default ``key``) if ``key``'s date is before ``earlier_key``'s."""
    later, earlier = data.get(key), data.get(earlier_key)
    if later and earlier and later[: len(earlier)] < earlier[: len(later)]:
        return [((at or key,), message)]
    return []


# ---------------------------------------------------------------- numbering


@dataclass(frozen=True)
class Numbering:
    """How a kind's documents are numbered: 机关代字〔年份〕序号号, one serial run per series and year.

    ``field`` holds the number in the input (optional there: the service allocates one when it is
    missing); the series is the 机关代字 of the unit named in ``unit_field`` (the 总支 when None)
    followed by ``suffix``; the year is that of the date in ``date_field``.
    """

    field: str
    date_field: str
    unit_field: str | None = None
    suffix: str = ""

    def series(self, data: dict) -> str:
        """The series the document's number belongs to, e.g. 中心党总支 or 中心党总支证."""
        unit = PROFILE.unit(data[self.unit_field]) if self.unit_field else PROFILE.organisation
        return unit.code + self.suffix

    def year(self, data: dict) -> int:
        """The year of the document's date."""
        return int(str(data[self.date_field])[:4])

    @staticmethod
    def format(series: str, year: int, serial: int) -> str:
        """Write the number: 中心党总支〔2026〕3号."""
        return f"{series}〔{year}〕{serial}号"

    @staticmethod
    def parse(number: str) -> tuple[str, int, int]:
        """Split a number into (series, year, serial); ValueError if it is not one."""
        found = NUMBER_PATTERN.fullmatch(number or "")
        if not found:
            raise ValueError(f"not a document number: {number!r}")
        series, year, serial = found.groups()
        return series, int(year), int(serial)

    def problems(self, data: dict) -> list[tuple[tuple, str]]:
        """A supplied number whose series or year does not fit the document."""
        number = data.get(self.field)
        needed = (self.date_field, self.unit_field) if self.unit_field else (self.date_field,)
        if not number or not all(data.get(key) for key in needed):
            return []
        series, year, _ = self.parse(number)
        if series != self.series(data):
            return [((self.field,), f"机关代字应为“{self.series(data)}”")]
        if year != self.year(data):
            return [((self.field,), f"年份应与文书日期的年份（{self.year(data)}）一致")]
        return []


# ---------------------------------------------------------------- validate()


def _flatten(messages: Any, path: tuple) -> list[tuple[tuple, str]]:
    """Turn marshmallow's nested messages into (path, message) pairs; _schema stays at its parent."""
    if isinstance(messages, dict):
        return [
            pair
            for key, value in messages.items()
            for pair in _flatten(value, path if key == "_schema" else (*path, key))
        ]
    if isinstance(messages, list):
        return [pair for message in messages for pair in _flatten(message, path)]
    return [(path, str(messages))]


def _sort_key(schema: Schema, path: tuple) -> list[tuple[int, str]]:
    """Order a path by the schema's field declaration order, then by list index."""
    node: Any = schema
    key = []
    for segment in path:
        if isinstance(node, (Nested, TextOrNested)):
            node = node.schema
        if isinstance(segment, int):
            key.append((segment, ""))
            node = getattr(node, "inner", None)
            continue
        names = list(node.fields) if isinstance(node, Schema) else []
        key.append((names.index(segment) if segment in names else len(names), segment))
        node = node.fields.get(segment) if isinstance(node, Schema) else None
    return key


def path_text(path: tuple) -> str:
    """Write a path as attendees[3].name; a key is shown at most SHOWN_KEY long, a lone surrogate as \\udXXX."""
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else f".{shown(segment)}" if text else shown(segment)
    return text


def shown(key: str) -> str:
    """A key (or another text the caller sent) as an error may echo it: bounded, and always encodable."""
    key = key if len(key) <= SHOWN_KEY else f"{key[:SHOWN_KEY]}…"
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def capped(errors: list[dict]) -> list[dict]:
    """The first MAX_ERRORS errors, and a count of the rest: a bad request never gets a much larger answer."""
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], {"path": "", "message": f"另有{len(errors) - MAX_ERRORS}处错误未列出，请先改正以上各处"}]


def surrogate_errors(value: Any) -> list[dict]:
    """Every key and text in JSON data holding a lone surrogate (no UTF-8 can hold one), with its path, in order."""
    errors, todo = [], [((), value)]
    while todo:  # not recursive: data nested as deep as the JSON parser allows is walked too
        path, node = todo.pop()
        if path and isinstance(path[-1], str) and LONE_SURROGATE.search(path[-1]):
            errors.append({"path": path_text(path), "message": _surrogate_message("字段名", path[-1])})
        if isinstance(node, str) and LONE_SURROGATE.search(node):
            errors.append({"path": path_text(path), "message": _surrogate_message("", node)})
        elif isinstance(node, (dict, list)):
            children = node.items() if isinstance(node, dict) else enumerate(node)
            todo.extend(reversed([((*path, key), child) for key, child in children]))
    return errors


def _surrogate_message(what: str, text: str) -> str:
    """Why a text with a lone surrogate is refused, naming the character."""
    return f"{what}含有无效的Unicode字符 U+{ord(LONE_SURROGATE.search(text).group()):04X}（孤立的代理项），请删除后重试"


def validate(schema: Schema | type[Schema], payload: Any) -> tuple[dict | None, list[dict]]:
    """Load ``payload``; on failure return (None, the errors as {"path", "message"} in form order, capped)."""
    schema = schema() if isinstance(schema, type) else schema
    if not isinstance(payload, dict):
        return None, [{"path": "", "message": "数据应为JSON对象（{…}）"}]
    try:
        return schema.load(payload), []
    except ValidationError as error:
        problems = sorted(_flatten(error.messages, ()), key=lambda pair: _sort_key(schema, pair[0]))
        return None, capped([{"path": path_text(path), "message": message} for path, message in problems])


# ---------------------------------------------------------------- 公文 fields and context


def number_field(title: str = "发文字号", suffix: str = "") -> Text:
    """The optional number of a numbered document whose series is the 机关代字 followed by ``suffix``."""
    hint = f"可不填，由系统按年度顺序编号；如填写，格式为“机关代字{suffix}〔年份〕序号号”，如“机关代字{suffix}〔2026〕3号”"
    return DocNumber(metadata=meta(title, hint))


def addressee_field() -> Text:
    """主送机关, defaulting to the profile's."""
    return Text(load_default=lambda: PROFILE.addressee, metadata=meta("主送机关", "默认：组织配置中的主送机关"))


def signatory_field() -> Text:
    """署名 (issuing organisation's full name), defaulting to the 总支."""
    return Text(load_default=lambda: PROFILE.organisation.full_name,
                metadata=meta("署名", "发文机关全称，默认：本组织全称（组织配置）"))


def cc_field() -> List:
    """抄送机关, optional."""
    return List(Text(required=True, metadata=meta("抄送机关", "如：上级党委组织部")), max_items=30,
                metadata=meta("抄送", "可选，抄送机关名称，每项一个"))


def printer_field() -> Text:
    """印发机关 in the 版记, defaulting to the profile's office."""
    return Text(load_default=lambda: PROFILE.printing_office,
                metadata=meta("印发机关", "版记中的印发机关，默认：组织配置中的印发机关"))


def print_date_field() -> Date:
    """印发日期 in the 版记, defaulting to the 成文日期."""
    return Date(load_default=None, metadata=meta("印发日期", "版记中的印发日期，不填则与成文日期相同"))


class OfficialSchema(BaseSchema):
    """A 公文 with the shared 版记 fields: checks the 印发日期 against the 成文日期."""

    @validates_schema(skip_on_field_errors=False)
    def _check_print_date(self, data: dict, **kwargs) -> None:
        """The document cannot be printed before it is dated."""
        raise_problems(not_before(data, "print_date", "date", "印发日期不能早于成文日期"))


def profile_context() -> dict:
    """The 总支's profile values every template may print."""
    org = PROFILE.organisation
    return {
        "org_name": org.full_name,
        "org_short_name": org.name,
        "org_code": org.code,
        "org_secretary": org.secretary,
        "issuer_mark": PROFILE.issuer_mark,
        "org_phone": PROFILE.phone,
    }


def base_context(data: dict) -> dict:
    """A copy of the loaded data plus the profile values."""
    return {**copy.deepcopy(data), **profile_context()}


def official_context(data: dict) -> dict:
    """Derived values shared by 公文: number, dates and the 版记 lines."""
    return {
        "number": data.get("number") or "",
        "date_text": cn_date(data["date"]),
        "cc_text": sentence(data.get("cc", [])),
        "print_date_text": cn_date(data.get("print_date") or data["date"]),
    }


# ---------------------------------------------------------------- text helpers for context()


def decision_label(n: int) -> str:
    """一、 for the n-th (1-based) decision or heading."""
    return f"{cn_numeral(n)}、"


def item_label(n: int) -> str:
    """（一） for the n-th 项."""
    return f"（{cn_numeral(n)}）"


def sub_item_label(n: int) -> str:
    """1. for the n-th 目."""
    return f"{n}."


def labelled(texts: list[str], label=item_label) -> list[dict]:
    """Texts as [{"label": "（一）", "text": …}, …]."""
    return [{"label": label(n), "text": text} for n, text in enumerate(texts, 1)]


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of a multi-line text, each one paragraph."""
    return [line for line in text.splitlines() if line.strip()]


def person_text(person: dict) -> str:
    """王喆（总支书记） — the name, with the post in brackets when there is one."""
    return f"{person['name']}（{person['post']}）" if person.get("post") else person["name"]


def names(people: list[dict]) -> str:
    """Names joined with 、."""
    return cn_join(person["name"] for person in people)


def sentence(items: list[str]) -> str:
    """A 版记-style list: items joined with ， and ended with 。 ("" when empty)."""
    return f"{'，'.join(items)}。" if items else ""

