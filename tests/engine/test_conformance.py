"""The engine renders docxtpl's own test templates exactly as docxtpl 0.20 does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from service import engine
from service.engine import package, template

from .conftest import CONTENT_PARTS, c14n, child_set, content_types, document_text, docxtpl_render, entries

ITEMS = [
    {"desc": "Python 解释器", "qty": 2, "price": "免费"},
    {"desc": "Django & Flask 项目", "qty": 5403, "price": "<免费>"},
    {"desc": "Guido's “book”", "qty": 1, "price": "100.00"},
]

CONTEXTS = {
    "order": {
        "customer_name": "张喆",
        "items": ITEMS,
        "in_europe": True,
        "is_paid": False,
        "company_name": "中心党总支 & Co",
        "total_price": "100,000,000.00",
    },
    "nested_for": {
        "dishes": [
            {"name": "宫保鸡丁", "ingredients": ["鸡肉", "花生", "辣椒"]},
            {"name": "麻婆豆腐", "ingredients": ["豆腐", "牛肉末"]},
        ],
        "authors": [
            {"name": "鲁迅", "books": [{"title": "呐喊"}, {"title": "彷徨"}]},
            {"name": "老舍", "books": [{"title": "骆驼祥子"}]},
        ],
    },
    "dynamic_table": {
        "col_labels": ["水果", "蔬菜", "石头", "东西"],
        "tbl_contents": [
            {"label": "黄", "cols": ["香蕉", "甜椒", "黄铁矿", "出租车"]},
            {"label": "红", "cols": ["苹果", "番茄", "朱砂", "双层巴士"]},
        ],
    },
    "header_footer_entities": {"title": "标题 <&> “引号”"},
    "horizontal_merge": {},
    "vertical_merge": {"category": "办公用品", "items": ITEMS, "total_price": "5,406"},
    "vertical_merge_nested": {},
    "merge_paragraph": {"living_in_town": True},
    "preserve_spaces": {"tag_1": "  很辣  ", "tag_2": " 真的 "},
    "comments": {},
    "less_cells_after_loop": {},
    "multi_rendering": {"title": "第一次", "body": "正文\n第二行\t制表"},
    "doc_properties": {"test": "会议纪要 2026"},
    "footnotes": {"a_jinja_variable": "脚注里的变量 <b>"},
}


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_same_output_as_docxtpl(conformance_dir, name):
    """Content parts are equal after C14N; package metadata holds the same entries."""
    path = conformance_dir / f"{name}_tpl.docx"
    ours = entries(engine.load(path).render(CONTEXTS[name]))
    theirs = entries(docxtpl_render(path, CONTEXTS[name]))
    assert set(ours) >= set(theirs) - {"docProps/core.xml"}
    their_types = content_types(theirs)
    assert {k: v for k, v in content_types(ours).items() if k in theirs} == their_types
    for part in theirs:
        if part.startswith(CONTENT_PARTS):
            assert c14n(ours[part]) == c14n(theirs[part]), part
        elif part in ours and (part.endswith(".rels") or part.startswith("docProps/")):
            assert child_set(ours[part]) == child_set(theirs[part]), part


def test_multi_rendering_reuses_the_compiled_template(conformance_dir):
    """Rendering one loaded template with three contexts equals three docxtpl renders."""
    path = conformance_dir / "multi_rendering_tpl.docx"
    template = engine.load(path)
    assert engine.load(path) is template
    for title in ("一", "二", "三"):
        context = {"title": title, "body": f"第{title}次渲染"}
        ours = entries(template.render(context))["word/document.xml"]
        theirs = entries(docxtpl_render(path, context))["word/document.xml"]
        assert c14n(ours) == c14n(theirs)


def test_docxtpl_double_escapes_properties_but_the_engine_does_not(conformance_dir):
    """docxtpl writes 'A &amp;amp; B' into docProps; the engine keeps the user's text."""
    path = conformance_dir / "doc_properties_tpl.docx"
    context = {"test": "研讨 A & B <c>"}
    ours = entries(engine.load(path).render(context))["docProps/core.xml"]
    theirs = entries(docxtpl_render(path, context))["docProps/core.xml"]
    assert "<dc:title>研讨 A &amp; B &lt;c&gt;</dc:title>" in ours.decode()
    assert "&amp;amp;" in theirs.decode()


def test_docxtpl_turns_user_braces_into_tags_but_the_engine_does_not(conformance_dir):
    """User text '{_{ x }_}' reaches Word literally; docxtpl rewrites it to '{{ x }}'."""
    path = conformance_dir / "multi_rendering_tpl.docx"
    context = {"title": "{_{ x }_} {_% y %_}", "body": ""}
    ours = entries(engine.load(path).render(context))["word/document.xml"].decode()
    theirs = entries(docxtpl_render(path, context))["word/document.xml"].decode()
    assert "{_{ x }_} {_% y %_}" in ours
    assert "{{ x }} {% y %}" in theirs


def test_template_escapes_still_print_delimiters(conformance_dir):
    """A template author's {_% vm %_} prints as {% vm %}, as in docxtpl."""
    path = conformance_dir / "vertical_merge_tpl.docx"
    assert "{% vm %}" in document_text(engine.load(path).render(CONTEXTS["vertical_merge"]))


def test_clean_up_with_properties_held_aside_is_docxtpls(conformance_dir):
    """docxtpl's clean-up runs faster with property elements and attributes held aside; its result is the same
    for every part of docxtpl's templates and of the shipped ones."""
    shipped = sorted((Path(__file__).resolve().parents[2] / "templates" / "docx").glob("*.docx"))
    held = 0
    for path in [*sorted(conformance_dir.glob("*_tpl.docx")), *shipped]:
        word = template._Package(package.read_entries(path.read_bytes()))
        parts = [etree.tostring(word.document.find(template.BODY), encoding="unicode")]
        parts += [etree.tostring(etree.fromstring(word.entries[name], template.PARSER), encoding="unicode")
                  for kind, name in word.related(word.main) if kind in (RT.HEADER, RT.FOOTER)]
        for xml in parts:
            text = re.sub(r"<[^>]+>", "", xml)
            held += not any(keyword in text for keyword in template.READS_PROPERTIES)
            assert template._patch(xml, text) == template._DOCXTPL.patch_xml(xml), path.name
    assert held > 20  # most parts took the held path
