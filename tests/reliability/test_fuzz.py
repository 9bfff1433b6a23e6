"""Property-based fuzz of every kind through the real app: a 201 whose .docx holds the text as sent, or a 4xx
application/problem+json naming paths; never a 5xx.

Each kind's example is changed at one to four places (tests/test_schemas_fuzz.py's `broken`), with
hostile values: lone surrogates, bidi and other format controls, template and XML syntax,
1 MB strings, 10,000-item lists, deep nesting, NaN, ±Infinity, huge and odd numbers; unknown keys
are added too. Raw bodies cover what json.dumps cannot make: 1e309, duplicate keys, nesting past
the parser's limit, a BOM. Example counts are bounded (derandomized) so CI stays fast.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import reduce
from operator import getitem

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from service import create_app
from service.catalog import Catalog
from tests.test_schemas_fuzz import broken, paths

KINDS = list(Catalog())
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
SPECIALS = ["\ud800", "a\udc00b", "\u202ecod.exe", "\u2066李\u2069", "\ufeff", "\u200b", "{{ 7*7 }}", "{% for x in y %}",
            "{{ ''.__class__ }}", "]]>", "<w:p/>", "&amp;", "\x00", "\x0b", "\x1f", "\r\n", "\u2028", " ", "",
            "=SUM(A1)", "../../etc/passwd", "%s%n", "王喆", "\U0002a6a5\U00030edd"]

texts = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),  # any code point, surrogates too
    st.sampled_from(SPECIALS),
    st.builds(lambda part, times: part * times, st.sampled_from(["x", "党", "\u202e", "{{"]),
              st.sampled_from([2, 1000, 1_000_000])),
)


def nested(depth: int, leaf):
    """A value nested `depth` lists deep."""
    for _ in range(depth):
        leaf = [leaf]
    return leaf


hostile = st.one_of(
    texts,
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.builds(lambda item: [item] * 10_000, st.sampled_from([1, "", "王喆", {"name": "王喆"}, None])),
    st.builds(nested, st.sampled_from([2, 50, 500]), texts),
    st.dictionaries(texts, texts, max_size=3),
)


@st.composite
def payloads(draw, example: dict):
    """The example broken at one to four places with hostile values, perhaps with an unknown key."""
    payload = draw(broken(example, hostile))
    if draw(st.booleans()):
        payload[draw(texts)] = draw(hostile)
    return payload


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The real app (SQLite, local files), one per module, answering errors as in production."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path_factory.mktemp("fuzz") / "instance",
                      "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})
    app.testing = False
    return app.test_client()


def document_text(docx: bytes) -> str:
    """All text of the body, headers and footers, runs joined, line breaks and tabs left out."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        roots = [etree.fromstring(package.read(name)) for name in package.namelist() if PARTS.fullmatch(name)]
    return "".join(node.text or "" for root in roots for node in root.iter(W_T))


def flat(text: str) -> str:
    """Text as a document shows it on one line: no line breaks, tabs or the spaces around them."""
    return re.sub(r"\s*[\n\r\t\u2028\u2029]\s*", "", text)


def unnumbered(kind) -> dict:
    """The kind's example without a supplied number (a number can be used once only)."""
    return {key: value for key, value in kind.example().items() if not kind.numbering or key != kind.numbering.field}


def printed_paths(kind, client) -> set[tuple]:
    """The paths of the example's texts that its document prints as they are."""
    example = unnumbered(kind)
    answer = client.post(f"/api/v1/documents/{kind.id}", json=example)
    assert answer.status_code == 201
    shown = flat(document_text(answer.data))
    return {path for path in paths(example)
            if isinstance(value := reduce(getitem, path, example), str) and len(value) > 2 and flat(value) in shown}


