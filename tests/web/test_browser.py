"""The web page in a real browser (headless Debian chromium) against the real app."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document


from service.catalog import Catalog

from .formpage import control, notes, open_form, submit_for_download

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KINDS = sorted(kind.id for kind in Catalog())
MINUTES = {
    "organisation": "体系论证处党支部",
    "meeting_type": "专题研讨",
    "title": "“如何带好队伍”专题研讨会",
    "start": "2026-03-05T14:30",
    "place": "中心三楼第一会议室",
    "chair": "王喆",
    "recorder": "孙悦",
}
ATTENDEES = [("王喆", "支部书记"), ("刘赟", "组织委员 <b>& {{ 宣传 }}</b>"), ("周堃", "")]
DECISIONS = [
    ("建立支部联系群众台账，每月更新一次。", "王喆", "2026-03-31"),
    ("组织“领航”班组长交流论坛，邀请优秀班组长介绍带队伍的经验。", "刘赟", "2026-04-30"),
]
TOPIC = "交流带队伍的做法和体会"


def add_rows(page, label: str, count: int) -> None:
    """Press a group's add button `count` times, e.g. 添加出席人员."""
    for _ in range(count):
        page.get_by_role("button", name=label, exact=True).click()


def fill_minutes(page) -> None:
    """Fill the minutes form by hand: 3 attendees, 1 topic and 2 decisions."""
    for key in ("organisation", "meeting_type"):
        control(page, key).select_option(MINUTES[key])
    for key in ("title", "start", "place", "chair", "recorder"):
        control(page, key).fill(MINUTES[key])
    add_rows(page, "添加出席人员", len(ATTENDEES) - 1)
    for index, (name, post) in enumerate(ATTENDEES):
        control(page, f"attendees[{index}].name").fill(name)
        control(page, f"attendees[{index}].post").fill(post)
    control(page, "topics[0]").fill(TOPIC)
    add_rows(page, "添加议定事项", len(DECISIONS) - 1)
    for index, (content, owner, deadline) in enumerate(DECISIONS):
        control(page, f"decisions[{index}].content").fill(content)
        control(page, f"decisions[{index}].owner").fill(owner)
        control(page, f"decisions[{index}].deadline").fill(deadline)


def docx_text(path: Path) -> str:
    """All text of a .docx: body paragraphs and table cells."""
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_minutes_typed_by_hand_download_as_a_docx_holding_them(page):
    """Three attendees and two decisions typed into the form end up in the downloaded .docx."""
    open_form(page, "meeting-minutes")
    fill_minutes(page)
    download = submit_for_download(page)
    assert download.suggested_filename.endswith("（2026年3月5日）.docx")
    assert "如何带好队伍" in download.suggested_filename
    text = docx_text(Path(download.path()))
    for name, _post in ATTENDEES:
        assert name in text
    assert "组织委员 <b>& {{ 宣传 }}</b>" in text
    for content, owner, _deadline in DECISIONS:
        assert content in text and owner in text
    assert "已生成并下载" in page.locator("#notice").inner_text()


def test_warnings_of_a_made_document_are_shown_after_the_download(page):
    """A committee meeting without a quorum is made, with the warning listed under the success message."""
    open_form(page, "meeting-minutes")
    page.get_by_role("button", name="用示例填充").click()
    control(page, "meeting_type").select_option("总支委员会")
    control(page, "committee_size").fill("15")
    submit_for_download(page)
    expect(page.locator("#notice")).to_contain_text("未超过委员总数15人的半数")


def test_every_error_sits_next_to_its_field_and_the_first_gets_the_focus(page):
    """A 422 shows each message at its field, lists them all on top and moves to the first."""
    open_form(page, "meeting-minutes")
    control(page, "meeting_type").select_option("专题研讨")
    for key in ("start", "place", "chair", "recorder"):
        control(page, key).fill(MINUTES[key])
    add_rows(page, "添加出席人员", 1)
    control(page, "attendees[0].name").fill("王喆")
    control(page, "decisions[0].content").fill(DECISIONS[0][0])
    with page.expect_response(lambda response: "/api/v1/documents/" in response.url) as answer:
        page.get_by_role("button", name="生成并下载").click()
    assert answer.value.status == 422
    errors = answer.value.json()["errors"]
    paths = {error["path"] for error in errors}
    assert {"organisation", "title", "attendees[1].name", "decisions[0].owner", "decisions[0].deadline"} <= paths
    page.locator("#form-errors").wait_for()
    for error in errors:
        assert error["message"] in notes(page, error["path"]).all_inner_texts()
    assert page.locator("#form-errors li").count() == len(errors)
    assert page.evaluate("document.activeElement.id") == "root[organisation]"
    assert control(page, "attendees[1].name").get_attribute("aria-invalid") == "true"


