"""Single-value checks of the kind schemas: length limits, validators, the character classes and the
shapes of phones, 机关代字 and 发文字号, each with its Chinese message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from marshmallow import ValidationError, validate

from schemas.profile import PROFILE
from service.engine.text import BAD_XML_CHARS, SURROGATES, UNSAVABLE

NAME_LENGTH = 30
SHORT_LENGTH = 100
LONG_LENGTH = 5000

FIELD_MESSAGES = {
    "required": "此项必填",
    "null": "不能为空值（null）",
    "validator_failed": "取值无效",
}


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


# Character classes beside service/engine/text.py's UNSAVABLE and SURROGATES, spelled the same way (so that
# the JSON Schema validators' regex engines read them as Python does).
BREAKS = r"\n\r"
# The white space str.strip() removes, less BREAKS and the control characters in UNSAVABLE:
# engines disagree on what \s means, so it is spelled out.
SPACES = r"\t \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE = f"[^{UNSAVABLE}{BREAKS}{SPACES}]"
LONE_SURROGATE = re.compile(f"[{SURROGATES}]")
# An error lists at most MAX_ERRORS problems (and counts the rest).
MAX_ERRORS = 100


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
