"""Fuzzing validate(): any JSON gives loaded data or Chinese errors, never an exception.

Every kind is fed arbitrary JSON values, and its example changed at any depth: entries deleted,
list entries repeated, values replaced by "", " ", null, a value from elsewhere in the example or
arbitrary JSON. Data that loads must validate to itself, give warnings and render. Data generated
from the published JSON Schema (hypothesis-jsonschema is not installed) is sent to the API by
tests/api/test_schemathesis.py.
"""

from __future__ import annotations

import copy
import json
import re
from functools import reduce
from operator import getitem

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.common import validate
from service.catalog import Catalog

KINDS = list(Catalog())
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
