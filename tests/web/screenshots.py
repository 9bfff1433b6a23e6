"""Take the web page's screenshots for docs/: python -m tests.web.screenshots (from the repository root)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from .formpage import control, open_form
from .live import LiveServer, launch

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def seed(page) -> None:
    """Make a few documents from the examples, so that history has rows."""
    for kind in ("certificate", "meeting-minutes", "commendation"):
        example = json.loads((ROOT / "examples" / f"{kind}.json").read_text(encoding="utf-8"))
        page.request.post(f"/api/v1/documents/{kind}", data={**example, "number": None})


def form_with_errors(page) -> None:
    """The minutes form filled from the example, two fields emptied and submitted: errors at their fields."""
    open_form(page, "meeting-minutes")
    page.get_by_role("button", name="用示例填充").click()
    control(page, "title").fill("")
    control(page, "attendees[1].name").fill("")
    page.get_by_role("button", name="生成并下载").click()
    page.locator("#form-errors").wait_for()
    page.evaluate("window.scrollTo(0, 0)")


def batch_run(page) -> None:
    """The example certificate sheet uploaded and followed to the end."""
    sheet = ROOT / "examples" / "certificate.xlsx"
    page.get_by_label("文书种类", exact=True).select_option("certificate")
    upload = {"name": "月度之星.xlsx", "mimeType": XLSX, "buffer": sheet.read_bytes()}
    page.get_by_label("Excel 文件（.xlsx）", exact=True).set_input_files(files=[upload])
    page.get_by_role("button", name="上传并开始生成").click()
    page.get_by_role("link", name="下载全部文书（.zip）").wait_for(timeout=60_000)


def template_round(page) -> None:
    """A policy template edited to Letter paper and a new 红头 uploaded: its warning, then its preview."""
    from tests.templating.conftest import edited, shipped

    variant = edited(shipped("policy"), ("{{ issuer_mark }}", "中共某某研究院委员会文件"),
                     ('w:w="11906" w:h="16838"', 'w:w="12240" w:h="15840"'))
    page.get_by_label("文书种类", exact=True).select_option("policy")
    upload = {"name": "规章制度（改红头）.docx", "mimeType": "application/octet-stream", "buffer": variant}
    page.get_by_label("Word 模板（.docx）", exact=True).set_input_files(files=[upload])
    page.get_by_label("说明", exact=True).fill("改红头")
    page.get_by_role("button", name="上传并检查").click()
    page.locator('#versions tr[data-ref="1"]').get_by_role("button", name="预览").click()


def shoot(browser, base_url: str, name: str, path: str, viewport: dict, prepare=None) -> None:
    """One screenshot of a page (the whole page, up to 2400 px high) into docs/<name>."""
    page = browser.new_page(base_url=base_url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(path)
    if prepare:
        prepare(page)
    page.wait_for_load_state("networkidle")
    height = min(page.evaluate("document.documentElement.scrollHeight"), 2400)
    page.screenshot(path=DOCS / name, clip={"x": 0, "y": 0, "width": viewport["width"], "height": height}, full_page=True)
    page.close()


def main() -> None:
    """Start the app on a scratch instance, seed it and take the screenshots."""
    with tempfile.TemporaryDirectory() as instance, sync_playwright() as playwright:
        with LiveServer(Path(instance)) as live:
            take_all(playwright, live.url)


def take_all(playwright, base_url: str) -> None:
    """Seed the documents and take each screenshot."""
    browser = launch(playwright)
    seed(browser.new_page(base_url=base_url))
    shoot(browser, base_url, "web-home.png", "/", LAPTOP)
    shoot(browser, base_url, "web-form.png", "/forms/meeting-minutes", LAPTOP, form_with_errors)
    shoot(browser, base_url, "web-batch.png", "/batches", LAPTOP, batch_run)
    shoot(browser, base_url, "web-history.png", "/history", LAPTOP)
    shoot(browser, base_url, "web-templates.png", "/templates", LAPTOP, template_round)
    shoot(browser, base_url, "web-phone.png", "/forms/certificate", PHONE)
    browser.close()


if __name__ == "__main__":
    main()
