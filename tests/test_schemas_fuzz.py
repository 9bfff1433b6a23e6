"""Fuzzing validate(): any JSON gives loaded data or Chinese errors, never an exception.

Every kind is fed arbitrary JSON values, and its example changed at any depth: entries deleted,
list entries repeated, values replaced by "", " ", null, a value from elsewhere in the example or
arbitrary JSON. Data that loads must validate to itself, fit the published JSON Schema, give
warnings and render. Each kind of field accepts exactly the values its published JSON Schema
allows. Whole documents generated from the published JSON Schema (hypothesis-jsonschema is not
installed) are sent to the API by tests/api/test_schemathesis.py.

The JSON Schema checks use jsonschema_rs (installed with schemathesis), which reads patterns as
JSON Schema validators do (ECMA-262's end anchor and white space, not Python's).
"""

from __future__ import annotations

import copy
import json
import re
from functools import reduce
from operator import getitem

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.checks import Range
from schemas.fields import BaseSchema, Choice, Date, DateTime, DocNumber, Integer, List, LongText, Name, Phone, Text
from schemas.validation import validate
from service.catalog import Catalog
from service.jsonschema import json_schema

KINDS = list(Catalog())
PUBLISHED = {kind.id: jsonschema_rs.validator_for(kind.json_schema(), validate_formats=True) for kind in KINDS}
CHINESE = re.compile("[\u4e00-\u9fff]")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def paths(tree, trail: tuple = ()):
    """Every path into a JSON tree (dict keys and list indexes), at any depth."""
    entries = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in entries:
        yield (*trail, key)
        yield from paths(value, (*trail, key))


def leaves(tree) -> list:
    """The scalar values of a JSON tree."""
    return [value for path in paths(tree) if not isinstance(value := reduce(getitem, path, tree), (dict, list))]


def familiar(example: dict):
    """Values a form might send: "", " ", null, or any value of the example, perhaps in the wrong place."""
    return st.sampled_from(["", " ", None]) | st.sampled_from(leaves(example))


@st.composite
def broken(draw, example: dict, replacements) -> dict:
    """The example with one to four entries deleted, repeated or replaced, anywhere in the tree."""
    tree = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 4))):
        found = list(paths(tree))
        if not found:
            break
        *trail, key = draw(st.sampled_from(found))
        parent = reduce(getitem, trail, tree)
        change = draw(st.sampled_from(["delete", "repeat", "replace"]))
        if change == "delete":
            del parent[key]
        elif change == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = draw(replacements)
    return tree


def check(kind, payload) -> None:
    """Validate ``payload``: data that loads, validates to itself and renders, or Chinese errors."""
    data, errors = validate(kind.module.Schema, payload)
    if errors:
        assert data is None
        for error in errors:
            assert set(error) == {"path", "message"}
            assert isinstance(error["path"], str) and isinstance(error["message"], str)
            assert CHINESE.search(error["message"]), error
        return
    assert isinstance(data, dict)
    assert validate(kind.module.Schema, json.loads(json.dumps(data))) == (data, [])
    assert PUBLISHED[kind.id].is_valid(data)
    kind.module.warnings(data)
    document, filename = kind.render(data)
    assert document and filename.endswith(".docx")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
@FUZZ
@given(payload=json_values)
def test_any_json_value_gives_errors_not_an_exception(kind, payload):
    """Arbitrary JSON never makes validate() raise."""
    check(kind, payload)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
@FUZZ
@given(data=st.data())
def test_a_broken_example_gives_data_or_errors_not_an_exception(kind, data):
    """The example with arbitrary JSON anywhere in it gives data that renders, or errors."""
    example = kind.example()
    check(kind, data.draw(broken(example, familiar(example) | json_values)))


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
@FUZZ
@given(data=st.data())
def test_a_reshuffled_example_gives_data_or_errors_not_an_exception(kind, data):
    """The example with entries dropped, repeated, blanked or swapped (often still valid) renders or gives errors."""
    example = kind.example()
    check(kind, data.draw(broken(example, familiar(example))))