def check_answer(client, kind, body: str, printed: set[tuple]) -> None:
    """201 with a .docx holding each printed text of the data as recorded, or a 4xx problem with paths."""
    answer = client.post(f"/api/v1/documents/{kind.id}", data=body, content_type="application/json")
    assert answer.status_code < 500, (answer.status_code, answer.data[:500])
    if answer.status_code != 201:
        assert 400 <= answer.status_code < 500 and answer.mimetype == "application/problem+json"
        problem = answer.get_json()
        assert problem["status"] == answer.status_code and problem["title"]
        if answer.status_code == 422:
            assert problem["errors"] and all(isinstance(error["path"], str) and error["message"] for error in problem["errors"])
        assert len(answer.data) < 64_000
        return
    record = client.get(answer.headers["Location"]).get_json()
    shown = flat(document_text(answer.data))
    for path in printed:
        try:
            value = reduce(getitem, path, record["data"])
        except (KeyError, IndexError, TypeError):
            continue  # left out or reshaped: not printed from here
        if isinstance(value, str) and value.strip():
            assert flat(value) in shown, (path, value[:80])


# Printable text a person could type or paste: CJK (rare characters too), template and XML syntax, bidi and
# zero-width controls, emoji; no line breaks (most fields are one line).
typed = st.text(st.one_of(st.sampled_from(list("王喆堃赟党{}%#<>&\"'/=") + ["\u202e", "\u2066", "\u200b", "\ufeff"]),
                          st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))),
                min_size=3, max_size=20).filter(lambda text: text.strip() == text and len(text.strip()) >= 3)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_typed_text_is_printed_exactly(client, kind):
    """The printed texts of the example replaced by text a person could type: 201 and the document holds
    it exactly (or, where the field's rules refuse it, a 422 naming the field)."""
    example = unnumbered(kind)
    printed = sorted(printed_paths(kind, client))

    @FUZZ
    @given(changes=st.lists(st.tuples(st.sampled_from(printed), typed), min_size=1, max_size=3))
    def run(changes):
        """One payload with one to three texts replaced."""
        payload = json.loads(json.dumps(example))
        for (*trail, key), text in changes:
            reduce(getitem, trail, payload)[key] = text
        check_answer(client, kind, json.dumps(payload), set(printed))

    run()


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_hostile_payloads_never_give_a_5xx(client, kind):
    """The kind's example broken with hostile values, sent as JSON (NaN and Infinity as JSON's extensions)."""
    printed = printed_paths(kind, client)

    @FUZZ
    @given(payload=payloads(unnumbered(kind)))
    def run(payload):
        """One payload."""
        check_answer(client, kind, json.dumps(payload), printed)

    run()


def raw_bodies(kind) -> list[str]:
    """Bodies json.dumps does not make: out-of-range numbers, duplicate keys, nesting past the parser's limit."""
    example = unnumbered(kind)
    text = json.dumps(example, ensure_ascii=False)[1:-1]
    first = next(iter(example))
    return [
        "{" + text + ', "x": 1e309}',
        "{" + text + ', "x": -1e309}',
        "{" + text + f', "{first}": 1e309' + "}",
        "{" + text + f', "{first}": NaN' + "}",
        "{" + text + f', "{first}": "替换", "{first}": "再替换"' + "}",
        "{" + text + f', "{first}": {json.dumps(example[first], ensure_ascii=False)}' + "}",
        "{" + text + f', "{first}": 1{"0" * 5000}' + "}",
        "{" + text + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "{" + text + ', "x": ' + '{"a":' * 900 + "1" + "}" * 900 + "}",
        "\ufeff{" + text + "}",
        "{" + text + ', "\\ud800": "\\udfff"}',
        "{" + text,
        "",
    ]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.id)
def test_raw_hostile_bodies_never_give_a_5xx(client, kind):
    """1e309, NaN, duplicate keys (the last wins, as JSON parsers do), a 5,000-digit number, nesting 100,000
    deep, a BOM, escaped surrogates, a cut body, an empty one: each a 201 or a 4xx problem."""
    printed = printed_paths(kind, client)
    for body in raw_bodies(kind):
        check_answer(client, kind, body, printed)
