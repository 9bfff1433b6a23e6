"""What a newcomer sees first, in a real browser in the zh-CN locale: the kinds in a secretary's order,
hints written as people write dates, the number last, 预览, required dates, and who made a document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from service.documents import services

from .formpage import control, notes, open_form, submit_for_download

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_home_page_lists_the_kinds_most_used_first(page):
    """会议纪要 first, the overseas branch manual (made once per new branch) last."""
    page.goto("/")
    titles = page.locator(".kind h2").all_inner_texts()
    assert titles == ["会议纪要", "荣誉证书", "表彰决定", "规章制度", "驻外临时党支部工作手册"]


@pytest.mark.parametrize(("kind", "path", "hint"), [
    ("meeting-minutes", "start", "如：2026年3月5日 14:30"),
    ("meeting-minutes", "decisions.0.deadline", "如：2026年3月31日"),
    ("certificate", "date", "如：2026年3月5日"),
])
def test_date_hints_are_written_as_people_write_them(page, kind, path, hint):
    """The hint under a date or time field reads 2026年3月5日 14:30, never an ISO 2026-03-05T14:30."""
    open_form(page, kind)
    field = page.locator(f'[data-schemapath="root.{path}"]')
    expect(field).to_contain_text(hint)
    assert "2026-03" not in field.inner_text()


@pytest.mark.parametrize("kind", ["meeting-minutes", "certificate", "commendation", "policy"])
def test_the_number_the_system_fills_in_comes_last(page, kind):
    """编号 is the form's last top-level field, after the fields people must fill."""
    open_form(page, kind)
    paths = page.locator('#editor [data-schemapath^="root."]').evaluate_all(
        "nodes => nodes.map((node) => node.dataset.schemapath).filter((path) => path.split('.').length === 2)")
    assert paths[-1] == "root.number"
    expect(page.locator('[data-schemapath="root.number"]')).to_contain_text("可不填，由系统")


def test_an_empty_required_date_is_said_to_be_required(page):
    """The certificate's 颁发日期 emptied and submitted: 此项必填 at the field, not a format message."""
    open_form(page, "certificate")
    page.get_by_role("button", name="用示例填充").click()
    control(page, "date").fill("")
    page.get_by_role("button", name="生成并下载").click()
    expect(notes(page, "date")).to_have_text(["此项必填"])
    expect(page.locator("#form-errors")).to_contain_text("颁发日期：此项必填")


def test_preview_downloads_the_document_without_numbering_or_recording_it(page, live):
    """预览 downloads 预览-….docx with × for the serial; the history and the numbers stay untouched."""
    before = page.request.get("/api/v1/documents").json()["total"]
    open_form(page, "certificate")
    page.get_by_role("button", name="用示例填充").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="预览").click()
    saved = download.value
    assert saved.suggested_filename == "预览-荣誉证书-王喆-月度之星-2026年2月.docx"
    text = "".join(p.text for p in Document(saved.path()).paragraphs)
    assert "〔2026〕×号" in text
    expect(page.locator("#notice")).to_contain_text("未编号、未留记录")
    assert page.request.get("/api/v1/documents").json()["total"] == before
    made = submit_for_download(page)
    assert "〔2026〕×号" not in "".join(p.text for p in Document(made.path()).paragraphs)


def test_a_preview_lists_its_warnings(page):
    """A chair missing from the attendees is pointed out by the preview already."""
    open_form(page, "meeting-minutes")
    page.get_by_role("button", name="用示例填充").click()
    control(page, "chair").fill("李四")
    with page.expect_download():
        page.get_by_role("button", name="预览").click()
    expect(page.locator("#notice")).to_contain_text("请注意：主持人“李四”不在出席人员名单中")


def test_history_says_who_made_each_document_in_words(page, live):
    """本机命令行, a key's name with how it was used, the open loopback service: no cli, local or key: codes."""
    example = json.loads((EXAMPLES / "commendation.json").read_text(encoding="utf-8"))
    with live.app.app_context():
        kind = services().catalog.get("commendation")
        for creator in ("cli", "key:oa-system", "web:张三", "local"):
            services().produce(kind, {**example, "number": None}, creator)
    page.goto("/history")
    page.get_by_label("文书种类").select_option("commendation")
    makers = page.locator('td[data-label="生成人"]')
    expect(makers).to_have_text(["本机（未启用密钥）", "张三（网页）", "oa-system（接口调用）", "本机命令行"])