# ------------------------------------------------------------------ fields against their JSON Schema

# Characters near the rules: digits and separators, 〔〕号, white space, breaks, unsavable controls.
NEAR = "0123456789-:T +号〔〕第中甲\t\n\r\x00\x0b\x1f\x85\xa0\u2028\u3000\ufeff\uffff"
# Dates and times, real or not (2027-02-29, 2026-13-01, 24:00), often around February's end.
DAYS = st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(1995, 2105), st.integers(0, 13) | st.just(2),
                 st.integers(0, 32) | st.integers(28, 31))
TIMES = st.builds("{:02d}:{:02d}".format, st.integers(0, 24), st.integers(0, 60)) | st.builds(
    "{:02d}:{:02d}:{:02d}".format, st.integers(0, 24), st.integers(0, 60), st.integers(0, 60))
MOMENTS = st.builds("{}{}{}".format, DAYS, st.sampled_from("T "), TIMES)
WHITE = "".join(char for char in map(chr, range(0x3001)) if char.isspace())
TEXTS = st.text(NEAR, max_size=24) | st.text(WHITE, max_size=4) | st.text(max_size=40) | DAYS | MOMENTS | st.none()
NUMBERS = st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.booleans() | st.just(15.0) | TEXTS
CHOICES = st.sampled_from(["甲", "乙", "丙"]) | TEXTS
LISTS = st.lists(TEXTS, max_size=3) | TEXTS
FIELD_VALUES = {
    "text": (Text(required=True), TEXTS),
    "optional text": (Text(load_default=""), TEXTS),
    "long text": (LongText(required=True), TEXTS),
    "optional long text": (LongText(load_default=""), TEXTS),
    "phone": (Phone(required=True), TEXTS),
    "optional phone": (Phone(load_default=""), TEXTS),
    "number": (DocNumber(required=True), TEXTS),
    "optional number": (DocNumber(), TEXTS),
    "date": (Date(required=True), TEXTS),
    "optional date": (Date(load_default=None), TEXTS),
    "optional date-time": (DateTime(load_default=None), TEXTS),
    "choice": (Choice("甲乙", required=True), CHOICES),
    "optional choice": (Choice("甲乙", load_default="甲"), CHOICES),
    "integer": (Integer(required=True, validate=Range(min=3, max=15)), NUMBERS),
    "optional integer": (Integer(load_default=None, validate=Range(min=3, max=15)), NUMBERS),
    "list": (List(Name(), required=True, min_items=1, max_items=2), LISTS),
    "optional list": (List(Name(), max_items=2), LISTS),
}


# The validator leaves "format" unchecked, as draft 2020-12 has it: the patterns state the whole
# rule, and "format": "date" would refuse the "" an optional date takes for "not given".
def one_field(field, values) -> tuple[type, object, st.SearchStrategy]:
    """A schema holding ``field`` as "value", a validator of its JSON Schema, and values to try."""
    schema = BaseSchema.from_dict({"value": field})
    published = json_schema(schema, "字段")
    pattern = published["properties"]["value"].get("pattern")  # values it allows should all load
    tried = values | st.from_regex(pattern, fullmatch=True) if pattern else values
    return schema, jsonschema_rs.validator_for(published), tried


FIELDS = {name: one_field(field, values) for name, (field, values) in FIELD_VALUES.items()}


@pytest.mark.parametrize("name", FIELDS)
@FUZZ
@given(data=st.data())
def test_each_field_accepts_exactly_what_its_json_schema_allows(name, data):
    """The published type, pattern, lengths and range allow a value exactly when the field loads it."""
    schema, published, values = FIELDS[name]
    value = data.draw(values)
    assert published.is_valid({"value": value}) == (validate(schema, {"value": value})[1] == [])
