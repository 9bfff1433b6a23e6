"""The batch page in a real browser against a stand-in of the batch API's contract (fake_batches)."""

from __future__ import annotations

import zipfile

import pytest

from service.web.views import BATCHES_URL, has_route

from . import fake_batches
from .live import LiveServer

expect = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package").expect


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server whose app answers the batch URLs with the stand-in (unless the real API exists)."""
    server = LiveServer(tmp_path_factory.mktemp("instance"))
    if has_route(server.app, BATCHES_URL):
        server.server.server_close()
        pytest.skip("the real batch API exists; test_browser.py drives the page against it")
    server.app.register_blueprint(fake_batches.bp)
    with server:
        yield server


def test_upload_follows_the_progress_to_both_downloads(page):
    """Blank sheet, upload, live progress, then the zip and the error report; a reload resumes."""
    page.goto("/batches")
    page.get_by_label("文书种类", exact=True).select_option("certificate")
    with page.expect_download() as blank:
        page.get_by_role("link", name="下载空白表格").click()
    assert blank.value.suggested_filename == "certificate.xlsx"
    page.get_by_label("Excel 文件（.xlsx）", exact=True).set_input_files(
        files=[{"name": "月度之星.xlsx", "mimeType": fake_batches.XLSX, "buffer": b"rows"}]
    )
    page.get_by_role("button", name="上传并开始生成").click()
    archive = page.get_by_role("link", name="下载全部文书（.zip）")
    archive.wait_for()
    expect(page.locator("#batch-status")).to_contain_text("已完成：共 3 份，已生成 2 份，失败 1 份（100%）")
    assert page.locator("#batch-progress").evaluate("bar => bar.value") == 100
    with page.expect_download() as download:
        archive.click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        assert bundle.namelist() == ["证书-1.docx"]
    with page.expect_download() as report:
        page.get_by_role("link", name="下载错误报告（.xlsx）").click()
    assert report.value.suggested_filename.endswith("-errors.xlsx")
    assert page.url.endswith("?batch=b1")
    page.reload()
    expect(page.get_by_role("link", name="下载全部文书（.zip）")).to_be_visible()
