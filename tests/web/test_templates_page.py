"""The templates and profile pages in a real browser: upload, see the warnings, preview, activate, roll back;
save a profile that the forms use at once."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.templating.conftest import edited, shipped, text_of

from .formpage import control, open_form

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect
EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "examples" / "policy.json").read_text("utf-8"))
del EXAMPLE["number"]
MARK = "中共某某研究院委员会文件"
# A Word edit: a new 红头, and Letter paper instead of A4 (a GB/T 9704 warning, not an error).
VARIANT = edited(shipped("policy"), ("{{ issuer_mark }}", MARK), ('w:w="11906" w:h="16838"', 'w:w="12240" w:h="15840"'))
MISSPELT = edited(shipped("policy"), ("{{ signatory }}", "{{ signatary }}"))


def made_policy_text(page) -> str:
    """Make a policy through the API in the page's session; the document's text."""
    response = page.request.post("/api/v1/documents/policy", data=json.dumps(EXAMPLE),
                                 headers={"Content-Type": "application/json"})
    assert response.status == 201
    return text_of(response.body())


def choose(page, tmp_path, data: bytes, note: str = "") -> None:
    """Pick policy, a file and a note, then press 上传并检查."""
    path = tmp_path / "模板.docx"
    path.write_bytes(data)
    page.select_option("#template-kind", "policy")
    page.set_input_files("#template-file", str(path))
    page.fill("#template-note", note)
    page.get_by_role("button", name="上传并检查").click()


def test_upload_warnings_preview_activate_and_roll_back(page, tmp_path):
    """The whole round a secretary makes, and the documents made meanwhile."""
    page.goto("/templates")
    page.select_option("#template-kind", "policy")
    expect(page.locator("#versions-status")).to_have_text("正在使用：默认模板")
    choose(page, tmp_path, MISSPELT)
    notice = page.locator("#template-notice")
    expect(notice).to_contain_text("模板未通过检查，未保存。")
    expect(notice).to_contain_text("是否应为 signatory")
    expect(page.locator("#versions tr")).to_have_count(1)  # the shipped default only

    choose(page, tmp_path, VARIANT, note="改红头")
    expect(notice).to_contain_text("检查通过，已保存为第 1 版")
    expect(notice).to_contain_text("纸张不是 A4")
    row = page.locator('#versions tr[data-ref="1"]')
    expect(row).to_contain_text("改红头")
    assert MARK not in made_policy_text(page)

    row.get_by_role("button", name="预览").click()
    expect(page.locator("#preview-caption")).to_contain_text("第 1 版")
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        image = page.locator("#preview-image")
        expect(image).to_have_js_property("complete", True, timeout=120_000)
        assert image.evaluate("node => node.naturalWidth") > 300

    row.get_by_role("button", name="启用").click()
    expect(page.locator("#versions-status")).to_have_text("正在使用：第 1 版")
    expect(row).to_contain_text("使用中")
    assert MARK in made_policy_text(page)

    page.get_by_role("button", name="回退到上一次使用的版本").click()
    expect(page.locator("#versions-status")).to_have_text("正在使用：默认模板")
    assert MARK not in made_policy_text(page)


def test_profile_page_saves_a_new_honour_that_the_certificate_form_then_offers(page):
    """An administrator adds 技术能手 on the profile page; the certificate form lists it at once."""
    page.goto("/profile")
    text = page.locator("#profile-text")
    expect(text).to_have_value(re.compile("月度之星"))
    expect(page.locator("#profile-updated")).to_have_text("正在使用系统默认配置")
    original = text.input_value()
    text.fill(original.replace('name = "月度之星"', 'name = "月度之星"\nname = "重复"'))
    page.get_by_role("button", name="检查并保存").click()
    expect(page.locator("#profile-notice")).to_contain_text("不是有效的 TOML")
    text.fill(original + '\n[[honours]]\nname = "技术能手"\nteam = false\n')
    page.get_by_role("button", name="检查并保存").click()
    expect(page.locator("#profile-notice")).to_contain_text("已保存")
    open_form(page, "certificate")
    expect(control(page, "honour").locator("option", has_text="技术能手")).to_have_count(1)
    page.goto("/profile")
    page.locator("#profile-text").fill(original)
    page.get_by_role("button", name="检查并保存").click()
    expect(page.locator("#profile-notice")).to_contain_text("已保存")