def test_an_error_in_a_nested_article_is_shown_at_that_clause(page):
    """Errors deep in a policy (chapters[0].articles[1][0].text) reach the right text box."""
    open_form(page, "policy")
    page.get_by_role("button", name="用示例填充").click()
    control(page, "chapters[0].articles[1][0].text").fill("")
    with page.expect_response(lambda response: "/api/v1/documents/" in response.url) as answer:
        page.get_by_role("button", name="生成并下载").click()
    assert answer.value.status == 422
    assert [error["path"] for error in answer.value.json()["errors"]] == ["chapters[0].articles[1][0].text"]
    assert notes(page, "chapters[0].articles[1][0].text").count() == 1
    control(page, "chapters[0].articles[1][0].text").fill("本办法适用于中心各党支部。")
    assert notes(page, "chapters[0].articles[1][0].text").count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_of_every_kind_makes_a_document(page, kind):
    """用示例填充 then 生成并下载 works for every kind (the number is left to the system)."""
    open_form(page, kind)
    page.get_by_role("button", name="用示例填充").click()
    example = json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
    if "number" in example:
        assert control(page, "number").input_value() == ""
    download = submit_for_download(page)
    assert download.suggested_filename.endswith(".docx")
    assert zipfile.is_zipfile(download.path())


def test_the_draft_survives_a_failed_submit_and_a_reload_until_cleared(page):
    """What was typed stays after a 422 and after reloading; 清空 forgets it."""
    open_form(page, "meeting-minutes")
    typed = "草稿：<b>&amp;</b> {{ 喆 }} 🎉"
    control(page, "title").fill(typed)
    control(page, "attendees[0].name").fill("刘赟")
    page.get_by_role("button", name="生成并下载").click()
    page.locator("#form-errors").wait_for()
    assert control(page, "title").input_value() == typed
    page.reload()
    page.locator('#editor[aria-busy="false"]').wait_for()
    assert control(page, "title").input_value() == typed
    assert control(page, "attendees[0].name").input_value() == "刘赟"
    assert "已恢复" in page.locator("#notice").inner_text()
    page.get_by_role("button", name="清空").click()
    assert control(page, "title").input_value() == ""
    page.reload()
    page.locator('#editor[aria-busy="false"]').wait_for()
    assert control(page, "title").input_value() == ""


def test_an_old_draft_missing_fields_still_gets_the_whole_form(page):
    """A draft saved before fields were added fills what it has; the other fields are still there."""
    open_form(page, "meeting-minutes")
    page.evaluate("localStorage.setItem('docgen:draft:meeting-minutes', JSON.stringify({title: '旧草稿'}))")
    page.reload()
    page.locator('#editor[aria-busy="false"]').wait_for()
    assert control(page, "title").input_value() == "旧草稿"
    assert control(page, "end").count() == 1 and control(page, "attendees[0].name").count() == 1


def test_history_downloads_again_and_copies_into_a_new_form(page, live):
    """A recorded document can be downloaded again and copied into its form without its number."""
    example = json.loads((EXAMPLES / "certificate.json").read_text(encoding="utf-8"))
    made = page.request.post("/api/v1/documents/certificate", data={**example, "number": None})
    assert made.status == 201
    page.goto("/history")
    row = page.locator("#history-rows tr").filter(has_text=example["recipient"]).first
    with page.expect_download() as download:
        row.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.startswith("荣誉证书-")
    row.get_by_role("link", name="复制为新文书").click()
    page.locator('#editor[aria-busy="false"]').wait_for()
    assert control(page, "recipient").input_value() == example["recipient"]
    assert control(page, "number").input_value() == ""
    assert "?from=" not in page.url
    assert "已复制" in page.locator("#notice").inner_text()


def test_batch_upload_runs_to_the_zip(page, live):
    """Upload a filled sheet, follow the progress and download the zip of documents."""
    sheet = EXAMPLES / "certificate.xlsx"
    if not sheet.exists():
        pytest.skip(f"no filled example sheet at {sheet} yet")
    page.goto("/batches")
    page.get_by_label("文书种类", exact=True).select_option("certificate")
    with page.expect_download() as blank:
        page.get_by_role("link", name="下载空白表格").click()
    assert blank.value.suggested_filename.endswith(".xlsx")
    page.get_by_label("Excel 文件（.xlsx）", exact=True).set_input_files(sheet)
    page.get_by_role("button", name="上传并开始生成").click()
    archive = page.get_by_role("link", name="下载全部文书（.zip）")
    archive.wait_for(timeout=60_000)
    with page.expect_download() as download:
        archive.click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        assert any(name.endswith(".docx") for name in bundle.namelist())


def test_every_form_control_has_a_label_and_required_ones_say_so(page):
    """Inputs, selects and text areas are tied to labels (for/id); required ones carry aria-required."""
    open_form(page, "branch-manual")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('#editor input, #editor select, #editor textarea')]
             .filter((control) => control.offsetParent !== null && control.labels.length === 0)
             .map((control) => control.id)"""
    )
    assert unlabelled == []
    page.get_by_role("button", name="添加党员名册").click()
    expect(control(page, "members[1].name")).to_have_attribute("aria-required", "true")
    assert control(page, "project").get_attribute("aria-required") == "true"
    assert control(page, "members[0].post").get_attribute("aria-required") is None


@pytest.mark.parametrize("path", ["/", "/forms/meeting-minutes", "/batches", "/history"])
def test_pages_fit_a_phone_without_sideways_scrolling(page, path):
    """At 390 px wide nothing forces horizontal scrolling."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_keyboard_reaches_the_skip_link_then_the_navigation(page):
    """Tab first lands on 跳到正文, which moves the focus to the main content."""
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
